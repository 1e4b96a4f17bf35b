// What TLS options in code mean for the library that reads them. The same `ssl: 'require'` is
// verified TLS to node-postgres (any truthy non-object value) and TLS without certificate
// verification to postgres.js and drizzle-kit; Deno's client turns TLS off with `tls.enabled: false`
// and makes it optional with `tls.enforce: false`. Extractors record what is written and which
// library receives it (`TlsOptionsFact.driver`); the judgement lives here, once, for every rule.
import type { LiteralValue, TlsOption, TlsOptionsFact } from '../model.js';
import { classifyHost } from '../connection/hosts.js';
import { effectiveTls, type Consumer, type TlsEffect } from './consumers.js';

/** Libraries that read `ssl: 'require' | 'allow' | 'prefer' | 'verify-full'` as postgres.js does. */
const POSTGRES_JS_STYLE = new Set(['postgres', 'drizzle-kit']);
/** Libraries built on node-postgres, which reads `ssl: 'no-verify'` as `{ rejectUnauthorized: false }`. */
const NODE_POSTGRES_STYLE = new Set(['pg']);

export const LIBRARY_NAMES: Record<string, string> = {
  pg: 'node-postgres',
  postgres: 'postgres.js',
  'drizzle-kit': 'drizzle-kit',
  'deno-postgres': 'deno-postgres',
  slonik: 'Slonik',
  'node:tls': "Node's tls module",
  'node:https': "Node's https module",
  undici: 'undici',
  asyncpg: 'asyncpg',
  psycopg: 'psycopg (libpq)',
  'python:ssl': "Python's ssl module",
};

export function libraryName(t: TlsOptionsFact): string {
  return (t.driver && LIBRARY_NAMES[t.driver]) ?? 'this client';
}

/** Options read by a Python client or Python's ssl module (src/extract/python/). */
export function isPythonDriver(t: TlsOptionsFact): boolean {
  return t.driver === 'asyncpg' || t.driver === 'psycopg' || t.driver === 'python:ssl';
}

/** The configuration names a host on this machine (`host: 'localhost'`, a socket directory): any TLS setting is fine there. */
export function targetsLocalHost(t: TlsOptionsFact, localHosts: readonly string[]): boolean {
  const host = t.options.host?.value;
  if (typeof host !== 'string') return false;
  return classifyHost(host, { socket: host.startsWith('/'), localHosts: [...localHosts] }).class === 'local';
}

/** Node reads `rejectUnauthorized` as a boolean after `!== false`; `'false'` and `0` are what people write meaning false. */
export function isRejectOff(value: LiteralValue): boolean {
  return value === false || value === 'false' || value === 0;
}

export interface WeakTls {
  option: TlsOption;
  /** As written, for messages: `ssl: false`, `tls.enforce: false`, `ssl: 'prefer'`. */
  written: string;
  /** TLS off altogether, or optional (the client falls back to plaintext and never checks the certificate). */
  how: 'off' | 'optional';
}

function show(value: LiteralValue): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** TLS switched off or made optional by the options of one object. */
export function weakTls(t: TlsOptionsFact): WeakTls[] {
  const out: WeakTls[] = [];
  // Python clients' keyword arguments are judged by codeModeTls.
  if (isPythonDriver(t)) return out;
  const ssl = t.options.ssl;
  if (ssl && ssl.value === false) out.push({ option: ssl, written: 'ssl: false', how: 'off' });
  if (ssl && typeof ssl.value === 'string' && POSTGRES_JS_STYLE.has(t.driver ?? '') && ['prefer', 'allow'].includes(ssl.value.toLowerCase())) {
    out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, how: 'optional' });
  }
  if (t.driver === 'deno-postgres') {
    const enabled = t.options.enabled;
    if (enabled && enabled.value === false) out.push({ option: enabled, written: 'tls.enabled: false', how: 'off' });
    const enforce = t.options.enforce;
    if (enforce && enforce.value === false && !(enabled && enabled.value === false)) out.push({ option: enforce, written: 'tls.enforce: false', how: 'optional' });
  }
  return out;
}

export interface UnverifiedTls {
  option: TlsOption;
  written: string;
  kind: 'reject-unauthorized' | 'no-verify' | 'require-unverified' | 'check-server-identity';
}

/** Certificate or host-name verification switched off by the options of one object. */
export function unverifiedTls(t: TlsOptionsFact): UnverifiedTls[] {
  const out: UnverifiedTls[] = [];
  if (isPythonDriver(t)) return out;
  const reject = t.options.rejectUnauthorized;
  if (reject && isRejectOff(reject.value)) out.push({ option: reject, written: `rejectUnauthorized: ${show(reject.value)}`, kind: 'reject-unauthorized' });
  const ssl = t.options.ssl;
  if (ssl && typeof ssl.value === 'string') {
    const v = ssl.value.toLowerCase();
    if (v === 'no-verify' && NODE_POSTGRES_STYLE.has(t.driver ?? '')) out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, kind: 'no-verify' });
    if (v === 'require' && POSTGRES_JS_STYLE.has(t.driver ?? '')) out.push({ option: ssl, written: `ssl: ${show(ssl.value)}`, kind: 'require-unverified' });
  }
  const check = t.options.checkServerIdentity;
  // Node accepts the host name whenever the callback returns a falsy value.
  if (check && check.returns !== undefined && !check.returns) out.push({ option: check, written: 'checkServerIdentity', kind: 'check-server-identity' });
  return out;
}

