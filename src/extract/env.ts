// `.env`, `.env.*`, `*.env` and direnv `.envrc` files: every `NAME=value` entry with the positions
// of its name and value, values decoded as dotenv decodes them and expanded as dotenv-expand
// expands them (with one deliberate exception for passwords, see expandDotenv).
import { referenceParts } from './references.js';
import { locateValue, type ValueLocation } from '../text/source.js';
import { FactSink, unitOf, type Extractor } from './sink.js';
import { settingCategory } from './settings.js';

export interface Range {
  start: number;
  end: number;
}

export interface DotenvEntry {
  name: string;
  nameRange: Range;
  /** The value decoded exactly as `dotenv.parse` decodes it. */
  value: string;
  /** The value as written, quotes included (empty at the end of `NAME=` when there is none). */
  valueRange: Range;
  quote?: '"' | "'" | '`';
  exported: boolean;
}

/**
 * dotenv's own grammar (the LINE expression of dotenv 16–18's `parse`), with capture groups added
 * for `export` and the separator. `dotenv.parse` returns values without positions, and findings
 * must point at the key and value, so the same expression runs here with match indices (`d`);
 * the tests compare every decoded value with `dotenv.parse` on the same files.
 *
 * Sticky (`y`), tried only at line starts by `lineMatches`: searched with `g`, its leading `\s*`
 * crosses newlines, so every line of a run of blank lines scanned the whole run again (quadratic:
 * 100 kB of blank lines took 43 s).
 */
