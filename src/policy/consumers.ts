// What a connection string's TLS parameters mean to the client that reads it. The same
// `sslmode=verify-full` is full verification to libpq, TLS that may fall back to plaintext to
// Prisma's engine, and an invalid value to nobody; rules judge the effect, not the words.
//
// The behaviour of each client follows its source code (pg-connection-string 2.14 `parse`, pg's
// `ConnectionParameters`, postgres.js `connection.js`, Prisma's quaint `PostgresUrl`,
// deno-postgres `parseOptionsFromUri`, libpq `fe-connect.c`). This module is the one place that
// knows it: the rules, the README table ("What your sslmode really means") and the table test all
// read `effectiveTls`.
import type { ConnectionFact, SettingFact } from '../model.js';
import type { FactSet } from '../engine/rule.js';
import { effectiveSettings, settingConnections } from './connection.js';

/** How well a connection is protected, weakest first. */
export const PROTECTIONS = ['plaintext', 'optional', 'encrypted-unverified', 'ca-verified', 'full-verified'] as const;
export type Protection = (typeof PROTECTIONS)[number];

export function protectionRank(p: Protection): number {
  return PROTECTIONS.indexOf(p);
}

/** The clients whose reading of a connection string sslguard knows. */
export const CONSUMERS = ['libpq', 'node-postgres', 'knex', 'postgres.js', 'prisma', 'deno-postgres'] as const;
export type Consumer = (typeof CONSUMERS)[number];

export const CONSUMER_NAMES: Record<Consumer, string> = {
  libpq: 'libpq',
  'node-postgres': 'node-postgres',
  knex: 'knex',
  'postgres.js': 'postgres.js',
  prisma: 'Prisma',
  'deno-postgres': 'deno-postgres',
};

/** Who the README's column header says each consumer stands for. */
export const CONSUMER_SCOPE: Record<Consumer, string> = {
  libpq: 'psql, pg_dump, psycopg, most non-Node MCP servers; also any unknown consumer',
  'node-postgres': 'pg and what builds on it: Sequelize, TypeORM, Kysely, Drizzle node-postgres, @prisma/adapter-pg, the reference MCP server',
  knex: 'knex, which parses URLs with its own, older pg-connection-string (no uselibpqcompat) before pg',
  'postgres.js': 'postgres, Drizzle postgres-js',
  prisma: "Prisma's engine (no driver adapter)",
  'deno-postgres': 'deno-postgres',
};

/** `ConnectionFact.consumer` values → the client whose rules apply. */
const CONSUMER_OF: Record<string, Consumer> = {
  libpq: 'libpq',
  'node-postgres': 'node-postgres',
  sequelize: 'node-postgres',
  'mcp:@modelcontextprotocol/server-postgres': 'node-postgres',
  'mcp:docker:mcp/postgres': 'node-postgres',
  knex: 'knex',
  'postgres.js': 'postgres.js',
  prisma: 'prisma',
  'deno-postgres': 'deno-postgres',
};

/** The client that reads a connection, or undefined when unknown (then libpq's meaning is used). */
export function consumerOf(c: Pick<ConnectionFact, 'consumer'>): Consumer | undefined {
  return c.consumer ? CONSUMER_OF[c.consumer] : undefined;
}

/** The TLS parameters of one connection string, lower-cased values; and the environment around it. */
export interface TlsInput {
  sslmode?: string;
  ssl?: string;
  sslrootcert?: string;
  sslaccept?: string;
  uselibpqcompat?: string;
  /** `PGSSLMODE` of the process, when known. */
  PGSSLMODE?: string;
}

export interface TlsEffect {
  /** Undefined when the client refuses to connect with these settings. */
  protection?: Protection;
  /** Why, in the consumer's terms: "Prisma reads sslmode=verify-full as prefer". */
  because: string;
  /** Settings the consumer does not read (sslrootcert paths under postgres.js, PGSSLMODE under Prisma). */
  ignored?: string[];
}

const VERIFIED_TEXT: Record<Protection, string> = {
  plaintext: 'no TLS',
  optional: 'TLS is optional (falls back to plaintext) and the certificate is not checked',
  'encrypted-unverified': 'encrypted, but the certificate is not checked',
  'ca-verified': 'the certificate chain is checked, not the host name',
  'full-verified': 'the certificate chain and host name are checked',
};

export function describeProtection(p: Protection | undefined): string {
  return p ? VERIFIED_TEXT[p] : 'the client refuses to connect';
}

function norm(v: string | undefined): string | undefined {
  const t = v?.trim().toLowerCase();
  return t === '' ? undefined : t;
}

const isFile = (rootcert: string | undefined): boolean => rootcert !== undefined && rootcert !== 'system';

