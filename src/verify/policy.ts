// The verdict: does this connection, as configured and as the live server answers it, meet the
// policy for its environment? The static half is the scanner's decision tree (the same judgements
// no-ssl-disabled, no-reject-unauthorized and require-verify-full make); the live half asks whether
// the configured mode actually connects.
import type { EnvironmentInfo, HostInfo } from '../model.js';
import { describeEnvironment, isOffMachineHost, isSslMode, modeRank, type EffectiveMode, type SslMode } from '../policy/connection.js';
import type { ConfiguredMode, HostVerdict, ModeResult, Problem, TlsProbe, VerifyMode } from './types.js';

export interface HostPolicyInput {
  host: HostInfo;
  socket: boolean;
  environment: EnvironmentInfo;
  configured: ConfiguredMode;
  /** The client reads sslmode as node-postgres does (require and verify-ca mean verify-full). */
  nodePostgres: boolean;
  modes: ModeResult[];
  tls?: TlsProbe;
  /** Problems that do not fail the policy by themselves (a certificate about to expire). */
  advisories: Problem[];
}

/** The weakest mode the policy accepts: the guide's decision tree, as the rules apply it. */
export function requiredMode(host: HostInfo, environment: EnvironmentInfo): { mode: SslMode; because: string } {
  if (!isOffMachineHost(host, environment)) {
    return { mode: 'disable', because: `${host.host || 'the host'} is local (${host.classReason}): the traffic stays on this machine` };
  }
  switch (environment.name) {
    case 'production':
    case 'staging':
      return { mode: environment.name === 'production' ? 'verify-full' : 'verify-ca', because: `the environment is ${environment.name} (${environment.reason})` };
    default:
      return { mode: 'require', because: `the connection leaves this machine, in ${describeEnvironment(environment)}` };
  }
}

/**
 * Which of the four tried modes shows what the configured mode does. prefer and allow have no
 * driver option of their own: they behave as require or disable, whichever the server accepts.
 */
export function liveModeFor(configured: EffectiveMode, nodePostgres: boolean, modes: ModeResult[]): { mode: VerifyMode; note?: string } | undefined {
  const works = (m: VerifyMode): boolean => isWorking(modes.find((r) => r.mode === m));
  if (nodePostgres && (configured === 'prefer' || configured === 'require' || configured === 'verify-ca')) {
    return { mode: 'verify-full', note: `node-postgres reads sslmode=${configured} as verify-full unless uselibpqcompat=true` };
  }
  switch (configured) {
    case 'disable':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return { mode: configured };
    case 'no-verify':
      return { mode: 'require', note: 'no-verify connects as require without checking anything' };
    case 'prefer':
      return works('require') ? { mode: 'require', note: 'prefer uses TLS when the server offers it' } : { mode: 'disable', note: 'prefer falls back to plaintext' };
    case 'allow':
      return works('disable') ? { mode: 'disable', note: 'allow tries plaintext first' } : { mode: 'require', note: 'allow falls back to TLS' };
    case 'unknown':
      return undefined;
  }
}

/** The mode got through TLS and pg_hba.conf (a failed login is about credentials, not TLS). */
export function isWorking(result: ModeResult | undefined): boolean {
  return result !== undefined && (result.status === 'connected' || result.status === 'login-failed');
}

export function judgeHost(input: HostPolicyInput): HostVerdict {
  const { configured, environment } = input;
  const required = requiredMode(input.host, environment);
  const failures: string[] = [];
  const warnings: string[] = [];
  const offMachine = isOffMachineHost(input.host, environment);

  if (input.socket) {
    return { meetsPolicy: true, required: required.mode, requiredBecause: required.because, failures, warnings: ['TLS does not apply to a Unix-domain socket; nothing was probed'] };
  }

  // The static half: is the configured mode strong enough?
  if (configured.mode === 'unknown') {
    failures.push(`the sslmode (${configured.written}) is not one sslguard can judge: write a literal mode`);
  } else if (configured.mode === 'no-verify') {
    if (offMachine) failures.push(`${configured.written} encrypts without checking the certificate: use sslmode=verify-full with sslrootcert=<CA file>`);
  } else if (isSslMode(configured.mode) && modeRank(configured.mode) < modeRank(required.mode)) {
    failures.push(`the policy requires at least ${required.mode} because ${required.because}; the connection uses ${configured.written}`);
  } else if (offMachine && environment.name === 'unknown' && (configured.mode === 'require' || configured.mode === 'verify-ca')) {
    warnings.push(`${configured.mode} does not check ${configured.mode === 'require' ? 'the certificate' : 'the host name'}: use verify-full, or say which environment this is with --environment`);
  }

  // The live half: does the configured mode connect?
  const live = liveModeFor(configured.mode, input.nodePostgres, input.modes);
  if (live) {
    const result = input.modes.find((r) => r.mode === live.mode);
    const how = live.note ? ` (${live.note})` : '';
    if (result && !isWorking(result)) {
      failures.push(`with ${live.mode}${how} the connection fails: ${result.problem?.message ?? result.error ?? result.status}`);
    } else if (result?.status === 'login-failed') {
      warnings.push(`TLS with ${live.mode}${how} works, but the login failed, so pg_stat_ssl could not be read: ${result.error ?? ''}`.trim());
    } else if (result && live.note && live.mode !== configured.mode) {
      warnings.push(`as configured the connection uses ${live.mode}${how}`);
    }
    // A mode that works today but would not survive the upgrade the policy recommends.
    const full = input.modes.find((r) => r.mode === 'verify-full');
    if (offMachine && live.mode !== 'verify-full' && full && !isWorking(full) && full.problem) {
      warnings.push(`verify-full would fail: ${full.problem.message}`);
    }
  }
  for (const p of input.advisories) warnings.push(p.message);
  return { meetsPolicy: failures.length === 0, required: required.mode, requiredBecause: required.because, failures, warnings };
}
