import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';

// The README's snippets are run as written, so the documentation cannot promise what the code does not do.
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function blockAfter(heading: string, lang: string): string {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README has no "${heading}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (!m) throw new Error(`no \`\`\`${lang} block after "${heading}"`);
  return m[1]!;
}

async function runJson(cwd: string, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await main(['--format', 'json', ...args, '.'], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, report: out ? JSON.parse(out) : undefined, err };
}

describe('README snippets', () => {
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
});
