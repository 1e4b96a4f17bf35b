// The two types everything else is built around: the normalized *fact* that extractors emit and
// rules read, and the *finding* that rules produce and reporters print. Both are contracts: later
// work may add optional fields, never rename or remove one.

/**
 * A value that a unit takes from elsewhere (issue 5): `DATABASE_URL: ${DATABASE_URL}` in a compose
 * service (from the `.env` beside it), `${env:PG_URL}` in an MCP server, `secretKeyRef` in a
 * container, `process.env.DATABASE_URL` handed to a driver in code, `env("DATABASE_URL")` in a
 * Prisma schema. Extractors record where; the core resolves it against the scanned files only.
 */
export interface ValueUse {
  /** The unit that receives the value. */
  unit: Unit;
  /** How the reference is looked up (see src/engine/resolve-values.ts). */
  scope: 'compose' | 'mcp' | 'env-layer' | 'k8s' | 'code';
  /** The value as written, its references as parts. */
  parts: Array<string | ValueRef>;
  /** The variable of `unit` that receives the value (undefined for a command argument or code). */
  as?: string;
  /** Where the name and the value are written (offsets into `file`). */
  nameRange?: { start: number; end: number };
  valueRange: { start: number; end: number };
  file: string;
  format: FileFormat;
  /** The unit's environment when it names one (k8s namespace, compose file name). */
  environment?: EnvironmentInfo;
  /** Names that are local hosts for the unit (compose service names). */
  localNames?: Record<string, string>;
  /** The program that reads the value, when known. */
  consumer?: string;
  /** Code: offset of the driver call that receives the value, to pair it with that call's TLS options. */
  receiverAt?: number;
  /** For messages: `${DATABASE_URL}`, `secretKeyRef db-credentials/url`, `process.env.DATABASE_URL`. */
  written: string;
}

/** A reference inside a used value. */
export interface ValueRef {
  /** The variable (or Secret / ConfigMap key) named. `*` with `from`: every key (`envFrom`). */
  name: string;
  /** `${VAR:-default}` (`whenEmpty`) and `${VAR-default}`: the value when the variable is unset. */
  fallback?: { value: string; whenEmpty: boolean };
  /**
   * A Kubernetes Secret or ConfigMap key instead of a variable, or an env file's variable (compose
   * `env_file:`; `name` is then the file's path, normalised, and `optional` a missing file is fine).
   */
  from?: { kind: 'k8s-secret' | 'k8s-configmap' | 'env-file'; name: string; namespace?: string; prefix?: string; optional?: boolean };
}

/** A variable a unit defines (an env file line, a ConfigMap or Secret key) that uses elsewhere may read. */
export interface ValueDefinition {
  unit: Unit;
  name: string;
  /** The value after the file's own expansion (decoded for Secret `data`). */
  value: string;
  nameRange: { start: number; end: number };
  valueLoc: { start: number; end: number; exact: boolean };
  file: string;
  format: FileFormat;
  /** Kubernetes namespace of a ConfigMap or Secret. */
  namespace?: string;
}

/** A range in a file. Offsets index the decoded text (UTF-16 code units); lines and columns are 1-based. */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Severity = 'error' | 'warning';
export type SeverityOrOff = Severity | 'off';

export type EnvironmentName = 'production' | 'staging' | 'development' | 'unknown';

/** Where a fact runs, and why sslguard thinks so. */
export interface EnvironmentInfo {
  name: EnvironmentName;
  /** Human-readable reason, e.g. "file name .env.production" or "namespace `production`". */
  reason: string;
  /**
   * The file holding the evidence when it is not the fact's own file: the Deployment whose
   * namespace makes a value of a shared ConfigMap production. Messages then name that file.
   */
  file?: string;
}

export type FileFormat = 'env' | 'compose' | 'kubernetes' | 'mcp' | 'source' | 'package-json' | 'certificate' | 'yaml' | 'json' | 'dockerfile' | 'helm-values' | 'prisma' | 'workflow';

/**
 * The scope in which environment-style settings apply together: one env file, one compose service,
 * one Kubernetes container, one MCP server, one source file. `PGSSLMODE` in a unit applies to every
 * connection of that unit.
 */
export interface Unit {
  /** Unique within a scan: `${file}#${kind}:${name}`. */
  id: string;
  kind:
    | 'env-file'
    | 'compose-service'
    | 'k8s-container'
    | 'k8s-configmap'
    | 'k8s-secret'
    | 'mcp-server'
    | 'source-file'
    | 'package-script'
    /** A Dockerfile build stage (`FROM … AS name`; `#2` for an unnamed one); ARGs before the first FROM are stage `(global)`. */
    | 'dockerfile-stage'
    /** A Helm values file. */
    | 'helm-values'
    /** A GitHub Actions job (`jobs.<id>`); the workflow's top-level `env` is unit `(workflow)`. */
    | 'workflow-job'
    /** A YAML block shared through an anchor (`x-common-env: &env`) by several compose services. */
    | 'yaml-anchor';
  name: string;
}

