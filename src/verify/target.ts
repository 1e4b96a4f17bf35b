// What `sslguard verify` connects to: a connection string from the command line, or one the
// scanner's extractors find in an env, compose, Kubernetes or MCP file. Both paths end in the same
// ConnectionFact the rules judge, so host classes, environments and the effective sslmode agree
// with what a scan of the same file reports.
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ConnectionFact, EnvironmentInfo, EnvironmentName, Fact } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ParsedConnection, ParsedHost } from '../connection/types.js';
import { parseConnectionString } from '../connection/parse.js';
import { maskConnectionString } from '../connection/mask.js';
import { isPlaceholder } from '../connection/placeholder.js';
import { FactSink, withConnectionTap } from '../extract/sink.js';
import { extractFile } from '../extract/index.js';
import { createFactSet } from '../engine/lint.js';
import { effectiveSslMode, modeOfSslmodeValue, unitSettings } from '../policy/connection.js';
import type { ConfiguredMode } from './types.js';

export class VerifyUsageError extends Error {}

export interface VerifyTarget {
  /** The connection string as the client reads it. Never printed: use `masked`. */
  text: string;
  masked: string;
  fact: ConnectionFact;
  parsed: ParsedConnection;
  environment: EnvironmentInfo;
  configuredMode: ConfiguredMode;
  sslrootcert?: { value: string; from: string };
  /** Client certificate and key (`sslcert`/`sslkey`, else `PGSSLCERT`/`PGSSLKEY`), as paths. */
  sslcert?: { value: string; from: string };
  sslkey?: { value: string; from: string };
  /**
   * `hostaddr` (else `PGHOSTADDR`): the addresses to connect to, one per host, as libpq reads
   * them; the certificate is still checked against the host name.
   */
  hostaddrs?: string[];
  /** A password that is a real value (placeholders such as `[YOUR-PASSWORD]` are dropped). */
  password?: string;
  source?: { file: string; line: number; column: number; variable?: string; unit?: string };
}

export interface TargetOptions {
  cwd: string;
  config: ResolvedConfig;
  /** `--environment`: wins over any inference. */
  environment?: EnvironmentName;
  /**
   * The process environment: libpq's `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`,
   * `PGHOSTADDR` apply when the connection string does not set the parameter itself.
   */
  env?: Record<string, string | undefined>;
}

/** The values libpq accepts for sslmode; anything else makes it refuse to connect. */
const LIBPQ_SSLMODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A value still written as a reference (`${PGSSLMODE}`, `<mode>`): not libpq's to reject, and not judged here. */
function isReference(value: string): boolean {
  return /[$<>{}[\]%]/.test(value);
}

/**
 * libpq rejects an sslmode it does not know before connecting (`invalid sslmode value: "bogus"`),
 * and so does verify: a usage error, not a verdict. node-postgres also reads `no-verify`.
 */
function checkSslmode(value: string, from: string, nodePostgres: boolean): void {
  if (isReference(value)) return;
  if (LIBPQ_SSLMODES.includes(value) || (nodePostgres && value === 'no-verify')) return;
  const accepted = [...LIBPQ_SSLMODES, ...(nodePostgres ? ['no-verify'] : [])].join(', ');
  throw new VerifyUsageError(`invalid sslmode value "${value}" (${from}); libpq accepts ${accepted}`);
}

/** Programs that read the string with pg-connection-string (node-postgres and what is built on it). */
export const NODE_POSTGRES_CONSUMERS: ReadonlySet<string> = new Set(['node-postgres', 'knex', 'mcp:@modelcontextprotocol/server-postgres']);

export function targetFromString(text: string, options: TargetOptions): VerifyTarget {
  const trimmed = text.trim();
  if (trimmed === '') throw new VerifyUsageError('the connection string is empty');
  const sink = new FactSink({ file: 'command line', text: trimmed, config: options.config }, 'env');
  sink.connection(trimmed, { start: 0, end: trimmed.length, exact: true }, 0, { keepStandIns: true });
  const fact = sink.facts[0];
  if (!fact || fact.kind !== 'connection') {
    throw new VerifyUsageError(sink.diagnostics[0]?.message ?? `not a Postgres connection string: ${maskConnectionString(trimmed)}`);
  }
  return buildTarget(trimmed, fact, [fact], options, undefined);
}

/**
 * `FILE` or `FILE:VAR`. VAR names the variable or key that holds the string (`DATABASE_URL`), or
 * the MCP server, compose service or container it belongs to. The whole argument is tried as a
 * file first, so a path that contains `:` still works.
 */
