import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { isolateGit, requireGit } from '../discovery/fixture.js';

// Real repositories: files are staged with `git add`, then changed in the work tree, and
// `sslguard --staged` must judge the staged text.

const NOW = new Date('2026-11-26T00:00:00Z');
const BAD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const GOOD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n';

beforeAll(() => {
  requireGit();
  isolateGit();
});

function repo(): { dir: string; write: (rel: string, text: string | Buffer) => void; git: (...args: string[]) => string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-staged-')));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  const write = (rel: string, text: string | Buffer) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  return { dir, write, git };
}

async function staged(cwd: string, args: string[] = []) {
  let out = '';
  let err = '';
  const code = await main(['--staged', '--format', 'json', ...args], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {}, now: NOW });
  return { code, report: out ? JSON.parse(out) : undefined, err };
}

const brief = (report: any) => report.findings.map((f: any) => [f.ruleId, f.file, f.line, f.column, f.endLine, f.endColumn]);

describe('sslguard --staged', () => {
  it('fails on a file staged bad even when the work tree is fixed, at the staged positions', async () => {
    const r = repo();
    r.write('config/.env.example', `# Supabase project for the agent\n\n${BAD}`);
    r.git('add', 'config/.env.example');
    // Fixed on disk, and shifted by a line: neither may change what is reported.
    r.write('config/.env.example', `${GOOD}`);
    const { code, report } = await staged(r.dir);
    expect(code).toBe(1);
    expect(brief(report)).toEqual([['no-ssl-disabled', 'config/.env.example', 3, 79, 3, 86]]);
    expect(report.stats.filesScanned).toBe(1);
    // The plain scan reads the work tree and passes.
    let out = '';
    expect(await main(['--format', 'json', '.'], { cwd: r.dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {}, now: NOW })).toBe(0);
  });

  it('passes when the staged content is clean, whatever the work tree or untracked files say', async () => {
    const r = repo();
    r.write('.env.example', GOOD);
    r.git('add', '.env.example');
    r.write('.env.example', BAD);
    r.write('untracked/.env.example', BAD);
    const { code, report } = await staged(r.dir);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.stats.filesScanned).toBe(1);
  });

  it('scans only what the next commit changes: added, modified and renamed files, not unchanged or deleted ones', async () => {
    const r = repo();
    r.write('a/.env.example', BAD);
    r.write('b/.env.example', BAD);
    r.write('c/.env.example', BAD);
    r.git('add', '-A');
    r.git('commit', '-qm', 'base');
    r.git('mv', 'a/.env.example', 'a/.env.sample');
    r.git('rm', '-q', 'b/.env.example');
    r.write('d/docker-compose.yml', 'services:\n  agent:\n    image: ghcr.io/acme/agent:1.4\n    environment:\n      DATABASE_URL: postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=prefer\n');
    r.write('d/notes.md', BAD);
    r.git('add', '-A');
    const { report } = await staged(r.dir);
    expect(brief(report)).toEqual([
      ['no-ssl-disabled', 'a/.env.sample', 1, 79, 1, 86],
      ['no-ssl-disabled', 'd/docker-compose.yml', 5, 86, 5, 92],
    ]);
  });

  it('treats staged files as tracked: a staged .env, a force-added ignored one and a private key are reported', async () => {
    const r = repo();
    r.write('.gitignore', '.env.local\n');
    r.write('.env', 'LOG_LEVEL=debug\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n');
    r.write('.env.local', 'LOG_LEVEL=trace\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n');
    mkdirSync(join(r.dir, 'certs'), { recursive: true });
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(r.dir, 'certs', 'client.key')], { stdio: 'pipe' });
    chmodSync(join(r.dir, 'certs', 'client.key'), 0o600);
    r.git('add', '.gitignore', '.env', 'certs/client.key');
    r.git('add', '-f', '.env.local');
    const { code, report } = await staged(r.dir);
    expect(code).toBe(1);
    const byFile = Object.fromEntries(report.findings.map((f: any) => [f.file, [f.ruleId, f.message]]));
    expect(byFile['.env']).toEqual(['gitignore-env', expect.stringContaining('.env is committed to git with `SESSION_SECRET` in it')]);
    expect(byFile['.env.local']).toEqual(['gitignore-env', expect.stringContaining('matched by .gitignore but git still tracks it')]);
    expect(byFile['certs/client.key']![0]).toBe('gitignore-certs');
    // The key's on-disk mode is 600: no permission finding.
    expect(report.findings.filter((f: any) => f.ruleId === 'key-permissions')).toEqual([]);
  });

  it('reads binary blobs and the text after them exactly (one batch for all files)', async () => {
    const r = repo();
    mkdirSync(join(r.dir, 'certs'), { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(r.dir, 'ca.key'), '-out', join(r.dir, 'ca.pem'), '-days', '30', '-subj', '/CN=staged-test-ca'], { stdio: 'pipe' });
    execFileSync('openssl', ['x509', '-in', join(r.dir, 'ca.pem'), '-outform', 'DER', '-out', join(r.dir, 'certs', 'ca.der')], { stdio: 'pipe' });
    rmSync(join(r.dir, 'ca.key'));
    rmSync(join(r.dir, 'ca.pem'));
    const der = readFileSync(join(r.dir, 'certs', 'ca.der'));
    expect(der.includes(0x0a) || der.includes(0x00)).toBe(true);
    r.write('z/.env.example', BAD);
    r.git('add', '-A');
    const later = new Date(Date.now() + 90 * 24 * 3600 * 1000);
    let out = '';
    const code = await main(['--staged', '--format', 'json'], { cwd: r.dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {}, now: later });
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.diagnostics).toEqual([]);
    expect(brief(report)).toEqual(
      expect.arrayContaining([
        ['cert-expiry', 'certs/ca.der', 1, 1, 1, 1],
        ['no-ssl-disabled', 'z/.env.example', 1, 79, 1, 86],
      ]),
    );
  });

  it('runs a fixed number of git processes, not one per file', async () => {
    const r = repo();
    for (let i = 0; i < 40; i++) r.write(`svc${i}/.env.example`, i % 2 ? BAD : GOOD);
    r.git('add', '-A');
    const shim = mkdtempSync(join(tmpdir(), 'sslguard-git-shim-'));
    const log = join(shim, 'calls.log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${shim}:${path}`;
    try {
      const { code, report } = await staged(r.dir);
      expect(code).toBe(1);
      expect(report.findings).toHaveLength(20);
    } finally {
      process.env.PATH = path;
    }
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // rev-parse, diff, check-ignore and the two cat-file for the staged files; one ls-files for the
    // repository's context (what defines or reads their values: nothing here, so no search).
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(calls.filter((c) => c.includes('cat-file --batch')).length).toBeLessThanOrEqual(2);
  });

  it("judges the staged files with the rest of the index, not the work tree: the code that reads a staged .env's value", async () => {
    const r = repo();
    r.write('package.json', '{ "name": "api" }\n');
    r.write('src/db.ts', "import { Pool } from 'pg';\nexport const replica = new Pool({ connectionString: process.env.REPLICA_URL });\n");
    r.git('add', '-A');
    r.git('commit', '-qm', 'code');
    // In the work tree the code no longer uses node-postgres; the index still does.
    r.write('src/db.ts', 'export const replica = process.env.REPLICA_URL;\n');
    r.write('.env.example', 'REPLICA_URL=postgres://app@replica.acme-corp.io:5432/app?sslmode=require\n');
    r.git('add', '.env.example');
    const { report } = await staged(r.dir);
    // Only the staged file is reported, judged as node-postgres (the index's src/db.ts) reads it.
    expect(brief(report)).toEqual([['pg-sslmode-alias', '.env.example', 1, 66, 1, 73]]);
    expect(report.findings[0].related.map((l: any) => l.file)).toEqual(['.env.example', 'src/db.ts']);
    expect(report.stats.filesScanned).toBe(1);
    // Judged alone, the same line is only an unverified connection of unknown environment.
    expect(brief((await staged(r.dir, ['--no-cross-file'])).report).map((f: any) => f[0])).toEqual(['require-verify-full']);
  });

  it('limits the scan to the paths given, and passes with nothing staged', async () => {
    const r = repo();
    r.write('api/.env.example', BAD);
    r.write('web/.env.example', BAD);
    r.git('add', '-A');
    expect(brief((await staged(r.dir, ['web'])).report).map((f: any) => f[1])).toEqual(['web/.env.example']);
    // From a subdirectory, paths are reported relative to it.
    expect(brief((await staged(join(r.dir, 'api'))).report).map((f: any) => f[1])).toEqual(['.env.example']);
    r.git('commit', '-qm', 'both');
    const clean = await staged(r.dir);
    expect(clean.code).toBe(0);
    expect(clean.report.stats.filesScanned).toBe(0);
  });

  it('exits 2 outside a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-nogit-'));
    writeFileSync(join(dir, '.env.example'), BAD);
    const { code, err } = await staged(dir);
    expect(code).toBe(2);
    expect(err).toMatch(/--staged needs a git repository/);
  });
});
