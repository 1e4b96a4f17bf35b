// Readers for the files that say which version of a database client a project installs:
// package.json (declared ranges), package-lock.json / npm-shrinkwrap.json, pnpm-lock.yaml,
// yarn.lock (classic and berry), requirements*.txt, pyproject.toml, uv.lock and poetry.lock.
// Each returns a `PackageManifest` holding only the packages whose version changes what a
// connection string means (WATCHED_NPM, WATCHED_PYPI): a lockfile of thousands of entries is
// reduced to a handful of names before anything is kept.
//
// The formats are parsed by their own maintained parsers (JSON.parse, `yaml`, `@yarnpkg/parsers`'
// parseSyml, `smol-toml`), loaded on first use. Two pieces are written by hand, and say why where
// they are: cutting a lockfile down to the sections or entries that can name a watched package
// before the parser sees it (parsing a 5 MB lockfile whole costs a second of YAML), and the PEP 508
// requirement line, whose grammar no npm package maintains.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { PathKind } from '../discovery/kinds.js';

const require = createRequire(import.meta.url);

/** npm packages whose installed version changes how a connection string or TLS option is read. */
export const WATCHED_NPM: ReadonlySet<string> = new Set(['pg', 'pg-connection-string', 'postgres', 'prisma', '@prisma/client', '@prisma/adapter-pg', '@prisma/adapter-neon', 'knex']);
/** PyPI distributions, by normalised name (PEP 503), recorded for the Python readers. */
export const WATCHED_PYPI: ReadonlySet<string> = new Set(['asyncpg', 'psycopg', 'psycopg-binary', 'psycopg-c', 'psycopg2', 'psycopg2-binary', 'sqlalchemy']);

export type ManifestKind = 'package-json' | 'package-lock' | 'pnpm-lock' | 'yarn-lock' | 'requirements' | 'pyproject' | 'uv-lock' | 'poetry-lock';

export type Ecosystem = 'npm' | 'pypi';

export interface PackageManifest {
  kind: ManifestKind;
  ecosystem: Ecosystem;
  /** POSIX path of the file. */
  file: string;
  /** Declared version ranges (package.json, pyproject.toml, requirements*.txt): name → range as written. */
  declared?: Record<string, string>;
  /** package.json `workspaces` (array or `{ packages }`): this directory is a monorepo root. */
  workspaces?: string[];
  /**
   * Locked versions by importer: the directory of a project relative to the lockfile's directory
   * (`.` for the lockfile's own) → name → exact version. pnpm and yarn berry list their importers;
   * uv.lock and poetry.lock and requirements pins are `.`.
   */
  importers?: Record<string, Record<string, string>>;
  /**
   * package-lock.json: install paths (`node_modules/pg`, `packages/api/node_modules/pg`) → version,
   * resolved from an importer the way Node resolves `require('pg')` from it.
   */
  paths?: Record<string, string>;
  /** yarn.lock: descriptors (`pg@^8.11.3`, with `npm:` removed) → the version they resolved to. */
  descriptors?: Record<string, string>;
}

const yamlLib = (): typeof Yaml => require('yaml') as typeof Yaml;

/** Which manifest a path is, by name; undefined for any other file. */
export function manifestKindOf(rel: string): ManifestKind | undefined {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  switch (base) {
    case 'package.json':
      return 'package-json';
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return 'package-lock';
    case 'pnpm-lock.yaml':
      return 'pnpm-lock';
    case 'yarn.lock':
      return 'yarn-lock';
    case 'pyproject.toml':
      return 'pyproject';
    case 'uv.lock':
      return 'uv-lock';
    case 'poetry.lock':
      return 'poetry-lock';
  }
  return /^requirements(?:[-_.][^/]*)?\.txt$/i.test(base) ? 'requirements' : undefined;
}

/** The size up to which lockfiles (package-lock.json, pnpm-lock.yaml, yarn.lock, uv.lock, poetry.lock) are read. */
export const LOCKFILE_MAX_SIZE = 64 * 1024 * 1024;

/**
 * How much of a file of these kinds is read: lockfiles run to megabytes in large monorepos and
 * hold no secret, so up to LOCKFILE_MAX_SIZE whatever maxFileSize says; anything else (package.json
 * included) up to maxFileSize.
 */