/** The effective protection of a connection string's TLS parameters under one consumer. */
export function effectiveTls(consumer: Consumer, input: TlsInput): TlsEffect {
  const i: TlsInput = {};
  for (const [k, v] of Object.entries(input) as [keyof TlsInput, string | undefined][]) {
    const n = k === 'sslrootcert' ? (v?.trim().toLowerCase() === 'system' ? 'system' : v?.trim() || undefined) : norm(v);
    if (n !== undefined) i[k] = n;
  }
  switch (consumer) {
    case 'libpq':
      return libpq(i);
    case 'node-postgres':
      return nodePostgres(i, true);
    case 'knex':
      return nodePostgres(i, false);
    case 'postgres.js':
      return postgresJs(i);
    case 'prisma':
      return prisma(i);
    case 'deno-postgres':
      return deno(i);
  }
}

function libpq(i: TlsInput): TlsEffect {
  // libpq rewrites the JDBC-style `ssl=true` to sslmode=require.
  const fromSsl = i.ssl === 'true' || i.ssl === '1' ? 'require' : i.ssl === 'false' || i.ssl === '0' ? 'disable' : undefined;
  const mode = i.sslmode ?? fromSsl ?? (i.sslrootcert === 'system' ? 'verify-full' : undefined) ?? i.PGSSLMODE;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : fromSsl ? `ssl=${i.ssl}` : i.sslrootcert === 'system' ? 'sslrootcert=system' : i.PGSSLMODE ? `PGSSLMODE=${i.PGSSLMODE}` : 'no sslmode';
  if (i.sslrootcert === 'system' && mode !== 'verify-full') {
    return { because: `libpq refuses sslmode=${mode ?? 'prefer'} with sslrootcert=system (only verify-full is allowed)` };
  }
  switch (mode ?? 'prefer') {
    case 'disable':
      return { protection: 'plaintext', because: `libpq reads ${source} as no TLS` };
    case 'allow':
    case 'prefer':
      return { protection: 'optional', because: mode ? `libpq reads ${source} as TLS only when the server offers it, unverified` : 'libpq defaults to sslmode=prefer' };
    case 'require':
      return isFile(i.sslrootcert)
        ? { protection: 'ca-verified', because: `libpq checks the chain for ${source} because a root CA file is given` }
        : { protection: 'encrypted-unverified', because: `libpq reads ${source} as encryption without certificate checks` };
    case 'verify-ca':
      return { protection: 'ca-verified', because: `libpq reads ${source} as a chain check without host name check` };
    case 'verify-full':
      return { protection: 'full-verified', because: `libpq reads ${source} as full verification` };
    default:
      return { because: `libpq rejects ${source} as an invalid sslmode` };
  }
}

/**
 * pg-connection-string 2.x `parse`, then pg: URL parameters replace an `ssl` option; any sslmode
 * but disable yields an `ssl` object (verified by Node) unless `no-verify`; `uselibpqcompat=true`
 * (node-postgres only; knex pins a version without it) switches to libpq's meanings, without
 * libpq's fallback to plaintext. Without any URL TLS parameter pg reads PGSSLMODE.
 */
