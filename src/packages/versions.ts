// Which version of a package a file's code runs with, from the manifests the scan read: the
// package root of a file is the nearest directory above it with a package.json (npm) or a Python
// manifest; its lockfile is the nearest one at or above that root (a monorepo's workspace root
// holds one lockfile for every workspace). A locked version wins; else the lowest version the
// declared range allows (`semver.minVersion`); else nothing, and the caller assumes the latest
// major and says so.
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type * as Semver from 'semver';
import type { ClientVersion } from '../model.js';
import { normalisePypiName, pinnedVersion, type Ecosystem, type PackageManifest } from './readers.js';

const require = createRequire(import.meta.url);
let semverLib: typeof Semver | undefined;
export const semver = (): typeof Semver => (semverLib ??= require('semver') as typeof Semver);

/**
 * The newest major of each watched package when this table was written (npm and PyPI, December
 * 2026): what a project that pins nothing installs today. pg-connection-string 3 (with pg 9) is
 * announced, not published.
 */
export const LATEST_MAJOR: Readonly<Record<string, string>> = {
  pg: '8.x',
  'pg-connection-string': '2.x',
  postgres: '3.x',
  prisma: '7.x',
  '@prisma/client': '7.x',
  knex: '3.x',
  asyncpg: '0.30.x',
  psycopg: '3.x',
  psycopg2: '2.x',
  sqlalchemy: '2.x',
};

const LOCK_KINDS = new Set(['package-lock', 'pnpm-lock', 'yarn-lock']);
const PY_LOCK_KINDS = new Set(['uv-lock', 'poetry-lock']);

function dirOf(file: string): string {
  const d = posix.dirname(file);
  return d === '' ? '.' : d;
}

function* ancestors(dir: string): Generator<string> {
  let d = dir;
  for (;;) {
    yield d;
    if (d === '.' || d === '/' || d === '') return;
    const parent = posix.dirname(d);
    if (parent === d) return;
    d = parent;
  }
}

/** `b` relative to `a`, `.` when equal. */
function relative(a: string, b: string): string {
  if (a === b) return '.';
  if (a === '.') return b;
  return posix.relative(a, b) || '.';
}

export class VersionIndex {
  private readonly byDir = new Map<string, PackageManifest[]>();

  constructor(manifests: readonly PackageManifest[]) {
    for (const m of manifests) {
      const d = dirOf(m.file);
      let list = this.byDir.get(d);
      if (!list) this.byDir.set(d, (list = []));
      list.push(m);
    }
  }

  get size(): number {
    return this.byDir.size;
  }

  private at(dir: string, ecosystem: Ecosystem): PackageManifest[] {
    return (this.byDir.get(dir) ?? []).filter((m) => m.ecosystem === ecosystem);
  }

  /**
   * The version of `name` that code in `file` runs with, or undefined when no manifest above the
   * file names it (the caller then assumes the latest major).
   */
  versionOf(file: string, name: string, ecosystem: Ecosystem = 'npm'): ClientVersion | undefined {
    return ecosystem === 'npm' ? this.npm(file, name) : this.pypi(file, normalisePypiName(name));
  }

  private npm(file: string, name: string): ClientVersion | undefined {
    const dirs = [...ancestors(dirOf(file))];
    // The package root: the nearest directory with a package.json or a lockfile.
    const root = dirs.find((d) => this.at(d, 'npm').length > 0);
    if (root === undefined) return undefined;
    // The nearest lockfile at or above the root is the one the package manager uses.
    const lockDir = [...ancestors(root)].find((d) => this.at(d, 'npm').some((m) => LOCK_KINDS.has(m.kind)));
    // The range the package root declares, else the nearest package.json above it that does (hoisted
    // from the workspace root), never above the lockfile's directory: that is another project.
    let declared: { range: string; from: string } | undefined;
    for (const d of ancestors(root)) {
      const pj = this.at(d, 'npm').find((m) => m.kind === 'package-json' && m.declared?.[name] !== undefined);
      if (pj) {
        declared = { range: pj.declared![name]!, from: pj.file };
        break;
      }
      if (d === lockDir) break;
    }
    if (lockDir !== undefined) {
      const lock = this.at(lockDir, 'npm').find((m) => LOCK_KINDS.has(m.kind))!;
      const version = lockedNpm(lock, relative(lockDir, root), name, declared?.range);
      if (version) return { package: name, version, how: 'locked', from: lock.file, ...(declared ? { range: declared.range } : {}) };
    }
    if (declared) {
      const version = minVersion(declared.range);
      return { package: name, ...(version ? { version } : {}), how: 'declared', from: declared.from, range: declared.range };
    }
    return undefined;
  }

