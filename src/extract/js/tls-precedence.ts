// Where a driver takes its TLS options from when a configuration writes them in more than one
// place. What the library never reads is set apart (TlsOptionsFact.unread), so the rules judge the
// options that win. As each library's source shows:
// - node-postgres, pg 8.23.1 lib/connection-parameters.js:59-60: a `connectionString` is parsed and
//   the result assigned over the configuration; pg-connection-string 2.14.1 index.js:69-85 sets
//   `ssl` whenever the URL has ssl, sslmode, sslcert, sslkey or sslrootcert (or
//   sslnegotiation=direct), so the `ssl` written beside it is dropped, a CA in it included.
// - TypeORM 0.3.31 driver/postgres/PostgresDriver.js:1194-1206 builds
//   `Object.assign({ connectionString: url, ssl }, extra)`: `extra.ssl` replaces `ssl`, and pg then
//   lets the URL's TLS parameters replace both.
// - Sequelize 6.37.8 lib/sequelize.js:76-95 assigns the URL's query, then pg-connection-string's
//   parse of the URL, over `dialectOptions`: URL TLS parameters replace `dialectOptions.ssl`.
//   lib/dialects/postgres/connection-manager.js:72-97 hands pg `dialectOptions.ssl` only: a
//   top-level `ssl` option never reaches it. (Sequelize 7 reads a top-level `ssl`; not covered.)
// Only literal nesting is followed (`new DataSource({ …, extra: { ssl } })`, also through a
// `const` holding the URL); a configuration assembled elsewhere keeps all its options judged.
import type { TSESTree, Node } from './ast.js';
import type { SourceAnalysis } from './analysis.js';
import type { Flow } from './receivers.js';
import { fold, unwrapTs } from './fold.js';
import { propertyKeyName } from './names.js';

export interface Unread {
  /** The options of the object that are not read: only its `ssl` key, or all (the object is inside an `ssl` that is not read). */
  keys: 'ssl' | 'all';
  by: 'url' | 'extra.ssl' | 'nothing';
  because: string;
}

/** Query parameters that make pg-connection-string set `ssl` (index.js:69-85). */
const URL_TLS_PARAMS = new Set(['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert']);