export function manifestReadLimit(kinds: readonly PathKind[], maxFileSize: number): number {
  const lockfile = kinds.includes('manifest') && !kinds.includes('package-json');
  return lockfile ? Math.max(maxFileSize, LOCKFILE_MAX_SIZE) : maxFileSize;
}

/** Thrown text becomes the per-file diagnostic; what was read before the error is not kept. */
export function readManifest(file: string, text: string): PackageManifest | undefined {
  const kind = manifestKindOf(file);
  switch (kind) {
    case 'package-json':
      return readPackageJson(file, text);
    case 'package-lock':
      return readPackageLock(file, text);
    case 'pnpm-lock':
      return readPnpmLock(file, text);
    case 'yarn-lock':
      return readYarnLock(file, text);
    case 'requirements':
      return readRequirements(file, text);
    case 'pyproject':
      return readPyproject(file, text);
    case 'uv-lock':
    case 'poetry-lock':
      return readPythonLock(file, text, kind);
    default:
      return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function watchedEntries(map: unknown): Array<[string, string]> {
  if (!isRecord(map)) return [];
  return Object.entries(map).filter((e): e is [string, string] => WATCHED_NPM.has(e[0]) && typeof e[1] === 'string');
}

// ---------------------------------------------------------------------------------------------
// npm

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

export function readPackageJson(file: string, text: string): PackageManifest {
  const json: unknown = JSON.parse(text);
  const out: PackageManifest = { kind: 'package-json', ecosystem: 'npm', file };
  if (!isRecord(json)) return out;
  const declared: Record<string, string> = {};
  // A package installed for both runtime and tests is the runtime one: the first field wins.
  for (const field of DEPENDENCY_FIELDS) for (const [name, range] of watchedEntries(json[field])) declared[name] ??= range;
  if (Object.keys(declared).length) out.declared = declared;
  const ws = json['workspaces'];
  const globs = Array.isArray(ws) ? ws : isRecord(ws) && Array.isArray(ws['packages']) ? ws['packages'] : undefined;
  if (globs) out.workspaces = globs.filter((g): g is string => typeof g === 'string');
  return out;
}

/** The name a package-lock install path installs (`a/node_modules/@prisma/client` → `@prisma/client`). */
function installedName(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  return at < 0 ? undefined : path.slice(at + 'node_modules/'.length);
}

/**
 * package-lock.json v2/v3 (`packages`, keyed by install path) and v1 (`dependencies`, nested by
 * dependency): the version installed at each path of a watched package.
 */
export function readPackageLock(file: string, text: string): PackageManifest {
  const json: unknown = JSON.parse(text);
  const out: PackageManifest = { kind: 'package-lock', ecosystem: 'npm', file };
  if (!isRecord(json)) return out;
  const paths: Record<string, string> = {};
  if (isRecord(json['packages'])) {
    for (const [path, entry] of Object.entries(json['packages'])) {
      const name = installedName(path);
      if (!name || !WATCHED_NPM.has(name) || !isRecord(entry) || typeof entry['version'] !== 'string') continue;
      paths[path] = entry['version'];
    }
  } else {
    // v1: `dependencies: { pg: { version, dependencies: { 'pg-connection-string': {…} } } }`.
    const walk = (deps: unknown, prefix: string): void => {
      if (!isRecord(deps)) return;
      for (const [name, entry] of Object.entries(deps)) {
        if (!isRecord(entry)) continue;
        const path = `${prefix}node_modules/${name}`;
        if (WATCHED_NPM.has(name) && typeof entry['version'] === 'string') paths[path] = entry['version'];
        walk(entry['dependencies'], `${path}/`);
      }
    };
    walk(json['dependencies'], '');
  }
  if (Object.keys(paths).length) out.paths = paths;
  return out;
}

/** A pnpm version without its peer suffix: `8.11.3(pg-native@3.0.1)` (v6+), `8.11.3_pg-native@3.0.1` (v5). */
function pnpmVersion(v: unknown): string | undefined {
  const raw = isRecord(v) ? v['version'] : v;
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:[(_].*)?$/.exec(raw);
  // `link:../pkg`, `file:…`: a local package, not a published version.
  return m?.[1];
}

/**
 * The top-level sections of a YAML document whose keys are in `keep`, cut out by their column-0
 * key lines. Hand-written because pnpm-lock.yaml's `packages`/`snapshots` sections hold
 * every transitive package (most of a multi-megabyte file) and none of what is read here.
 */
function topLevelSections(text: string, keep: ReadonlySet<string>): string {
  const out: string[] = [];
  let take = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#-]/.test(line)) {
      const key = /^['"]?([^'":]+)['"]?:/.exec(line)?.[1];
      take = key !== undefined && keep.has(key);
    }
    if (take) out.push(line);
  }
  return out.join('\n');
}

