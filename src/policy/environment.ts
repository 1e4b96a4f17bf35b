import type { EnvironmentInfo, EnvironmentName } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { isTestDirectory, testFileReason } from './test-paths.js';
import { globMatcher } from '../text/glob.js';

// Words that name an environment in file names, directory names, namespaces and variable prefixes.
const WORDS: Array<[RegExp, EnvironmentName, string]> = [
  [/^(prod|production|prd|live)$/i, 'production', 'production'],
  [/^(staging|stage|stg|preprod|pre-prod|uat|qa)$/i, 'staging', 'staging'],
  // Tests and CI run against databases of their own: the test environment, held to development's minimum.
  [/^(dev|development|local|sandbox|test|tests|testing|ci|e2e)$/i, 'development', 'development'],
];

export function environmentOfWord(word: string): EnvironmentName | undefined {
  for (const [re, env] of WORDS) if (re.test(word)) return env;
  return undefined;
}

const UNKNOWN: EnvironmentInfo = { name: 'unknown', reason: 'no environment could be inferred' };

// Reasons start with what they rest on; `environmentBasis` reads it back from these prefixes, so
// that facts need no extra field (they cross worker threads as plain data).
const CONFIG_REASON = 'config maps ';
const FILE_NAME_REASON = 'file name ';
const DIRECTORY_REASON = 'directory ';

/**
 * The environment of a file from config globs, then its name and directories: `.env.production`,
 * `docker-compose.prod.yml`, `k8s/production/…`, `values-staging.yaml`. The file name is more
 * specific than a directory, and the nearest directory wins.
 */
export function environmentOfPath(file: string, config?: Pick<ResolvedConfig, 'environments'>, scopePath: string = file): EnvironmentInfo {
  for (const { pattern, environment } of config?.environments ?? []) {
    if (globMatcher(pattern)(file)) return { name: environment, reason: `${CONFIG_REASON}\`${pattern}\` to ${environment}` };
  }
  const parts = file.split('/');
  const base = parts[parts.length - 1] ?? '';
  // Test code is told apart by the path inside the scanned directory: a repository under
  // `fixtures/` is scanned as itself. The nearest directory still wins (`docs/production/`).
  const scopeDepth = scopePath.split('/').length;
  if (testFileReason(base)) return { name: 'development', reason: `${FILE_NAME_REASON}\`${base}\` (test code)` };
  // Tokens of the base name: ".env.production" → env, production; "docker-compose.prod.yml" → docker, compose, prod, yml.
  for (const token of base.split(/[.\-_]+/)) {
    const env = environmentOfWord(token);
    if (env) return { name: env, reason: `${FILE_NAME_REASON}\`${base}\`` };
  }
  for (let i = parts.length - 2; i >= 0; i--) {
    const dir = parts[i]!;
    if (i >= parts.length - scopeDepth && isTestDirectory(dir)) return { name: 'development', reason: `${DIRECTORY_REASON}\`${parts.slice(0, i + 1).join('/')}\` (test code)` };
    for (const token of dir.split(/[.\-_]+/)) {
      const env = environmentOfWord(token);
      if (env) return { name: env, reason: `${DIRECTORY_REASON}\`${parts.slice(0, i + 1).join('/')}\`` };
    }
  }
  return UNKNOWN;
}

/** The environment named by a variable prefix: `PROD_DATABASE_URL`, `STAGING_DB_URL`, `DEV_…`, `TEST_…`. */
export function environmentOfVariable(name: string): EnvironmentInfo | undefined {
  const m = /^([A-Za-z]+)_/.exec(name);
  if (!m) return undefined;
  const env = environmentOfWord(m[1]!);
  return env ? { name: env, reason: `variable prefix \`${m[1]}_\`` } : undefined;
}

/** The environment named by a Kubernetes namespace. */
export function environmentOfNamespace(namespace: string): EnvironmentInfo | undefined {
  for (const token of namespace.split(/[.\-_]+/)) {
    const env = environmentOfWord(token);
    if (env) return { name: env, reason: `namespace \`${namespace}\`` };
  }
  return undefined;
}

/**
 * Combine: a config glob always wins (the user said so); otherwise a variable prefix is the most
 * specific, then the unit (k8s namespace), then the file path.
 */
export function pickEnvironment(fileEnv: EnvironmentInfo, ...more: Array<EnvironmentInfo | undefined>): EnvironmentInfo {
  if (environmentBasis(fileEnv) === 'config') return fileEnv;
  for (const env of more) if (env) return env;
  return fileEnv;
}

/**
 * What an environment rests on: a config glob, the file's name, a directory of its path, something
 * written inside a file (namespace, variable prefix, MCP server or script name, a test in code), or
 * nothing.
 */
export type EnvironmentBasis = 'config' | 'file name' | 'directory' | 'content' | 'none';

export function environmentBasis(env: EnvironmentInfo): EnvironmentBasis {
  if (env.name === 'unknown' && env.reason === UNKNOWN.reason) return 'none';
  if (env.reason.startsWith(CONFIG_REASON)) return 'config';
  if (env.reason.startsWith(FILE_NAME_REASON)) return 'file name';
  if (env.reason.startsWith(DIRECTORY_REASON)) return 'directory';
  return 'content';
}

/**
 * The reason with the file that holds the evidence, for messages: "namespace `production` in
 * k8s/deploy.yaml". A reason from the path already names the file, unless the evidence is another
 * file's (a value used by a Deployment elsewhere), which is then named too.
 */
export function explainEnvironment(env: EnvironmentInfo, factFile: string): string {
  const basis = environmentBasis(env);
  const elsewhere = env.file !== undefined && env.file !== factFile ? env.file : undefined;
  if (basis === 'content') return `${env.reason} in ${elsewhere ?? factFile}`;
  if (!elsewhere || basis === 'none') return env.reason;
  return `${env.reason} ${basis === 'config' ? 'for' : 'of'} ${elsewhere}`;
}
