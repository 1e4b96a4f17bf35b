// Just enough of POSIX shell word splitting to read npm scripts: words with quotes and escapes
// removed, the operators that start a new command, and for every character of a word the offset
// it came from. Libraries such as shell-quote return words without source offsets, and rules must
// point at `PGSSLMODE=disable` inside the script, so this is written by hand.

export interface ShellWord {
  kind: 'word';
  /** The word after quote removal. */
  value: string;
  /** Offset in the command of each character of `value`. */
  offsets: number[];
  start: number;
  end: number;
}

export interface ShellOperator {
  kind: 'operator';
  /** `&&`, `||`, `;`, `|`, `&`, `(`, `)`, a newline, or a redirection (`>`, `<`, `>>`, `>&`). */
  op: string;
  start: number;
  end: number;
}

export type ShellToken = ShellWord | ShellOperator;

/** A word that assigns an environment variable for the command after it (`PGSSLMODE=require psql …`). */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Operators after which the next word is a command again. */
export const COMMAND_SEPARATORS = new Set(['&&', '||', ';', '|', '&', '(', ')', '\n', '|&']);

const OPERATOR_CHARS = new Set(['&', '|', ';', '(', ')', '<', '>', '\n']);
const TWO_CHAR_OPERATORS = new Set(['&&', '||', '|&', '>>', '>&', '<&', '<<', ';;']);

/** Characters a backslash escapes inside double quotes. */
const DOUBLE_QUOTE_ESCAPES = new Set(['$', '`', '"', '\\', '\n']);

export function shellTokens(command: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  const n = command.length;
  let i = 0;
  while (i < n) {
    const c = command[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && command[i] !== '\n') i++;
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      const two = command.slice(i, i + 2);
      const op = TWO_CHAR_OPERATORS.has(two) ? two : c;
      tokens.push({ kind: 'operator', op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const start = i;
    let value = '';
    const offsets: number[] = [];
    const take = (at: number): void => {
      value += command[at]!;
      offsets.push(at);
    };
    while (i < n) {
      const ch = command[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\r' || OPERATOR_CHARS.has(ch)) break;
      if (ch === '\\') {
        if (i + 1 < n && command[i + 1] !== '\n') take(i + 1);
        i += 2;
      } else if (ch === "'") {
        i++;
        while (i < n && command[i] !== "'") take(i++);
        i++;
      } else if (ch === '"') {
        i++;
        while (i < n && command[i] !== '"') {
          if (command[i] === '\\' && i + 1 < n && DOUBLE_QUOTE_ESCAPES.has(command[i + 1]!)) {
            if (command[i + 1] !== '\n') take(i + 1);
            i += 2;
          } else take(i++);
        }
        i++;
      } else take(i++);
    }
    tokens.push({ kind: 'word', value, offsets, start, end: Math.min(i, n) });
  }
  return tokens;
}

/** The command range of value[from, to) of a word, and whether it is written verbatim there. */
export function wordRange(command: string, word: ShellWord, from: number, to: number): { start: number; end: number; exact: boolean } {
  const start = from < word.offsets.length ? word.offsets[from]! : word.end;
  const end = to > from ? word.offsets[to - 1]! + 1 : start;
  return { start, end, exact: command.slice(start, end) === word.value.slice(from, to) };
}
