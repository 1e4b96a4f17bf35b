import type { FileKind } from '../model.js';
import { manifestKindOf } from '../packages/readers.js';

/** What sslguard may read a file as. A file can be several at once (`compose` is also `yaml`). */
export type PathKind =
  | 'env'
  | 'env-template'
  | 'compose'
  | 'yaml'
  | 'json'
  | 'mcp'
  | 'source'
  /** Python source (`*.py`): its Postgres clients, read by src/extract/python/. */
  | 'python'
  | 'certificate'
  | 'private-key'
  | 'package-json'
  /** A Prisma schema (`schema.prisma`): datasource URLs. */
  | 'prisma'
  | 'dockerfile'
  | 'helm-values'
  /** A GitHub Actions workflow (`.github/workflows/*.yml`). */
  | 'workflow'
  /**
   * A file that says which package versions a project installs: package.json, a lockfile
   * (package-lock.json, pnpm-lock.yaml, yarn.lock, uv.lock, poetry.lock), pyproject.toml,
   * requirements*.txt (src/packages/readers.ts).
   */
  | 'manifest';

// Name-based rules are small and exact enough that a glob library would only obscure them: each
// file name is tested once, and the rules need "ends with X but not Y" logic globs express poorly.

/** Dotted words that mark an env file as a committed template rather than live configuration. */
const TEMPLATE_WORDS = new Set(['example', 'sample', 'template', 'dist', 'default', 'defaults', 'tmpl', 'tpl', 'hbs', 'j2', 'jinja', 'jinja2', 'patch']);

/**
 * A committed example of any format (`values-production-example.yaml`, `docker-compose.example.yml`,
 * `.env.sample`): it documents a shape, and its passwords are defaults to replace, not leaks.
 */
export function isTemplatePath(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1).toLowerCase();
  return base.split(/[.\-_]+/).some((word) => TEMPLATE_WORDS.has(word));
}

/** `.env.<ext>` with one of these extensions is that format, not an env file (`.env.json`, `.env.ts`). */
const NOT_ENV_EXTENSIONS = new Set(['json', 'jsonc', 'yml', 'yaml', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'md', 'txt', 'py']);

const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
/** A TS/JS file name's ending, for counting such paths in a listing without classifying each one. */
export const SOURCE_SUFFIX = String.raw`\.[cm]?[jt]sx?`;
const CERTIFICATE_EXTENSIONS = new Set(['.crt', '.pem', '.cer', '.der', '.p12', '.pfx']);
/** PKCS#12 bundles hold the private key next to the certificate. */
const KEY_EXTENSIONS = new Set(['.key', '.p12', '.pfx']);

/** MCP client configs known by their own file name, wherever they sit. */
const MCP_NAMES = new Set(['.mcp.json', 'claude_desktop_config.json', 'cline_mcp_settings.json', 'mcp_config.json']);
/** MCP client configs known by their directory and file name. */
const MCP_DIR_NAMES = new Set(['.cursor/mcp.json', '.vscode/mcp.json', '.gemini/settings.json']);

/** `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile` (any case); not `Dockerfile.dockerignore`. */
const DOCKERFILE_NAME = /^(?:(?:docker|container)file(?:\.[^/]+)?|[^/]+\.(?:docker|container)file)$/i;

/** Helm chart values: `values.yaml`, `values-prod.yaml`, `values.staging.yml`. */
const HELM_VALUES_NAME = /^values(?:[.\-_][^/]*)?\.ya?ml$/i;

/** `docker-compose.yml`, `docker-compose.prod.yaml`, `compose-dev.yml`; not `composer.yml`. */
const COMPOSE_NAME = /^(?:docker-)?compose(?:[.\-_][^/]*)?\.ya?ml$/i;

