import type { EnvironmentName, SeverityOrOff } from '../model.js';

/**
 * The sslmodes a policy may ask for. Weaker modes are never a minimum: a connection that leaves the
 * machine always needs TLS (no-ssl-disabled), and a local one is never judged.
 */
export const POLICY_MODES = ['require', 'verify-ca', 'verify-full'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

/** The weakest sslmode accepted for connections that leave the machine, per environment. */
export type EnvironmentPolicy = Record<EnvironmentName, PolicyMode>;

/**
 * The guide's decision tree: production verify-full, staging and testing over a network verify-ca,
 * anything else off the machine require. An unknown environment may be production, so it is held
 * to production's mode, as warnings (see src/policy/minimum.ts).
 */
export const DEFAULT_POLICY: Readonly<EnvironmentPolicy> = {
  production: 'verify-full',
  staging: 'verify-ca',
  development: 'require',
  unknown: 'verify-full',
};

/** The effective configuration: data only (never code from the scanned repository). */
export interface ResolvedConfig {
  /** Rule id → severity override. Rules not listed keep their default severity. */
  rules: Record<string, SeverityOrOff>;
  /** Extra host names (exact, or `*.suffix`) that count as local. */
  localHosts: string[];
  /** Glob (matched against the POSIX path relative to the scan root) → environment. First match wins. */
  environments: Array<{ pattern: string; environment: EnvironmentName }>;
  /** Globs of paths not to scan, on top of .gitignore. */
  ignorePatterns: string[];
  /** `cert-expiry` warns this many days before a certificate expires. */
  certExpiryDays: number;
  /** Files larger than this many bytes are skipped with a diagnostic. */
  maxFileSize: number;
  /**
   * Follow values across files (issue 5: `${VAR}` from `.env`, `secretKeyRef`, `process.env.NAME`).
   * Not a config-file key: `--no-cross-file` turns it off to judge each file alone, as the ESLint plugin must.
   */
  crossFile?: boolean;
  /** Minimum sslmode per environment for connections that leave the machine (`require-verify-full`). */
  policy: EnvironmentPolicy;
}

export const DEFAULT_CONFIG: ResolvedConfig = {
  rules: {},
  localHosts: [],
  environments: [],
  ignorePatterns: [],
  certExpiryDays: 30,
  maxFileSize: 2 * 1024 * 1024,
  policy: { ...DEFAULT_POLICY },
};
