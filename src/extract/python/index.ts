// Python source: the Postgres clients of Python MCP servers and the apps behind them. asyncpg,
// psycopg 3 / psycopg2 (and psycopg_pool), SQLAlchemy engines, Django's DATABASES and
// dj-database-url; `os.getenv` / `os.environ` reads handed to them (resolved across files like
// `process.env.X`), `os.environ[...] = ...` assignments, and `ssl` contexts that turn verification
// off. Only files that mention a trigger word are parsed (see PYTHON_TRIGGERS).
import type { LiteralValue, TlsOption, TlsOptionsFact, Unit } from '../../model.js';
import { FactSink, unitOf, type Extractor } from '../sink.js';
import { triggerPattern } from '../source.js';
import { parsePython, descendants, named, type PyNode } from './tree.js';
import { callArguments, dictEntries, moduleNames, qualifiedName, type CallArguments, type ModuleNames } from './names.js';
import { stringValue, STRING_TYPES, type PyString } from './strings.js';
import { findConnectionStrings } from '../../connection/find.js';

/**
 * A Python file that mentions none of these cannot yield a fact and is not parsed. The connection
 * string schemes, the client modules, Django's settings name, libpq's variables and `ssl` as a word
 * (`import ssl`, `ssl=`, `sslmode`, `ssl.CERT_NONE`).
 */
export const PYTHON_TRIGGERS = ['postgres://', 'postgresql://', 'postgres+', 'postgresql+', 'asyncpg', 'psycopg', 'sqlalchemy', 'dj_database_url', 'DATABASES', 'PGSSL', 'ssl', 'SSL'];
export const PYTHON_TRIGGER_PATTERN = triggerPattern(PYTHON_TRIGGERS);
const TRIGGER = new RegExp(PYTHON_TRIGGER_PATTERN);

export function hasPythonTriggers(text: string): boolean {
  return TRIGGER.test(text);
}

/** A Postgres client call: where it takes the connection string, and which library reads it. */
interface ClientApi {
  /** `ConnectionFact.consumer` of the strings it reads. */
  consumer: 'asyncpg' | 'psycopg' | 'sqlalchemy' | 'dj-database-url';
  /** The TLS keyword arguments' reader (see TlsOptionsFact.driver); SQLAlchemy's depends on `connect_args`. */
  driver?: 'asyncpg' | 'psycopg';
  /** Position and keyword of the DSN argument. */
  dsn: { position?: number; keyword: string };
  /** dj_database_url.config: the variable read when `env=` is not given. */
  env?: string;
}

const ASYNCPG: ClientApi = { consumer: 'asyncpg', driver: 'asyncpg', dsn: { position: 0, keyword: 'dsn' } };
const PSYCOPG3: ClientApi = { consumer: 'psycopg', driver: 'psycopg', dsn: { position: 0, keyword: 'conninfo' } };
const PSYCOPG2: ClientApi = { consumer: 'psycopg', driver: 'psycopg', dsn: { position: 0, keyword: 'dsn' } };
const SQLALCHEMY: ClientApi = { consumer: 'sqlalchemy', dsn: { position: 0, keyword: 'url' } };

const CLIENTS: Record<string, ClientApi> = {
  'asyncpg.connect': ASYNCPG,
  'asyncpg.create_pool': ASYNCPG,
  'asyncpg.pool.create_pool': ASYNCPG,
  'asyncpg.connection.connect': ASYNCPG,
  'psycopg.connect': PSYCOPG3,
  'psycopg.Connection.connect': PSYCOPG3,
  'psycopg.AsyncConnection.connect': PSYCOPG3,
  'psycopg_pool.ConnectionPool': PSYCOPG3,
  'psycopg_pool.AsyncConnectionPool': PSYCOPG3,
  'psycopg2.connect': PSYCOPG2,
  // psycopg2.pool.*ConnectionPool(minconn, maxconn, *args, **kwargs): the rest goes to psycopg2.connect.
  'psycopg2.pool.SimpleConnectionPool': { ...PSYCOPG2, dsn: { position: 2, keyword: 'dsn' } },
  'psycopg2.pool.ThreadedConnectionPool': { ...PSYCOPG2, dsn: { position: 2, keyword: 'dsn' } },
  'sqlalchemy.create_engine': SQLALCHEMY,
  'sqlalchemy.engine.create_engine': SQLALCHEMY,
  'sqlalchemy.ext.asyncio.create_async_engine': SQLALCHEMY,
  'sqlmodel.create_engine': SQLALCHEMY,
  'dj_database_url.config': { consumer: 'dj-database-url', driver: 'psycopg', dsn: { keyword: 'default' }, env: 'DATABASE_URL' },
  'dj_database_url.parse': { consumer: 'dj-database-url', driver: 'psycopg', dsn: { position: 0, keyword: 'url' } },
};

