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
  // Directus maps `DB_SSL__CA_FILE` to `ssl.ca_file`: a double underscore is a nesting level.
  [/SSL_*CERT_?PATH|SSL_*CA(_|$)|_CA_?CERT|SSL_*KEY_?PATH/i, 'cert-path'],
  // Application switches (Strapi `DATABASE_SSL`, TypeORM/Directus `DB_SSL`); `REDIS_SSL` is not a database's.
  [/(^|_)(DB|DATABASE|POSTGRES|POSTGRESQL|PG)_?SSL(_?ENABLED)?$/i, 'ssl'],
  [/PASSWORD|PASSWD|(^|_)PWD$/i, 'password'],
];

/**
 * A word of the name that names another service (`SMTP_REJECT_UNAUTHORIZED` is nodemailer's switch,
 * `REDIS_SSL_MODE` a Redis client's, `MYSQL_SSL_CA` MySQL's): not a Postgres client's TLS setting.
 */
const OTHER_SERVICE_WORD = /(?:^|_)(?:SMTP|MAIL|MAILER|EMAIL|IMAP|POP3|REDIS|VALKEY|KAFKA|AMQP|RABBIT|RABBITMQ|MQTT|NATS|MONGO|MONGODB|MYSQL|MARIADB|MSSQL|LDAP|ELASTIC|ELASTICSEARCH|OPENSEARCH|CLICKHOUSE|CASSANDRA|MINIO|S3)(?:_|$)/i;

export function settingCategory(name: string): SettingCategory | undefined {
  for (const [re, category] of CATEGORIES) {
    if (!re.test(name)) continue;
    // NODE_TLS_REJECT_UNAUTHORIZED is every client's; whose a password is, is the password rules' question.
    if (category !== 'node-tls-reject-unauthorized' && category !== 'password' && OTHER_SERVICE_WORD.test(name)) return undefined;
    return category;
  }
  return undefined;
}

/**
 * Keys of structured configuration (Helm values, a JSON-valued variable such as
 * `DB_SSL='{"rejectUnauthorized":false}'`) that carry the same settings under driver-style names:
 * `sslmode`/`sslMode`, `rejectUnauthorized`, `ssl: false`, `sslrootcert`, `password`. Upper-case
 * keys are environment variables (`env: { PGSSLMODE: disable }`) and are classified as such.
 */
const KEY_CATEGORIES: Array<[RegExp, SettingCategory]> = [
  [/^ssl[_-]?mode$/i, 'sslmode'],
  [/^reject[_-]?unauthori[zs]ed$/i, 'reject-unauthorized'],
  [/^ssl([_-]?enabled)?$/i, 'ssl'],
  [/^ssl[_-]?root[_-]?cert$/i, 'sslrootcert'],
  [/^ssl[_-]?cert$/i, 'sslcert'],
  [/^ssl[_-]?key$/i, 'sslkey'],
  [/^(ssl[_-]?)?min[_-]?(protocol[_-]?)?version$/i, 'ssl-min-protocol'],
  [/^(ssl[_-]?)?(ca|cert|key)[_-]?(file|path)$/i, 'cert-path'],
  [/password$/i, 'password'],
  // `pass` beside a `host` (`data.metadataConnection.pass`): a password by every other name.
  [/^(pass|passwd|pwd)$/i, 'password'],
];

export function keySettingCategory(key: string): SettingCategory | undefined {
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(key) || /^PG[A-Z]+$/.test(key)) return settingCategory(key);
  for (const [re, category] of KEY_CATEGORIES) if (re.test(key)) return category;
  return undefined;
}

/** Variables that point at a file on disk (relative paths there are fragile). */
export function isPathCategory(category: SettingCategory): boolean {
  return category === 'sslrootcert' || category === 'sslcert' || category === 'sslkey' || category === 'cert-path';
}