function nodePostgres(i: TlsInput, compatKnown: boolean): TlsEffect {
  const who = compatKnown ? 'node-postgres' : 'knex';
  const ignored: string[] = [];
  if (i.sslrootcert === 'system') return { because: `${who} reads sslrootcert=system as a file named "system" and fails to connect`, ignored: ['sslrootcert=system'] };
  if (!compatKnown && i.uselibpqcompat) ignored.push(`uselibpqcompat=${i.uselibpqcompat}`);
  const out = (e: TlsEffect): TlsEffect => (ignored.length ? { ...e, ignored } : e);
  const compat = compatKnown && i.uselibpqcompat === 'true';
  const anyParam = i.sslmode !== undefined || i.sslrootcert !== undefined;
  if (i.sslmode === 'disable') return out({ protection: 'plaintext', because: `${who} reads sslmode=disable as no TLS` });
  if (i.sslmode && compat) {
    switch (i.sslmode) {
      case 'prefer':
        return out({ protection: 'encrypted-unverified', because: 'node-postgres with uselibpqcompat=true reads sslmode=prefer as TLS without certificate checks (it never falls back to plaintext)' });
      case 'require':
        return isFile(i.sslrootcert)
          ? out({ protection: 'ca-verified', because: 'node-postgres with uselibpqcompat=true checks the chain for sslmode=require when sslrootcert is given' })
          : out({ protection: 'encrypted-unverified', because: 'node-postgres with uselibpqcompat=true reads sslmode=require as TLS without certificate checks' });
      case 'verify-ca':
        return isFile(i.sslrootcert)
          ? out({ protection: 'ca-verified', because: 'node-postgres with uselibpqcompat=true reads sslmode=verify-ca as a chain check without host name check' })
          : out({ because: 'node-postgres with uselibpqcompat=true refuses sslmode=verify-ca without sslrootcert' });
      default:
        return out({ protection: 'full-verified', because: `node-postgres with uselibpqcompat=true reads sslmode=${i.sslmode} as full verification` });
    }
  }
  if (i.sslmode === 'no-verify') return out({ protection: 'encrypted-unverified', because: `${who} reads sslmode=no-verify as TLS without certificate checks` });
  if (anyParam) {
    const what = i.sslmode ? `sslmode=${i.sslmode}` : 'sslrootcert';
    return out({ protection: 'full-verified', because: `${who} reads ${what} as full verification${i.sslmode && i.sslmode !== 'verify-full' ? ' (today; pg-connection-string announces libpq\'s weaker meaning for its next major)' : ''}` });
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
 * postgres.js: the URL's sslmode becomes the `ssl` option; `require`, `allow` and `prefer` hand
 * `rejectUnauthorized: false` to Node; only `prefer` continues without TLS when the server refuses;
 * any other value hands `{}` (full verification). sslrootcert paths are not read; PGSSLMODE neither.
 */
function postgresJs(i: TlsInput): TlsEffect {
  const ignored: string[] = [];
  if (isFile(i.sslrootcert)) ignored.push('sslrootcert');
  if (i.PGSSLMODE) ignored.push(`PGSSLMODE=${i.PGSSLMODE}`);
  const out = (e: TlsEffect): TlsEffect => (ignored.length ? { ...e, ignored } : e);
  const mode = i.sslmode ?? (i.sslrootcert === 'system' ? 'verify-full' : undefined) ?? i.ssl;
  const source = i.sslmode ? `sslmode=${i.sslmode}` : i.sslrootcert === 'system' ? 'sslrootcert=system' : i.ssl ? `ssl=${i.ssl}` : undefined;
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
 * deno-postgres: TLS is on by default but not enforced, and without enforcement any TLS failure,
 * a failed certificate check included, continues in plaintext. `require` and `verify-*` enforce;
 * Deno always checks chain and host name when TLS is used. PGSSLMODE is not read.
 */
function deno(i: TlsInput): TlsEffect {
  const ignored = i.PGSSLMODE ? [`PGSSLMODE=${i.PGSSLMODE}`] : undefined;
  const out = (e: TlsEffect): TlsEffect => (ignored ? { ...e, ignored } : e);
  switch (i.sslmode) {
    case undefined:
      return out({ protection: 'optional', because: 'deno-postgres does not enforce TLS by default (tls.enforce: false): any TLS failure falls back to plaintext' });
    case 'disable':
      return out({ protection: 'plaintext', because: 'deno-postgres reads sslmode=disable as no TLS' });
    case 'prefer':
      return out({ protection: 'optional', because: 'deno-postgres reads sslmode=prefer as TLS not enforced: any TLS failure falls back to plaintext' });
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return out({ protection: 'full-verified', because: `deno-postgres reads sslmode=${i.sslmode} as enforced TLS, verified` });
    default:
      return out({ because: `deno-postgres rejects sslmode=${i.sslmode}` });
  }
}

/** The TLS parameters of a connection fact. */
export function tlsInputOf(c: ConnectionFact, pgsslmode?: string): TlsInput {
  const out: TlsInput = {};
  if (c.sslmode) out.sslmode = c.sslmode.value;
  if (c.ssl) out.ssl = c.ssl.value;
  if (c.sslrootcert) out.sslrootcert = c.sslrootcert.value;
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

/** The README's table, generated from `effectiveTls`. */
export function renderConsumerTable(): string {
  const head = `| URL parameters | ${CONSUMERS.map((c) => CONSUMER_NAMES[c]).join(' | ')} |`;
  const rule = `| --- | ${CONSUMERS.map(() => '---').join(' | ')} |`;
  const rows = TABLE_CASES.map(({ query, input }) => {
    const cells = CONSUMERS.map((c) => {
      const e = effectiveTls(c, input);
      const text = e.protection ? CELL[e.protection] : '⛔ refuses to connect';
      return e.ignored?.length ? `${text} (ignores ${e.ignored.join(', ')})` : text;
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
};

/** What a connection's settings give under its consumer. */
export interface ConnectionTls {
  consumer: Consumer;
  effect: TlsEffect;
  /** The unit's PGSSLMODE, when it decided the effect (no TLS parameter in the URL and the consumer reads it). */
  setting?: SettingFact;
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
  const effect = effectiveTls(consumer, input);
  // PGSSLMODE decided when the consumer reads it for this URL: leaving it out changes the reasoning.
  const decided = pg?.value !== undefined && effectiveTls(consumer, tlsInputOf(c)).because !== effect.because;
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
