// TLS options written in two places: the rules judge the one the library reads (TypeORM's
// `extra.ssl` over `ssl`, a connection string's TLS parameters over node-postgres's `ssl` and
// Sequelize's `dialectOptions.ssl`), and ignored-tls-setting points at the one it drops.
import { describe, expect, it } from 'vitest';
import { extractSource } from '../../src/extract/source.js';
import { lintSources } from '../../src/engine/lint.js';
import type { ConnectionFact, Fact, Span, TlsOptionsFact } from '../../src/model.js';

const tls = (facts: Fact[]): TlsOptionsFact[] => facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

function extract(text: string, file = 'src/db.ts'): Fact[] {
  const result = extractSource({ file, text });
  expect(result.diagnostics).toEqual([]);
  return result.facts;
}

/** [line of the object, options read, options set apart, by] of each TLS options fact. */
const summary = (facts: Fact[]) =>
  tls(facts).map((t) => [t.span.line, Object.keys(t.options).join(','), Object.keys(t.unread?.options ?? {}).join(','), t.unread?.by ?? '']);

const findings = (file: string, text: string) =>
  lintSources([{ file, text }], { now: new Date('2027-01-01T00:00:00Z') }).findings.map((f) => [f.ruleId, f.severity, f.line, f.column, f.endLine, f.endColumn]);

const TYPEORM = `import { DataSource } from 'typeorm';

export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  ssl: { rejectUnauthorized: false },
  extra: {
    ssl: { ca: process.env.DB_CA_CERT, rejectUnauthorized: true },
    max: 20,
  },
  entities: ['dist/entities/*.js'],
});
`;

describe('TypeORM: extra.ssl replaces ssl', () => {
  it('sets ssl apart and keeps extra.ssl', () => {
    expect(summary(extract(TYPEORM))).toEqual([
      [3, '', 'ssl', 'extra.ssl'],
      [6, '', 'rejectUnauthorized', 'extra.ssl'],
      [7, 'ssl', '', ''],
      [8, 'ca,rejectUnauthorized', '', ''],
    ]);
  });

  it('does not report the rejectUnauthorized: false that never reaches pg; warns that ssl is not read', () => {
    expect(findings('src/data-source.ts', TYPEORM)).toEqual([['ignored-tls-setting', 'warning', 6, 3, 6, 37]]);
    const { findings: f } = lintSources([{ file: 'src/data-source.ts', text: TYPEORM }]);
    expect(f[0]!.message).toBe(
      'node-postgres never reads this `ssl` option: TypeORM hands `extra.ssl` to node-postgres in place of `ssl`, so what it sets (certificate checks, a CA) does not apply. Merge these options into `extra.ssl`, or remove them.',
    );
  });

  it('judges extra.ssl when it is the weak one', () => {
    const text = TYPEORM.replace('ssl: { rejectUnauthorized: false },', "ssl: { ca: process.env.DB_CA_CERT },").replace(
      'ssl: { ca: process.env.DB_CA_CERT, rejectUnauthorized: true },',
      'ssl: { rejectUnauthorized: false },',
    );
    expect(findings('src/data-source.ts', text)).toEqual([
      ['ignored-tls-setting', 'warning', 6, 3, 6, 38],
      ['no-reject-unauthorized', 'error', 8, 12, 8, 37],
    ]);
  });

  it('a url with TLS parameters replaces both, also in NestJS forRootAsync', () => {
    const text = `import { TypeOrmModule } from '@nestjs/typeorm';

export const db = TypeOrmModule.forRootAsync({
  useFactory: () => ({
    type: 'postgres',
    url: 'postgres://api@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full',
    extra: { ssl: { rejectUnauthorized: false } },
  }),
});
`;
    expect(summary(extract(text))).toEqual([
      [7, '', 'ssl', 'url'],
      [7, '', 'rejectUnauthorized', 'url'],
    ]);
    expect(tls(extract(text))[0]!.unread!.because).toBe(
      '`url` carries sslmode=verify-full, and node-postgres then takes its TLS settings from the URL alone, in place of `extra.ssl`',
    );
  });
});

