import fs, { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type fastGlob from 'fast-glob';
import type ignoreFactory from 'ignore';
import type { Diagnostic } from '../model.js';
import { classifyPath, pathNeedsGitState, SOURCE_SUFFIX, type PathKind } from './kinds.js';
import { findRepositoryCandidate, openRepository, type GitState } from './git.js';
import { namedInside, resolvesInside, workingBoundary, type Boundary } from '../files/boundary.js';

const require = createRequire(import.meta.url);

/**
 * Directory names never descended into, even with `--no-ignore`: dependencies, build output,
 * caches and virtual environments hold copies and generated files, not the project's own
 * configuration. They are skipped below a scanned directory; a directory named on the command line
 * is scanned even if its own name is one of these.
 */
export const ALWAYS_SKIPPED_DIRS: readonly string[] = [
  '.git',
  'node_modules',
  'bower_components',
  'vendor',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.turbo',
  '.venv',
  'venv',
  '__pycache__',
  '.terraform',
  'target',
  // Yarn Berry's own releases, plugins, cache and editor SDKs (megabytes of bundled JavaScript).
  '.yarn',
]

const SKIPPED = new Set(ALWAYS_SKIPPED_DIRS);

/** TS/JS by extension, for a quick count (classifyPath decides what is read). */
const SOURCE_PATH = new RegExp(`${SOURCE_SUFFIX}$`);

/** A problem with how sslguard was called (a path that does not exist); the CLI exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * What git does with a file: in a work tree, tracked, ignored; and where it is to git (the work
 * tree's root relative to the working directory, `.` when they are one, and the path inside it),
 * which fix commands need (`git -C keyrepo rm --cached certs/dev.key`).
 */
export interface GitInfo {
  inGit: boolean;
  tracked?: boolean;
  ignored?: boolean;
  repository?: { root: string; path: string };
}

export interface DiscoveredFile {
  abs: string;
  /** POSIX, relative to the working directory. */
  rel: string;
  /** `classifyPath(rel)`. */
  kinds: PathKind[];
  /** POSIX, relative to the scanned directory it was found under (for a named file, its repository or the working directory): where test code is told apart. */
  scopePath?: string;
  /** Named on the command line (scanned even if ignored). */
  explicit: boolean;
  /**
   * What git does with the file. For a named file whose kinds need no git state (`needsGitState`),
   * git is not asked: `{ inGit: true }` inside a work tree, tracked and ignored unknown.
   */
  git: GitInfo;
  size: number;
  mode: number;
  /** The resolved path to read, when `abs` is a symbolic link (to a file inside the scanned root). */
  real?: string;
  /**
   * Set with `trustIndex` for a file git's index records as a regular file: it was not stat-ed,
   * `size` and `mode` are 0, and the reader must check what it opens (no symbolic link, a regular
   * file) and take size and mode from there.
   */
  unverified?: true;
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  diagnostics: Diagnostic[];
  /**
   * With `contentFilter`: how many files git grep read and found no match in, left out of `files`.
   * Only regular files in the index (neither assume-unchanged nor skip-worktree) are ever left out.
   */
  unmatched: number;
}

export interface DiscoverOptions {
  cwd: string;
  /** Turn off .gitignore filtering (ALWAYS_SKIPPED_DIRS and ignorePatterns still apply). */
  noIgnore?: boolean;
  /** Config globs in gitignore syntax, matched against the path relative to the working directory. */
  ignorePatterns?: string[];
  /**
   * Inside a work tree, do not stat files the index records as regular files (see
   * `DiscoveredFile.unverified`): one system call less per file, which is most of discovery's cost
   * on a large tree. Their directories are still checked for symbolic links leaving the root.
   */
  trustIndex?: boolean;
  /**
   * Files the caller need not see unless their bytes match `pattern` (a PCRE matching a superset
   * of what the caller reads them for; see `ContentQuery`). Inside a work tree git grep searches
   * the walked tracked files for it alongside the listing; the files of the kinds `appliesTo`
   * accepts that git read without a match are left out of `files` and counted in `unmatched`.
   */
  contentFilter?: { pattern: string; appliesTo(kinds: readonly PathKind[]): boolean };
}

type Ignore = ignoreFactory.Ignore;

let fastGlobModule: typeof fastGlob | undefined;
let ignoreModule: typeof ignoreFactory | undefined;

/** Git matches ignore rules case-sensitively unless the file system folds case. */
function newIgnore(): Ignore {
  ignoreModule ??= require('ignore') as typeof ignoreFactory;
  return ignoreModule({ ignorecase: process.platform === 'darwin' || process.platform === 'win32' });
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A directory of `relToScanRoot` is one of ALWAYS_SKIPPED_DIRS (`node_modules`, `.git`, …). */
export function hasSkippedDirectory(relToScanRoot: string): boolean {
  // Segment by segment without splitting: asked for every file of the tree.
  let start = 0;
  for (let slash = relToScanRoot.indexOf('/'); slash >= 0; slash = relToScanRoot.indexOf('/', start)) {
    if (SKIPPED.has(relToScanRoot.slice(start, slash))) return true;
    start = slash + 1;
  }
  return false;
}

/** Run `fn` over `items` with at most `limit` in flight, so large trees do not exhaust file handles. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * .gitignore semantics outside a work tree: each file's patterns are relative to its own directory,
 * deeper files take precedence (last match wins across levels), and nothing inside an ignored
 * directory can be re-included. `ignore` implements one file's rules; the layering is git's.
 */
class GitignoreTree {
  /** Directory (relative to the scan root, '' for the root) → its .gitignore rules, shallowest first. */
  private readonly levels: Array<[string, Ignore]> = [];
  private readonly directoryCache = new Map<string, boolean>();

  add(dir: string, content: string): void {
    this.levels.push([dir, newIgnore().add(content)]);
    this.levels.sort((a, b) => (a[0] === '' ? 0 : a[0].split('/').length) - (b[0] === '' ? 0 : b[0].split('/').length));
    this.directoryCache.clear();
  }

  isIgnored(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.isDirectoryIgnored(parts.slice(0, i).join('/'))) return true;
    return this.matches(rel, false);
  }

  private isDirectoryIgnored(dir: string): boolean {
    let ignored = this.directoryCache.get(dir);
    if (ignored === undefined) {
      const slash = dir.lastIndexOf('/');
      ignored = (slash > 0 && this.isDirectoryIgnored(dir.slice(0, slash))) || this.matches(dir, true);
      this.directoryCache.set(dir, ignored);
    }
    return ignored;
  }

  private matches(rel: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const [dir, rules] of this.levels) {
      if (dir !== '' && !rel.startsWith(`${dir}/`)) continue;
      const sub = dir === '' ? rel : rel.slice(dir.length + 1);
      const result = rules.checkIgnore(isDirectory ? `${sub}/` : sub);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }
}

interface ScanRoot {
  /** As named (resolved against cwd), used to build the reported paths. */
  abs: string;
  /** Real path: the boundary symlinks may not leave. */
  real: string;
}

interface Candidate {
  abs: string;
  explicit: boolean;
  /** Path relative to the scan root (or to the git root for explicit files), for ignore rules. */
  relToRoot: string;
  root: ScanRoot;
  git: DiscoveredFile['git'];
  /** Git's index records it as a regular file. */
  indexRegular?: boolean;
  /** `rel` of `abs`, when the caller could build it without `path.relative`. */
  rel?: string;
  /** `classifyPath(rel)`, when the caller has it. */
  kinds?: PathKind[];
  /** Git grep read it and found no match for `contentFilter.pattern`, and the filter applies to its kinds. */
  unmatched?: true;
}

/** The git state of a file git grep left out: never read, since the file is never reported. */
const IN_GIT: DiscoveredFile['git'] = Object.freeze({ inGit: true });

class Discovery {
  readonly diagnostics: Diagnostic[] = [];
  private readonly found = new Map<string, DiscoveredFile>();
  /** Real path of each discovered file, to drop a symlink that only repeats a file already found. */
  private readonly realOf = new Map<string, { real: string; link: boolean }>();
  private readonly configIgnore: Ignore | undefined;
  private gitMissingReported = false;
  /** Files left out by the content filter (see `DiscoveryResult.unmatched`). */
  private readonly unmatched = new Set<string>();

  constructor(
    readonly cwd: string,
    readonly options: DiscoverOptions,
  ) {
    const patterns = options.ignorePatterns ?? [];
    this.configIgnore = patterns.length > 0 ? newIgnore().add(patterns) : undefined;
  }

  rel(abs: string): string {
    return toPosix(path.relative(this.cwd, abs)) || '.';
  }

  diagnostic(abs: string, message: string): void {
    this.diagnostics.push({ file: this.rel(abs), message });
  }

  gitMissing(): void {
    if (this.gitMissingReported) return;
    this.gitMissingReported = true;
    this.diagnostics.push({
      file: '.',
      message: 'git was not found: .gitignore files are read directly and whether files are tracked is unknown',
    });
  }

  /** Config ignore patterns see the path relative to cwd, or to the scan root for paths outside cwd. */
  private configIgnored(rel: string, relToRoot: string): boolean {
    if (!this.configIgnore) return false;
    const subject = rel.startsWith('../') || path.isAbsolute(rel) ? relToRoot : rel;
    return subject !== '' && subject !== '.' && this.configIgnore.ignores(subject);
  }

  /**
   * Stat a candidate, apply the symlink boundary and record it. Synchronous, like every per-file
   * step: a promise per file costs more than the system call it waits for.
   */
  consider(candidate: Candidate): void {
    const rel = candidate.rel ?? this.rel(candidate.abs);
    // By the path reported (and read by the scanner): `file.kinds` is what the extractors go by.
    const kinds = candidate.kinds ?? classifyPath(rel);
    if (kinds.length === 0 || this.configIgnored(rel, candidate.relToRoot)) return;

    // Git lists the index, not the work tree: a directory replaced by a symbolic link since it was
    // committed would otherwise lead the read out of the root.
    const dir = path.dirname(candidate.abs);
    const dirReal = this.realDirectory(dir);
    if (dirReal !== undefined && !this.isInsideRoot(dirReal, candidate.root)) {
      this.reportLeavingDirectory(dir, dirReal);
      return;
    }

    if (candidate.indexRegular && this.options.trustIndex && dirReal !== undefined) {
      if (candidate.unmatched) {
        this.unmatched.add(candidate.abs);
        return;
      }
      const previous = this.found.get(candidate.abs);
      if (previous) {
        previous.explicit ||= candidate.explicit;
        return;
      }
      const real = dirReal + candidate.abs.slice(dir.length);
      this.found.set(candidate.abs, { abs: candidate.abs, rel, kinds, scopePath: candidate.relToRoot, explicit: candidate.explicit, git: candidate.git, size: 0, mode: 0, unverified: true });
      this.realOf.set(candidate.abs, { real, link: false });
      return;
    }

    // Synchronous: a promise-based lstat pays a thread-pool round trip per file (measured 0.6 s
    // against 0.07 s for 20,000 files).
    let lst: Stats;
    try {
      lst = fs.lstatSync(candidate.abs);
    } catch (error) {
      // Listed by git but deleted from the work tree (not staged): nothing to read.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
      this.diagnostic(candidate.abs, `cannot read file: ${(error as Error).message}`);
      return;
    }
    let stat = lst;
    let real = dirReal === undefined ? path.join(candidate.root.real, candidate.relToRoot) : path.join(dirReal, path.basename(candidate.abs));
    if (lst.isSymbolicLink()) {
      const target = this.followLink(candidate.abs, candidate.root.real);
      if (!target) return;
      ({ stat, real } = target);
    }
    // A directory named like a file kind (`.env/`), a submodule, a socket: not a file to read.
    if (!stat.isFile()) return;

    const previous = this.found.get(candidate.abs);
    if (previous) {
      previous.explicit ||= candidate.explicit;
      return;
    }
    this.found.set(candidate.abs, {
      abs: candidate.abs,
      rel,
      kinds,
      scopePath: candidate.relToRoot,
      explicit: candidate.explicit,
      git: candidate.git,
      size: stat.size,
      mode: stat.mode,
      ...(lst.isSymbolicLink() ? { real } : {}),
    });
    this.realOf.set(candidate.abs, { real, link: lst.isSymbolicLink() });
  }

  /** Real path of each directory holding a candidate (one system call per directory, not per file). */
  private readonly realDirectories = new Map<string, string | null>();
  private lastDirectory: [string, string | null] | undefined;
  private readonly leavingDirectories = new Set<string>();

  private realDirectory(dir: string): string | undefined {
    // Git lists files sorted, so a file's directory is most often the previous file's.
    if (dir === this.lastDirectory?.[0]) return this.lastDirectory[1] ?? undefined;
    let real = this.realDirectories.get(dir);
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(dir);
      } catch {
        // Gone or unreadable: the file's own lstat reports what matters.
        real = null;
      }
      this.realDirectories.set(dir, real);
    }
    this.lastDirectory = [dir, real];
    return real ?? undefined;
  }

  /** Per directory and root: asked once per file, answered once per directory. */
  private readonly insideRoot = new Map<ScanRoot, Map<string, boolean>>();

  private isInsideRoot(real: string, root: ScanRoot): boolean {
    let cache = this.insideRoot.get(root);
    if (!cache) this.insideRoot.set(root, (cache = new Map()));
    let inside = cache.get(real);
    if (inside === undefined) cache.set(real, (inside = isInside(real, root.real)));
    return inside;
  }

  private reportLeavingDirectory(dir: string, real: string): void {
    if (this.leavingDirectories.has(dir)) return;
    this.leavingDirectories.add(dir);
    this.diagnostic(dir, `directory is reached through a symbolic link pointing outside the scanned directory (to ${real}), not followed`);
  }

  /** Resolve a symlink, refusing targets outside `boundary` and reporting loops. */
  followLink(abs: string, boundary: string): { stat: Stats; real: string } | undefined {
    let real: string;
    try {
      real = fs.realpathSync.native(abs);
    } catch (error) {
      if (errorCode(error) === 'ELOOP') this.diagnostic(abs, 'symbolic link loop, not followed');
      // A dangling link has nothing to read.
      return undefined;
    }
    if (!isInside(real, boundary)) {
      this.diagnostic(abs, `symbolic link points outside the scanned directory (to ${real}), not followed`);
      return undefined;
    }
    try {
      return { stat: fs.statSync(real), real };
    } catch (error) {
      this.diagnostic(abs, `cannot read file: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Inside a work tree: git's own list of what it would commit. */
  async walkGit(root: ScanRoot, state: GitState): Promise<void> {
    const gitRoot = await fsp.realpath(state.root);
    const prefix = toPosix(path.relative(gitRoot, root.real));
    // Git's paths are normalized POSIX paths, so joining by hand gives what path.join and
    // path.relative would, at a fraction of the cost over tens of thousands of files.
    const rootRel = this.rel(root.abs);
    const repositoryRoot = this.rel(state.root);
    const absPrefix = root.abs.endsWith(path.sep) ? root.abs : root.abs + path.sep;
    // Git's search runs while git lists: meanwhile every listed path is classified and its
    // directory resolved (the per-file CPU work), and only then is the search awaited. What the
    // filter leaves out never becomes a file object.
    const listed: Array<{ relToGit: string; relToRoot: string; rel: string; abs: string; kinds: PathKind[]; indexRegular: boolean }> = [];
    for (const relToGit of state.committable) {
      if (prefix !== '' && !relToGit.startsWith(`${prefix}/`)) continue;
      const relToRoot = prefix === '' ? relToGit : relToGit.slice(prefix.length + 1);
      if (hasSkippedDirectory(relToRoot)) continue;
      const rel = rootRel === '.' ? relToRoot : `${rootRel}/${relToRoot}`;
      const kinds = classifyPath(rel);
      if (kinds.length === 0) continue;
      const abs = absPrefix + (path.sep === '/' ? relToRoot : relToRoot.split('/').join(path.sep));
      this.realDirectory(path.dirname(abs));
      listed.push({ relToGit, relToRoot, rel, abs, kinds, indexRegular: state.isRegularInIndex?.(relToGit) ?? false });
    }
    const filter = this.options.contentFilter;
    const unmatched = filter && state.contentScan ? await state.contentScan : undefined;
    for (const { relToGit, relToRoot, rel, abs, kinds, indexRegular } of listed) {
      // Left out (see `consider`): git's state of it is never looked at.
      const leftOut = indexRegular && unmatched !== undefined && filter!.appliesTo(kinds) && unmatched(relToGit);
      this.consider({
        abs,
        rel,
        kinds,
        explicit: false,
        relToRoot,
        root,
        git: leftOut ? IN_GIT : { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: repositoryRoot, path: relToGit } },
        indexRegular,
        ...(leftOut ? { unmatched: true as const } : {}),
      });
    }
  }

  /**
   * The file system, pruned by ALWAYS_SKIPPED_DIRS: outside a work tree (with .gitignore files
   * read directly), and inside one when .gitignore filtering is off (git then only says what is
   * tracked and ignored).
   */
  async walkFileSystem(root: ScanRoot, state: GitState | undefined): Promise<void> {
    fastGlobModule ??= require('fast-glob') as typeof fastGlob;
    const nestedRepositories: string[] = [];
    const entries = await fastGlobModule('**', {
      cwd: root.abs,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      objectMode: true,
      ignore: ALWAYS_SKIPPED_DIRS.flatMap((dir) => [`**/${dir}`, `**/${dir}/**`]),
      fs: this.walkerFs(root, nestedRepositories),
    });

    const gitRoot = state ? await fsp.realpath(state.root) : undefined;
    const prefix = gitRoot ? toPosix(path.relative(gitRoot, root.real)) : '';
    const gitignore = state ? undefined : new GitignoreTree();
    const candidates: Candidate[] = [];
    const inNested = (rel: string): boolean => nestedRepositories.some((dir) => rel.startsWith(`${dir}/`));

    if (gitignore) {
      const ignoreFiles = entries.filter((entry) => path.posix.basename(entry.path) === '.gitignore' && entry.dirent.isFile());
      await mapLimit(ignoreFiles, 16, async (entry) => {
        try {
          gitignore.add(path.posix.dirname(entry.path).replace(/^\.$/, ''), await fsp.readFile(path.join(root.abs, entry.path), 'utf8'));
        } catch (error) {
          this.diagnostic(path.join(root.abs, entry.path), `cannot read .gitignore: ${(error as Error).message}`);
        }
      });
    }

    for (const entry of entries) {
      const relToRoot = entry.path;
      if (entry.dirent.isDirectory()) continue;
      if (entry.dirent.isSymbolicLink()) {
        // Directory links are never walked; one leaving the root is reported, since files behind it go unscanned.
        if (classifyPath(relToRoot).length === 0) {
          await this.checkDirectoryLink(path.join(root.abs, relToRoot), root.real);
          continue;
        }
      }
      let git: DiscoveredFile['git'];
      if (state) {
        if (inNested(relToRoot)) continue;
        const relToGit = prefix === '' ? relToRoot : `${prefix}/${relToRoot}`;
        git = { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: this.rel(state.root), path: relToGit } };
      } else {
        const ignored = gitignore!.isIgnored(relToRoot);
        if (ignored && !this.options.noIgnore) continue;
        git = { inGit: false, ignored };
      }
      candidates.push({ abs: path.join(root.abs, relToRoot), explicit: false, relToRoot, root, git });
    }
    for (const candidate of candidates) this.consider(candidate);
  }

  private async checkDirectoryLink(abs: string, boundary: string): Promise<void> {
    let stat: Stats;
    try {
      stat = await fsp.stat(abs);
    } catch (error) {
      if (errorCode(error) === 'ELOOP') this.diagnostic(abs, 'symbolic link loop, not followed');
      return;
    }
    if (!stat.isDirectory()) return;
    const real = await fsp.realpath(abs).catch(() => undefined);
    if (real && !isInside(real, boundary)) {
      this.diagnostic(abs, `symbolic link points outside the scanned directory (to ${real}), not followed`);
    }
  }

  /**
   * fast-glob aborts the whole walk on an unreadable directory (or silences every error); wrapping
   * `readdir` turns it into a diagnostic and keeps walking, and notes nested repositories (a `.git`
   * entry below the root) on the way, which costs no extra file system call.
   */
  private walkerFs(root: ScanRoot, nestedRepositories: string[]): Partial<fastGlob.FileSystemAdapter> {
    const readdir = (dir: string, ...rest: unknown[]): void => {
      const callback = rest[rest.length - 1] as (error: NodeJS.ErrnoException | null, entries: Array<string | fs.Dirent>) => void;
      const done = (error: NodeJS.ErrnoException | null, entries: Array<string | fs.Dirent>): void => {
        if (error && (error.code === 'EACCES' || error.code === 'EPERM')) {
          this.diagnostic(dir, `cannot read directory: ${error.message}`);
          callback(null, []);
          return;
        }
        if (!error && entries.some((entry) => (typeof entry === 'string' ? entry : entry.name) === '.git')) {
          const rel = toPosix(path.relative(root.abs, dir));
          if (rel !== '') nestedRepositories.push(rel);
        }
        callback(error, entries);
      };
      if (rest.length > 1) fs.readdir(dir, rest[0] as { withFileTypes: true }, done as never);
      else fs.readdir(dir, done as never);
    };
    return { readdir: readdir as unknown as fastGlob.FileSystemAdapter['readdir'] };
  }

  result(): DiscoveryResult {
    // A symlink whose target was also found is the same file: report it once, under the target's name.
    const byReal = new Map<string, DiscoveredFile>();
    for (const file of this.found.values()) {
      const { real } = this.realOf.get(file.abs)!;
      const other = byReal.get(real);
      if (!other) {
        byReal.set(real, file);
        continue;
      }
      const fileIsLink = this.realOf.get(file.abs)!.link;
      const otherIsLink = this.realOf.get(other.abs)!.link;
      const keepOther = fileIsLink === otherIsLink ? other.rel < file.rel : fileIsLink;
      const [kept, dropped] = keepOther ? [other, file] : [file, other];
      kept.explicit ||= dropped.explicit;
      byReal.set(real, kept);
    }
    const files = [...byReal.values()].sort((a, b) => compare(a.rel, b.rel));
    // Files are stat-ed concurrently: sort diagnostics too, so output does not depend on timing.
    const diagnostics = [...this.diagnostics].sort((a, b) => compare(a.file, b.file) || compare(a.message, b.message));
    // A file also named on the command line was found through that name and is read.
    let unmatched = 0;
    for (const abs of this.unmatched) if (!this.found.has(abs)) unmatched++;
    return { files, diagnostics, unmatched };
  }
}

interface NamedPath {
  abs: string;
  /** Real path of the directory (for directories) or of the parent directory (for files). */
  realDir: string;
  isDirectory: boolean;
}

async function resolveNamedPath(cwd: string, named: string): Promise<NamedPath> {
  const abs = path.resolve(cwd, named);
  let stat: Stats;
  try {
    stat = await fsp.stat(abs);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`no such file or directory: ${named}`);
    if (code === 'ELOOP') throw new UsageError(`symbolic link loop: ${named}`);
    throw new UsageError(`cannot read ${named}: ${(error as Error).message}`);
  }
  if (stat.isDirectory()) return { abs, realDir: await fsp.realpath(abs), isDirectory: true };
  if (!stat.isFile()) throw new UsageError(`not a file or directory: ${named}`);
  return { abs, realDir: await fsp.realpath(path.dirname(abs)), isDirectory: false };
}

/**
 * The files under `paths` (default `.`) that sslguard reads, with their git state, sorted by path.
 * Inside a git work tree git decides what is ignored; outside one, .gitignore files are read.
 * Explicitly named files are kept even when ignored. Throws `UsageError` for a missing path.
 */
export async function discover(paths: string[], options: DiscoverOptions): Promise<DiscoveryResult> {
  const cwd = path.resolve(options.cwd);
  const discovery = new Discovery(cwd, options);
  const resolved = await Promise.all((paths.length > 0 ? paths : ['.']).map((p) => resolveNamedPath(cwd, p)));
  // A path named inside the working directory or its repository is the repository's: a linked
  // directory on the way may not lead it out of both (see files/boundary.ts). A path named outside
  // both is the user's own choice.
  const boundary: Boundary = workingBoundary(cwd);
  const named: NamedPath[] = [];
  for (const item of resolved) {
    const real = item.isDirectory ? item.realDir : path.join(item.realDir, path.basename(item.abs));
    if (namedInside(boundary, item.abs) && !resolvesInside(boundary, item.realDir)) {
      discovery.diagnostic(item.abs, `symbolic link points outside the working directory and its repository (to ${real}), not followed`);
    } else {
      named.push(item);
    }
  }

  // One git process per repository, however many paths fall inside it.
  const candidateCache = new Map<string, string | null>();
  const repositoryOf = new Map<NamedPath, string | undefined>();
  const explicitByRepository = new Map<string, Set<string>>();
  /**
   * Repositories a named directory lies in (only those need the listing of the whole work tree),
   * with those directories relative to the repository: where git grep searches.
   */
  const walkedDirectories = new Map<string, string[]>();
  for (const item of named) {
    const candidate = await findRepositoryCandidate(item.realDir, candidateCache);
    repositoryOf.set(item, candidate);
    if (!candidate) continue;
    if (item.isDirectory) walkedDirectories.set(candidate, [...(walkedDirectories.get(candidate) ?? []), toPosix(path.relative(candidate, item.realDir))]);
    // A named file git has nothing to say about (source, compose, MCP configs: no rule asks
    // whether they are tracked or ignored) costs no git process: a pre-commit hook's usual call.
    else if (!pathNeedsGitState(discovery.rel(item.abs))) continue;
    const explicit = explicitByRepository.get(candidate) ?? new Set<string>();
    explicitByRepository.set(candidate, explicit);
    if (!item.isDirectory) explicit.add(toPosix(path.relative(candidate, path.join(item.realDir, path.basename(item.abs)))));
  }
  const states = new Map<string, GitState | undefined>();
  await Promise.all(
    [...explicitByRepository].map(async ([candidate, explicit]) => {
      const dirs = walkedDirectories.get(candidate);
      // Without .gitignore filtering the file system is walked, not git's listing: nothing to search.
      const content = dirs && options.contentFilter && !options.noIgnore ? { pattern: options.contentFilter.pattern, dirs } : undefined;
      const walked = dirs !== undefined;
      const opened = await openRepository(candidate, [...explicit], walked ? 'tree' : 'files', {
        ...(content ? { content } : {}),
      });
      if ('gitMissing' in opened && opened.gitMissing) discovery.gitMissing();
      for (const message of opened.diagnostics) discovery.diagnostic(candidate, message);
      states.set(candidate, opened.state);
    }),
  );
  for (const item of named) {
    const candidate = repositoryOf.get(item);
    const state = candidate ? states.get(candidate) : undefined;
    if (item.isDirectory) {
      const root: ScanRoot = { abs: item.abs, real: item.realDir };
      if (state && !options.noIgnore) await discovery.walkGit(root, state);
      else await discovery.walkFileSystem(root, state);
      continue;
    }
    await considerExplicitFile(discovery, item, candidate, state, candidate !== undefined && !states.has(candidate));
  }
  return discovery.result();
}

/**
 * `unasked`: the file lies in the work tree found at `candidate`, whose git was not started (the
 * file's kinds need no git state): it is in git, its tracked and ignored states unknown.
 */
async function considerExplicitFile(discovery: Discovery, item: NamedPath, candidate: string | undefined, state: GitState | undefined, unasked: boolean): Promise<void> {
  const realFile = path.join(item.realDir, path.basename(item.abs));
  let git: DiscoveredFile['git'];
  // Symlinks may not leave the repository, or the working directory outside one.
  let boundary: string;
  if (unasked && candidate) {
    git = { inGit: true };
    boundary = await fsp.realpath(candidate);
  } else if (state && candidate) {
    const gitRoot = await fsp.realpath(state.root);
    const relToGit = toPosix(path.relative(gitRoot, realFile));
    git = { inGit: true, tracked: state.isTracked(relToGit), ignored: state.isIgnored(relToGit), repository: { root: discovery.rel(state.root), path: relToGit } };
    boundary = gitRoot;
  } else {
    boundary = await fsp.realpath(discovery.cwd);
    const outsideRepository = await explicitGitignoreState(item.realDir, boundary, realFile);
    git = { inGit: false, ignored: outsideRepository };
  }
  if (!isInside(item.realDir, boundary)) boundary = item.realDir;
  discovery.consider({
    abs: item.abs,
    explicit: true,
    relToRoot: toPosix(path.relative(boundary, realFile)),
    root: { abs: boundary, real: boundary },
    git,
  });
}

/**
 * Outside a work tree, an explicitly named file is still checked against the .gitignore files
 * between the working directory and the file, so that `ignored` means the same as for walked files.
 */
async function explicitGitignoreState(realDir: string, cwdReal: string, realFile: string): Promise<boolean | undefined> {
  if (!isInside(realDir, cwdReal)) return undefined;
  const tree = new GitignoreTree();
  const relDir = toPosix(path.relative(cwdReal, realDir));
  const dirs = relDir === '' ? [''] : ['', ...relDir.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))];
  for (const dir of dirs) {
    const content = await fsp.readFile(path.join(cwdReal, dir, '.gitignore'), 'utf8').catch(() => undefined);
    if (content !== undefined) tree.add(dir, content);
  }
  return tree.isIgnored(toPosix(path.relative(cwdReal, realFile)));
}
