// A scanned repository is untrusted input. sslguard never reads a path that a scanned file names
// (`sslrootcert=/etc/shadow`) outside the scanned tree, never follows a symbolic link out of it,
// and never runs code from it: not its JavaScript, not a git hook its .git/config names.
import { spawnSync } from 'node:child_process';
import fs, { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');
const HOST = 'db.abcd1234.supabase.co';

let base: string;
let repo: string;
let outside: string;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function write(rel: string, text: string): void {
  mkdirSync(join(repo, rel, '..'), { recursive: true });
  writeFileSync(join(repo, rel), text);
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-untrusted-')));
  repo = join(base, 'repo');
  outside = join(base, 'outside');
  mkdirSync(repo);
  mkdirSync(outside);
  // Files a careless scanner would open: they exist and are readable.
  for (const name of ['root.crt', 'client.crt', 'client.key', 'extra.pem', 'dsn.crt', 'mcp.crt', 'script.crt', 'ca.crt', 'db.env', 'config.json']) {
    writeFileSync(join(outside, name), name.endsWith('.env') ? `DATABASE_URL=postgres://x@${HOST}/db?sslmode=disable\n` : '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  }
  writeFileSync(join(outside, 'Dockerfile'), 'FROM node:20\nENV PGSSLMODE=disable\n');
  const o = (name: string) => join(outside, name);
  write(
    '.env.production',
    [
      `DATABASE_URL=postgresql://app@${HOST}:5432/postgres?sslmode=verify-full&sslrootcert=/etc/shadow`,
      `PGSSLROOTCERT=${o('root.crt')}`,
      `PGSSLCERT=${o('client.crt')}`,
      `PGSSLKEY=${o('client.key')}`,
      `NODE_EXTRA_CA_CERTS=${o('extra.pem')}`,
      `REPLICA_DSN="host=${HOST} sslmode=verify-ca sslrootcert=${o('dsn.crt')}"`,
      'LOCAL_CA=./certs/root.crt',
      '',
    ].join('\n'),
  );
  write('certs/root.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  write(
    'docker-compose.yml',
    ['services:', '  api:', `    build: ${o('')}`, '    env_file:', `      - ${o('db.env')}`, '    environment:', `      PGSSLROOTCERT: ${o('root.crt')}`, '    volumes:', '      - /etc/shadow:/run/secrets/shadow:ro', ''].join('\n'),
  );
  write(
    'k8s/deployment.yaml',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  namespace: production',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          env:',
      '            - name: PGSSLROOTCERT',
      '              value: /etc/shadow',
      '      volumes:',
      '        - name: shadow',
      '          hostPath:',
      '            path: /etc/shadow',
      '',
    ].join('\n'),
  );
  write(
    '.cursor/mcp.json',
    JSON.stringify({ mcpServers: { pg: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', `postgresql://ro@${HOST}/postgres?sslmode=verify-full&sslrootcert=${o('mcp.crt')}`], env: { PGSSLROOTCERT: '/etc/shadow' } } } }, null, 2),
  );
  write('package.json', JSON.stringify({ name: 'api', scripts: { db: `psql "host=${HOST} sslmode=verify-full sslrootcert=${o('script.crt')}"` }, sslguard: { rules: {} } }, null, 2));
  write(
    'src/db.ts',
    [
      "import fs from 'node:fs';",
      "import { Pool } from 'pg';",
      `import config from ${JSON.stringify(o('config.json'))};`,
      `export const pool = new Pool({ host: '${HOST}', ssl: { ca: fs.readFileSync(${JSON.stringify(o('ca.crt'))}), rejectUnauthorized: true }, ...config });`,
      "export const other = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { ca: fs.readFileSync('/etc/shadow', 'utf8') } });",
      '',
    ].join('\n'),
  );
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'references everywhere');
}, 60_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('paths named inside scanned files', () => {
  it('are never opened, stat-ed or read when they lie outside the scanned tree', async () => {
    // Every fs function that takes a path records it; the named exports the modules imported are
    // re-synchronised so that they go through the spies too.
    const touched: string[] = [];
    const spies: Array<{ mockRestore(): void }> = [];
    for (const target of [fs, fs.promises] as unknown as Array<Record<string, unknown>>) {
      for (const key of Object.keys(target)) {
        const original = target[key];
        if (typeof original !== 'function' || /^[A-Z]/.test(key)) continue;
        const descriptor = Object.getOwnPropertyDescriptor(target, key);
        if (!descriptor?.configurable && !descriptor?.writable) continue;
        spies.push(
          vi.spyOn(target as Record<string, (...args: unknown[]) => unknown>, key).mockImplementation(function (this: unknown, ...args: unknown[]) {
            const first = args[0];
            if (typeof first === 'string' || first instanceof URL || Buffer.isBuffer(first)) touched.push(first instanceof URL ? first.pathname : String(first));
            return (original as (...a: unknown[]) => unknown).apply(this, args);
          }),
        );
      }
    }
    syncBuiltinESMExports();
    let code: number;
    let out = '';
    try {
      code = await main(['--format', 'json', '.'], { cwd: repo, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
    } finally {
      for (const spy of spies) spy.mockRestore();
      syncBuiltinESMExports();
    }
    // The scan ran and read the repository through the spies.
    expect(code).toBe(1);
    expect(JSON.parse(out).findings.length).toBeGreaterThan(0);
    const absolute = touched.map((p) => resolve(repo, p));
    expect(absolute).toContain(join(repo, '.env.production'));
    expect(absolute).toContain(join(repo, 'certs', 'root.crt'));
    expect(absolute.filter((p) => p === '/etc/shadow' || p.startsWith(`${outside}/`) || p === outside)).toEqual([]);
  });
});

describe('symbolic links out of the scanned tree', () => {
  it('are not followed, whether found in a directory or named on the command line', () => {
    const linkDir = join(base, 'links');
    mkdirSync(linkDir);
    writeFileSync(join(outside, 'secret.env'), `DATABASE_URL=postgresql://app:S3linkedSecret@${HOST}/postgres?sslmode=disable\n`);
    symlinkSync(join(outside, 'secret.env'), join(linkDir, '.env.production'));
    writeFileSync(join(linkDir, '.env.example'), 'DATABASE_URL=\n');
    for (const target of ['.', '.env.production']) {
      const r = spawnSync(process.execPath, [bin, '--format', 'json', target], { cwd: linkDir, encoding: 'utf8' });
      expect(r.stdout).not.toContain('S3linkedSecret');
      const report = JSON.parse(r.stdout);
      expect(report.findings.filter((f: { file: string }) => f.file === '.env.production')).toEqual([]);
      expect(report.diagnostics).toContainEqual({ file: '.env.production', message: `symbolic link points outside the scanned directory (to ${join(outside, 'secret.env')}), not followed` });
    }
  });
});

describe('code in the scanned repository', () => {
  it('is never run: not its JavaScript, not the fsmonitor hook or the textconv filter its .git/config names', () => {
    const marker = join(base, 'executed');
    const hook = join(base, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\necho "$0 $*" >> ${marker}\n`, { mode: 0o755 });
    const js = `require('node:fs').appendFileSync(${JSON.stringify(marker)}, __filename + '\\n');\nmodule.exports = { rules: {} };\n`;
    for (const name of ['.sslguard.js', '.sslguard.cjs', 'sslguard.config.js', 'sslguard.config.cjs', 'eslint.config.cjs', 'src/evil.cjs']) write(name, js);
    write('src/uses-evil.ts', "import './evil.cjs';\nconst ssl = require('./evil.cjs');\n");
    write('.gitattributes', '*.ts diff=evil\n');
    git(repo, 'add', '-A');
    git(repo, 'config', 'core.fsmonitor', hook);
    git(repo, 'config', 'diff.evil.textconv', hook);
    // The hooks are live: git itself runs them, for a listing and for a search that honours textconv.
    git(repo, 'ls-files', '--cached', '--others', '--exclude-standard');
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    git(repo, '-c', 'core.fsmonitor=false', 'grep', '--textconv', '-l', '-e', 'ssl');
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);

    for (const args of [['.'], ['--staged'], ['.env.production', 'src/uses-evil.ts']]) {
      const r = spawnSync(process.execPath, [bin, '--format', 'json', ...args], { cwd: repo, encoding: 'utf8' });
      // Exit 1 for the findings; --staged sees only the new, harmless files.
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(args[0] === '--staged' ? 0 : 1);
      expect(r.stderr).toBe('');
      expect(existsSync(marker), args.join(' ')).toBe(false);
    }
  });
});
