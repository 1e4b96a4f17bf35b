// One verify run: for each host of the connection, the TLS probe, a login per sslmode, the
// problems found, and the verdict against the policy.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { HostInfo } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ParsedHost } from '../connection/types.js';
import { classifyHost } from '../connection/hosts.js';
import { toolVersion } from '../version.js';
import { probeTls } from './probe.js';
import { tryMode, type ModeTarget } from './modes.js';
import { certificateProblem, expiresSoonProblem, rootCertProblem, type ExplainContext } from './explain.js';
import { judgeHost, liveModeFor } from './policy.js';
import { NODE_POSTGRES_CONSUMERS, resolveCertPath, targetHosts, VerifyUsageError, type VerifyTarget } from './target.js';
import { VERIFY_MODES, type HostReport, type ModeResult, type Problem, type VerifyReport } from './types.js';

export interface VerifyOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  config: ResolvedConfig;
  timeoutMs: number;
  now: Date;
}

interface Trust {
  ca?: string;
  caProblem?: Problem;
  caFromFile: boolean;
  label: string;
}

/** The trust anchors the client would use: the sslrootcert file, or Node's default store. */
function trustOf(target: VerifyTarget, cwd: string): Trust {
  const root = target.sslrootcert;
  if (!root) return { caFromFile: false, label: "Node's default CA store (no sslrootcert given; node-postgres uses the same)" };
  if (root.value.trim().toLowerCase() === 'system') {
    return { caFromFile: false, label: "the system store (sslrootcert=system; checked against Node's default CA store)" };
  }
  const path = resolveCertPath(root.value, cwd);
  try {
    return { ca: readFileSync(path, 'utf8'), caFromFile: true, label: `sslrootcert ${root.value}` };
  } catch (error) {
    return { caFromFile: true, caProblem: rootCertProblem(root.value, error), label: `Node's default CA store (sslrootcert ${root.value} is unreadable)` };
  }
}

/** A client certificate and key to present (libpq sends them only as a pair). */
export interface ClientCertificate {
  cert: string;
  key: string;
}

