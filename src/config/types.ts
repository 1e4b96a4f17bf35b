import type { EnvironmentName, SeverityOrOff } from '../model.js';

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
}

export const DEFAULT_CONFIG: ResolvedConfig = {
  rules: {},
  localHosts: [],
  environments: [],
  ignorePatterns: [],
  certExpiryDays: 30,
  maxFileSize: 2 * 1024 * 1024,
};