/**
 * The facts of `inherits` apply in `unit` too, with the unit's own facts winning: a compose service
 * that merges a YAML anchor, a service that runs an image built from a Dockerfile stage, a stage
 * built `FROM` an earlier one, an MCP server started with `docker run --env-file`.
 */
export interface UnitLink {
  unit: Unit;
  inherits: Unit;
}

/**
 * A unit that takes settings from another file, as written (the core resolves it against the
 * scanned files, never outside them): `build:` of a compose service, `--env-file` of `docker run`.
 */
export interface UnitReference {
  unit: Unit;
  kind: 'dockerfile' | 'env-file' | 'helm-values';
  /** POSIX path relative to the working directory, normalised (may start with `../` when it leaves it). */
  path: string;
  /** `build.target`: the stage the service runs (default: the last one). */
  target?: string;
  /** The reference as written, for diagnostics (`--env-file ./db.env`). */
  written: string;
  /** A missing file is fine (compose `env_file: { path, required: false }`): no diagnostic. */
  optional?: boolean;
  /** Where it is written (1-based). */
  file: string;
  line: number;
  column: number;
}

/**
 * `unknown` is a host written as a variable reference (`${DB_HOST}`, `<host>`): sslguard cannot
 * tell, so rules that only matter off localhost treat it as remote only where the environment is
 * production or staging.
 */
export type HostClass = 'local' | 'remote' | 'unknown';

export interface HostInfo {
  /** As written, percent-decoded; a Unix socket directory for socket connections; '' when absent. */
  host: string;
  port?: number;
  class: HostClass;
  /** Why it was classed so, e.g. "loopback address", "service `db` of this compose file". */
  classReason: string;
  /** 'v4' / 'v6' for IP literals. */
  ip?: 'v4' | 'v6';
  span?: Span;
}

/** A connection parameter (URI query parameter or DSN keyword) as written. */
export interface ParamValue {
  value: string;
  span: Span;
}

/** Shared by every fact. */
export interface FactBase {
  /** POSIX path relative to the working directory. */
  file: string;
  format: FileFormat;
  span: Span;
  environment: EnvironmentInfo;
  unit?: Unit;
  /**
   * Set on a fact judged where its value is used rather than where it is written (issue 5): the
   * value resolved across files, origin first (`DATABASE_URL` written in `.env`), then each place
   * that passes it on (`${DATABASE_URL}` in compose service `api`, `process.env.DATABASE_URL` in
   * code). Findings on the fact carry it as `related`.
   */
  via?: RelatedLocation[];
  /** With `via`: the unit where the value is written (a Secret, an env file) when `unit` is the one that uses it. */
  writtenIn?: Unit;
}

export interface ConnectionFact extends FactBase {
  kind: 'connection';
  form: 'uri' | 'dsn';
  /** `postgresql`, `postgres`, `postgresql+asyncpg`, `jdbc:postgresql`; absent for DSNs. */
  scheme?: string;
  /** The connection string with password and secrets masked; safe to print. */
  masked: string;
  hosts: HostInfo[];
  database?: string;
  user?: string;
  /** `generated`: 10+ characters of three kinds, not a default someone typed (see policy/env-secrets.ts). */
  password: { present: boolean; placeholder: boolean; generated?: boolean; span?: Span };
  /** `sslmode` as written (lower-cased value), absent if the string sets none. */
  sslmode?: ParamValue;
  /** The `ssl` parameter (`ssl=true|false|1|0|no-verify`). */
  ssl?: ParamValue;
  sslrootcert?: ParamValue;
  sslcert?: ParamValue;
  sslkey?: ParamValue;
  sslaccept?: ParamValue;
  /** Every other parameter, keyed by lower-cased name (e.g. `ssl_min_protocol_version`, `uselibpqcompat`). */
  params: Record<string, ParamValue>;
  /** The variable or key that holds the string, if any (`DATABASE_URL`). */
  variable?: string;
  /**
   * Code assigns the string to `process.env[variable]` (`process.env.DATABASE_URL = "postgres://…"`):
   * the code of the same program that reads the variable is its client, as it is of a `.env` line.
   */
  processEnv?: true;
  /** The program that will read this string, when known (`node-postgres`, `libpq`, `mcp:@modelcontextprotocol/server-postgres`). */
  consumer?: string;
  /**
   * Set when no connection string is written: the connection is assembled from split variables
   * (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`; `DB_HOST`, …) of one unit, and the fact sits at
   * the host variable. Its sslmode, password and root certificate come from the unit's settings.
   */
  synthesized?: 'split-variables' | 'driver-options';
  /**
   * The Python call that reads this string passes TLS keyword arguments that replace the string's
   * TLS parameters (`psycopg.connect(url, sslmode='verify-full')`, `asyncpg.connect(url, ssl=ctx)`):
   * rules judge those arguments, in code, instead of the string's.
   */
  tlsInCode?: true;
  /**
   * The code that reads this string through an environment variable
   * (`new Pool({ connectionString: process.env.DATABASE_URL, ssl: { ca } })`, Prisma `env("DATABASE_URL")`):
   * its TLS options apply to the connection as much as the string's own parameters do.
   */
  readBy?: {
    file: string;
    span: Span;
    /** The environment variable read. */
    name: string;
    /** The TLS option objects handed to the same call (empty: the code passes none). */
    tls: TlsOptionsFact[];
  };
  /**
   * The version of the client package whose reading of the string depends on it (`pg` for
   * node-postgres, `prisma` for Prisma, `postgres` for postgres.js), from the lockfile or
   * package.json of the package that runs the code (src/packages/), or assumed (the latest major).
   */
  client?: ClientVersion;
}

