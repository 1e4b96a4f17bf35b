// The config's `environments` globs, matched in time linear in the pattern times the path.
// Hand-written: picomatch (used before) compiles a glob to a backtracking regular expression whose
// time grows with the path length to the power of the number of stars (`*a*a*a*a*a*a*b` against
// 60 characters took 2.4 s, one more star 15 s), and a repository's own config chooses the globs
// while the repository chooses the path names. The syntax is the usual one: `*` (within a path
// segment, dot files included), `**` (any number of segments), `?`, `[abc]`, `[a-z]`, `[!x]` /
// `[^x]`, `\` escapes and `{a,b}` alternatives; a pattern without a slash matches at any depth.

/** One path segment's pattern: literal characters, `?`, classes and `*`. */
type Token = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; negated: boolean; items: Array<[string, string]> };

/** At most this many alternatives from `{…}` expansion; the rest are not matched. */
const MAX_ALTERNATIVES = 256;

/** `{a,b}c` → `ac`, `bc` (nested braces too), up to MAX_ALTERNATIVES. */
function expandBraces(pattern: string): string[] {
  // The first top-level `{…}` holding a comma at its own depth.
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern[i] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    let end = -1;
    for (let j = i; j < pattern.length; j++) {
      const c = pattern[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = j;
        break;
      } else if (c === ',' && depth === 1) commas.push(j);
    }
    if (end < 0) return [pattern];
    if (commas.length === 0) continue;
    const before = pattern.slice(0, i);
    const after = pattern.slice(end + 1);
    const bounds = [i, ...commas, end];
    const out: string[] = [];
    for (let k = 0; k + 1 < bounds.length && out.length < MAX_ALTERNATIVES; k++) {
      for (const expanded of expandBraces(before + pattern.slice(bounds[k]! + 1, bounds[k + 1]) + after)) {
        if (out.length >= MAX_ALTERNATIVES) break;
        out.push(expanded);
      }
    }
    return out;
  }
  return [pattern];
}

function tokenize(segment: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '\\' && i + 1 < segment.length) tokens.push({ kind: 'char', char: segment[++i]! });
    else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '*') {
      // Consecutive stars inside a segment are one.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        tokens.push({ kind: 'char', char: c });
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body[0] === '!' || body[0] === '^';
      if (negated) body = body.slice(1);
      const items: Array<[string, string]> = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          items.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else items.push([body[k]!, body[k]!]);
      }
      tokens.push({ kind: 'class', negated, items });
      i = close;
    } else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char;
    case 'any':
      return char !== '/';
    case 'class':
      return token.items.some(([lo, hi]) => char >= lo && char <= hi) !== token.negated;
    case 'star':
      return false;
  }
}

/**
 * Wildcard matching with one kind of star, greedy with a single backtrack point: the classic
 * algorithm, O(pattern × text) at worst and linear in practice. Used for the characters of one
 * segment and, with `**` as the star, for the segments of a path.
 */
function wildcard<P, T>(pattern: readonly P[], text: readonly T[], isStar: (p: P) => boolean, one: (p: P, t: T) => boolean): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && !isStar(pattern[p]!) && one(pattern[p]!, text[t]!)) {
      p++;
      t++;
    } else if (p < pattern.length && isStar(pattern[p]!)) {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

type Segment = { globstar: true } | { globstar: false; tokens: Token[] };

function compile(pattern: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of pattern.split('/')) {
    if (part === '**') {
      if (!segments.at(-1) || !(segments.at(-1) as Segment).globstar) segments.push({ globstar: true });
    } else segments.push({ globstar: false, tokens: tokenize(part) });
  }
  return segments;
}

const cache = new Map<string, (path: string) => boolean>();

/**
 * A matcher for a config glob, relative to the working directory: a pattern without a slash
 * matches at any depth (as in .gitignore), a leading `./` or `/` is dropped.
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  let matcher = cache.get(pattern);
  if (!matcher) {
    const anchored = pattern.includes('/') ? pattern.replace(/^\.?\//, '') : `**/${pattern}`;
    const alternatives = expandBraces(anchored).map(compile);
    matcher = (path: string): boolean => {
      // Each segment as characters once: the segment-level match may compare a segment many times.
      const parts = path.split('/').map((part) => [...part]);
      return alternatives.some((segments) =>
        wildcard(
          segments,
          parts,
          (s) => s.globstar,
          (s, part) => !s.globstar && part.length > 0 && wildcard(s.tokens, part, (t) => t.kind === 'star', matchesOne),
        ),
      );
    };
    cache.set(pattern, matcher);
  }
  return matcher;
}
