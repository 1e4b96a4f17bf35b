// Cross-file values (issue 5): a unit that takes a value from elsewhere is judged with that value,
// as the running program sees it. Runs in the pure core after every file is extracted, against the
// scanned files only; nothing outside them is read.
//
// Two stages. First the infrastructure's own references: compose `${VAR}` from the `.env` beside the
// compose file, MCP `${VAR}` / `${env:VAR}` from the project's `.env` / `.env.local`, `.env.local`
// references into `.env` (dotenv-flow layering), Kubernetes `secretKeyRef` / `configMapKeyRef` /
// `envFrom` and `$(VAR)`. Then code: `process.env.NAME` handed to a driver (and Prisma's
// `env("NAME")`) pairs every connection string NAME holds in the project with that call's client and
// TLS options.
//
// A value used whole (`DATABASE_URL: ${DATABASE_URL}`) is re-read where it is written, in the using
// unit: the facts keep their exact positions in the file the user edits, take the unit's environment,
// local names and client, and replace the facts the value had on its own (one judgement per use, not
// a second one out of context). A value assembled from parts is judged where it is assembled.
import { posix } from 'node:path';
import type { ConnectionFact, Diagnostic, Fact, RelatedLocation, Span, TlsOptionsFact, UnitLink, ValueDefinition, ValueRef, ValueUse } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { FactSink, type EmitOptions } from '../extract/sink.js';
import { SourceText } from '../text/source.js';
import { settingCategory } from '../extract/settings.js';
import { describeUnit } from '../policy/connection.js';
import { classifyPath } from '../discovery/kinds.js';
import { unscannedEnvFile } from './link-env-files.js';

export interface ValueResolutionInput {
  /** False: every file stands alone (`--no-cross-file`). */
  enabled?: boolean;
  facts: readonly Fact[];
  uses: readonly ValueUse[];
  definitions: readonly ValueDefinition[];
  /** Texts of the files that hold uses or definitions. */
  texts: ReadonlyMap<string, string>;
  /** Every scanned file, for the project layout (package.json directories). */
  files: ReadonlySet<string>;
  /** Units other units inherit whole (`env_file:`, `--env-file`): their facts stay where they are. */
  links: readonly UnitLink[];
  config: ResolvedConfig;
}

export function resolveValues(input: ValueResolutionInput): { facts: Fact[]; diagnostics: Diagnostic[] } {
  if (input.uses.length === 0 || input.enabled === false) return { facts: [...input.facts], diagnostics: [] };
  const resolver = new ValueResolver(input);
  return resolver.run();
}

/** Env files of one directory that dotenv-flow (and Next.js, Vite) load together, most specific first. */
function envLayers(file: string): string[] {
  const dir = posix.dirname(file);
  const base = posix.basename(file);
  const m = /^\.env(?:\.(?!local$)([^.]+))?(\.local)?$/.exec(base);
  if (!m) return [];
  const mode = m[1];
  const names = [...(mode ? [`.env.${mode}.local`, `.env.${mode}`] : []), '.env.local', '.env'];
  return names.map((n) => inDir(dir, n));
}

/** The directory an MCP client starts project servers in: `.cursor/mcp.json` → its parent. */
function mcpProjectRoot(file: string): string {
  const dir = posix.dirname(file);
  return posix.basename(dir).startsWith('.') && posix.basename(dir) !== '.' ? posix.dirname(dir) : dir;
}

function inDir(dir: string, name: string): string {
  return dir === '.' || dir === '' ? name : `${dir}/${name}`;
}

function within(span: Span, range: { start: number; end: number }): boolean {
  return span.start >= range.start && span.end <= range.end;
}

