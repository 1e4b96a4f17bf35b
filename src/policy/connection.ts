// Shared judgements about connections that several rules need, written once so that the rules agree
// on what "off-machine", "effective sslmode" and "TLS configured in code" mean.

import type {
  ConnectionFact,
  EnvironmentInfo,
  Fact,
  HostInfo,
  LiteralValue,
  SettingFact,
  Span,
  TlsOptionsFact,
  Unit,
} from '../model.js';
import type { FactSet } from '../engine/rule.js';

/** libpq's sslmode values, weakest first. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * `no-verify` is node-postgres' own value (TLS without verification); `unknown` is a value sslguard
 * cannot judge (a variable reference, a typo) — set, but neither weak nor strong.
 */
export type EffectiveMode = SslMode | 'no-verify' | 'unknown';

export function modeRank(mode: SslMode): number {
  return SSL_MODES.indexOf(mode);
}

export function isSslMode(value: string): value is SslMode {
  return (SSL_MODES as readonly string[]).includes(value);
}

/** disable, allow and prefer: TLS off, or optional and unverified. */
export function isWeakMode(mode: EffectiveMode): mode is 'disable' | 'allow' | 'prefer' {
  return mode === 'disable' || mode === 'allow' || mode === 'prefer';
}

export function isProductionOrStaging(env: EnvironmentInfo): boolean {
  return env.name === 'production' || env.name === 'staging';
}

/** A host that takes traffic off this machine: remote, or unknown where the environment is production or staging. */
export function isOffMachineHost(host: HostInfo, env: EnvironmentInfo): boolean {
  return host.class === 'remote' || (host.class === 'unknown' && isProductionOrStaging(env));
}

export function isOffMachine(c: ConnectionFact): boolean {
  return c.hosts.some((h) => isOffMachineHost(h, c.environment));
}

/** Every host is local (a connection without hosts uses libpq's default Unix socket). */
export function isAllLocal(c: ConnectionFact): boolean {
  return c.hosts.every((h) => h.class === 'local');
}

/** The host a message should name: the first off-machine one, else the first one. */
export function primaryHost(c: ConnectionFact): HostInfo | undefined {
  return c.hosts.find((h) => isOffMachineHost(h, c.environment)) ?? c.hosts[0];
}

export function hostLabel(c: ConnectionFact): string {
  const h = primaryHost(c);
  if (!h || h.host === '') return 'the default host';
  return h.ip === 'v6' ? `[${h.host}]` : h.host;
}

/** Connection facts of a unit, in file order, then those of the units it inherits (a merged anchor, the image it runs). */
export function unitConnections(facts: FactSet, unit: Unit | undefined): ConnectionFact[] {
  if (!unit) return [];
  return perUnit(connectionsCache, facts, unit.id, () => facts.inUnit(unit.id).filter((f): f is ConnectionFact => f.kind === 'connection'));
}

/**
 * Answers per fact set and unit, computed once: the rules ask for every setting of a unit, and
 * filtering the unit's facts each time made a file of 150,000 `PGSSLMODE=` lines quadratic
 * (minutes). Callers never modify the lists.
 */
const connectionsCache = new WeakMap<FactSet, Map<string, ConnectionFact[]>>();
const settingsCache = new WeakMap<FactSet, Map<string, SettingFact[]>>();
const settingConnectionsCache = new WeakMap<FactSet, Map<SettingFact, ConnectionFact[]>>();

function perUnit<K, V>(cache: WeakMap<FactSet, Map<K, V>>, facts: FactSet, key: K, compute: () => V): V {
  let map = cache.get(facts);
  if (!map) cache.set(facts, (map = new Map()));
  if (map.has(key)) return map.get(key)!;
  const value = compute();
  map.set(key, value);
  return value;
}

/**
 * The settings of a unit's view that are in force: a setting is overridden by one of the same
 * name in a nearer unit (a compose service's own `PGSSLMODE` over its image's `ENV PGSSLMODE`) or
 * later in the same unit. Nearest unit first, latest first within a unit.
 */
export function effectiveSettings(facts: FactSet, unit: Unit | undefined): SettingFact[] {
  if (!unit) return [];
  return perUnit(settingsCache, facts, unit.id, () => computeEffectiveSettings(facts, unit));
}