  private pypi(file: string, name: string): ClientVersion | undefined {
    const dirs = [...ancestors(dirOf(file))];
    const root = dirs.find((d) => this.at(d, 'pypi').length > 0);
    if (root === undefined) return undefined;
    for (const d of ancestors(root)) {
      const lock = this.at(d, 'pypi').find((m) => PY_LOCK_KINDS.has(m.kind) && m.importers?.['.']?.[name] !== undefined);
      if (lock) return { package: name, version: lock.importers!['.']![name]!, how: 'locked', from: lock.file };
    }
    for (const d of ancestors(root)) {
      for (const m of this.at(d, 'pypi')) {
        const spec = m.declared?.[name];
        if (spec === undefined) continue;
        const pin = pinnedVersion(spec);
        return { package: name, ...(pin ? { version: pin } : {}), how: pin ? 'locked' : 'declared', from: m.file, range: spec };
      }
    }
    return undefined;
  }
}

/** The lowest version a range allows (`^8.11.3` → 8.11.3); undefined for tags, URLs and `workspace:`. */
export function minVersion(range: string): string | undefined {
  const s = semver();
  const r = range.replace(/^npm:(?:@?[^@]+@)?/, '');
  if (!s.validRange(r)) return undefined;
  return s.minVersion(r)?.version;
}

/** The version a lockfile installs for `name`, seen from the importer directory `importer` (relative to the lockfile). */
function lockedNpm(lock: PackageManifest, importer: string, name: string, range: string | undefined): string | undefined {
  switch (lock.kind) {
    case 'package-lock': {
      // Node's resolution: `<importer>/node_modules/<name>`, then each parent directory's.
      const paths = lock.paths ?? {};
      for (const d of ancestors(importer)) {
        const key = d === '.' ? `node_modules/${name}` : `${d}/node_modules/${name}`;
        if (paths[key] !== undefined) return paths[key];
      }
      return undefined;
    }
    case 'pnpm-lock':
      return lock.importers?.[importer]?.[name] ?? (importer === '.' ? undefined : lock.importers?.['.']?.[name]);
    case 'yarn-lock': {
      const fromWorkspace = lock.importers?.[importer]?.[name];
      if (fromWorkspace) return fromWorkspace;
      if (range) {
        const v = lock.descriptors?.[`${name}@${range.replace(/^npm:/, '')}`];
        if (v) return v;
      }
      // One version of the package in the whole lockfile: that is the one installed.
      const all = new Set(Object.entries(lock.descriptors ?? {}).filter(([d]) => d.startsWith(`${name}@`)).map(([, v]) => v));
      return all.size === 1 ? [...all][0] : undefined;
    }
    default:
      return undefined;
  }
}

/** The major version, or undefined when unknown. */
export function majorOf(v: ClientVersion | undefined): number | undefined {
  if (!v?.version) return undefined;
  const m = /^(\d+)/.exec(v.version);
  return m ? Number(m[1]) : undefined;
}

/** For messages: `pg 8.11.3 (package-lock.json)`, `prisma 7.0.0 (assumed: no lockfile or declared version)`. */
export function describeVersion(v: ClientVersion): string {
  if (v.how === 'assumed') return `${v.package} ${v.version ?? 'latest'} (assumed: ${v.reason ?? 'the latest major'}; no lockfile or package.json names a version)`;
  const where = v.from ? posix.basename(v.from) : '';
  if (v.how === 'declared') return `${v.package} ${v.range ?? v.version} (declared in ${where}, no lockfile)`;
  return `${v.package} ${v.version} (${where})`;
}

/** The assumed version of a package nothing pins. */
export function assumedLatest(name: string): ClientVersion {
  const version = LATEST_MAJOR[name];
  return { package: name, ...(version ? { version } : {}), how: 'assumed' };
}
