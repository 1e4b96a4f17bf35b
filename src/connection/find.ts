// Locating connection strings inside arbitrary values: prose, command lines, JSON and YAML strings.
// Hand-written scanning rather than one big regex: values can be large and adversarial, and every
// step below is linear in the length of the value.
import type { FoundConnection } from './types.js';
import { dsnKeywords, uriSchemeLength } from './parse.js';

/** Every keyword libpq accepts (PostgreSQL 18, libpq-connect "Parameter Key Words"). */
export const LIBPQ_KEYWORDS: ReadonlySet<string> = new Set([
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'require_auth', 'channel_binding',
  'connect_timeout', 'client_encoding', 'options', 'application_name', 'fallback_application_name',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'replication', 'gssencmode', 'sslmode', 'sslnegotiation', 'sslcompression', 'sslcert', 'sslkey',
  'sslkeylogfile', 'sslpassword', 'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni',
  'requirepeer', 'ssl_min_protocol_version', 'ssl_max_protocol_version', 'min_protocol_version',
  'max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation', 'scram_client_key', 'scram_server_key',
  'service', 'target_session_attrs', 'load_balance_hosts', 'oauth_issuer', 'oauth_client_id',
  'oauth_client_secret', 'oauth_scope',
]);

/** Keywords that make a keyword/value list a connection string rather than, say, a PG* setting. */
const ANCHOR_KEYWORDS: ReadonlySet<string> = new Set(['host', 'hostaddr', 'dbname']);

const CANDIDATE = /postgres/gi;
/** A documentation placeholder such as `<password>` inside a URI; see `placeholderEnd`. */
const ANGLE_PLACEHOLDER = /<[A-Za-z_][A-Za-z0-9_.-]{0,63}>/y;
const TRAILING_PUNCTUATION = '.,;:';
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export function findConnectionStrings(value: string): FoundConnection[] {
  if (value.indexOf('=') >= 0) {
    const dsn = wholeValueDsn(value);
    if (dsn) return [dsn];
  }
  const found: FoundConnection[] = [];
  // Cheap pre-check before any regex; case-insensitive because URI schemes are.
  if (value.indexOf('postgres') < 0 && !/postgres/i.test(value)) return found;
  CANDIDATE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CANDIDATE.exec(value)) !== null) {
    let start = m.index;
    let schemeLength = 0;
    if (start >= 5 && value.slice(start - 5, start).toLowerCase() === 'jdbc:') {
      schemeLength = uriSchemeLength(value, start - 5);
      if (schemeLength > 0) start -= 5;
    }
    if (schemeLength === 0) schemeLength = uriSchemeLength(value, start);
    if (schemeLength === 0 || (start > 0 && isSchemeChar(value.charCodeAt(start - 1)))) continue;
    const end = uriEnd(value, start, start + schemeLength);
    if (end > start + schemeLength) found.push({ start, end, text: value.slice(start, end), form: 'uri' });
    CANDIDATE.lastIndex = Math.max(end, start + schemeLength);
  }
  return found;
}

function isSchemeChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 45 || c === 46;
}

function isTerminator(c: number): boolean {
  // Whitespace (ASCII and Unicode), quotes, backtick, and the angle brackets of HTML/markdown.
  if (c <= 32 || c === 0x7f) return true;
  if (c === 34 || c === 39 || c === 96 || c === 60 || c === 62) return true;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Template actions inside a URI are short; a longer `{{ … }}` span is prose, not one action. */
const MAX_TEMPLATE_ACTION = 200;

/** End of a URI that starts at `start` and whose authority begins at `from`. */
function uriEnd(value: string, start: number, from: number): number {
  let i = from;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === 60 /* < */) {
      const skip = placeholderEnd(value, i);
      if (skip > 0) {
        i = skip;
        continue;
      }
    }
    // Helm and Jinja template actions keep their blanks: `postgres://app@{{ .Release.Name }}-pg/app`.
    if (c === 123 /* { */ && value.charCodeAt(i + 1) === 123) {
      // Looked for within the bound only: searching the rest of the value from every `{{` of
      // `{{{{…` was quadratic (200 kB: 5 s).
      const action = value.slice(i, i + MAX_TEMPLATE_ACTION + 2);
      const close = action.indexOf('}}', 2);
      if (close > 0 && !/[\r\n]/.test(action.slice(0, close))) {
        i += close + 2;
        continue;
      }
    }
    if (isTerminator(c)) break;
    i++;
  }
  return trimTrailing(value, from, i);
}

/**
 * `<password>`-style placeholders stay inside the URI when they sit where a URI component goes
 * (after `:`, `@`, `/` or `=`, or before `@`, `:`, `/`, `?`, `&`, `=`, `,`, `.`), so
 * `postgresql://<user>:<password>@<host>:5432/<db>` is one connection string, while `<` still ends
 * a URI before HTML (`</value>`) or a markdown autolink's `>`.
 */
function placeholderEnd(value: string, at: number): number {
  ANGLE_PLACEHOLDER.lastIndex = at;
  const m = ANGLE_PLACEHOLDER.exec(value);
  if (!m) return -1;
  const end = at + m[0].length;
  const before = value[at - 1] ?? '';
  const after = value[end] ?? '';
  return ':@/='.includes(before) || (after !== '' && '@:/?&=,.'.includes(after)) ? end : -1;
}

/** Drops trailing sentence punctuation and closing brackets that do not close something inside the match. */
function trimTrailing(value: string, from: number, end: number): number {
  const open: Record<string, number> = { '(': 0, '[': 0, '{': 0 };
  const close: Record<string, number> = { ')': 0, ']': 0, '}': 0 };
  for (let i = from; i < end; i++) {
    const ch = value[i]!;
    if (ch in open) open[ch]!++;
    else if (ch in close) close[ch]!++;
  }
  while (end > from) {
    const ch = value[end - 1]!;
    if (TRAILING_PUNCTUATION.includes(ch)) {
      end--;
      continue;
    }
    const opener = CLOSERS[ch];
    if (opener !== undefined && close[ch]! > open[opener]!) {
      close[ch]!--;
      end--;
      continue;
    }
    break;
  }
  return end;
}

/** The whole value (trimmed) as a keyword/value connection string, if it is one. */
function wholeValueDsn(value: string): FoundConnection | undefined {
  let start = 0;
  let end = value.length;
  while (start < end && /\s/.test(value[start]!)) start++;
  while (end > start && /\s/.test(value[end - 1]!)) end--;
  const text = value.slice(start, end);
  // A DSN starts with a keyword directly followed (after optional blanks) by `=`.
  if (!/^[a-z_]+\s*=/.test(text)) return undefined;
  const scanned = dsnKeywords(text);
  if (!scanned) return undefined;
  const recognised = new Set(scanned.keys.filter((k) => LIBPQ_KEYWORDS.has(k)));
  if (recognised.size < 2 || ![...recognised].some((k) => ANCHOR_KEYWORDS.has(k))) return undefined;
  return { start, end, text, form: 'dsn' };
}
