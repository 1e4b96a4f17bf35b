// What a connection string's TLS parameters mean to the client that reads it. The same
// `sslmode=verify-full` is full verification to libpq, TLS that may fall back to plaintext to
// Prisma's engine, and an invalid value to nobody; rules judge the effect, not the words.
//
// The behaviour of each client follows its source code; each function below names the file and
// version it was checked against (pg 8.23.1 with pg-connection-string 2.14.1, knex 3.3.0 with
// its pinned pg-connection-string 2.6.2, postgres.js 3.4.9, deno-postgres connection_params.ts,
// libpq fe-connect.c) or says where it rests on memory (Prisma's engine, which is not published as
// source). This module is the one place that knows it: the rules, the README table ("What your
// sslmode really means") and the table test all read `effectiveTls`.
import type { ConnectionFact, SettingFact } from '../model.js';
import type { FactSet } from '../engine/rule.js';
import { createRequire } from 'node:module';
import { effectiveSettings, settingConnections } from './connection.js';

const require = createRequire(import.meta.url);

/** How well a connection is protected, weakest first. */
export const PROTECTIONS = ['plaintext', 'optional', 'encrypted-unverified', 'ca-verified', 'full-verified'] as const;
export type Protection = (typeof PROTECTIONS)[number];

export function protectionRank(p: Protection): number {
  return PROTECTIONS.indexOf(p);
}

/** The clients whose reading of a connection string sslguard knows. */
export const CONSUMERS = ['libpq', 'node-postgres', 'knex', 'postgres.js', 'prisma', 'deno-postgres', 'asyncpg', 'sqlalchemy-asyncpg'] as const;
export type Consumer = (typeof CONSUMERS)[number];

export const CONSUMER_NAMES: Record<Consumer, string> = {
  libpq: 'libpq',
  'node-postgres': 'node-postgres',
  knex: 'knex',
  'postgres.js': 'postgres.js',
  prisma: 'Prisma',
  'deno-postgres': 'deno-postgres',
  asyncpg: 'asyncpg',
  'sqlalchemy-asyncpg': 'SQLAlchemy asyncpg',
};

/** Who the README's column header says each consumer stands for. */
export const CONSUMER_SCOPE: Record<Consumer, string> = {
  libpq: 'psql, pg_dump, pg_restore, pgbench and the other libpq tools, psycopg 3 and psycopg2 (also under SQLAlchemy `postgresql://`, `postgresql+psycopg://`, `postgresql+psycopg2://`, Django and dj-database-url), the MCP server postgres-mcp (Postgres MCP Pro); also any unknown consumer',
  'node-postgres':
    'pg and what builds on it: Sequelize, TypeORM, Kysely, Drizzle node-postgres, @prisma/adapter-pg (Prisma 7, and Prisma 6 with driverAdapters), knex with `connection: { connectionString }`, the MCP servers @modelcontextprotocol/server-postgres and @henkey/postgres-mcp-server; pg 8 ships pg-connection-string 2, pg 9 (announced, with pg-connection-string 3) gives prefer, require and verify-ca their libpq meaning',
  knex: "knex given the URL as a string (`connection: 'postgres://…'`), which it parses with its own pinned pg-connection-string 2.6.2 (no uselibpqcompat) before pg",
  'postgres.js': 'postgres, Drizzle postgres-js',
  prisma: "Prisma 6 and older, through its engine (no driver adapter)",
  'deno-postgres': 'deno-postgres',
  asyncpg: 'asyncpg (`asyncpg.connect`, `create_pool`), given the URL as its DSN',
  'sqlalchemy-asyncpg': 'SQLAlchemy with a `postgresql+asyncpg://` URL, which hands the query parameters to `asyncpg.connect` as keyword arguments',
};

/** libpq's own command-line programs: a connection string handed to them follows libpq's rules. */
export const LIBPQ_TOOLS: ReadonlySet<string> = new Set(['psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pgbench', 'pg_isready', 'pg_basebackup', 'vacuumdb', 'reindexdb', 'clusterdb']);

/** `ConnectionFact.consumer` values → the client whose rules apply. */
const CONSUMER_OF: Record<string, Consumer> = {
  libpq: 'libpq',
  'node-postgres': 'node-postgres',
  sequelize: 'node-postgres',
  // MCP servers, only where the client library was read in the server's source:
  // @modelcontextprotocol/server-postgres 0.6.2 dist/index.js: `new pg.Pool({ connectionString })`;
  // the Docker image mcp/postgres is built from the same source.
  'mcp:@modelcontextprotocol/server-postgres': 'node-postgres',
  'mcp:docker:mcp/postgres': 'node-postgres',
  // @henkey/postgres-mcp-server 1.0.7 build/utils/connection.js: `new Pool({ connectionString, ssl: options.ssl })`.
  'mcp:@henkey/postgres-mcp-server': 'node-postgres',
  // crystaldba/postgres-mcp (PyPI postgres-mcp, image crystaldba/postgres-mcp) src/postgres_mcp/sql/sql_driver.py:
  // psycopg_pool.AsyncConnectionPool(conninfo=url), psycopg 3 on libpq. Read from the repository;
  // PyPI is not reachable from here. Servers on asyncpg (its own parser) or on postgres.js with
  // their own TLS options are left unknown on purpose.
  'mcp:postgres-mcp': 'libpq',
  'mcp:docker:crystaldba/postgres-mcp': 'libpq',
  // An MCP server entry whose command is psql itself.
  ...Object.fromEntries([...LIBPQ_TOOLS].map((tool) => [`mcp:${tool}`, 'libpq' as const])),
  knex: 'knex',
  'postgres.js': 'postgres.js',
  prisma: 'prisma',
  // A schema with `previewFeatures = ["driverAdapters"]`: Prisma's engine until the package root
  // is found to install @prisma/adapter-pg (src/packages/clients.ts), then `prisma:adapter-pg`.
  'prisma:driver-adapters': 'prisma',
  // Prisma 7, or 6 with driver adapters: `new PrismaPg({ connectionString })` hands the URL to pg.
  'prisma:adapter-pg': 'node-postgres',
  'deno-postgres': 'deno-postgres',
  // Python code (src/extract/python/): psycopg 3 and psycopg2 hand the string and their keyword
  // arguments to libpq; dj-database-url fills Django's psycopg OPTIONS from the URL's query.
  asyncpg: 'asyncpg',
  psycopg: 'libpq',
  'dj-database-url': 'libpq',
};

