// Masking secrets before anything reaches output. Parsing gives exact password ranges; on top of
// that, syntax-free heuristics run on every string, so a string libpq would reject (or parses in
// a surprising way) still never prints its secret. Over-masking is acceptable, leaking is not.
import type { Range } from './types.js';
import { parseWithSecrets, uriSchemeLength } from './parse.js';
import { findConnectionStrings } from './find.js';
import { isPlaceholder } from './placeholder.js';
import { pushAll } from '../lists.js';

export const MASK = '****';

/** `postgresql://user:****@host:5432/db?sslmode=require`; placeholders are kept as written. */
export function maskConnectionString(text: string): string {
  return applyMask(text, connectionSecretRanges(text));
}

/** Masks connection-string passwords, `password=` values and PEM private-key bodies anywhere in `text`. */
export function maskSecrets(text: string): string {
  const ranges: Range[] = [];
  for (const found of findConnectionStrings(text)) {
    for (const r of connectionSecretRanges(found.text)) ranges.push({ start: found.start + r.start, end: found.start + r.end });
    const spaced = found.form === 'uri' ? spacedUserinfoRange(text, found.start, found.end) : undefined;
    if (spaced) ranges.push(spaced);
  }
  for (const list of [anyUriUserinfoRanges(text), keywordRanges(text), privateKeyRanges(text)]) pushAll(ranges, list);
  return applyMask(text, ranges);
}

