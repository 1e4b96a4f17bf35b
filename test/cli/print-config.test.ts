import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/load.js';
import { rules } from '../../rules/index.js';

// `sslguard --print-config FILE` run as users run it: the built CLI (`npm test` compiles first).
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');

function run(args: string[], cwd: string) {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-print-config-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: orders',
  '  namespace: production',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: api',
  '          image: ghcr.io/acme/orders:2.3.1',
  '          env:',
  '            - name: DATABASE_URL',
  '              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem',
  '        - name: worker',
  '          image: ghcr.io/acme/orders-worker:2.3.1',
  '          env:',
  '            - name: PGSSLMODE',
  '              value: verify-full',
  '',
].join('\n');

const DEFAULT_POLICY = { production: 'verify-full', staging: 'verify-ca', development: 'require', unknown: 'verify-full' };
/** What `clients` says where no package.json or lockfile names a version. */
const ASSUMED_CLIENTS = [
  { client: 'node-postgres', package: 'pg', version: '8.x', how: 'assumed' },
  { client: 'postgres.js', package: 'postgres', version: '3.x', how: 'assumed' },
  { client: 'prisma', package: '@prisma/client', version: '6.x', how: 'assumed', reason: 'a URL in the schema or in PrismaClient options, which Prisma 7 no longer reads' },
];
const DEFAULT_CONFIG_SHAPE = { rules: {}, localHosts: [], environments: {}, ignorePatterns: [], certExpiryDays: 30, maxFileSize: 2097152, policy: DEFAULT_POLICY };

