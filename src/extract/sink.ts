import { looksGenerated } from '../policy/env-secrets.js';
import { isTestPath } from '../policy/test-paths.js';
import type { TSESTree } from './js/ast.js';
import type {
  ConnectionFact,
  Diagnostic,
  EnvironmentInfo,
  Fact,
  FileFormat,
  HostInfo,
  ParamValue,
  SettingCategory,
  Span,
  Unit,
  UnitLink,
  UnitReference,
  ValueDefinition,
  ValueUse,
} from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { DEFAULT_CONFIG } from '../config/types.js';
import { SourceText, subSpan, type ValueLocation } from '../text/source.js';
import { environmentOfPath, environmentOfVariable, pickEnvironment } from '../policy/environment.js';
import { parseConnectionString } from '../connection/parse.js';
import { findConnectionStrings } from '../connection/find.js';
import { classifyHost, exampleHostReason, isOffMachine } from '../connection/hosts.js';
import { isPlaceholder } from '../connection/placeholder.js';
import { maskConnectionString } from '../connection/mask.js';
import { settingCategory } from './settings.js';
import { SplitVariables } from './split-variables.js';
import { structuredSettings } from './structured-value.js';

/** What every extractor receives: a file's path and decoded text, and the configuration. */
export interface ExtractInput {
  /** POSIX path relative to the working directory. */
  file: string;
  text: string;
  config?: ResolvedConfig;
  /** `text` with its line index already built (the core re-reads a file once per value it resolves there). */
  source?: SourceText;
  /** POSIX path inside the scanned directory: test code is told apart by it (`file` when absent). */
  scopePath?: string;
  /** TS/JS only: the ESTree of `text` when the caller has it (ESLint's parser), with `range` on every node. */
  program?: TSESTree.Program;
}

export interface ExtractResult {
  facts: Fact[];
  diagnostics: Diagnostic[];
  /** Units of this file that inherit another unit's facts (a merged YAML anchor, a `FROM` stage). */
  links?: UnitLink[];
  /** Settings taken from other files (`build:`, `--env-file`), resolved by the core against the scanned files. */
  references?: UnitReference[];
  /** Units this file declares, in file order, also those without facts (Dockerfile stages: the last is the image). */
  units?: Unit[];
  /** Values this file's units take from elsewhere (`${VAR}`, `secretKeyRef`, `process.env.X`), resolved by the core. */
  uses?: ValueUse[];
  /** Variables this file defines that uses in other files may read (env file lines, ConfigMap and Secret keys). */
  definitions?: ValueDefinition[];
}

/** An extractor is a pure, synchronous function of (path, text, config). */
export type Extractor = (input: ExtractInput) => ExtractResult;

/** Options shared by assignment and value emission. */
export interface EmitOptions {
  unit?: Unit;
  /** Environment of the unit (k8s namespace); the file's environment is used when absent. */
  environment?: EnvironmentInfo;
  /** Extra names that are local for this unit, with the reason (compose service names). */
  localNames?: ReadonlyMap<string, string>;
  consumer?: string;
  /** Name of the variable or key holding the value. */
  variable?: string;
  /** The value is assigned to `process.env[variable]` in code (see ConnectionFact.processEnv). */
  processEnv?: true;
  /** Classify an assignment as this setting instead of by its name (keys of structured config: `ssl.rejectUnauthorized`). */
  category?: SettingCategory;
  /** A string someone asked to connect to (`sslguard verify`): a stand-in host name is still a host. */
  keepStandIns?: true;
}

/** Formats whose values run on a container network (see ClassifyOptions.containerNetwork). */
// Source code too: a single-label host there (`dokploy-postgres`) is a service name on the network the code is deployed in.
const CONTAINER_FORMATS: ReadonlySet<FileFormat> = new Set(['compose', 'env', 'dockerfile', 'workflow', 'source']);

/**
 * Collects facts and diagnostics for one file. Extractors only find *where* values are; turning a
 * value into connection and setting facts happens here, once, for every format.
 */
