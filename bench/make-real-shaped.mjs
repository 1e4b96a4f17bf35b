#!/usr/bin/env node
// A "real-shaped" monorepo for `npm run bench`, modelled on the corpus's TypeScript monorepos
// (trigger.dev, medusa, payload): most of the cost there is the few hundred large files that
// mention Postgres, TLS or a pool in passing (repository classes, ORM models, tests, generated
// icons), plus OpenAPI specs, Prisma schemas, compose files and Helm charts. Deterministic: the same
// arguments give the same bytes.
//
//   node bench/make-real-shaped.mjs OUT_DIR [--packages N] [--git]
//
// Writes OUT_DIR and OUT_DIR/../<name>.planted.json ({ packages, vendorFiles, planted: [{ file, line, kind }] }),
// the format bench/run.mjs checks findings against.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const args = process.argv.slice(2);
if (!args[0] || args[0].startsWith('--')) {
  console.error('usage: make-real-shaped.mjs OUT_DIR [--packages N] [--git]');
  process.exit(2);
}
const out = args[0];
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const packages = opt('--packages', 40);
const withGit = args.includes('--git');

// mulberry32: a small deterministic PRNG.
let seed = 0x5eed1234;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(random() * xs.length)];

const planted = [];
let files = 0;
function write(rel, text) {
  const file = join(out, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  files++;
}
function plant(rel, text, marker, kind) {
  write(rel, text);
  const line = text.slice(0, text.indexOf(marker)).split('\n').length;
  planted.push({ file: rel, line, kind });
}

const NOUNS = ['run', 'task', 'queue', 'order', 'invoice', 'customer', 'product', 'session', 'event', 'batch', 'schedule', 'worker'];

/** A large repository class that says Postgres in its name and comments, and never connects. */
function repositoryClass(name, methods) {
  const Name = name[0].toUpperCase() + name.slice(1);
  let text = `import type { PrismaClient } from '@prisma/client';\nimport { logger } from '../logger';\n\n/**\n * Postgres-backed store of ${name}s. Reads go to the replica (see PostgresReplicaRouter),\n * writes to the primary; the SSL settings live in the database package.\n */\nexport class Postgres${Name}Store {\n  constructor(private readonly prisma: PrismaClient) {}\n\n`;
  for (let i = 0; i < methods; i++) {
    const field = pick(NOUNS);
    text +=
      `  /** Loads ${field}s of a ${name} (one Postgres round trip). */\n` +
      `  async find${Name}${i}(id: string, options: { limit?: number; cursor?: string } = {}) {\n` +
      `    const rows = await this.prisma.${name}.findMany({\n` +
      `      where: { id, ${field}Id: { not: null } },\n` +
      `      take: options.limit ?? ${10 + i},\n` +
      `      ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),\n` +
      `      orderBy: { createdAt: 'desc' },\n` +
      `    });\n` +
      `    if (rows.length === 0) logger.debug('no ${field}s for ${name}', { id, attempt: ${i} });\n` +
      `    return rows.map((row) => ({ ...row, label: \`${name}-\${row.id}-${i}\` }));\n` +
      `  }\n\n`;
  }
  return text + '}\n';
}

/** A test full of mock connection strings and TLS options: data, never a connection. */
function testFile(name, cases) {
  let text = `import { describe, expect, it, vi } from 'vitest';\nimport { parseDatabaseUrl } from '../src/url';\n\ndescribe('${name}', () => {\n`;
  for (let i = 0; i < cases; i++) {
    text +=
      `  it('parses case ${i}', () => {\n` +
      `    const url = 'postgresql://user:password@db-${i}.example.com:5432/app?sslmode=require';\n` +
      `    expect(parseDatabaseUrl(url).ssl).toEqual({ rejectUnauthorized: false });\n` +
      `    const getUrl = vi.fn().mockReturnValue('postgres://test');\n` +
      `    expect(getUrl()).toBe('postgres://test');\n` +
      `  });\n\n`;
  }
  return text + '});\n';
}

/** Generated icon components: one huge base64 string, which happens to contain `ssl`. */
function icon(name, kb) {
  let data = '';
  while (data.length < kb * 1024) data += 'iVBORw0KGgoAAAANSUhEUgAAAssl' + Math.floor(random() * 1e9).toString(36);
  return `export const ${name} = () => (\n  <img alt="${name}" src="data:image/png;base64,${data}" />\n);\n`;
}

/** An OpenAPI spec: megabytes of YAML that hold no manifest. */
function openapi(paths) {
  let text = 'openapi: 3.0.3\ninfo:\n  title: Admin API\n  version: 1.0.0\npaths:\n';
  for (let i = 0; i < paths; i++) {
    text +=
      `  /admin/${pick(NOUNS)}s/${i}:\n    get:\n      operationId: get${i}\n      description: Returns the ${pick(NOUNS)} (stored in Postgres).\n` +
      `      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  id: { type: string }\n                  created_at: { type: string, format: date-time }\n`;
  }
  return text;
}

for (let p = 0; p < packages; p++) {
  const pkg = `packages/pkg-${String(p).padStart(3, '0')}`;
  write(`${pkg}/package.json`, JSON.stringify({ name: `@acme/pkg-${p}`, version: '1.0.0', dependencies: { '@prisma/client': '^6.0.0' } }, null, 2) + '\n');
  for (let f = 0; f < 40; f++) {
    const name = pick(NOUNS);
    // Plain modules: most of a real tree, no trigger at all.
    write(`${pkg}/src/${name}-${f}.ts`, `export interface ${name[0].toUpperCase()}${name.slice(1)}${f} {\n  id: string;\n  createdAt: Date;\n}\n\nexport const ${name}${f} = (x: number): number => x * ${f + 1};\n`);
  }
  // Large repository classes and services that mention Postgres, SSL and pools in passing.
  for (let r = 0; r < 6; r++) write(`${pkg}/src/stores/postgres-${pick(NOUNS)}-store-${r}.ts`, repositoryClass(pick(NOUNS), 60 + Math.floor(random() * 60)));
  for (let t = 0; t < 4; t++) write(`${pkg}/test/url-${t}.test.ts`, testFile(`url ${t}`, 40));
  if (p % 8 === 0) write(`${pkg}/src/icons/Logo${p}.tsx`, icon(`Logo${p}`, 300));
  write(`${pkg}/prisma/schema.prisma`, 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Run {\n  id String @id\n}\n');
  if (p % 10 === 0) write(`${pkg}/specs/openapi.yaml`, openapi(400));
  // The real configuration: a database module, a compose file and a Helm chart per service.
  if (p % 5 === 0) {
    plant(
      `${pkg}/src/db.ts`,
      "import { Pool } from 'pg';\n\nexport const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { rejectUnauthorized: false },\n});\n",
      'rejectUnauthorized',
      'reject-unauthorized-false',
    );
    plant(
      `${pkg}/docker-compose.yml`,
      `services:\n  api:\n    image: ghcr.io/acme/pkg-${p}:1.0.0\n    environment:\n      DATABASE_URL: postgresql://app:\${DB_PASSWORD}@pkg-${p}.cluster-c1x2y3.eu-west-1.rds.amazonaws.com:5432/app?sslmode=disable\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n`,
      'sslmode=disable',
      'sslmode-disable-remote',
    );
    plant(`${pkg}/charts/values.yaml`, 'externalDatabase:\n  host: db.acme-corp.io\n  port: 5432\n  sslmode: disable\n', 'sslmode: disable', 'sslmode-disable-remote');
  }
}
write('package.json', JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }, null, 2) + '\n');
write('.gitignore', 'node_modules/\n');
const vendorFiles = 2000;
for (let v = 0; v < vendorFiles; v++) write(`node_modules/dep-${v % 200}/lib/index-${v}.js`, `module.exports = { ssl: ${v % 2 === 0}, url: 'postgres://u@h/db' };\n`);

if (withGit) {
  const git = (...a) => execFileSync('git', a, { cwd: out, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'real-shaped tree');
}
const manifest = join(dirname(out), `${basename(out)}.planted.json`);
writeFileSync(manifest, JSON.stringify({ packages, vendorFiles, planted }, null, 2) + '\n');
console.log(`wrote ${out}: ${files} files, ${planted.length} planted problems (manifest ${manifest})`);
