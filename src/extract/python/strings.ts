// Python string literals as values at known places: prefixes (r, b, u, f and their mixes), the four
// quotes, escapes, implicit concatenation, and f-strings whose `{…}` replacements stay references.
import type { ValueLocation } from '../../text/source.js';
import type { PyNode } from './tree.js';

export interface PyString {
  value: string;
  loc: ValueLocation;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** The body of one quoted literal: [start, end) offsets of its content, and its prefix letters. */
function body(text: string, node: PyNode): { start: number; end: number; prefix: string } | undefined {
  const raw = text.slice(node.from, node.to);
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(raw);
  if (!m) return undefined;
  const quote = m[2]!;
  const start = node.from + m[0].length;
  const end = raw.endsWith(quote) && raw.length >= m[0].length + quote.length ? node.to - quote.length : node.to;
  return { start, end, prefix: m[1]!.toLowerCase() };
}

function unescape(content: string): string {
  return content.replace(/\\(\r\n|\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[^])/g, (_, e: string) => {
    if (e === '\n' || e === '\r\n') return '';
    if (e[0] === 'x' || (e[0] === 'u' && e.length === 5)) return String.fromCharCode(parseInt(e.slice(1), 16));
    return SIMPLE_ESCAPES[e] ?? `\\${e}`;
  });
}

/**
 * An f-string's text with every replacement field kept as a reference of the same length
 * (`{user}` → `${use}`), so that positions inside it stay exact and a URL built as
 * f"postgresql://{user}:{pw}@{host}/db?sslmode=disable" still parses, its parts unknown.
 */
function formatText(text: string, node: PyNode, start: number, end: number): string {
  let out = text.slice(start, end);
  for (const child of node.children) {
    if (child.type !== 'FormatReplacement') continue;
    const s = child.from - start;
    const n = child.to - child.from;
    if (s < 0 || child.to > end) continue;
    const replacement = n >= 3 ? '${' + '_'.repeat(n - 3) + '}' : '_'.repeat(n);
    out = out.slice(0, s) + replacement + out.slice(s + n);
  }
  return out;
}

/** The value of a string literal node (`String`, `FormatString`, `ContinuedString`); undefined for bytes. */
export function stringValue(text: string, node: PyNode): PyString | undefined {
  if (node.type === 'ContinuedString') {
    const parts = node.children.filter((c) => c.type === 'String' || c.type === 'FormatString').map((c) => stringValue(text, c));
    if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
    if (parts.length === 1) return parts[0];
    return { value: parts.map((p) => p!.value).join(''), loc: { start: node.from, end: node.to, exact: false } };
  }
  if (node.type !== 'String' && node.type !== 'FormatString') return undefined;
  const b = body(text, node);
  if (!b || b.prefix.includes('b')) return undefined;
  const content = b.prefix.includes('f') || node.type === 'FormatString' ? formatText(text, node, b.start, b.end) : text.slice(b.start, b.end);
  if (b.prefix.includes('r') || !content.includes('\\')) return { value: content, loc: { start: b.start, end: b.end, exact: true } };
  return { value: unescape(content), loc: { start: b.start, end: b.end, exact: false } };
}

export const STRING_TYPES: ReadonlySet<string> = new Set(['String', 'FormatString', 'ContinuedString']);
