// Connections written as separate variables rather than one string: `PGHOST` + `PGPORT` + `PGUSER`
// + `PGDATABASE` (libpq's own environment), `DB_HOST` + `DB_PORT` + `DB_NAME` (frameworks), or the
// keys of a Helm values block (`externalDatabase.host`). One unit's group is one connection: the
// host decides whether it leaves the machine, and the unit's sslmode / ssl settings decide its TLS,
// exactly as they would for a URL in the same unit. The password and the mode stay out of the
// assembled string: they are settings of the unit and are judged (once) there.
import type { ConnectionFact, Unit } from '../model.js';
import type { ValueLocation } from '../text/source.js';
import type { EmitOptions, FactSink } from './sink.js';

type Part = 'host' | 'port' | 'user' | 'dbname' | 'engine';

interface Recorded {
  name: string;
  value: string | undefined;
  loc: ValueLocation;
  options: EmitOptions;
}

interface Group {
  unit: Unit;
  stem: string;
  /** Named by no database word (ANY_KEY_PATH): synthesized only beside an sslmode key. */
  generic?: boolean;
  parts: Partial<Record<Part, Recorded>>;
}

const PART_WORDS: Record<string, Part> = {
  HOST: 'host',
  HOSTNAME: 'host',
  HOSTADDR: 'host',
  SERVER: 'host',
  PORT: 'port',
  USER: 'user',
  USERNAME: 'user',
  DATABASE: 'dbname',
  DBNAME: 'dbname',
  NAME: 'dbname',
  // What the application says it talks to (Laravel DB_CONNECTION, Strapi DATABASE_CLIENT).
  CONNECTION: 'engine',
  CLIENT: 'engine',
  DIALECT: 'engine',
  DRIVER: 'engine',
  ENGINE: 'engine',
  TYPE: 'engine',
};

/** `PGHOST`, `PG_HOST`, `DB_HOST`, `PROD_DB_HOST`, `DATABASE_HOSTNAME`, `POSTGRES_PORT`: stem and part. */
const ENV_NAME = /^((?:[A-Z0-9]+_)*?(?:DB|DATABASE|POSTGRES|POSTGRESQL|PG)_?)(HOST|HOSTNAME|HOSTADDR|SERVER|PORT|USER|USERNAME|DATABASE|DBNAME|NAME|CONNECTION|CLIENT|DIALECT|DRIVER|ENGINE|TYPE)$/i;
const KEY_PART = /^(?:host|hostname|port|user|username|database|dbname|name)$/i;
const DATABASE_WORD = /db|database|postgres|postgresql|pg/i;

/**
 * `externalDatabase.host`, `postgresql.auth.username`: a key under a block named for a database,
 * as `[stem, part]`. What `/^(.*(?:^|\.)[^.]*(?:db|…|pg)[^.]*(?:\.auth)?\.)(host|…|name)$/i`
 * matched, by segments: that expression backtracked over every database word of a long name
 * (quadratic: `pgpg…x` of 200 kB took 11.5 s).
 */
function keyPath(name: string): [string, string] | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || !KEY_PART.test(name.slice(dot + 1))) return undefined;
  const segments = name.slice(0, dot).split('.');
  let block = segments.length - 1;
  if (!DATABASE_WORD.test(segments[block]!)) {
    if (block < 1 || segments[block]!.toLowerCase() !== 'auth' || !DATABASE_WORD.test(segments[block - 1]!)) return undefined;
    block--;
  }
  // `.*` before the block stops at a line end.
  if (/[\n\r\u2028\u2029]/.test(segments.slice(0, block).join('.'))) return undefined;
  return [name.slice(0, dot + 1), name.slice(dot + 1)];
}

/** Ports of other database engines: a `DB_HOST` group with one of these is not Postgres. */
const OTHER_ENGINE_PORTS = new Set(['3306', '1433', '1521', '27017', '6379', '9042']);
/** Hosts of other engines: PlanetScale (MySQL), Azure MySQL, MongoDB Atlas, a container named for its engine. */
const OTHER_ENGINE_HOST = /(?:\.psdb\.cloud|\.mysql\.database\.azure\.com|\.mongodb\.net)$|^(?:mysql|mariadb|mongo|mongodb|redis|mssql|sqlserver)(?:[-_]?\d+)?$/i;
/** A neighbouring URL that names another engine: the unit's DB_* variables are that engine's. */
const OTHER_ENGINE_URL = /^(?:mysql2?|mariadb|mongodb(?:\+srv)?|rediss?|sqlserver|mssql|oracle|sqlite|file):/i;

