// Builders for facts as the extractors would emit them, so rule tests exercise one branch at a time
// without depending on the extractors. Spans are real: each builder lays its text out on its own
// line of a virtual file, so a finding's position tells which part of which fact it points at.

import { isIP } from 'node:net';
import type {
  CertificateFact,
  ConnectionFact,
  EnvironmentInfo,
  EnvironmentName,
  Fact,
  FileFact,
  FileFormat,
  FileKind,
  HostClass,
  HostInfo,
  LiteralValue,
  ParamValue,
  SettingCategory,
  SettingFact,
  Severity,
  Span,
  TlsOption,
  TlsOptionsFact,
  Unit,
} from '../../src/model.js';
import type { ReportDescriptor, Rule } from '../../src/engine/rule.js';
import { formatMessage } from '../../src/engine/rule.js';
import { createFactSet } from '../../src/engine/lint.js';
import { DEFAULT_CONFIG, type ResolvedConfig } from '../../src/config/types.js';

/** A span on `line` from column `from` (1-based) over `length` characters. */
export function spanAt(line: number, from: number, length: number): Span {
  // Offsets as if every line were 1000 characters long: unique and ordered, which is all rules use.
  const start = (line - 1) * 1000 + from - 1;
  return { start, end: start + length, line, column: from, endLine: line, endColumn: from + length };
}

let nextLine = 1;
/** Each fact gets its own line, so spans of different facts never coincide. */
function claimLine(): number {
  return nextLine++;
}

const REASONS: Record<EnvironmentName, string> = {
  production: 'file name `.env.production`',
  staging: 'file name `.env.staging`',
  development: 'file name `.env.development`',
  unknown: 'no environment could be inferred',
};

export function env(name: EnvironmentName, reason?: string): EnvironmentInfo {
  return { name, reason: reason ?? REASONS[name] };
}

export function unit(file: string, kind: Unit['kind'], name: string): Unit {
  return { id: `${file}#${kind}:${name}`, kind, name };
}

interface Common {
  file?: string;
  format?: FileFormat;
  env?: EnvironmentName | EnvironmentInfo;
  unit?: Unit;
}

function envOf(e: Common['env']): EnvironmentInfo {
  if (e === undefined) return env('unknown');
  return typeof e === 'string' ? env(e) : e;
}

export interface HostSpec {
  host: string;
  class?: HostClass;
  port?: number;
}

