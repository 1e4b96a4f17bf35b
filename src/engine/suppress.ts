// Inline suppressions: `sslguard-disable-next-line <rule-id>[, <rule-id>…] [-- reason]` and
// `sslguard-disable-line …` in a `#`, `//` or `/* */` comment, ESLint-style. sslguard reads many
// formats and has no full parser for most of them here, so comments are recognised line by line
// with a small quote tracker: enough to tell `# sslguard-disable-line` from the same words inside
// a string value, which must never silence a finding.

export type SuppressionKind = 'disable-line' | 'disable-next-line';

export interface SuppressionRuleId {
  id: string;
  /** 1-based line and column (UTF-16) of the id, for reporting unknown ids. */
  line: number;
  column: number;
}

export interface SuppressionDirective {
  kind: SuppressionKind;
  /** Position of the directive word (`sslguard-disable-…`). */
  line: number;
  column: number;
  /** Column just past the directive text (before a block comment close or the line end), for reporting the whole directive. */
  endColumn: number;
  /** The line whose findings it suppresses. */
  targetLine: number;
  /** Empty: every rule. */
  ruleIds: SuppressionRuleId[];
  justification?: string;
}

export interface Suppressions {
  readonly directives: readonly SuppressionDirective[];
  /** How the finding on `line` is suppressed (with the directive's reason, if any); undefined when it stands. */
  isSuppressed(ruleId: string, line: number): { justification?: string } | undefined;
}

const DIRECTIVE = /^sslguard-(disable-next-line|disable-line)(?=\s|$|\*\/)/;

/** Characters after which a quote opens a string (so `don't` in a YAML plain scalar does not). */
function opensString(prev: string | undefined): boolean {
  return prev === undefined || /[\s=:,([{!&|?+;<>]/.test(prev);
}

/** Offsets of comment openers on a line that are outside quoted strings, in order, with their kind. */
function commentOpeners(line: string): Array<{ at: number; kind: '#' | '//' | '/*'; contentStart: number }> {
  const found: Array<{ at: number; kind: '#' | '//' | '/*'; contentStart: number }> = [];
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote !== "'") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'" || c === '`') && opensString(line[i - 1])) {
      quote = c;
      continue;
    }
    const prev = line[i - 1];
    // `#` starts a comment in YAML, dotenv and shell only at the line start or after whitespace
    // (`postgres://h/db#frag` and `pass#word` are values).
    if (c === '#' && (prev === undefined || /\s/.test(prev))) {
      found.push({ at: i, kind: '#', contentStart: i + 1 });
      return found;
    }
    // `//` right after `:` is a URL scheme (`postgres://`), not a comment.
    if (c === '/' && line[i + 1] === '/' && prev !== ':') {
      found.push({ at: i, kind: '//', contentStart: i + 2 });
      return found;
    }
    if (c === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      found.push({ at: i, kind: '/*', contentStart: i + 2 });
      if (close < 0) return found;
      i = close + 1;
    }
  }
  return found;
}

function parseDirective(
  line: string,
  lineNo: number,
  opener: { kind: '#' | '//' | '/*'; contentStart: number },
): SuppressionDirective | undefined {
  let i = opener.contentStart;
  // `##`, `///`, `/**` and leading spaces are all the same comment.
  const filler = opener.kind === '#' ? /[#\s]/ : opener.kind === '//' ? /[/\s]/ : /[*\s]/;
  while (i < line.length && filler.test(line[i]!)) i++;
  const m = DIRECTIVE.exec(line.slice(i));
  if (!m) return undefined;
  const kind = m[1] as SuppressionKind;
  const directiveStart = i;
  let end = line.length;
  if (opener.kind === '/*') {
    const close = line.indexOf('*/', i);
    if (close >= 0) end = close;
  }
  let rest = line.slice(i + m[0].length, end);
  const restStart = i + m[0].length;
  let justification: string | undefined;
  const sep = /(?:^|\s)--(?:\s|$)/.exec(rest);
  if (sep) {
    justification = rest.slice(sep.index + sep[0].length).trim() || undefined;
    rest = rest.slice(0, sep.index);
  }
  const ruleIds: SuppressionRuleId[] = [];
  for (const id of rest.matchAll(/[^\s,]+/g)) {
    ruleIds.push({ id: id[0], line: lineNo, column: restStart + id.index! + 1 });
  }
  return {
    kind,
    line: lineNo,
    column: directiveStart + 1,
    endColumn: end + 1,
    targetLine: kind === 'disable-line' ? lineNo : lineNo + 1,
    ruleIds,
    ...(justification !== undefined ? { justification } : {}),
  };
}

/** Every suppression directive of a file; lines split at `\n`, `\r\n` and `\r` like SourceText. */
export function parseSuppressions(text: string): Suppressions {
  const directives: SuppressionDirective[] = [];
  // Cheap exit: most files have no directive at all.
  if (text.includes('sslguard-disable-')) {
    const lines = text.split(/\r\n|\r|\n/);
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      if (!line.includes('sslguard-disable-')) continue;
      for (const opener of commentOpeners(line)) {
        const d = parseDirective(line, n + 1, opener);
        if (d) directives.push(d);
      }
    }
  }
  const byLine = new Map<number, SuppressionDirective[]>();
  for (const d of directives) {
    const list = byLine.get(d.targetLine);
    if (list) list.push(d);
    else byLine.set(d.targetLine, [d]);
  }
  return {
    directives,
    isSuppressed(ruleId: string, line: number) {
      const matches = byLine.get(line)?.filter((d) => d.ruleIds.length === 0 || d.ruleIds.some((r) => r.id === ruleId)) ?? [];
      // Two directives may cover one line; the reason someone wrote down is the one worth keeping.
      const match = matches.find((d) => d.justification !== undefined) ?? matches[0];
      if (!match) return undefined;
      return match.justification !== undefined ? { justification: match.justification } : {};
    },
  };
}