function computeEffectiveSettings(facts: FactSet, unit: Unit): SettingFact[] {
  const byUnit = new Map<string, SettingFact[]>();
  for (const f of facts.inUnit(unit.id)) {
    if (f.kind !== 'setting') continue;
    const id = f.unit?.id ?? '';
    let list = byUnit.get(id);
    if (!list) byUnit.set(id, (list = []));
    list.push(f);
  }
  const seen = new Set<string>();
  const out: SettingFact[] = [];
  for (const list of byUnit.values()) {
    for (const s of [...list].sort((a, b) => b.span.start - a.span.start)) {
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      out.push(s);
    }
  }
  return out;
}

/**
 * The connections a setting applies to: those of its unit's view, and those of every unit that
 * inherits its unit (services merging an anchor, running an image) unless that unit sets the same
 * variable itself.
 */
export function settingConnections(facts: FactSet, s: SettingFact): ConnectionFact[] {
  if (!s.unit) return [];
  return perUnit(settingConnectionsCache, facts, s, () => computeSettingConnections(facts, s, s.unit!));
}

function computeSettingConnections(facts: FactSet, s: SettingFact, unit: Unit): ConnectionFact[] {
  const own = unitConnections(facts, unit);
  const users = (facts.usersOf?.(unit.id) ?? []).filter((user) => effectiveSettings(facts, user).includes(s));
  // Without inheriting units, the unit's own list, shared: a copy per setting cost time and memory
  // quadratic in a unit's size (20,000 URLs and 20,000 `PGSSLMODE=` lines in one .env: 30 s, 3.6 GB).
  if (users.length === 0) return own;
  const out = new Set<ConnectionFact>(own);
  for (const user of users) for (const c of unitConnections(facts, user)) out.add(c);
  return [...out];
}

/** Every connection a setting applies to stays on this machine (and there is at least one). */
export function settingIsAllLocal(facts: FactSet, s: SettingFact): boolean {
  const conns = settingConnections(facts, s);
  return conns.length > 0 && conns.every(isAllLocal);
}

/** Setting facts of a unit with a given category. */
export function unitSettings(facts: FactSet, unit: Unit | undefined, category: SettingFact['category']): SettingFact[] {
  if (!unit) return [];
  return facts.inUnit(unit.id).filter((f): f is SettingFact => f.kind === 'setting' && f.category === category);
}

/** The unit has connections and every one of them stays on this machine. */
export function unitIsAllLocal(facts: FactSet, unit: Unit | undefined): boolean {
  const conns = unitConnections(facts, unit);
  return conns.length > 0 && conns.every(isAllLocal);
}

/** Where a connection's sslmode comes from, and how it was written. */
export interface EffectiveSslMode {
  mode: EffectiveMode;
  origin: 'sslmode' | 'ssl' | 'sslrootcert' | 'setting';
  /** As written: `sslmode=require`, `ssl=true`, `sslrootcert=system`, `PGSSLMODE=prefer`. */
  written: string;
  /** Where it is written. */
  span: Span;
  /** The setting, when the mode comes from the unit's environment. */
  setting?: SettingFact;
  /**
   * The client verifies against the operating system's CA store rather than a root certificate
   * file (node-postgres `ssl=true`, an application's `DB_SSL=true`): no sslrootcert is needed.
   */
  systemCa?: boolean;
}

/** The mode named by an `sslmode` value (parameter or environment variable). */
export function modeOfSslmodeValue(value: string | undefined): EffectiveMode {
  if (value === undefined) return 'unknown';
  const v = value.trim().toLowerCase();
  if (isSslMode(v) || v === 'no-verify') return v;
  return 'unknown';
}

/** The mode named by an `ssl` parameter (node-postgres, JDBC). */
export function modeOfSslValue(value: string): EffectiveMode {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'require') return 'require';
  if (v === 'false' || v === '0') return 'disable';
  if (v === 'no-verify') return 'no-verify';
  return 'unknown';
}

/** Who reads a connection string, as far as the `ssl` parameter's meaning goes. */
export type SslDriver = 'node-postgres' | 'jdbc' | 'libpq';

