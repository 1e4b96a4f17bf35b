import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../../src/action/run.js';
import { main } from '../../src/cli.js';

// The action's `baseline` input: the same file `sslguard --write-baseline` writes, read from the
// workspace; only findings it does not record are annotated, listed, written to SARIF and counted.

const NOW = new Date('2026-11-26T00:00:00Z');
const PROD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const REPLICA = 'REPLICA_URL=postgresql://reader@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-action-baseline-'));
  created.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function action(dir: string, inputs: Record<string, string>) {
  const state = mkdtempSync(join(tmpdir(), 'sslguard-runner-'));
  created.push(state);
  writeFileSync(join(state, 'output'), '');
  writeFileSync(join(state, 'summary.md'), '');
  let stdout = '';
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: join(state, 'output'),
    GITHUB_STEP_SUMMARY: join(state, 'summary.md'),
    NO_COLOR: '1',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const code = await runAction({ env, stdout: (s) => (stdout += s), now: NOW });
  return { code, stdout, summary: readFileSync(join(state, 'summary.md'), 'utf8'), output: readFileSync(join(state, 'output'), 'utf8') };
}

describe('GitHub Action baseline input', () => {
  it('annotates, lists, counts and writes to SARIF only findings the baseline does not record', async () => {
    const dir = workspace({ 'services/api/.env.example': PROD, 'services/worker/.env.example': PROD });
    expect(await main(['--write-baseline', 'ci/sslguard-baseline.json'], { cwd: dir, stdout: () => {}, stderr: () => {}, isTTY: false, env: {}, now: NOW })).toBe(0);
    writeFileSync(join(dir, 'services/worker/.env.example'), `${PROD}${REPLICA}`);

    const run = await action(dir, { baseline: 'ci/sslguard-baseline.json', 'sarif-file': 'sslguard.sarif' });
    expect(run.code).toBe(1);
    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=services\/worker\/\.env\.example,line=2,/);
    expect(run.summary).toContain('## sslguard: 1 error, 0 warnings');
    expect(run.summary).toContain('2 in the baseline (not listed)');
    expect(run.summary.split('\n').filter((l) => l.startsWith('| error |'))).toHaveLength(1);
    expect(run.output).toMatch(/^errors<<(\S+)\n1\n\1$/m);
    expect(run.output).toMatch(/^findings<<(\S+)\n1\n\1$/m);
    expect(run.stdout).toContain('1 problem (1 error, 0 warnings) · 3 files scanned · 2 baselined');
    const sarif = JSON.parse(readFileSync(join(dir, 'sslguard.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['services/worker/.env.example']);

    // Without the input, everything counts.
    const all = await action(dir, {});
    expect(all.summary).toContain('## sslguard: 3 errors, 0 warnings');
    expect(all.summary).not.toContain('in the baseline');
  });

  it('fails with exit 2 and an error annotation when the baseline is missing or broken', async () => {
    const dir = workspace({ '.env.example': PROD, 'broken.json': '{"version": 1,' });
    const missing = await action(dir, { baseline: 'ci/none.json' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('::error title=sslguard::baseline file ci/none.json does not exist; create it with --write-baseline ci/none.json\n');
    const broken = await action(dir, { baseline: 'broken.json' });
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/^::error title=sslguard::baseline file broken\.json is not valid JSON at line 1, column 15 /);
  });
});
