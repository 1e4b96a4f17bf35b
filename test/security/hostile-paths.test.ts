// Files a hostile repository commits where sslguard reads or writes what the user named: a config
// file, --print-config's file, a baseline, a named path, -o, --write-baseline and the Action's
// sarif-file. Links out of the working directory and its repository are refused, FIFOs and devices
// are refused without blocking, sizes are bounded, and config errors quote only a short, masked
// excerpt. Each case is the attack itself, run through the real CLI (bin/sslguard.js) or the
// Action's entry point.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');
const actionEntry = join(root, 'dist', 'src', 'action', 'main.js');
const HOST = 'db.abcd1234.supabase.co';
const ENV_SECRET = 'S3cretFromTheEnvironment';
const OUTSIDE_SECRET = 'S3cretOutsideTheRepo';
const VICTIM = 'the user file, unchanged\n';

let base: string;
let outside: string;
let count = 0;

beforeAll(() => {
  if (!existsSync(actionEntry)) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  base = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-hostile-')));
  outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, '.env'), `DATABASE_URL=postgresql://app:${OUTSIDE_SECRET}@${HOST}/postgres?sslmode=disable\n`);
  writeFileSync(join(outside, 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${OUTSIDE_SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`);
});
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

/** A committed repository with one finding, plus whatever `plant` adds. */
function repository(plant: (repo: string) => void = () => {}): string {
  const repo = join(base, `repo${++count}`);
  mkdirSync(repo);
  writeFileSync(join(repo, '.env.production'), `DATABASE_URL=postgresql://app@${HOST}:5432/postgres?sslmode=disable\n`);
  plant(repo);
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'hostile');
  return repo;
}

function victim(): string {
  const file = join(outside, `victim${++count}.txt`);
  writeFileSync(file, VICTIM);
  return file;
}

/** The CLI; the time limit only turns a hang (a FIFO, /dev/zero) into a failure instead of a stuck suite. */
function cli(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', PLANTED: ENV_SECRET } });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('config files', () => {
  it('a committed .sslguard.yaml linked to /proc/self/environ or to a key outside is refused, and nothing of it is printed', () => {
    for (const target of ['/proc/self/environ', join(outside, 'id_rsa')]) {
      const repo = repository((r) => symlinkSync(target, join(r, '.sslguard.yaml')));
      const r = cli(repo, ['--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^sslguard: \.sslguard\.yaml: config file leads through a symbolic link outside the working directory and its repository \(to \S+\), not followed\n$/);
      expect(r.err + r.out).not.toContain(ENV_SECRET);
      expect(r.err + r.out).not.toContain(OUTSIDE_SECRET);
    }
  });

  it('a link inside the repository is followed', () => {
    const repo = repository((r) => {
      mkdirSync(join(r, 'config'));
      writeFileSync(join(r, 'config', 'sslguard.yaml'), 'rules:\n  no-ssl-disabled: off\n');
      symlinkSync('config/sslguard.yaml', join(r, '.sslguard.yaml'));
    });
    const r = cli(repo, ['--format', 'json']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['gitignore-env']);
  });

  it('.sslguard.json linked to /dev/zero, a FIFO, /dev/zero named with --config and a 2 MB file are refused at once', () => {
    const linked = repository((r) => symlinkSync('/dev/zero', join(r, '.sslguard.json')));
    expect(cli(linked, []).err).toMatch(/^sslguard: \.sslguard\.json: config file leads through a symbolic link outside .* \(to \/dev\/zero\), not followed\n$/);
    const fifo = repository();
    const made = spawnSync('mkfifo', [join(fifo, '.sslguard.json')]);
    if (made.error) throw new Error(`mkfifo not found: apt-get install -y coreutils (${made.error.message})`);
    expect(cli(fifo, [])).toMatchObject({ code: 2, err: 'sslguard: .sslguard.json: config file is a FIFO; name a regular file\n' });
    expect(cli(fifo, ['--config', '/dev/zero'])).toMatchObject({ code: 2, err: 'sslguard: /dev/zero: config file is a device; name a regular file\n' });
    const large = repository((r) => writeFileSync(join(r, '.sslguard.json'), `{"rules": {}, "x": "${'a'.repeat(2 * 1024 * 1024)}"}`));
    expect(cli(large, [])).toMatchObject({ code: 2, err: 'sslguard: .sslguard.json: config file is larger than 1048576 bytes, not read\n' });
  });

  it('errors quote a short excerpt of a value or key, masked as findings are', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['.sslguard.json', JSON.stringify({ maxFileSize: `postgres://u:${OUTSIDE_SECRET}@h/db` }), /maxFileSize: must be a positive integer number of bytes, not the string "postgres:\/\/u:\*\*\*\*@h\/db"/],
      ['.sslguard.json', JSON.stringify({ [`postgres://u:${OUTSIDE_SECRET}@h/db`]: 1 }), /^sslguard: \.sslguard\.json: "postgres:\/\/u:\*\*\*\*@h\/db": unknown key/],
      ['.sslguard.json', JSON.stringify({ localHosts: [`db host password=${OUTSIDE_SECRET}`] }), /localHosts\[0\]: must be a host name.*password=\*\*\*\*/],
      ['.sslguard.yaml', `${'PATH=/usr/bin HOME=/root '.repeat(40)}DB_PASSWORD=x password=${OUTSIDE_SECRET}\n`, /the configuration must be an object, not the string "PATH=\/usr\/bin HOME=\/root PATH=…" \(\d+ characters\)/],
    ];
    for (const [name, text, expected] of cases) {
      const repo = repository((r) => writeFileSync(join(r, name), text));
      const r = cli(repo, []);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(expected);
      expect(r.err).not.toContain(OUTSIDE_SECRET);
      expect(r.err.length).toBeLessThan(400);
    }
  });
});

