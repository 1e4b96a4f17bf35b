// What TLS options in code mean for the library that reads them. The same `ssl: 'require'` is
// verified TLS to node-postgres (any truthy non-object value) and TLS without certificate
// verification to postgres.js and drizzle-kit; Deno's client turns TLS off with `tls.enabled: false`
// and makes it optional with `tls.enforce: false`. Extractors record what is written and which
// library receives it (`TlsOptionsFact.driver`); the judgement lives here, once, for every rule.
import type { LiteralValue, TlsOption, TlsOptionsFact } from '../model.js';
import { classifyHost } from '../connection/hosts.js';

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
};

export function libraryName(t: TlsOptionsFact): string {
  return (t.driver && LIBRARY_NAMES[t.driver]) ?? 'this client';
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