/** Consumers that parse connection strings with node-postgres (pg-connection-string, then pg). */
const NODE_POSTGRES_CONSUMERS: ReadonlySet<string> = new Set([
  'node-postgres',
  'knex',
  'mcp:@modelcontextprotocol/server-postgres',
  // The Docker MCP catalog's image of the same server.
  'mcp:docker:mcp/postgres',
]);

/** The driver family of a connection, when known; undefined means "read it as libpq would". */
export function driverOf(c: ConnectionFact): SslDriver | undefined {
  if (c.scheme === 'jdbc:postgresql') return 'jdbc';
  if (c.consumer && NODE_POSTGRES_CONSUMERS.has(c.consumer)) return 'node-postgres';
  if (c.consumer === 'libpq') return 'libpq';
  return undefined;
}

/**
 * The `ssl` parameter with its consumer's meaning. libpq rewrites `ssl=true` to sslmode=require
 * (JDBC compatibility); node-postgres turns `ssl=true|1` into `ssl: true`, i.e. TLS verified
 * against Node's CA store, and `ssl=no-verify` into `rejectUnauthorized: false`; pgjdbc makes
 * `ssl=true` mean verify-full. `false`/`0` is no TLS everywhere. An unknown consumer is read as libpq.
 */
export function modeOfSslParam(value: string, driver: SslDriver | undefined): { mode: EffectiveMode; systemCa?: boolean } {
  const mode = modeOfSslValue(value);
  if (mode !== 'require' || value.trim().toLowerCase() === 'require') return { mode };
  if (driver === 'node-postgres') return { mode: 'verify-full', systemCa: true };
  if (driver === 'jdbc') return { mode: 'verify-full' };
  return { mode };
}

/**
 * An application's TLS switch (`DB_SSL`, `DATABASE_SSL`): `true` hands `ssl: true` (or
 * `{ rejectUnauthorized: true }`) to node-postgres, which verifies against Node's CA store;
 * `false` means no TLS; a JSON object is the options themselves.
 */
export function modeOfSslFlag(value: string | undefined): { mode: EffectiveMode; systemCa?: boolean } {
  if (value === undefined) return { mode: 'unknown' };
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return { mode: 'verify-full', systemCa: true };
  if (v === 'false' || v === '0' || v === 'no' || v === 'off') return { mode: 'disable' };
  if (v === 'no-verify') return { mode: 'no-verify' };
  if (v.startsWith('{')) {
    try {
      const options = JSON.parse(value) as unknown;
      if (options && typeof options === 'object' && !Array.isArray(options)) {
        const reject = (options as Record<string, unknown>)['rejectUnauthorized'];
        return reject === false || reject === 'false' ? { mode: 'no-verify' } : { mode: 'verify-full', systemCa: true };
      }
    } catch {
      return { mode: 'unknown' };
    }
  }
  return { mode: 'unknown' };
}

/** Settings that choose a TLS mode: sslmode settings and application TLS switches. */
export function isModeSetting(s: SettingFact): boolean {
  return s.category === 'sslmode' || s.category === 'ssl';
}

/**
 * An option of the application's TLS switch written as its own variable: Directus reads
 * `DB_SSL__REJECT_UNAUTHORIZED` as `ssl.rejectUnauthorized`, so TLS is on with that option.
 */
function isNestedSslOption(s: SettingFact): boolean {
  return /(^|_)SSL__/i.test(s.name);
}

/** The mode an application switch, or an option nested in it, gives the unit's connections. */
function switchMode(s: SettingFact): { mode: EffectiveMode; systemCa?: boolean } {
  if (s.category === 'ssl') return modeOfSslFlag(s.value);
  const v = s.value?.trim().toLowerCase();
  if (s.category === 'reject-unauthorized' && (v === 'false' || v === '0')) return { mode: 'no-verify' };
  return { mode: 'verify-full', systemCa: true };
}

/**
 * The unit's setting that decides the mode of its connections. Several may exist (`PGSSLMODE` and
 * an app's `DB_SSLMODE`, `DB_SSL`): `PGSSLMODE` is the one libpq reads, then other sslmode
 * settings, then an application's switch; a nearer unit's setting of the same name wins, and
 * among equals the later assignment.
 */