function clientCertificateOf(target: VerifyTarget, cwd: string): ClientCertificate | undefined {
  const { sslcert, sslkey } = target;
  if (!sslcert && !sslkey) return undefined;
  if (!sslcert || !sslkey) {
    const [given, missing] = sslcert ? [sslcert, 'sslkey (PGSSLKEY)'] : [sslkey!, 'sslcert (PGSSLCERT)'];
    throw new VerifyUsageError(`${given.from} names a client ${sslcert ? 'certificate' : 'key'} but ${missing} is not set: libpq sends the two together`);
  }
  const read = (p: { value: string; from: string }): string => {
    try {
      return readFileSync(resolveCertPath(p.value, cwd), 'utf8');
    } catch (error) {
      throw new VerifyUsageError(`${p.value} (${p.from}) cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  return { cert: read(sslcert), key: read(sslkey) };
}

export async function verifyTarget(target: VerifyTarget, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const { env } = options;
  const trust = trustOf(target, options.cwd);
  const client = clientCertificateOf(target, options.cwd);
  const user = target.parsed.user ?? env.PGUSER ?? userInfo().username;
  const database = target.parsed.database ?? env.PGDATABASE ?? user;
  const password = target.password ?? env.PGPASSWORD;
  const nodePostgres =
    target.fact.consumer !== undefined && NODE_POSTGRES_CONSUMERS.has(target.fact.consumer) && target.fact.params['uselibpqcompat']?.value !== 'true';

  const hosts: HostReport[] = [];
  for (const [i, parsed] of targetHosts(target, env).entries()) {
    // A host taken from PGHOST is classified here; the string's own hosts as the scan classified them.
    const written = target.fact.hosts[i];
    const info = written && written.host === parsed.host ? written : defaultHostInfo(parsed, options.config);
    const port = parsed.port ?? (Number(env.PGPORT) || 5432);
    const input: HostInput = { parsed, info, port, user, database, ...(password !== undefined ? { password } : {}), trust, nodePostgres, ...(client ? { client } : {}) };
    hosts.push(await verifyHost(input, target, options));
  }
  return {
    version: 1,
    tool: { name: 'sslguard', version: toolVersion() },
    target: {
      connection: target.masked,
      ...(target.source ? { source: target.source } : {}),
      environment: target.environment,
      configuredMode: target.configuredMode,
      ...(target.sslrootcert ? { sslrootcert: target.sslrootcert } : {}),
      ...(target.fact.consumer ? { consumer: target.fact.consumer } : {}),
    },
    hosts,
    meetsPolicy: hosts.every((h) => h.verdict.meetsPolicy),
    loginFailed: hosts.some((h) => h.login?.status === 'failed'),
    durationMs: Date.now() - started,
  };
}

function defaultHostInfo(parsed: ParsedHost, config: ResolvedConfig): HostInfo {
  const cls = classifyHost(parsed.host, { socket: parsed.socket, localHosts: config.localHosts });
  return { host: parsed.host, class: cls.class, classReason: cls.reason };
}

interface HostInput {
  /** `address`: the `hostaddr` to connect to instead of resolving the name. */
  parsed: ParsedHost & { address?: string };
  client?: ClientCertificate;
  info: HostInfo;
  port: number;
  user: string;
  database: string;
  password?: string;
  trust: Trust;
  nodePostgres: boolean;
}

async function verifyHost(h: HostInput, target: VerifyTarget, options: VerifyOptions): Promise<HostReport> {
  const { parsed, info, port, trust } = h;
  const base = { host: parsed.host, ...(parsed.address ? { hostaddr: parsed.address } : {}), port, class: info.class, classReason: info.classReason, socket: parsed.socket };
  const judge = (modes: ModeResult[], problems: Problem[], tls?: HostReport['tls'], advisories: Problem[] = []) =>
    judgeHost({
      host: info,
      socket: parsed.socket,
      environment: target.environment,
      configured: target.configuredMode,
      nodePostgres: h.nodePostgres,
      modes,
      ...(tls ? { tls } : {}),
      advisories,
    });
  if (parsed.socket) return { ...base, modes: [], problems: [], verdict: judge([], []) };

  const explain: ExplainContext = { host: parsed.host, port, timeoutMs: options.timeoutMs, trustLabel: trust.label };
  const tls = await probeTls({ host: parsed.host, ...(parsed.address ? { address: parsed.address } : {}), ...(h.client ?? {}), port, ...(trust.ca !== undefined ? { ca: trust.ca } : {}), trustLabel: trust.label, timeoutMs: options.timeoutMs, now: options.now });
  const withChain: ExplainContext = { ...explain, chain: tls.chain };
  const problems: Problem[] = [];
  const add = (p: Problem | undefined): void => {
    if (p && !problems.some((q) => q.id === p.id)) problems.push(p);
  };

  let modes: ModeResult[];
  const unreachable = tls.problem && tls.answer === undefined;
  if (unreachable) {
    // The server did not answer the SSLRequest: every login would wait for the same timeout.
    modes = VERIFY_MODES.map((mode) => ({ mode, status: 'unreachable', error: `not tried: ${tls.problem!.message}`, problem: tls.problem! }));
  } else {
    const modeTarget: ModeTarget = {
      host: parsed.host,
      ...(parsed.address ? { address: parsed.address } : {}),
      ...(h.client ? { client: h.client } : {}),
      port,
      user: h.user,
      database: h.database,
      ...(h.password !== undefined ? { password: h.password } : {}),
      ...(trust.ca !== undefined ? { ca: trust.ca } : {}),
      ...(trust.caProblem ? { caProblem: trust.caProblem } : {}),
      caFromFile: trust.caFromFile,
      timeoutMs: options.timeoutMs,
      explain: withChain,
    };
    modes = await Promise.all(VERIFY_MODES.map((mode) => tryMode(mode, modeTarget)));
  }

  add(tls.problem);
  add(trust.caProblem);
  if (tls.trust && !tls.trust.verified && tls.trust.code) add(certificateProblem(tls.trust.code, withChain));
  if (tls.hostname && !tls.hostname.matches) add(certificateProblem('ERR_TLS_CERT_ALTNAME_INVALID', withChain));
  // Other modes' failures stay on their rows: a server that refuses plaintext is no problem for a
  // client that uses verify-full.
  const live = liveModeFor(target.configuredMode.mode, h.nodePostgres, modes);
  add(modes.find((m) => m.mode === live?.mode)?.problem);
  const advisories: Problem[] = [];
  const leaf = tls.chain[0];
  if (leaf && leaf.daysLeft >= 0 && leaf.daysLeft <= options.config.certExpiryDays) {
    const soon = expiresSoonProblem(leaf, options.config.certExpiryDays);
    advisories.push(soon);
    add(soon);
  }
  const liveResult = live ? modes.find((m) => m.mode === live.mode) : undefined;
  // The login through the mode the connection uses, once TLS got through: a wrong password or role
  // is no TLS problem, but the connection still does not work, and the report says so on its own.
  const login: HostReport['login'] =
    liveResult?.status === 'connected'
      ? { mode: liveResult.mode, status: 'succeeded' }
      : liveResult?.status === 'login-failed'
        ? { mode: liveResult.mode, status: 'failed', ...(liveResult.error ? { error: liveResult.error } : {}) }
        : undefined;
  return { ...base, tls, modes, problems, ...(login ? { login } : {}), verdict: judge(modes, problems, tls, advisories) };
}