function connectionSecretRanges(text: string): Range[] {
  const { result, secrets } = parseWithSecrets(text);
  const ranges: Range[] = secrets.filter((s) => !isPlaceholder(s.value)).map((s) => ({ start: s.start, end: s.end }));
  const userinfo = postgresUserinfoRange(text, result.ok);
  if (userinfo) ranges.push(userinfo);
  pushAll(ranges, keywordRanges(text));
  // `user:secret@host` wherever it sits, also where the grammar put it in the query
  // (`postgresql://?app:secret@db/app` has an empty host and a parameter named after the userinfo).
  for (const m of text.matchAll(/:([^:@/?#&=\s]+)@/g)) {
    if (!isPlaceholder(m[1]!)) ranges.push({ start: m.index + 1, end: m.index + 1 + m[1]!.length });
  }
  return ranges;
}

/**
 * The password part of a Postgres URI's userinfo, found without the grammar: everything between
 * the first `:` after `://` and the last `@`. When the parse succeeded, only an `@` before the
 * query counts, which catches a password with an unencoded `/` (libpq reads it as host `user`, port
 * digits and a database); when it failed, any `@` counts.
 */
function postgresUserinfoRange(text: string, parsed: boolean): Range | undefined {
  let lead = 0;
  while (lead < text.length && /\s/.test(text[lead]!)) lead++;
  const schemeLength = uriSchemeLength(text, lead);
  if (schemeLength === 0) return undefined;
  const from = lead + schemeLength;
  let limit = text.length;
  if (parsed) {
    const q = text.indexOf('?', from);
    if (q >= 0) limit = q;
  }
  const at = lastIndexIn(text, '@', from, limit);
  if (at < 0) return parsed ? undefined : unparsedPortRange(text, from);
  if (parsed) {
    // The parse already handled a userinfo inside the netloc; only an `@` beyond it is suspicious.
    const slash = text.indexOf('/', from);
    if (slash < 0 || at < slash) return undefined;
  }
  return passwordOfUserinfo(text, from, at);
}

/**
 * `postgres://app:s3cret` cut before its `@host` (a file saved mid-edit): libpq reads a host `app`
 * with the port `s3cret` and rejects it, and the error would echo the password. When the string did
 * not parse and has no `@`, a "port" that is not a number is masked like a password.
 */
function unparsedPortRange(text: string, from: number): Range | undefined {
  if (text[from] === '[') return undefined;
  let end = from;
  while (end < text.length && !'/?#'.includes(text[end]!) && !/\s/.test(text[end]!)) end++;
  const colon = text.indexOf(':', from);
  if (colon < 0 || colon >= end - 1) return undefined;
  const port = text.slice(colon + 1, end);
  if (/^[\d,]*$/.test(port) || isPlaceholder(port) || isPlaceholder(safeDecode(port))) return undefined;
  return { start: colon + 1, end };
}

/** `user:password` in [from, at): the range after the first `:` outside `${...}`, unless a placeholder. */
function passwordOfUserinfo(text: string, from: number, at: number): Range | undefined {
  let i = from;
  let groups = true;
  while (i < at) {
    if (groups && text[i] === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close >= 0 && close < at) {
        i = close + 1;
        continue;
      }
      // No `}` before `at`: no later `${` can close either, and searching again would be quadratic.
      groups = false;
    }
    if (text[i] === ':') break;
    i++;
  }
  if (i >= at || i + 1 === at) return undefined;
  const raw = text.slice(i + 1, at);
  return isPlaceholder(raw) || isPlaceholder(safeDecode(raw)) ? undefined : { start: i + 1, end: at };
}

/**
 * In free text a URI ends at whitespace, so `postgres://u:pass word@h/db` is found as
 * `postgres://u:pass`. When the found URI has no `@`, an `@` later on the same line and before the
 * first `/` or quote still closes its userinfo.
 */
function spacedUserinfoRange(text: string, start: number, end: number): Range | undefined {
  const from = start + uriSchemeLength(text, start);
  if (lastIndexIn(text, '@', from, end) >= 0) return undefined;
  let limit = end;
  while (limit < text.length && !'/\n\r"\'`'.includes(text[limit]!)) limit++;
  const at = lastIndexIn(text, '@', end, limit);
  return at < 0 ? undefined : passwordOfUserinfo(text, from, at);
}

/** Userinfo passwords of any `scheme://user:password@host` (Redis, AMQP, MongoDB URLs in messages too). */
function anyUriUserinfoRanges(text: string): Range[] {
  const ranges: Range[] = [];
  let idx = text.indexOf('://');
  while (idx >= 0) {
    const from = idx + 3;
    let end = from;
    while (end < text.length && !/[\s'"`<>/?#]/.test(text[end]!)) end++;
    const at = lastIndexIn(text, '@', from, end);
    if (at >= 0) {
      const r = passwordOfUserinfo(text, from, at);
      if (r) ranges.push(r);
    }
    idx = text.indexOf('://', Math.max(end, from));
  }
  return ranges;
}

const KEYWORD = /passw(?:or)?d|pwd/gi;

/**
 * Values of `password=…`, `sslpassword=…`, `PGPASSWORD=…`, `db_pwd=…`: quoted (to the closing quote,
 * `\` escapes as in libpq) or bare (to whitespace, `&` or a quote).
 */
function keywordRanges(text: string): Range[] {
  const ranges: Range[] = [];
  if (!/passw|pwd/i.test(text)) return ranges;
  KEYWORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD.exec(text)) !== null) {
    const keyEnd = m.index + m[0].length;
    // The keyword must end here (`password=`, not `passwords_file=`).
    if (keyEnd < text.length && /[A-Za-z0-9_]/.test(text[keyEnd]!)) continue;
    let i = keyEnd;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] !== '=') continue;
    i++;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    const quote = text[i];
    let start: number;
    let end: number;
    if (quote === "'" || quote === '"') {
      start = i + 1;
      end = start;
      while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
      end = Math.min(end, text.length);
    } else {
      start = i;
      end = i;
      while (end < text.length && !/[\s&'"`]/.test(text[end]!)) end++;
    }
    KEYWORD.lastIndex = Math.max(end, keyEnd);
    if (end <= start) continue;
    const raw = text.slice(start, end);
    if (isPlaceholder(raw) || isPlaceholder(safeDecode(raw))) continue;
    ranges.push({ start, end });
  }
  return ranges;
}

/** Bodies of PEM `PRIVATE KEY` blocks (RSA, EC, ENCRYPTED, OPENSSH…); to the end of text if unterminated. */
function privateKeyRanges(text: string): Range[] {
  const ranges: Range[] = [];
  let idx = text.indexOf('-----BEGIN ');
  while (idx >= 0) {
    const headerEnd = text.indexOf('-----', idx + 11);
    if (headerEnd < 0) break;
    const label = text.slice(idx + 11, headerEnd);
    const bodyStart = headerEnd + 5;
    let next = bodyStart;
    if (/PRIVATE KEY$/.test(label) && label.length < 64) {
      const endMarker = text.indexOf('-----END ', bodyStart);
      let start = bodyStart;
      let end = endMarker < 0 ? text.length : endMarker;
      next = end;
      // Keep the line structure: mask from the first body line to the last.
      while (start < end && (text[start] === '\r' || text[start] === '\n')) start++;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
      if (end > start) ranges.push({ start, end });
      // Unterminated: the rest is masked, and searching for END again would be quadratic.
      if (endMarker < 0) break;
    }
    idx = text.indexOf('-----BEGIN ', next);
  }
  return ranges;
}

/** Last index of `ch` in [from, end), or -1; bounded so that repeated calls stay linear. */
function lastIndexIn(text: string, ch: string, from: number, end: number): number {
  for (let i = end - 1; i >= from; i--) if (text[i] === ch) return i;
  return -1;
}

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function applyMask(text: string, ranges: Range[]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let pos = 0;
  for (const r of sorted) {
    if (r.end <= pos) continue;
    const start = Math.max(r.start, pos);
    out += text.slice(pos, start) + MASK;
    pos = r.end;
  }
  return out + text.slice(pos);
}