describe('Sequelize 6', () => {
  const SEQUELIZE = `const { Sequelize } = require('sequelize');

const DATABASE_URL = 'postgres://api@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require';

// The URL's sslmode replaces dialectOptions.ssl: pg verifies with Node's CAs.
const sequelize = new Sequelize(DATABASE_URL, {
  dialect: 'postgres',
  dialectOptions: {
    ssl: { require: true, rejectUnauthorized: false },
  },
});

// A top-level ssl never reaches pg.
const reporting = new Sequelize(process.env.REPORTING_URL, { dialect: 'postgres', ssl: true });

// Without TLS parameters in a known URL, dialectOptions.ssl is what pg gets.
const legacy = new Sequelize(process.env.LEGACY_URL, {
  dialect: 'postgres',
  dialectOptions: { ssl: { require: true, rejectUnauthorized: false } },
});

module.exports = { sequelize, reporting, legacy };
`;

  it('sets dialectOptions.ssl apart when the URL has TLS parameters, and a top-level ssl always', () => {
    expect(summary(extract(SEQUELIZE, 'src/models/index.js'))).toEqual([
      [8, '', 'ssl', 'url'],
      [9, '', 'require,rejectUnauthorized', 'url'],
      [14, '', 'ssl', 'nothing'],
      [19, 'ssl', '', ''],
      [19, 'require,rejectUnauthorized', '', ''],
    ]);
  });

  it('reports what pg really gets and warns on what it never reads', () => {
    expect(findings('src/models/index.js', SEQUELIZE)).toEqual([
      // The URL reaches pg through Sequelize, and pg-connection-string's alias applies to it.
      ['pg-sslmode-alias', 'warning', 3, 110, 3, 117],
      ['ignored-tls-setting', 'warning', 9, 5, 9, 54],
      ['ignored-tls-setting', 'warning', 14, 83, 14, 92],
      ['no-reject-unauthorized', 'error', 19, 43, 19, 68],
    ]);
  });

  it('Sequelize 7 reads a top-level ssl', () => {
    const text = `import { Sequelize } from '@sequelize/core';\nexport const db = new Sequelize({ dialect: 'postgres', ssl: { rejectUnauthorized: false } });\n`;
    expect(summary(extract(text))).toEqual([
      [2, 'ssl', '', ''],
      [2, 'rejectUnauthorized', '', ''],
    ]);
  });
});

describe('node-postgres: a connection string with TLS parameters replaces ssl', () => {
  it('in pg, knex and Drizzle configurations; not when the URL is unknown or has no TLS parameter', () => {
    const text = `import pg from 'pg';
import knex from 'knex';
import { drizzle } from 'drizzle-orm/node-postgres';

export const pool = new pg.Pool({
  connectionString: 'postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=no-verify',
  ssl: { ca: process.env.SUPABASE_CA },
});
export const qb = knex({
  client: 'pg',
  connection: { connectionString: 'postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslrootcert=/etc/ssl/supabase.crt', ssl: { rejectUnauthorized: false } },
});
export const db = drizzle({ connection: { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } } });
export const plain = new pg.Pool({ connectionString: 'postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres', ssl: { rejectUnauthorized: false } });
`;
    expect(summary(extract(text))).toEqual([
      [5, '', 'ssl', 'url'],
      [7, '', 'ca', 'url'],
      [11, '', 'ssl', 'url'],
      [11, '', 'rejectUnauthorized', 'url'],
      [13, 'ssl', '', ''],
      [13, 'rejectUnauthorized', '', ''],
      [14, 'ssl', '', ''],
      [14, 'rejectUnauthorized', '', ''],
    ]);
  });

  it('knex parses a string connection itself, while pg parses connection.connectionString', () => {
    const text = `import knex from 'knex';
export const a = knex({ client: 'pg', connection: 'postgresql://app@db.internal.acme.io:5432/app?sslmode=require' });
export const b = knex({ client: 'pg', connection: { connectionString: 'postgresql://app@db.internal.acme.io:5432/app?sslmode=require' } });
`;
    expect(connections(extract(text)).map((c) => [pos(c.span), c.consumer])).toEqual([
      [[2, 52, 2, 113], 'knex'],
      [[3, 72, 3, 133], 'node-postgres'],
    ]);
  });
});
