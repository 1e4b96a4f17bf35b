import type { SettingCategory } from '../model.js';

/**
 * Which environment-style variables matter for TLS, by name. Order matters: the first match wins,
 * so `PGSSLROOTCERT` is a root certificate and not a generic certificate path.
 */
const CATEGORIES: Array<[RegExp, SettingCategory]> = [
  [/^NODE_TLS_REJECT_UNAUTHORIZED$/i, 'node-tls-reject-unauthorized'],
  [/REJECT_?UNAUTHORI[ZS]ED$/i, 'reject-unauthorized'],
  [/^PGSSLMODE$|SSL_?MODE$/i, 'sslmode'],
  [/^PGSSLROOTCERT$|SSL_?ROOT_?CERT$/i, 'sslrootcert'],
  [/^PGSSLCERT$/i, 'sslcert'],
  [/^PGSSLKEY$/i, 'sslkey'],
  [/^PGSSLMINPROTOCOLVERSION$|SSL_?MIN_?PROTOCOL/i, 'ssl-min-protocol'],
  [/SSL_?CERT_?PATH|SSL_?CA(_|$)|_CA_?CERT|SSL_?KEY_?PATH/i, 'cert-path'],
  [/PASSWORD|PASSWD|(^|_)PWD$/i, 'password'],
];

export function settingCategory(name: string): SettingCategory | undefined {
  for (const [re, category] of CATEGORIES) if (re.test(name)) return category;
  return undefined;
}

/** Variables that point at a file on disk (relative paths there are fragile). */
export function isPathCategory(category: SettingCategory): boolean {
  return category === 'sslrootcert' || category === 'sslcert' || category === 'sslkey' || category === 'cert-path';
}