describe('sslguard --print-config FILE', () => {
  it('prints the defaults, the path inference and the namespace read inside the file, with the minimum for each', () => {
    const dir = tempRepo({ 'k8s/orders.yaml': DEPLOYMENT });
    const r = run(['--print-config', 'k8s/orders.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      file: 'k8s/orders.yaml',
      configFile: null,
      config: DEFAULT_CONFIG_SHAPE,
      pathEnvironment: { name: 'unknown', inferredBy: 'none', reason: 'no environment could be inferred', minimum: 'verify-full', belowMinimum: 'warning' },
      environments: [
        {
          name: 'production',
          inferredBy: 'namespace',
          reason: 'namespace `production` in k8s/orders.yaml',
          minimum: 'verify-full',
          belowMinimum: 'error',
          line: 14,
          units: ['container `Deployment/orders/api`', 'container `Deployment/orders/worker`'],
        },
      ],
      clients: ASSUMED_CLIENTS,
    });
  });

  it('applies the config file found in the working directory and --rule flags; its config part is a valid config', () => {
    const dir = tempRepo({
      '.sslguard.yml': [
        'environments:',
        '  "deploy/eu/**": staging',
        'policy:',
        '  staging: verify-full',
        '  unknown: require',
        'localHosts: ["*.svc.cluster.local"]',
        '',
      ].join('\n'),
      'deploy/eu/.env': 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-ca\n',
    });
    const r = run(['--print-config', 'deploy/eu/.env', '--rule', 'require-verify-full=warning'], dir);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    const staging = { name: 'staging', inferredBy: 'config glob', reason: 'config maps `deploy/eu/**` to staging', minimum: 'verify-full', belowMinimum: 'warning' };
    expect(printed).toEqual({
      file: 'deploy/eu/.env',
      configFile: '.sslguard.yml',
      config: {
        ...DEFAULT_CONFIG_SHAPE,
        rules: { 'require-verify-full': 'warning' },
        localHosts: ['*.svc.cluster.local'],
        environments: { 'deploy/eu/**': 'staging' },
        policy: { ...DEFAULT_POLICY, staging: 'verify-full', unknown: 'require' },
      },
      pathEnvironment: staging,
      environments: [{ ...staging, line: 1, units: ['this env file'] }],
      clients: ASSUMED_CLIENTS,
    });
    const reloaded = validateConfig(printed.config, 'printed', rules.map((x) => x.meta.id));
    expect(reloaded.policy).toEqual(printed.config.policy);
    expect(reloaded.environments).toEqual([{ pattern: 'deploy/eu/**', environment: 'staging' }]);
  });

  it('shows a file name inference and a variable prefix that overrides it for one connection', () => {
    const dir = tempRepo({
      '.env.development':
        'DATABASE_URL=postgresql://postgres:postgres@localhost:54322/postgres?sslmode=disable\n' +
        'STAGING_DATABASE_URL=postgresql://app:${STAGING_DB_PASSWORD}@db.qrstuvwxyzabcdef.supabase.co:5432/postgres?sslmode=verify-ca\n',
    });
    const printed = JSON.parse(run(['--print-config', '.env.development'], dir).stdout);
    const development = { name: 'development', inferredBy: 'file name', reason: 'file name `.env.development`', minimum: 'require', belowMinimum: 'error' };
    expect(printed.pathEnvironment).toEqual(development);
    expect(printed.environments).toEqual([
      { ...development, line: 1, units: ['this env file'] },
      { name: 'staging', inferredBy: 'variable prefix', reason: 'variable prefix `STAGING_` in .env.development', minimum: 'verify-ca', belowMinimum: 'error', line: 2, units: ['this env file'] },
    ]);
  });

  it('names the client versions of the file\'s package: locked, declared, or assumed and said so', () => {
    const dir = tempRepo({
      'package.json': '{ "name": "shop", "private": true, "workspaces": ["apps/*"] }\n',
      'package-lock.json': JSON.stringify({
        name: 'shop',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'shop', workspaces: ['apps/*'] },
          'apps/api': { version: '1.0.0', dependencies: { pg: '^9.0.0' } },
          'apps/api/node_modules/pg': { version: '9.0.0', resolved: 'https://registry.npmjs.org/pg/-/pg-9.0.0.tgz' },
          'node_modules/api': { resolved: 'apps/api', link: true },
        },
      }, null, 2),
      'apps/api/package.json': '{ "name": "api", "dependencies": { "pg": "^9.0.0", "@prisma/client": "^7.1.0" } }\n',
      'apps/api/src/db.ts': "import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });\n",
    });
    const printed = JSON.parse(run(['--print-config', 'apps/api/src/db.ts'], dir).stdout);
    expect(printed.clients).toEqual([
      { client: 'node-postgres', package: 'pg', version: '9.0.0', how: 'locked', from: 'package-lock.json', range: '^9.0.0' },
      { client: 'postgres.js', package: 'postgres', version: '3.x', how: 'assumed' },
      { client: 'prisma', package: '@prisma/client', version: '7.1.0', how: 'declared', from: 'apps/api/package.json', range: '^7.1.0' },
    ]);
  });

  it('lists no environments for a file sslguard finds nothing in', () => {
    const dir = tempRepo({ 'docs/production/README.md': '# Runbook\n' });
    const printed = JSON.parse(run(['--print-config', 'docs/production/README.md'], dir).stdout);
    expect(printed.pathEnvironment).toEqual({ name: 'production', inferredBy: 'directory', reason: 'directory `docs/production`', minimum: 'verify-full', belowMinimum: 'error' });
    expect(printed.environments).toEqual([]);
  });

  it('exits 2 for a missing file, a directory, paths beside it and a broken policy', () => {
    const dir = tempRepo({ 'k8s/orders.yaml': DEPLOYMENT });
    expect(run(['--print-config', 'k8s/missing.yaml'], dir)).toEqual({ code: 2, stdout: '', stderr: 'sslguard: --print-config k8s/missing.yaml: no such file\n' });
    expect(run(['--print-config', 'k8s'], dir)).toEqual({ code: 2, stdout: '', stderr: 'sslguard: --print-config k8s: is a directory; name a file\n' });
    expect(run(['--print-config', 'k8s/orders.yaml', 'src'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sslguard: --print-config takes one file and no paths to scan (got src)\n',
    });
    writeFileSync(join(dir, '.sslguard.json'), '{ "policy": { "production": "require", "prod": "verify-full" } }\n');
    expect(run(['--print-config', 'k8s/orders.yaml'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'sslguard: .sslguard.json: policy.prod: unknown environment: the environments are "production", "staging", "development", "unknown"\n',
    });
  });

  it('is in --help', () => {
    expect(run(['--help'], root).stdout).toContain('--print-config <file>');
  });
});