/**
 * SQLAlchemy's driver is the URL's: `postgresql+asyncpg://` is the asyncpg dialect, the others
 * (`postgresql://` defaults to psycopg2) read the query through libpq; pg8000 and other pure-Python
 * drivers are not modelled (undefined).
 */
function sqlalchemyConsumer(scheme: string | undefined): Consumer | undefined {
  const driver = scheme?.split('+')[1]?.toLowerCase();
  if (driver === 'asyncpg') return 'sqlalchemy-asyncpg';
  if (driver === undefined || driver === 'psycopg' || driver === 'psycopg2' || driver === 'psycopg2cffi' || driver === 'psycopg_async') return scheme === undefined ? undefined : 'libpq';
  return undefined;
}

/** The client that reads a connection, or undefined when unknown (then libpq's meaning is used). */
export function consumerOf(c: Pick<ConnectionFact, 'consumer'> & { scheme?: string | undefined }): Consumer | undefined {
  if (c.consumer === 'sqlalchemy') return sqlalchemyConsumer(c.scheme);
  return c.consumer ? CONSUMER_OF[c.consumer] : undefined;
}

/** The TLS parameters of one connection string, lower-cased values; and the environment around it. */
export interface TlsInput {
  sslmode?: string;
  ssl?: string;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  sslaccept?: string;
  uselibpqcompat?: string;
  /** `PGSSLMODE` of the process, when known. */
  PGSSLMODE?: string;
}

export interface TlsEffect {
  /** Undefined when the connection cannot be made with these settings (the client or the server refuses). */
  protection?: Protection;
  /** Why, in the consumer's terms: "Prisma reads sslmode=verify-full as prefer". */
  because: string;
  /** Settings the consumer does not read (PGSSLMODE under postgres.js and Prisma, sslrootcert under deno-postgres). */
  ignored?: string[];
  /** Parameters that make the connection fail (libpq's unknown keywords; what postgres.js forwards to the server); `ssl=<value>` for libpq's ssl. */
  rejected?: string[];
  /** Who refuses the `rejected` parameters: the server, for parameters postgres.js forwards to it. */
  rejectedBy?: 'client' | 'server';
}

const VERIFIED_TEXT: Record<Protection, string> = {
  plaintext: 'no TLS',
  optional: 'TLS is optional (falls back to plaintext) and the certificate is not checked',
  'encrypted-unverified': 'encrypted, but the certificate is not checked',
  'ca-verified': 'the certificate chain is checked, not the host name',
  'full-verified': 'the certificate chain and host name are checked',
};

export function describeProtection(p: Protection | undefined): string {
  return p ? VERIFIED_TEXT[p] : 'the connection is refused';
}

function norm(v: string | undefined): string | undefined {
  const t = v?.trim().toLowerCase();
  return t === '' ? undefined : t;
}

const isFile = (rootcert: string | undefined): boolean => rootcert !== undefined && rootcert !== 'system';

/** What the client's version (or the way it is reached) changes in how it reads a URL. */
export interface ClientContext {
  /**
   * node-postgres: pg-connection-string 3 (with pg 9) gives sslmode=prefer, require and verify-ca
   * libpq's meaning, as `uselibpqcompat=true` does in 2.x.
   */
  libpqModes?: boolean;
  /** Who the client is in messages when another package hands it the URL: `node-postgres (through @prisma/adapter-pg, Prisma 7.1.0)`. */
  label?: string;
  /** The installed version, for the messages whose meaning depends on it: `pg 8.11.3`. */
  version?: string;
  /**
   * postgres.js before 3.2 drops the URL query parameters it does not know (sslrootcert, sslaccept,
   * …); from 3.2 it sends them to the server, which refuses the connection.
   */
  dropsUnknownParams?: boolean;
}