/** Calls that read an environment variable: `os.getenv('X', default)`, `os.environ.get`, python-decouple's `config`. */
const ENV_GETTERS = new Set(['os.getenv', 'os.environ.get', 'decouple.config']);
const SSL_CONTEXT_FACTORIES = new Set(['ssl.create_default_context', 'ssl.SSLContext', 'ssl._create_unverified_context']);
/** The modules whose presence makes an SSL context that reaches no known call a Postgres client's, maybe. */
const CLIENT_MODULE = /^(?:asyncpg|psycopg|psycopg2|psycopg_pool|sqlalchemy|sqlmodel|dj_database_url)(?:\.|$)/;

/** `DATABASE_URL`, `SQLALCHEMY_DATABASE_URI`, `pg_dsn`, `POSTGRES_URL`: a name that holds a database URL. */
const DATABASE_URL_NAME = /^(?:[a-z0-9]*?(?:database|db|postgres|postgresql|pg|supabase|neon|pooler)(?:url|uri|dsn|connectionstring|connstring|connectionuri)|connectionstring|connstring|dsn|conninfo)$/i;

interface EnvRead {
  name: string;
  node: PyNode;
  fallback?: PyNode;
}

/** One value an expression may take. */
type Val = { kind: 'string'; node: PyNode; str: PyString; via?: string; whenUnset?: EnvRead } | { kind: 'env'; read: EnvRead } | { kind: 'literal'; node: PyNode; value: LiteralValue; whenUnset?: EnvRead; via?: string } | { kind: 'context'; name?: string; node: PyNode } | { kind: 'unknown'; node: PyNode };

interface SslContext {
  /** `ctx.verify_mode = ssl.CERT_NONE` or `ssl._create_unverified_context()`. */
  unverified?: { node: PyNode; written: string };
  /** `ctx.check_hostname = False`. */
  noHostname?: { node: PyNode; written: string };
  /** Reached a client call (judged there). */
  used?: boolean;
}

class PythonAnalysis {
  readonly names: ModuleNames;
  readonly consumed = new Set<PyNode>();
  readonly contexts = new Map<string, SslContext>();
  readonly unit: Unit;
  private readonly all: PyNode[];

  constructor(
    readonly sink: FactSink,
    root: PyNode,
  ) {
    this.all = [...descendants(root)];
    this.names = moduleNames(this.all, sink.text);
    this.unit = unitOf(sink.file, 'source-file', sink.file);
  }

  src(n: PyNode): string {
    return this.sink.text.slice(n.from, n.to);
  }

  qual(n: PyNode): string | undefined {
    return qualifiedName(n, this.sink.text, this.names);
  }

  run(): void {
    this.collectContexts();
    for (const n of this.all) if (n.type === 'CallExpression') this.onCall(n);
    for (const n of this.all) if (n.type === 'AssignStatement') this.onAssign(n);
    this.reportLooseContexts();
    for (const n of this.all) if (STRING_TYPES.has(n.type) && n.parent?.type !== 'ContinuedString') this.onString(n);
  }

  // ---- values ----------------------------------------------------------------------------------

  envRead(n: PyNode): EnvRead | undefined {
    if (n.type === 'CallExpression') {
      const q = this.qual(n.children[0]!);
      if (!q || !ENV_GETTERS.has(q)) return undefined;
      const args = callArguments(n, this.sink.text);
      const first = args.positional[0];
      const name = first && stringValue(this.sink.text, first)?.value;
      if (!name) return undefined;
      const fallback = args.positional[1] ?? args.keywords.get('default')?.value;
      return { name, node: n, ...(fallback ? { fallback } : {}) };
    }
    if (n.type === 'MemberExpression' && n.children[1]?.type === '[') {
      const object = n.children[0]!;
      if (this.qual(object) !== 'os.environ') return undefined;
      const index = n.children[2];
      const name = index && stringValue(this.sink.text, index)?.value;
      return name ? { name, node: n } : undefined;
    }
    return undefined;
  }