/** Which version of a package a project installs, and how sslguard knows. */
export interface ClientVersion {
  /** npm package or PyPI distribution (normalised name). */
  package: string;
  /** Exact for `locked`; the lowest the range allows for `declared`; the latest major's for `assumed`. */
  version?: string;
  how: 'locked' | 'declared' | 'assumed';
  /** The lockfile or manifest it comes from. */
  from?: string;
  /** The declared range, when there is one. */
  range?: string;
  /** For `assumed`: why this version rather than the latest major, when so. */
  reason?: string;
}

export type SettingCategory =
  | 'sslmode' // PGSSLMODE, *_SSLMODE, *_SSL_MODE
  | 'sslrootcert' // PGSSLROOTCERT
  | 'sslcert' // PGSSLCERT
  | 'sslkey' // PGSSLKEY
  | 'node-tls-reject-unauthorized' // NODE_TLS_REJECT_UNAUTHORIZED
  | 'reject-unauthorized' // *_REJECT_UNAUTHORIZED
  | 'cert-path' // *SSL_CERT_PATH*, *_SSL_CA*, *_CA_CERT*
  | 'password' // *PASSWORD*
  | 'ssl-min-protocol' // PGSSLMINPROTOCOLVERSION
  | 'ssl'; // DB_SSL, DATABASE_SSL: an application's TLS on/off switch (true: verified TLS, false: none)

/** A TLS-relevant variable: env file entry, compose/k8s/MCP env entry, or an assignment in code. */
export interface SettingFact extends FactBase {
  kind: 'setting';
  category: SettingCategory;
  name: string;
  nameSpan: Span;
  /** The literal value; undefined when the value is not a literal (computed in code). */
  value?: string;
  valueSpan: Span;
  /** For passwords: the value is a placeholder or a reference, not a secret. */
  placeholder: boolean;
}

/** A literal value found in code; `unknown` when it cannot be decided statically. */
export type LiteralValue = string | number | boolean | null | { unknown: true };

export interface TlsOption {
  value: LiteralValue;
  /** Span of the whole `key: value` property. */
  span: Span;
  valueSpan: Span;
  /**
   * For a function value (`checkServerIdentity: () => undefined`): the value every call returns,
   * when sslguard can tell (`null` for `undefined` and for a body that returns nothing).
   */
  returns?: LiteralValue;
  /**
   * Set when the value is what applies while the named environment variable is not set: the default
   * of `env.bool('X', false)`, `process.env.X ?? false`, or `process.env.X === 'true'` (false unless set).
   */
  whenUnset?: string;
  /**
   * Set when the value applies only while an environment variable is set to something: the object
   * sits on the side of `process.env.X === 'true' ? {…} : …` (or `process.env.X && {…}`) that an
   * unset X never reaches. The test as written (`PG_SSL_ALLOW_SELF_SIGNED === "true"`).
   */
  onlyWhen?: string;
  /** Set when the value is the last `return` of a function of this file (`ssl: toPgSsl(mode)`): the call as written. */
  fallbackOf?: string;
  /** Python: the option as written, for messages (`ssl='require'`, `ssl_require=True`, `ctx.verify_mode = ssl.CERT_NONE`). */
  written?: string;
}