/**
 * The lines of a pnpm lockfile's dependency maps that belong to watched packages: an entry under a
 * `dependencies:` (or dev, optional, peer) key is kept with its children only when it names one.
 * Hand-written for the same reason: a large monorepo's `importers` lists thousands of entries.
 */
function watchedDependencyLines(text: string): string {
  const out: string[] = [];
  let fieldIndent = -1;
  let entryIndent = -1;
  let keep = true;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const key = /^['"]?([^'":]+)['"]?:/.exec(line.trimStart())?.[1];
    if (line.trim() === '') continue;
    if (fieldIndent >= 0 && indent > fieldIndent) {
      if (entryIndent < 0 || indent <= entryIndent) {
        entryIndent = indent;
        keep = key !== undefined && WATCHED_NPM.has(key);
      }
      if (keep) out.push(line);
      continue;
    }
    fieldIndent = key !== undefined && (DEPENDENCY_FIELDS as readonly string[]).includes(key) ? indent : -1;
    entryIndent = -1;
    out.push(line);
  }
  return out.join('\n');
}

/**
 * pnpm-lock.yaml: `importers` (lockfile 5.3+ in workspaces, every 6.x and 9.x file): each project's
 * dependencies with the version it got; a single project in lockfile 5.x has them at the top level.
 */
export function readPnpmLock(file: string, text: string): PackageManifest {
  const cut = watchedDependencyLines(topLevelSections(text, new Set(['lockfileVersion', 'importers', ...DEPENDENCY_FIELDS])));
  const doc: unknown = yamlLib().parse(cut, { uniqueKeys: false, maxAliasCount: -1 });
  const out: PackageManifest = { kind: 'pnpm-lock', ecosystem: 'npm', file };
  if (!isRecord(doc)) return out;
  const importers: Record<string, Record<string, string>> = {};
  const read = (project: Record<string, unknown>): Record<string, string> => {
    const versions: Record<string, string> = {};
    for (const field of DEPENDENCY_FIELDS) {
      const deps = project[field];
      if (!isRecord(deps)) continue;
      for (const [name, v] of Object.entries(deps)) {
        const version = WATCHED_NPM.has(name) ? pnpmVersion(v) : undefined;
        if (version) versions[name] ??= version;
      }
    }
    return versions;
  };
  if (isRecord(doc['importers'])) {
    for (const [dir, project] of Object.entries(doc['importers'])) if (isRecord(project)) importers[dir] = read(project);
  } else {
    importers['.'] = read(doc);
  }
  out.importers = importers;
  return out;
}

/** A yarn descriptor's range without the `npm:` protocol (`pg@npm:^8.11.3` → `pg@^8.11.3`). */
function normaliseDescriptor(d: string): string {
  return d.replace(/^(@?[^@]+)@npm:/, '$1@');
}

function descriptorName(d: string): string {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  return at < 0 ? d : d.slice(0, at);
}

/**
 * yarn.lock, classic (v1, its own syntax) and berry (YAML, `__metadata`): each entry's key lists
 * the descriptors (`"pg@^8.0.0", "pg@^8.11.3"`) that resolved to its `version`. Berry's workspace
 * entries (`"api@workspace:packages/api"`) list each workspace's own dependencies.
 *
 * The file is cut into entries at its column-0 key lines and only entries that name a watched
 * package, and berry workspace entries, are handed to parseSyml: hand-written because the classic
 * grammar is parsed by a PEG parser that takes seconds over a large lockfile.
 */