  values(n: PyNode, depth = 0, via?: string): Val[] {
    if (depth > 5) return [{ kind: 'unknown', node: n }];
    if (STRING_TYPES.has(n.type)) {
      const str = stringValue(this.sink.text, n);
      return str ? [{ kind: 'string', node: n, str, ...(via ? { via } : {}) }] : [{ kind: 'unknown', node: n }];
    }
    switch (n.type) {
      case 'Boolean':
        return [{ kind: 'literal', node: n, value: this.src(n) === 'True', ...(via ? { via } : {}) }];
      case 'None':
        return [{ kind: 'literal', node: n, value: null }];
      case 'Number':
        return [{ kind: 'literal', node: n, value: Number(this.src(n)) }];
      case 'ParenthesizedExpression':
        return named(n).flatMap((c) => this.values(c, depth + 1, via));
      case 'VariableName': {
        const name = this.src(n);
        const assigned = this.names.assigned.get(name);
        if (this.contexts.has(name)) return [{ kind: 'context', name, node: n }];
        return assigned ? assigned.flatMap((v) => this.values(v, depth + 1, name)) : [{ kind: 'unknown', node: n }];
      }
      case 'BinaryExpression': {
        // `os.getenv('X') or 'postgresql://…'`: either side.
        if (n.children.some((c) => c.type === 'or')) return named(n).flatMap((c) => this.values(c, depth + 1, via));
        return [{ kind: 'unknown', node: n }];
      }
      case 'ConditionalExpression': {
        const kids = named(n);
        return kids.length === 3 ? [...this.values(kids[0]!, depth + 1, via), ...this.values(kids[2]!, depth + 1, via)] : [{ kind: 'unknown', node: n }];
      }
      case 'CallExpression': {
        const read = this.envRead(n);
        if (read) {
          const out: Val[] = [{ kind: 'env', read }];
          // The default is what runs wherever the variable is not set.
          if (read.fallback) for (const v of this.values(read.fallback, depth + 1, via)) if (v.kind === 'string' || v.kind === 'literal') out.push({ ...v, whenUnset: read });
          return out;
        }
        const q = this.qual(n.children[0]!);
        if (q === 'str') {
          const [arg] = callArguments(n, this.sink.text).positional;
          return arg ? this.values(arg, depth + 1, via) : [{ kind: 'unknown', node: n }];
        }
        if (q && SSL_CONTEXT_FACTORIES.has(q)) return [{ kind: 'context', node: n }];
        return [{ kind: 'unknown', node: n }];
      }
      case 'MemberExpression': {
        const read = this.envRead(n);
        if (read) return [{ kind: 'env', read }];
        // `settings.DATABASE_URL`: the attribute of a settings class of this module, when there is one.
        const property = n.children[2];
        if (n.children[1]?.type === '.' && property?.type === 'PropertyName') {
          const assigned = this.names.assigned.get(this.src(property));
          if (assigned) return assigned.flatMap((v) => this.values(v, depth + 1, this.src(property)));
        }
        return [{ kind: 'unknown', node: n }];
      }
      default:
        return [{ kind: 'unknown', node: n }];
    }
  }

  // ---- SSL contexts ----------------------------------------------------------------------------

  private collectContexts(): void {
    for (const n of this.all) {
      if (n.type !== 'AssignStatement') continue;
      const [target, value] = [named(n)[0], named(n).at(-1)];
      if (!target || !value || target === value) continue;
      if (target.type === 'VariableName' && value.type === 'CallExpression') {
        const q = this.qual(value.children[0]!);
        if (q && SSL_CONTEXT_FACTORIES.has(q)) {
          const ctx: SslContext = {};
          if (q === 'ssl._create_unverified_context') ctx.unverified = { node: value, written: this.src(value) };
          this.contexts.set(this.src(target), ctx);
        }
      }
    }
    for (const n of this.all) {
      if (n.type !== 'AssignStatement') continue;
      const kids = named(n);
      const [target, value] = [kids[0], kids.at(-1)];
      if (target?.type !== 'MemberExpression' || !value || kids.length !== 2) continue;
      const [object, , property] = target.children;
      if (object?.type !== 'VariableName' || property?.type !== 'PropertyName') continue;
      const ctx = this.contexts.get(this.src(object));
      if (!ctx) continue;
      const attribute = this.src(property);
      if (attribute === 'verify_mode' && this.qual(value) === 'ssl.CERT_NONE') ctx.unverified = { node: n, written: this.src(n) };
      if (attribute === 'check_hostname' && value.type === 'Boolean' && this.src(value) === 'False') ctx.noHostname = { node: n, written: this.src(n) };
    }
  }