/** The effective protection of a connection string's TLS parameters under one consumer. */
export function effectiveTls(consumer: Consumer, input: TlsInput, context: ClientContext = {}): TlsEffect {
  const i: TlsInput = {};
  for (const [k, v] of Object.entries(input) as [keyof TlsInput, string | undefined][]) {
    // File paths keep their case; `system` is a keyword.
    const path = k === 'sslrootcert' || k === 'sslcert' || k === 'sslkey';
    const n = path ? (v?.trim().toLowerCase() === 'system' && k === 'sslrootcert' ? 'system' : v?.trim() || undefined) : norm(v);
    if (n !== undefined) i[k] = n;
  }
  switch (consumer) {
    case 'libpq':
      return libpq(i);
    case 'node-postgres':
      return nodePostgres(i, true, context);
    case 'knex':
      return nodePostgres(i, false);
    case 'postgres.js':
      return postgresJs(i, context);
    case 'prisma':
      return prisma(i);
    case 'deno-postgres':
      return deno(i);
    case 'asyncpg':
      return asyncpg(i);
    case 'sqlalchemy-asyncpg':
      return sqlalchemyAsyncpg(i);
  }
}

/**
 * libpq, fe-connect.c `conninfo_uri_parse_params`: a URI's `ssl=true` is rewritten to
 * sslmode=require for JDBC compatibility; any other `ssl` value, and any keyword libpq does not
 * know (Prisma's sslaccept, node-postgres's uselibpqcompat), fails the whole URI ("invalid URI
 * query parameter", also in libpq's regression test t/001_uri.pl). libpq is not on npm: this was
 * read from PostgreSQL's source text, and the sslmode meanings follow libpq's documentation.
 */
function libpq(i: TlsInput): TlsEffect {
  const rejected = [...(i.ssl !== undefined && i.ssl !== 'true' ? ['ssl'] : []), ...(i.sslaccept ? ['sslaccept'] : []), ...(i.uselibpqcompat ? ['uselibpqcompat'] : [])];
  if (rejected.length > 0) {
    const why = rejected.map((k) => (k === 'ssl' ? `it accepts ssl only as ssl=true, not ssl=${i.ssl}` : `${k} is not a libpq parameter`));
    return { because: `libpq rejects the connection string ("invalid URI query parameter"): ${why.join('; ')}`, rejected, rejectedBy: 'client' };
  }
  const fromSsl = i.ssl === 'true' ? 'require' : undefined;
  const mode = i.sslmode ?? fromSsl ?? (i.sslrootcert === 'system' ? 'verify-full' : undefined) ?? i.PGSSLMODE;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : fromSsl ? `ssl=${i.ssl}` : i.sslrootcert === 'system' ? 'sslrootcert=system' : i.PGSSLMODE ? `PGSSLMODE=${i.PGSSLMODE}` : 'no sslmode';
  if (i.sslrootcert === 'system' && mode !== 'verify-full') {
    return { because: `libpq refuses sslmode=${mode ?? 'prefer'} with sslrootcert=system (only verify-full is allowed)` };
  }
  return libpqModes('libpq', mode, source, i.sslrootcert, 'libpq defaults to sslmode=prefer');
}

/**
 * libpq's six sslmodes as `who` reads them (libpq itself, asyncpg, which follows its meanings):
 * prefer when none is set (`defaultBecause`), require checking the chain when a root CA file is
 * given, anything else refused.
 */
function libpqModes(who: string, mode: string | undefined, source: string, sslrootcert: string | undefined, defaultBecause: string): TlsEffect {
  switch (mode ?? 'prefer') {
    case 'disable':
      return { protection: 'plaintext', because: `${who} reads ${source} as no TLS` };
    case 'allow':
    case 'prefer':
      return { protection: 'optional', because: mode ? `${who} reads ${source} as TLS only when the server offers it, unverified` : defaultBecause };
    case 'require':
      return isFile(sslrootcert)
        ? { protection: 'ca-verified', because: `${who} checks the chain for ${source} because a root CA file is given` }
        : { protection: 'encrypted-unverified', because: `${who} reads ${source} as encryption without certificate checks` };
    case 'verify-ca':
      return { protection: 'ca-verified', because: `${who} reads ${source} as a chain check without host name check` };
    case 'verify-full':
      return { protection: 'full-verified', because: `${who} reads ${source} as full verification` };
    default:
      return { because: `${who} rejects ${source} as an invalid sslmode` };
  }
}

/**
 * pg-connection-string 2.14.1 index.js `parse`, then pg 8.23.1: `ssl=true`/`1` → true, `ssl=0` →
 * false, other `ssl` strings stay strings (:69-75), which pg reads as TLS on (lib/connection.js
 * `if (!this.ssl)`); any sslcert, sslkey, sslrootcert or sslmode makes `ssl` an object (:77-79)
 * that Node verifies unless `no-verify` (:153) or `disable`; the root file is read with
 * readFileSync, so sslrootcert=system is a file named `system` (:99). `uselibpqcompat=true`
 * (:106, node-postgres only; knex pins 2.6.2 without it) switches to libpq's meanings, without
 * libpq's fallback to plaintext. pg lib/connection-parameters.js: the parsed URL replaces the
 * `ssl` option (:59-60), PGSSLMODE is read only when `ssl` is undefined (:25-38, :85), and a
 * server that declines TLS is an error, never a fallback (lib/connection.js `case 'N'`).
 */
