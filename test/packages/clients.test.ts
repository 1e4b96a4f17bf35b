import { describe, expect, it } from 'vitest';
import { lintSources, type SourceInput } from '../../src/engine/lint.js';
import { effectiveTls } from '../../src/policy/consumers.js';
import type { ConnectionFact } from '../../src/model.js';

// What the installed client version changes, end to end: files as a project has them (package.json,
// a lockfile, code, an env template), through the same core as the CLI.

const NOW = new Date('2026-11-26T00:00:00Z');
const RDS = 'orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com';

function lint(files: Record<string, string>) {
  const sources: SourceInput[] = Object.entries(files).map(([file, text]) => ({ file, text }));
  return lintSources(sources, { now: NOW });
}

function packageLock(name: string, packages: Record<string, string>): string {
  return JSON.stringify(
    {
      name,
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name, version: '1.0.0' },
        ...Object.fromEntries(Object.entries(packages).map(([p, v]) => [`node_modules/${p}`, { version: v, resolved: `https://registry.npmjs.org/${p}/-/${p.split('/').pop()}-${v}.tgz` }])),
      },
    },
    null,
    2,
  );
}

const PG_CODE = (query: string) => `import pg from 'pg';\n\nexport const pool = new pg.Pool({ connectionString: 'postgresql://orders_app@${RDS}:5432/orders?${query}' });\n`;

