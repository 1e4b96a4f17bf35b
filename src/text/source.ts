import type { Span } from '../model.js';

/**
 * Offset ↔ line/column for one file. Lines end at `\n`, `\r\n` or a lone `\r` (classic Mac files),
 * as editors count them; columns are 1-based UTF-16 code units, which is what ESLint and SARIF
 * (`columnKind: utf16CodeUnits`) expect.
 */
export class SourceText {
  readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(text: string) {
    this.text = text;
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }

  /** 1-based line and column of an offset (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo]! + 1 };
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    const starts = this.starts();
    return starts[Math.max(0, Math.min(line - 1, starts.length - 1))]!;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  span(start: number, end: number): Span {
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(s, Math.min(end, this.text.length));
    const a = this.position(s);
    const b = this.position(e);
    return { start: s, end: e, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

/**
 * Where a decoded value (a YAML/JSON string, a dotenv value) sits in the file. When the value is
 * written verbatim (no escapes, no folding) offsets inside it map one-to-one to the file; otherwise
 * every sub-range maps to the whole value's span, which is still the right place to point at.
 */
export interface ValueLocation {
  start: number;
  end: number;
  /** True when `text.slice(start, end)` equals the decoded value. */
  exact: boolean;
}

export function locateValue(text: string, start: number, end: number, decoded: string): ValueLocation {
  if (text.slice(start, end) === decoded) return { start, end, exact: true };
  // Quoted scalars: the value without its quotes may still be verbatim.
  const q = text[start];
  if ((q === '"' || q === "'" || q === '`') && text.slice(start + 1, end - 1) === decoded) {
    return { start: start + 1, end: end - 1, exact: true };
  }
  return { start, end, exact: false };
}

/** Span of the sub-range [from, to) of a located value. */
export function subSpan(src: SourceText, loc: ValueLocation, from: number, to: number): Span {
  if (!loc.exact) return src.span(loc.start, loc.end);
  return src.span(loc.start + from, loc.start + to);
}
