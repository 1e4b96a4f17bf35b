// The policy: the weakest sslmode each environment accepts for a connection that leaves the
// machine. The defaults are the guide's decision tree; `policy` in the config changes them.
import type { EnvironmentName, Severity } from '../model.js';
import { DEFAULT_POLICY, type PolicyMode, type ResolvedConfig } from '../config/types.js';

/**
 * The minimum for an environment. Configs built by hand (tests, integrations written before the
 * `policy` key existed) may lack it or some of its keys: those fall back to the guide's defaults.
 */
export function minimumMode(config: Partial<Pick<ResolvedConfig, 'policy'>> | undefined, environment: EnvironmentName): PolicyMode {
  return config?.policy?.[environment] ?? DEFAULT_POLICY[environment];
}

/**
 * How a connection below the minimum is reported: an error where the environment is known; a
 * warning where it is not, because the minimum then stands for a guess (the file may be production).
 */
export function severityBelowMinimum(environment: EnvironmentName): Severity {
  return environment === 'unknown' ? 'warning' : 'error';
}