describe('node-postgres by the installed pg', () => {
  it('pg 8 (pg-connection-string 2): sslmode=require is the alias warning, naming the locked version', () => {
    const r = lint({ 'package.json': '{ "dependencies": { "pg": "^8.11.3" } }', 'package-lock.json': packageLock('api', { pg: '8.11.3', 'pg-connection-string': '2.6.2' }), 'src/db.ts': PG_CODE('sslmode=require') });
    expect(r.findings.map((f) => [f.ruleId, f.consumer])).toEqual([['pg-sslmode-alias', 'node-postgres']]);
    expect(r.findings[0]!.message).toMatch(/^node-postgres \(pg 8\.11\.3, from package-lock\.json\) reads sslmode=require as verify-full today, but pg-connection-string has announced that its next major version/);
    const c = r.facts.find((f): f is ConnectionFact => f.kind === 'connection')!;
    expect(c.client).toEqual({ package: 'pg', version: '8.11.3', how: 'locked', from: 'package-lock.json', range: '^8.11.3' });
  });

  it('pg 9 (pg-connection-string 3): sslmode=require is TLS without certificate checks, judged as such, with or without uselibpqcompat', () => {
    for (const query of ['sslmode=require', 'uselibpqcompat=true&sslmode=require']) {
      const r = lint({ 'package.json': '{ "dependencies": { "pg": "^9.0.0" } }', 'package-lock.json': packageLock('api', { pg: '9.0.0', 'pg-connection-string': '3.0.0' }), 'src/db.ts': PG_CODE(query) });
      expect(r.findings.map((f) => [f.ruleId, f.consumer, f.effectiveTls])).toEqual([['require-verify-full', 'node-postgres', 'encrypted-unverified']]);
      expect(r.findings[0]!.message).toContain('node-postgres (pg 9.0.0) reads sslmode=require as TLS without certificate checks');
    }
  });

  it('pg 9 declared without a lockfile: the lowest version of the range decides', () => {
    const r = lint({ 'package.json': '{ "dependencies": { "pg": "^9.1.0" } }', 'src/db.ts': PG_CODE('sslmode=verify-ca&sslrootcert=/etc/ssl/rds-ca.pem') });
    expect(r.findings.map((f) => [f.ruleId, f.effectiveTls])).toEqual([['require-verify-full', 'ca-verified']]);
    expect(r.findings[0]!.message).toContain('node-postgres (pg ^9.1.0) reads sslmode=verify-ca as a chain check without host name check');
  });

  it('nothing pins pg: today\'s pg 8 is assumed and the message says "today"', () => {
    const r = lint({ 'src/db.ts': PG_CODE('sslmode=prefer') });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['pg-sslmode-alias']);
    expect(r.findings[0]!.message).toMatch(/^node-postgres reads sslmode=prefer as verify-full today/);
    expect(r.facts.find((f): f is ConnectionFact => f.kind === 'connection')!.client).toEqual({ package: 'pg', version: '8.x', how: 'assumed' });
  });

  it('an MCP server brings its own pg: the project\'s lockfile does not apply', () => {
    const r = lint({
      'package-lock.json': packageLock('agent', { pg: '9.0.0' }),
      '.cursor/mcp.json': JSON.stringify({ mcpServers: { db: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-postgres', `postgresql://readonly@${RDS}:5432/orders?sslmode=require`] } } }),
    });
    expect(r.findings.map((f) => f.ruleId)).toContain('pg-sslmode-alias');
    expect(r.facts.find((f): f is ConnectionFact => f.kind === 'connection')!.client).toBeUndefined();
  });

  it('effectiveTls: libpq modes give what uselibpqcompat=true gives under 2.x', () => {
    for (const sslmode of ['prefer', 'require', 'verify-ca', 'verify-full', 'allow']) {
      const v3 = effectiveTls('node-postgres', { sslmode, sslrootcert: '/ca.pem' }, { libpqModes: true });
      const compat = effectiveTls('node-postgres', { sslmode, sslrootcert: '/ca.pem', uselibpqcompat: 'true' });
      expect(v3.protection).toBe(compat.protection);
    }
    expect(effectiveTls('node-postgres', { sslmode: 'require' }, { libpqModes: true }).protection).toBe('encrypted-unverified');
    expect(effectiveTls('node-postgres', { sslmode: 'require' }).protection).toBe('full-verified');
  });
});

describe('postgres.js by the installed version', () => {
  const code = "import postgres from 'postgres';\nexport const sql = postgres('postgresql://app@" + RDS + ":5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem');\n";
  it('before 3.2 an sslrootcert in the URL is dropped (ignored); from 3.2 the server refuses it', () => {
    const old = lint({ 'package.json': '{ "dependencies": { "postgres": "3.1.0" } }', 'src/db.ts': code });
    expect(old.findings.map((f) => [f.ruleId, f.messageId, f.effectiveTls])).toEqual([['ignored-tls-setting', 'droppedParam', 'full-verified']]);
    expect(old.findings[0]!.message).toMatch(/^postgres\.js \(postgres 3\.1\.0\) ignores sslrootcert=\/etc\/ssl\/ca\.pem: versions before 3\.2 drop/);
    const now = lint({ 'package.json': '{ "dependencies": { "postgres": "^3.4.5" } }', 'src/db.ts': code });
    expect(now.findings.map((f) => [f.ruleId, f.messageId])).toEqual([['ignored-tls-setting', 'rejected']]);
  });
});

const SUPABASE = 'postgresql://postgres.abcdefghijklmnop:[YOUR-PASSWORD]@aws-0-us-east-1.pooler.supabase.com:5432/postgres';
const SCHEMA = (generator: string) => `generator client {\n${generator}}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n`;

describe('Prisma by the installed version', () => {
  it('Prisma 6 without driver adapters: its engine reads the URL (prisma-ssl)', () => {
    const r = lint({
      'package.json': '{ "dependencies": { "@prisma/client": "6.4.1" } }',
      'prisma/schema.prisma': SCHEMA('  provider = "prisma-client-js"\n'),
      '.env.example': `DATABASE_URL="${SUPABASE}?sslmode=verify-full"\n`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.consumer])).toEqual([['prisma-ssl', 'prisma']]);
  });

  it('Prisma 6 with driverAdapters and @prisma/adapter-pg installed: node-postgres reads the URL, even without the adapter call in the scanned code', () => {
    const r = lint({
      'package.json': '{ "dependencies": { "@prisma/client": "^6.16.0", "@prisma/adapter-pg": "^6.16.0" } }',
      'prisma/schema.prisma': SCHEMA('  provider        = "prisma-client-js"\n  previewFeatures = ["driverAdapters"]\n'),
      '.env.example': `DATABASE_URL="${SUPABASE}?sslmode=verify-full"\n`,
    });
    expect(r.findings).toEqual([]);
    const c = r.facts.find((f): f is ConnectionFact => f.kind === 'connection')!;
    expect([c.consumer, c.client?.version]).toEqual(['prisma:adapter-pg', '6.16.0']);
    expect(c.via?.at(-1)?.message).toBe('read by Prisma 6.16.0 through @prisma/adapter-pg (node-postgres) as `env("DATABASE_URL")`');
  });

  it('Prisma 6 with driverAdapters but no adapter installed: still its engine', () => {
    const r = lint({
      'package.json': '{ "dependencies": { "@prisma/client": "^6.16.0" } }',
      'prisma/schema.prisma': SCHEMA('  provider        = "prisma-client-js"\n  previewFeatures = ["driverAdapters"]\n'),
      '.env.example': `DATABASE_URL="${SUPABASE}?sslmode=verify-full"\n`,
    });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['prisma-ssl']);
  });

  it('Prisma 7: prisma.config.ts env() is read by node-postgres through @prisma/adapter-pg, with node-postgres advice', () => {
    const r = lint({
      'package.json': '{ "dependencies": { "@prisma/client": "^7.1.0", "@prisma/adapter-pg": "^7.1.0" }, "devDependencies": { "prisma": "^7.1.0" } }',
      'prisma.config.ts': "import 'dotenv/config';\nimport { defineConfig, env } from 'prisma/config';\n\nexport default defineConfig({\n  schema: 'prisma/schema.prisma',\n  datasource: { url: env('DATABASE_URL') },\n});\n",
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
      '.env.example': `DATABASE_URL="${SUPABASE}?sslmode=require"\n`,
    });
    expect(r.findings.map((f) => [f.ruleId, f.consumer])).toEqual([['pg-sslmode-alias', 'node-postgres']]);
    expect(r.findings[0]!.message).toMatch(/^node-postgres \(through @prisma\/adapter-pg, Prisma 7\.1\.0\) reads sslmode=require as verify-full today/);
    expect(r.findings[0]!.message).not.toContain('sslaccept');
  });

  it('Prisma 7: the app\'s own new PrismaPg({ connectionString, ssl }) decides over prisma.config.ts', () => {
    const r = lint({
      'package.json': '{ "dependencies": { "@prisma/client": "^7.1.0", "@prisma/adapter-pg": "^7.1.0" } }',
      'prisma.config.ts': "import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({ datasource: { url: env('DATABASE_URL') } });\n",
      'src/db.ts':
        "import { readFileSync } from 'node:fs';\nimport { PrismaPg } from '@prisma/adapter-pg';\n\n" +
        "export const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL, ssl: { ca: readFileSync('/etc/ssl/supabase-ca.crt', 'utf8'), rejectUnauthorized: true } });\n",
      '.env.example': `DATABASE_URL="${SUPABASE}"\n`,
    });
    expect(r.findings).toEqual([]);
    const read = r.facts.filter((f): f is ConnectionFact => f.kind === 'connection').map((c) => [c.consumer, c.readBy?.file]);
    expect(read).toEqual([['node-postgres', 'src/db.ts']]);
  });

  it('a schema url with nothing pinned is Prisma 6 or older (Prisma 7 refuses it)', () => {
    const r = lint({ 'prisma/schema.prisma': `datasource db {\n  provider = "postgresql"\n  url      = "postgresql://app@${RDS}:5432/app?sslmode=require"\n}\n` });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['prisma-ssl']);
    expect(r.facts.find((f): f is ConnectionFact => f.kind === 'connection')!.client).toMatchObject({ package: '@prisma/client', version: '6.x', how: 'assumed' });
  });
});

describe('bad manifests', () => {
  it('a lockfile that does not parse is a diagnostic for that file, and the scan goes on with the declared range', () => {
    const r = lint({ 'package.json': '{ "dependencies": { "pg": "^9.0.0" } }', 'package-lock.json': '{ "packages": {', 'src/db.ts': PG_CODE('sslmode=require') });
    expect(r.diagnostics.map((d) => d.file)).toEqual(['package-lock.json']);
    expect(r.diagnostics[0]!.message).toMatch(/^cannot read the package versions it records: /);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['require-verify-full']);
  });
});
