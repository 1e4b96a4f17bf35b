// JSON/JSONC access shared by the JSON-based extractors (MCP configs, package.json): parsing that
// keeps node offsets and recovers from errors, property lookup, and mapping positions inside a
// decoded string back to the file.
import { createRequire } from 'node:module';
import type * as JsoncParser from 'jsonc-parser';
import { locateValue, type ValueLocation } from '../text/source.js';
import type { FactSink } from './sink.js';

const require = createRequire(import.meta.url);

export type JsonNode = JsoncParser.Node;

let jsonc: typeof JsoncParser | undefined;

function loadJsonc(): typeof JsoncParser {
  jsonc ??= require('jsonc-parser') as typeof JsoncParser;
  return jsonc;
}

/** A broken file can yield an error per token; a few are enough to fix it. */
const MAX_DIAGNOSTICS = 10;

/**
 * How deeply arrays and objects may nest before a file is refused unparsed: jsonc-parser recurses
 * once per level and overflows the stack some thousands of levels down (a RangeError, or worse, see
 * MAX_NESTING in yaml.ts). Configuration files nest a few levels.
 */
export const MAX_JSON_NESTING = 128;

/** The offset of the bracket that nests deeper than MAX_JSON_NESTING, outside strings and comments. */
export function excessiveJsonNestingOffset(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_NESTING) return i;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Parses JSON with comments and trailing commas. Errors become diagnostics on the sink; the tree
 * jsonc-parser recovered is returned anyway so extraction can go on with what is readable.
 */
export function parseJsonc(sink: FactSink): JsonNode | undefined {
  const deep = excessiveJsonNestingOffset(sink.text);
  if (deep !== undefined) {
    sink.diagnostic(`JSON nested more than ${MAX_JSON_NESTING} levels deep, not scanned`, deep);
    return undefined;
  }
  const parser = loadJsonc();
  const errors: JsoncParser.ParseError[] = [];
  // A byte order mark is not JSON; blanking it keeps every offset unchanged.
  const text = sink.text.charCodeAt(0) === 0xfeff ? ' ' + sink.text.slice(1) : sink.text;
  const root = parser.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors.slice(0, MAX_DIAGNOSTICS)) {
    sink.diagnostic(`invalid JSON: ${parser.printParseErrorCode(e.error)}`, e.offset);
  }
  if (errors.length > MAX_DIAGNOSTICS) sink.diagnostic(`invalid JSON: ${errors.length - MAX_DIAGNOSTICS} more errors`);
  return root;
}

/** Parses without reporting errors (for cheap content sniffing). */
export function parseJsoncQuietly(text: string): JsonNode | undefined {
  if (excessiveJsonNestingOffset(text) !== undefined) return undefined;
  const blanked = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  return loadJsonc().parseTree(blanked, [], { allowTrailingComma: true, disallowComments: false });
}

export interface JsonProperty {
  key: string;
  keyNode: JsonNode;
  value: JsonNode;
}

/** The properties of an object node, in file order (a recovered tree may lack a value: skipped). */
export function properties(node: JsonNode | undefined): JsonProperty[] {
  if (node?.type !== 'object') return [];
  const out: JsonProperty[] = [];
  for (const p of node.children ?? []) {
    const [keyNode, value] = p.children ?? [];
    if (keyNode?.type === 'string' && value) out.push({ key: String(keyNode.value), keyNode, value });
  }
  return out;
}

/** The value of `key` in an object node; the last one wins, as in JSON.parse. */
export function property(node: JsonNode | undefined, key: string): JsonNode | undefined {
  let found: JsonNode | undefined;
  for (const p of properties(node)) if (p.key === key) found = p.value;
  return found;
}

/** Where a string, number or boolean node's value sits: exact for strings without escapes. */
export function nodeLocation(text: string, node: JsonNode, decoded: string): ValueLocation {
  return locateValue(text, node.offset, node.offset + node.length, decoded);
}

/** The range of a key's name (without quotes when it has no escapes). */
export function keyRange(text: string, keyNode: JsonNode): { start: number; end: number } {
  const loc = nodeLocation(text, keyNode, String(keyNode.value));
  return { start: loc.start, end: loc.end };
}

const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Maps every index of a decoded JSON string to the file offset of the source text that produced
 * it (one more entry for the end). jsonc-parser only gives the whole literal's range, but command
 * lines in JSON (package.json scripts) routinely contain `\"`, and a connection string after such
 * an escape should still be pointed at exactly.
 */
export class JsonStringMap {
  private readonly offsets: number[];
  private readonly text: string;
  /** Set when the literal's source does not decode as expected (recovered from an error). */
  private readonly fallback: ValueLocation | undefined;
  readonly decoded: string;

  constructor(text: string, node: JsonNode) {
    this.text = text;
    this.decoded = String(node.value);
    const offsets: number[] = [];
    const end = node.offset + node.length;
    let i = node.offset + 1; // after the opening quote
    let units = 0;
    while (i < end - 1 && units < this.decoded.length) {
      offsets.push(i);
      units++;
      if (text[i] === '\\') {
        const e = text[i + 1] ?? '';
        i += e === 'u' ? 6 : SIMPLE_ESCAPES.has(e) ? 2 : 1;
      } else i++;
    }
    if (offsets.length !== this.decoded.length) {
      this.offsets = [];
      this.fallback = { start: node.offset, end, exact: false };
    } else {
      offsets.push(Math.min(i, end));
      this.offsets = offsets;
      this.fallback = undefined;
    }
  }

  /** The location of decoded[from, to): exact when that part is written without escapes. */
  location(from: number, to: number): ValueLocation {
    if (this.fallback) return this.fallback;
    const start = this.offsets[from]!;
    const end = this.offsets[to]!;
    return { start, end, exact: this.text.slice(start, end) === this.decoded.slice(from, to) };
  }
}
