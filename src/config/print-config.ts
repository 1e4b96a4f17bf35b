// `sslguard --print-config FILE`: the configuration a scan would use (defaults, the config file,
// --rule flags) and how FILE's environment is inferred, with the minimum sslmode that follows.
// Like ESLint's --print-config, the answer is JSON; its `config` part is itself a valid config.
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ClientVersion, EnvironmentInfo, EnvironmentName, Fact, SeverityOrOff } from '../model.js';
import { manifestKindOf, manifestReadLimit, readManifest, type PackageManifest } from '../packages/readers.js';
import { classifyPath } from '../discovery/kinds.js';
import { assumedLatest, VersionIndex } from '../packages/versions.js';
import { clientVersionOf, VERSIONED_CLIENTS } from '../packages/clients.js';
import { DEFAULT_POLICY, type PolicyMode, type ResolvedConfig } from './types.js';
import { displayName } from './load.js';
import { UsageError } from '../discovery/walk.js';
import { FileAccessError, readNamedFile } from '../files/access.js';
import { workingBoundary } from '../files/boundary.js';
import { lintSources } from '../engine/lint.js';
import { describeUnit } from '../policy/connection.js';
import { environmentBasis, environmentOfPath, explainEnvironment } from '../policy/environment.js';
import { minimumMode, severityBelowMinimum } from '../policy/minimum.js';

export interface PrintConfigOptions {
  cwd: string;
  /** FILE as given on the command line, relative to `cwd` or absolute. */
  file: string;
  config: ResolvedConfig;
  /** Absolute path of the config file the configuration came from; absent when defaults apply. */
  configFile?: string;
}

/** One environment FILE's connections and settings run in, and what the policy asks of them. */
export interface EnvironmentReport {
  name: EnvironmentName;
  /** `config glob`, `file name`, `directory`, `namespace`, `variable prefix`, `MCP server`, `script`, `code`, `none`. */
  inferredBy: string;
  /** The reason, with the file that holds the evidence when it is inside a file. */
  reason: string;
  /** The weakest sslmode accepted for a connection that leaves the machine (local connections are never judged). */
  minimum: PolicyMode;
  /** How `require-verify-full` reports a connection below the minimum: its configured severity, else error (warning where the environment is unknown). */
  belowMinimum: SeverityOrOff;
}

export interface PrintedConfig {
  /** FILE as sslguard names it: POSIX, relative to the working directory. */
  file: string;
  /** The config file, relative to the working directory when inside it; null when only defaults apply. */
  configFile: string | null;
  /** The effective configuration, in the shape of a config file. */
  config: ConfigFileShape;
  /** FILE's environment from its path alone (config globs, file name, directories). */
  pathEnvironment: EnvironmentReport;
  /**
   * The environments the connections and settings inside FILE run in (a Kubernetes namespace, an
   * MCP server's name, a variable prefix can override the path), each with the first line and the
   * units it applies to. Empty when sslguard finds nothing to judge in FILE.
   */
  environments: Array<EnvironmentReport & { line: number; units: string[] }>;
  /**
   * The version of each client that code in FILE's package runs with, from the package.json and
   * lockfile of its package root (or a workspace root above it), and the Python manifests: how each
   * connection string is read depends on it. `how: "assumed"` when nothing names a version: the
   * latest major is assumed (Prisma 6 for a schema `url`, which Prisma 7 no longer reads).
   */
  clients: Array<{ client: string } & ClientVersion>;
}

interface ConfigFileShape {
  rules: Record<string, SeverityOrOff>;
  localHosts: string[];
  environments: Record<string, EnvironmentName>;
  ignorePatterns: string[];
  certExpiryDays: number;
  maxFileSize: number;
  policy: Record<EnvironmentName, PolicyMode>;
}

const RULE = 'require-verify-full';