export function readYarnLock(file: string, text: string): PackageManifest {
  const { parseSyml } = require('@yarnpkg/parsers') as typeof import('@yarnpkg/parsers');
  const berry = /^__metadata:/m.test(text);
  // The header is among the first lines (a search of the whole text per line start was quadratic).
  const headerLine = berry ? undefined : text.split('\n', 8).find((line) => line.startsWith('# yarn lockfile v1'));
  const header = berry ? '' : `${headerLine ?? '# yarn lockfile v1'}\n`;
  const kept: string[] = [];
  let block: string[] | undefined;
  const flush = (): void => {
    if (block) kept.push(block.join('\n'));
    block = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[^\s#]/.test(line)) {
      flush();
      const descriptors = line.replace(/:\s*$/, '').split(/,\s*/).map((d) => d.trim().replace(/^"|"$/g, ''));
      const wanted = descriptors.some((d) => WATCHED_NPM.has(descriptorName(d)) || /@workspace:/.test(d));
      if (wanted) block = [line];
    } else if (block) {
      block.push(line);
    }
  }
  flush();
  const doc = parseSyml(header + (berry ? '__metadata:\n  version: 6\n' : '') + kept.join('\n') + '\n') as unknown;
  const out: PackageManifest = { kind: 'yarn-lock', ecosystem: 'npm', file };
  if (!isRecord(doc)) return out;
  const descriptors: Record<string, string> = {};
  const importers: Record<string, Record<string, string>> = {};
  const workspaceDeps: Array<[string, Record<string, string>]> = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry)) continue;
    const list = key.split(/,\s*/).map((d) => d.trim());
    const version = typeof entry['version'] === 'string' ? entry['version'] : undefined;
    const workspace = list.map((d) => (d.includes('@workspace:') ? d.slice(d.indexOf('@workspace:') + '@workspace:'.length) : undefined)).find((w) => w !== undefined);
    if (workspace !== undefined) {
      const deps: Record<string, string> = {};
      for (const field of ['dependencies', 'peerDependencies'] as const) for (const [name, range] of watchedEntries(entry[field])) deps[name] ??= range;
      workspaceDeps.push([workspace === '' ? '.' : workspace, deps]);
      continue;
    }
    if (!version) continue;
    for (const d of list) if (WATCHED_NPM.has(descriptorName(d))) descriptors[normaliseDescriptor(d)] = version;
  }
  for (const [dir, deps] of workspaceDeps) {
    const versions: Record<string, string> = {};
    for (const [name, range] of Object.entries(deps)) {
      const v = descriptors[normaliseDescriptor(`${name}@${range}`)];
      if (v) versions[name] = v;
    }
    importers[dir] = versions;
  }
  if (Object.keys(descriptors).length) out.descriptors = descriptors;
  if (Object.keys(importers).length) out.importers = importers;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Python

/** PEP 503 normalised name. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * One PEP 508 requirement (`psycopg[binary,pool]>=3.1,<4 ; python_version >= "3.9"`): its
 * normalised name and version specifier. Hand-written: the grammar's full form (URLs, markers) is
 * not needed here, and no maintained npm package parses it.
 */