/** An object literal in code that carries TLS options (`{ rejectUnauthorized: false }`, `{ ssl: false }`). */
export interface TlsOptionsFact extends FactBase {
  kind: 'tls-options';
  /**
   * Options by name: `rejectUnauthorized`, `ssl`, `minVersion`, `maxVersion`, `secureProtocol`, `ca`, `checkServerIdentity`, `sslmode`;
   * Deno's `enabled`, `enforce`, `caCertificates` inside its `tls` options; and `host`, the literal host (or Deno `hostname`)
   * written in the same configuration, when there is one.
   */
  options: Record<string, TlsOption>;
  /** The call that receives the object, when recognised (`pg.Pool`, `tls.connect`). */
  sink?: string;
  /**
   * The client library that reads these options, whose semantics decide what a value means:
   * `pg` (node-postgres, also under knex, Sequelize, TypeORM, …), `postgres` (postgres.js),
   * `drizzle-kit`, `deno-postgres`, `slonik`, `node:tls`, `node:https`, `undici`.
   */
  driver?: string;
  /** Offset of the call that receives the options (`new Pool(…)`), to pair them with an environment variable read in the same call. */
  receiverAt?: number;
  /**
   * Python: the call passes TLS as keyword arguments, which replace the DSN's TLS parameters (libpq's
   * keywords win over the conninfo string; asyncpg reads the DSN's sslmode only when `ssl` is None).
   */
  overridesUrl?: true;
  /**
   * Options written here that the library never reads, moved out of `options` so that no rule
   * judges them: another source replaces them (TypeORM passes `extra.ssl` instead of `ssl`;
   * node-postgres takes its TLS settings from a connection string that has any), or the API does
   * not read them (Sequelize's postgres dialect reads only `dialectOptions.ssl`).
   */
  unread?: {
    options: Record<string, TlsOption>;
    /** What takes their place: `url` (the connection string's TLS parameters), `extra.ssl`, or `nothing` (never read). */
    by: 'url' | 'extra.ssl' | 'nothing';
    /** For messages: "TypeORM hands `extra.ssl` to node-postgres in place of `ssl`". */
    because: string;
  };
}

export type FileKind = 'certificate' | 'private-key' | 'env' | 'env-template';

/** A file whose mere presence matters (certificate, key, env file), with its git state. */
export interface FileFact extends FactBase {
  kind: 'file';
  fileKind: FileKind;
  /** Tracked by git (in the index). Undefined outside a git work tree. */
  tracked?: boolean;
  /** Matched by .gitignore (git's own answer inside a work tree, the `ignore` package outside). */
  ignored?: boolean;
  /** Inside a git work tree. */
  inGit: boolean;
  /** POSIX permission bits, when the file system has them. */
  mode?: number;
  /** Env files: the first variable whose value is a secret or a real remote connection (never the value). */
  secret?: string;
  /** In tests, fixtures or mocks (policy/test-paths.ts, by the path inside the scanned directory). */
  testCode?: true;
  /** The git work tree's root relative to the working directory (`.` when one) and the path inside it. */
  repository?: { root: string; path: string };
}

/** An X.509 certificate: a certificate file or a PEM block inline in another file. */
export interface CertificateFact extends FactBase {
  kind: 'certificate';
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  inline: boolean;
  /** In tests, fixtures or mocks (policy/test-paths.ts, by the path inside the scanned directory). */
  testCode?: true;
}

export type Fact = ConnectionFact | SettingFact | TlsOptionsFact | FileFact | CertificateFact;

export type FactOf<K extends Fact['kind']> = Extract<Fact, { kind: K }>;

/** A per-file problem that stopped sslguard from reading (part of) a file. Never a policy finding. */
export interface Diagnostic {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/**
 * Another place that explains a finding (issue 5's trace): where a value resolved across files was
 * written, where it is used (`${DATABASE_URL}` in a compose service, `process.env.DATABASE_URL` in
 * code), or where the setting that decided it sits. JSON `related`, SARIF `relatedLocations`.
 */
export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** What this place is to the finding: "value of DATABASE_URL written here", "used by compose service `api`". */
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  environment: EnvironmentName;
  /** Why the environment was inferred. */
  environmentReason?: string;
  /** Set when an inline comment suppressed the finding. */
  suppressed?: { kind: 'inline'; justification?: string };
  /**
   * Stable identity across commits (rule, file, normalised flagged lines, occurrence; never the
   * line number): SARIF `partialFingerprints` and baselines use it. Set by `lintSources`.
   */
  fingerprint?: string;
  /**
   * GitHub code scanning's `primaryLocationLineHash` for the finding's first line, computed as
   * github/codeql-action's upload computes it, over the file with passwords masked (SARIF only).
   */
  lineHash?: string;
  /** The id of the rule's message template (`tlsOption`, `nodeTls`); the ESLint plugin reports with it. */
  messageId?: string;
  /** The values of the message's `{{placeholders}}`, masked like the message. */
  data?: Record<string, string>;
  /** The client that reads the connection, when the rule judged by it (`unknown`: read with libpq's meaning). */
  consumer?: string;
  /** The protection that client gives: plaintext, optional, encrypted-unverified, ca-verified, full-verified, refused. */
  effectiveTls?: string;
  /** The finding's trace across files, origin first (see RelatedLocation); absent when it involves one place. */
  related?: RelatedLocation[];
}