function nodePostgres(i: TlsInput, compatKnown: boolean, context: ClientContext = {}): TlsEffect {
  const who = compatKnown ? (context.label ?? 'node-postgres') : 'knex';
  const ignored: string[] = [];
  if (i.sslrootcert === 'system') return { because: `${who} reads sslrootcert=system as a file named "system" and fails to connect`, ignored: ['sslrootcert=system'] };
  if (!compatKnown && i.uselibpqcompat) ignored.push(`uselibpqcompat=${i.uselibpqcompat}`);
  const out = (e: TlsEffect): TlsEffect => (ignored.length ? { ...e, ignored } : e);
  // pg-connection-string 3 reads the modes as libpq does: what `uselibpqcompat=true` asks of 2.x.
  const libpqModes = compatKnown && context.libpqModes === true;
  const compat = libpqModes || (compatKnown && i.uselibpqcompat === 'true');
  const how = libpqModes ? `${who} (${context.version ?? 'pg-connection-string 3'})` : `${who} with uselibpqcompat=true`;
  const anyParam = i.sslmode !== undefined || i.sslrootcert !== undefined || i.sslcert !== undefined || i.sslkey !== undefined;
  if (i.sslmode === 'disable') return out({ protection: 'plaintext', because: `${who} reads sslmode=disable as no TLS` });
  if (i.sslmode && compat) {
    switch (i.sslmode) {
      case 'prefer':
        return out({ protection: 'encrypted-unverified', because: `${how} reads sslmode=prefer as TLS without certificate checks (it never falls back to plaintext)` });
      case 'require':
        return isFile(i.sslrootcert)
          ? out({ protection: 'ca-verified', because: `${how} checks the chain for sslmode=require when sslrootcert is given` })
          : out({ protection: 'encrypted-unverified', because: `${how} reads sslmode=require as TLS without certificate checks` });
      case 'verify-ca':
        return isFile(i.sslrootcert)
          ? out({ protection: 'ca-verified', because: `${how} reads sslmode=verify-ca as a chain check without host name check` })
          : out({ because: `${how} refuses sslmode=verify-ca without sslrootcert` });
      default:
        return out({ protection: 'full-verified', because: `${how} reads sslmode=${i.sslmode} as full verification` });
    }
  }
  if (i.sslmode === 'no-verify') return out({ protection: 'encrypted-unverified', because: `${who} reads sslmode=no-verify as TLS without certificate checks` });
  if (anyParam) {
    const what = i.sslmode ? `sslmode=${i.sslmode}` : i.sslrootcert ? 'sslrootcert' : i.sslcert ? 'sslcert' : 'sslkey';
    const alias = i.sslmode !== undefined && i.sslmode !== 'verify-full';
    const later = context.version
      ? ` (${context.version}, with pg-connection-string 2; pg 9 with pg-connection-string 3 gives it libpq's weaker meaning)`
      : ' (today; pg-connection-string announces libpq\'s weaker meaning for its next major)';
    return out({ protection: 'full-verified', because: `${who} reads ${what} as full verification${alias ? later : ''}` });
  }
  if (i.ssl === 'true' || i.ssl === '1') return out({ protection: 'full-verified', because: `${who} reads ssl=${i.ssl} as TLS verified against Node's CAs` });
  if (i.ssl === '0') return out({ protection: 'plaintext', because: `${who} reads ssl=0 as no TLS` });
  if (i.ssl === 'no-verify') return out({ protection: 'encrypted-unverified', because: `${who} reads ssl=no-verify as TLS without certificate checks` });
  // pg-connection-string converts only `true`, `1` and `0`; pg reads any other string ('false'
  // included) as a truthy option: TLS on, verified with Node's defaults.
  if (i.ssl !== undefined) return out({ protection: 'full-verified', because: `${who} keeps ssl=${i.ssl} as a string, which pg reads as TLS on, verified` });
  switch (i.PGSSLMODE) {
    case undefined:
      return out({ protection: 'plaintext', because: `${who} uses no TLS when neither the URL nor PGSSLMODE asks for it` });
    case 'disable':
      return out({ protection: 'plaintext', because: `${who} reads PGSSLMODE=disable as no TLS` });
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return out({ protection: 'full-verified', because: `${who} reads PGSSLMODE=${i.PGSSLMODE} as full verification` });
    case 'no-verify':
      return out({ protection: 'encrypted-unverified', because: `${who} reads PGSSLMODE=no-verify as TLS without certificate checks` });
    default:
      return out({ protection: 'plaintext', because: `${who} reads PGSSLMODE=${i.PGSSLMODE} as no TLS` });
  }
}

/**
 * postgres.js 3.4.9 src/index.js `parseOptions`: the URL's sslmode becomes `ssl` (:443),
 * `sslrootcert=system` makes it 'verify-full' (:445), 'disable' and 'false' mean no TLS, and the
 * environment supplies PGSSL, never PGSSLMODE (:474-476). Every other query parameter that is not
 * one of its own options goes to the server as a run-time parameter (:487): sslrootcert (a path
 * or `system`), sslcert, sslkey, sslaccept and uselibpqcompat included, and PostgreSQL refuses
 * the connection ("unrecognized configuration parameter"; porsager/postgres#367,
 * prisma/studio#1433). src/connection.js: 'require', 'allow' and 'prefer' connect with
 * rejectUnauthorized: false (:283), only 'prefer' goes on without TLS when the server declines
 * (:271); any other value is verified by Node. postgres.js 3.0.0 and 3.1.0 (read from their npm
 * packages) forward no query parameter to the server: there those parameters are ignored, not
 * refused (3.2.4 forwards them; `context.dropsUnknownParams`).
 */