export function targetFromFile(spec: string, options: TargetOptions): VerifyTarget {
  let file = spec;
  let variable: string | undefined;
  if (!isFile(resolve(options.cwd, spec))) {
    const colon = spec.lastIndexOf(':');
    if (colon > 0 && isFile(resolve(options.cwd, spec.slice(0, colon)))) {
      file = spec.slice(0, colon);
      variable = spec.slice(colon + 1);
    } else {
      throw new VerifyUsageError(`--from ${spec}: no such file`);
    }
  }
  const abs = resolve(options.cwd, file);
  const rel = toPosix(relative(options.cwd, abs)) || abs;
  const bytes = readFileSync(abs);
  const unmasked = new Map<ConnectionFact, string>();
  const extraction = withConnectionTap(
    (fact, text) => unmasked.set(fact, text),
    () => extractFile({ file: rel, bytes }, options.config),
  );
  const connections = extraction.facts.filter((f): f is ConnectionFact => f.kind === 'connection');
  if (connections.length === 0) {
    const why = extraction.diagnostics.map((d) => `${d.line ? `${d.line}:${d.column} ` : ''}${d.message}`).join('; ');
    throw new VerifyUsageError(`${file}: no Postgres connection string found${why ? ` (${why})` : ''}`);
  }
  let candidates = connections;
  if (variable !== undefined) {
    const byVariable = connections.filter((c) => c.variable === variable);
    candidates = byVariable.length > 0 ? byVariable : connections.filter((c) => c.unit?.name === variable);
    if (candidates.length === 0) {
      throw new VerifyUsageError(`${file}: nothing named \`${variable}\` holds a connection string; found:\n${listConnections(connections)}`);
    }
  }
  if (candidates.length > 1) {
    throw new VerifyUsageError(`${file}${variable ? `:${variable}` : ''} holds ${candidates.length} connection strings; pick one with FILE:VAR:\n${listConnections(candidates)}`);
  }
  const fact = candidates[0]!;
  const text = unmasked.get(fact);
  // The tap sees every fact FactSink builds; a miss would be a bug, reported rather than guessed around.
  if (text === undefined) throw new Error(`the text of the connection string at ${rel}:${fact.span.line} was not captured`);
  return buildTarget(text, fact, extraction.facts, options, {
    file: rel,
    line: fact.span.line,
    column: fact.span.column,
    ...(fact.variable ? { variable: fact.variable } : {}),
    ...(fact.unit ? { unit: fact.unit.name } : {}),
  });
}

