import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// These tests run the built CLI as users do (`npm test` compiles first), in real temp directories.
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');

function run(args: string[], cwd = root, env: Record<string, string> = {}) {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempRepo(files: Record<string, string>, git = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  if (git) {
    const g = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: dir, stdio: 'ignore' });
    g('init', '-q');
    g('add', '-A');
    g('commit', '-qm', 'init');
  }
  return dir;
}

const REMOTE_DISABLED = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';

describe('sslguard CLI', () => {
  it('prints its version and exits 0', () => {
    const r = run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('lists every rule with its default severity', () => {
    const r = run(['--list-rules']);
    expect(r.code).toBe(0);
    for (const id of ['no-ssl-disabled', 'require-sslmode', 'require-verify-full', 'no-reject-unauthorized', 'require-root-cert', 'absolute-cert-path', 'verify-full-ip-host', 'tls-min-version', 'no-plaintext-password', 'gitignore-certs', 'gitignore-env', 'cert-expiry', 'key-permissions']) {
      expect(r.stdout).toMatch(new RegExp(`^${id}\\s+(error|warning)\\s+\\S`, 'm'));
    }
  });

  it('exits 0 on a clean tree and 1 with findings, stylish by default without colour when piped', () => {
    const clean = tempRepo({ '.env.example': 'DATABASE_URL=postgresql://postgres:postgres@localhost:54322/postgres\n' });
    expect(run(['.'], clean).code).toBe(0);
    const bad = tempRepo({ 'config/.env.example': REMOTE_DISABLED });
    const r = run(['.'], bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('config/.env.example');
    expect(r.stdout).toMatch(/1:\d+\s+error\s+.*sslmode=disable.*no-ssl-disabled/);
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(/✖ \d+ problems? \(1 error/);
  });

  it('writes the JSON contract', () => {
    const dir = tempRepo({ '.env.example': REMOTE_DISABLED });
    const r = run(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.tool.name).toBe('sslguard');
    expect(report.stats).toMatchObject({ filesScanned: 1, errors: 1, warnings: 0, suppressed: 0 });
    expect(typeof report.stats.durationMs).toBe('number');
    expect(report.findings[0]).toEqual({
      ruleId: 'no-ssl-disabled',
      severity: 'error',
      message: expect.any(String),
      file: '.env.example',
      line: 1,
      column: 79,
      endLine: 1,
      endColumn: 86,
      environment: 'unknown',
      environmentReason: expect.any(String),
      consumer: 'unknown',
      effectiveTls: 'plaintext',
    });
  });

  it('--output writes the report to a file and prints nothing', () => {
    const dir = tempRepo({ '.env.example': REMOTE_DISABLED });
    const r = run(['--format', 'json', '--output', 'report.json', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).findings).toHaveLength(1);
  });

  it('--rule turns a rule off or changes its severity; --fail-on warning fails on warnings', () => {
    const dir = tempRepo({ '.env.example': REMOTE_DISABLED });
    expect(run(['--rule', 'no-ssl-disabled=off', '.'], dir).code).toBe(0);
    const asWarning = run(['--rule', 'no-ssl-disabled=warning', '--format', 'json', '.'], dir);
    expect(asWarning.code).toBe(0);
    expect(JSON.parse(asWarning.stdout).findings[0].severity).toBe('warning');
    expect(run(['--rule', 'no-ssl-disabled=warning', '--fail-on', 'warning', '.'], dir).code).toBe(1);
  });

  it('--quiet reports errors only', () => {
    const dir = tempRepo({ '.env.example': 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres\n' });
    const r = run(['--quiet', '--format', 'json', '.'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(JSON.parse(run(['--format', 'json', '.'], dir).stdout).findings.map((f: any) => f.ruleId)).toEqual(['require-sslmode']);
  });

  it('exits 2 on usage and config errors, naming the problem', () => {
    const dir = tempRepo({ '.sslguard.json': '{"rules": {"no-ssl-disable": "off"}}' });
    const badConfig = run(['.'], dir);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('no-ssl-disable');
    expect(run(['--format', 'xml', '.']).code).toBe(2);
    expect(run(['--fail-on', 'info', '.']).code).toBe(2);
    expect(run(['--bogus']).code).toBe(2);
    const missing = run(['does/not/exist'], tempRepo({}));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does/not/exist');
    expect(run(['--rule', 'nope=off', '.'], tempRepo({})).code).toBe(2);
  });

  it('respects .gitignore inside a git work tree and reports a committed .env', () => {
    const dir = tempRepo(
      {
        '.gitignore': 'ignored/\n',
        'ignored/.env.example': REMOTE_DISABLED,
        '.env': 'LOG_LEVEL=debug\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n',
      },
      true,
    );
    const r = JSON.parse(run(['--format', 'json', '.'], dir).stdout);
    expect(r.findings.map((f: any) => [f.ruleId, f.file])).toEqual([['gitignore-env', '.env']]);
    const all = JSON.parse(run(['--format', 'json', '--no-ignore', '.'], dir).stdout);
    expect(all.findings.map((f: any) => f.ruleId).sort()).toEqual(['gitignore-env', 'no-ssl-disabled']);
  });

  it('never prints a password, in any format', () => {
    const dir = tempRepo({ 'deploy/.env.example': 'DATABASE_URL=postgresql://admin:Xq9-very-Secret-77@db.abcd1234.supabase.co/postgres?sslmode=disable\n' });
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const r = run(['--format', format, '.'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('db.abcd1234.supabase.co');
      expect(r.stdout + r.stderr).not.toContain('Xq9-very-Secret-77');
    }
  });
});