/** The TLS parameters of a connection string literal, as written (`sslmode=require`). */
function urlTlsParams(url: string): string[] {
  if (!/^postgres(?:ql)?:\/\//i.test(url.trim())) return [];
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: string[] = [];
  for (const pair of url.slice(q + 1).split('#')[0]!.split('&')) {
    const eq = pair.indexOf('=');
    let key = eq < 0 ? pair : pair.slice(0, eq);
    try {
      key = decodeURIComponent(key);
    } catch {
      continue;
    }
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    if (URL_TLS_PARAMS.has(key) || (key === 'sslnegotiation' && value === 'direct')) out.push(`${key}=${value}`);
  }
  return out;
}

function property(object: TSESTree.ObjectExpression | undefined, name: string): TSESTree.Property | undefined {
  if (!object) return undefined;
  let found: TSESTree.Property | undefined;
  for (const p of object.properties) if (p.type === 'Property' && propertyKeyName(p) === name) found = p;
  return found;
}

function objectValue(p: TSESTree.Property | undefined): TSESTree.ObjectExpression | undefined {
  const v = p && unwrapTs(p.value as Node);
  return v?.type === 'ObjectExpression' ? v : undefined;
}

/** The TLS parameters of the connection string a property holds, when it is a known string. */
function urlParamsOf(node: Node | undefined, analysis: SourceAnalysis): string[] {
  const v = node ? fold(node, analysis.resolver) : undefined;
  return typeof v === 'string' ? urlTlsParams(v) : [];
}

/** The object literals from the outermost one down to `node`, with the key leading to each next one. */
function literalChain(node: TSESTree.ObjectExpression, analysis: SourceAnalysis): { objects: TSESTree.ObjectExpression[]; keys: string[] } {
  const objects: TSESTree.ObjectExpression[] = [node];
  const keys: string[] = [];
  let current: Node = node;
  for (;;) {
    let up = analysis.parents.of(current);
    while (up && (up.type === 'TSAsExpression' || up.type === 'TSSatisfiesExpression')) {
      current = up;
      up = analysis.parents.of(current);
    }
    const object: Node | undefined = up?.type === 'Property' && up.value === current ? analysis.parents.of(up) : undefined;
    if (up?.type !== 'Property' || object?.type !== 'ObjectExpression') break;
    const key = propertyKeyName(up);
    if (key === undefined) break;
    objects.unshift(object);
    keys.unshift(key);
    current = object;
  }
  return { objects, keys };
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((k, i) => path[i] === k);
}

/** The options of an object that a pg-based library never reads, and why; undefined when all are read. */
export function unreadTls(node: TSESTree.ObjectExpression, flow: Flow, analysis: SourceAnalysis): Unread | undefined {
  if (flow.api?.driver !== 'pg') return undefined;
  const { objects, keys } = literalChain(node, analysis);
  // The path from the API's configuration to `node`; NestJS `forRootAsync({ useFactory: () => ({ … }) })` included.
  const rel = flow.path[0] === 'useFactory' && flow.path[1] === '()' ? flow.path.slice(2) : flow.path;
  const hasSsl = property(node, 'ssl') !== undefined;
  // The object at path `prefix` from the configuration, when the literal nesting reaches it.
  const at = (prefix: readonly string[]): TSESTree.ObjectExpression | undefined => {
    const index = objects.length - 1 - (rel.length - prefix.length);
    return index >= 0 && startsWith(rel, prefix) ? objects[index] : undefined;
  };
  const precedence = flow.api.tlsPrecedence;

  if (precedence === 'typeorm') {
    const config = at([]);
    const url = urlParamsOf(property(config, 'url')?.value as Node | undefined, analysis);
    const byUrl = (what: string): Unread => ({
      keys: 'all',
      by: 'url',
      because: `\`url\` carries ${url.join('&')}, and node-postgres then takes its TLS settings from the URL alone, in place of ${what}`,
    });
    // `ssl` itself (its key, or everything inside it) gives way to the URL, else to `extra.ssl`.
    const sslKeys = rel.length === 0 && hasSsl ? 'ssl' : rel[0] === 'ssl' ? 'all' : undefined;
    if (sslKeys) {
      if (url.length) return { ...byUrl('`ssl`'), keys: sslKeys };
      if (property(objectValue(property(config, 'extra')), 'ssl')) return { keys: sslKeys, by: 'extra.ssl', because: 'TypeORM hands `extra.ssl` to node-postgres in place of `ssl`' };
    }
    if (rel.length === 1 && rel[0] === 'extra' && hasSsl && url.length) return { ...byUrl('`extra.ssl`'), keys: 'ssl' };
    if (rel[0] === 'extra' && rel[1] === 'ssl' && url.length) return byUrl('`extra.ssl`');
    return undefined;
  }

  if (precedence === 'sequelize') {
    const notRead: Omit<Unread, 'keys'> = { by: 'nothing', because: "Sequelize's postgres dialect hands node-postgres only `dialectOptions.ssl`; a top-level `ssl` never reaches it" };
    if (rel.length === 0 && hasSsl) return { keys: 'ssl', ...notRead };
    if (rel[0] === 'ssl') return { keys: 'all', ...notRead };
    // `new Sequelize(url, { dialectOptions: { ssl } })`: the URL is the call's first argument.
    const config = at([]);
    const call = config && analysis.parents.of(config);
    const url =
      call && (call.type === 'NewExpression' || call.type === 'CallExpression') && call.arguments[1] === config ? urlParamsOf(call.arguments[0] as Node, analysis) : [];
    if (url.length === 0) return undefined;
    const because = `the URL carries ${url.join('&')}, and Sequelize puts the URL's TLS settings in place of \`dialectOptions.ssl\``;
    if (rel.length === 1 && rel[0] === 'dialectOptions' && hasSsl) return { keys: 'ssl', by: 'url', because };
    if (rel[0] === 'dialectOptions' && rel[1] === 'ssl') return { keys: 'all', by: 'url', because };
    return undefined;
  }

  // node-postgres itself and what hands it a configuration unchanged (knex `connection`, Drizzle,
  // Kysely's Pool, pg-promise): the `connectionString` beside `ssl`.
  const sslAt = hasSsl ? rel.length : rel.lastIndexOf('ssl');
  if (sslAt < 0) return undefined;
  const holder = hasSsl ? node : at(rel.slice(0, sslAt));
  const url = urlParamsOf(property(holder, 'connectionString')?.value as Node | undefined, analysis);
  if (url.length === 0) return undefined;
  return {
    keys: hasSsl ? 'ssl' : 'all',
    by: 'url',
    because: `\`connectionString\` carries ${url.join('&')}, and node-postgres then takes its TLS settings from the URL alone, in place of \`ssl\``,
  };
}
