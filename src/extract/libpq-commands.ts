// Which parts of a command line libpq's own programs read: `psql "postgres://…"` in a Dockerfile
// RUN, `pg_dump` in a compose command, `pg_isready` in a health check, also behind `sh -c '…'`,
// `env NAME=value`, `exec` or `gosu postgres`. A connection string there follows libpq's rules
// (consumer `libpq`), whatever the image's application makes of its other connection strings.
import { findConnectionStrings } from '../connection/find.js';
import { LIBPQ_TOOLS } from '../policy/consumers.js';
import type { ValueLocation } from '../text/source.js';
import type { EmitOptions, FactSink } from './sink.js';
import { ASSIGNMENT, COMMAND_SEPARATORS, shellTokens, type ShellWord } from './shell-words.js';
import { pushAll } from '../lists.js';

/** A half-open range [start, end) of a command string. */
export interface Range {
  start: number;
  end: number;
}

/** Words that run the rest of the line as the command: `env X=1 psql`, `exec psql`, `sudo -u postgres psql`. */
const PREFIXES = new Set(['env', 'exec', 'nohup', 'time', 'command', 'nice', 'sudo', 'cross-env']);
/** Prefix flags that take a value (`sudo -u postgres`, `env -u NAME`, `nice -n 10`). */
const VALUE_FLAGS = new Set(['-u', '-g', '--user', '--group', '--unset', '-n', '-C', '--chdir']);
/** Prefixes whose first argument is a user, not the command (`gosu postgres psql`). */
const USER_PREFIXES = new Set(['gosu', 'su-exec', 'chpst']);
/** Shell reserved words that start a compound command: the command follows them (`until pg_isready …; do`). */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', '{']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'su']);
/** `-c`, and combined flags that include it: `-ec`, `-lc`, `-euxc` (`/^-[a-z]*c[a-z]*$/` backtracked over every `c`). */
const isScriptFlag = (word: string): boolean => /^-[a-z]*$/.test(word) && word.includes('c');
/** Nested `sh -c "bash -c '…'"` deeper than this is not followed. */
const MAX_DEPTH = 3;

function programName(word: string): string {
  return (word.split(/[\\/]/).pop() ?? word).replace(/\.(exe|cmd)$/i, '');
}

export function isLibpqTool(program: string): boolean {
  return LIBPQ_TOOLS.has(programName(program));
}

/** The index of the command word among the words of one simple command. */
function commandWordIndex(words: readonly ShellWord[]): number {
  let k = 0;
  for (;;) {
    while (k < words.length && ASSIGNMENT.test(words[k]!.value)) k++;
    const word = words[k];
    if (!word) return k;
    const name = programName(word.value);
    if (RESERVED.has(word.value)) {
      k++;
      continue;
    }
    if (USER_PREFIXES.has(name)) {
      k += 2;
      continue;
    }
    if (!PREFIXES.has(name)) return k;
    k++;
    while (k < words.length && words[k]!.value.startsWith('-')) k += VALUE_FLAGS.has(words[k]!.value) ? 2 : 1;
  }
}

/** Ranges of a script word's value, mapped back to the command the word was written in. */
function throughWord(word: ShellWord, inner: Range[]): Range[] {
  return inner.map((r) => ({
    start: word.offsets[r.start] ?? word.end,
    end: r.end > r.start ? word.offsets[r.end - 1]! + 1 : (word.offsets[r.start] ?? word.end),
  }));
}

/** The ranges of a shell command line that a libpq program receives as its arguments. */
export function libpqRanges(command: string, depth = 0): Range[] {
  const tokens = shellTokens(command);
  const out: Range[] = [];
  let i = 0;
  while (i < tokens.length) {
    let j = i;
    while (j < tokens.length) {
      const t = tokens[j]!;
      if (t.kind === 'operator' && COMMAND_SEPARATORS.has(t.op)) break;
      j++;
    }
    const words = tokens.slice(i, j).filter((t): t is ShellWord => t.kind === 'word');
    const end = j < tokens.length ? tokens[j]!.start : command.length;
    const k = commandWordIndex(words);
    const program = words[k];
    if (program && isLibpqTool(program.value)) {
      out.push({ start: program.start, end });
    } else if (program && SHELLS.has(programName(program.value)) && depth < MAX_DEPTH) {
      const flag = words.findIndex((w, x) => x > k && isScriptFlag(w.value));
      const script = flag > 0 ? words[flag + 1] : undefined;
      if (script) pushAll(out, throughWord(script, libpqRanges(script.value, depth + 1)));
    }
    i = j + 1;
  }
  return out;
}

/**
 * For an exec-form argument list (`["psql", url]`, `["sh", "-c", script]`, a compose health check's
 * `["CMD", "pg_isready", …]` or `["CMD-SHELL", script]`): per item, the ranges of it that a libpq
 * program reads.
 */
export function execFormRanges(items: readonly string[]): Range[][] {
  const out: Range[][] = items.map(() => []);
  if (items[0] === 'CMD-SHELL') {
    if (items[1] !== undefined) out[1] = libpqRanges(items[1]);
    return out;
  }
  let k = items[0] === 'CMD' ? 1 : 0;
  while (k < items.length && (ASSIGNMENT.test(items[k]!) || PREFIXES.has(programName(items[k]!)) || items[k]!.startsWith('-'))) k++;
  const program = items[k];
  if (program === undefined) return out;
  if (isLibpqTool(program)) {
    for (let x = k; x < items.length; x++) out[x] = [{ start: 0, end: items[x]!.length }];
  } else if (SHELLS.has(programName(program))) {
    const flag = items.findIndex((a, x) => x > k && isScriptFlag(a));
    if (flag > 0 && items[flag + 1] !== undefined) out[flag + 1] = libpqRanges(items[flag + 1]!);
  }
  return out;
}

/**
 * The matches of `/"((?:[^"\\]|\\.)*)"/g` (the insides' ranges), in linear time: the expression
 * rescanned the rest of the text from every `"` after an unclosed one. A start that fails at `f`
 * fails from every `"` before `f` too (an escaped quote resumes in step with it), so the search
 * goes on after `f`.
 */
function* quotedStrings(text: string): Generator<{ start: number; end: number }> {
  let i = text.indexOf('"');
  while (i >= 0) {
    let j = i + 1;
    let closed = false;
    while (j < text.length) {
      const c = text[j]!;
      if (c === '"') {
        closed = true;
        break;
      }
      if (c === '\\') {
        const next = text[j + 1];
        if (next === undefined || next === '\n' || next === '\r' || next === '\u2028' || next === '\u2029') break;
        j += 2;
      } else {
        j++;
      }
    }
    if (closed) yield { start: i + 1, end: j };
    i = text.indexOf('"', j + 1);
  }
}

/** JSON string literals of an exec-form instruction (`["psql", "…"]`), with their raw positions. */
function jsonStrings(text: string): Array<{ value: string; rawStart: number; raw: string }> | undefined {
  if (!text.trimStart().startsWith('[')) return undefined;
  const out: Array<{ value: string; rawStart: number; raw: string }> = [];
  for (const m of quotedStrings(text)) {
    let value: string;
    try {
      value = JSON.parse(text.slice(m.start - 1, m.end + 1)) as string;
    } catch {
      return undefined;
    }
    out.push({ value, rawStart: m.start, raw: text.slice(m.start, m.end) });
  }
  return out;
}

/**
 * The ranges libpq programs read in a Dockerfile command (`RUN`, `CMD`, `ENTRYPOINT`, the
 * command of `HEALTHCHECK`), shell form or exec form. In exec form a range maps into the JSON
 * text only when the string has no escapes; otherwise the whole string stands for it.
 */
export function dockerCommandRanges(text: string): Range[] {
  const items = jsonStrings(text);
  if (!items) return libpqRanges(text);
  const per = execFormRanges(items.map((x) => x.value));
  const out: Range[] = [];
  items.forEach((item, x) => {
    for (const r of per[x]!) {
      out.push(item.raw === item.value ? { start: item.rawStart + r.start, end: item.rawStart + r.end } : { start: item.rawStart, end: item.rawStart + item.raw.length });
    }
  });
  return out;
}

/** `HEALTHCHECK [--interval=…] CMD <command>`: the ranges libpq programs read in its command. */
export function dockerHealthcheckRanges(text: string): Range[] {
  // Each option a whole word: `(?:\s*--\S+)*` could split `--a--a--a…` in exponentially many ways
  // (26 of them took 8.6 s).
  const m = /^\s*(?:--\S+\s+)*CMD\s+/i.exec(text);
  if (!m) return [];
  return dockerCommandRanges(text.slice(m[0].length)).map((r) => ({ start: r.start + m[0].length, end: r.end + m[0].length }));
}

/**
 * Connection strings of a command value, each with the consumer of the program that receives it:
 * `libpq` inside `ranges`, the options' own consumer elsewhere. Same search as FactSink.value.
 */
export function commandValue(sink: FactSink, value: string, loc: ValueLocation, options: EmitOptions, ranges: readonly Range[]): void {
  for (const found of findConnectionStrings(value)) {
    const libpq = ranges.some((r) => found.start >= r.start && found.start < r.end);
    sink.connection(found.text, loc, found.start, libpq ? { ...options, consumer: 'libpq' } : options);
  }
}
