import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { classifyPath } from '../../src/discovery/kinds.js';
import { main } from '../../src/cli.js';

const root = join(import.meta.dirname, '..', '..');
const hooks = parseYaml(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8'));
const hook = hooks.find((h: any) => h.id === 'sslguard');
const BAD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const GOOD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n';

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) delete env[name];
  return env;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: gitEnv() });
}

/** pre-commit's own selection: `re.search` of `files`, minus `exclude`, with Python's `re` (the engine pre-commit uses). */
function selectedByPreCommit(names: string[]): Set<string> {
  const script = [
    'import json, re, sys',
    'data = json.load(sys.stdin)',
    'files, exclude = re.compile(data["files"]), re.compile(data["exclude"] or "(?!)")',
    'print(json.dumps([n for n in data["names"] if files.search(n) and not exclude.search(n)]))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ files: hook.files, exclude: hook.exclude ?? null, names }), encoding: 'utf8' });
  if (r.error) throw new Error(`python3 is needed to evaluate the pre-commit patterns: ${r.error.message}`);
  if (r.status !== 0) throw new Error(r.stderr);
  return new Set(JSON.parse(r.stdout));
}

/** Names around every rule in kinds.ts: each extension in several cases and positions, and the edge cases of env names. */
function nameTable(): string[] {
  const extensions = [
    'yml', 'yaml', 'YML', 'Yaml', 'json', 'jsonc', 'JSON', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'TS', 'Mjs',
    'crt', 'pem', 'cer', 'der', 'p12', 'pfx', 'key', 'KEY', 'PEM', 'Crt',
    'md', 'MD', 'txt', 'toml', 'ini', 'conf', 'cfg', 'sh', 'py', 'PY', 'pyi', 'go', 'env', 'envrc', 'ENV', 'lock', 'sql', 'tf', 'properties', 'xml', 'csv', 'log', 'bak', 'jks', 'csr', 'pub', 'p7b', 'mtsx',
    'example', 'sample', 'template', 'dist', 'defaults', 'production', 'local', 'd', 'min', 'prisma', 'PRISMA', 'dockerfile', 'Dockerfile', 'containerfile', 'dockerignore',
  ];
  const names = new Set<string>();
  for (const ext of extensions) {
    for (const name of [`file.${ext}`, `.${ext}`, `a/b/file.${ext}`, `.env.${ext}`, `config/.env.${ext}`, `x.d.${ext}`, `x.min.${ext}`, `x.D.${ext}`, ext, `file.${ext}.bak`, `.env.production.${ext}`, `deploy/${ext}/app.${ext}`, `..${ext}`]) names.add(name);
  }
  for (const special of [
    '.env', '.envrc', '.ENV', 'x.ENV', '.env.', '..env', 'prod.env', 'a/.envrc.md', '.envrc.md', '.env.d.ts', '.env.min.js', '.env.local.TXT',
    'docker-compose.yml', 'compose.prod.yaml', 'composer.yml', 'package.json', '.cursor/mcp.json', '.vscode/mcp.json', 'claude_desktop_config.json',
    'Dockerfile', 'Makefile', 'README', '.gitignore', 'k8s/prod/deploy.yaml', 'dir.yml/file', '.env.d/app', 'x.d.tsx', 'a.MIN.JS', 'types.d.mts',
    'Dockerfile.prod', 'api.Dockerfile', 'Containerfile', 'dockerfile', 'Dockerfile.dockerignore', 'Dockerfile.d.ts', 'Dockerfile.md', 'x.dockerfile.dockerignore', '.env.Dockerfile.md',
    'prisma/schema.prisma', '.prisma', 'charts/api/values.yaml', 'charts/api/values-prod.yml', 'charts/api/templates/values.yaml',
    'my configs/prod settings.env', 'ünïcode.yaml', 'certs/server.key.pub', 'secrets/.env.production.local', 'x.env.example', '.env.example',
  ]) {
    names.add(special);
  }
  return [...names];
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares the sslguard hook as a node hook that passes file names to the sslguard binary', () => {
    expect(hook).toMatchObject({ id: 'sslguard', language: 'node', pass_filenames: true, entry: 'sslguard' });
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin).toHaveProperty(hook.entry);
  });

  it('selects exactly the files sslguard reads, name by name', () => {
    const names = nameTable();
    const selected = selectedByPreCommit(names);
    const disagreements = names.filter((n) => selected.has(n) !== classifyPath(n).length > 0).map((n) => `${n}: pre-commit ${selected.has(n)}, sslguard ${classifyPath(n).join('+') || 'none'}`);
    expect(disagreements).toEqual([]);
    // The table is not trivially one-sided.
    expect(selected.size).toBeGreaterThan(100);
    expect(names.length - selected.size).toBeGreaterThan(100);
  });
});

