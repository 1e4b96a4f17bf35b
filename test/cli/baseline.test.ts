import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { isolateGit, requireGit } from '../discovery/fixture.js';
import { multitool, multitoolAnalysed, multitoolProblems } from '../helpers/sarif-multitool.js';

// `--write-baseline` and `--baseline` in real directories and git repositories, run in-process as
// the bin runs them.

const NOW = new Date('2026-11-26T00:00:00Z');
const SECRET = 'Xq9-very-Secret-77';
const PROD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const REPLICA = 'REPLICA_URL=postgresql://reader@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const NO_MODE = 'ANALYTICS_URL=postgresql://analyst@db.abcd1234.supabase.co:5432/postgres\n';
const POOL = "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });\n";
const BASELINE = '.sslguard-baseline.json';

beforeAll(() => {
  requireGit();
  isolateGit();
});

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Repo {
  dir: string;
  write: (rel: string, text: string) => void;
  read: (rel: string) => string;
  git: (...args: string[]) => string;
}

function repo(files: Record<string, string>, git = true): Repo {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-baseline-')));
  created.push(dir);
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const run = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir, encoding: 'utf8' });
  if (git) {
    run('init', '-q');
    run('add', '-A');
    run('commit', '-qm', 'init');
  }
  return { dir, write, read: (rel) => readFileSync(join(dir, rel), 'utf8'), git: run };
}

async function sslguard(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {}, now: NOW });
  return { code, out, err };
}

async function json(cwd: string, args: string[]) {
  const r = await sslguard(cwd, ['--format', 'json', ...args]);
  return { ...r, report: r.out ? JSON.parse(r.out) : undefined };
}

const brief = (report: any) => report.findings.map((f: any) => [f.ruleId, f.file, f.line]);
const entries = (text: string) => JSON.parse(text).findings.map((e: any) => [e.file, e.ruleId, e.count]);