export function unitSslmodeSetting(facts: FactSet, unit: Unit | undefined): SettingFact | undefined {
  const settings = effectiveSettings(facts, unit);
  const modes = settings.filter((s) => s.category === 'sslmode');
  return modes.find((s) => s.name.toUpperCase() === 'PGSSLMODE') ?? modes[0] ?? settings.find((s) => s.category === 'ssl' || isNestedSslOption(s));
}

/** The mode a setting names; a placeholder or computed value is `unknown`. */
export function modeOfSetting(s: SettingFact): EffectiveMode {
  return s.category === 'sslmode' ? modeOfSslmodeValue(s.value) : switchMode(s).mode;
}

/**
 * libpq precedence: the connection string's own `sslmode` wins over everything, then the `ssl`
 * parameter, then `sslrootcert=system` (which makes verify-full the default), then the unit's
 * environment (`PGSSLMODE`). Undefined when nothing sets a mode.
 */
export function effectiveSslMode(c: ConnectionFact, facts: FactSet): EffectiveSslMode | undefined {
  if (c.sslmode) {
    return { mode: modeOfSslmodeValue(c.sslmode.value), origin: 'sslmode', written: `sslmode=${c.sslmode.value}`, span: c.sslmode.span };
  }
  if (c.ssl) {
    const { mode, systemCa } = modeOfSslParam(c.ssl.value, driverOf(c));
    return { mode, origin: 'ssl', written: `ssl=${c.ssl.value}`, span: c.ssl.span, ...(systemCa ? { systemCa } : {}) };
  }
  if (c.sslrootcert && c.sslrootcert.value.trim().toLowerCase() === 'system') {
    return { mode: 'verify-full', origin: 'sslrootcert', written: 'sslrootcert=system', span: c.sslrootcert.span };
  }
  const setting = unitSslmodeSetting(facts, c.unit);
  if (setting) {
    const flag = setting.category === 'sslmode' ? undefined : switchMode(setting);
    return {
      mode: modeOfSetting(setting),
      origin: 'setting',
      written: `${setting.name}=${setting.value ?? '…'}`,
      span: setting.valueSpan,
      setting,
      ...(flag?.systemCa ? { systemCa: true } : {}),
    };
  }
  return undefined;
}

/** How a mode reads in a message: `require`, or `ssl=true (sslmode=require)`. */
export function describeMode(e: EffectiveSslMode): string {
  if (e.origin === 'ssl') return `${e.written} (sslmode=${e.mode})`;
  if (e.origin === 'setting') return `${e.mode} (from ${e.written})`;
  return e.mode;
}

export function isFalseLiteral(value: LiteralValue): boolean {
  return value === false;
}

/** TLS option objects of a file. */
export function fileTlsOptions(facts: FactSet, file: string): TlsOptionsFact[] {
  return facts.ofKind('tls-options').filter((t) => t.file === file);
}

/** TLS options that turn TLS on: `ssl` set and not false, `rejectUnauthorized: true`, or a `ca`. */
function setsTls(t: TlsOptionsFact): boolean {
  const o = t.options;
  // `ssl: undefined` (or null) gives node-postgres no TLS options: the URL decides.
  return (o.ssl !== undefined && o.ssl.value !== null && !isFalseLiteral(o.ssl.value)) || o.rejectUnauthorized?.value === true || o.ca !== undefined || (t.overridesUrl === true && o.sslmode !== undefined);
}

/**
 * The TLS options the code gives a fact's connection: for a string read through an environment
 * variable, those of the call that reads it; for anything else in a TS/JS file, the file's.
 */
function codeTlsOptions(facts: FactSet, fact: Fact): readonly TlsOptionsFact[] {
  if (fact.kind === 'connection' && fact.readBy) return fact.readBy.tls;
  return fact.format === 'source' ? fileTlsOptions(facts, fact.file) : [];
}

/**
 * Code that passes TLS options itself (`ssl: { ca }`, `ssl: true`, `rejectUnauthorized: true`):
 * the connection string then need not carry an sslmode; unless that code turns verification off.
 */
export function isTlsConfiguredInCode(c: ConnectionFact, facts: FactSet): boolean {
  return codeTlsOptions(facts, c).some(setsTls) && !codeDisablesVerification(c);
}