const LINE =
  /(?:^|^)\s*(export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dmy;

const isLineTerminator = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/**
 * The matches `text.matchAll(/…/dgm)` finds, in linear time. A match starts at a line start, and
 * when none starts at one, none starts at any later line start inside the same run of white space
 * either: the leading `\s*` reaches the same first non-space character from each, and giving
 * white space back never helps (what follows must start with a word character). So a failed start
 * skips the whole run.
 */
function* lineMatches(text: string): Generator<RegExpExecArray> {
  /** The first line start at or after `p`. */
  const lineStart = (p: number): number => {
    if (p === 0 || isLineTerminator(text[p - 1])) return p;
    while (p < text.length && !isLineTerminator(text[p])) p++;
    return p + 1;
  };
  let p = 0;
  while (p < text.length) {
    LINE.lastIndex = p;
    const m = LINE.exec(text);
    if (m) {
      yield m;
      p = lineStart(m.index + m[0].length);
    } else {
      while (p < text.length && /\s/.test(text[p]!)) p++;
      p = lineStart(p + 1);
    }
  }
}

/**
 * dotenv's `value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')`, in linear time: at every line start
 * that opens with a quote, everything up to the last line that ends with the same quote loses the
 * two quotes. The expression rescans the rest of the value from each such line start (cubic on a
 * value of many quote-led lines); tested against it on generated values.
 */
export function stripDotenvQuotes(value: string): string {
  const lastClose = new Map<string, number>();
  for (let e = value.length - 1; e >= 0; e--) {
    const c = value[e]!;
    if ((c === "'" || c === '"' || c === '`') && !lastClose.has(c) && (e + 1 === value.length || isLineTerminator(value[e + 1]))) lastClose.set(c, e);
  }
  let out = '';
  let from = 0;
  for (let p = 0; p < value.length; ) {
    const c = value[p]!;
    const close = lastClose.get(c);
    if (close !== undefined && close > p && (p === 0 || isLineTerminator(value[p - 1]))) {
      out += value.slice(from, p) + value.slice(p + 1, close);
      p = from = close + 1;
    } else {
      p++;
    }
  }
  return out + value.slice(from);
}

/**
 * dotenv normalises line endings before matching; offsets found in the normalised text are
 * mapped back through the positions where a `\r\n` became one character.
 */
function normalise(text: string): { text: string; toOriginal: (offset: number) => number } {
  const collapsed: number[] = [];
  const normalised = text.replace(/\r\n?/g, (m: string, offset: number) => {
    if (m.length === 2) collapsed.push(offset - collapsed.length);
    return '\n';
  });
  const toOriginal = (offset: number): number => {
    let lo = 0;
    let hi = collapsed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (collapsed[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return offset + lo;
  };
  return { text: normalised, toOriginal };
}

/** Every entry of a dotenv file in file order (a key set twice appears twice). */
export function parseDotenv(text: string): DotenvEntry[] {
  const { text: t, toOriginal } = normalise(text);
  const out: DotenvEntry[] = [];
  for (const m of lineMatches(t)) {
    const indices = m.indices!;
    const [nameStart, nameEnd] = indices[2]!;
    const sepEnd = indices[3]![1];
    const raw = m[4] ?? '';
    const [rawStart] = indices[4] ?? [sepEnd, sepEnd];
    // dotenv: trim, drop matching outer quotes, and turn \n and \r into newlines in double quotes.
    const trimmed = raw.trim();
    const start = rawStart + (raw.length - raw.trimStart().length);
    const end = start + trimmed.length;
    const first = trimmed[0];
    let value = stripDotenvQuotes(trimmed);
    if (first === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    const quote = (first === '"' || first === "'" || first === '`') && trimmed.length >= 2 && trimmed.endsWith(first) ? first : undefined;
    out.push({
      name: m[2]!,
      nameRange: { start: toOriginal(nameStart), end: toOriginal(nameEnd) },
      value,
      valueRange: { start: toOriginal(start), end: toOriginal(end) },
      ...(quote ? { quote } : {}),
      exported: m[1] !== undefined,
    });
  }
  return out;
}

/** dotenv-expand's reference syntax: `${NAME}`, `${NAME:-default}` (also `-`, `:+`, `+`) and `$NAME`, not after a backslash. */
const REFERENCE = /(?<!\\)\$\{([^{}]+)\}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)/g;
const OPERATOR = /:\+|\+|:-|-/;

/**
 * Expands references to variables defined earlier in the file, following dotenv-expand 12
 * (`-` and `:-` both fall back when the value is empty, `+` and `:+` substitute when it is set,
 * `\$` is a literal dollar). Written by hand because sslguard needs three things dotenv-expand
 * cannot be told: a reference to a password variable is never expanded (so a URL keeps
 * `${DB_PASSWORD}` as a placeholder instead of a copy of the secret, which is reported once on its
 * own line); a variable the file does not define stays as written instead of becoming '' (the
 * runtime environment supplies it, and an empty host would read as a local socket); and nothing
 * is ever taken from the scanner's own process.env, which dotenv-expand consults by default.
 */
export function expandDotenv(value: string, defined: ReadonlyMap<string, string>, budget?: ExpansionBudget): string {
  // Like dotenv-expand, rescan after substituting: `${A:-${B}}` resolves the inner reference first.
  // A few passes reach a fixed point in real files and bound the nesting followed.
  let current = value;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = expandOnce(current, defined, budget);
    if (next === undefined) return value;
    if (next === current) break;
    current = next;
  }
  return current.replace(/\\\$/g, '$');
}

const MAX_PASSES = 8;

/**
 * How many characters `${VAR}` expansion may add in one file: each line of
 * `A1=${A0}${A0}`, `A2=${A1}${A1}`, … doubles the last, and a 719-byte `.env` grew to 4 GB and
 * ended the process. Past the budget a value stays as written and the file gets one diagnostic,
 * so the work stays proportional to the file.
 */
export class ExpansionBudget {
  readonly limit: number;
  remaining: number;
  /** The offset of the first value left unexpanded. */
  exceededAt: number | undefined;
  constructor(fileLength: number) {
    this.limit = this.remaining = Math.max(2 * fileLength, 32 * 1024);
  }
  /** The diagnostic, once the budget ran out. */
  message(): string | undefined {
    if (this.exceededAt === undefined) return undefined;
    return `\${…} references here expand the file's values by more than ${this.limit.toLocaleString('en-US')} characters: this value and the values after it that reference others are judged as written, unexpanded`;
  }
}

function expandOnce(value: string, defined: ReadonlyMap<string, string>, budget: ExpansionBudget | undefined): string | undefined {
  let over = false;
  const next = value.replace(REFERENCE, (reference: string, braced: string | undefined, bare: string | undefined) => {
    if (over) return reference;
    const expression = braced ?? bare!;
    const op = braced !== undefined ? OPERATOR.exec(expression) : null;
    const name = op ? expression.slice(0, op.index) : expression;
    const operand = op ? expression.slice(op.index + op[0].length) : '';
    const current = defined.get(name);
    let out: string;
    if (settingCategory(name) === 'password') out = reference;
    else if (op && (op[0] === ':-' || op[0] === '-')) out = current ? current : operand;
    else if (op) out = current === undefined ? reference : current ? operand : '';
    else out = current === undefined ? reference : current;
    if (budget && out.length > reference.length) {
      budget.remaining -= out.length - reference.length;
      if (budget.remaining < 0) {
        over = true;
        return reference;
      }
    }
    return out;
  });
  return over ? undefined : next;
}

export const extractEnv: Extractor = (input) => {
  const sink = new FactSink(input, 'env');
  const unit = unitOf(input.file, 'env-file', input.file);
  // direnv runs `.envrc` with bash, where single quotes keep `$` literal.
  const shell = (input.file.split('/').pop() ?? '') === '.envrc';
  const defined = new Map<string, string>();
  const budget = new ExpansionBudget(sink.text.length);
  for (const entry of parseDotenv(sink.text)) {
    const value = shell && entry.quote === "'" ? entry.value : expandDotenv(entry.value, defined, budget);
    if (budget.exceededAt === undefined && budget.remaining < 0) {
      budget.exceededAt = entry.valueRange.start;
      sink.diagnostic(budget.message()!, entry.valueRange.start);
    }
    // Later lines see this definition (a redefinition replaces the earlier value from here on).
    defined.set(entry.name, value);
    const written = locateValue(sink.text, entry.valueRange.start, entry.valueRange.end, entry.value);
    const loc: ValueLocation = value === entry.value ? written : { ...written, exact: false };
    sink.assignment(entry.name, entry.nameRange, value, loc, { unit });
    sink.define({ unit, name: entry.name, value, nameRange: entry.nameRange, valueLoc: loc });
    // What is still a reference may be defined in another layer (`.env` under `.env.local`).
    const parts = shell ? undefined : referenceParts(value, 'shell');
    if (parts) {
      sink.use({ unit, scope: 'env-layer', parts, as: entry.name, nameRange: entry.nameRange, valueRange: { start: loc.start, end: loc.end }, written: entry.value });
    }
  }
  return sink.result();
};