describe('sslguard --write-baseline, then --baseline', () => {
  it('records today\'s findings, then reports only new ones, through line moves', async () => {
    const r = repo({ 'deploy/.env.example': `${PROD}${PROD}`, 'services/api/src/db.ts': POOL });
    const written = await sslguard(r.dir, ['--write-baseline', BASELINE]);
    expect(written.code).toBe(0);
    expect(written.err).toBe(`sslguard: wrote ${BASELINE} (3 findings in 2 files)\n`);
    expect(written.out).toBe('✔ no problems · 2 files scanned · 3 baselined\n');
    expect(entries(r.read(BASELINE))).toEqual([
      ['deploy/.env.example', 'no-ssl-disabled', 2],
      ['services/api/src/db.ts', 'no-reject-unauthorized', 1],
    ]);

    const clean = await json(r.dir, ['--baseline', BASELINE]);
    expect(clean.code).toBe(0);
    expect(clean.report.findings).toEqual([]);
    // The baseline file itself is scanned like any JSON file and yields nothing.
    expect(clean.report.diagnostics).toEqual([]);
    expect(clean.report.stats).toMatchObject({ errors: 0, warnings: 0, baselined: 3 });

    // Lines moved, a third twin and a new connection without sslmode added.
    r.write('deploy/.env.example', `# Supabase project for the agent\nLOG_LEVEL=info\n\n${PROD}${NO_MODE}${PROD}${PROD}`);
    r.write('services/api/src/db.ts', `// shared pool\n\n${POOL}`);
    const later = await json(r.dir, ['--baseline', BASELINE]);
    expect(later.code).toBe(1);
    expect(brief(later.report)).toEqual([
      ['require-sslmode', 'deploy/.env.example', 5],
      ['no-ssl-disabled', 'deploy/.env.example', 7],
    ]);
    expect(later.report.stats).toMatchObject({ errors: 1, warnings: 1, baselined: 3 });
    // Only a warning is new once the third twin is gone: the default --fail-on passes, warning fails.
    r.write('deploy/.env.example', `${PROD}${NO_MODE}${PROD}`);
    expect((await json(r.dir, ['--baseline', BASELINE])).code).toBe(0);
    expect((await json(r.dir, ['--baseline', BASELINE, '--fail-on', 'warning'])).code).toBe(1);

    // Without a baseline, reports keep their shape: no `baselined` in stats.
    const plain = await json(r.dir, []);
    expect(plain.code).toBe(1);
    expect('baselined' in plain.report.stats).toBe(false);
  });

  it('prints the baselined count in the stylish summary next to the new findings', async () => {
    const r = repo({ 'deploy/.env.example': PROD });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    r.write('deploy/.env.example', `${PROD}${REPLICA}`);
    const { code, out } = await sslguard(r.dir, ['--baseline', BASELINE]);
    expect(code).toBe(1);
    expect(out).toMatch(/^deploy\/\.env\.example\n {2}2:\d+ {2}error {2}.*no-ssl-disabled\n\n✖ 1 problem \(1 error, 0 warnings\) · 2 files scanned · 1 baselined\n$/);
  });

  it('drops fixed findings on rewrite, so the committed file\'s diff shows only what left', async () => {
    const r = repo({ 'deploy/.env.example': `${PROD}${REPLICA}`, 'services/api/src/db.ts': POOL });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    r.git('add', BASELINE);
    r.git('commit', '-qm', 'baseline');
    r.write('deploy/.env.example', `${PROD}REPLICA_URL=postgresql://reader@db.abcd1234.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n`);
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    expect(entries(r.read(BASELINE))).toEqual([
      ['deploy/.env.example', 'no-ssl-disabled', 1],
      ['services/api/src/db.ts', 'no-reject-unauthorized', 1],
    ]);
    // One entry of seven lines removed, nothing else touched.
    expect(r.git('diff', '--numstat', '--', BASELINE)).toBe(`0\t7\t${BASELINE}\n`);
  });

  it('with --baseline too, prunes: fixed findings leave the file, new ones are reported and not added', async () => {
    const r = repo({ 'deploy/.env.example': `${PROD}${REPLICA}` });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    const before = entries(r.read(BASELINE));
    expect(before).toEqual([
      ['deploy/.env.example', 'no-ssl-disabled', 1],
      ['deploy/.env.example', 'no-ssl-disabled', 1],
    ]);
    r.write('deploy/.env.example', `${REPLICA}${NO_MODE}`);
    const pruned = await json(r.dir, ['--baseline', BASELINE, '--write-baseline', BASELINE]);
    expect(pruned.code).toBe(0);
    expect(brief(pruned.report)).toEqual([['require-sslmode', 'deploy/.env.example', 2]]);
    expect(pruned.report.stats).toMatchObject({ warnings: 1, baselined: 1 });
    expect(pruned.err).toBe(`sslguard: wrote ${BASELINE} (1 finding in 1 file)\n`);
    expect(JSON.parse(r.read(BASELINE)).findings).toHaveLength(1);
    // The entry kept is the replica's: with the fixed line back, it is new again.
    r.write('deploy/.env.example', `${REPLICA}${NO_MODE}${PROD}`);
    expect(brief((await json(r.dir, ['--baseline', BASELINE])).report)).toEqual([
      ['require-sslmode', 'deploy/.env.example', 2],
      ['no-ssl-disabled', 'deploy/.env.example', 3],
    ]);
  });

  it('records warnings under --quiet too, so a later full run is clean', async () => {
    const r = repo({ '.env.example': `${PROD}${NO_MODE}` });
    const quiet = await sslguard(r.dir, ['--quiet', '--write-baseline', BASELINE]);
    expect(quiet.code).toBe(0);
    expect(entries(r.read(BASELINE)).map((e: any) => e[1])).toEqual(['no-ssl-disabled', 'require-sslmode']);
    const full = await json(r.dir, ['--baseline', BASELINE]);
    expect(full.report.findings).toEqual([]);
    expect(full.report.stats.baselined).toBe(2);
  });

  it('never writes a password into the baseline', async () => {
    const r = repo({ 'deploy/.env.staging': `DATABASE_URL=postgresql://admin:${SECRET}@db.abcd1234.supabase.co/postgres?sslmode=require\nDB_PASSWORD=${SECRET}\n` });
    const { out, err } = await sslguard(r.dir, ['--write-baseline', 'ci/sslguard-baseline.json']);
    const text = r.read('ci/sslguard-baseline.json');
    expect(JSON.parse(text).findings.length).toBeGreaterThan(1);
    for (const s of [text, out, err]) expect(s).not.toContain(SECRET);
  });
});