/** The class sslguard's host classifier would give in the common cases. */
function guessClass(host: string): HostClass {
  if (host === '' || host === 'localhost' || host.startsWith('127.') || host === '::1' || host.startsWith('/')) return 'local';
  if (/^[$<[{%]/.test(host)) return 'unknown';
  return 'remote';
}

export interface ConnectionSpec extends Common {
  hosts?: Array<string | HostSpec>;
  user?: string;
  /** A literal password, or `{ placeholder }` for `${DB_PASSWORD}`-style references. */
  password?: string | { placeholder: string };
  database?: string;
  /** Query parameters in order (`sslmode`, `ssl`, `sslrootcert`, …). */
  params?: Record<string, string>;
  form?: 'uri' | 'dsn';
  variable?: string;
  consumer?: string;
}

/** Literal passwords handed to builders, by fact; `runRule` asserts that no message contains one of its facts' passwords. */
const secrets = new WeakMap<Fact, string>();

export interface BuiltConnection extends ConnectionFact {
  /** The connection string as written (with the password), for assertions only. */
  text: string;
}

export function connection(spec: ConnectionSpec = {}): BuiltConnection {
  const line = claimLine();
  const file = spec.file ?? '.env';
  const e = envOf(spec.env);
  const hostSpecs = (spec.hosts ?? ['db.abcdefghijklmnop.supabase.co']).map((h) => (typeof h === 'string' ? { host: h } : h));
  const user = spec.user ?? 'app';
  const pw = spec.password === undefined ? undefined : typeof spec.password === 'string' ? spec.password : spec.password.placeholder;
  const dsn = spec.form === 'dsn';

  // Lay the string out and remember where each part lands (column = index + 1).
  let text = '';
  const place = (s: string): Span => {
    const span = spanAt(line, text.length + 1, s.length);
    text += s;
    return span;
  };
  let passwordSpan: Span | undefined;
  const hosts: HostInfo[] = [];
  const params: Record<string, ParamValue> = {};
  const paramEntries = Object.entries(spec.params ?? {});
  if (dsn) {
    for (const h of hostSpecs) {
      place(hosts.length === 0 ? 'host=' : ' host=');
      hosts.push(hostInfo(h, place(h.host)));
    }
    place(` user=${user}`);
    if (pw !== undefined) {
      place(' password=');
      passwordSpan = place(pw);
    }
    for (const [k, v] of paramEntries) {
      place(` ${k}=`);
      params[k] = { value: v, span: place(v) };
    }
  } else {
    place(`postgresql://${user}`);
    if (pw !== undefined) {
      place(':');
      passwordSpan = place(pw);
    }
    place('@');
    hostSpecs.forEach((h, i) => {
      if (i > 0) place(',');
      const shown = isIP(h.host) === 6 ? `[${h.host}]` : h.host;
      const span = place(shown);
      if (h.port !== undefined) place(`:${h.port}`);
      hosts.push(hostInfo(h, span));
    });
    place(`/${spec.database ?? 'postgres'}`);
    paramEntries.forEach(([k, v], i) => {
      place(`${i === 0 ? '?' : '&'}${k}=`);
      params[k] = { value: v, span: place(v) };
    });
  }

  const fact: BuiltConnection = {
    kind: 'connection',
    file,
    format: spec.format ?? 'env',
    span: spanAt(line, 1, text.length),
    environment: e,
    ...(spec.unit ? { unit: spec.unit } : {}),
    form: dsn ? 'dsn' : 'uri',
    ...(dsn ? {} : { scheme: 'postgresql' }),
    masked: pw !== undefined && typeof spec.password === 'string' ? text.replace(`:${pw}@`, ':****@').replace(`password=${pw}`, 'password=****') : text,
    hosts,
    database: spec.database ?? 'postgres',
    user,
    password: pw === undefined ? { present: false, placeholder: false } : { present: true, placeholder: typeof spec.password !== 'string', span: passwordSpan! },
    params,
    ...(spec.variable ? { variable: spec.variable } : {}),
    ...(spec.consumer ? { consumer: spec.consumer } : {}),
    text,
  };
  if (typeof spec.password === 'string') secrets.set(fact, spec.password);
  if (params.sslmode) fact.sslmode = { ...params.sslmode, value: params.sslmode.value.toLowerCase() };
  for (const key of ['ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslaccept'] as const) if (params[key]) fact[key] = params[key];
  return fact;
}

function hostInfo(h: HostSpec, span: Span): HostInfo {
  const ip = isIP(h.host);
  const cls = h.class ?? guessClass(h.host);
  return {
    host: h.host,
    ...(h.port !== undefined ? { port: h.port } : {}),
    class: cls,
    classReason: cls === 'local' ? 'loopback address' : cls === 'unknown' ? 'variable reference' : 'not a local name',
    ...(ip === 4 ? { ip: 'v4' as const } : ip === 6 ? { ip: 'v6' as const } : {}),
    span,
  };
}

export interface SettingSpec extends Common {
  category: SettingCategory;
  name: string;
  /** Undefined: not a literal (computed in code). */
  value?: string;
  placeholder?: boolean;
}

export function setting(spec: SettingSpec): SettingFact {
  const line = claimLine();
  const value = spec.value;
  const nameSpan = spanAt(line, 1, spec.name.length);
  const valueSpan = spanAt(line, spec.name.length + 2, value?.length ?? 0);
  const placeholder = spec.placeholder ?? (value === undefined || value === '' || /^\$\{.*\}$|^\$\w+$/.test(value));
  const fact: SettingFact = {
    kind: 'setting',
    file: spec.file ?? '.env',
    format: spec.format ?? 'env',
    span: spanAt(line, 1, spec.name.length + 1 + (value?.length ?? 0)),
    environment: envOf(spec.env),
    ...(spec.unit ? { unit: spec.unit } : {}),
    category: spec.category,
    name: spec.name,
    nameSpan,
    ...(value !== undefined ? { value } : {}),
    valueSpan,
    placeholder,
  };
  if (spec.category === 'password' && value !== undefined && !placeholder) secrets.set(fact, value);
  return fact;
}

/** A TLS options object in code; each option gets its own stretch of the line. */
export function tlsOptions(options: Record<string, LiteralValue>, spec: Common & { sink?: string; driver?: string } = {}): TlsOptionsFact {
  const line = claimLine();
  let col = 3;
  const opts: Record<string, TlsOption> = {};
  for (const [k, v] of Object.entries(options)) {
    const valueText = typeof v === 'object' && v !== null ? '{…}' : JSON.stringify(v);
    opts[k] = { value: v, span: spanAt(line, col, k.length + 2 + valueText.length), valueSpan: spanAt(line, col + k.length + 2, valueText.length) };
    col += k.length + 2 + valueText.length + 2;
  }
  return {
    kind: 'tls-options',
    file: spec.file ?? 'src/db.ts',
    format: spec.format ?? 'source',
    span: spanAt(line, 1, col),
    environment: envOf(spec.env),
    ...(spec.unit ? { unit: spec.unit } : {}),
    options: opts,
    ...(spec.sink ? { sink: spec.sink } : {}),
    ...(spec.driver ? { driver: spec.driver } : {}),
  };
}

export interface FileSpec extends Common {
  fileKind: FileKind;
  tracked?: boolean;
  ignored?: boolean;
  inGit?: boolean;
  mode?: number;
  secret?: string;
}

export function fileFact(file: string, spec: FileSpec): FileFact {
  return {
    kind: 'file',
    file,
    format: spec.format ?? (spec.fileKind === 'env' || spec.fileKind === 'env-template' ? 'env' : 'certificate'),
    span: spanAt(1, 1, 0),
    environment: envOf(spec.env),
    fileKind: spec.fileKind,
    ...(spec.tracked !== undefined ? { tracked: spec.tracked } : {}),
    ...(spec.ignored !== undefined ? { ignored: spec.ignored } : {}),
    inGit: spec.inGit ?? true,
    ...(spec.mode !== undefined ? { mode: spec.mode } : {}),
    ...(spec.secret !== undefined ? { secret: spec.secret } : {}),
  };
}

export function certificate(spec: Common & { subject?: string; notBefore?: string; notAfter: string }): CertificateFact {
  return {
    kind: 'certificate',
    file: spec.file ?? 'certs/ca.crt',
    format: spec.format ?? 'certificate',
    span: spanAt(1, 1, 27),
    environment: envOf(spec.env),
    subject: spec.subject ?? 'O=Acme Corp, CN=Acme Postgres Root CA',
    issuer: spec.subject ?? 'O=Acme Corp, CN=Acme Postgres Root CA',
    notBefore: spec.notBefore ?? '2020-01-01T00:00:00.000Z',
    notAfter: spec.notAfter,
    inline: false,
  };
}

/** A report as the engine would turn it into a finding. */
export interface Reported {
  messageId: string;
  message: string;
  severity: Severity;
  span: Span;
  fact: Fact;
  /** `line:column-endLine:endColumn`, for compact position assertions. */
  at: string;
  consumer?: string;
  effectiveTls?: string;
}

export function runRule(rule: Rule, facts: Fact[], options: { now?: Date; config?: Partial<ResolvedConfig> } = {}): Reported[] {
  const out: Reported[] = [];
  const passwords = facts.map((f) => secrets.get(f)).filter((p): p is string => p !== undefined);
  rule.check(createFactSet(facts), {
    config: { ...DEFAULT_CONFIG, ...options.config },
    now: options.now ?? new Date('2027-03-01T12:00:00Z'),
    report(d: ReportDescriptor) {
      const template = rule.meta.messages[d.messageId];
      if (template === undefined) throw new Error(`unknown messageId ${d.messageId}`);
      const message = formatMessage(template, d.data);
      if (/\{\{\w+\}\}/.test(message)) throw new Error(`unfilled placeholder in: ${message}`);
      for (const p of passwords) if (message.includes(p)) throw new Error(`message leaks a password: ${message}`);
      const span = d.span ?? d.fact.span;
      out.push({
        messageId: d.messageId,
        message,
        severity: d.severity ?? rule.meta.defaultSeverity,
        span,
        fact: d.fact,
        at: `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`,
        ...(d.consumer ? { consumer: d.consumer } : {}),
        ...(d.effectiveTls ? { effectiveTls: d.effectiveTls } : {}),
      });
    },
  });
  return out;
}

/** `line:column-endLine:endColumn` of a span. */
export function at(span: Span | undefined): string {
  if (!span) throw new Error('no span');
  return `${span.line}:${span.column}-${span.endLine}:${span.endColumn}`;
}