function postgresJs(i: TlsInput, context: ClientContext = {}): TlsEffect {
  const ignored = i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : [];
  const out = (e: TlsEffect): TlsEffect => (ignored.length ? { ...e, ignored } : e);
  const forwarded = (['sslrootcert', 'sslcert', 'sslkey', 'sslaccept', 'uselibpqcompat'] as const).filter((k) => i[k] !== undefined);
  // postgres.js 3.0 and 3.1 (read from their npm packages) build the server's parameters from
  // options only; 3.2 (3.2.4 read) added every unknown query parameter to them.
  if (forwarded.length > 0 && context.dropsUnknownParams) ignored.push(...forwarded.map((k) => (k === 'sslrootcert' && i[k] === 'system' ? 'sslrootcert=system' : k)));
  else if (forwarded.length > 0) {
    return out({
      because: `postgres.js sends ${forwarded.join(', ')} to the server as ${forwarded.length > 1 ? 'run-time parameters' : 'a run-time parameter'}, and PostgreSQL refuses the connection ("unrecognized configuration parameter")`,
      rejected: [...forwarded],
      rejectedBy: 'server',
    });
  }
  const mode = i.sslmode ?? i.ssl;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : i.ssl ? `ssl=${i.ssl}` : undefined;
  if (!mode || mode === 'disable' || mode === 'false') {
    return out({ protection: 'plaintext', because: source ? `postgres.js reads ${source} as no TLS` : 'postgres.js uses no TLS unless asked to' });
  }
  if (mode === 'prefer') return out({ protection: 'optional', because: `postgres.js reads ${source} as TLS when the server offers it, unverified` });
  if (mode === 'require' || mode === 'allow') return out({ protection: 'encrypted-unverified', because: `postgres.js reads ${source} as TLS without certificate checks` });
  return out({ protection: 'full-verified', because: `postgres.js reads ${source} as full verification` });
}

/**
 * Prisma's engine (quaint): sslmode is disable, prefer (the default) or require; any other value
 * is read as prefer. Certificates are checked only with sslaccept=strict (the default is
 * accept_invalid_certs), and then chain and host name; `prefer` still falls back to plaintext.
 */
function prisma(i: TlsInput): TlsEffect {
  const ignored = i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : undefined;
  const out = (e: TlsEffect): TlsEffect => (ignored ? { ...e, ignored } : e);
  const written = i.sslmode ? `sslmode=${i.sslmode}` : 'no sslmode';
  const mode = i.sslmode === 'disable' || i.sslmode === 'require' ? i.sslmode : 'prefer';
  const as = i.sslmode && i.sslmode !== mode ? ` as prefer` : '';
  const strict = i.sslaccept === 'strict';
  if (mode === 'disable') return out({ protection: 'plaintext', because: 'Prisma reads sslmode=disable as no TLS' });
  if (mode === 'prefer') {
    return out({ protection: 'optional', because: i.sslmode ? `Prisma reads ${written}${as}: TLS is optional${strict ? '' : ' and the certificate is not checked'}` : 'Prisma defaults to sslmode=prefer' });
  }
  return strict
    ? out({ protection: 'full-verified', because: 'Prisma reads sslmode=require&sslaccept=strict as full verification' })
    : out({ protection: 'encrypted-unverified', because: `Prisma reads sslmode=require without sslaccept=strict as TLS without certificate checks (sslaccept defaults to accept_invalid_certs)` });
}

/**
 * deno-postgres, denodrivers/postgres connection/connection_params.ts `parseOptionsFromUri` (read
 * at commit ddbac63 from the repository; not published on npm): `ssl=true` is read as
 * sslmode=require and wins over sslmode; disable turns TLS off, prefer leaves it unenforced,
 * require, verify-ca and verify-full enforce it; any other sslmode is an error. No other TLS
 * parameter is read (sslrootcert neither), nor PGSSLMODE (`getPgEnv`). Without an sslmode TLS is
 * on but not enforced (DEFAULT_OPTIONS), and connection/connection.ts then continues in
 * plaintext after any TLS failure, a failed certificate check included. Deno's TLS always checks
 * chain and host name. Versions before 0.17 rejected verify-ca and verify-full.
 */
function deno(i: TlsInput): TlsEffect {
  const ignored = [...(i.sslrootcert ? [i.sslrootcert === 'system' ? 'sslrootcert=system' : 'sslrootcert'] : []), ...(i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : [])];
  const out = (e: TlsEffect): TlsEffect => (ignored.length ? { ...e, ignored } : e);
  const mode = i.ssl === 'true' ? 'require' : i.sslmode;
  const source = i.ssl === 'true' ? 'ssl=true' : `sslmode=${i.sslmode}`;
  switch (mode) {
    case undefined:
      return out({ protection: 'optional', because: 'deno-postgres does not enforce TLS by default (tls.enforce: false): any TLS failure falls back to plaintext' });
    case 'disable':
      return out({ protection: 'plaintext', because: 'deno-postgres reads sslmode=disable as no TLS' });
    case 'prefer':
      return out({ protection: 'optional', because: 'deno-postgres reads sslmode=prefer as TLS not enforced: any TLS failure falls back to plaintext' });
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return out({ protection: 'full-verified', because: `deno-postgres reads ${source} as enforced TLS, verified` });
    default:
      return out({ because: `deno-postgres rejects sslmode=${i.sslmode}` });
  }
}