  /** The options an SSL context value gives: verification switched off, or the host name check. */
  private contextOptions(v: Extract<Val, { kind: 'context' }>): Record<string, TlsOption> {
    const ctx: SslContext | undefined = v.name ? this.contexts.get(v.name) : v.node.type === 'CallExpression' && this.qual(v.node.children[0]!) === 'ssl._create_unverified_context' ? { unverified: { node: v.node, written: this.src(v.node) } } : undefined;
    if (!ctx) return {};
    ctx.used = true;
    const out: Record<string, TlsOption> = {};
    if (ctx.unverified) out.verify_mode = this.option(ctx.unverified.node, ctx.unverified.node, 'CERT_NONE', ctx.unverified.written);
    else if (ctx.noHostname) out.check_hostname = this.option(ctx.noHostname.node, ctx.noHostname.node, false, ctx.noHostname.written);
    return out;
  }

  /** Contexts that turn verification off but reach no call sslguard knows: a warning, where the file uses a Postgres client. */
  private reportLooseContexts(): void {
    if (this.sink.testCode || ![...this.names.imports.values()].some((m) => CLIENT_MODULE.test(m))) return;
    for (const ctx of this.contexts.values()) {
      if (ctx.used) continue;
      const options: Record<string, TlsOption> = {};
      if (ctx.unverified) options.verify_mode = this.option(ctx.unverified.node, ctx.unverified.node, 'CERT_NONE', ctx.unverified.written);
      else if (ctx.noHostname) options.check_hostname = this.option(ctx.noHostname.node, ctx.noHostname.node, false, ctx.noHostname.written);
      else continue;
      const at = (ctx.unverified ?? ctx.noHostname)!.node;
      this.push({ node: at, options, driver: 'python:ssl' });
    }
  }

  // ---- calls -----------------------------------------------------------------------------------

  option(whole: PyNode, value: PyNode, literal: LiteralValue, written?: string): TlsOption {
    return {
      value: literal,
      span: this.sink.span(whole.from, whole.to),
      valueSpan: this.sink.span(value.from, value.to),
      ...(written !== undefined ? { written } : {}),
    };
  }

  /**
   * The TLS option a keyword argument gives (`ssl='require'`, `sslmode=PGSSLMODE`): its literal,
   * the default of the environment variable it reads (at the default, the line to change), an SSL
   * context's options, or unknown.
   */
  keywordOption(key: string, kw: { name: PyNode; value: PyNode }, into: Record<string, TlsOption>, whole?: PyNode): void {
    const vals = this.values(kw.value);
    const span = whole ?? { from: kw.name.from, to: kw.value.to };
    const at = { ...span, type: 'span', children: [] } as PyNode;
    const written = this.src(at);
    const known = vals.filter((v) => v.kind === 'literal' || v.kind === 'string');
    const contexts = vals.filter((v): v is Extract<Val, { kind: 'context' }> => v.kind === 'context');
    if (contexts.length > 0) {
      into[key] = this.option(at, kw.value, { unknown: true }, written);
      for (const c of contexts) Object.assign(into, this.contextOptions(c));
      return;
    }
    if (vals.length === 1 && known.length === 1) {
      const v = known[0]!;
      const value = v.kind === 'string' ? v.str.value : (v as Extract<Val, { kind: 'literal' }>).value;
      into[key] = this.option(at, kw.value, value, written);
      return;
    }
    // `sslmode=os.getenv('PGSSLMODE', 'require')`: unknown, but what runs while the variable is unset is not.
    const unset = known.find((v) => v.whenUnset);
    if (unset && unset.whenUnset && vals.filter((v) => v.kind !== 'env').length === 1) {
      const value = unset.kind === 'string' ? unset.str.value : (unset as Extract<Val, { kind: 'literal' }>).value;
      into[key] = { ...this.option(unset.node, unset.node, value, this.src(unset.whenUnset.node)), whenUnset: unset.whenUnset.name };
      return;
    }
    into[key] = this.option(at, kw.value, { unknown: true }, written);
  }

