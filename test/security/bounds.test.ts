// Issue 19, "Time and memory bounded by the input's size": each attack is a committed file in a
// temporary repository, scanned by the real CLI. Before the fixes each of these took from 40 s to
// hours, or ended the process (heap exhaustion, stack overflow); now each takes about a second.
// The limit below is no timing assertion: it is a ceiling 20 times above a fixed run, there only
// so that a regression fails the test instead of hanging it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'sslguard.js');
const CEILING_MS = 30_000;
const HOST = 'db.abcd1234.supabase.co';
const dirs: string[] = [];

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** A repository with these files committed. */
function repository(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-bounds-')));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'attack');
  return dir;
}

function scan(cwd: string, ...args: string[]): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, '--format', 'json', ...args], { cwd, encoding: 'utf8', timeout: CEILING_MS, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  findings: Array<{ ruleId: string; file: string; line: number; message: string }>;
  diagnostics: Array<{ file: string; message: string }>;
}

/** Scans, and requires a finished run (not killed at the ceiling, not crashed) with a JSON report. */
function finished(cwd: string, ...args: string[]): JsonReport {
  const r = scan(cwd, ...args);
  expect(r.signal, `killed after ${CEILING_MS} ms`).toBeNull();
  expect([0, 1], r.stderr.slice(0, 2000)).toContain(r.status);
  return JSON.parse(r.stdout) as JsonReport;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('regular expressions on hostile files', () => {
  it('a Dockerfile HEALTHCHECK whose options start after U+00A0 (exponential: 26 repetitions took 8.6 s)', () => {
    const dir = repository({ Dockerfile: `FROM node:20\nHEALTHCHECK \u00a0--D${'---C'.repeat(40)}\nHEALTHCHECK CMD psql "postgres://app@${HOST}/db?sslmode=disable"\n` });
    const report = finished(dir);
    // The scan went on past the hostile line: the real command after it is judged.
    expect(report.findings.map((f) => [f.ruleId, f.line])).toContainEqual(['no-ssl-disabled', 3]);
  });

  it('an .env.example that starts with 200 kB of blank lines (quadratic: 100 kB took 25-43 s)', () => {
    const dir = repository({ '.env.example': `${'\n'.repeat(200_000)}# the blank lines end in no assignment\nDATABASE_URL=postgres://app@${HOST}/db?sslmode=disable\n` });
    const report = finished(dir);
    expect(report.findings.map((f) => [f.ruleId, f.line])).toContainEqual(['no-ssl-disabled', 200_002]);
  });

  it('variable names of 400 kB of `pg` (quadratic: 200 kB took 11.5 s)', () => {
    finished(repository({ '.env': `${'pg'.repeat(200_000)}x.host=1\n${'pg'.repeat(200_000)}x=1\n` }));
  });

  it('a DSN host and a URI host of 600 kB of `{{` (quadratic: 200 kB took 5.8 s)', () => {
    const braces = '{{'.repeat(300_000);
    const report = finished(repository({ '.env': `DSN="host=${braces} sslmode=disable"\nDATABASE_URL=postgres://u@${braces}/db?sslmode=disable\n` }));
    // Not a template (no `}}`): both hosts stay remote, and both are reported.
    expect(report.findings.filter((f) => f.ruleId === 'no-ssl-disabled')).toHaveLength(2);
  });

  it('.mcp.json package arguments full of version operators (quadratic: 300 kB took minutes)', () => {
    const args = [`x${'>'.repeat(300_000)}\n>`, `y${'['.repeat(300_000)}`];
    finished(repository({ '.mcp.json': JSON.stringify({ mcpServers: { db: { command: 'uvx', args } } }) }));
  });
});

describe('${VAR} expansion', () => {
  it('a 1 kB .env whose every line doubles the last is bounded, with a diagnostic (was: 4.3 GB, then heap exhaustion)', () => {
    const lines = ['A=xxxxxxxxxxxxxxxx'];
    for (let i = 0; i < 40; i++) lines.push(`A${i}=\${${i ? `A${i - 1}` : 'A'}}\${${i ? `A${i - 1}` : 'A'}}`);
    lines.push(`DATABASE_URL=postgres://app@${HOST}/\${A39}?sslmode=disable`);
    const dir = repository({ '.env': lines.join('\n') + '\n' });
    const report = finished(dir);
    expect(report.diagnostics.map((d) => d.message).join('\n')).toMatch(/references here expand the file's values by more than 32,768 characters/);
    // The connection after the bomb is still judged, as written.
    expect(report.findings.map((f) => [f.ruleId, f.line])).toContainEqual(['no-ssl-disabled', 42]);
  });
});

describe('many findings in one file', () => {
  it('30,000 findings in one .env are fingerprinted in linear time (quadratic: 10,000 took 10 s)', () => {
    const text = Array.from({ length: 30_000 }, (_, i) => `DATABASE_URL_${i}=postgres://u@db${i}.abcd1234.supabase.co/db?sslmode=disable`).join('\n') + '\n';
    const report = finished(repository({ '.env': text }), '--max-file-size', String(text.length));
    expect(report.findings.filter((f) => f.ruleId === 'no-ssl-disabled')).toHaveLength(30_000);
  });

  it('25,000 connections and 25,000 `PGSSLMODE=` lines in one .env (quadratic: 20,000 of each took 30 s and 3.6 GB)', () => {
    const text = Array.from({ length: 25_000 }, (_, i) => `URL_${i}=postgres://u@db${i}.abcd1234.supabase.co/db\nPGSSLMODE=disable\n`).join('');
    const report = finished(repository({ '.env': text }));
    expect(report.findings.filter((f) => f.ruleId === 'no-ssl-disabled').length).toBeGreaterThanOrEqual(25_000);
  });

  it('200,000 settings in one file (allowed by the command line) end the scan normally, not in a stack overflow', () => {
    const text = 'PGSSLMODE=disable\n'.repeat(200_000);
    const report = finished(repository({ '.env': text }), '--max-file-size', String(text.length));
    expect(report.diagnostics).toEqual([]);
  });
});

describe('maxFileSize ceiling', () => {
  const big = `# ${'x'.repeat(9 * 1024 * 1024)}\nDATABASE_URL=postgres://app@${HOST}/db?sslmode=disable\n`;

  it("a repository's config cannot raise maxFileSize above 8 MiB", () => {
    const dir = repository({ '.sslguard.json': JSON.stringify({ maxFileSize: 1_000_000_000 }), '.env': 'PGSSLMODE=disable\n' });
    const r = scan(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/maxFileSize: must be at most 8388608 \(8 MiB\) in a config file, not 1000000000: pass --max-file-size/);
  });

  it('the command line can', () => {
    const dir = repository({ '.env': big });
    const skipped = finished(dir);
    expect(skipped.diagnostics.map((d) => d.message).join('\n')).toMatch(/above the 2097152-byte limit/);
    const read = finished(dir, '--max-file-size', String(big.length));
    expect(read.diagnostics).toEqual([]);
    expect(read.findings.map((f) => f.line)).toContain(2);
  });
});
