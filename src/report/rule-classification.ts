import type { RuleMeta } from '../engine/rule.js';

/**
 * How code scanning ranks each rule. GitHub reads `security-severity` (a CVSS-like score, 0.0 to
 * 10.0, as a string) on rules tagged `security` and shows it as critical (9.0+), high (7.0–8.9),
 * medium (4.0–6.9) or low (0.1–3.9). The scores follow what an attacker gains when the finding
 * is left in place; the README's SARIF section has the same table with the reasons.
 */
export interface RuleClassification {
  securitySeverity: string;
  /** CWE ids, shown by GitHub as `external/cwe/cwe-<n>` tags. */
  cwe: number[];
}

const CLASSIFICATION: Record<string, RuleClassification> = {
  // Credentials and data cross the network in plaintext, readable by anyone on the path.
  'no-ssl-disabled': { securitySeverity: '8.1', cwe: [319] },
  // A committed literal password is a working credential for everyone with read access.
  'no-plaintext-password': { securitySeverity: '7.5', cwe: [798] },
  // A committed private key lets anyone impersonate the server or client it belongs to.
  'gitignore-certs': { securitySeverity: '7.5', cwe: [540, 321] },
  // Any certificate is accepted: an active man in the middle reads and changes everything.
  'no-reject-unauthorized': { securitySeverity: '7.4', cwe: [295] },
  // .env files hold an environment's real secrets.
  'gitignore-env': { securitySeverity: '7.0', cwe: [540] },
  // Encrypted but unauthenticated (require) or not bound to the host name (verify-ca).
  'require-verify-full': { securitySeverity: '5.9', cwe: [297] },
  // Protocol versions with known practical attacks.
  'tls-min-version': { securitySeverity: '5.9', cwe: [327] },
  // libpq falls back to `prefer`, which a man in the middle downgrades to plaintext.
  'require-sslmode': { securitySeverity: '5.3', cwe: [319] },
  // Other local users can read the key.
  'key-permissions': { securitySeverity: '4.4', cwe: [732] },
  // Connections fail, and the usual "fix" is switching verification off.
  'cert-expiry': { securitySeverity: '4.3', cwe: [324] },
  // Prisma reads verify-full as prefer and checks no certificate without sslaccept=strict: downgrade or impersonation.
  'prisma-ssl': { securitySeverity: '7.4', cwe: [295, 319] },
  // The setting protects nothing; the client's own default applies (or the connection fails).
  'ignored-tls-setting': { securitySeverity: '4.3', cwe: [1188] },
  // Verification depends on a default root file that may be absent or wrong.
  'require-root-cert': { securitySeverity: '3.7', cwe: [295] },
  // Verified today; a pg major upgrade silently drops the certificate check (require) or the host-name check (verify-ca).
  'pg-sslmode-alias': { securitySeverity: '3.7', cwe: [295] },
  // The host-name check fails at run time; people then lower the mode.
  'verify-full-ip-host': { securitySeverity: '3.1', cwe: [297] },
  // A relative path resolves against the process's directory: verification breaks at run time.
  'absolute-cert-path': { securitySeverity: '3.1', cwe: [] },
};

/** Rules without an entry (added later, or a plugin's) are ranked by their default severity. */
const BY_DEFAULT_SEVERITY = { error: '7.0', warning: '4.0' } as const;

export function classifyRule(meta: Pick<RuleMeta, 'id' | 'defaultSeverity'>): RuleClassification {
  return CLASSIFICATION[meta.id] ?? { securitySeverity: BY_DEFAULT_SEVERITY[meta.defaultSeverity], cwe: [] };
}

/** Rule ids with an explicit classification (for the documentation test). */
export const CLASSIFIED_RULE_IDS: readonly string[] = Object.keys(CLASSIFICATION);