  push(f: { node: PyNode | { from: number; to: number }; options: Record<string, TlsOption>; driver: string; sink?: string; receiverAt?: number; overridesUrl?: boolean }): TlsOptionsFact {
    const fact: TlsOptionsFact = {
      kind: 'tls-options',
      file: this.sink.file,
      format: this.sink.format,
      span: this.sink.span(f.node.from, f.node.to),
      environment: this.sink.fileEnvironment,
      unit: this.unit,
      options: f.options,
      driver: f.driver,
      ...(f.sink ? { sink: f.sink } : {}),
      ...(f.receiverAt !== undefined ? { receiverAt: f.receiverAt } : {}),
      ...(f.overridesUrl ? { overridesUrl: true as const } : {}),
    };
    this.sink.facts.push(fact);
    return fact;
  }

  private onCall(call: PyNode): void {
    const callee = call.children[0];
    const q = callee && this.qual(callee);
    const api = q ? CLIENTS[q] : undefined;
    if (q && (q === 'os.environ.setdefault' || q === 'os.putenv')) return this.onEnvSet(call);
    if (!api || !q) return;
    const args = callArguments(call, this.sink.text);
    const options: Record<string, TlsOption> = {};
    let driver = api.driver;
    const kw = args.keywords;
    if (api.consumer === 'asyncpg') {
      const ssl = kw.get('ssl');
      if (ssl) this.keywordOption('ssl', ssl, options);
      this.serverSettings(kw.get('server_settings'), options);
    } else if (api.consumer === 'psycopg') {
      for (const key of ['sslmode', 'sslrootcert']) {
        const k = kw.get(key);
        if (k) this.keywordOption(key, k, options);
      }
      // psycopg_pool: `kwargs={'sslmode': …}` reaches psycopg.connect.
      const extra = kw.get('kwargs')?.value;
      if (extra?.type === 'DictionaryExpression') this.dictOptions(extra, ['sslmode', 'sslrootcert'], options);
    } else if (api.consumer === 'sqlalchemy') {
      // connect_args replace the URL's query parameters; their keys say which driver reads them.
      const connectArgs = kw.get('connect_args')?.value;
      if (connectArgs?.type === 'DictionaryExpression') {
        this.dictOptions(connectArgs, ['ssl', 'sslmode', 'sslrootcert'], options);
        if (options.ssl) driver = 'asyncpg';
        else if (options.sslmode) driver = 'psycopg';
        const server = dictEntries(connectArgs).find((e) => stringValue(this.sink.text, e.key)?.value === 'server_settings');
        if (server) this.serverSettings({ name: server.key, value: server.value }, options);
      }
    } else if (api.consumer === 'dj-database-url') {
      const require = kw.get('ssl_require');
      if (require) {
        const vals = this.values(require.value);
        if (vals.length === 1 && vals[0]!.kind === 'literal' && vals[0]!.value === true) {
          options.sslmode = this.option({ from: require.name.from, to: require.value.to } as PyNode, require.value, 'require', this.src({ from: require.name.from, to: require.value.to } as PyNode));
        } else if (!(vals.length === 1 && vals[0]!.kind === 'literal')) {
          options.sslmode = this.option({ from: require.name.from, to: require.value.to } as PyNode, require.value, { unknown: true });
        }
      }
    }
    const host = kw.get('host');
    if (host) {
      const hv = this.values(host.value);
      if (hv.length === 1 && hv[0]!.kind === 'string') options.host = this.option({ from: host.name.from, to: host.value.to } as PyNode, host.value, hv[0]!.str.value);
    }
    const overrides = Object.keys(options).some((k) => k === 'ssl' || k === 'sslmode');
    if (Object.keys(options).length > 0) this.push({ node: call, options, driver: driver ?? api.consumer, sink: q, receiverAt: call.from, ...(overrides ? { overridesUrl: true } : {}) });
    this.readDsn(call, api, args, q, overrides);
  }

