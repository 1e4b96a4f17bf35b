// Parsing both libpq connection-string forms into ParsedConnection, with offsets into the text.
//
// Written by hand on purpose, following libpq's own grammar (fe-connect.c: conninfo_uri_parse_options,
// conninfo_uri_parse_params, conninfo_uri_decode, conninfo_parse) rather than the WHATWG URL
// parser: libpq accepts multi-host netlocs (`h1:5432,h2:5433`), unencoded characters, and the
// placeholders real repositories commit (`postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres`),
// all of which `new URL` rejects or rewrites. pg-connection-string is built on `new URL`, and it
// also calls readFileSync on sslrootcert/sslcert/sslkey: a linter must never read paths taken
// from the files it scans.
//
// Deliberate leniencies, so one odd detail does not hide the rest of a string from the rules:
// the userinfo ends at the *last* `@` of the netloc (libpq: the first; node-postgres: the last),
// unknown keywords are kept as params (libpq: error), a query parameter without `=` gets an empty
// value and a second `=` belongs to the value (libpq: errors; node-postgres accepts both),
// and `${VAR:-default}`, `{{...}}` and `[...]` are read as opaque groups inside the netloc.
import { isIPv4, isIPv6 } from 'node:net';
import type { ParsedConnection, ParsedHost, ParsedParam, ParseResult, Range } from './types.js';
import { isReference } from './placeholder.js';

/** `postgres://`, `postgresql://`, `postgresql+driver://`, `postgres+driver://`, `jdbc:postgresql://`. */
const SCHEME = /(?:jdbc:postgresql|postgres(?:ql)?(?:\+[a-z0-9_]+)?):\/\//iy;

/** Length of the URI scheme including `://` when `text` has one at `at`, else 0. */
export function uriSchemeLength(text: string, at = 0): number {
  SCHEME.lastIndex = at;
  const m = SCHEME.exec(text);
  return m ? m[0].length : 0;
}

/** Keywords whose values are secrets: masked in output, never echoed in errors. */
export const SECRET_KEYWORDS: ReadonlySet<string> = new Set(['password', 'sslpassword', 'scram_client_key', 'scram_server_key']);

/**
 * A keyword whose value is masked as a secret: one of SECRET_KEYWORDS, or one libpq would reject
 * that may be a garbled or misspelt one (`pasword`, `db_pass`, `p\0assword`, found by property
 * tests). Over-masking a keyword libpq does not know costs nothing; leaking a password does.
 */
export function isSecretKeyword(key: string): boolean {
  if (SECRET_KEYWORDS.has(key)) return true;
  if (/[^a-z0-9_]/.test(key)) return true;
  if (/pass|pasw|pwd|secret/.test(key)) return true;
  // A misspelt `password` (`paassword`, `passwrod`, `pssword`): within two edits of it.
  return !LIBPQ_KEYWORDS.has(key) && (editDistance(key, 'password') <= 2 || editDistance(key, 'passwd') <= 1);
}

/** Levenshtein distance, for short keywords only. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** libpq's connection keywords (PostgreSQL 18) whose values may hold `=` (`options=-csearch_path=app`). */
const LIBPQ_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'host hostaddr port dbname user passfile require_auth channel_binding connect_timeout client_encoding options application_name ' +
    'fallback_application_name keepalives keepalives_idle keepalives_interval keepalives_count tcp_user_timeout replication gssencmode ' +
    'sslmode requiressl sslnegotiation sslcompression sslcert sslkey sslkeylogfile sslcertmode sslrootcert sslcrl sslcrldir sslsni ' +
    'requirepeer ssl_min_protocol_version ssl_max_protocol_version min_protocol_version max_protocol_version krbsrvname gsslib ' +
    'gssdelegation service target_session_attrs load_balance_hosts oauth_issuer oauth_client_id oauth_scope'
  ).split(' '),
);

/**
 * A key/value pair whose value is a secret: a secret keyword, or an unknown keyword whose value holds
 * another `=` — a keyword garbled by a stray character (`p=assword=S3cr3t`, `p=:assword=S3cr3t`
 * read as keyword `p`), whose real value sits after that `=`.
 */
export function isSecretPair(key: string, value: string): boolean {
  return isSecretKeyword(key) || (value.includes('=') && !LIBPQ_KEYWORDS.has(key));
}

