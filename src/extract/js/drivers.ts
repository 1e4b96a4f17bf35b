// What sslguard knows of the Postgres drivers, ORMs and Node's own TLS APIs: which exported
// function or class receives a configuration with TLS options, which library then reads those
// options (its semantics decide what `ssl: 'require'` means), and which program parses a
// connection string handed to it. Adding a driver is adding an entry here.
import type { ModuleOrigin } from './bindings.js';

export interface DriverApi {
  /** Recorded as `TlsOptionsFact.sink`. */
  sink: string;
  /** The library that reads the TLS options (`TlsOptionsFact.driver`). */
  driver: string;
  /** The program that parses a connection string handed to this API (`ConnectionFact.consumer`). */
  consumer?: string;
  /** Multi-database APIs talk to Postgres only when the configuration says so (`client: 'pg'`). */
  dialect?: { key: string; values: readonly string[] };
  /** Keys that are TLS options only inside this API's configuration, and where: Deno's `tls: { enforce }`. */
  tlsKeys?: { path: readonly string[]; keys: readonly string[] };
  /** A connection string at this property path (`connection.connectionString`) is parsed by another program than `consumer`. */
  pathConsumers?: Readonly<Record<string, string>>;
  /** Where the library takes TLS options from when several places set them (see js/tls-precedence.ts). */
  tlsPrecedence?: 'typeorm' | 'sequelize';
}

const NODE_POSTGRES = 'node-postgres';

const pg = (sink: string): DriverApi => ({ sink, driver: 'pg', consumer: NODE_POSTGRES });
const tls = (name: string): DriverApi => ({ sink: `tls.${name}`, driver: 'node:tls' });
const https = (name: string): DriverApi => ({ sink: `https.${name}`, driver: 'node:https' });

// knex 3.3.0 parses a string `connection` with its own pinned pg-connection-string 2.6.2 (no
// `uselibpqcompat`; lib/knex-builder/internal/config-resolver.js:48-51), then hands the result to
// pg; `connection: { connectionString }` goes to pg unparsed, and pg's own parser reads it.
const KNEX: DriverApi = {
  ...pg('knex'),
  consumer: 'knex',
  dialect: { key: 'client', values: ['pg', 'postgres', 'postgresql', 'pgnative', 'pg-native'] },
  pathConsumers: { 'connection.connectionString': NODE_POSTGRES },
};
// Sequelize parses its URL itself (query parameters become dialectOptions); it hands TLS options to pg.
const SEQUELIZE: DriverApi = {
  sink: 'Sequelize',
  driver: 'pg',
  consumer: 'sequelize',
  dialect: { key: 'dialect', values: ['postgres'] },
  // `dialectOptions.ssl.require`, the blog posts' companion of `rejectUnauthorized: false`.
  tlsKeys: { path: ['dialectOptions', 'ssl'], keys: ['require'] },
  tlsPrecedence: 'sequelize',
};
// Sequelize 7 (@sequelize/core) takes connection options, `ssl` included, at the top level.
const SEQUELIZE_7: DriverApi = { ...SEQUELIZE, tlsPrecedence: undefined };
const TYPEORM: DriverApi = { ...pg('typeorm.DataSource'), dialect: { key: 'type', values: ['postgres'] }, tlsPrecedence: 'typeorm' };
const MIKRO_ORM: DriverApi = pg('MikroORM');
const DRIZZLE_KIT: DriverApi = { sink: 'drizzle-kit', driver: 'drizzle-kit', consumer: 'drizzle-kit' };
const POSTGRES_JS: DriverApi = { sink: 'postgres', driver: 'postgres', consumer: 'postgres.js' };
const PRISMA_CONFIG: DriverApi = { sink: 'prisma.config', driver: 'prisma', consumer: 'prisma' };
const SLONIK: DriverApi = { sink: 'slonik.createPool', driver: 'slonik', consumer: 'slonik' };
const deno = (name: string): DriverApi => ({
  sink: `deno-postgres.${name}`,
  driver: 'deno-postgres',
  consumer: 'deno-postgres',
  tlsKeys: { path: ['tls'], keys: ['enabled', 'enforce', 'caCertificates'] },
});

