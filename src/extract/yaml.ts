// YAML access shared by the YAML-based extractors (compose files, Kubernetes manifests, later Helm
// values): parsing every document with node offsets, reporting what cannot be read, following
// anchors, aliases and merge keys safely, and locating scalar values in the file.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { locateValue, type ValueLocation } from '../text/source.js';
import { pushAll } from '../lists.js';

const require = createRequire(import.meta.url);

let yamlLib: typeof Yaml | undefined;

function loadYaml(): typeof Yaml {
  yamlLib ??= require('yaml') as typeof Yaml;
  return yamlLib;
}

/** What the YAML helpers need from a FactSink: the text, and somewhere to put diagnostics. */
export interface YamlReporter {
  readonly text: string;
  /** POSIX path: a chart's `templates/` directory holds Helm templates. */
  readonly file?: string;
  diagnostic(message: string, offset?: number): void;
}

export type YamlNode = Yaml.Node;

export interface Range {
  start: number;
  end: number;
}

/** A map entry after merge keys are applied; `value` has its aliases followed. */
export interface YamlEntry {
  key: string;
  keyNode: Yaml.Scalar;
  /** The key's name as written (without quotes when it has no escapes). */
  keyRange: Range;
  value: YamlNode | null;
  /** Came from a `<<` merge key rather than from this map itself. */
  merged: boolean;
  /** The map that holds the pair as written (this map, or the anchored map a merge brought it from). */
  origin: Yaml.YAMLMap;
}

/** A scalar's value as a string (numbers and booleans as written) and where it sits. */
export interface LocatedScalar {
  value: string;
  loc: ValueLocation;
}

/**
 * How many nodes aliases may add to a document when expanded. yaml's own `maxAliasCount` (default
 * 100) multiplies references by nested aliases and rejects an ordinary compose file that refers to
 * one `x-` anchor from a hundred services, so the limit here is on the expanded size instead:
 * generous for real files, and a "billion laughs" document is rejected before anyone walks it.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

/** A broken file can yield an error per token; a few are enough to fix it. */
const MAX_DIAGNOSTICS = 10;

const PARSE_OPTIONS = {
  // Duplicate keys are reported by us (with the key's position) and do not stop the document.
  uniqueKeys: false,
  // Compose files share settings with YAML 1.1 merge keys (`<<: *common-env`).
  merge: true,
  // Pretty errors quote the offending source line, which may hold a password.
  prettyErrors: false,
} as const;

/**
 * How deeply collections may nest before a file is refused unparsed. yaml parses recursively:
 * around a thousand levels exhaust the stack, and in a process that has already parsed deep input
 * V8 can then abort outright (a fatal "out of memory" while compiling a regular expression) instead
 * of throwing a catchable RangeError. Real files nest a few dozen levels.
 */
export const MAX_NESTING = 128;

/**
 * The offset where the text may nest deeper than MAX_NESTING, found without parsing: flow depth
 * counts every bracket (quotes ignored, so it can only overestimate), and block depth is bounded
 * by the column where a line's content starts after its indentation and compact `- `, `? `, `: `
 * indicators, since each block level needs a column more or one indicator more.
 */
export function excessiveNestingOffset(text: string): number | undefined {
  let flow = 0;
  let lineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lineStart = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      const indicator = (c === 45 || c === 63 || c === 58) && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9);
      if (c === 32 || c === 9 || indicator) {
        column += indicator ? 2 : 1;
        if (column > MAX_NESTING) return i;
        if (indicator) i++;
        continue;
      }
      lineStart = false;
    }
    if (c === 91 || c === 123) {
      if (++flow > MAX_NESTING) return i;
    } else if ((c === 93 || c === 125) && flow > 0) flow--;
  }
  return undefined;
}

/**
 * Where a file uses Go-template syntax (Helm charts): a `{{ … }}` action outside a YAML comment.
 * Such a file is not YAML until rendered, so reading it would report the template as values.
 * `${{ … }}` is GitHub Actions' expression syntax inside valid YAML, not a template.
 */