  private readDsn(call: PyNode, api: ClientApi, args: CallArguments, q: string, overrides: boolean): void {
    const dsn = args.keywords.get(api.dsn.keyword)?.value ?? (api.dsn.position !== undefined ? args.positional[api.dsn.position] : undefined);
    const vals: Val[] = dsn ? this.values(dsn) : [];
    // dj_database_url.config() reads DATABASE_URL (or `env=`) itself.
    if (api.env) {
      const env = args.keywords.get('env')?.value;
      const name = env ? stringValue(this.sink.text, env)?.value : api.env;
      if (name) vals.push({ kind: 'env', read: { name, node: call } });
    }
    for (const v of vals) {
      if (v.kind === 'string') {
        this.consumed.add(v.node);
        this.emitString(v.str, v.via ?? v.whenUnset?.name, api.consumer, overrides);
      } else if (v.kind === 'env') {
        this.sink.use({
          unit: this.unit,
          scope: 'code',
          parts: [{ name: v.read.name }],
          valueRange: { start: v.read.node.from, end: v.read.node.to },
          consumer: api.consumer,
          receiverAt: call.from,
          written: `${this.src(v.read.node)} in ${q}()`.replace(/\s+/g, ' '),
        });
      }
    }
  }

  private emitString(str: PyString, variable: string | undefined, consumer: string | undefined, tlsInCode: boolean): void {
    const before = this.sink.facts.length;
    this.sink.value(str.value, str.loc, { unit: this.unit, ...(variable ? { variable } : {}), ...(consumer ? { consumer } : {}) });
    if (tlsInCode) for (const f of this.sink.facts.slice(before)) if (f.kind === 'connection') f.tlsInCode = true;
  }

  /** `server_settings={'ssl_min_protocol_version': 'TLSv1.2'}`: a server parameter, recorded to be said so. */
  private serverSettings(kw: { name: PyNode; value: PyNode } | undefined, into: Record<string, TlsOption>): void {
    if (kw?.value.type !== 'DictionaryExpression') return;
    for (const e of dictEntries(kw.value)) {
      const key = stringValue(this.sink.text, e.key)?.value;
      if (key !== 'ssl_min_protocol_version' && key !== 'ssl_max_protocol_version') continue;
      const v = stringValue(this.sink.text, e.value);
      into[`server_settings.${key}`] = this.option({ from: e.key.from, to: e.value.to } as PyNode, e.value, v ? v.value : { unknown: true }, this.src({ from: e.key.from, to: e.value.to } as PyNode));
    }
  }

  private dictOptions(dict: PyNode, keys: string[], into: Record<string, TlsOption>): void {
    for (const e of dictEntries(dict)) {
      const key = stringValue(this.sink.text, e.key)?.value;
      if (key && keys.includes(key)) this.keywordOption(key, { name: e.key, value: e.value }, into, { from: e.key.from, to: e.value.to } as PyNode);
    }
  }

  // ---- assignments -----------------------------------------------------------------------------

  /** `os.environ['PGSSLMODE'] = 'disable'`, and Django's `DATABASES = {…}`. */
  private onAssign(n: PyNode): void {
    const kids = named(n);
    if (kids.length !== 2) return;
    const [target, value] = kids as [PyNode, PyNode];
    if (target.type === 'MemberExpression' && target.children[1]?.type === '[' && this.qual(target.children[0]!) === 'os.environ') {
      const index = target.children[2];
      const name = index && stringValue(this.sink.text, index);
      if (name) this.envAssignment(name, value);
      return;
    }
    if (target.type === 'VariableName' && this.src(target) === 'DATABASES' && value.type === 'DictionaryExpression') this.djangoDatabases(value);
  }

  private envAssignment(name: PyString, value: PyNode): void {
    const vals = this.values(value);
    const only = vals.length === 1 ? vals[0] : undefined;
    const str = only?.kind === 'string' ? only.str : undefined;
    const lit = only?.kind === 'literal' ? only.value : undefined;
    if (only?.kind === 'string') this.consumed.add(only.node);
    const text = str?.value ?? (lit !== undefined && lit !== null && typeof lit !== 'object' ? String(lit) : undefined);
    const loc = str?.loc ?? { start: value.from, end: value.to, exact: false };
    this.sink.assignment(name.value, { start: name.loc.start, end: name.loc.end }, text, loc, { unit: this.unit, processEnv: true });
  }

  /** `os.environ.setdefault('PGSSLMODE', 'disable')`, `os.putenv(…)`. */
  private onEnvSet(call: PyNode): void {
    const [key, value] = callArguments(call, this.sink.text).positional;
    const name = key && stringValue(this.sink.text, key);
    if (name && value) this.envAssignment(name, value);
  }