/** Module → export path (`Pool`, `native.Pool`, `()` for "the module called") → API. */
const MODULES: Record<string, Record<string, DriverApi>> = {
  pg: { Pool: pg('pg.Pool'), Client: pg('pg.Client'), 'native.Pool': pg('pg.Pool'), 'native.Client': pg('pg.Client') },
  'pg-pool': { '': pg('pg.Pool') },
  'pg-promise': { '()': pg('pg-promise') },
  // express-session's Postgres store: `new (connectPgSimple(session))({ conString, conObject })` opens a pg Pool.
  'connect-pg-simple': { '()': pg('connect-pg-simple') },
  postgres: { '': POSTGRES_JS },
  slonik: { createPool: SLONIK, createConnection: SLONIK },
  kysely: { PostgresDialect: pg('kysely.PostgresDialect') },
  '@neondatabase/serverless': { Pool: pg('neon.Pool'), Client: pg('neon.Client'), neon: { sink: 'neon', driver: '@neondatabase/serverless', consumer: 'neon-http' } },
  '@vercel/postgres': { createPool: pg('vercel.createPool'), createClient: pg('vercel.createClient') },
  knex: { '': KNEX, knex: KNEX },
  sequelize: { '': SEQUELIZE, Sequelize: SEQUELIZE },
  'sequelize-typescript': { Sequelize: SEQUELIZE },
  '@sequelize/core': { Sequelize: SEQUELIZE_7 },
  typeorm: { DataSource: TYPEORM, createConnection: TYPEORM, createConnections: TYPEORM },
  '@nestjs/typeorm': { 'TypeOrmModule.forRoot': TYPEORM, 'TypeOrmModule.forRootAsync': TYPEORM },
  '@mikro-orm/core': { 'MikroORM.init': MIKRO_ORM, defineConfig: MIKRO_ORM },
  '@mikro-orm/postgresql': { 'MikroORM.init': MIKRO_ORM, defineConfig: MIKRO_ORM },
  '@mikro-orm/nestjs': { 'MikroOrmModule.forRoot': MIKRO_ORM, 'MikroOrmModule.forRootAsync': MIKRO_ORM },
  'drizzle-orm/node-postgres': { drizzle: pg('drizzle-orm/node-postgres') },
  'drizzle-orm/neon-serverless': { drizzle: pg('drizzle-orm/neon-serverless') },
  'drizzle-orm/vercel-postgres': { drizzle: pg('drizzle-orm/vercel-postgres') },
  'drizzle-orm/postgres-js': { drizzle: { ...POSTGRES_JS, sink: 'drizzle-orm/postgres-js' } },
  'drizzle-kit': { defineConfig: DRIZZLE_KIT },
  // `new PrismaClient({ datasources: { db: { url } } })`, `datasourceUrl`: Prisma's engine reads the URL.
  '@prisma/client': { PrismaClient: { sink: 'PrismaClient', driver: 'prisma', consumer: 'prisma' } },
  // Prisma's driver adapter (Prisma 7's only way to Postgres, Prisma 6's with driverAdapters):
  // `new PrismaPg({ connectionString, ssl })` hands its options to a pg.Pool.
  '@prisma/adapter-pg': { PrismaPg: pg('PrismaPg') },
  // prisma.config.ts: `defineConfig({ datasource: { url: env('DATABASE_URL') } })`, the Prisma CLI's
  // datasource; which client reads it depends on the installed Prisma (src/packages/clients.ts).
  'prisma/config': { defineConfig: PRISMA_CONFIG },
  'deno-postgres': { Client: deno('Client'), Pool: deno('Pool') },
  tls: { connect: tls('connect'), createSecureContext: tls('createSecureContext'), TLSSocket: tls('TLSSocket') },
  https: { Agent: https('Agent'), request: https('request'), get: https('get') },
  undici: { Agent: { sink: 'undici.Agent', driver: 'undici' }, Client: { sink: 'undici.Client', driver: 'undici' }, Pool: { sink: 'undici.Pool', driver: 'undici' } },
};

/** The API a call of this origin reaches (`new Pool(…)`, `pgp(…)`); the trailing `()` is the call itself. */
export function apiOfCallee(origin: ModuleOrigin): DriverApi | undefined {
  const table = MODULES[origin.module];
  return table?.[origin.path.join('.')];
}

/**
 * Callee as written → API, for names that no import or require binds (snippets, globals,
 * CommonJS that sslguard cannot follow): the drivers' conventional names.
 */