/** asyncpg's modes (connect_utils.py `SSLMode`). */
const ASYNCPG_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/**
 * asyncpg 0.31.0 asyncpg/connect_utils.py `_parse_connect_dsn_and_args` (read at commit db8ecc2
 * from the repository): the DSN's sslmode is used only when the `ssl` argument is None (:388-391),
 * then PGSSLMODE, then `prefer` for TCP hosts (:652-656). disable is no TLS; allow and prefer build
 * a context with CERT_NONE and go on without TLS when the server declines (:695, :1043-1046);
 * require checks the chain only when a root certificate is found (sslrootcert, PGSSLROOTCERT or
 * ~/.postgresql/root.crt) and otherwise sets CERT_NONE (:698-738); verify-ca checks the chain,
 * verify-full also the host name (`check_hostname`, :694), both failing without a root certificate;
 * sslrootcert is a file (`system` is not special). The DSN's query parameters that asyncpg does not
 * pop (ssl, sslaccept, uselibpqcompat) become server_settings, sent to the server, which refuses
 * them. `ssl=True` in code is `ssl.create_default_context()`: chain and host name (:811-813).
 */
function asyncpg(i: TlsInput): TlsEffect {
  const forwarded = (['ssl', 'sslaccept', 'uselibpqcompat'] as const).filter((k) => i[k] !== undefined);
  if (forwarded.length > 0) {
    return {
      because: `asyncpg sends ${forwarded.join(', ')} to the server as ${forwarded.length > 1 ? 'run-time parameters' : 'a run-time parameter'} (server_settings), and PostgreSQL refuses the connection`,
      rejected: [...forwarded],
      rejectedBy: 'server',
    };
  }
  if (i.sslrootcert === 'system') return { because: 'asyncpg reads sslrootcert=system as a file named "system" and fails to connect', rejected: ['sslrootcert'], rejectedBy: 'client' };
  const mode = i.sslmode ?? i.PGSSLMODE;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : i.PGSSLMODE ? `PGSSLMODE=${i.PGSSLMODE}` : 'no sslmode';
  // asyncpg's modes are libpq's six (ASYNCPG_MODES); anything else it rejects as invalid.
  return libpqModes('asyncpg', mode, source, i.sslrootcert, 'asyncpg defaults to sslmode=prefer (TLS only when the server offers it, unverified)');
}

/**
 * SQLAlchemy 2.0 dialects/postgresql/asyncpg.py `create_connect_args`: the URL's query is merged
 * into the keyword arguments of `asyncpg.connect` (`opts.update(url.query)`). asyncpg takes `ssl`
 * (a mode string) but has no sslmode, sslrootcert, sslcert, sslkey, sslaccept or uselibpqcompat
 * argument: Python refuses the call (TypeError). The URL never reaches asyncpg's DSN parser.
 */
function sqlalchemyAsyncpg(i: TlsInput): TlsEffect {
  const unknown = (['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslaccept', 'uselibpqcompat'] as const).filter((k) => i[k] !== undefined);
  if (unknown.length > 0) {
    return {
      because: `SQLAlchemy passes ${unknown.join(', ')} to asyncpg.connect() as keyword ${unknown.length > 1 ? 'arguments' : 'argument'}, which asyncpg does not accept (TypeError)`,
      rejected: [...unknown],
      rejectedBy: 'client',
    };
  }
  if (i.ssl !== undefined && !ASYNCPG_MODES.has(i.ssl)) {
    return { because: `SQLAlchemy passes ssl='${i.ssl}' to asyncpg as a string, and asyncpg rejects it (not an sslmode)`, rejected: ['ssl'], rejectedBy: 'client' };
  }
  const effect = asyncpg({ ...(i.ssl !== undefined ? { sslmode: i.ssl } : {}), ...(i.PGSSLMODE !== undefined ? { PGSSLMODE: i.PGSSLMODE } : {}) });
  return { ...effect, because: i.ssl !== undefined ? effect.because.replace(`sslmode=${i.ssl}`, `ssl=${i.ssl}`) : effect.because };
}

/** The TLS parameters of a connection fact. */
export function tlsInputOf(c: ConnectionFact, pgsslmode?: string): TlsInput {
  const out: TlsInput = {};
  if (c.sslmode) out.sslmode = c.sslmode.value;
  if (c.ssl) out.ssl = c.ssl.value;
  if (c.sslrootcert) out.sslrootcert = c.sslrootcert.value;
  if (c.sslcert) out.sslcert = c.sslcert.value;
  if (c.sslkey) out.sslkey = c.sslkey.value;
  if (c.sslaccept) out.sslaccept = c.sslaccept.value;
  const compat = c.params['uselibpqcompat'];
  if (compat) out.uselibpqcompat = compat.value;
  if (pgsslmode !== undefined) out.PGSSLMODE = pgsslmode;
  return out;
}