describe('baselines and directories', () => {
  function monorepo(): Repo {
    return repo({
      'packages/api/.env.example': PROD,
      'packages/api/src/db.ts': POOL,
      'packages/web/.env.example': REPLICA,
    });
  }

  it('a baseline written at the root serves a scan run from a package directory', async () => {
    const r = monorepo();
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    const api = join(r.dir, 'packages', 'api');
    const fromPackage = await json(api, ['--baseline', `../../${BASELINE}`, '.']);
    expect(fromPackage.code).toBe(0);
    expect(fromPackage.report.stats.baselined).toBe(2);
    // A new finding there is reported with its path relative to where sslguard runs.
    writeFileSync(join(api, '.env.example'), `${PROD}${REPLICA}`);
    const later = await json(api, ['--baseline', `../../${BASELINE}`, '.']);
    expect(brief(later.report)).toEqual([['no-ssl-disabled', '.env.example', 2]]);
    expect(later.code).toBe(1);
  });

  it('a baseline written from a package directory records paths relative to the baseline file', async () => {
    const r = monorepo();
    const api = join(r.dir, 'packages', 'api');
    expect((await sslguard(api, ['--write-baseline', `../../${BASELINE}`, '.'])).code).toBe(0);
    expect(entries(r.read(BASELINE))).toEqual([
      ['packages/api/.env.example', 'no-ssl-disabled', 1],
      ['packages/api/src/db.ts', 'no-reject-unauthorized', 1],
    ]);
    // Read from the root: the web package was never recorded.
    const fromRoot = await json(r.dir, ['--baseline', BASELINE]);
    expect(brief(fromRoot.report)).toEqual([['no-ssl-disabled', 'packages/web/.env.example', 1]]);
    expect(fromRoot.report.stats.baselined).toBe(2);
  });
});

describe('baseline errors', () => {
  it('a missing, corrupt or foreign baseline is a usage error (exit 2) before any scan', async () => {
    const r = repo({ '.env.example': PROD }, false);
    const missing = await sslguard(r.dir, ['--baseline', 'nope.json']);
    expect(missing).toEqual({ code: 2, out: '', err: 'sslguard: baseline file nope.json does not exist; create it with --write-baseline nope.json\n' });

    r.write('broken.json', '{\n  "version": 1,\n  "findings": [\n');
    const broken = await sslguard(r.dir, ['--baseline', 'broken.json']);
    expect(broken.code).toBe(2);
    expect(broken.out).toBe('');
    expect(broken.err).toMatch(/^sslguard: baseline file broken\.json is not valid JSON at line 4, column 1 \(\w+\): fix it or rewrite it with --write-baseline broken\.json\n$/);

    r.write('.sslguard.json', '{ "rules": {} }\n');
    const foreign = await sslguard(r.dir, ['--baseline', '.sslguard.json']);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toBe('sslguard: baseline file .sslguard.json is not an sslguard baseline: `version` is missing; fix it or rewrite it with --write-baseline .sslguard.json\n');

    mkdirSync(join(r.dir, 'baselines'));
    expect((await sslguard(r.dir, ['--baseline', 'baselines'])).err).toBe('sslguard: baseline file baselines is a directory\n');
    expect((await sslguard(r.dir, ['--write-baseline', 'baselines'])).err).toBe('sslguard: cannot write baseline file baselines: EISDIR\n');
  });

  it('a missing baseline with --write-baseline too is still an error, not a silent fresh start', async () => {
    const r = repo({ '.env.example': PROD }, false);
    const both = await sslguard(r.dir, ['--baseline', BASELINE, '--write-baseline', BASELINE]);
    expect(both.code).toBe(2);
    expect(both.err).toContain(`baseline file ${BASELINE} does not exist`);
  });
});