/** A parse together with every secret value it saw (a later `password` overrides, but all must be masked). */
export interface DetailedParse {
  result: ParseResult;
  secrets: Array<Range & { value: string }>;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseConnectionString(text: string): ParseResult {
  return parseWithSecrets(text).result;
}

export function parseWithSecrets(text: string): DetailedParse {
  const secrets: DetailedParse['secrets'] = [];
  try {
    let lead = 0;
    while (lead < text.length && isSpace(text.charCodeAt(lead))) lead++;
    const schemeLength = uriSchemeLength(text, lead);
    const connection = schemeLength > 0 ? parseUri(text, lead, schemeLength, secrets) : parseDsn(text, secrets);
    return { result: { ok: true, connection }, secrets };
  } catch (e) {
    if (e instanceof ParseError) return { result: { ok: false, error: e.message, offset: e.offset }, secrets };
    // Defensive: the parser is total by construction; an unexpected failure must still not escape.
    return { result: { ok: false, error: 'unparseable connection string' }, secrets };
  }
}

// ---------------------------------------------------------------------------------------------
// URI form

interface HostToken extends Range {
  host: string;
  ip?: 'v6';
}

/** One entry of a port list (value decoded); null where a host has no port written. */
type PortToken = (Range & { value: string }) | null;

function parseUri(text: string, lead: number, schemeLength: number, secrets: DetailedParse['secrets']): ParsedConnection {
  let end = text.length;
  while (end > lead && isSpace(text.charCodeAt(end - 1))) end--;
  const scheme = text.slice(lead, lead + schemeLength - 3).toLowerCase();
  const start = lead + schemeLength;
  const scan = new Scanner(text);
  const netEnd = scan.find(start, end, '/?');

  let user: string | undefined;
  let password: (Range & { value: string }) | undefined;
  let hostStart = start;
  const at = text.lastIndexOf('@', netEnd - 1);
  if (at >= start) {
    const colon = scan.find(start, at, ':');
    const u = decodeComponent(text, start, colon);
    if (u !== '') user = u;
    if (colon < at) {
      const value = decodeComponent(text, colon + 1, at);
      if (value !== '') {
        password = { start: colon + 1, end: at, value };
        secrets.push(password);
      }
    }
    hostStart = at + 1;
  }

  const { hosts: netHosts, ports: netPorts } = parseNetloc(text, hostStart, netEnd, scan);

  let database: string | undefined;
  let queryStart = -1;
  if (netEnd < end && text[netEnd] === '/') {
    const q = text.indexOf('?', netEnd + 1);
    const pathEnd = q >= 0 && q < end ? q : end;
    const db = decodeComponent(text, netEnd + 1, pathEnd);
    if (db !== '') database = db;
    if (pathEnd < end) queryStart = pathEnd + 1;
  } else if (netEnd < end) {
    queryStart = netEnd + 1;
  }

  const params: ParsedParam[] = [];
  let queryHosts: HostToken[] | undefined;
  let queryPorts: PortToken[] | undefined;
  if (queryStart >= 0) {
    let pos = queryStart;
    while (pos <= end) {
      let amp = text.indexOf('&', pos);
      if (amp < 0 || amp > end) amp = end;
      if (amp > pos) {
        let eq = pos;
        while (eq < amp && text.charCodeAt(eq) !== 61 /* = */) eq++;
        const keyRange = { start: pos, end: eq };
        const key = decodeComponent(text, pos, eq).toLowerCase();
        const valueStart = eq < amp ? eq + 1 : amp;
        const value = decodeComponent(text, valueStart, amp);
        const range = { start: valueStart, end: amp };
        if (isSecretPair(key, value) && value !== '') secrets.push({ ...range, value });
        switch (key) {
          case 'host':
            queryHosts = splitList(text, valueStart, amp).map((r) => ({ ...r, host: decodeComponent(text, r.start, r.end) }));
            break;
          case 'port':
            queryPorts = splitList(text, valueStart, amp).map((r) => ({ ...r, value: decodeComponent(text, r.start, r.end) }));
            break;
          case 'user':
            user = value === '' ? undefined : value;
            break;
          case 'password':
            password = value === '' ? undefined : { ...range, value };
            break;
          case 'dbname':
            database = value === '' ? undefined : value;
            break;
          default:
            params.push({ key, value: isSecretPair(key, value) ? '****' : value, keyRange, ...range });
        }
      }
      pos = amp + 1;
    }
  }

  const hosts = combineHosts(queryHosts ?? netHosts, queryPorts ?? netPorts);
  return {
    form: 'uri',
    scheme,
    hosts,
    ...(database !== undefined ? { database } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(password ? { password } : {}),
    params,
  };
}

/** libpq's netloc loop: `host[:port]` pairs separated by commas, IPv6 literals in brackets. */
function parseNetloc(text: string, start: number, end: number, scan: Scanner): { hosts: HostToken[]; ports: PortToken[] | undefined } {
  const hosts: HostToken[] = [];
  const ports: PortToken[] = [];
  let anyPort = false;
  let pos = start;
  for (;;) {
    let host: HostToken | undefined;
    let after = -1;
    if (text[pos] === '[') {
      const close = scan.close(']', pos + 1, end);
      if (close < 0) throw new ParseError('end of string reached when looking for matching "]" in IPv6 host address', pos);
      if (close === pos + 1) throw new ParseError('IPv6 host address may not be empty', pos);
      const inner = decodeComponent(text, pos + 1, close);
      if (isIPv6(inner.replace(/%.*$/s, ''))) {
        const next = close + 1;
        if (next < end && text[next] !== ':' && text[next] !== ',') {
          throw new ParseError('unexpected character after IPv6 host address (expected ":" or "/")', next);
        }
        host = { start: pos + 1, end: close, host: inner, ip: 'v6' };
        after = next;
      }
      // Otherwise the brackets are part of a name (`[PROJECT-REF].supabase.co`, `[HOST]`).
    }
    if (!host) {
      after = scan.find(pos, end, ':,');
      host = { start: pos, end: after, host: decodeComponent(text, pos, after) };
    }
    hosts.push(host);
    let port: PortToken = null;
    if (after < end && text[after] === ':') {
      const portEnd = scan.find(after + 1, end, ',');
      port = { start: after + 1, end: portEnd, value: decodeComponent(text, after + 1, portEnd) };
      anyPort = true;
      after = portEnd;
    }
    ports.push(port);
    if (after < end && text[after] === ',') {
      pos = after + 1;
      continue;
    }
    break;
  }
  // libpq stores a port list only when it is non-empty text: one host without a port has none,
  // two hosts without ports have the list ",".
  return { hosts, ports: anyPort || hosts.length > 1 ? ports : undefined };
}

/** Comma-separated list inside [start, end), as ranges. */
function splitList(text: string, start: number, end: number): Range[] {
  const out: Range[] = [];
  let pos = start;
  for (;;) {
    let comma = text.indexOf(',', pos);
    if (comma < 0 || comma > end) comma = end;
    out.push({ start: pos, end: comma });
    if (comma >= end) return out;
    pos = comma + 1;
  }
}

/** Pairs hosts with ports the way libpq does when it connects: one port for all, or one per host. */
function combineHosts(hosts: HostToken[], ports: PortToken[] | undefined): ParsedHost[] {
  if (ports && ports.length !== 1 && ports.length !== hosts.length) {
    throw new ParseError(`could not match ${ports.length} port numbers to ${hosts.length} hosts`, ports[0]?.start ?? hosts[0]?.start ?? 0);
  }
  return hosts.map((h, i) => {
    const portToken = ports ? (ports.length === 1 ? ports[0] : ports[i]) : null;
    const out: ParsedHost = { start: h.start, end: h.end, host: h.host, socket: isSocket(h.host) };
    const ip = h.ip ?? ipVersion(h.host);
    if (ip) out.ip = ip;
    if (portToken) {
      const port = portNumber(portToken.value, portToken.start);
      if (port !== undefined) out.port = port;
      if (portToken.end > portToken.start) out.portRange = { start: portToken.start, end: portToken.end };
    }
    return out;
  });
}

function portNumber(raw: string, offset: number): number | undefined {
  const v = raw.trim();
  if (v === '' || isReference(v)) return undefined;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (n < 1 || n > 65535) throw new ParseError('invalid port number', offset);
    return n;
  }
  // The port text is not echoed: a password with an unencoded `/` ends up here (`u:secret/x@h`).
  throw new ParseError('invalid integer value for connection option "port"', offset);
}

function ipVersion(host: string): 'v4' | 'v6' | undefined {
  if (host === '' || !/^[0-9A-Fa-f.:%]/.test(host)) return undefined;
  // Node's IPv6 test compiles a large regular expression on first use: only an address with a colon can need it.
  return isIPv4(host) ? 'v4' : host.includes(':') && isIPv6(host) ? 'v6' : undefined;
}

function isSocket(host: string): boolean {
  // libpq's is_unixsock_path: an absolute path, or `@` for the Linux abstract namespace; an empty
  // host means the default socket directory.
  return host === '' || host.startsWith('/') || host.startsWith('@');
}

const utf8 = new TextDecoder('utf-8');

/**
 * libpq's conninfo_uri_decode: `%XX` byte escapes (decoded as UTF-8), `+` left as is, `%00` and
 * malformed escapes rejected. A component that is wholly a reference (`%DB_PASSWORD%`) is kept
 * verbatim: it is a placeholder, not an escape.
 */
function decodeComponent(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  if (!raw.includes('%') || isReference(raw)) return raw;
  let out = '';
  let pos = start;
  while (pos < end) {
    const pct = text.indexOf('%', pos);
    if (pct < 0 || pct >= end) {
      out += text.slice(pos, end);
      break;
    }
    out += text.slice(pos, pct);
    const bytes: number[] = [];
    let j = pct;
    while (j < end && text.charCodeAt(j) === 37 /* % */) {
      const hi = j + 1 < end ? hexValue(text.charCodeAt(j + 1)) : -1;
      const lo = j + 2 < end ? hexValue(text.charCodeAt(j + 2)) : -1;
      if (hi < 0 || lo < 0) throw new ParseError('invalid percent-encoded token', j);
      const byte = hi * 16 + lo;
      if (byte === 0) throw new ParseError('forbidden value %00 in percent-encoded value', j);
      bytes.push(byte);
      j += 3;
    }
    out += utf8.decode(Uint8Array.from(bytes));
    pos = j;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Finds stop characters while stepping over `${...}`, `{{...}}` and `[...]` groups that close
 * before `end`. The position of the next closer is cached so that unclosed openers repeated
 * many times stay linear.
 */
class Scanner {
  private cache = new Map<string, { from: number; at: number }>();

  constructor(private readonly text: string) {}

  /** Index of the next `token` at or after `from`, if it is before `end`; else -1. */
  close(token: string, from: number, end: number): number {
    const c = this.cache.get(token);
    let at: number;
    if (c && from >= c.from && (c.at < 0 || c.at >= from)) at = c.at;
    else {
      at = this.text.indexOf(token, from);
      this.cache.set(token, { from, at });
    }
    return at >= 0 && at < end ? at : -1;
  }

  /** Index of the first character of `stops` in [from, end) outside groups; `end` if none. */
  find(from: number, end: number, stops: string): number {
    const t = this.text;
    let i = from;
    while (i < end) {
      const ch = t[i]!;
      if (stops.includes(ch)) return i;
      let skip = -1;
      if (ch === '$' && t[i + 1] === '{') {
        const c = this.close('}', i + 2, end);
        if (c >= 0) skip = c + 1;
      } else if (ch === '{' && t[i + 1] === '{') {
        const c = this.close('}}', i + 2, end);
        if (c >= 0 && c + 2 <= end) skip = c + 2;
      } else if (ch === '[') {
        const c = this.close(']', i + 1, end);
        if (c >= 0) skip = c + 1;
      }
      i = skip > i ? skip : i + 1;
    }
    return end;
  }
}

// ---------------------------------------------------------------------------------------------
// keyword/value form

function isSpace(c: number): boolean {
  // C isspace() in the "C" locale, as libpq uses.
  return c === 32 || (c >= 9 && c <= 13);
}

export interface DsnValue extends Range {
  value: string;
  /** Raw offset of each decoded character (of its backslash when escaped); undefined when value = raw text. */
  rawIndex: number[] | undefined;
}

/**
 * libpq's conninfo_parse tokenizer: calls `each` for every `keyword = value` pair and throws a
 * ParseError where libpq would reject the syntax.
 */
export function tokenizeDsn(text: string, each: (key: string, keyRange: Range, value: DsnValue) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isSpace(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < n && text[i] !== '=' && !isSpace(text.charCodeAt(i))) i++;
    const keyEnd = i;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    // The keyword is not echoed: a stray token may be a secret written without its keyword.
    if (text[i] !== '=') throw new ParseError('missing "=" after a keyword in connection info string', keyStart);
    if (keyEnd === keyStart) throw new ParseError('missing keyword before "=" in connection info string', i);
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const v = readDsnValue(text, i);
    i = v.next;
    each(text.slice(keyStart, keyEnd), { start: keyStart, end: keyEnd }, { start: v.start, end: v.end, value: v.value, rawIndex: v.rawIndex });
  }
}

/**
 * The keywords of a keyword/value string in order, for deciding whether a value is one.
 * `complete` is false when the tokenizer stopped at an unterminated quote (the keywords before it
 * are returned); any other syntax error yields undefined.
 */
export function dsnKeywords(text: string): { keys: string[]; complete: boolean } | undefined {
  const keys: string[] = [];
  try {
    tokenizeDsn(text, (key) => keys.push(key));
    return { keys, complete: true };
  } catch (e) {
    if (e instanceof ParseError && e.message.startsWith('unterminated')) return { keys, complete: false };
    return undefined;
  }
}

function parseDsn(text: string, secrets: DetailedParse['secrets']): ParsedConnection {
  const params: ParsedParam[] = [];
  let hostValue: DsnValue | undefined;
  let portValue: DsnValue | undefined;
  let user: string | undefined;
  let password: (Range & { value: string }) | undefined;
  let database: string | undefined;
  tokenizeDsn(text, (rawKey, keyRange, val) => {
    const key = rawKey.toLowerCase();
    if (isSecretPair(key, val.value) && val.value !== '') secrets.push({ start: val.start, end: val.end, value: val.value });
    switch (key) {
      case 'host':
        hostValue = val;
        break;
      case 'port':
        portValue = val;
        break;
      case 'user':
        user = val.value === '' ? undefined : val.value;
        break;
      case 'password':
        password = val.value === '' ? undefined : { start: val.start, end: val.end, value: val.value };
        break;
      case 'dbname':
        database = val.value === '' ? undefined : val.value;
        break;
      default:
        // A secret under another keyword (`sslpassword`, a misspelt `pasword`) is kept out of the parameters.
        params.push({ key, value: isSecretPair(key, val.value) ? '****' : val.value, keyRange, start: val.start, end: val.end });
    }
  });
  let hosts: ParsedHost[] = [];
  if (hostValue) {
    const tokens: HostToken[] = splitDsnList(hostValue).map((r) => ({ start: r.start, end: r.end, host: r.value }));
    const ports: PortToken[] | undefined = portValue ? splitDsnList(portValue) : undefined;
    hosts = combineHosts(tokens, ports);
  } else if (portValue) {
    // No host: the port still has to be valid for libpq to accept the string.
    for (const p of splitDsnList(portValue)) portNumber(p.value, p.start);
  }
  return {
    form: 'dsn',
    hosts,
    ...(database !== undefined ? { database } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(password ? { password } : {}),
    params,
  };
}

/** libpq's value reader: single quotes with `\` escapes, or a bare word with `\` escapes. */
function readDsnValue(text: string, at: number): { start: number; end: number; value: string; rawIndex: number[] | undefined; next: number } {
  const n = text.length;
  const rawIndex: number[] = [];
  let value = '';
  let i = at;
  if (text[i] === "'") {
    const open = i;
    i++;
    const start = i;
    // Fast path: no escapes before the closing quote.
    let plain = i;
    while (plain < n && text.charCodeAt(plain) !== 39 /* ' */ && text.charCodeAt(plain) !== 92 /* \\ */) plain++;
    if (plain >= n) throw new ParseError('unterminated quoted string in connection info string', open);
    if (text.charCodeAt(plain) === 39) return { start, end: plain, value: text.slice(start, plain), rawIndex: undefined, next: plain + 1 };
    for (;;) {
      if (i >= n) throw new ParseError('unterminated quoted string in connection info string', open);
      const ch = text[i]!;
      if (ch === '\\') {
        rawIndex.push(i);
        i++;
        if (i < n) value += text[i++];
        else rawIndex.pop();
        continue;
      }
      if (ch === "'") return { start, end: i, value, rawIndex, next: i + 1 };
      rawIndex.push(i);
      value += ch;
      i++;
    }
  }
  const start = i;
  let plain = i;
  while (plain < n && !isSpace(text.charCodeAt(plain)) && text.charCodeAt(plain) !== 92 /* \\ */) plain++;
  if (plain >= n || isSpace(text.charCodeAt(plain))) {
    return { start, end: plain, value: text.slice(start, plain), rawIndex: undefined, next: plain };
  }
  while (i < n && !isSpace(text.charCodeAt(i))) {
    if (text[i] === '\\') {
      rawIndex.push(i);
      i++;
      if (i < n) value += text[i++];
      else rawIndex.pop();
    } else {
      rawIndex.push(i);
      value += text[i++];
    }
  }
  return { start, end: i, value, rawIndex, next: i };
}

/** Splits a DSN value on commas, mapping each piece back to its raw range. */
function splitDsnList(v: DsnValue): Array<Range & { value: string }> {
  const out: Array<Range & { value: string }> = [];
  let from = 0;
  const index = v.rawIndex;
  const rawAt = (k: number): number => (index === undefined ? v.start + k : k < index.length ? index[k]! : v.end);
  for (let k = 0; k <= v.value.length; k++) {
    if (k === v.value.length || v.value[k] === ',') {
      out.push({ start: rawAt(from), end: rawAt(k), value: v.value.slice(from, k) });
      from = k + 1;
    }
  }
  return out;
}