/**
 * Python: the protection a client call's TLS keyword argument gives (asyncpg `ssl='require'`,
 * `ssl=True`, `ssl=False`; psycopg `sslmode='prefer'` with `sslrootcert`; Django OPTIONS;
 * dj-database-url `ssl_require=True`), in that client's own terms, with the fix to write there.
 */
export interface CodeModeTls {
  option: TlsOption;
  /** The client whose reading decides (libpq for psycopg). */
  consumer: Consumer;
  effect: TlsEffect;
  /** "`ssl='require'` in this asyncpg call", "`os.getenv("PGSSLMODE", "require")`, the sslmode psycopg gets while PGSSLMODE is unset,". */
  subject: string;
  fix: string;
}

const PYTHON_FIX: Record<'asyncpg' | 'psycopg', string> = {
  asyncpg: "Pass `ssl=ssl.create_default_context(cafile='<CA file>')` (asyncpg then checks the chain and the host name), or `ssl='verify-full'` with PGSSLROOTCERT=<CA file>.",
  psycopg: "Use sslmode 'verify-full' with sslrootcert '<CA file>' (libpq then checks the chain and the host name).",
};

const PYTHON_LIBRARY: Record<string, string> = {
  asyncpg: 'asyncpg',
  psycopg: 'psycopg (libpq)',
  'django.db.backends.postgresql': 'Django (psycopg, libpq)',
};

function pyLiteral(value: LiteralValue): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  return String(value);
}

export function codeModeTls(t: TlsOptionsFact): CodeModeTls | undefined {
  if (t.driver !== 'asyncpg' && t.driver !== 'psycopg') return undefined;
  const key = t.driver === 'asyncpg' ? 'ssl' : 'sslmode';
  const option = t.options[key];
  if (!option) return undefined;
  const v = option.value;
  let consumer: Consumer;
  let effect: TlsEffect;
  if (t.driver === 'asyncpg') {
    consumer = 'asyncpg';
    if (v === true) effect = { protection: 'full-verified', because: 'asyncpg reads ssl=True as ssl.create_default_context(): chain and host name checked' };
    else if (v === false) effect = { protection: 'plaintext', because: 'asyncpg reads ssl=False as no TLS' };
    else if (typeof v === 'string') {
      const e = effectiveTls('asyncpg', { sslmode: v });
      effect = { ...e, because: e.because.replace(`sslmode=${v.trim().toLowerCase()}`, `ssl='${v}'`) };
    } else return undefined;
  } else {
    consumer = 'libpq';
    if (typeof v !== 'string') return undefined;
    const rootcert = t.options.sslrootcert?.value;
    effect = effectiveTls('libpq', { sslmode: v, ...(typeof rootcert === 'string' ? { sslrootcert: rootcert } : {}) });
  }
  const library = t.sink?.startsWith('sqlalchemy.') || t.sink?.startsWith('sqlmodel.') ? `SQLAlchemy with ${PYTHON_LIBRARY[t.driver]}` : (PYTHON_LIBRARY[t.sink === 'django.db.backends.postgresql' || t.sink?.startsWith('dj_database_url.') ? 'django.db.backends.postgresql' : t.driver] ?? t.driver);
  const subject = option.whenUnset
    ? `\`${option.written ?? pyLiteral(v)}\` is the ${key} ${library} gets while ${option.whenUnset} is unset`
    : `\`${option.written ?? `${key}=${pyLiteral(v)}`}\` (${library})`;
  const fix = t.sink?.startsWith('dj_database_url.')
    ? "Drop ssl_require=True and put sslmode=verify-full&sslrootcert=<CA file> in the URL's query (dj-database-url copies it into OPTIONS), or set OPTIONS 'sslmode': 'verify-full' with 'sslrootcert': '<CA file>'."
    : PYTHON_FIX[t.driver];
  return { option, consumer, effect, subject, fix };
}

/** Python SSL contexts: certificate verification off (`verify_mode = ssl.CERT_NONE`, `ssl._create_unverified_context()`) or the host name check off. */
export function pythonContextTls(t: TlsOptionsFact): { option: TlsOption; kind: 'cert-none' | 'no-hostname'; library: string } | undefined {
  const library = t.driver === 'python:ssl' ? 'this SSL context' : (PYTHON_LIBRARY[t.driver ?? ''] ?? 'this client');
  if (t.options.verify_mode?.value === 'CERT_NONE') return { option: t.options.verify_mode, kind: 'cert-none', library };
  if (t.options.check_hostname?.value === false) return { option: t.options.check_hostname, kind: 'no-hostname', library };
  return undefined;
}
