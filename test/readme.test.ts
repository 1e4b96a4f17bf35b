import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import { blockAfter } from './helpers/readme.js';

// The README's snippets are run as written, so the documentation cannot promise what the code does not do.
const root = join(import.meta.dirname, '..');


async function runJson(cwd: string, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await main(['--format', 'json', ...args, '.'], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, report: out ? JSON.parse(out) : undefined, err };
}

describe('README snippets', () => {
  it('the trace example is what sslguard prints for fixtures/shapes/cross-k8s', async () => {
    let out = '';
    const cwd = join(root, 'fixtures', 'shapes', 'cross-k8s');
    await main(['--no-color', '.'], { cwd, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
    const example = blockAfter('## Values across files', '');
    const [file, ...lines] = example.trimEnd().split('\n');
    const section = out.slice(out.indexOf(`${file}\n`));
    for (const line of lines) expect(section).toContain(`${line}\n`);
  });

  it('the inline-suppression example suppresses both findings it shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-readme-'));
    writeFileSync(join(dir, '.env.example'), blockAfter('### Inline suppression', 'sh'));
    const { code, report } = await runJson(dir);
    expect(report.findings).toEqual([]);
    expect(report.stats.suppressed).toBe(2);
    expect(code).toBe(0);
    // Without the comments the same lines are findings.
    writeFileSync(join(dir, '.env.example'), blockAfter('### Inline suppression', 'sh').replace(/sslguard-disable-(next-)?line/g, 'note'));
    expect((await runJson(dir)).report.findings.map((f: any) => f.ruleId)).toEqual(['no-ssl-disabled', 'no-ssl-disabled']);
  });

  it('the configuration example is a valid config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-readme-'));
    writeFileSync(join(dir, '.sslguard.json'), blockAfter('## Configuration', 'json'));
    writeFileSync(join(dir, '.env.example'), 'DATABASE_URL=postgresql://app@db.dev.internal:5432/app?sslmode=disable\n');
    const { code, report, err } = await runJson(dir);
    expect(err).toBe('');
    // `localHosts` in the example makes db.dev.internal local.
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('the JSON example has the fields the JSON reporter writes', async () => {
    const example = JSON.parse(blockAfter('`--format json` is a stable contract', 'json').replace('"…"', '""').replace(/: …/g, ''));
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-readme-'));
    writeFileSync(join(dir, '.env.example'), 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n');
    const { report } = await runJson(dir);
    expect(Object.keys(report).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(report.findings[0]).sort()).toEqual(Object.keys(example.findings[0]).sort());
    expect(Object.keys(report.stats).sort()).toEqual(Object.keys(example.stats).sort());
  });

  it('the policy example raises staging to verify-full and lets unknown environments use require', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-readme-'));
    const url = (mode: string) => `DATABASE_URL=postgresql://app:\${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=${mode}&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n`;
    mkdirSync(join(dir, 'deploy', 'preview'), { recursive: true });
    writeFileSync(join(dir, 'deploy', 'preview', '.env'), url('verify-ca'));
    writeFileSync(join(dir, '.env'), url('require'));
    const judged = (report: any) => report.findings.filter((f: any) => f.ruleId === 'require-verify-full');
    // Neither path names an environment: by default both are held to verify-full, as warnings.
    const before = await runJson(dir);
    expect(judged(before.report).map((f: any) => [f.file, f.severity])).toEqual([['.env', 'warning'], ['deploy/preview/.env', 'warning']]);
    writeFileSync(join(dir, '.sslguard.json'), blockAfter('### Policy', 'json'));
    const after = await runJson(dir);
    expect(after.err).toBe('');
    expect(judged(after.report).map((f: any) => [f.file, f.severity, f.line, f.column, f.endColumn])).toEqual([['deploy/preview/.env', 'error', 1, 100, 109]]);
    expect(judged(after.report)[0].message).toMatch(/^staging \(config maps `deploy\/preview\/\*\*` to staging\) requires sslmode=verify-full; this connection uses verify-ca, /);
  });

  it('the --print-config example prints what the README shows for its Deployment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-readme-'));
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'orders.yaml'), blockAfter('### Printing the effective config', 'yaml'));
    let out = '';
    const code = await main(['--print-config', 'k8s/orders.yaml'], { cwd: dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(blockAfter('`sslguard --print-config k8s/orders.yaml`, without a config file, prints:', 'json')));
    // The finding the same file yields names the namespace and the file, as the Policy section says.
    const { report } = await runJson(dir);
    expect(report.findings.map((f: any) => f.message.slice(0, f.message.indexOf(';')))).toEqual([
      'production (namespace `production` in k8s/orders.yaml) requires sslmode=verify-full',
    ]);
  });
});
