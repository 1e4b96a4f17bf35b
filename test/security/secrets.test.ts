// A repository full of distinct passwords and private keys, in every format sslguard reads, run
// through every way sslguard reports: the CLI's stylish, JSON, SARIF and GitHub outputs (stdout,
// stderr and --output files) and the GitHub Action's log, annotations, job summary, SARIF file and
// step outputs. None of the secrets may appear anywhere, raw, percent-encoded or base64-encoded.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');
const actionMain = join(root, 'dist', 'src', 'action', 'main.js');

/** Distinct, recognisable, and with characters that need encoding in a URI. */
function password(): string {
  return `S3${randomBytes(9).toString('base64url')}`;
}
function trickyPassword(): string {
  return `S3${randomBytes(6).toString('hex')}!#%/@:`;
}

function pemKey(type: 'rsa' | 'ec', format: 'pkcs8' | 'pkcs1' | 'sec1'): string {
  const { privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: format, format: 'pem' }).toString();
}

/** The base64 lines of a PEM body: each is a piece of the key. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line && !line.startsWith('-----'));
}

const secrets: string[] = [];
const keep = <T extends string>(s: T): T => {
  secrets.push(s);
  return s;
};

let dir: string;
const HOST = 'db.abcd1234.supabase.co';

function git(...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sslguard-secrets-'));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, p17, p18, p19] = Array.from({ length: 19 }, (_, i) => (i % 4 === 2 ? trickyPassword() : password()));
  for (const p of [p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, p17, p18, p19]) keep(p!);
  const rsa = pemKey('rsa', 'pkcs8');
  const rsa1 = pemKey('rsa', 'pkcs1');
  const ec = pemKey('ec', 'sec1');
  for (const key of [rsa, rsa1, ec]) for (const line of bodyLines(key)) keep(line);
  const b64 = (s: string) => keep(Buffer.from(s).toString('base64'));

  write(
    '.env.production',
    [
      `DATABASE_URL=postgresql://app:${encodeURIComponent(p1!)}@${HOST}:5432/postgres?sslmode=require`,
      `PGPASSWORD=${p2}`,
      `DIRECT_URL="postgres://postgres.abcd1234:${encodeURIComponent(p3!)}@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=disable"`,
      `PGSSLKEY_CONTENT="${rsa.trim()}"`,
      '',
    ].join('\n'),
  );
  write(
    'docker-compose.yml',
    [
      'services:',
      '  api:',
      '    image: ghcr.io/acme/api:1.4.2',
      '    environment:',
      `      DATABASE_URL: postgres://api:${encodeURIComponent(p5!)}@orders.cluster-x.eu-west-1.rds.amazonaws.com:5432/api?sslmode=disable`,
      `      PGPASSWORD: ${JSON.stringify(p6)}`,
      '  db:',
      '    image: postgres:16',
      '    environment:',
      `      POSTGRES_PASSWORD: ${JSON.stringify(p4)}`,
      '',
    ].join('\n'),
  );
  write(
    'k8s/secret.yaml',
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: db',
      '  namespace: production',
      'stringData:',
      `  DATABASE_URL: "postgresql://app:${encodeURIComponent(p7!)}@${HOST}:5432/postgres?sslmode=prefer"`,
      'data:',
      `  PGPASSWORD: ${b64(p8!)}`,
      '',
    ].join('\n'),
  );
  write(
    '.cursor/mcp.json',
    JSON.stringify(
      {
        mcpServers: {
          postgres: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-postgres', `postgresql://readonly:${encodeURIComponent(p9!)}@${HOST}:5432/postgres?sslmode=disable`],
            env: { PGPASSWORD: p10 },
          },
        },
      },
      null,
      2,
    ) + '\n',
  );
  write(
    'src/db.ts',
    [
      "import { Pool, Client } from 'pg';",
      `export const pool = new Pool({ connectionString: 'postgres://app:${encodeURIComponent(p11!)}@${HOST}:5432/postgres?sslmode=no-verify' });`,
      `export const client = new Client({ host: '${HOST}', user: 'app', password: ${JSON.stringify(p12)}, ssl: { rejectUnauthorized: false } });`,
      '// sslguard-disable-next-line no-plaintext-password -- rotated, kept for the test',
      `export const legacy = new Client({ host: '${HOST}', password: ${JSON.stringify(p19)}, ssl: true });`,
      '',
    ].join('\n'),
  );
  write('package.json', JSON.stringify({ name: 'api', private: true, scripts: { 'db:shell': `psql 'host=${HOST} user=app password=${p13} sslmode=disable'` } }, null, 2) + '\n');
  write('deploy/values.yaml', ['postgresql:', '  auth:', `    password: ${JSON.stringify(p14)}`, `  url: "postgres://app:${encodeURIComponent(p14!)}@${HOST}/app?sslmode=disable"`, ''].join('\n'));
  // Strings that do not parse: their diagnostics must not echo the password either.
  write('.env.staging', [`DATABASE_URL=postgres://app:${encodeURIComponent(p15!)}`, `BROKEN_DSN="host=${HOST} password='${p16} sslmode=disable"`, ''].join('\n'));
  write('broken/docker-compose.yml', ['services:', '  db:', '    environment:', `      POSTGRES_PASSWORD: "${p17}`, '      PGSSLMODE: disable', ''].join('\n'));
  write('.vscode/mcp.json', `{ "servers": { "pg": { "command": "npx", "args": ["@modelcontextprotocol/server-postgres", "postgresql://u:${encodeURIComponent(p18!)}@${HOST}/db`);
  write('certs/client.key', rsa1);
  write('certs/ec.pem', ec);
  chmodSync(join(dir, 'certs', 'client.key'), 0o644);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'secrets everywhere');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every form a secret could take in output. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

function expectNoSecret(label: string, text: string): void {
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      if (text.includes(form)) throw new Error(`${label} contains the secret ${form}`);
    }
  }
}

function run(args: string[]) {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('no secret in any output', () => {
  it('the fixture really holds the secrets, and sslguard reports on the files that hold them', () => {
    expect(secrets.length).toBeGreaterThan(60);
    const all = ['.env.production', 'docker-compose.yml', 'k8s/secret.yaml', '.cursor/mcp.json', 'src/db.ts', 'package.json', 'deploy/values.yaml', '.env.staging', 'certs/client.key']
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(secrets.filter((s) => all.includes(s) || all.includes(encodeURIComponent(s))).length).toBeGreaterThan(40);
    const report = JSON.parse(run(['--format', 'json', '.']).stdout) as { findings: Array<{ ruleId: string; file: string }>; diagnostics: Array<{ file: string }> };
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['no-plaintext-password', 'no-ssl-disabled', 'no-reject-unauthorized', 'gitignore-certs']) expect(rules).toContain(id);
    const flagged = new Set([...report.findings, ...report.diagnostics].map((f) => f.file));
    for (const f of ['.env.production', 'docker-compose.yml', 'k8s/secret.yaml', '.cursor/mcp.json', 'src/db.ts', 'package.json', '.env.staging', 'broken/docker-compose.yml', '.vscode/mcp.json', 'certs/client.key']) {
      expect(flagged, f).toContain(f);
    }
  });

  it.each([['stylish'], ['json'], ['sarif'], ['github']])('CLI --format %s: stdout and stderr', (format) => {
    const r = run(['--format', format, '.']);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(500);
    // Messages name the connections they are about, with the password masked.
    expect(r.stdout).toContain(':****@');
    expectNoSecret(`${format} stdout`, r.stdout);
    expectNoSecret(`${format} stderr`, r.stderr);
  });

  it('CLI --quiet, --fail-on warning, --staged and --output files', () => {
    mkdirSync(join(dir, 'out'));
    // A staged change, for --staged to read from the index.
    writeFileSync(join(dir, '.env.production'), `${readFileSync(join(dir, '.env.production'), 'utf8')}STAGED_URL=postgres://app:${encodeURIComponent(keep(password()))}@${HOST}/db?sslmode=disable\n`);
    git('add', '.env.production');
    for (const args of [['--quiet'], ['--fail-on', 'warning'], ['--format', 'sarif', '--output', 'out/report.sarif'], ['--format', 'json', '-o', 'out/report.json'], ['--staged', '--format', 'json']]) {
      const r = run([...args, '.']);
      expect(r.code, args.join(' ')).toBe(1);
      expectNoSecret(`${args.join(' ')} stdout`, r.stdout);
      expectNoSecret(`${args.join(' ')} stderr`, r.stderr);
    }
    const sarif = readFileSync(join(dir, 'out', 'report.sarif'), 'utf8');
    expect(JSON.parse(sarif).runs[0].results.length).toBeGreaterThan(10);
    expectNoSecret('SARIF file', sarif);
    expectNoSecret('JSON file', readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    rmSync(join(dir, 'out'), { recursive: true });
  });

  it('the GitHub Action: log, annotations, job summary, SARIF file and step outputs', () => {
    if (!existsSync(actionMain)) throw new Error('dist/src/action/main.js is missing: run `npm run build`');
    const work = mkdtempSync(join(tmpdir(), 'sslguard-action-'));
    try {
      const summary = join(work, 'summary.md');
      const outputs = join(work, 'outputs.txt');
      const r = spawnSync(process.execPath, [actionMain], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          GITHUB_WORKSPACE: dir,
          GITHUB_STEP_SUMMARY: summary,
          GITHUB_OUTPUT: outputs,
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_REPOSITORY: 'acme/api',
          GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
          INPUT_PATHS: '.',
          'INPUT_FAIL-ON': 'error',
          INPUT_ANNOTATE: 'true',
          'INPUT_SARIF-FILE': join(work, 'sslguard.sarif'),
        },
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('::error ');
      expectNoSecret('action log and annotations', r.stdout);
      expectNoSecret('action stderr', r.stderr);
      const md = readFileSync(summary, 'utf8');
      expect(md.length).toBeGreaterThan(500);
      expectNoSecret('job summary', md);
      expectNoSecret('action SARIF', readFileSync(join(work, 'sslguard.sarif'), 'utf8'));
      expectNoSecret('step outputs', readFileSync(outputs, 'utf8'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
