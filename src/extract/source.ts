// TypeScript and JavaScript source: connection strings in literals, TLS option objects, and
// assignments to process.env. The AST work lives in ./js/, one module per concern, each
// contributing node handlers; this module decides whether a file is worth parsing at all.
import { FactSink, unitOf, type Extractor } from './sink.js';
import { matchesOutsideComments, parseSource, type Node, type ParseOutcome } from './js/ast.js';
import { walk, Parents } from './js/walk.js';
import type { NodeHandlers, SourceAnalysis } from './js/analysis.js';
import { stringHandlers } from './js/strings.js';
import { tlsOptionHandlers } from './js/tls-options.js';
import { envAssignmentHandlers } from './js/env-assignments.js';
import { envReadHandlers } from './js/env-reads.js';
import { driverOptionHandlers } from './js/driver-options.js';
import { Resolver } from './js/scope.js';
import { literalAlternation } from '../text/literal-alternation.js';

export { parserLoaded } from './js/ast.js';

/**
 * A file that contains none of these cannot yield a fact worth reporting, and is not parsed:
 * parsing and analysing a file costs far more than reading it. `SSL` catches `PGSSLMODE`, `DB_SSL`
 * and `process.env.SSL_MODE`. Not the bare word `postgres`: real monorepos say it in class names,
 * types and comments (`PostgresRunStore`, "the Postgres run store") hundreds of times, and what
 * matters is a connection string's scheme or a Postgres client's module.
 */
export const SOURCE_TRIGGERS = [
  // Connection strings: `postgres://`, `postgresql://`, SQLAlchemy-style `postgresql+asyncpg://`, JDBC.
  'postgres://',
  'postgresql://',
  'postgres+',
  'postgresql+',
  // Modules and dialect names: `'postgres'` (postgres.js, TypeORM `type`, Sequelize `dialect`),
  // node-postgres, deno.land/x/postgres, @db/postgres, @vercel/postgres, drizzle-orm/postgres-js,
  // @modelcontextprotocol/server-postgres.
  "'postgres'",
  '"postgres"',
  '/postgres',
  '-postgres',
  'pg-pool',
  'pg-promise',
  'connect-pg-simple',
  'adapter-pg',
  'prisma/config',
  '@neondatabase',
  'slonik',
  'PostgresDialect',
  'sslmode',
  'PGSSL',
  'rejectUnauthorized',
  'REJECT_UNAUTHORIZED',
  'ssl',
  'SSL',
  'minVersion',
  'secureProtocol',
  'host=',
  'checkServerIdentity',
  // A driver handed an environment variable (`new Pool({ connectionString: process.env.DATABASE_URL })`): the value is judged where it is written, with this call's TLS options.
  'connectionString',
  "'pg'",
  '"pg"',
];