describe('baselines with --format sarif and --staged', () => {
  it('leaves baselined results out of SARIF and marks the rest new; the log validates', async () => {
    const r = repo({ 'deploy/.env.example': PROD, 'services/api/src/db.ts': POOL });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    r.write('deploy/.env.example', `${PROD}${REPLICA}`);
    const { code, out } = await sslguard(r.dir, ['--format', 'sarif', '--baseline', BASELINE]);
    expect(code).toBe(1);
    const run = JSON.parse(out).runs[0];
    expect(run.results.map((x: any) => [x.ruleId, x.locations[0].physicalLocation.region.startLine, x.baselineState])).toEqual([['no-ssl-disabled', 2, 'new']]);
    expect(run.properties).toEqual({ baselined: 2 });
    const file = join(r.dir, 'baseline.sarif');
    writeFileSync(file, out);
    const validation = multitool([file], r.dir);
    expect(multitoolProblems(validation)).toEqual([]);
    expect(multitoolAnalysed(validation)).toEqual(['baseline.sarif']);
    // Without a baseline: no baselineState, no run properties.
    const plain = JSON.parse((await sslguard(r.dir, ['--format', 'sarif'])).out).runs[0];
    expect(plain.results.every((x: any) => x.baselineState === undefined)).toBe(true);
    expect(plain.properties).toBeUndefined();
  });

  it('judges only new staged findings in a pre-commit hook', async () => {
    const r = repo({ 'deploy/.env.example': PROD });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    r.git('add', BASELINE);
    r.git('commit', '-qm', 'baseline');
    // A staged edit that moves the baselined line passes.
    r.write('deploy/.env.example', `# agent database\n${PROD}`);
    r.git('add', 'deploy/.env.example');
    expect((await json(r.dir, ['--staged', '--baseline', BASELINE])).code).toBe(0);
    // A new staged file with a finding fails, and only it is reported.
    r.write('services/worker/.env.example', REPLICA);
    r.git('add', 'services/worker/.env.example');
    const hook = await json(r.dir, ['--staged', '--baseline', BASELINE]);
    expect(hook.code).toBe(1);
    expect(brief(hook.report)).toEqual([['no-ssl-disabled', 'services/worker/.env.example', 1]]);
    expect(hook.report.stats.baselined).toBe(1);
  });
});

describe('README: Baselines for existing repositories', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Baselines for existing repositories'));
  const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)![1]!;

  it('runs the two commands as written: the first records, the second passes until something new appears', async () => {
    const commands = block('sh').trim().split('\n');
    expect(commands).toHaveLength(2);
    const args = commands.map((c) => {
      expect(c.startsWith('npx sslguard ')).toBe(true);
      return c.slice('npx sslguard '.length).split(' ');
    });
    const r = repo({ 'deploy/.env.example': PROD, 'services/api/src/db.ts': POOL });
    expect((await sslguard(r.dir, args[0]!)).code).toBe(0);
    expect((await sslguard(r.dir, args[1]!)).code).toBe(0);
    r.write('deploy/.env.example', `${PROD}${REPLICA}`);
    expect((await sslguard(r.dir, args[1]!)).code).toBe(1);
  });

  it('shows a file of the shape sslguard writes', async () => {
    const example = JSON.parse(block('json').replace(/: …"/g, '"'));
    const r = repo({ 'services/api/src/db.ts': POOL });
    await sslguard(r.dir, ['--write-baseline', BASELINE]);
    const written = JSON.parse(r.read(BASELINE));
    expect(Object.keys(written)).toEqual(Object.keys(example));
    expect({ ...written, findings: undefined }).toEqual({ ...example, findings: undefined });
    expect(Object.keys(written.findings[0])).toEqual(Object.keys(example.findings[0]));
    expect(written.findings[0]).toMatchObject({ file: example.findings[0].file, ruleId: example.findings[0].ruleId, count: 1 });
    expect(written.findings[0].message.startsWith(example.findings[0].message)).toBe(true);
  });
});