export function splitPart(name: string): { stem: string; part: Part; generic?: boolean } | undefined {
  const env = ENV_NAME.exec(name);
  if (env) {
    // libpq reads only PGHOST and friends; `PGNAME` and `PGCLIENT` are nobody's.
    const stem = env[1]!.toUpperCase();
    const word = env[2]!.toUpperCase();
    if (stem === 'PG' && !['HOST', 'HOSTADDR', 'PORT', 'USER', 'DATABASE'].includes(word)) return undefined;
    return { stem, part: PART_WORDS[word]! };
  }
  const key = keyPath(name);
  if (key) return { stem: key[0].replace(/\.auth\.$/i, '.'), part: PART_WORDS[key[1].toUpperCase()]! };
  const generic = ANY_KEY_PATH.exec(name);
  if (generic) return { stem: generic[1]!, part: PART_WORDS[generic[2]!.toUpperCase()]!, generic: true };
  return undefined;
}

/**
 * A block of any name (`data.metadataConnection.host`): a connection only when the same block also
 * says `sslmode` (see SplitVariables.tlsBlocks): `smtp.host` + `smtp.port` is no database.
 */
const ANY_KEY_PATH = /^(.+\.)(host|hostname|port|user|username|database|dbname)$/;
/** `block.sslmode`, `block.sslMode`, `block.ssl_mode`. */
const SSLMODE_KEY = /^(.+\.)ssl[_-]?mode$/i;

/** Collects the parts per unit while a file is extracted, then adds one connection per group. */
export class SplitVariables {
  private readonly groups = new Map<string, Group>();
  /** Blocks (unit and key-path stem) that hold an `sslmode` key: their host is a database's. */
  private readonly tlsBlocks = new Set<string>();
  /** Units where another variable is a URL of another engine (`DATABASE_URL=mysql://…`). */
  private readonly otherEngine = new Set<string>();

  record(name: string, value: string | undefined, loc: ValueLocation, options: EmitOptions): void {
    if (!options.unit) return;
    if (value && OTHER_ENGINE_URL.test(value.trim())) this.otherEngine.add(options.unit.id);
    const tls = SSLMODE_KEY.exec(name);
    if (tls) this.tlsBlocks.add(`${options.unit.id}\u0000${tls[1]}`);
    const part = splitPart(name);
    if (!part) return;
    const key = `${options.unit.id}\u0000${part.stem}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { unit: options.unit, stem: part.stem, parts: {}, ...(part.generic ? { generic: true } : {}) }));
    // The last assignment wins, as in every env format.
    group.parts[part.part] = { name, value, loc, options };
  }

  /** Adds the assembled connections to the sink (call once, after extraction). */
  synthesize(sink: FactSink): void {
    for (const group of this.groups.values()) {
      const host = group.parts.host;
      if (!host?.value?.trim() || !isPostgres(group) || this.otherEngine.has(group.unit.id)) continue;
      if (group.generic && !this.tlsBlocks.has(`${group.unit.id}\u0000${group.stem}`)) continue;
      // `DATABASE_HOST=localhost:3306`: the port is written into the host.
      const hostPort = /^([^:\[\]]+):(\d{2,5})$/.exec(host.value.trim());
      if (hostPort && OTHER_ENGINE_PORTS.has(hostPort[2]!)) continue;
      if (OTHER_ENGINE_HOST.test(hostPort ? hostPort[1]! : host.value.trim())) continue;
      const hosts = host.value.split(',').map((h) => h.trim());
      if (hasConnectionTo(sink.facts, group.unit, hosts)) continue;
      const words = [`host=${quote(host.value.trim())}`];
      for (const [part, keyword] of [['port', 'port'], ['user', 'user'], ['dbname', 'dbname']] as const) {
        const v = group.parts[part]?.value?.trim();
        if (v) words.push(`${keyword}=${quote(v)}`);
      }
      const before = sink.facts.length;
      // Every sub-range of the assembled string maps to the host value: that is where the fact sits.
      sink.connection(words.join(' '), { ...host.loc, exact: false }, 0, { ...host.options, variable: host.name });
      const fact = sink.facts[before];
      if (fact?.kind === 'connection') fact.synthesized = 'split-variables';
    }
  }
}

function isPostgres(group: Group): boolean {
  if (group.stem === 'PG') return true;
  const engine = group.parts.engine?.value?.toLowerCase();
  if (engine && !/postgres|^pg|psql|cockroach|supabase|neon/.test(engine)) return false;
  const port = group.parts.port?.value?.trim();
  return !(port && OTHER_ENGINE_PORTS.has(port));
}

/** A connection string of the unit already names this host: the variables describe it, not a second connection. */
function hasConnectionTo(facts: readonly { kind: string }[], unit: Unit, hosts: string[]): boolean {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  return facts.some((f) => {
    const c = f as ConnectionFact;
    return c.kind === 'connection' && c.unit?.id === unit.id && c.hosts.some((h) => wanted.has(h.host.toLowerCase()));
  });
}

/** libpq keyword/value quoting: single quotes when the value has blanks, quotes or backslashes. */
function quote(value: string): string {
  if (value !== '' && !/[\s'\\]/.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