describe('named paths', () => {
  it('a file or directory named through a linked directory that leads out of the repository is refused with a diagnostic', () => {
    const repo = repository((r) => symlinkSync(outside, join(r, 'linked-dir')));
    for (const named of ['linked-dir/.env', 'linked-dir']) {
      const r = cli(repo, ['--format', 'json', '.env.production', named]);
      expect(r.code).toBe(1);
      expect(r.out).not.toContain(OUTSIDE_SECRET);
      const report = JSON.parse(r.out);
      expect([...new Set(report.findings.map((f: { file: string }) => f.file))]).toEqual(['.env.production']);
      expect(report.diagnostics).toContainEqual({ file: named, message: `symbolic link points outside the working directory and its repository (to ${named === 'linked-dir' ? outside : join(outside, '.env')}), not followed` });
    }
  });

  it('--print-config and --baseline through a link out of the repository are refused', () => {
    const repo = repository((r) => {
      symlinkSync(outside, join(r, 'linked-dir'));
      symlinkSync(join(outside, '.env'), join(r, '.env.local'));
      symlinkSync('/dev/zero', join(r, 'sslguard-baseline.json'));
    });
    for (const named of ['linked-dir/.env', '.env.local']) {
      const r = cli(repo, ['--print-config', named]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^sslguard: --print-config ${named.replace('.', '\\.')}: leads through a symbolic link outside`));
      expect(r.out + r.err).not.toContain(OUTSIDE_SECRET);
    }
    const r = cli(repo, ['--baseline', 'sslguard-baseline.json']);
    expect(r).toMatchObject({ code: 2, err: 'sslguard: baseline file sslguard-baseline.json leads through a symbolic link outside the working directory and its repository (to /dev/zero), not followed\n' });
  });

  it("--print-config's client versions never come from a lockfile linked out of the repository", () => {
    const lock = join(outside, `package-lock${++count}.json`);
    writeFileSync(lock, JSON.stringify({ name: 'x', lockfileVersion: 3, packages: { '': { dependencies: { pg: '9.0.0' } }, 'node_modules/pg': { version: '9.0.0' } } }));
    const repo = repository((r) => {
      writeFileSync(join(r, 'package.json'), JSON.stringify({ name: 'x', dependencies: { pg: '8.11.3' } }));
      writeFileSync(join(r, 'db.js'), "const { Pool } = require('pg');\nnew Pool({ connectionString: process.env.DATABASE_URL });\n");
      symlinkSync(lock, join(r, 'package-lock.json'));
    });
    const r = cli(repo, ['--print-config', 'db.js']);
    expect(r.code).toBe(0);
    const pg = (JSON.parse(r.out) as { clients: Array<{ client: string; version?: string }> }).clients.find((c) => c.client === 'node-postgres');
    // From package.json's declared version, not the linked lockfile's 9.0.0.
    expect(pg?.version).toBe('8.11.3');
  });
});

describe('writes', () => {
  it('-o through a committed link, or into a linked directory out of the repository, is refused and writes nothing', () => {
    const target = victim();
    const repo = repository((r) => {
      symlinkSync(target, join(r, 'report.json'));
      symlinkSync(outside, join(r, 'reports'));
    });
    expect(cli(repo, ['--format', 'json', '-o', 'report.json'])).toMatchObject({
      code: 2,
      err: `sslguard: --output report.json: leads through a symbolic link outside the working directory and its repository (to ${target}), not followed\n`,
    });
    expect(readFileSync(target, 'utf8')).toBe(VICTIM);
    const r = cli(repo, ['-o', 'reports/sslguard.txt']);
    expect(r).toMatchObject({ code: 2, err: `sslguard: --output reports/sslguard.txt: leads through a symbolic link outside the working directory and its repository (to ${join(outside, 'sslguard.txt')}), not followed\n` });
    expect(existsSync(join(outside, 'sslguard.txt'))).toBe(false);
    // A plain path is written as before.
    expect(cli(repo, ['--format', 'json', '-o', 'out.json']).code).toBe(1);
    expect(JSON.parse(readFileSync(join(repo, 'out.json'), 'utf8')).findings).toHaveLength(2);
  });

  it('--write-baseline never writes through a link planted at the old predictable temporary name', async () => {
    const planted = victim();
    // The name the old code wrote first, `<file>.<pid>.tmp`, here for this very process.
    const repo = repository((r) => symlinkSync(planted, join(r, `sslguard-baseline.json.${process.pid}.tmp`)));
    const code = await main(['--write-baseline', 'sslguard-baseline.json'], { cwd: repo, stdout: () => {}, stderr: () => {}, isTTY: false, env: {} });
    expect(code).toBe(0);
    expect(readFileSync(planted, 'utf8')).toBe(VICTIM);
    expect(JSON.parse(readFileSync(join(repo, 'sslguard-baseline.json'), 'utf8')).findings).toHaveLength(2);
    expect(readdirSync(repo).filter((name) => name.endsWith('.tmp'))).toEqual([`sslguard-baseline.json.${process.pid}.tmp`]);
  });

  it('--write-baseline refuses a target linked out of the repository; a link inside it is replaced, not written through', () => {
    const target = victim();
    const repo = repository((r) => {
      symlinkSync(target, join(r, 'sslguard-baseline.json'));
      writeFileSync(join(r, 'kept.json'), VICTIM);
      symlinkSync('kept.json', join(r, 'inside-baseline.json'));
    });
    expect(cli(repo, ['--write-baseline', 'sslguard-baseline.json'])).toMatchObject({
      code: 2,
      err: `sslguard: baseline file sslguard-baseline.json leads through a symbolic link outside the working directory and its repository (to ${target}), not followed\n`,
    });
    expect(readFileSync(target, 'utf8')).toBe(VICTIM);
    expect(cli(repo, ['--write-baseline', 'inside-baseline.json']).code).toBe(0);
    expect(readFileSync(join(repo, 'kept.json'), 'utf8')).toBe(VICTIM);
    expect(lstatSync(join(repo, 'inside-baseline.json')).isFile()).toBe(true);
  });

  it("the Action's sarif-file through a committed link is refused and writes nothing", () => {
    const target = victim();
    const repo = repository((r) => symlinkSync(target, join(r, 'results.sarif')));
    const state = join(base, `runner${++count}`);
    mkdirSync(state);
    const r = spawnSync(process.execPath, [actionEntry], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_ACTIONS: 'true', NO_COLOR: '1', GITHUB_WORKSPACE: repo, GITHUB_OUTPUT: join(state, 'output'), 'INPUT_SARIF-FILE': 'results.sarif' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`::error title=sslguard::input \`sarif-file\` results.sarif: leads through a symbolic link outside the working directory and its repository (to ${target}), not followed`);
    expect(readFileSync(target, 'utf8')).toBe(VICTIM);
  });
});