/** The code that reads the string turns certificate checks off (`rejectUnauthorized: false`, `ssl: 'no-verify'`). */
export function codeDisablesVerification(c: ConnectionFact): boolean {
  return (c.readBy?.tls ?? []).some((t) => (t.options.rejectUnauthorized?.value === false && !t.options.rejectUnauthorized.onlyWhen) || t.options.ssl?.value === 'no-verify' || t.options.verify_mode?.value === 'CERT_NONE');
}

/**
 * The Python call that reads the connection string passes its own TLS keyword arguments, which
 * replace the string's (see ConnectionFact.tlsInCode): the arguments are judged, in code, instead.
 */
export function tlsReplacedInCode(c: ConnectionFact): boolean {
  return c.tlsInCode === true;
}

/** A `ca` option in the code's TLS options (code supplies the root certificate). */
export function hasCaInCode(facts: FactSet, fact: Fact): boolean {
  return codeTlsOptions(facts, fact).some((t) => t.options.ca !== undefined);
}

/** Human description of a unit for messages. */
export function describeUnit(unit: Unit | undefined): string {
  return describeOwnUnit(unit);
}

/**
 * "compose service `api`" → ["compose service", "`api`"], as `/^(.*?) (`.*`)$/` split it, without
 * its backtracking over every `` ` `` of a long name (quadratic).
 */
function kindAndName(label: string): [string, string] {
  const space = label.indexOf(' `');
  if (space < 0 || !label.endsWith('`') || label.length < space + 3 || /[\n\r\u2028\u2029]/.test(label)) return [label, ''];
  return [label.slice(0, space), label.slice(space + 1)];
}

/** Several units in one phrase: "compose services `api` and `worker`". */
export function describeUnits(units: readonly Unit[]): string {
  const byKind = new Map<string, string[]>();
  for (const u of units) {
    const label = describeOwnUnit(u);
    const [kind, name] = kindAndName(label);
    const list = byKind.get(kind) ?? [];
    if (name && !list.includes(name)) list.push(name);
    byKind.set(kind, list);
  }
  const parts = [...byKind].map(([kind, names]) => (names.length > 1 ? `${kind.replace(/^(compose service|MCP server|container|Dockerfile stage)$/, '$1s')} ${joinAnd(names)}` : `${kind} ${names[0] ?? ''}`.trim()));
  return joinAnd(parts);
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function describeOwnUnit(unit: Unit | undefined): string {
  if (!unit) return 'this file';
  switch (unit.kind) {
    case 'dockerfile-stage':
      return `Dockerfile stage \`${unit.name}\``;
    case 'helm-values':
      return 'this values file';
    case 'yaml-anchor':
      return `YAML anchor \`${unit.name}\``;
    case 'env-file':
      return 'this env file';
    case 'compose-service':
      return `compose service \`${unit.name}\``;
    case 'k8s-container':
      return `container \`${unit.name}\``;
    case 'k8s-configmap':
      return `ConfigMap \`${unit.name}\``;
    case 'k8s-secret':
      return `Secret \`${unit.name}\``;
    case 'mcp-server':
      return `MCP server \`${unit.name}\``;
    case 'package-script':
      return `package script \`${unit.name}\``;
    case 'source-file':
      return 'this file';
    case 'workflow-job':
      return unit.name === '(workflow)' ? 'this workflow' : `workflow job \`${unit.name}\``;
  }
}

export function describeEnvironment(env: EnvironmentInfo): string {
  return env.name === 'unknown' ? `an unknown environment (${env.reason})` : `${env.name} (${env.reason})`;
}

/**
 * Clients that send queries over HTTPS rather than Postgres' wire protocol (Neon's `neon()` HTTP
 * driver): the URL names the database and holds the password, but its `sslmode` is never read and
 * fetch verifies the endpoint. TLS rules do not judge these connections; the password rule does.
 */
const HTTPS_CONSUMERS: ReadonlySet<string> = new Set(['neon-http']);

export function isTlsOverHttps(c: ConnectionFact): boolean {
  return c.consumer !== undefined && HTTPS_CONSUMERS.has(c.consumer);
}
