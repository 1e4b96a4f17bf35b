import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMERS, TABLE_CASES, consumerOf, effectiveTls, renderConsumerTable, type Consumer, type Protection } from '../../src/policy/consumers.js';

type Cell = Protection | 'refused';
const P = 'plaintext', O = 'optional', U = 'encrypted-unverified', CA = 'ca-verified', F = 'full-verified', R = 'refused';

/**
 * The same URL under each consumer: libpq, node-postgres, knex, postgres.js, Prisma, deno-postgres,
 * asyncpg, SQLAlchemy's asyncpg dialect.
 * Checked against the clients' source (see src/policy/consumers.ts for files and lines): libpq
 * rejects keywords it does not know (sslaccept, uselibpqcompat) and any ssl= but ssl=true;
 * postgres.js forwards sslrootcert, sslaccept and uselibpqcompat to the server, which refuses them;
 * deno-postgres reads ssl=true as sslmode=require; asyncpg sends query parameters it does not know
 * (ssl, sslaccept, uselibpqcompat) to the server and defaults to prefer; SQLAlchemy hands the
 * query to asyncpg.connect() as keyword arguments, and asyncpg has no sslmode argument. The Prisma
 * column rests on memory of its engine.
 */
const EXPECTED: Record<string, [Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell]> = {
  '(none)': [O, P, P, P, O, O, O, O],
  'sslmode=disable': [P, P, P, P, P, P, P, R],
  'sslmode=allow': [O, F, F, U, O, R, O, R],
  'sslmode=prefer': [O, F, F, O, O, O, O, R],
  'sslmode=require': [U, F, F, U, U, F, U, R],
  'sslmode=require&sslrootcert=ca.pem': [CA, F, F, R, U, F, CA, R],
  'sslmode=verify-ca&sslrootcert=ca.pem': [CA, F, F, R, O, F, CA, R],
  'sslmode=verify-full': [F, F, F, F, O, F, F, R],
  'sslrootcert=system': [F, R, R, R, O, O, R, R],
  'sslmode=require&sslrootcert=system': [R, R, R, R, U, F, R, R],
  'sslmode=no-verify': [R, U, U, F, O, R, R, R],
  'ssl=true': [U, F, F, F, O, F, R, R],
  'ssl=false': [R, F, F, P, O, O, R, R],
  'uselibpqcompat=true&sslmode=require': [R, U, F, R, U, F, R, R],
  'sslmode=require&sslaccept=strict': [R, F, F, R, F, F, R, R],
  'sslmode=verify-full&sslaccept=strict': [R, F, F, R, O, F, R, R],
  '(none), PGSSLMODE=require': [U, F, F, P, O, O, U, U],
};

