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

/** Connection facts of a unit, in file order. */
export function unitConnections(facts: FactSet, unit: Unit | undefined): ConnectionFact[] {
  if (!unit) return [];
  return facts.inUnit(unit.id).filter((f): f is ConnectionFact => f.kind === 'connection');
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

/**
 * The unit's sslmode setting that libpq would read. Several may exist (`PGSSLMODE` and an app's
 * `DB_SSLMODE`): `PGSSLMODE` is the one libpq reads, and among equals the later assignment wins.
 */
export function unitSslmodeSetting(facts: FactSet, unit: Unit | undefined): SettingFact | undefined {
  const settings = unitSettings(facts, unit, 'sslmode').sort((a, b) => a.span.start - b.span.start);
  const pg = settings.filter((s) => s.name.toUpperCase() === 'PGSSLMODE');
  return (pg.length > 0 ? pg : settings).at(-1);
}

/** The mode a setting names; a placeholder or computed value is `unknown`. */
export function modeOfSetting(s: SettingFact): EffectiveMode {
  return modeOfSslmodeValue(s.value);
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
    return { mode: modeOfSslValue(c.ssl.value), origin: 'ssl', written: `ssl=${c.ssl.value}`, span: c.ssl.span };
  }
  if (c.sslrootcert && c.sslrootcert.value.trim().toLowerCase() === 'system') {
    return { mode: 'verify-full', origin: 'sslrootcert', written: 'sslrootcert=system', span: c.sslrootcert.span };
  }
  const setting = unitSslmodeSetting(facts, c.unit);
  if (setting) {
    return {
      mode: modeOfSetting(setting),
      origin: 'setting',
      written: `${setting.name}=${setting.value ?? '…'}`,
      span: setting.valueSpan,
      setting,
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

/**
 * Code that passes TLS options itself (`ssl: { ca }`, `ssl: true`, `rejectUnauthorized: true`):
 * the connection string then need not carry an sslmode.
 */
export function isTlsConfiguredInCode(c: ConnectionFact, facts: FactSet): boolean {
  if (c.format !== 'source') return false;
  return fileTlsOptions(facts, c.file).some((t) => {
    const o = t.options;
    return (o.ssl !== undefined && !isFalseLiteral(o.ssl.value)) || o.rejectUnauthorized?.value === true || o.ca !== undefined;
  });
}

/** A `ca` option in the file's TLS options (code supplies the root certificate). */
export function hasCaInCode(facts: FactSet, fact: Fact): boolean {
  return fact.format === 'source' && fileTlsOptions(facts, fact.file).some((t) => t.options.ca !== undefined);
}

/** Human description of a unit for messages. */
export function describeUnit(unit: Unit | undefined): string {
  if (!unit) return 'this file';
  switch (unit.kind) {
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
  }
}

export function describeEnvironment(env: EnvironmentInfo): string {
  return env.name === 'unknown' ? `an unknown environment (${env.reason})` : `${env.name} (${env.reason})`;
}
