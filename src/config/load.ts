import { createRequire } from 'node:module';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type * as Yaml from 'yaml';
import type * as JsoncParser from 'jsonc-parser';
import type { EnvironmentName, SeverityOrOff } from '../model.js';
import { DEFAULT_CONFIG, POLICY_MODES, type PolicyMode, type ResolvedConfig } from './types.js';
import { SourceText } from '../text/source.js';
import { excessiveJsonNestingOffset, MAX_JSON_NESTING } from '../extract/jsonc.js';
import { excessiveNestingOffset, MAX_NESTING } from '../extract/yaml.js';
import { maskSecrets } from '../connection/mask.js';
import { FileAccessError, readNamedFile } from '../files/access.js';
import { workingBoundary, type Boundary } from '../files/boundary.js';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
let jsoncModule: typeof JsoncParser | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= require('yaml') as typeof Yaml);
const jsonc = (): typeof JsoncParser => (jsoncModule ??= require('jsonc-parser') as typeof JsoncParser);

/** A configuration the user must fix; the CLI exits with status 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * A configuration is a few hundred bytes; a config file (or package.json) above this is refused
 * unread, as is anything that is not a regular file (a FIFO, `/dev/zero`).
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Looked up in this order in the working directory when no `--config` is given. */
export const CONFIG_FILE_NAMES = ['.sslguard.json', '.sslguard.yaml', '.sslguard.yml'] as const;

const SEVERITIES: readonly SeverityOrOff[] = ['off', 'warning', 'error'];
const ENVIRONMENTS: readonly EnvironmentName[] = ['production', 'staging', 'development', 'unknown'];
// `$schema` is what editors write into JSON files to get completion; it carries no settings.
/** The largest `maxFileSize` a config file may set; only the command line (`--max-file-size`) goes higher. */
export const MAX_CONFIG_FILE_SIZE = 8 * 1024 * 1024;

const TOP_LEVEL_KEYS = ['rules', 'localHosts', 'environments', 'ignorePatterns', 'certExpiryDays', 'maxFileSize', 'policy', '$schema'] as const;
/** sslmodes below `require`: valid libpq modes, but never a policy's minimum. */
const BELOW_POLICY = ['disable', 'allow', 'prefer'];

export interface LoadConfigOptions {
  cwd: string;
  /** `--config FILE`, relative to `cwd` or absolute. */
  configFile?: string;
  /** Every rule id sslguard ships; `rules` keys outside this list are errors. */
  knownRuleIds: readonly string[];
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Absolute path of the file the configuration came from; absent when defaults apply. */
  file?: string;
}

/**
 * The configuration for a scan: `--config FILE`, else the first of `.sslguard.json`,
 * `.sslguard.yaml`, `.sslguard.yml`, else the `sslguard` key of `package.json`, else defaults.
 * Config files are data: they are parsed, never imported or executed.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  return loadConfigSync(options);
}

/**
 * `loadConfig` for callers that cannot wait: ESLint rules are synchronous. The reads are a few
 * small files, once per run; the CLI gains nothing from doing them asynchronously.
 */
export function loadConfigSync(options: LoadConfigOptions): LoadedConfig {
  const { cwd, configFile, knownRuleIds } = options;
  // The files are the repository's: a link may not lead them out of it (see files/boundary.ts).
  const boundary = workingBoundary(cwd);
  if (configFile !== undefined) {
    const path = isAbsolute(configFile) ? configFile : resolve(cwd, configFile);
    const text = readText(path, configFile, boundary);
    if (text === undefined) throw new ConfigError(`${configFile}: config file not found`);
    return { config: parseConfigText(text, path, displayName(cwd, path), knownRuleIds), file: path };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    const text = readText(path, name, boundary);
    if (text !== undefined) return { config: parseConfigText(text, path, name, knownRuleIds), file: path };
  }
  const pkgPath = resolve(cwd, 'package.json');
  const pkgText = readText(pkgPath, 'package.json', boundary);
  if (pkgText !== undefined) {
    // A broken package.json is only sslguard's business when it is meant to configure sslguard;
    // otherwise the scan proceeds with defaults (and other tools will complain about it).
    const mentionsUs = /"sslguard"\s*:/.test(pkgText);
    let pkg: unknown;
    try {
      pkg = parseJson(pkgText, 'package.json');
    } catch (e) {
      if (mentionsUs) throw e;
      return { config: cloneDefaults() };
    }
    if (isPlainObject(pkg) && Object.prototype.hasOwnProperty.call(pkg, 'sslguard')) {
      return { config: validateConfig(pkg.sslguard, 'package.json', knownRuleIds, { keyPrefix: 'sslguard' }), file: pkgPath };
    }
  }
  return { config: cloneDefaults() };
}