export function parseRequirement(line: string): { name: string; spec: string } | undefined {
  // Step by step rather than one regular expression: the one-pattern form backtracked
  // polynomially over long runs of whitespace.
  const text = line.trim();
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(text)?.[0];
  if (!name) return undefined;
  let rest = text.slice(name.length).trimStart();
  // Extras: `[binary,pool]`.
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    rest = rest.slice(close + 1).trimStart();
  }
  // The specifier runs to a marker (`;`), a comment (`#`) or a URL (`@`).
  const stop = rest.search(/[;#@]/);
  const spec = (stop < 0 ? rest : rest.slice(0, stop)).trimEnd();
  if (spec !== '' && !/^\(?\s*[<>=!~]/.test(spec)) return undefined;
  return { name: normalisePypiName(name), spec: spec.replace(/[()\s]/g, '') };
}

/** `==1.2.3` (or `===1.2.3`): the one version a specifier allows. */
export function pinnedVersion(spec: string): string | undefined {
  return /^===?([0-9][0-9A-Za-z.+!-]*)$/.exec(spec)?.[1];
}

export function readRequirements(file: string, text: string): PackageManifest {
  const declared: Record<string, string> = {};
  const pinned: Record<string, string> = {};
  // Backslash continuations join lines; options (`-r`, `-e`, `--hash`) are not requirements.
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/--hash[= ]\S+/g, '');
    if (/^\s*(?:#|-)/.test(line) || !line.trim()) continue;
    const req = parseRequirement(line);
    if (!req || !WATCHED_PYPI.has(req.name)) continue;
    declared[req.name] ??= req.spec;
    const pin = pinnedVersion(req.spec);
    if (pin) pinned[req.name] ??= pin;
  }
  const out: PackageManifest = { kind: 'requirements', ecosystem: 'pypi', file };
  if (Object.keys(declared).length) out.declared = declared;
  if (Object.keys(pinned).length) out.importers = { '.': pinned };
  return out;
}

const parseToml = (text: string): unknown => (require('smol-toml') as typeof import('smol-toml')).parse(text);

/** pyproject.toml: PEP 621 `[project]` dependencies (and optional ones), PEP 735 groups, Poetry's tables. */
export function readPyproject(file: string, text: string): PackageManifest {
  const doc = parseToml(text);
  const declared: Record<string, string> = {};
  const addLine = (v: unknown): void => {
    if (typeof v !== 'string') return;
    const req = parseRequirement(v);
    if (req && WATCHED_PYPI.has(req.name)) declared[req.name] ??= req.spec;
  };
  const addPoetry = (table: unknown): void => {
    if (!isRecord(table)) return;
    for (const [name, v] of Object.entries(table)) {
      const n = normalisePypiName(name);
      if (!WATCHED_PYPI.has(n)) continue;
      const spec = typeof v === 'string' ? v : isRecord(v) && typeof v['version'] === 'string' ? v['version'] : undefined;
      if (spec !== undefined) declared[n] ??= spec;
    }
  };
  if (isRecord(doc)) {
    const project = doc['project'];
    if (isRecord(project)) {
      if (Array.isArray(project['dependencies'])) project['dependencies'].forEach(addLine);
      if (isRecord(project['optional-dependencies'])) for (const list of Object.values(project['optional-dependencies'])) if (Array.isArray(list)) list.forEach(addLine);
    }
    if (isRecord(doc['dependency-groups'])) for (const list of Object.values(doc['dependency-groups'])) if (Array.isArray(list)) list.forEach(addLine);
    const tool = doc['tool'];
    const poetry = isRecord(tool) ? tool['poetry'] : undefined;
    if (isRecord(poetry)) {
      addPoetry(poetry['dependencies']);
      addPoetry(poetry['dev-dependencies']);
      if (isRecord(poetry['group'])) for (const g of Object.values(poetry['group'])) if (isRecord(g)) addPoetry(g['dependencies']);
    }
  }
  const out: PackageManifest = { kind: 'pyproject', ecosystem: 'pypi', file };
  if (Object.keys(declared).length) out.declared = declared;
  return out;
}

/** uv.lock and poetry.lock: `[[package]]` tables with `name` and `version`. */
export function readPythonLock(file: string, text: string, kind: 'uv-lock' | 'poetry-lock'): PackageManifest {
  // Only the `[[package]]` tables of watched distributions go to the TOML parser (hand-cut at the
  // table headers, for speed: a lockfile lists every transitive package with all its wheels).
  const blocks = text.split(/^(?=\[\[package\]\]\s*$)/m);
  const wanted = blocks.filter((b) => {
    if (!/^\[\[package\]\]/.test(b)) return false;
    const name = /^name\s*=\s*"([^"]+)"/m.exec(b)?.[1];
    return name !== undefined && WATCHED_PYPI.has(normalisePypiName(name));
  });
  // Sub-tables of a package (`[package.metadata]`, `[package.optional-dependencies]`) stay in its block.
  const doc = parseToml(wanted.join('\n'));
  const locked: Record<string, string> = {};
  const packages = isRecord(doc) ? doc['package'] : undefined;
  if (Array.isArray(packages)) {
    for (const p of packages) {
      if (!isRecord(p) || typeof p['name'] !== 'string' || typeof p['version'] !== 'string') continue;
      const name = normalisePypiName(p['name']);
      if (WATCHED_PYPI.has(name)) locked[name] ??= p['version'];
    }
  }
  return { kind, ecosystem: 'pypi', file, importers: { '.': locked } };
}
