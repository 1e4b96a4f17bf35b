// Logging in with each sslmode through node-postgres, as a client configured that way would.
//
// pg is never given the connection string: pg-connection-string would read sslrootcert from disk
// itself and, without uselibpqcompat, read require and verify-ca as verify-full. Instead the `ssl`
// option is built here with libpq's meaning of each mode (the mapping pg-connection-string uses
// under uselibpqcompat=true). Reading the CA file is verify's job: the user asked to connect with it.
import { createRequire } from 'node:module';
import type { ClientConfig } from 'pg';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { classifyConnectError, errorMessage, type ExplainContext } from './explain.js';
import type { ModeResult, Problem, VerifyMode } from './types.js';

const require = createRequire(import.meta.url);
let pg: typeof import('pg') | undefined;
function loadPg(): typeof import('pg') {
  return (pg ??= require('pg') as typeof import('pg'));
}

export interface ModeTarget {
  host: string;
  /** `hostaddr`: connect here; the certificate is checked against `host`. */
  address?: string;
  client?: { cert: string; key: string };
  port: number;
  user: string;
  password?: string;
  database: string;
  /** PEM of sslrootcert; undefined with `sslrootcert=system` or none (Node's default CA store). */
  ca?: string;
  /** sslrootcert was given but cannot be read: the verifying modes fail before connecting. */
  caProblem?: Problem;
  /** sslrootcert names a file (not `system`): libpq's require then checks the chain. */
  caFromFile: boolean;
  timeoutMs: number;
  explain: ExplainContext;
}

/** libpq's reading of each mode as node-postgres `ssl` options, and how that differs from the mode's name. */
function sslOptions(mode: VerifyMode, t: ModeTarget): { ssl: false | ConnectionOptions; note?: string } {
  // What every TLS mode sends: the trust anchors, the client certificate, and the host name (SNI),
  // which pg would otherwise take from the address it connects to.
  const ca = {
    ...(t.ca !== undefined ? { ca: t.ca } : {}),
    ...(t.client ? { cert: t.client.cert, key: t.client.key } : {}),
    ...(t.address && isIP(t.host) === 0 ? { servername: t.host } : {}),
  };
  const skipHostname = { checkServerIdentity: () => undefined };
  // libpq checks the name against `host` even when it connects to `hostaddr`.
  const checkHost = t.address ? { checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(t.host, cert) } : {};
  switch (mode) {
    case 'disable':
      return { ssl: false };
    case 'require':
      if (t.caFromFile && t.ca !== undefined) {
        return { ssl: { ...ca, rejectUnauthorized: true, ...skipHostname }, note: 'with an sslrootcert file, libpq checks the chain in require mode, as verify-ca does' };
      }
      return { ssl: { ...ca, rejectUnauthorized: false } };
    case 'verify-ca':
      return { ssl: { ...ca, rejectUnauthorized: true, ...skipHostname } };
    case 'verify-full':
      return { ssl: { ...ca, rejectUnauthorized: true, ...checkHost } };
  }
}

const SERVER_VIEW = 'SELECT ssl, version, cipher, bits, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

export async function tryMode(mode: VerifyMode, t: ModeTarget): Promise<ModeResult> {
  const { ssl, note } = sslOptions(mode, t);
  const base: ModeResult = { mode, status: 'failed', ...(note ? { note } : {}) };
  if (ssl !== false && t.caProblem && (mode === 'verify-ca' || mode === 'verify-full')) {
    return { ...base, status: 'tls-failed', error: t.caProblem.message, problem: t.caProblem };
  }
  const { Client } = loadPg();
  const config: ClientConfig = {
    host: t.address ?? t.host,
    port: t.port,
    user: t.user,
    database: t.database,
    ssl,
    connectionTimeoutMillis: t.timeoutMs,
    query_timeout: t.timeoutMs,
    application_name: 'sslguard verify',
    ...(t.password !== undefined ? { password: t.password } : {}),
  };
  const client = new Client(config);
  // A server that drops the session later must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  const started = Date.now();
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const { status, problem } = classifyConnectError(error, t.explain, Date.now() - started);
    return { ...base, status, error: errorMessage(error), problem };
  }
  try {
    const row = (await client.query<{ ssl: boolean; version: string | null; cipher: string | null; bits: number | null; client_dn: string | null }>(SERVER_VIEW)).rows[0];
    const server: ModeResult['server'] = row
      ? {
          ssl: row.ssl,
          ...(row.version ? { version: row.version } : {}),
          ...(row.cipher ? { cipher: row.cipher } : {}),
          ...(row.bits ? { bits: row.bits } : {}),
          ...(row.client_dn ? { clientDn: row.client_dn } : {}),
        }
      : undefined;
    return { ...base, status: 'connected', ...(server ? { server } : {}) };
  } catch {
    // Logged in, but the server view could not be read (a pooler without pg_stat_ssl): still connected.
    return { ...base, status: 'connected' };
  } finally {
    await client.end().catch(() => undefined);
  }
}