class ValueResolver {
  private readonly byFile = new Map<string, Map<string, ValueDefinition>>();
  private readonly byResource = new Map<string, ValueDefinition[]>();
  private readonly consumed = new Set<Fact>();
  private readonly derived: Fact[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly sources = new Map<string, SourceText>();
  private readonly inherited: Set<string>;
  private readonly packages: string[];
  /** The extracted facts by file: each use or definition looks only at its own file's. */
  private readonly factsByFile = new Map<string, Fact[]>();

  constructor(private readonly input: ValueResolutionInput) {
    for (const d of input.definitions) {
      let names = this.byFile.get(d.file);
      if (!names) this.byFile.set(d.file, (names = new Map()));
      // Later definitions win, as they do when the file is loaded.
      names.set(d.name, d);
      if (d.unit.kind === 'k8s-secret' || d.unit.kind === 'k8s-configmap') {
        const key = `${d.unit.kind}:${d.unit.name}`;
        const list = this.byResource.get(key) ?? [];
        list.push(d);
        this.byResource.set(key, list);
      }
    }
    for (const f of input.facts) {
      const list = this.factsByFile.get(f.file);
      if (list) list.push(f);
      else this.factsByFile.set(f.file, [f]);
    }
    this.inherited = new Set(input.links.map((l) => l.inherits.id));
    this.packages = [...input.files]
      .filter((f) => posix.basename(f) === 'package.json')
      .map((f) => posix.dirname(f))
      .sort((a, b) => b.length - a.length);
  }

  run(): { facts: Fact[]; diagnostics: Diagnostic[] } {
    for (const use of this.input.uses) if (use.scope !== 'code') this.resolveInfrastructure(use);
    const pool = [...this.input.facts.filter((f) => !this.consumed.has(f)), ...this.derived];
    const codeUses = this.input.uses.filter((u) => u.scope === 'code');
    if (codeUses.length === 0) return { facts: pool, diagnostics: this.diagnostics };
    return { facts: this.resolveCode(pool, codeUses), diagnostics: this.diagnostics };
  }

  // --- infrastructure -------------------------------------------------------------------------

  private resolveInfrastructure(use: ValueUse): void {
    const [first] = use.parts;
    if (use.parts.length === 1 && first && typeof first !== 'string') {
      if (first.from && first.name === '*') {
        const defs = this.resourceDefinitions(first);
        for (const d of defs) this.emitWhole(use, d, `${first.from.prefix ?? ''}${d.name}`);
        if (defs.length > 0) this.consumeUseSite(use);
        else if (first.from.kind === 'env-file' && !first.from.optional && !this.input.files.has(first.from.name)) this.unresolvedFile(use);
        return;
      }
      if (settingCategory(first.name) === 'password' && !first.from) return;
      const defs = this.lookup(use, first);
      for (const d of defs) this.emitWhole(use, d, use.as ?? d.name);
      if (defs.length > 0) this.consumeUseSite(use);
      return;
    }
    // A value assembled from parts: each reference takes the value that wins where it is read.
    let value = '';
    let resolved = 0;
    const origins: ValueDefinition[] = [];
    for (const part of use.parts) {
      if (typeof part === 'string') {
        value += part;
        continue;
      }
      // A password stays a reference: the secret is judged once, where it is written.
      const def = settingCategory(part.name) === 'password' && !part.from ? undefined : this.lookup(use, part)[0];
      if (def) {
        value += def.value;
        origins.push(def);
        resolved++;
      } else if (part.fallback && !part.from) {
        value += part.fallback.value;
      } else {
        value += part.from ? `$(${part.name})` : `\${${part.name}}`;
      }
    }
    if (resolved === 0) return;
    this.emitAssembled(use, value, origins);
    this.consumeUseSite(use);
  }

  private unresolvedFile(use: ValueUse): void {
    const s = this.source(use.file);
    const at = s?.position(use.valueRange.start);
    this.diagnostics.push({
      file: use.file,
      ...(at ? { line: at.line, column: at.column } : {}),
      message: unscannedEnvFile(use.written, use.unit),
    });
  }

  private resourceDefinitions(ref: ValueRef): ValueDefinition[] {
    const from = ref.from!;
    if (from.kind === 'env-file') return [...(this.byFile.get(from.name)?.values() ?? [])];
    return (this.byResource.get(`${from.kind}:${from.name}`) ?? []).filter(
      (d) => (from.namespace === undefined || d.namespace === undefined || d.namespace === from.namespace) && (ref.name === '*' || d.name === ref.name),
    );
  }

  /** Every definition a reference may read (several: the same Secret in two overlays). */
  private lookup(use: ValueUse, ref: ValueRef): ValueDefinition[] {
    if (ref.from) return this.resourceDefinitions(ref);
    const first = (files: string[]): ValueDefinition[] => {
      for (const f of files) {
        if (f === use.file) continue;
        const d = this.byFile.get(f)?.get(ref.name);
        // `${VAR:-default}`: an empty value counts as unset.
        if (d && !(ref.fallback?.whenEmpty && d.value === '')) return [d];
      }
      return [];
    };
    switch (use.scope) {
      case 'compose':
        return first([inDir(posix.dirname(use.file), '.env')]);
      case 'mcp': {
        const root = mcpProjectRoot(use.file);
        return first([inDir(root, '.env.local'), inDir(root, '.env')]);
      }
      case 'env-layer':
        return first(envLayers(use.file));
      default:
        return [];
    }
  }

  private source(file: string): SourceText | undefined {
    let s = this.sources.get(file);
    if (!s) {
      const text = this.input.texts.get(file);
      if (text === undefined) return undefined;
      this.sources.set(file, (s = new SourceText(text)));
    }
    return s;
  }

  private sinkFor(file: string, format: Fact['format']): FactSink | undefined {
    const source = this.source(file);
    return source && new FactSink({ file, text: source.text, source, config: this.input.config }, format);
  }

  private options(use: ValueUse): EmitOptions {
    return {
      unit: use.unit,
      // The environment of the unit that runs the value, named with the file that says so.
      ...(use.environment ? { environment: { ...use.environment, file: use.environment.file ?? use.file } } : {}),
      ...(use.localNames ? { localNames: new Map(Object.entries(use.localNames)) } : {}),
      ...(use.consumer ? { consumer: use.consumer } : {}),
    };
  }

  /** The definition's value, re-read where it is written, as a value of the using unit. */
  private emitWhole(use: ValueUse, def: ValueDefinition, name: string): void {
    const sink = this.sinkFor(def.file, def.format);
    if (!sink) return;
    sink.assignment(name, def.nameRange, def.value, def.valueLoc, this.options(use));
    const trace = [this.definitionSite(def), this.useSite(use)].filter((x): x is RelatedLocation => x !== undefined);
    for (const f of sink.result().facts) this.derived.push({ ...f, via: trace, writtenIn: def.unit });
    // The value's facts on its own are replaced by this judgement, unless a unit inherits the whole file.
    if (!this.inherited.has(def.unit.id)) this.consume(def.file, def.unit.id, def.valueLoc, def.nameRange);
  }

  /** A value assembled from parts, judged where it is assembled (positions: the whole value). */
  private emitAssembled(use: ValueUse, value: string, origins: ValueDefinition[]): void {
    const sink = this.sinkFor(use.file, use.format);
    if (!sink) return;
    const loc = { start: use.valueRange.start, end: use.valueRange.end, exact: false };
    if (use.as !== undefined && use.nameRange) sink.assignment(use.as, use.nameRange, value, loc, this.options(use));
    else sink.value(value, loc, this.options(use));
    const trace = [...origins.map((d) => this.definitionSite(d)), this.useSite(use)].filter((x): x is RelatedLocation => x !== undefined);
    for (const f of sink.result().facts) this.derived.push({ ...f, via: trace });
  }

  /** The use's own facts (a placeholder `${PGSSLMODE}`, a URL with an unresolved host) give way to the resolved ones. */
  private consumeUseSite(use: ValueUse): void {
    this.consume(use.file, use.unit.id, use.valueRange);
  }

  /** Facts of `unit` in `file` whose value lies in `value` (or, for a setting, whose name lies in `name`) are replaced. */
  private consume(file: string, unitId: string, value: { start: number; end: number }, name?: { start: number; end: number }): void {
    for (const f of this.factsByFile.get(file) ?? []) {
      if (f.unit?.id !== unitId) continue;
      const span = f.kind === 'setting' ? f.valueSpan : f.span;
      if (within(span, value) || (name && f.kind === 'setting' && within(f.nameSpan, name))) this.consumed.add(f);
    }
  }

  private definitionSite(def: ValueDefinition): RelatedLocation | undefined {
    const s = this.source(def.file);
    if (!s) return undefined;
    const where = def.unit.kind === 'k8s-secret' ? `in Secret \`${def.unit.name}\`` : def.unit.kind === 'k8s-configmap' ? `in ConfigMap \`${def.unit.name}\`` : '';
    return { ...rangeOf(s.span(def.valueLoc.start, def.valueLoc.end)), file: def.file, message: `${def.name} is written here${where ? ` ${where}` : ''}` };
  }

  private useSite(use: ValueUse): RelatedLocation | undefined {
    const s = this.source(use.file);
    if (!s) return undefined;
    return { ...rangeOf(s.span(use.valueRange.start, use.valueRange.end)), file: use.file, message: `used as \`${short(use.written)}\` by ${describeUnit(use.unit)}${use.unit.kind === 'source-file' ? ` (${use.file})` : ''}` };
  }

  // --- code -----------------------------------------------------------------------------------

  /** The package directory a file belongs to: the nearest scanned package.json above it. */
  private owner(file: string): string | undefined {
    const dir = posix.dirname(file);
    return this.packages.find((p) => p === '.' || dir === p || dir.startsWith(`${p}/`));
  }

  /** A value written in `file` reaches code in `reader` unless it belongs to another package. */
  private visible(file: string, reader: string): boolean {
    const o = this.owner(file);
    if (o === undefined || o === '.') return true;
    const r = posix.dirname(reader);
    return r === o || r.startsWith(`${o}/`);
  }

  private resolveCode(pool: Fact[], uses: readonly ValueUse[]): Fact[] {
    // A compose service runs this repository's code only when it is built from it (`build:`); a
    // service that runs an image (`electricsql/electric`) reads its variables with that image's client.
    const built = new Set(this.input.links.filter((l) => l.inherits.kind === 'dockerfile-stage').map((l) => l.unit.id));
    const byVariable = new Map<string, ConnectionFact[]>();
    for (const f of pool) {
      // In code only a value put into the process's environment reaches another reader of the variable.
      if (f.kind !== 'connection' || f.variable === undefined || (f.format === 'source' && !f.processEnv) || f.format === 'prisma') continue;
      if (f.format === 'compose' && f.unit?.kind === 'compose-service' && !built.has(f.unit.id)) continue;
      // A template (`.env.example`) is what people copy into `.env`: judged with the code and the
      // client that read the variable, like the `.env` it becomes (the git rules still see a template).
      // Code gets values from the files dotenv, Next.js, Vite and Prisma load (`.env`, `.env.*`), not
      // from a `backend.env` that only a compose `env_file:` or `docker run --env-file` hands a container.
      if (f.format === 'env' && !posix.basename(f.file).startsWith('.env')) continue;
      const list = byVariable.get(f.variable) ?? [];
      list.push(f);
      byVariable.set(f.variable, list);
    }
    const replaced = new Set<Fact>();
    const out: Fact[] = [];
    for (const use of uses) {
      const [ref] = use.parts;
      if (!ref || typeof ref === 'string') continue;
      const candidates = (byVariable.get(ref.name) ?? []).filter((c) => this.visible(c.file, use.file));
      if (candidates.length === 0) continue;
      const { site, span } = this.codeSite(use);
      const tls = this.tlsOf(pool, use);
      for (const c of candidates) {
        replaced.add(c);
        const via = [...(c.via ?? [originOf(c)]), site];
        out.push({
          ...c,
          ...(use.consumer ? { consumer: use.consumer } : {}),
          readBy: { file: use.file, span, name: ref.name, tls },
          // Python keyword arguments (`ssl=`, `sslmode=`) replace the string's TLS parameters.
          ...(tls.some((t) => t.overridesUrl) ? { tlsInCode: true as const } : {}),
          via,
        });
      }
    }
    return [...pool.filter((f) => !replaced.has(f)), ...out];
  }

  private codeSite(use: ValueUse): { site: RelatedLocation; span: Span } {
    // The core keeps the text of every file with a use, so the source is there.
    const s = this.source(use.file);
    const span = s ? s.span(use.valueRange.start, use.valueRange.end) : { start: use.valueRange.start, end: use.valueRange.end, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { site: { ...rangeOf(span), file: use.file, message: `read by ${use.consumer ?? 'code'} as \`${short(use.written)}\`` }, span };
  }

  /** TLS options handed to the same call as the variable. */
  private tlsOf(pool: readonly Fact[], use: ValueUse): TlsOptionsFact[] {
    if (use.receiverAt === undefined) return [];
    return pool.filter((f): f is TlsOptionsFact => f.kind === 'tls-options' && f.file === use.file && f.receiverAt === use.receiverAt);
  }
}

function rangeOf(span: Span): Omit<RelatedLocation, 'file' | 'message'> {
  return { line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

function originOf(c: ConnectionFact): RelatedLocation {
  return { ...rangeOf(c.span), file: c.file, message: `${c.variable ?? 'the value'} is written here` };
}

function short(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}