export function printConfig(options: PrintConfigOptions): PrintedConfig {
  const { cwd, config } = options;
  const abs = isAbsolute(options.file) ? options.file : resolve(cwd, options.file);
  const file = posixRelative(cwd, abs);
  let bytes: Uint8Array;
  try {
    // Like a scanned file: at most maxFileSize, and a link may not lead it out of the repository.
    bytes = readNamedFile(abs, { maxBytes: config.maxFileSize, boundary: workingBoundary(cwd) });
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    if (error.code === 'EISDIR') throw new UsageError(`--print-config ${options.file}: is a directory; name a file`);
    throw new UsageError(`--print-config ${options.file}: ${error.message}`);
  }

  const report = (env: EnvironmentInfo): EnvironmentReport => ({
    name: env.name,
    inferredBy: inferredBy(env),
    reason: explainEnvironment(env, file),
    minimum: minimumMode(config, env.name),
    belowMinimum: config.rules[RULE] ?? severityBelowMinimum(env.name),
  });

  // The same extraction a scan runs, on this one file: environments written inside it (namespace,
  // MCP server name, variable prefix) exist only as the facts' environments.
  const { facts } = lintSources([{ file, bytes }], { config });
  const seen = new Map<string, EnvironmentReport & { line: number; units: string[] }>();
  for (const fact of facts) {
    const key = `${fact.environment.name}\0${fact.environment.reason}\0${fact.environment.file ?? ''}`;
    let entry = seen.get(key);
    if (!entry) seen.set(key, (entry = { ...report(fact.environment), line: fact.span.line, units: [] }));
    const unit = unitOf(fact);
    if (unit && !entry.units.includes(unit)) entry.units.push(unit);
  }

  return {
    file,
    configFile: options.configFile === undefined ? null : displayName(cwd, options.configFile),
    config: configFileShape(config),
    pathEnvironment: report(environmentOfPath(file, config)),
    environments: [...seen.values()],
    clients: clientVersions(cwd, abs, file, config.maxFileSize),
  };
}

const MANIFEST_NAMES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'pyproject.toml', 'uv.lock', 'poetry.lock'];

/**
 * The manifests of FILE's directory and of each directory above it up to the working directory
 * (never above it: sslguard reads nothing outside what it was pointed at), and the client versions
 * they give FILE's code. A manifest that cannot be read is left out, as the scan's diagnostic says.
 */
function clientVersions(cwd: string, abs: string, file: string, maxFileSize: number): PrintedConfig['clients'] {
  const boundary = workingBoundary(cwd);
  const manifests: PackageManifest[] = [];
  const inside = !relative(cwd, abs).startsWith('..') && !isAbsolute(relative(cwd, abs));
  let dir = dirname(abs);
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => MANIFEST_NAMES.includes(n) || manifestKindOf(n) === 'requirements');
    } catch {
      names = [];
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        // As the scan reads it: a regular file, bounded, never through a link out of the repository.
        const bytes = readNamedFile(path, { maxBytes: manifestReadLimit(classifyPath(name), maxFileSize), boundary });
        const m = readManifest(posixRelative(cwd, path), bytes.toString('utf8'));
        if (m) manifests.push(m);
      } catch {
        // Unreadable or malformed: the scan reports it; here it names no version.
      }
    }
    if (!inside || resolve(dir) === resolve(cwd)) break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const index = new VersionIndex(manifests);
  const out: PrintedConfig['clients'] = VERSIONED_CLIENTS.map((client) => ({ client, ...clientVersionOf(index, file, client)! }));
  // Python clients, where FILE's project is a Python one (the readers of its code use them).
  if (manifests.some((m) => m.ecosystem === 'pypi')) {
    for (const name of ['asyncpg', 'psycopg', 'psycopg2', 'sqlalchemy']) out.push({ client: name, ...(index.versionOf(file, name, 'pypi') ?? assumedLatest(name)) });
  }
  return out;
}

/** Which inference decided: the reason's own words before its first quoted part ("namespace", "MCP server"). */
function inferredBy(env: EnvironmentInfo): string {
  const basis = environmentBasis(env);
  if (basis === 'config') return 'config glob';
  if (basis !== 'content') return basis;
  const words = env.reason.slice(0, Math.max(0, env.reason.indexOf('`'))).trim();
  return words || 'code';
}

function unitOf(fact: Fact): string | undefined {
  return fact.unit ? describeUnit(fact.unit) : undefined;
}

function configFileShape(config: ResolvedConfig): ConfigFileShape {
  return {
    rules: { ...config.rules },
    localHosts: [...config.localHosts],
    environments: Object.fromEntries(config.environments.map((e) => [e.pattern, e.environment])),
    ignorePatterns: [...config.ignorePatterns],
    certExpiryDays: config.certExpiryDays,
    maxFileSize: config.maxFileSize,
    policy: Object.fromEntries((Object.keys(DEFAULT_POLICY) as EnvironmentName[]).map((name) => [name, minimumMode(config, name)])) as Record<EnvironmentName, PolicyMode>,
  };
}

function posixRelative(cwd: string, abs: string): string {
  const rel = relative(cwd, abs).split('\\').join('/');
  return rel === '' ? '.' : rel;
}
