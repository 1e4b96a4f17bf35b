// The action as GitHub runs it: action.yml's `runs.main`, the committed bundle, must be what the
// sources build today, and must run from a bare checkout of the action (no node_modules, no build)
// with the runner's environment: INPUT_* named as the runner names them, from action.yml's defaults
// and the README workflow's `with:`, and GITHUB_* files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const action = parseYaml(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { description: string; value?: string }>;
  runs: { using: string; main: string };
};

let work: string;
let built: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'action', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  work = mkdtempSync(join(tmpdir(), 'sslguard-action-bundle-'));
  built = join(work, 'built');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--action', '--outdir', built], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling the action failed: ${r.stderr}`);
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath: string }>)
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('action.yml', () => {
  it('is a node24 JavaScript action whose main is the committed bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'action/index.js' });
    expect(Object.keys(action.inputs).sort()).toEqual(['annotate', 'baseline', 'config', 'fail-on', 'paths', 'sarif-file']);
    expect(Object.keys(action.outputs).sort()).toEqual(['errors', 'findings', 'sarif-file', 'warnings']);
    // A JavaScript action's outputs are what it writes to $GITHUB_OUTPUT; `value` is for composite ones.
    for (const output of Object.values(action.outputs)) expect(output.value).toBeUndefined();
  });

  it('action/ is byte for byte what `npm run build:action` builds from the sources (rebuild and commit it when this fails)', () => {
    const committed = join(root, 'action');
    expect(listFiles(committed)).toEqual(listFiles(built));
    const stale = listFiles(built).filter((file) => !readFileSync(join(committed, file)).equals(readFileSync(join(built, file))));
    expect(stale, 'run `npm run build:action` and commit action/').toEqual([]);
  });
});

describe('the committed action bundle, run as the runner runs it', () => {
  /** A checkout of the action at a tag, as the runner makes it in _actions/: the repository's files, no node_modules, no dist. */
  function actionCheckout(): string {
    const dir = join(work, '_actions', 'sslguard', 'sslguard', 'v0');
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      for (const file of ['action.yml', 'package.json', 'LICENSE', 'README.md']) cpSync(join(root, file), join(dir, file));
      cpSync(join(root, 'action'), join(dir, 'action'), { recursive: true });
    }
    return dir;
  }

  /** The README workflow's `with:` for the sslguard step. */
  function readmeWith(): Record<string, string> {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## GitHub Action')))![1]!;
    const steps = (parseYaml(block) as { jobs: { sslguard: { steps: Array<{ uses?: string; with?: Record<string, unknown> }> } } }).jobs.sslguard.steps;
    const step = steps.find((s) => String(s.uses).startsWith('sslguard/sslguard@'))!;
    return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
  }

  it('scans from a bare checkout with the README inputs, writes outputs, summary and SARIF, and starts at once', async () => {
    const checkout = actionCheckout();
    const workspace = join(work, 'workspace');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, '.env.example'), 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable&application_name=a<b\n');
    writeFileSync(join(workspace, 'src', 'db.ts'), "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });\n");
    const state = join(work, 'runner');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'output'), '');
    writeFileSync(join(state, 'summary.md'), '');
    // The runner's environment for a JavaScript action: every declared input, defaulted, as INPUT_<NAME>.
    const withInputs = readmeWith();
    const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, withInputs[name] ?? spec.default ?? '']));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: join(work, 'home'),
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: checkout,
      GITHUB_OUTPUT: join(state, 'output'),
      GITHUB_STEP_SUMMARY: join(state, 'summary.md'),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/agent',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      ...inputs,
    };
    const started = performance.now();
    let firstOutput: number | undefined;
    const child = spawn(process.execPath, [join(checkout, action.runs.main)], { cwd: workspace, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      firstOutput ??= performance.now();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const finished = performance.now();
    // Measured, not asserted (CI is a loaded machine): printed for the README's figure.
    console.log(`action bundle: first output after ${Math.round(firstOutput! - started)} ms, done after ${Math.round(finished - started)} ms`);

    expect(stderr).toBe('');
    // The README sets fail-on: none, so that the upload step runs.
    expect(code).toBe(0);
    expect(stdout).toContain('::stop-commands::');
    const outputs = readFileSync(join(state, 'output'), 'utf8');
    expect(outputs).toMatch(/^errors<<.+\n2\n/m);
    expect(outputs).toContain(`sarif-file<<`);
    const sarif = JSON.parse(readFileSync(join(workspace, withInputs['sarif-file']!), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort()).toEqual(['no-reject-unauthorized', 'no-ssl-disabled']);
    const summary = readFileSync(join(state, 'summary.md'), 'utf8');
    expect(summary).toContain('## sslguard: 2 errors');
    // Rule links name the version in use, read from the action's own package.json.
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    expect(summary).toContain(`https://github.com/sslguard/sslguard/blob/v${version}/docs/rules.md#no-ssl-disabled`);
  });
});
