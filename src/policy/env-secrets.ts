// Whether a committed env file holds anything worth rotating: `.envrc` with `use devenv`, a
// `.env.test` whose values are all `test`, or `COMPOSE_PROJECT_NAME=sentry` leak nothing, while one
// API token or one real database URL makes the whole file a leak.
import { parse } from 'dotenv';
import { findConnectionStrings } from '../connection/find.js';
import { parseConnectionString } from '../connection/parse.js';
import { classifyHost, exampleHostReason } from '../connection/hosts.js';
import { isPlaceholder } from '../connection/placeholder.js';

/** The last word of a variable that holds a secret: `DB_PASSWORD`, `JWT_SECRET`, `GITHUB_TOKEN`, `STRIPE_API_KEY`, `AWS_SECRET_ACCESS_KEY`. */
const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PWD|PASS|SECRET|SECRET_KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|CLIENT_SECRET|CREDENTIALS?|DSN)$/i;

/** Stock values of development set-ups: a database on the same machine or compose network uses them, they protect nothing. */
const STOCK = /^(?:postgres|postgresql|root|admin|administrator|password|pass|secret|test|tests|testing|dev|development|local|localhost|example|sample|default|demo|user|guest|changeme|change-me|changeit|true|false|yes|no|on|off|none|null|undefined|\d{1,6})$/i;

/**
 * A value typed as a dummy: runs of consecutive characters (`1234567890abcdef…`, `abcdef123456`)
 * or of one character repeated (`xxxxxxxx`) make up nearly all of it. Test env files and fixtures
 * are full of them; a generated secret almost never has a run of four.
 */
export function looksLikeDummy(value: string): boolean {
  const s = value.toLowerCase();
  let covered = 0;
  for (let i = 0; i < s.length; ) {
    let j = i + 1;
    for (; j < s.length; j++) {
      const a = s.charCodeAt(j - 1);
      const b = s.charCodeAt(j);
      // Ascending (`a`→`b`, `9`→`0` in 1234567890) or repeated.
      if (!(b === a + 1 || b === a || (a === 0x39 && b === 0x30))) break;
    }
    if (j - i >= 4) covered += j - i;
    i = j;
  }
  return covered >= s.length * 0.9;
}

/** Whether the value of a secret-named variable looks like a real secret (not a placeholder, stock value, dummy or phrase). */
function secretValue(name: string, value: string): boolean {
  const v = value.trim();
  if (!SECRET_NAME.test(name) || v.length < 6 || isPlaceholder(v) || STOCK.test(v) || looksLikeDummy(v)) return false;
  // A phrase telling the reader what to write (`your-super-secret-and-long-postgres-password`).
  if (/^[a-z]+(?:[-_][a-z]+){2,}$/.test(v)) return false;
  return true;
}

/** A connection string to a real host off the machine, or with a real password. */
function realConnection(value: string): boolean {
  for (const found of findConnectionStrings(value)) {
    const parsed = parseConnectionString(found.text);
    if (!parsed.ok) continue;
    const c = parsed.connection;
    const remote = c.hosts.filter((h) => classifyHost(h.host, { socket: h.socket, localHosts: [], containerNetwork: true }).class === 'remote' && !exampleHostReason(h.host));
    if (remote.length > 0) return true;
    // A generated password, even for a container of the project, is one somebody uses.
    if (c.password && !isPlaceholder(c.password.value) && looksGenerated(c.password.value)) return true;
  }
  return false;
}

/**
 * The first variable of an env file's text that holds a secret or a real remote connection, as
 * `NAME`; undefined when none does. Values are never returned.
 */
export function envSecretOf(text: string): string | undefined {
  let entries: Record<string, string>;
  try {
    entries = parse(text);
  } catch {
    return undefined;
  }
  for (const [name, value] of Object.entries(entries)) {
    if (secretValue(name, value) || realConnection(value)) return name;
  }
  return undefined;
}

/**
 * A password that was generated rather than typed as a default: at least 10 characters of three
 * kinds (lower case, upper case, digits, symbols). Templates are judged by this alone, since they
 * are full of defaults (`plane`, `postgres`, `your-db-password`) that everyone replaces.
 */
export function looksGenerated(value: string): boolean {
  const v = value.trim();
  if (v.length < 10 || isPlaceholder(v) || looksLikeDummy(v)) return false;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  return kinds >= 3;
}

/** Words of a variable or key path, camelCase split: `postgres.auth.postgresPassword` → postgres, auth, postgres, password. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const DATABASE_WORDS = new Set(['pg', 'postgres', 'postgresql', 'psql', 'db', 'database', 'databases', 'supabase', 'neon', 'rds', 'aurora', 'pgbouncer', 'timescale', 'externaldatabase', 'datasource']);
/** Databases that are not Postgres: `MYSQL_DB_PASSWORD` is theirs. */
const OTHER_DATABASES = new Set(['mysql', 'mariadb', 'mongo', 'mongodb', 'redis', 'clickhouse']);
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass']);
/** A database word glued to the password word: `PGPASSWORD`, `DBPASS`. */
const GLUED_PASSWORD = /^(?:pg|db|postgres)pass(?:word)?$/;

/**
 * A Postgres password by its name: it ends in a password word and names a database (`DB_PASSWORD`,
 * `POSTGRES_PASSWORD`, `PGPASSWORD`, `externalDatabase.password`), not another service
 * (`SMTP_PASSWORD`, `MINIO_ROOT_PASSWORD`) nor a flag (`PASSWORD_RESET_DISABLED`).
 */
export function isDatabasePasswordName(name: string): boolean {
  const w = words(name);
  const last = w[w.length - 1];
  if (last === undefined) return false;
  if (GLUED_PASSWORD.test(last)) return true;
  if (!PASSWORD_WORDS.has(last)) return false;
  const before = w.slice(0, -1);
  return before.some((x) => DATABASE_WORDS.has(x)) && !before.some((x) => OTHER_DATABASES.has(x));
}

/** `password`, `PASSWORD`, `pass`: a password of whatever the surrounding block connects to. */
export function isBarePasswordName(name: string): boolean {
  // A key path's last key (`data.metadataConnection.pass`): the block around it says whose.
  const w = words(name.slice(name.lastIndexOf('.') + 1));
  return w.length === 1 && PASSWORD_WORDS.has(w[0]!);
}

/** A unit or block named for a database (`orders-db`, `postgres-credentials`). */
export function namesDatabase(name: string): boolean {
  return words(name).some((w) => DATABASE_WORDS.has(w));
}