const BY_NAME: Record<string, DriverApi> = {
  Pool: pg('pg.Pool'),
  'pg.Pool': pg('pg.Pool'),
  'pg.native.Pool': pg('pg.Pool'),
  Client: pg('pg.Client'),
  'pg.Client': pg('pg.Client'),
  'pg.native.Client': pg('pg.Client'),
  'tls.connect': tls('connect'),
  'tls.createSecureContext': tls('createSecureContext'),
  'tls.TLSSocket': tls('TLSSocket'),
  'https.Agent': https('Agent'),
  Agent: https('Agent'),
  'https.request': https('request'),
  'https.get': https('get'),
  postgres: POSTGRES_JS,
  Sequelize: SEQUELIZE,
  knex: KNEX,
};

export function apiByName(dotted: string): DriverApi | undefined {
  return BY_NAME[dotted];
}

/** Configuration files whose default export is a driver's configuration, by file name. */
const CONFIG_FILES: Array<[RegExp, DriverApi, { environmentKeys?: boolean }]> = [
  [/(^|\/)drizzle\.config\.[cm]?[jt]s$/, DRIZZLE_KIT, {}],
  [/(^|\/)prisma\.config\.[cm]?[jt]s$/, PRISMA_CONFIG, {}],
  [/(^|\/)mikro-orm\.config\.[cm]?[jt]s$/, MIKRO_ORM, {}],
  [/(^|\/)ormconfig\.[cm]?[jt]s$/, TYPEORM, {}],
  // knexfile.js: `{ development: {…}, production: {…} }`, one configuration per environment.
  [/(^|\/)knexfile\.[cm]?[jt]s$/, KNEX, { environmentKeys: true }],
  // sequelize-cli's config (`config/config.js`, `config/database.js`): one configuration per environment.
  [/(^|\/)config\/(?:config|database)\.c?js$/, SEQUELIZE, { environmentKeys: true }],
];

/**
 * Clients of other databases and services whose options also say `ssl` / `tls` /
 * `rejectUnauthorized`. An options object that reaches no known client, in a file that uses one of
 * these and no Postgres driver, is theirs: not a Postgres connection, not judged.
 */
const NOT_POSTGRES = /^(?:mysql2?|mariadb|mssql|tedious|oracledb|mongodb|mongoose|ioredis|redis|@redis\/client|bullmq|bull|nodemailer|kafkajs|amqplib|amqp-connection-manager|mqtt|ldapjs|ws|socket\.io|axios|got|node-fetch|undici|@aws-sdk\/[\w-]+|@elastic\/elasticsearch|@clickhouse\/client|cassandra-driver|nats|smtp-server|imapflow|@planetscale\/database|@libsql\/client|better-sqlite3|sqlite3)(?:\/.*)?$/;

/** The module specifiers a file imports or requires, read from its text (cheap, and good enough to tell whose options an object is). */
function importedModules(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]([^'"\n]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** Whether a file uses a non-Postgres client (mysql2, ioredis, nodemailer, …) and no Postgres driver. */
export function usesOnlyOtherClients(text: string): boolean {
  const modules = importedModules(text);
  return modules.some((m) => NOT_POSTGRES.test(m)) && !modules.some(isDatabaseModule);
}

/** A module of a Postgres driver or ORM (Node's own `https`, `tls` and undici are not: a MySQL script fetches over https too). */
function isDatabaseModule(m: string): boolean {
  const table = Object.hasOwn(MODULES, m) ? MODULES[m] : undefined;
  if (table) return Object.values(table).some((api) => !api.driver.startsWith('node:') && api.driver !== 'undici');
  if (/^(?:pg|postgres|@prisma\/adapter-pg|@vercel\/postgres)$/.test(m)) return true;
  // `drizzle-orm/…postgres…` and `@neondatabase/…` on one line, without `.*postgres.*$`, which
  // backtracked over every `postgres` of a long specifier ending in a newline (quadratic).
  if (/[\n\r\u2028\u2029]/.test(m)) return false;
  return (m.startsWith('drizzle-orm/') && m.includes('postgres', 'drizzle-orm/'.length)) || m.startsWith('@neondatabase/');
}

export function apiOfConfigFile(file: string): { api: DriverApi; environmentKeys: boolean } | undefined {
  for (const [re, api, options] of CONFIG_FILES) if (re.test(file)) return { api, environmentKeys: options.environmentKeys ?? false };
  return undefined;
}