function extensionOf(base: string): string {
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

function isEnvName(base: string): boolean {
  if (base === '.env' || base === '.envrc') return true;
  if (base.startsWith('.env.')) return !NOT_ENV_EXTENSIONS.has(base.slice(base.lastIndexOf('.') + 1).toLowerCase());
  if (base.length > 4 && base.endsWith('.env')) return true;
  // `backend.env.example`, `db.env.sample`: a named env file's template.
  const dot = base.indexOf('.env.');
  return dot > 0 && TEMPLATE_WORDS.has(base.slice(dot + 5).toLowerCase());
}

/** One of the directories on `rel`'s path is named `name`. */
function inDirectoryNamed(rel: string, name: string): boolean {
  return rel.startsWith(`${name}/`) || rel.includes(`/${name}/`);
}

function isEnvTemplateName(base: string): boolean {
  return base.split('.').some((word) => TEMPLATE_WORDS.has(word.toLowerCase()));
}

/**
 * The kinds a path can be read as, most specific first (`['compose', 'yaml']`,
 * `['env-template', 'env']`); `[]` for a file sslguard does not read. `rel` is a POSIX path.
 */
export function classifyPath(rel: string): PathKind[] {
  // Asked for every file of a tree (tens of thousands): no split, and each regular expression
  // behind a substring test that most names fail.
  const slash = rel.lastIndexOf('/');
  const base = rel.slice(slash + 1);
  if (base === '') return [];
  const ext = extensionOf(base);
  const lower = base.toLowerCase();

  if (isEnvName(base)) return isEnvTemplateName(base) ? ['env-template', 'env'] : ['env'];

  // Lockfiles and Python manifests hold no connection: they are read for versions only.
  if (base !== 'package.json' && manifestKindOf(base) !== undefined) return ['manifest'];

  // Every Dockerfile name ends in `dockerfile` or `containerfile` or has it before a dot.
  if (lower.includes('file') && DOCKERFILE_NAME.test(base) && !lower.endsWith('.dockerignore')) return ['dockerfile'];

  if (ext === '.yml' || ext === '.yaml') {
    if (COMPOSE_NAME.test(base)) return ['compose', 'yaml'];
    if (rel.includes('.github/workflows/') && /(?:^|\/)\.github\/workflows\/[^/]+$/.test(rel)) return ['workflow', 'yaml'];
    // A chart's templates/ hold manifests (rendered by Helm), never values.
    if (HELM_VALUES_NAME.test(base) && !inDirectoryNamed(rel, 'templates')) return ['helm-values', 'yaml'];
    return ['yaml'];
  }

  if (ext === '.json' || ext === '.jsonc') {
    if (MCP_NAMES.has(base) || (slash >= 0 && MCP_DIR_NAMES.has(rel.slice(rel.lastIndexOf('/', slash - 1) + 1)))) return ['mcp', 'json'];
    if (base === 'package.json') return ['package-json', 'manifest', 'json'];
    return ['json'];
  }

  if (SOURCE_EXTENSIONS.has(ext)) {
    if ((lower.includes('.d.') && /\.d\.[mc]?ts$/.test(lower)) || (lower.includes('.min.') && /\.min\.[mc]?js$/.test(lower))) return [];
    // Yarn Plug'n'Play's generated resolution maps (`.pnp.cjs`, `.pnp.loader.mjs`).
    if (lower.startsWith('.pnp.')) return [];
    return ['source'];
  }

  if (ext === '.prisma') return ['prisma'];
  if (ext === '.py') return ['python'];

  const kinds: PathKind[] = [];
  if (CERTIFICATE_EXTENSIONS.has(ext)) kinds.push('certificate');
  if (KEY_EXTENSIONS.has(ext)) kinds.push('private-key');
  return kinds;
}

/** Any PEM private key: PKCS#8, encrypted PKCS#8, RSA, EC, DSA, OpenSSH. */
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const PEM_CERTIFICATE = /-----BEGIN (?:TRUSTED |X509 )?CERTIFICATE-----/;

/** The kinds whose file fact records what git does with the file (tracked, ignored): `fileKindOf`'s. */
const GIT_STATE_KINDS: ReadonlySet<PathKind> = new Set(['env', 'env-template', 'certificate', 'private-key']);

/**
 * Whether anything sslguard reports about a file of these kinds depends on git's view of it. For
 * the rest (source, compose, MCP configs, …) nothing does, and a named file needs no git process.
 */
export function needsGitState(kinds: readonly PathKind[]): boolean {
  return kinds.some((kind) => GIT_STATE_KINDS.has(kind));
}

/** Every env name has `.env` in it, every certificate or key name one of these endings. */
const GIT_STATE_NAME = /\.(?:env|crt|pem|cer|der|p12|pfx|key)/i;

/**
 * `needsGitState(classifyPath(rel))`, for a whole listing: one regular expression turns away
 * nearly every path before it is classified (20,000 paths in 1 ms instead of up to 25).
 */
export function pathNeedsGitState(rel: string): boolean {
  // Tested on the last component: `[^/]*$` after the ending rescanned the rest from each `.env`.
  return GIT_STATE_NAME.test(rel.slice(rel.lastIndexOf('/') + 1)) && needsGitState(classifyPath(rel));
}

/**
 * The kind of a file whose presence matters, or undefined. For certificate and key files the PEM
 * content in `head` (the first bytes, decoded) decides over the extension: a `.pem` or `.crt` that
 * holds a private key is a private key, a `.key` that only holds certificates is a certificate.
 * Content never turns an env or source file into a key file: an env value may hold a PEM key.
 */
export function fileKindOf(rel: string, head?: string): FileKind | undefined {
  const kinds = classifyPath(rel);
  if (kinds.includes('env-template')) return 'env-template';
  if (kinds.includes('env')) return 'env';
  const isCertificate = kinds.includes('certificate');
  const isKey = kinds.includes('private-key');
  if (!isCertificate && !isKey) return undefined;
  // PKCS#12 containers are binary and bundle the key; their content cannot say otherwise.
  if (isCertificate && isKey) return 'private-key';
  if (head !== undefined) {
    if (PEM_PRIVATE_KEY.test(head)) return 'private-key';
    if (PEM_CERTIFICATE.test(head)) return 'certificate';
    // DH parameters, a public key, a CSR: PEM, but neither a key to keep secret nor a certificate to renew.
    if (/-----BEGIN [A-Z0-9 ]+-----/.test(head)) return undefined;
  }
  return isKey ? 'private-key' : 'certificate';
}