/** A config file as messages name it: POSIX and relative inside the working directory, as given outside it. */
export function displayName(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  // `..` as a whole first segment, not a name starting with two dots (`..cache/`).
  const outside = rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return rel && !outside ? rel.split('\\').join('/') : path;
}

function readText(path: string, name: string, boundary: Boundary): string | undefined {
  try {
    return readNamedFile(path, { maxBytes: MAX_CONFIG_BYTES, boundary }).toString('utf8');
  } catch (e) {
    if (e instanceof FileAccessError) {
      if (e.code === 'ENOENT') return undefined;
      throw new ConfigError(`${name}: config file ${e.message}`);
    }
    throw e;
  }
}

function parseConfigText(text: string, path: string, name: string, knownRuleIds: readonly string[]): ResolvedConfig {
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  if (ext === '.json') raw = parseJson(text, name);
  else if (ext === '.yaml' || ext === '.yml') raw = parseYaml(text, name);
  else throw new ConfigError(`${name}: unsupported config file type \`${ext || '(none)'}\`: use .json, .yaml or .yml (config files are data, never code)`);
  return validateConfig(raw, name, knownRuleIds);
}

/** JSON with comments and trailing commas, as in tsconfig.json; errors name the file and position. */
function parseJson(text: string, name: string): unknown {
  // The parsers recurse once per level: thousands of levels overflow the stack (see MAX_NESTING in
  // extract/yaml.ts), so depth is checked before parsing. A configuration nests three levels.
  const deep = excessiveJsonNestingOffset(text);
  if (deep !== undefined) throw tooDeep(text, name, deep, 'JSON', MAX_JSON_NESTING);
  const errors: JsoncParser.ParseError[] = [];
  const value: unknown = jsonc().parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = new SourceText(text).position(first.offset);
    throw new ConfigError(`${name}:${line}:${column}: invalid JSON (${jsonc().printParseErrorCode(first.error)})`);
  }
  return value;
}

function parseYaml(text: string, name: string): unknown {
  const deep = excessiveNestingOffset(text);
  if (deep !== undefined) throw tooDeep(text, name, deep, 'YAML', MAX_NESTING);
  const doc = yaml().parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const { line, column } = new SourceText(text).position(first.pos[0]);
    throw new ConfigError(`${name}:${line}:${column}: invalid YAML (${excerptOfMessage(first.message.split('\n')[0]!)})`);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // yaml refuses to expand an alias bomb ("billion laughs") with a ReferenceError.
    throw new ConfigError(`${name}: invalid YAML (${excerptOfMessage((e as Error).message)})`);
  }
  // An empty file (or one with only comments) means "defaults".
  return value === null || value === undefined ? {} : value;
}

/** A parser's message can quote the source (an alias name, a token): masked and cut like a value. */
function excerptOfMessage(message: string): string {
  const masked = maskSecrets(message);
  return masked.length <= 120 ? masked : `${masked.slice(0, 110)}…`;
}

function tooDeep(text: string, name: string, offset: number, format: string, limit: number): ConfigError {
  const { line, column } = new SourceText(text).position(offset);
  return new ConfigError(`${name}:${line}:${column}: ${format} nested more than ${limit} levels deep, not read (a configuration nests a few levels)`);
}