function buildTarget(text: string, fact: ConnectionFact, facts: Fact[], options: TargetOptions, source: VerifyTarget['source']): VerifyTarget {
  const parse = parseConnectionString(text);
  if (!parse.ok) throw new VerifyUsageError(`invalid Postgres connection string (${parse.error}): ${maskConnectionString(text)}`);
  const parsed = parse.connection;
  const unknownHost = fact.hosts.find((h) => h.class === 'unknown');
  if (unknownHost) {
    throw new VerifyUsageError(`${fact.masked}: the host \`${unknownHost.host}\` is a variable reference; verify needs the real host name`);
  }
  const environment: EnvironmentInfo = options.environment
    ? { name: options.environment, reason: '--environment' }
    : fact.environment.name === 'unknown' && !source
      ? { name: 'unknown', reason: 'a connection string on the command line names no environment; pass --environment' }
      : fact.environment;
  const env = options.env ?? {};
  const nodePostgres = fact.consumer !== undefined && NODE_POSTGRES_CONSUMERS.has(fact.consumer);
  // The last occurrence wins, as in libpq.
  const param = (key: string): string | undefined => [...parsed.params].reverse().find((p) => p.key === key)?.value;
  const fromEnv = (name: string): { value: string; from: string } | undefined => {
    const value = env[name];
    return value !== undefined && value !== '' ? { value, from: `${name} in the environment` } : undefined;
  };
  const set = createFactSet(facts);
  const effective = effectiveSslMode(fact, set);
  if (effective?.origin === 'sslmode' && fact.sslmode) checkSslmode(fact.sslmode.value, 'sslmode in the connection string', nodePostgres);
  if (effective?.origin === 'setting' && effective.setting?.category === 'sslmode' && effective.setting.value !== undefined) {
    checkSslmode(effective.setting.value, `${effective.setting.name} beside the connection string`, nodePostgres);
  }
  const envMode = fromEnv('PGSSLMODE');
  if (!effective && envMode) checkSslmode(envMode.value, envMode.from, nodePostgres);
  const configuredMode: ConfiguredMode = effective
    ? { mode: effective.mode, written: effective.written, origin: effective.origin }
    : envMode
      ? { mode: modeOfSslmodeValue(envMode.value), written: `PGSSLMODE=${envMode.value} (environment)`, origin: 'setting' }
      : nodePostgres
        ? { mode: 'disable', written: 'no sslmode: node-postgres then connects without TLS', origin: 'default' }
        : { mode: 'prefer', written: 'no sslmode: libpq then uses prefer', origin: 'default' };
  let sslrootcert: VerifyTarget['sslrootcert'];
  if (fact.sslrootcert && fact.sslrootcert.value !== '') {
    sslrootcert = { value: fact.sslrootcert.value, from: 'sslrootcert in the connection string' };
  } else {
    const setting = unitSettings(set, fact.unit, 'sslrootcert').at(-1);
    if (setting?.value && !setting.placeholder) sslrootcert = { value: setting.value, from: `${setting.name} beside the connection string` };
    else sslrootcert = fromEnv('PGSSLROOTCERT');
  }
  const inString = (key: string): { value: string; from: string } | undefined => {
    const value = param(key);
    return value !== undefined && value !== '' ? { value, from: `${key} in the connection string` } : undefined;
  };
  const sslcert = inString('sslcert') ?? fromEnv('PGSSLCERT');
  const sslkey = inString('sslkey') ?? fromEnv('PGSSLKEY');
  // libpq: a comma-separated list, one entry per host; an empty entry means "resolve the name".
  const hostaddrText = param('hostaddr') ?? env.PGHOSTADDR;
  const hostaddrs = hostaddrText !== undefined && hostaddrText !== '' ? hostaddrText.split(',').map((a) => a.trim()) : undefined;
  if (hostaddrs) {
    for (const address of hostaddrs) {
      if (address !== '' && isIP(address) === 0) throw new VerifyUsageError(`could not parse network address "${address}" (hostaddr takes a numeric IP address)`);
    }
    const hosts = parsed.hosts.length > 0 ? parsed.hosts.length : (env.PGHOST ?? '').split(',').filter(Boolean).length;
    if (hosts > 0 && hosts !== hostaddrs.length) {
      throw new VerifyUsageError(`could not match ${hosts} host names to ${hostaddrs.length} hostaddr values`);
    }
  }
  const password = parsed.password && !isPlaceholder(parsed.password.value) ? parsed.password.value : undefined;
  return {
    text,
    masked: fact.masked,
    fact,
    parsed,
    environment,
    configuredMode,
    ...(sslrootcert ? { sslrootcert } : {}),
    ...(sslcert ? { sslcert } : {}),
    ...(sslkey ? { sslkey } : {}),
    ...(hostaddrs ? { hostaddrs } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(source ? { source } : {}),
  };
}

/**
 * The hosts to verify, as libpq finds them: the string's, else `PGHOST` (a comma-separated list),
 * else the `hostaddr` addresses alone, else `localhost`. Each carries the `hostaddr` to connect to.
 */
export function targetHosts(target: VerifyTarget, env: Record<string, string | undefined>): Array<ParsedHost & { address?: string }> {
  const addrs = target.hostaddrs ?? [];
  const withAddress = (h: ParsedHost, i: number): ParsedHost & { address?: string } => (addrs[i] ? { ...h, socket: false, address: addrs[i]! } : h);
  const named = (env.PGHOST ?? '').split(',').filter((h) => h !== '');
  // `postgresql:///app` and `postgresql://:5433/app` name no host: PGHOST applies, with the string's port.
  const unnamed = target.parsed.hosts.length > 0 && target.parsed.hosts.every((h) => h.host === '');
  if (target.parsed.hosts.length > 0 && !(unnamed && named.length > 0)) return target.parsed.hosts.map(withAddress);
  const port = target.parsed.hosts[0]?.port;
  if (named.length > 0) return named.map((host, i) => withAddress({ host, socket: host.startsWith('/'), start: 0, end: 0, ...(port !== undefined ? { port } : {}) }, i));
  // hostaddr alone: the address is also the name the certificate is checked against.
  if (addrs.length > 0) return addrs.map((host) => ({ host, socket: false, start: 0, end: 0, address: host }));
  return [{ host: 'localhost', socket: false, start: 0, end: 0 }];
}

function listConnections(facts: ConnectionFact[]): string {
  return facts
    .map((c) => {
      const name = c.variable ?? c.unit?.name;
      return `  ${c.span.line}:${c.span.column}${name ? ` ${name}` : ''}  ${c.masked}`;
    })
    .join('\n');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export function resolveCertPath(value: string, cwd: string): string {
  return isAbsolute(value) ? value : resolve(cwd, value);
}