export class FactSink {
  readonly file: string;
  readonly format: FileFormat;
  readonly source: SourceText;
  readonly config: ResolvedConfig;
  readonly fileEnvironment: EnvironmentInfo;
  readonly facts: Fact[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly links: UnitLink[] = [];
  readonly references: UnitReference[] = [];
  readonly units: Unit[] = [];
  readonly uses: ValueUse[] = [];
  readonly definitions: ValueDefinition[] = [];
  private readonly split = new SplitVariables();
  private synthesized = false;
  /** Tests, fixtures and mocks (policy/test-paths.ts): the test environment. */
  readonly testCode: boolean;

  constructor(input: ExtractInput, format: FileFormat) {
    this.file = input.file;
    this.format = format;
    this.source = input.source ?? new SourceText(input.text);
    this.config = input.config ?? DEFAULT_CONFIG;
    this.fileEnvironment = environmentOfPath(input.file, this.config, input.scopePath);
    this.testCode = isTestPath(input.scopePath ?? input.file);
  }

  get text(): string {
    return this.source.text;
  }

  result(): ExtractResult {
    if (!this.synthesized) {
      this.synthesized = true;
      this.split.synthesize(this);
    }
    return {
      facts: this.facts,
      diagnostics: this.diagnostics,
      ...(this.links.length > 0 ? { links: this.links } : {}),
      ...(this.references.length > 0 ? { references: this.references } : {}),
      ...(this.units.length > 0 ? { units: this.units } : {}),
      ...(this.uses.length > 0 ? { uses: this.uses } : {}),
      ...(this.definitions.length > 0 ? { definitions: this.definitions } : {}),
    };
  }

  /** A value `unit` takes from elsewhere; the core resolves it (see ValueUse). */
  use(use: Omit<ValueUse, 'file' | 'format'>): void {
    this.uses.push({ ...use, file: this.file, format: this.format });
  }

  /** A variable of `unit` that other files may read (see ValueDefinition). */
  define(def: Omit<ValueDefinition, 'file' | 'format'>): void {
    this.definitions.push({ ...def, file: this.file, format: this.format });
  }

  /** Declares a unit of this file for reference resolution (see ExtractResult.units). */
  declare(unit: Unit): void {
    if (!this.units.some((u) => u.id === unit.id)) this.units.push(unit);
  }

  /** The facts of `inherits` apply in `unit` too (the unit's own facts win). */
  link(unit: Unit, inherits: Unit): void {
    if (unit.id !== inherits.id && !this.links.some((l) => l.unit.id === unit.id && l.inherits.id === inherits.id)) this.links.push({ unit, inherits });
  }

  /** A unit that takes settings from another file; `offset` is where the reference is written. */
  reference(ref: Omit<UnitReference, 'file' | 'line' | 'column'>, offset: number): void {
    this.references.push({ ...ref, file: this.file, ...this.source.position(offset) });
  }

  span(start: number, end: number): Span {
    return this.source.span(start, end);
  }

  diagnostic(message: string, offset?: number): void {
    const d: Diagnostic = { file: this.file, message };
    if (offset !== undefined) {
      const p = this.source.position(offset);
      d.line = p.line;
      d.column = p.column;
    }
    this.diagnostics.push(d);
  }

  environmentFor(options: EmitOptions, variable?: string): EnvironmentInfo {
    return pickEnvironment(this.fileEnvironment, variable ? environmentOfVariable(variable) : undefined, options.environment);
  }

  /**
   * An environment-style assignment `NAME=value` (env file line, compose/k8s/MCP env entry, code
   * assignment to `process.env.NAME`). Emits a setting fact when NAME is TLS-relevant and connection
   * facts for any connection string in the value. `value` undefined means "not a literal".
   */
  assignment(
    name: string,
    nameRange: { start: number; end: number },
    value: string | undefined,
    valueLoc: ValueLocation,
    options: EmitOptions = {},
  ): void {
    const category = options.category ?? settingCategory(name);
    const environment = this.environmentFor(options, name);
    // Test credentials (`POSTGRES_PASSWORD: test` in a CI compose file) protect nothing.
    if (category && !(this.testCode && category === 'password')) {
      this.facts.push({
        kind: 'setting',
        file: this.file,
        format: this.format,
        span: this.span(nameRange.start, Math.max(nameRange.end, valueLoc.end)),
        environment,
        ...(options.unit ? { unit: options.unit } : {}),
        category,
        name,
        nameSpan: this.span(nameRange.start, nameRange.end),
        ...(value !== undefined ? { value } : {}),
        valueSpan: this.span(valueLoc.start, valueLoc.end),
        placeholder: value === undefined ? true : isPlaceholder(value),
      });
    }
    this.split.record(name, value, valueLoc, { ...options, environment });
    if (value !== undefined) {
      const { category: _ignored, ...rest } = options;
      this.value(value, valueLoc, { ...rest, variable: name, environment });
      structuredSettings(this, name, value, valueLoc, { ...rest, environment });
    }
  }

  /** Any string value that may contain Postgres connection strings (URIs anywhere, a DSN as the whole value). */
  value(value: string, loc: ValueLocation, options: EmitOptions = {}): void {
    for (const found of findConnectionStrings(value)) {
      this.connection(found.text, loc, found.start, options);
    }
  }

  /** One connection string located at `offset` inside a value located at `loc`. */
  connection(text: string, loc: ValueLocation, offset: number, options: EmitOptions): void {
    const at = (s: number, e: number): Span => subSpan(this.source, loc, offset + s, offset + e);
    const whole = at(0, text.length);
    const parsed = parseConnectionString(text);
    if (!parsed.ok) {
      const where = loc.exact ? loc.start + offset + (parsed.offset ?? 0) : loc.start;
      this.diagnostic(`invalid Postgres connection string (${parsed.error}): ${maskConnectionString(text)}`, where);
      return;
    }
    const c = parsed.connection;
    const param = (key: string): ParamValue | undefined => {
      // libpq: the last occurrence of a keyword wins.
      const p = [...c.params].reverse().find((x) => x.key === key);
      return p ? { value: p.value, span: at(p.start, p.end) } : undefined;
    };
    const hosts: HostInfo[] = c.hosts.map((h) => {
      const cls = classifyHost(h.host, { socket: h.socket, localHosts: this.config.localHosts, localNames: options.localNames, containerNetwork: CONTAINER_FORMATS.has(this.format) });
      return {
        host: h.host,
        ...(h.port !== undefined ? { port: h.port } : {}),
        class: cls.class,
        classReason: cls.reason,
        ...(h.ip ? { ip: h.ip } : {}),
        span: at(h.start, h.end),
      };
    });
    // A URL whose every host is a stand-in (`db.example.com`, `your-db-host`) documents a shape;
    // test code and fixtures are judged only for a host off the machine.
    if (!options.keepStandIns && hosts.length > 0 && hosts.every((h) => exampleHostReason(h.host))) return;
    if (this.testCode && !hosts.some(isOffMachine)) return;
    const params: Record<string, ParamValue> = {};
    for (const p of c.params) params[p.key] = { value: p.value, span: at(p.start, p.end) };
    const environment = options.environment ?? this.environmentFor(options, options.variable);
    const fact: ConnectionFact = {
      kind: 'connection',
      file: this.file,
      format: this.format,
      span: whole,
      environment,
      ...(options.unit ? { unit: options.unit } : {}),
      form: c.form,
      ...(c.scheme ? { scheme: c.scheme } : {}),
      masked: maskConnectionString(text),
      hosts,
      ...(c.database !== undefined ? { database: c.database } : {}),
      ...(c.user !== undefined ? { user: c.user } : {}),
      password: c.password
        ? { present: true, placeholder: isPlaceholder(c.password.value), ...(looksGenerated(c.password.value) ? { generated: true } : {}), span: at(c.password.start, c.password.end) }
        : { present: false, placeholder: false },
      params,
      ...(options.variable ? { variable: options.variable } : {}),
      ...(options.processEnv ? { processEnv: true as const } : {}),
      ...(options.consumer ? { consumer: options.consumer } : {}),
    };
    const sslmode = param('sslmode');
    if (sslmode) fact.sslmode = { ...sslmode, value: sslmode.value.toLowerCase() };
    for (const key of ['ssl', 'sslrootcert', 'sslcert', 'sslkey', 'sslaccept'] as const) {
      const p = param(key);
      if (p) fact[key] = p;
    }
    this.facts.push(fact);
    connectionTap?.(fact, text);
  }
}

/**
 * Receives each connection fact together with its unmasked text while `withConnectionTap` runs.
 * Facts carry only the masked string; `sslguard verify --from` must connect with the real one, and
 * re-reading the fact's span would miss values the extractor decoded (JSON escapes, base64 Secret
 * data, `${VAR}` expanded from an earlier env entry). Extraction is synchronous, so a module-level
 * tap cannot see another call's facts.
 */
let connectionTap: ((fact: ConnectionFact, text: string) => void) | undefined;

export function withConnectionTap<T>(tap: (fact: ConnectionFact, text: string) => void, run: () => T): T {
  const previous = connectionTap;
  connectionTap = tap;
  try {
    return run();
  } finally {
    connectionTap = previous;
  }
}

/** A unit id that is unique within a scan. */
export function unitOf(file: string, kind: Unit['kind'], name: string): Unit {
  return { id: `${file}#${kind}:${name}`, kind, name };
}