export function helmTemplateOffset(text: string): number | undefined {
  // Comments are blanked, not removed, so offsets stay those of the file.
  const code = text.replace(/(^|[ \t])#[^\r\n]*/gm, (m: string, lead: string) => lead + ' '.repeat(m.length - lead.length));
  // What /(?<!\$)\{\{[\s\S]*?\}\}/ finds, without its quadratic time on `{{{{…` with no `}}` (each
  // `{{` rescanned the rest of the file: seconds for 100 kB): a `{{` matches when any `}}` follows.
  const lastClose = code.lastIndexOf('}}');
  for (let at = code.indexOf('{{'); at >= 0 && at + 2 <= lastClose; at = code.indexOf('{{', at + 1)) {
    if (at === 0 || code[at - 1] !== '$') return at;
  }
  return undefined;
}

/**
 * The first `{{` outside a quoted scalar on its line: a template action that shapes the YAML
 * (`name: {{ include "x" . }}`, `{{- if … }}`), where a quoted `"{{.Name}}"` is only a value.
 */
function unquotedActionOffset(text: string): number | undefined {
  const code = text.replace(/(^|[ \t])#[^\r\n]*/gm, (m: string, lead: string) => lead + ' '.repeat(m.length - lead.length));
  for (let at = code.indexOf('{{'); at >= 0; at = code.indexOf('{{', at + 2)) {
    if (at > 0 && code[at - 1] === '$') continue;
    const lineStart = code.lastIndexOf('\n', at) + 1;
    const before = code.slice(lineStart, at);
    const doubles = (before.match(/(?<!\\)"/g) ?? []).length;
    const singles = (before.match(/'/g) ?? []).length;
    if (doubles % 2 === 0 && singles % 2 === 0) return at;
  }
  return undefined;
}

/**
 * Every readable document of a YAML stream. A document with syntax errors, an alias to nowhere or
 * an alias bomb is reported and skipped; the others are still returned. A Helm template yields a
 * single diagnostic and no documents, unless `templateStrings` says `{{ … }}` are only values
 * (Helm values files quote `"{{ .Release.Name }}-postgresql"` for `tpl`; the file is still YAML).
 */
export function parseYaml(reporter: YamlReporter, options: { templateStrings?: boolean } = {}): YamlDocument[] {
  const text = reporter.text;
  // `{{` alone does not make a Helm template (`tag: "{{.Name}}"` in compose logging, a workflow's
  // `{{version}}`): a file under a chart's templates/ does, or one whose `{{ }}` break the YAML.
  const helm = options.templateStrings ? undefined : helmTemplateOffset(text);
  if (helm !== undefined) {
    const action = reporter.file !== undefined && /(?:^|\/)templates\//.test(reporter.file) ? helm : unquotedActionOffset(text);
    if (action !== undefined) {
      reporter.diagnostic('Helm template, not scanned', action);
      return [];
    }
  }
  const deep = excessiveNestingOffset(text);
  if (deep !== undefined) {
    reporter.diagnostic(`YAML nested more than ${MAX_NESTING} levels deep, not scanned`, deep);
    return [];
  }
  let reported = 0;
  const report = (message: string, offset?: number): void => {
    if (reported++ < MAX_DIAGNOSTICS) reporter.diagnostic(message, offset);
  };
  const lib = loadYaml();
  let parsed: ReturnType<typeof lib.parseAllDocuments>;
  try {
    // YAML 1.2 counts a lone CR (classic Mac files) as a line break and the yaml library does not;
    // CR → LF keeps every offset, and positions are computed on the file as it is.
    parsed = lib.parseAllDocuments(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text, PARSE_OPTIONS);
  } catch (error) {
    if (helm !== undefined) reporter.diagnostic('Helm template, not scanned', helm);
    else report(`invalid YAML, file not scanned: ${safeMessage((error as Error).message)}`);
    return [];
  }
  if (helm !== undefined && parsed.some((doc) => doc.errors.length > 0)) {
    reporter.diagnostic('Helm template, not scanned', helm);
    return [];
  }
  const out: YamlDocument[] = [];
  for (const doc of parsed) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) report(`invalid YAML, document not scanned: ${safeMessage(e.message)}`, e.pos[0]);
      continue;
    }
    const d = new YamlDocument(lib, doc, text);
    if (d.check(report)) out.push(d);
  }
  if (reported > MAX_DIAGNOSTICS) reporter.diagnostic(`invalid YAML: ${reported - MAX_DIAGNOSTICS} more problems`);
  return out;
}

/** yaml's messages can end with a piece of the source (`Invalid escape sequence \q…`); keep the description only. */
function safeMessage(message: string): string {
  return message
    .replace(/:\s[\s\S]*$/, '')
    .replace(/^(Invalid escape sequence)[\s\S]*$/, '$1')
    .trim();
}

/** One parsed document, with aliases resolved through an index built once. */
export class YamlDocument {
  private readonly lib: typeof Yaml;
  private readonly doc: Yaml.Document<YamlNode, boolean>;
  private readonly text: string;
  private readonly targets = new Map<Yaml.Alias, YamlNode>();
  private readonly entryCache = new Map<Yaml.YAMLMap, YamlEntry[]>();

  constructor(lib: typeof Yaml, doc: Yaml.Document<YamlNode, boolean>, text: string) {
    this.lib = lib;
    this.doc = doc;
    this.text = text;
  }

  /** The document's top-level node (aliases followed). */
  get root(): YamlNode | null {
    return this.resolve(this.doc.contents);
  }

  /**
   * Indexes anchors, reports duplicate keys, and rejects the document (returns false) when an
   * alias has no anchor, refers to itself, or expands beyond MAX_ALIAS_EXPANSION nodes.
   */
  check(report: (message: string, offset?: number) => void): boolean {
    const lib = this.lib;
    const anchors = new Map<string, YamlNode>();
    let ok = true;
    let nodes = 0;
    // visit() walks in document order, and YAML lets an alias refer only to an anchor before it.
    lib.visit(this.doc, (_key, node) => {
      if (!lib.isNode(node)) return;
      nodes++;
      if (lib.isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) this.targets.set(node, target);
        else {
          report(`YAML alias \`*${node.source}\` has no anchor before it, document not scanned`, node.range?.[0]);
          ok = false;
        }
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      if (lib.isMap(node)) this.reportDuplicates(node, report);
    });
    if (!ok) return false;
    const size = this.expandedSize(this.doc.contents, nodes + MAX_ALIAS_EXPANSION);
    if (size === Infinity) {
      report('YAML alias refers to the node that contains it, document not scanned', this.doc.range?.[0]);
      return false;
    }
    if (size > nodes + MAX_ALIAS_EXPANSION) {
      report(`YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} extra nodes (an alias bomb?), document not scanned`, this.doc.range?.[0]);
      return false;
    }
    return true;
  }

  private reportDuplicates(map: Yaml.YAMLMap, report: (message: string, offset?: number) => void): void {
    const seen = new Set<string>();
    for (const pair of map.items) {
      if (this.isMergeKey(pair.key)) continue;
      const key = this.keyString(pair.key);
      if (key === undefined) continue;
      if (seen.has(key)) report(`duplicate YAML key \`${key}\` (the last one wins)`, (pair.key as Yaml.Scalar).range?.[0]);
      seen.add(key);
    }
  }

  /** Node count with every alias expanded, memoised per collection; Infinity for a recursive alias. Stops counting past `limit`. */
  private expandedSize(root: unknown, limit: number): number {
    const lib = this.lib;
    const memo = new Map<unknown, number>();
    const active = new Set<unknown>();
    const size = (node: unknown): number => {
      if (lib.isAlias(node)) {
        const target = this.targets.get(node);
        return target ? size(target) : 1;
      }
      if (!lib.isCollection(node)) return 1;
      const known = memo.get(node);
      if (known !== undefined) return known;
      if (active.has(node)) return Infinity;
      active.add(node);
      let total = 1;
      for (const item of node.items as unknown[]) {
        total += lib.isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (total > limit) break;
      }
      active.delete(node);
      memo.set(node, total);
      return total;
    };
    return size(root);
  }

  /** Follows aliases (the document was checked, so this ends). */
  resolve(node: unknown): YamlNode | null {
    let n = node;
    while (this.lib.isAlias(n)) n = this.targets.get(n);
    return this.lib.isNode(n) ? n : null;
  }

  private isMergeKey(key: unknown): boolean {
    if (!this.lib.isScalar(key)) return false;
    const v = key.value;
    return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && key.type === 'PLAIN');
  }

  private keyString(key: unknown): string | undefined {
    const k = this.resolve(key);
    if (!this.lib.isScalar(k)) return undefined;
    const v = k.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return k.source ?? String(v);
    return undefined;
  }

  /**
   * A map's entries in file order, then the entries its `<<` merge keys bring in that it does not
   * set itself (an earlier merge source wins over a later one, as in YAML 1.1). Duplicate keys are
   * all returned; `get` picks the last.
   */
  entries(node: unknown): YamlEntry[] {
    const map = this.resolve(node);
    if (!this.lib.isMap(map)) return [];
    const cached = this.entryCache.get(map);
    if (cached) return cached;
    const own: YamlEntry[] = [];
    const sources: YamlNode[] = [];
    for (const pair of map.items) {
      if (this.isMergeKey(pair.key)) {
        const v = this.resolve(pair.value);
        if (this.lib.isSeq(v)) for (const item of v.items) for (const source of this.nonNull(this.resolve(item))) sources.push(source);
        else pushAll(sources, this.nonNull(v));
        continue;
      }
      const key = this.keyString(pair.key);
      const keyNode = this.resolve(pair.key);
      if (key === undefined || !this.lib.isScalar(keyNode)) continue;
      own.push({ key, keyNode, keyRange: this.keyRange(keyNode, key), value: this.resolve(pair.value), merged: false, origin: map });
    }
    const have = new Set(own.map((e) => e.key));
    const merged: YamlEntry[] = [];
    for (const source of sources) {
      const last = new Map<string, YamlEntry>();
      for (const e of this.entries(source)) last.set(e.key, e);
      for (const [key, e] of last) {
        if (have.has(key)) continue;
        have.add(key);
        merged.push({ ...e, merged: true });
      }
    }
    const all = [...own, ...merged];
    this.entryCache.set(map, all);
    return all;
  }

  private nonNull(node: YamlNode | null): YamlNode[] {
    return node ? [node] : [];
  }

  /** The value of `key` in a map (the last one written wins, then merge keys). */
  get(node: unknown, key: string): YamlNode | null {
    // Merged entries come last and never repeat a key of the map itself.
    let found: YamlEntry | undefined;
    for (const e of this.entries(node)) if (e.key === key) found = e;
    return found?.value ?? null;
  }

  /** Follows a path of keys through nested maps. */
  path(node: unknown, ...keys: string[]): YamlNode | null {
    let n = this.resolve(node);
    for (const k of keys) n = this.get(n, k);
    return n;
  }

  /** A sequence's items with aliases followed; [] for anything else. */
  items(node: unknown): YamlNode[] {
    const seq = this.resolve(node);
    if (!this.lib.isSeq(seq)) return [];
    const out: YamlNode[] = [];
    for (const item of seq.items) for (const source of this.nonNull(this.resolve(item))) out.push(source);
    return out;
  }

  isMap(node: unknown): boolean {
    return this.lib.isMap(this.resolve(node));
  }

  /** The anchor name of a node (`env` for `&env`), after following aliases. */
  anchor(node: unknown): string | undefined {
    return this.resolve(node)?.anchor ?? undefined;
  }

  /** Absent, empty (`key:`) or an explicit `null` / `~`. */
  isNull(node: unknown): boolean {
    const n = this.resolve(node);
    return n === null || (this.lib.isScalar(n) && n.value === null);
  }

  isSeq(node: unknown): boolean {
    return this.lib.isSeq(this.resolve(node));
  }

  /**
   * A scalar as a string: strings decoded, numbers and booleans as written (`0`, `on`, `1.10` are
   * text to whoever reads an environment variable); undefined for null, collections and absence.
   */
  string(node: unknown): string | undefined {
    const n = this.resolve(node);
    if (!this.lib.isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return n.source ?? String(v);
    return undefined;
  }

  /** A scalar's string value and its location: exact for plain scalars and quoted ones without escapes. */
  scalar(node: unknown): LocatedScalar | undefined {
    const value = this.string(node);
    const n = this.resolve(node);
    if (value === undefined || !n?.range) return undefined;
    return { value, loc: locateValue(this.text, n.range[0], n.range[1], value) };
  }

  /** Where a key's name is written. */
  private keyRange(keyNode: Yaml.Scalar, key: string): Range {
    const r = keyNode.range;
    if (!r) return { start: 0, end: 0 };
    const loc = locateValue(this.text, r[0], r[1], key);
    return { start: loc.start, end: loc.end };
  }

  /** The range of any node as written (a scalar including its quotes). */
  range(node: unknown): Range | undefined {
    const n = this.resolve(node);
    return n?.range ? { start: n.range[0], end: n.range[1] } : undefined;
  }
}