  /** Django: each database of `DATABASES` whose ENGINE is PostgreSQL's (or not written as a literal). */
  private djangoDatabases(dict: PyNode): void {
    for (const db of dictEntries(dict)) {
      if (db.value.type !== 'DictionaryExpression') continue;
      const entries = new Map(dictEntries(db.value).map((e) => [stringValue(this.sink.text, e.key)?.value, e] as const));
      const engine = entries.get('ENGINE');
      const engineName = engine && stringValue(this.sink.text, engine.value)?.value;
      if (engineName !== undefined && !/postgres|postgis|psycopg/i.test(engineName)) continue;
      const options: Record<string, TlsOption> = {};
      const opts = entries.get('OPTIONS');
      if (opts?.value.type === 'DictionaryExpression') this.dictOptions(opts.value, ['sslmode', 'sslrootcert'], options);
      const host = entries.get('HOST');
      const hostValue = host && stringValue(this.sink.text, host.value);
      if (hostValue && hostValue.value !== '') options.host = this.option({ from: host!.key.from, to: host!.value.to } as PyNode, host!.value, hostValue.value);
      if (options.sslmode) this.push({ node: db.value, options, driver: 'psycopg', sink: 'django.db.backends.postgresql' });
    }
  }

  // ---- strings ---------------------------------------------------------------------------------

  /** The name a literal is stored under: an assignment target, a keyword argument, a dict key. */
  private holder(n: PyNode): string | undefined {
    let current = n;
    let parent = current.parent;
    while (parent && (parent.type === 'ParenthesizedExpression' || parent.type === 'ConditionalExpression' || (parent.type === 'BinaryExpression' && parent.children.some((c) => c.type === 'or')))) {
      current = parent;
      parent = current.parent;
    }
    if (!parent) return undefined;
    if (parent.type === 'AssignStatement') {
      const kids = named(parent);
      const target = kids[0];
      return kids.at(-1) === current && target?.type === 'VariableName' ? this.src(target) : undefined;
    }
    if (parent.type === 'ArgList') {
      const i = parent.children.indexOf(current);
      const op = parent.children[i - 1];
      const name = parent.children[i - 2];
      if (op?.type === 'AssignOp' && name?.type === 'VariableName') return this.src(name);
      // `os.getenv('DATABASE_URL', 'postgresql://…')`: the default of a database variable.
      const call = parent.parent;
      const read = call && this.envRead(call);
      return read && read.fallback === current ? read.name : undefined;
    }
    if (parent.type === 'DictionaryExpression') {
      const i = parent.children.indexOf(current);
      const key = parent.children[i - 2];
      return parent.children[i - 1]?.type === ':' && key ? stringValue(this.sink.text, key)?.value : undefined;
    }
    return undefined;
  }

  /**
   * A literal no client call read: a connection only where its name says it is one
   * (`DATABASE_URL = "postgresql://…"`, `'SQLALCHEMY_DATABASE_URI': …`), and never in test code. A
   * URL in an assertion, a mock's return value, a docstring or an error message is data.
   */
  private onString(n: PyNode): void {
    if (this.consumed.has(n)) return;
    const str = stringValue(this.sink.text, n);
    if (!str || findConnectionStrings(str.value).length === 0) return;
    if (this.sink.testCode) return;
    const variable = this.holder(n);
    if (variable === undefined || !DATABASE_URL_NAME.test(variable.replace(/[_-]/g, ''))) return;
    // SQLAlchemy's URL names its driver; a bare `postgresql://` in settings is read by whatever takes it.
    const consumer = /^postgres(?:ql)?\+/i.test(str.value.trim()) ? 'sqlalchemy' : undefined;
    this.emitString(str, variable, consumer, false);
  }
}

export const extractPython: Extractor = (input) => {
  const sink = new FactSink(input, 'source');
  if (!hasPythonTriggers(input.text)) return sink.result();
  // No diagnostic for the parser's recoveries: lezer's grammar lags behind Python (parenthesized
  // context managers, some bare `yield` statements) and valid files would get one. It recovers
  // locally, so the rest of the file is still read.
  const tree = parsePython(input.text);
  try {
    new PythonAnalysis(sink, tree.root).run();
  } catch (e) {
    sink.diagnostic(`cannot analyse this file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return sink.result();
};
