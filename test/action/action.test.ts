import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildSummary } from '../../src/action/summary.js';
import { readInputs } from '../../src/action/run.js';
import { toolVersion } from '../../src/version.js';

// The action's entry point, compiled from the sources (test/action/bundle.test.ts runs the committed
// bundle action.yml names), run as GitHub runs it: a node process with the GITHUB_* and INPUT_*
// variables set and real files for $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. The second test group
// checks the README workflow against action.yml and runs its steps' logic.

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'dist', 'src', 'action', 'main.js');
const SECRET = 'Xq9-very-Secret-77';

/** Every directory a test creates, removed when the file's tests are done. */
const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

function workspace(files: Record<string, string>): string {
  const dir = tempDir('sslguard-action-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  dir: string;
}

/** $GITHUB_OUTPUT in the runner's syntax: `name=value` lines and `name<<DELIM` blocks. */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`unterminated output ${heredoc[1]}`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function runEntry(dir: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Run {
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  const state = tempDir('sslguard-runner-');
  const output = join(state, 'output');
  const summary = join(state, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    NO_COLOR: '1',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/agent',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  };
  const r = spawnSync(process.execPath, [entry], { cwd: dir, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout + r.stderr, outputs: parseOutputFile(readFileSync(output, 'utf8')), summary: readFileSync(summary, 'utf8'), dir };
}

/** 13 errors and 12 warnings over several files. */
function busyWorkspace(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 13; i++) files[`services/svc${String(i).padStart(2, '0')}/.env.example`] = `DATABASE_URL=postgresql://agent@db${i}.abcd1234.supabase.co:5432/postgres?sslmode=disable\n`;
  for (let i = 0; i < 12; i++) files[`jobs/job${String(i).padStart(2, '0')}/.env.example`] = `DATABASE_URL=postgresql://agent@jobs${i}.abcd1234.supabase.co:5432/postgres\n`;
  return workspace(files);
}

const lines = (stdout: string, kind: string) => stdout.split('\n').filter((l) => l.startsWith(`::${kind} `));

describe('GitHub Action entry point', () => {
  it('annotates the first 10 errors and 10 warnings, says so in the summary, and lists every finding there', () => {
    const run = runEntry(busyWorkspace(), { paths: '.', 'fail-on': 'error', annotate: 'true', 'sarif-file': 'reports/sslguard.sarif' });
    expect(run.code).toBe(1);
    expect(lines(run.stdout, 'error')).toHaveLength(10);
    expect(lines(run.stdout, 'warning')).toHaveLength(10);
    expect(lines(run.stdout, 'error')[0]).toMatch(/^::error file=services\/svc00\/\.env\.example,line=1,endLine=1,col=\d+,endColumn=\d+,title=sslguard%3A no-ssl-disabled::/);

    expect(run.summary).toContain('## sslguard: 13 errors, 12 warnings');
    expect(run.summary).toContain('annotated 10 of 13 errors and 10 of 12 warnings');
    // Rule links name the tag of the version running, not main.
    expect(run.summary).toContain(`| [\`no-ssl-disabled\`](https://github.com/sslguard/sslguard/blob/v${toolVersion()}/docs/rules.md#no-ssl-disabled) | 13 | 0 |`);
    expect(run.summary).toMatch(/\| \[`require-sslmode`\]\([^)]*\) \| 0 \| 12 \|/);
    expect(run.summary).toContain('| `services/svc07/.env.example` | 1 | 0 |');
    const all = run.summary.slice(run.summary.indexOf('### All findings'));
    expect(all.split('\n').filter((l) => /^\| (error|warning) \|/.test(l))).toHaveLength(25);
    expect(all).toContain('[`jobs/job11/.env.example:1:14`](https://github.com/acme/agent/blob/0123456789abcdef0123456789abcdef01234567/jobs/job11/.env.example#L1)');

    expect(run.outputs).toEqual({ findings: '25', errors: '13', warnings: '12', 'sarif-file': 'reports/sslguard.sarif' });
    const sarif = JSON.parse(readFileSync(join(run.dir, 'reports', 'sslguard.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(25);
  });

  it('exits per fail-on', () => {
    const warningsOnly = workspace({ '.env.example': 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres\n' });
    expect(runEntry(warningsOnly, { 'fail-on': 'error' }).code).toBe(0);
    expect(runEntry(warningsOnly, { 'fail-on': 'warning' }).code).toBe(1);
    expect(runEntry(busyWorkspace(), { 'fail-on': 'none' }).code).toBe(0);
    const clean = runEntry(workspace({ '.env.example': 'DATABASE_URL=postgresql://postgres:postgres@localhost:54322/postgres\n' }), {});
    expect(clean.code).toBe(0);
    expect(clean.summary).toContain('## sslguard: no problems');
    expect(clean.outputs).toEqual({ findings: '0', errors: '0', warnings: '0', 'sarif-file': '' });
  });

  it('with annotate false, writes no annotation and says where the findings are', () => {
    const run = runEntry(busyWorkspace(), { annotate: 'false' });
    expect(lines(run.stdout, 'error')).toEqual([]);
    expect(lines(run.stdout, 'warning')).toEqual([]);
    expect(run.summary).toContain('Annotations are off (`annotate: false`)');
  });

  it('keeps workflow commands off while printing the report, so scanned file names cannot inject one', () => {
    const run = runEntry(workspace({ '::add-mask::x/.env.example': 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n' }), {});
    const stop = /^::stop-commands::([0-9a-f-]{36})$/m.exec(run.stdout);
    expect(stop).not.toBeNull();
    const resume = run.stdout.indexOf(`\n::${stop![1]}::\n`);
    const injected = run.stdout.indexOf('::add-mask::x/.env.example');
    expect(injected).toBeGreaterThan(stop!.index);
    expect(injected).toBeLessThan(resume);
    // The annotation after the report escapes the name.
    expect(run.stdout).toContain('::error file=%3A%3Aadd-mask%3A%3Ax/.env.example,');
  });

  it('lists unreadable files in the summary and as notices, and never shows a password', () => {
    const run = runEntry(
      workspace({
        'charts/agent/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
        'deploy/.env.production': `DATABASE_URL=postgresql://admin:${SECRET}@db.abcd1234.supabase.co/postgres?sslmode=require\n`,
      }),
      { 'sarif-file': 'sslguard.sarif' },
    );
    expect(run.summary).toContain('### Files not fully scanned');
    expect(run.summary).toContain('| `charts/agent/templates/deployment.yaml:4` | Helm template');
    expect(lines(run.stdout, 'notice')[0]).toMatch(/^::notice file=charts\/agent\/templates\/deployment\.yaml,line=4/);
    // `<CA file>` in a message is escaped for Markdown, not left as HTML (summary-render.test.ts renders it).
    expect(run.summary).toContain('\\<CA file\\>');
    for (const text of [run.stdout, run.summary, readFileSync(join(run.dir, 'sslguard.sarif'), 'utf8')]) expect(text).not.toContain(SECRET);
  });

  it('fails with exit 2 and an error annotation on a bad input or config', () => {
    const bad = runEntry(workspace({}), { 'fail-on': 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('::error title=sslguard::input `fail-on` must be error, warning or none, not "sometimes"');
    const badConfig = runEntry(workspace({ '.sslguard.json': '{"rules": {"no-ssl-disable": "off"}}' }), {});
    expect(badConfig.code).toBe(2);
    expect(badConfig.stdout).toMatch(/^::error title=sslguard::.*no-ssl-disable/m);
    expect(runEntry(workspace({}), { annotate: 'yes' }).code).toBe(2);
  });

  it('reads one path per line', () => {
    expect(readInputs({ INPUT_PATHS: 'deploy\n  my configs  \n\n' }).paths).toEqual(['deploy', 'my configs']);
    expect(readInputs({}).paths).toEqual(['.']);
    expect(readInputs({ INPUT_ANNOTATE: '' }).annotate).toBe(true);
  });

  it('stops listing rows before the 1 MiB summary limit and says how many it left out', () => {
    const findings = Array.from({ length: 300 }, (_, i) => ({
      ruleId: 'no-ssl-disabled',
      severity: 'error' as const,
      message: `Connection ${i} uses sslmode=disable.`,
      file: `svc${i}/.env`,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
      environment: 'unknown' as const,
    }));
    const report = { findings, suppressed: [], diagnostics: [], stats: { filesScanned: 300, errors: 300, warnings: 0, suppressed: 0, durationMs: 1 } };
    const md = buildSummary(report, { failOn: 'error', annotations: { enabled: true, errors: { shown: 10, total: 300 }, warnings: { shown: 0, total: 0 } } }, 20_000);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(20_000);
    const listed = md.split('\n').filter((l) => l.startsWith('| error |')).length;
    expect(listed).toBeGreaterThan(50);
    expect(md).toContain(`_${300 - listed} more findings are not listed`);
  });
});

describe('action.yml', () => {
  const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8'));

  it('matches the README workflow, which scans, uploads the SARIF log and fails the job as it says', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const at = readme.indexOf('## GitHub Action');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
    const workflow = parseYaml(block);
    expect(workflow.permissions).toMatchObject({ 'security-events': 'write' });
    const steps: any[] = workflow.jobs.sslguard.steps;
    expect(steps[0].uses).toMatch(/^actions\/checkout@/);
    const scan = steps.find((s) => String(s.uses).startsWith('sslguard/sslguard@'));
    expect(scan.uses).toBe(`sslguard/sslguard@v${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`);
    for (const key of Object.keys(scan.with)) expect(Object.keys(action.inputs)).toContain(key);
    const referenced = [...block.matchAll(new RegExp(`steps\\.${scan.id}\\.outputs\\.([a-z-]+)`, 'g'))].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(Object.keys(action.outputs)).toContain(name);
    const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    expect(upload.with.sarif_file).toBe(`\${{ steps.${scan.id}.outputs.sarif-file }}`);
    const fail = steps[steps.length - 1];
    expect(fail.if).toBe(`steps.${scan.id}.outputs.errors != '0'`);

    // Run the scan step with the README's inputs, then the rest of the workflow's logic.
    const run = runEntry(busyWorkspace(), Object.fromEntries(Object.entries(scan.with).map(([k, v]) => [k, String(v)])));
    expect(run.code, run.stdout).toBe(0);
    expect(existsSync(join(run.dir, run.outputs['sarif-file']!))).toBe(true);
    expect(run.outputs.errors).not.toBe('0');
    const script = spawnSync('bash', ['-e', '-c', fail.run], { env: { PATH: process.env.PATH ?? '', ERRORS: run.outputs.errors! }, encoding: 'utf8' });
    expect(script.status).toBe(1);
    expect(script.stdout).toContain('sslguard found 13 error(s)');
  });
});