/** A Postgres client or ORM module named in the file (import, require, Deno URL). */
const CLIENT_MODULE =
  /(['"])(?:pg|postgres|pg-pool|pg-promise|pg-native|connect-pg-simple|knex|sequelize|sequelize-typescript|@sequelize\/core|typeorm|@nestjs\/typeorm|@prisma\/client|@prisma\/adapter-pg|prisma\/config|@mikro-orm\/[\w-]+|kysely|slonik|@neondatabase\/serverless|@vercel\/postgres|drizzle-orm\/[\w-]+|drizzle-kit)\1|deno\.land\/x\/postgres|@db\/postgres/;

// A test script that hands a connection string to the processes it starts (`process.env.DATABASE_URL = 'postgres://…'`).
const PROCESS_ENV = /NODE_TLS_REJECT_UNAUTHORIZED|PGSSL|process\.env\.\w+\s*=\s*[`'"]postgres(?:ql)?:\/\//;
/** What bundlers write into their output: esbuild's interop helpers and module comments, webpack's runtime. */
const BUNDLE_MARKER = /\b__toESM\(|\b__commonJS\(|\b__webpack_require__\b|^\/\/ node_modules\//m;

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Triggers that count only where a word starts. */
const WORD_START_TRIGGERS = new Set(['ssl', 'SSL']);

/**
 * The triggers as one regular expression (factored by prefix: see `literalAlternation`), valid in JavaScript and in PCRE (git grep -P): `ssl` and
 * `SSL` only where a word starts (`DB_SSL`, `ssl:`, `.SSL_MODE`), not inside base64 or identifiers
 * (`…AAAssl…`, `isSSL`); `PGSSL` is a trigger of its own.
 */
export function triggerPattern(words: readonly string[]): string {
  const unique = [...new Set(words)];
  const anywhere = unique.filter((t) => !WORD_START_TRIGGERS.has(t));
  const wordStart = unique.filter((t) => WORD_START_TRIGGERS.has(t));
  return [...(anywhere.length > 0 ? [literalAlternation(anywhere)] : []), ...(wordStart.length > 0 ? [`(?<![A-Za-z0-9])(?:${wordStart.join('|')})`] : [])].join('|');
}
export const SOURCE_TRIGGER_PATTERN = triggerPattern(SOURCE_TRIGGERS);
const TRIGGER = new RegExp(SOURCE_TRIGGER_PATTERN);
const TRIGGER_ALL = new RegExp(SOURCE_TRIGGER_PATTERN, 'g');

export function hasSourceTriggers(text: string): boolean {
  return TRIGGER.test(text);
}

type AnyHandler = (node: Node, analysis: SourceAnalysis) => void;

function registry(...groups: NodeHandlers[]): Map<string, AnyHandler[]> {
  const map = new Map<string, AnyHandler[]>();
  for (const group of groups) {
    for (const [type, handler] of Object.entries(group)) {
      if (!handler) continue;
      const list = map.get(type) ?? [];
      list.push(handler as AnyHandler);
      map.set(type, list);
    }
  }
  return map;
}

// Assignments claim their literal values before the string handlers see them (parents first).
const HANDLERS = registry(envAssignmentHandlers, tlsOptionHandlers, driverOptionHandlers, stringHandlers, envReadHandlers);

export const extractSource: Extractor = (input) => {
  const sink = new FactSink(input, 'source');
  // A trigger only in comments ("the SSL settings live in db.ts") does not make a 120 KB module worth
  // parsing; no trigger at all, neither (the same search: no separate test first).
  if (!matchesOutsideComments(input.text, TRIGGER_ALL)) return sink.result();
  // A committed bundle (esbuild, webpack) is build output: its library internals set TLS options for
  // every client they ship, and its configuration is a copy of the source's, judged there.
  if (BUNDLE_MARKER.test(input.text)) return sink.result();
  // Test code is judged only where it opens a connection (without a Postgres client it cannot) or
  // turns TLS off for the whole process (`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` in a seed script).
  if (sink.testCode && !CLIENT_MODULE.test(input.text) && !PROCESS_ENV.test(input.text)) return sink.result();
  // The ESLint plugin hands over the tree ESLint parsed; the CLI parses here.
  const parsed: ParseOutcome = input.program ? { ok: true, program: input.program } : parseSource(input.text, input.file);
  if (!parsed.ok) {
    sink.diagnostic(`${parsed.syntax ? 'syntax error' : 'cannot parse'}: ${parsed.message}`, parsed.offset);
    return sink.result();
  }
  const analysis: SourceAnalysis = {
    sink,
    unit: unitOf(input.file, 'source-file', input.file),
    parents: new Parents(parsed.program),
    consumed: new Set(),
    resolver: new Resolver(parsed.program, /\.cjs$/i.test(input.file)),
  };
  try {
    walk(parsed.program, analysis.parents, (node) => {
      const handlers = HANDLERS.get(node.type);
      if (handlers) for (const handle of handlers) handle(node, analysis);
    });
  } catch (e) {
    // allowInvalidAST can hand over shapes the types do not promise; keep what was found so far.
    sink.diagnostic(`cannot analyse this file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return sink.result();
};