/** The URL query strings of the README table and the table test, in order. */
export const TABLE_CASES: readonly { query: string; input: TlsInput }[] = [
  { query: '(none)', input: {} },
  { query: 'sslmode=disable', input: { sslmode: 'disable' } },
  { query: 'sslmode=allow', input: { sslmode: 'allow' } },
  { query: 'sslmode=prefer', input: { sslmode: 'prefer' } },
  { query: 'sslmode=require', input: { sslmode: 'require' } },
  { query: 'sslmode=require&sslrootcert=ca.pem', input: { sslmode: 'require', sslrootcert: 'ca.pem' } },
  { query: 'sslmode=verify-ca&sslrootcert=ca.pem', input: { sslmode: 'verify-ca', sslrootcert: 'ca.pem' } },
  { query: 'sslmode=verify-full', input: { sslmode: 'verify-full' } },
  { query: 'sslrootcert=system', input: { sslrootcert: 'system' } },
  { query: 'sslmode=require&sslrootcert=system', input: { sslmode: 'require', sslrootcert: 'system' } },
  { query: 'sslmode=no-verify', input: { sslmode: 'no-verify' } },
  { query: 'ssl=true', input: { ssl: 'true' } },
  { query: 'ssl=false', input: { ssl: 'false' } },
  { query: 'uselibpqcompat=true&sslmode=require', input: { uselibpqcompat: 'true', sslmode: 'require' } },
  { query: 'sslmode=require&sslaccept=strict', input: { sslmode: 'require', sslaccept: 'strict' } },
  { query: 'sslmode=verify-full&sslaccept=strict', input: { sslmode: 'verify-full', sslaccept: 'strict' } },
  { query: '(none), PGSSLMODE=require', input: { PGSSLMODE: 'require' } },
];

const CELL: Record<Protection, string> = {
  plaintext: '❌ plaintext',
  optional: '⚠️ optional',
  'encrypted-unverified': '⚠️ encrypted, unverified',
  'ca-verified': '🟡 CA verified',
  'full-verified': '✅ fully verified',
};

/**
 * The README table's columns: each consumer under the version sslguard assumes when nothing pins
 * one, and node-postgres once more under pg 9 (pg-connection-string 3), whose modes differ.
 */
const TABLE_COLUMNS: readonly { consumer: Consumer; header: string; context?: ClientContext }[] = CONSUMERS.flatMap((c) => {
  const header = { 'node-postgres': 'node-postgres (pg 8)', knex: 'knex (3.x)', 'postgres.js': 'postgres.js (3.x)', prisma: 'Prisma (≤ 6, engine)' }[c as string] ?? CONSUMER_NAMES[c];
  const column = { consumer: c, header };
  return c === 'node-postgres' ? [column, { consumer: c, header: 'node-postgres (pg 9)', context: { libpqModes: true } }] : [column];
});

/** The README's table, generated from `effectiveTls`. */
export function renderConsumerTable(): string {
  const head = `| URL parameters | ${TABLE_COLUMNS.map((c) => c.header).join(' | ')} |`;
  const rule = `| --- | ${TABLE_COLUMNS.map(() => '---').join(' | ')} |`;
  const rows = TABLE_CASES.map(({ query, input }) => {
    const cells = TABLE_COLUMNS.map(({ consumer, context }) => {
      const e = effectiveTls(consumer, input, context);
      const text = e.protection ? CELL[e.protection] : '⛔ refuses to connect';
      const notes = [
        ...(e.rejected?.length ? [`${e.rejectedBy === 'server' ? 'the server rejects' : 'rejects'} ${e.rejected.join(', ')}`] : []),
        ...(e.ignored?.length ? [`ignores ${e.ignored.join(', ')}`] : []),
      ];
      return notes.length ? `${text} (${notes.join('; ')})` : text;
    });
    return `| \`${query}\` | ${cells.join(' | ')} |`;
  });
  const legend = CONSUMERS.map((c) => `- **${CONSUMER_NAMES[c]}**: ${CONSUMER_SCOPE[c]}.`);
  return [head, rule, ...rows, '', ...legend].join('\n');
}

/** The fix that gives full verification, in each consumer's terms. */
export const CONSUMER_FIX: Record<Consumer, string> = {
  libpq: 'Use sslmode=verify-full with sslrootcert=<CA file>.',
  'node-postgres': "Use sslmode=verify-full (node-postgres checks against Node's CAs; add sslrootcert=<CA file> for a private CA).",
  knex: "Use sslmode=verify-full (knex's pg checks against Node's CAs; add sslrootcert=<CA file> for a private CA).",
  'postgres.js': "Use sslmode=verify-full; postgres.js ignores sslrootcert paths, so pass a private CA in code: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
  prisma: 'Use sslmode=require&sslaccept=strict&sslcert=<CA path> (Prisma reads sslcert as the root CA, relative to the schema).',
  'deno-postgres': 'Use sslmode=verify-full (deno-postgres then enforces TLS and checks the certificate; pass `tls.caCertificates` for a private CA).',
  asyncpg: 'Use sslmode=verify-full with sslrootcert=<CA file> (asyncpg fails without a root certificate), or pass `ssl=ssl.create_default_context(cafile=\'<CA file>\')` in code.',
  'sqlalchemy-asyncpg':
    "Remove sslmode from the URL and pass TLS through `connect_args`: `connect_args={'ssl': ssl.create_default_context(cafile='<CA file>')}` (or `?ssl=verify-full` with PGSSLROOTCERT=<CA file>).",
};

