// The connection-string layer: libpq URIs and keyword/value DSNs parsed into a neutral structure
// with offsets relative to the start of the string, so every extractor can map them into its file.

/** A range inside the connection string: [start, end). */
export interface Range {
  start: number;
  end: number;
}

export interface ParsedHost extends Range {
  /** Percent-decoded host name, IP literal without brackets, or socket directory. '' when absent. */
  host: string;
  port?: number;
  /** The range of the port text, when written. */
  portRange?: Range;
  /** A Unix-domain socket (absolute path, percent-encoded path, or empty host). */
  socket: boolean;
  ip?: 'v4' | 'v6';
}

export interface ParsedParam extends Range {
  /** Lower-cased key. */
  key: string;
  /** Decoded value. [start, end) covers the value as written. */
  value: string;
  keyRange: Range;
}

export interface ParsedConnection {
  form: 'uri' | 'dsn';
  /** Scheme as written, lower-cased, without `://` (`postgresql`, `postgres`, `postgresql+asyncpg`, `jdbc:postgresql`). */
  scheme?: string;
  /** Hosts after libpq's rules: a `host=` query parameter replaces the URI's hosts; `hostaddr` is kept as a param. */
  hosts: ParsedHost[];
  database?: string;
  user?: string;
  password?: Range & { value: string };
  /** Every query parameter / keyword other than host, port, user, password, dbname, in order. */
  params: ParsedParam[];
}

export type ParseResult = { ok: true; connection: ParsedConnection } | { ok: false; error: string; offset?: number };

/** A connection string found inside a larger text (a code literal, a YAML value, a command line). */
export interface FoundConnection extends Range {
  text: string;
  form: 'uri' | 'dsn';
}