function cloneDefaults(): ResolvedConfig {
  return {
    rules: { ...DEFAULT_CONFIG.rules },
    localHosts: [...DEFAULT_CONFIG.localHosts],
    environments: DEFAULT_CONFIG.environments.map((e) => ({ ...e })),
    ignorePatterns: [...DEFAULT_CONFIG.ignorePatterns],
    certExpiryDays: DEFAULT_CONFIG.certExpiryDays,
    maxFileSize: DEFAULT_CONFIG.maxFileSize,
    policy: { ...DEFAULT_CONFIG.policy },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Longest text an error quotes from a config file; a longer string is cut to an excerpt. */
const EXCERPT = 40;

/**
 * Text from a config file as an error quotes it: masked as findings are (a password in a value or
 * key is never printed) and cut to a short excerpt, so that a file that is one long string (a
 * link to someone's environment or key) is never repeated whole.
 */
export function excerpt(text: string): string {
  const masked = maskSecrets(text);
  if (masked.length <= EXCERPT) return JSON.stringify(masked);
  return `${JSON.stringify(masked.slice(0, EXCERPT - 10)).slice(0, -1)}…" (${text.length} characters)`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${excerpt(v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** `rules.no-ssl-disabled`, `environments["k8s/prod/**"]`, `localHosts[2]`. */
function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) && key.length <= EXCERPT ? key : excerpt(key);
  if (!parent) return part;
  return part.startsWith('"') ? `${parent}[${part}]` : `${parent}.${part}`;
}

// Hand-written: a dozen lines for "did you mean", not worth a dependency.
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function suggestion(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : '';
}

function severityError(value: unknown): string {
  const hint = value === 'warn' ? ' (did you mean warning?)' : '';
  return `severity must be "off", "warning" or "error", not ${describeValue(value)}${hint}`;
}

export interface ValidateOptions {
  /** Key path of the configuration inside `source` (`sslguard` for package.json). */
  keyPrefix?: string;
}

/**
 * Checks a parsed configuration object and fills in defaults. Pure: used by the loader, by
 * `--rule` handling and by the ESLint plugin's rule options. Errors read
 * `<source>: <key path>: <problem>`.
 */
export function validateConfig(
  raw: unknown,
  source: string,
  knownRuleIds: readonly string[],
  options: ValidateOptions = {},
): ResolvedConfig {
  const prefix = options.keyPrefix ?? '';
  const fail = (path: string, message: string): never => {
    throw new ConfigError(`${source}: ${path || '(root)'}: ${message}`);
  };
  if (!isPlainObject(raw)) return fail(prefix, `the configuration must be an object, not ${describeValue(raw)}`);

  const config = cloneDefaults();
  for (const [key, value] of Object.entries(raw)) {
    const path = keyPath(prefix, key);
    switch (key) {
      case '$schema':
        if (typeof value !== 'string') fail(path, `must be a string, not ${describeValue(value)}`);
        break;
      case 'rules': {
        if (!isPlainObject(value)) return fail(path, `must be an object of rule id → "off" | "warning" | "error", not ${describeValue(value)}`);
        for (const [id, severity] of Object.entries(value)) {
          const rulePath = keyPath(path, id);
          if (!knownRuleIds.includes(id)) fail(rulePath, `unknown rule id${suggestion(id, knownRuleIds)}`);
          if (!SEVERITIES.includes(severity as SeverityOrOff)) fail(rulePath, severityError(severity));
          config.rules[id] = severity as SeverityOrOff;
        }
        break;
      }
      case 'localHosts':
        config.localHosts = stringList(value, path, fail, (host) => {
          const wildcardOk = !host.includes('*') || (/^\*\.[^*]+$/.test(host));
          return /[\s/]/.test(host) || !wildcardOk ? 'must be a host name, an IP address or `*.suffix`' : undefined;
        });
        break;
      case 'ignorePatterns':
        config.ignorePatterns = stringList(value, path, fail);
        break;
      case 'environments': {
        if (!isPlainObject(value)) return fail(path, `must be an object of glob → environment name, not ${describeValue(value)}`);
        config.environments = [];
        // Object key order is insertion order for non-integer-like keys, which globs always are
        // in practice; the first matching glob wins, as written.
        for (const [pattern, environment] of Object.entries(value)) {
          const envPath = keyPath(path, pattern);
          if (pattern.trim() === '') fail(envPath, 'the glob must not be empty');
          if (!ENVIRONMENTS.includes(environment as EnvironmentName)) {
            const hint = typeof environment === 'string' ? suggestion(environment, ENVIRONMENTS) : '';
            fail(envPath, `environment must be one of ${ENVIRONMENTS.map((e) => `"${e}"`).join(', ')}, not ${describeValue(environment)}${hint}`);
          }
          config.environments.push({ pattern, environment: environment as EnvironmentName });
        }
        break;
      }
      case 'certExpiryDays':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
          fail(path, `must be a non-negative integer number of days, not ${describeValue(value)}`);
        }
        config.certExpiryDays = value as number;
        break;
      case 'maxFileSize':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
          fail(path, `must be a positive integer number of bytes, not ${describeValue(value)}`);
        }
        // A repository's own config must not make the scan of a 50 MB file its CI's problem.
        if ((value as number) > MAX_CONFIG_FILE_SIZE) {
          fail(path, `must be at most ${MAX_CONFIG_FILE_SIZE} (8 MiB) in a config file, not ${value as number}: pass --max-file-size on the command line to scan larger files`);
        }
        config.maxFileSize = value as number;
        break;
      case 'policy': {
        if (!isPlainObject(value)) return fail(path, `must be an object of environment → minimum sslmode, not ${describeValue(value)}`);
        for (const [environment, mode] of Object.entries(value)) {
          const modePath = keyPath(path, environment);
          if (!ENVIRONMENTS.includes(environment as EnvironmentName)) {
            fail(modePath, `unknown environment${suggestion(environment, ENVIRONMENTS)}: the environments are ${ENVIRONMENTS.map((e) => `"${e}"`).join(', ')}`);
          }
          config.policy[environment as EnvironmentName] = policyMode(mode, modePath, fail);
        }
        break;
      }
      default:
        fail(path, `unknown key${suggestion(key, TOP_LEVEL_KEYS)}`);
    }
  }
  return config;
}

function policyMode(value: unknown, path: string, fail: (path: string, message: string) => never): PolicyMode {
  if (POLICY_MODES.includes(value as PolicyMode)) return value as PolicyMode;
  const choices = POLICY_MODES.map((m) => `"${m}"`).join(', ');
  if (typeof value === 'string' && BELOW_POLICY.includes(value)) {
    return fail(
      path,
      `"${value}" cannot be a minimum: a connection that leaves the machine always needs at least "require" (no-ssl-disabled), ` +
        `and a local one is never judged; use one of ${choices}`,
    );
  }
  const hint = typeof value === 'string' ? suggestion(value, POLICY_MODES) : '';
  return fail(path, `minimum sslmode must be one of ${choices}, not ${describeValue(value)}${hint}`);
}

function stringList(
  value: unknown,
  path: string,
  fail: (path: string, message: string) => never,
  check?: (item: string) => string | undefined,
): string[] {
  if (!Array.isArray(value)) return fail(path, `must be an array of strings, not ${describeValue(value)}`);
  return value.map((item: unknown, i) => {
    const itemPath = keyPath(path, i);
    if (typeof item !== 'string') return fail(itemPath, `must be a string, not ${describeValue(item)}`);
    if (item.trim() === '') return fail(itemPath, 'must not be empty');
    const problem = check?.(item);
    if (problem) fail(itemPath, `${problem}, not ${excerpt(item)}`);
    return item;
  });
}

/**
 * Applies repeated `--rule id=off|warning|error` flags on top of a configuration (later flags win).
 * Returns a new configuration; the input is not changed.
 */
export function mergeRuleOverrides(config: ResolvedConfig, overrides: readonly string[], knownRuleIds: readonly string[]): ResolvedConfig {
  const rules = { ...config.rules };
  for (const override of overrides) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(override);
    if (!m) throw new ConfigError(`--rule ${override}: expected <rule-id>=off|warning|error`);
    const [, id, severity] = m as unknown as [string, string, string];
    if (!knownRuleIds.includes(id)) throw new ConfigError(`--rule ${override}: unknown rule id${suggestion(id, knownRuleIds)}`);
    if (!SEVERITIES.includes(severity as SeverityOrOff)) throw new ConfigError(`--rule ${override}: ${severityError(severity)}`);
    rules[id] = severity as SeverityOrOff;
  }
  return { ...config, rules };
}