/** What a connection's settings give under its consumer. */
export interface ConnectionTls {
  consumer: Consumer;
  effect: TlsEffect;
  /** The unit's PGSSLMODE, when it decided the effect (no TLS parameter in the URL and the consumer reads it). */
  setting?: SettingFact;
}

/**
 * What the connection's client version changes (src/packages/clients.ts sets `client`): pg 9 /
 * pg-connection-string 3 read sslmode as libpq does; a message names the version when it was
 * found or assumed, and the adapter when Prisma hands the URL to node-postgres.
 */
export function clientContext(c: Pick<ConnectionFact, 'consumer' | 'client'>): ClientContext {
  const v = c.client;
  if (!v) return {};
  if (c.consumer === 'prisma:adapter-pg') {
    return { label: `node-postgres (through @prisma/adapter-pg, Prisma ${v.version ?? 'latest'}${v.how === 'assumed' ? ' assumed' : ''})` };
  }
  if (c.consumer === 'postgres.js') {
    const s = v.how === 'assumed' || !v.version ? undefined : (require('semver') as typeof import('semver')).coerce(v.version);
    return s && s.compare('3.2.0') < 0 ? { dropsUnknownParams: true, version: `postgres ${v.version}` } : {};
  }
  // Only the project's own code runs its pg; an assumed version is today's pg 8, whose messages say "today".
  if (c.consumer !== 'node-postgres' || v.how === 'assumed') return {};
  const major = Number(/^(\d+)/.exec(v.version ?? '')?.[1] ?? NaN);
  const libpqModes = v.package === 'pg' ? major >= 9 : v.package === 'pg-connection-string' ? major >= 3 : false;
  const version = `${v.package} ${v.how === 'declared' ? (v.range ?? v.version) : v.version}`;
  return { ...(libpqModes ? { libpqModes } : {}), version };
}

/** The PGSSLMODE in force for a connection's unit. */
export function unitPgsslmode(facts: FactSet, c: ConnectionFact): SettingFact | undefined {
  return effectiveSettings(facts, c.unit).find((s) => s.category === 'sslmode' && s.name.toUpperCase() === 'PGSSLMODE');
}

/** The connection's effective TLS under its known consumer; undefined when the consumer is unknown. */
export function connectionTls(c: ConnectionFact, facts: FactSet): ConnectionTls | undefined {
  const consumer = consumerOf(c);
  if (!consumer) return undefined;
  const pg = unitPgsslmode(facts, c);
  const input = tlsInputOf(c, pg?.value);
  const context = clientContext(c);
  const effect = effectiveTls(consumer, input, context);
  // PGSSLMODE decided when the consumer reads it for this URL: leaving it out changes the reasoning.
  const decided = pg?.value !== undefined && effectiveTls(consumer, tlsInputOf(c), context).because !== effect.because;
  return { consumer, effect, ...(decided ? { setting: pg } : {}) };
}

/** A weak effect's consequence, for messages. */
export function consequenceOf(p: Protection | undefined): string {
  switch (p) {
    case 'plaintext':
      return 'traffic, password included, crosses the network in plaintext';
    case 'optional':
      return 'anyone on the path can downgrade the connection to plaintext and read the password';
    case 'encrypted-unverified':
      return 'anyone on the path can impersonate the server';
    case 'ca-verified':
      return 'any certificate from that CA passes, whatever host it was issued for';
    default:
      return 'the connection is verified';
  }
}

/** The connection string itself carries a TLS parameter (sslmode, ssl, sslrootcert, sslaccept). */
export function hasUrlTls(c: ConnectionFact): boolean {
  return c.sslmode !== undefined || c.ssl !== undefined || c.sslrootcert !== undefined || c.sslaccept !== undefined;
}

/** Where a connection's TLS is written, for the finding's position. */
export function tlsSpan(c: ConnectionFact): ConnectionFact['span'] {
  return c.sslmode?.span ?? c.ssl?.span ?? c.sslrootcert?.span ?? c.sslaccept?.span ?? c.span;
}

/**
 * A setting reaches connections whose clients are all known, and each of them gets at least
 * `min` from it: a PGSSLMODE=prefer read by node-postgres is full verification, not a weakness.
 */
export function settingHarmlessForConsumers(facts: FactSet, s: SettingFact, min: Protection): boolean {
  const conns = settingConnections(facts, s);
  if (conns.length === 0) return false;
  return conns.every((c) => {
    const t = connectionTls(c, facts);
    return t !== undefined && t.effect.protection !== undefined && protectionRank(t.effect.protection) >= protectionRank(min);
  });
}

/** The consumer as findings name it: a known client, or `unknown` (judged with libpq's meaning). */
export function findingConsumer(t: ConnectionTls | undefined): string {
  return t?.consumer ?? 'unknown';
}

/** The effective protection of a libpq-style mode, for connections whose client is unknown. */
export function protectionOfLibpqMode(mode: string): Protection | undefined {
  return effectiveTls('libpq', { sslmode: mode }).protection;
}