describe('git state of files named on the command line (as pre-commit passes them)', () => {
  it('reports a staged private key and a staged .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-precommit-'));
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'certs'));
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'certs', 'db-client.key')], { stdio: 'pipe' });
    chmodSync(join(dir, 'certs', 'db-client.key'), 0o600);
    writeFileSync(join(dir, '.env'), 'LOG_LEVEL=debug\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n');
    writeFileSync(join(dir, '.env.example'), GOOD);
    git(dir, 'add', '-A');
    let out = '';
    const code = await main(['--format', 'json', 'certs/db-client.key', '.env', '.env.example'], { cwd: dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
    expect(code).toBe(1);
    expect(JSON.parse(out).findings.map((f: any) => [f.ruleId, f.file])).toEqual([
      ['gitignore-env', '.env'],
      ['gitignore-certs', 'certs/db-client.key'],
    ]);
  });
});

/**
 * A one-commit copy of this repository as it is now (tracked and untracked files, what .gitignore
 * leaves), so the hook under test is the working tree's. try-repo's own handling of a dirty tree
 * only carries tracked changes, and would miss files not yet added.
 */
function snapshotOfThisRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-snapshot-'));
  const files = git(root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
  for (const rel of files) {
    try {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(join(root, rel), join(dir, rel));
    } catch (error) {
      // Listed by git but deleted in the work tree: not part of the snapshot.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'snapshot');
  return dir;
}

function consumerRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-consumer-'));
  git(dir, 'init', '-q');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  git(dir, 'add', '-A');
  return dir;
}

function tryRepo(repo: string, cwd: string, files: string[]): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // pre-commit's node language runs `npm install` and `npm pack` in a clone of the hook
    // repository; prefer-offline lets npm use its cache without asking the registry again.
    const child = spawn('pre-commit', ['try-repo', repo, 'sslguard', '--files', ...files], {
      cwd,
      env: { ...gitEnv(), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error('pre-commit not found: apt-get install -y pre-commit (.ci/run does)') : error));
    child.on('close', (code) => resolve({ code, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

describe('pre-commit try-repo (the real pre-commit program)', () => {
  it('fails with the findings for a bad file and a staged .env, and passes for a clean file', { timeout: 900_000 }, async () => {
    const snapshot = snapshotOfThisRepository();
    const bad = consumerRepo({ 'config/.env.example': BAD, '.env': 'LOG_LEVEL=debug\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n', 'README.md': '# agent\n' });
    const clean = consumerRepo({ 'config/.env.example': GOOD });
    // Each try-repo installs the hook environment in its own store; both install at once.
    const [failing, passing] = await Promise.all([tryRepo(snapshot, bad, ['config/.env.example', '.env', 'README.md']), tryRepo(snapshot, clean, ['config/.env.example'])]);

    expect(failing.output).toMatch(/sslguard \(Postgres TLS configuration\)\.+Failed/);
    expect(failing.code).toBe(1);
    expect(failing.output).toMatch(/config\/\.env\.example\s+1:79\s+error\s+Connection to db\.abcd1234\.supabase\.co uses sslmode=disable.*no-ssl-disabled/);
    expect(failing.output).toMatch(/\.env\s+1:1\s+error\s+\.env is committed to git.*gitignore-env/);
    expect(failing.output).toContain('2 files scanned');

    expect(passing.output).toMatch(/sslguard \(Postgres TLS configuration\)\.+Passed/);
    expect(passing.code).toBe(0);
    console.log(`pre-commit try-repo: failing case ${failing.seconds} s, passing case ${passing.seconds} s (run concurrently)`);
  });
});