describe('effective TLS by consumer', () => {
  it('the table covers exactly the documented cases', () => {
    expect(TABLE_CASES.map((c) => c.query)).toEqual(Object.keys(EXPECTED));
  });

  for (const { query, input } of TABLE_CASES) {
    it(`${query}`, () => {
      const got = CONSUMERS.map((c) => effectiveTls(c, input).protection ?? 'refused');
      expect(got).toEqual(EXPECTED[query]);
    });
  }

  it('names what each consumer ignores', () => {
    expect(effectiveTls('postgres.js', { PGSSLMODE: 'verify-full' }).ignored).toEqual(['PGSSLMODE=verify-full']);
    expect(effectiveTls('deno-postgres', { PGSSLMODE: 'require' }).ignored).toEqual(['PGSSLMODE=require']);
    expect(effectiveTls('deno-postgres', { sslmode: 'verify-full', sslrootcert: '/etc/ssl/rds.pem' })).toMatchObject({ protection: F, ignored: ['sslrootcert'] });
    expect(effectiveTls('deno-postgres', { sslrootcert: 'system' })).toMatchObject({ protection: O, ignored: ['sslrootcert=system'] });
    expect(effectiveTls('node-postgres', { sslmode: 'verify-full', sslrootcert: 'system' }).ignored).toEqual(['sslrootcert=system']);
    expect(effectiveTls('knex', { uselibpqcompat: 'true', sslmode: 'require' }).ignored).toEqual(['uselibpqcompat=true']);
    expect(effectiveTls('libpq', { sslmode: 'require', PGSSLMODE: 'disable' }).ignored).toBeUndefined();
  });

  it('names what makes the connection fail, and who refuses it', () => {
    // postgres.js 3.4.9 src/index.js:487 sends unknown query parameters as run-time parameters.
    expect(effectiveTls('postgres.js', { sslmode: 'verify-full', sslrootcert: '/etc/ssl/rds.pem' })).toEqual({
      because: 'postgres.js sends sslrootcert to the server as a run-time parameter, and PostgreSQL refuses the connection ("unrecognized configuration parameter")',
      rejected: ['sslrootcert'],
      rejectedBy: 'server',
    });
    expect(effectiveTls('postgres.js', { sslmode: 'require', sslcert: 'client.crt', sslkey: 'client.key', PGSSLMODE: 'verify-full' })).toMatchObject({
      rejected: ['sslcert', 'sslkey'],
      ignored: ['PGSSLMODE=verify-full'],
    });
    expect(effectiveTls('libpq', { sslmode: 'require', sslaccept: 'strict' })).toEqual({
      because: 'libpq rejects the connection string ("invalid URI query parameter"): sslaccept is not a libpq parameter',
      rejected: ['sslaccept'],
      rejectedBy: 'client',
    });
    expect(effectiveTls('libpq', { ssl: '1' }).because).toBe('libpq rejects the connection string ("invalid URI query parameter"): it accepts ssl only as ssl=true, not ssl=1');
  });

  it('pg-connection-string makes any sslcert or sslkey an ssl object, which Node verifies', () => {
    expect(effectiveTls('node-postgres', { sslcert: '/run/secrets/client.crt', sslkey: '/run/secrets/client.key' })).toMatchObject({ protection: F, because: 'node-postgres reads sslcert as full verification' });
    expect(effectiveTls('libpq', { sslcert: '/run/secrets/client.crt' }).protection).toBe(O);
  });

  it('deno-postgres reads ssl=true as sslmode=require, ahead of any sslmode', () => {
    expect(effectiveTls('deno-postgres', { ssl: 'true', sslmode: 'prefer' })).toMatchObject({ protection: F, because: 'deno-postgres reads ssl=true as enforced TLS, verified' });
  });

  it('node-postgres: URL parameters win over PGSSLMODE, which alone decides when the URL has none', () => {
    expect(effectiveTls('node-postgres', { sslmode: 'disable', PGSSLMODE: 'verify-full' }).protection).toBe(P);
    expect(effectiveTls('node-postgres', { PGSSLMODE: 'no-verify' }).protection).toBe(U);
    expect(effectiveTls('node-postgres', { PGSSLMODE: 'allow' }).protection).toBe(P);
    expect(effectiveTls('node-postgres', { ssl: 'no-verify' }).protection).toBe(U);
    expect(effectiveTls('node-postgres', { ssl: '0' }).protection).toBe(P);
    // Only true, 1 and 0 are converted; pg reads the string 'false' as a truthy option.
    expect(effectiveTls('node-postgres', { ssl: 'false' }).protection).toBe(F);
    expect(effectiveTls('libpq', { ssl: 'false' }).protection).toBeUndefined();
  });

  it('node-postgres with uselibpqcompat=true: verify-ca needs a root file; prefer never falls back', () => {
    expect(effectiveTls('node-postgres', { uselibpqcompat: 'true', sslmode: 'verify-ca' }).protection).toBeUndefined();
    expect(effectiveTls('node-postgres', { uselibpqcompat: 'true', sslmode: 'prefer' }).protection).toBe(U);
    expect(effectiveTls('node-postgres', { uselibpqcompat: 'true', sslmode: 'require', sslrootcert: '/etc/ssl/ca.pem' }).protection).toBe(CA);
  });

  it('Prisma: sslaccept=strict does not stop prefer from falling back; values are case-insensitive', () => {
    expect(effectiveTls('prisma', { sslmode: 'prefer', sslaccept: 'strict' }).protection).toBe(O);
    expect(effectiveTls('prisma', { sslmode: 'REQUIRE', sslaccept: 'Strict' }).protection).toBe(F);
    expect(effectiveTls('prisma', { sslmode: 'verify-full' }).because).toBe('Prisma reads sslmode=verify-full as prefer: TLS is optional and the certificate is not checked');
  });

  it('libpq: a PGSSLMODE only applies when the URL has no sslmode', () => {
    expect(effectiveTls('libpq', { sslmode: 'verify-full', PGSSLMODE: 'disable' }).protection).toBe(F);
    expect(effectiveTls('libpq', { PGSSLMODE: 'disable' }).protection).toBe(P);
    expect(effectiveTls('libpq', { sslmode: 'verify-full', sslrootcert: 'system' }).protection).toBe(F);
  });

  it('asyncpg 0.31 (connect_utils.py): prefer by default, PGSSLMODE when the DSN has no sslmode, require checks the chain only with a root file', () => {
    expect(effectiveTls('asyncpg', {})).toMatchObject({ protection: O, because: 'asyncpg defaults to sslmode=prefer (TLS only when the server offers it, unverified)' });
    expect(effectiveTls('asyncpg', { PGSSLMODE: 'verify-full' }).protection).toBe(F);
    expect(effectiveTls('asyncpg', { sslmode: 'disable', PGSSLMODE: 'verify-full' }).protection).toBe(P);
    expect(effectiveTls('asyncpg', { sslmode: 'require', sslrootcert: '/etc/ssl/rds.pem' }).protection).toBe(CA);
    expect(effectiveTls('asyncpg', { sslmode: 'require' }).because).toBe('asyncpg reads sslmode=require as encryption without certificate checks');
    expect(effectiveTls('asyncpg', { sslmode: 'verify-ca' }).protection).toBe(CA);
    // Query parameters asyncpg does not pop become server_settings: the server refuses them.
    expect(effectiveTls('asyncpg', { sslmode: 'require', ssl: 'true' })).toMatchObject({ rejected: ['ssl'], rejectedBy: 'server' });
    expect(effectiveTls('asyncpg', { sslrootcert: 'system', sslmode: 'verify-full' })).toMatchObject({ rejected: ['sslrootcert'], rejectedBy: 'client' });
    expect(effectiveTls('asyncpg', { sslmode: 'no-verify' })).toEqual({ because: 'asyncpg rejects sslmode=no-verify as an invalid sslmode' });
  });

  it("SQLAlchemy's asyncpg dialect hands the query to asyncpg.connect() as keyword arguments", () => {
    expect(effectiveTls('sqlalchemy-asyncpg', { sslmode: 'verify-full' })).toEqual({
      because: 'SQLAlchemy passes sslmode to asyncpg.connect() as keyword argument, which asyncpg does not accept (TypeError)',
      rejected: ['sslmode'],
      rejectedBy: 'client',
    });
    expect(effectiveTls('sqlalchemy-asyncpg', { ssl: 'require' })).toMatchObject({ protection: U, because: 'asyncpg reads ssl=require as encryption without certificate checks' });
    expect(effectiveTls('sqlalchemy-asyncpg', { ssl: 'verify-full' }).protection).toBe(F);
    expect(effectiveTls('sqlalchemy-asyncpg', { ssl: 'true' })).toMatchObject({ rejected: ['ssl'], rejectedBy: 'client' });
  });

  it('SQLAlchemy URLs are read by the driver their scheme names', () => {
    const of = (scheme: string) => consumerOf({ consumer: 'sqlalchemy', scheme });
    expect(of('postgresql+asyncpg')).toBe('sqlalchemy-asyncpg');
    expect(of('postgresql+psycopg')).toBe('libpq');
    expect(of('postgresql+psycopg2')).toBe('libpq');
    expect(of('postgresql')).toBe('libpq');
    expect(of('postgresql+pg8000')).toBeUndefined();
    expect(consumerOf({ consumer: 'psycopg' })).toBe('libpq');
    expect(consumerOf({ consumer: 'asyncpg' })).toBe('asyncpg');
  });

  it('maps recorded consumers to the client that reads them', () => {
    const cases: [string | undefined, Consumer | undefined][] = [
      ['node-postgres', 'node-postgres'],
      ['sequelize', 'node-postgres'],
      ['mcp:@modelcontextprotocol/server-postgres', 'node-postgres'],
      ['mcp:@henkey/postgres-mcp-server', 'node-postgres'],
      ['mcp:postgres-mcp', 'libpq'],
      ['mcp:docker:crystaldba/postgres-mcp', 'libpq'],
      ['mcp:psql', 'libpq'],
      ['mcp:pg_dump', 'libpq'],
      ['mcp:pg-mcp-server', undefined],
      ['knex', 'knex'],
      ['postgres.js', 'postgres.js'],
      ['prisma', 'prisma'],
      ['deno-postgres', 'deno-postgres'],
      ['libpq', 'libpq'],
      ['slonik', undefined],
      [undefined, undefined],
    ];
    for (const [recorded, expected] of cases) expect(consumerOf(recorded === undefined ? {} : { consumer: recorded })).toBe(expected);
  });

  it('the README section "What your sslmode really means" is generated from this table', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const m = /<!-- sslmode-table:start[^>]*-->\n([\s\S]*?)\n<!-- sslmode-table:end -->/.exec(readme);
    expect(m?.[1]).toBe(renderConsumerTable());
  });
});
