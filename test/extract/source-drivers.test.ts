// Driver knowledge of the TS/JS extractor: which call receives a TLS options object (through
// imports, variables, spreads, returns), which library reads it, and how values fold.
import { describe, expect, it } from 'vitest';
import { extractSource } from '../../src/extract/source.js';
import type { ConnectionFact, Fact, SettingFact, Span, TlsOptionsFact } from '../../src/model.js';

const tls = (facts: Fact[]): TlsOptionsFact[] => facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

function extract(text: string, file = 'src/db.ts') {
  const result = extractSource({ file, text });
  expect(result.diagnostics).toEqual([]);
  return result.facts;
}

/**
 * [line, option names, sink, driver] of each TLS options fact that has a known value (the outer
 * `{ ssl: { … } }` of a nested object is a fact too, with an unknown `ssl`), or option `key` when given.
 */
const summary = (facts: Fact[], key?: string) =>
  tls(facts)
    .filter((f) => (key === undefined ? Object.values(f.options).some((o) => typeof o.value !== 'object' || o.value === null) : key in f.options))
    .map((f) => [f.span.line, Object.keys(f.options).join(','), f.sink, f.driver]);

describe('import and require bindings', () => {
  it('recognises pg by every way of importing it', () => {
    const text = `import pg from 'pg';
import * as pgNs from 'pg';
import { Pool as PgPool, Client } from 'node:pg';
const { Pool } = require('pg');
const NativeClient = require('pg').native.Client;
import pgEq = require('pg');
const { Client: LazyClient } = await import('pg');
new pg.Pool({ ssl: { rejectUnauthorized: false } });
new pgNs.Client({ ssl: { rejectUnauthorized: false } });
new PgPool({ ssl: { rejectUnauthorized: false } });
new Client({ ssl: { rejectUnauthorized: false } });
new Pool({ ssl: { rejectUnauthorized: false } });
new NativeClient({ ssl: { rejectUnauthorized: false } });
new pgEq.Pool({ ssl: { rejectUnauthorized: false } });
new LazyClient({ ssl: { rejectUnauthorized: false } });
`;
    expect(summary(extract(text), 'rejectUnauthorized')).toEqual([
      [8, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [9, 'rejectUnauthorized', 'pg.Client', 'pg'],
      [10, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [11, 'rejectUnauthorized', 'pg.Client', 'pg'],
      [12, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [13, 'rejectUnauthorized', 'pg.Client', 'pg'],
      [14, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [15, 'rejectUnauthorized', 'pg.Client', 'pg'],
    ]);
  });

  it('does not take a name bound to another module or a local class for a driver', () => {
    const text = `import { Pool } from 'generic-pool';
class Client { constructor(readonly options: object) {} }
new Pool({ ssl: { rejectUnauthorized: false } });
new Client({ ssl: { rejectUnauthorized: false } });
`;
    expect(summary(extract(text), 'rejectUnauthorized')).toEqual([
      [3, 'rejectUnauthorized', undefined, undefined],
      [4, 'rejectUnauthorized', undefined, undefined],
    ]);
  });

  it('knows the other drivers, ORMs and Node TLS APIs by their modules', () => {
    const text = `import pgPromise from 'pg-promise';
import postgres from 'postgres';
import { createPool } from 'slonik';
import { Pool as NeonPool } from '@neondatabase/serverless';
import { createPool as vercelPool } from '@vercel/postgres';
import knex from 'knex';
import { Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import { MikroORM } from '@mikro-orm/postgresql';
import { drizzle } from 'drizzle-orm/postgres-js';
import { defineConfig } from 'drizzle-kit';
import https from 'node:https';
import * as tls from 'tls';
import { Agent } from 'undici';
const pgp = pgPromise();
pgp({ ssl: { rejectUnauthorized: false } });
postgres(url, { ssl: 'require' });
createPool(url, { ssl: { rejectUnauthorized: false } });
new NeonPool({ ssl: { rejectUnauthorized: false } });
vercelPool({ ssl: { rejectUnauthorized: false } });
knex({ client: 'pg', connection: { ssl: { rejectUnauthorized: false } } });
new Sequelize(url, { dialectOptions: { ssl: { require: true, rejectUnauthorized: false } } });
new DataSource({ type: 'postgres', extra: { ssl: { rejectUnauthorized: false } } });
await MikroORM.init({ driverOptions: { connection: { ssl: { rejectUnauthorized: false } } } });
drizzle({ connection: { url, ssl: 'prefer' } });
defineConfig({ dbCredentials: { url, ssl: 'require' } });
new https.Agent({ rejectUnauthorized: false });
new tls.TLSSocket(socket, { rejectUnauthorized: false });
new Agent({ connect: { rejectUnauthorized: false } });
`;
    expect(summary(extract(text))).toEqual([
      [16, 'rejectUnauthorized', 'pg-promise', 'pg'],
      [17, 'ssl', 'postgres', 'postgres'],
      [18, 'rejectUnauthorized', 'slonik.createPool', 'slonik'],
      [19, 'rejectUnauthorized', 'neon.Pool', 'pg'],
      [20, 'rejectUnauthorized', 'vercel.createPool', 'pg'],
      [21, 'rejectUnauthorized', 'knex', 'pg'],
      [22, 'require,rejectUnauthorized', 'Sequelize', 'pg'],
      [23, 'rejectUnauthorized', 'typeorm.DataSource', 'pg'],
      [24, 'rejectUnauthorized', 'MikroORM', 'pg'],
      [25, 'ssl', 'drizzle-orm/postgres-js', 'postgres'],
      [26, 'ssl', 'drizzle-kit', 'drizzle-kit'],
      [27, 'rejectUnauthorized', 'https.Agent', 'node:https'],
      [28, 'rejectUnauthorized', 'tls.TLSSocket', 'node:tls'],
      [29, 'rejectUnauthorized', 'undici.Agent', 'undici'],
    ]);
  });

  it("reads Deno's tls options only inside a Deno Postgres client, with the host beside them", () => {
    const text = `import { Client } from 'https://deno.land/x/postgres@v0.19.3/mod.ts';
import { Pool } from 'jsr:@db/postgres@0.19.5';
new Client({ hostname: 'db.abcdefghijklmnop.supabase.co', tls: { enabled: false, caCertificates: [ca] } });
new Pool({ tls: { enforce: false } }, 3);
const flags = { enabled: false, enforce: false };
`;
    const facts = tls(extract(text, 'supabase/functions/orders/index.ts'));
    expect(summary(facts)).toEqual([
      [3, 'enabled,caCertificates,host', 'deno-postgres.Client', 'deno-postgres'],
      [4, 'enforce', 'deno-postgres.Pool', 'deno-postgres'],
    ]);
    expect(facts[0]!.options.enabled!.value).toBe(false);
    expect(pos(facts[0]!.options.enabled!.span)).toEqual([3, 66, 3, 80]);
    expect(facts[0]!.options.host!.value).toBe('db.abcdefghijklmnop.supabase.co');
  });
});

describe('values that flow through the file', () => {
  it('follows variables, spreads, returns, parameters, assignments and Object.assign to the driver', () => {
    const text = `import { Pool } from 'pg';
const opts = { rejectUnauthorized: false };
new Pool({ ssl: opts });
const shared = { ssl: { rejectUnauthorized: false } };
new Pool({ ...shared, max: 5 });
function sslOptions() { return { rejectUnauthorized: false }; }
new Pool({ ssl: sslOptions() });
const makeSsl = () => ({ rejectUnauthorized: false });
new Pool({ ssl: makeSsl() });
function withPool(ssl: object) { return new Pool({ ssl }); }
withPool({ rejectUnauthorized: false });
const config: Record<string, unknown> = {};
config.ssl = { rejectUnauthorized: false };
new Pool(config);
new Pool(Object.assign({}, { ssl: { rejectUnauthorized: false } }));
let reassigned = { rejectUnauthorized: false };
reassigned = { rejectUnauthorized: true };
new Pool({ ssl: reassigned });
`;
    expect(summary(extract(text))).toEqual([
      [2, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [4, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [6, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [8, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [11, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [13, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [15, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      // Both objects may reach the pool: both are followed.
      [16, 'rejectUnauthorized', 'pg.Pool', 'pg'],
      [17, 'rejectUnauthorized', 'pg.Pool', 'pg'],
    ]);
  });

  it('reads configuration files by their export: drizzle.config, knexfile (with its environments), useFactory', () => {
    const drizzle = `export default { dialect: 'postgresql', dbCredentials: { url: process.env.DATABASE_URL!, ssl: 'prefer' } };\n`;
    expect(summary(extract(drizzle, 'drizzle.config.ts'))).toEqual([[1, 'ssl', 'drizzle-kit', 'drizzle-kit']]);
    const knexfile = `module.exports = {
  staging: { client: 'pg', connection: { ssl: { rejectUnauthorized: false } } },
  production: { client: 'pg', connection: 'postgres://app@db.acme.io/app?sslmode=require' },
};
`;
    const facts = extract(knexfile, 'knexfile.js');
    expect(summary(facts)).toEqual([[2, 'rejectUnauthorized', 'knex', 'pg']]);
    expect(tls(facts)[0]!.sink).toBe('knex');
    expect(tls(facts).map((f) => f.environment)).toEqual([
      { name: 'staging', reason: 'knexfile key `staging`' },
      { name: 'staging', reason: 'knexfile key `staging`' },
    ]);
    expect(connections(facts).map((c) => [c.consumer, c.environment.name])).toEqual([['knex', 'production']]);
    const nest = `import { TypeOrmModule } from '@nestjs/typeorm';
export const db = TypeOrmModule.forRootAsync({ useFactory: async () => ({ type: 'postgres', ssl: { rejectUnauthorized: false } }) });
`;
    expect(summary(extract(nest))).toEqual([[2, 'rejectUnauthorized', 'typeorm.DataSource', 'pg']]);
  });

  it('folds !!false, !true, consts and properties of const objects; leaves calls and parameters unknown', () => {
    const text = `const off = false;
const settings = { verify: !true };
const values = [
  { rejectUnauthorized: !!false },
  { rejectUnauthorized: !true },
  { rejectUnauthorized: off },
  { rejectUnauthorized: settings.verify },
  { rejectUnauthorized: !false },
  { rejectUnauthorized: !!true },
  { rejectUnauthorized: unknown() },
  { rejectUnauthorized: getConfig().rejectUnauthorized },
  { rejectUnauthorized: String(0) === '0' ? false : true },
  { rejectUnauthorized: process.env.VERIFY ?? false },
];
`;
    const facts = tls(extract(text));
    // The last object also yields what runs while VERIFY is unset: false (see env-defaults.test.ts).
    expect(facts.map((f) => f.options.rejectUnauthorized!.value)).toEqual([false, false, false, false, true, true, { unknown: true }, { unknown: true }, false, { unknown: true }, false]);
    expect(pos(facts[0]!.options.rejectUnauthorized!.span)).toEqual([4, 5, 4, 32]);
    expect(pos(facts[0]!.options.rejectUnauthorized!.valueSpan)).toEqual([4, 25, 4, 32]);
  });

  it('gives a connection string the consumer of the driver it reaches, through variables too', () => {
    const text = `import postgres from 'postgres';
import knex from 'knex';
import { Client } from 'pg';
const url = 'postgres://app@db.acme.io:5432/app?sslmode=require';
export const sql = postgres(url);
export const pg = new Client({ connectionString: url.length > 0 ? 'postgres://app@db.acme.io:5432/app?sslmode=verify-ca' : undefined });
export const a = knex({ client: 'pg', connection: 'postgres://app@db.acme.io:5432/app?sslmode=prefer' });
export const b = knex({ client: 'mysql2', connection: 'postgres://app@db.acme.io:5432/app?sslmode=prefer' });
`;
    expect(connections(extract(text)).map((c) => [c.span.line, c.consumer])).toEqual([
      [4, 'postgres.js'],
      [6, 'node-postgres'],
      [7, 'knex'],
      [8, undefined],
    ]);
  });
});

describe('environment-dependent code', () => {
  it('tags each side of a NODE_ENV test, a value that is the test, and an if block', () => {
    const text = `import { Pool } from 'pg';
const isProd = process.env.NODE_ENV === 'production';
new Pool({ ssl: process.env.NODE_ENV !== 'production' ? { rejectUnauthorized: false } : { ca } });
new Pool({ ssl: { rejectUnauthorized: isProd } });
new Pool({ ssl: { rejectUnauthorized: import.meta.env.PROD ? true : false } });
if (!isProd) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
new Pool({ ssl: { rejectUnauthorized: process.env.APP_ENV === 'staging' ? false : true } });
`;
    const facts = extract(text);
    const t = tls(facts);
    const shown = t.map((f) => [f.span.line, Object.keys(f.options).join(','), JSON.stringify(Object.values(f.options).map((o) => o.value)), f.environment.name]);
    expect(shown).toEqual([
      [3, 'ssl', '[{"unknown":true}]', 'unknown'],
      [3, 'rejectUnauthorized', '[false]', 'development'],
      [3, 'ca', '[{"unknown":true}]', 'production'],
      [4, 'ssl', '[{"unknown":true}]', 'unknown'],
      [4, 'rejectUnauthorized', '[{"unknown":true}]', 'unknown'],
      [4, 'rejectUnauthorized', '[true]', 'production'],
      [4, 'rejectUnauthorized', '[false]', 'development'],
      [5, 'ssl', '[{"unknown":true}]', 'unknown'],
      [5, 'rejectUnauthorized', '[{"unknown":true}]', 'unknown'],
      [5, 'rejectUnauthorized', '[true]', 'production'],
      [5, 'rejectUnauthorized', '[false]', 'development'],
      [7, 'ssl', '[{"unknown":true}]', 'unknown'],
      [7, 'rejectUnauthorized', '[{"unknown":true}]', 'unknown'],
      [7, 'rejectUnauthorized', '[false]', 'staging'],
    ]);
    expect(t[1]!.environment.reason).toBe("`process.env.NODE_ENV !== 'production'` holds here");
    // The side facts point at the side: the property when the value is the test, the literal of a conditional.
    expect(pos(t[6]!.options.rejectUnauthorized!.span)).toEqual([4, 19, 4, 45]);
    expect(pos(t[10]!.options.rejectUnauthorized!.span)).toEqual([5, 69, 5, 74]);
    expect(t[6]!.sink).toBe('pg.Pool');
    expect(settings(facts).map((s) => [s.value, s.environment])).toEqual([['0', { name: 'development', reason: "`process.env.NODE_ENV === 'production'` is false here" }]]);
  });
});

describe('checkServerIdentity', () => {
  it('records what the callback always returns, and nothing when it can reject', () => {
    const text = `import https from 'node:https';
function accept() { return undefined; }
new https.Agent({ checkServerIdentity: () => undefined });
new https.Agent({ checkServerIdentity: () => {} });
new https.Agent({ checkServerIdentity() { return null; } });
new https.Agent({ checkServerIdentity: accept });
new https.Agent({ checkServerIdentity: (host, cert) => tls.checkServerIdentity(host, cert) });
new https.Agent({ checkServerIdentity: (host, cert) => { if (cert.subject.CN !== host) throw new Error('mismatch'); } });
new https.Agent({ checkServerIdentity: (host, cert) => (cert.subject.CN === host ? undefined : new Error('mismatch')) });
`;
    const facts = tls(extract(text, 'src/http.ts'));
    expect(facts.map((f) => f.options.checkServerIdentity!.returns)).toEqual([null, null, null, null, undefined, undefined, undefined]);
  });
});

describe('Sequelize through sequelize-typescript and the sequelize-cli config (issue: unknown sinks)', () => {
  it('name the client and judge the options', () => {
    const ts = `import { Sequelize } from 'sequelize-typescript';
export const sequelize = new Sequelize(process.env.DATABASE_URL!, { dialect: 'postgres', dialectOptions: { ssl: { require: true, rejectUnauthorized: false } } });
`;
    const cli = `module.exports = {
  development: { dialect: 'postgres', host: '127.0.0.1' },
  production: { use_env_variable: 'DATABASE_URL', dialect: 'postgres', dialectOptions: { ssl: { require: true, rejectUnauthorized: false } } },
};
`;
    const viaTs = extractSource({ file: 'src/db.ts', text: ts }).facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options' && f.options.rejectUnauthorized !== undefined);
    expect(viaTs.map((f) => [f.sink, f.driver])).toEqual([['Sequelize', 'pg']]);
    const viaCli = extractSource({ file: 'config/database.js', text: cli }).facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options' && f.options.rejectUnauthorized !== undefined);
    expect(viaCli.map((f) => [f.sink, f.environment.name])).toEqual([['Sequelize', 'production']]);
  });
});
