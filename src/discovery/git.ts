import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathNeedsGitState } from './kinds.js';
import { runGit as runGitCommand } from './git-command.js';

// Git is asked, never emulated, inside a work tree: only git knows the full ignore stack (nested
// .gitignore, .git/info/exclude, core.excludesFile) and the index. Every question is one git
// process per repository root, whatever the number of files.

/** 100k paths of up to a few hundred bytes each, with room to spare. */
const MAX_BUFFER = 256 * 1024 * 1024;

interface GitRun {
  stdout: string;
  stderr: string;
  /** Exit code; undefined when git could not be started. */
  code: number | undefined;
  /** Set when the `git` executable was not found. */
  missing?: boolean;
}

async function runGit(cwd: string, args: string[], input?: string): Promise<GitRun> {
  // Hardened (see git-command.ts): a repository's own config must not make a read-only listing start a program.
  const run = await runGitCommand(cwd, args, { maxBuffer: MAX_BUFFER, ...(input !== undefined ? { input } : {}) });
  return { stdout: run.stdout.toString('utf8'), stderr: run.stderr, code: run.code, ...(run.missing ? { missing: true } : {}) };
}

function splitZ(stdout: string): string[] {
  return stdout.split('\0').filter((entry) => entry !== '');
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Why a git run failed, in git's words when it gave any. */
function failure(run: GitRun): string {
  return firstLine(run.stderr) || (run.code === undefined ? 'git did not run' : `exit status ${run.code}`);
}

/** Git's state of one work tree. Paths are POSIX, relative to `root`. */
export interface GitState {
  readonly inGit: true;
  /** The work tree's top-level directory, as git reports it. */
  readonly root: string;
  /** What git would commit: tracked files, and untracked files no ignore rule matches. */
  readonly committable: readonly string[];
  /** Submodules and untracked nested repositories (directories): their files belong to another repository. */
  readonly nestedRepositories: readonly string[];
  /** In the index. */
  isTracked(rel: string): boolean;
  /**
   * Matched by an ignore rule. Exact for every untracked committable path, for the tracked paths
   * whose findings depend on it (the kinds `needsGitState` names: env files, certificates, keys)
   * and for the paths named when the work tree was opened; false for any other tracked path, and
   * true for any path git did not list (untracked and ignored).
   */
  isIgnored(rel: string): boolean;
  /** Inside a nested repository or submodule of this work tree. */
  isInNestedRepository(rel: string): boolean;
  /** In the index as a regular file (mode 100644 or 100755), so a scanner may skip its lstat. */
  isRegularInIndex?(rel: string): boolean;
  /**
   * When the work tree was opened with a content pattern: git grep's answer, once it is in. The
   * function says whether git read the work-tree file `rel` and found no match in it; `undefined`
   * when git could not answer for the whole tree (it failed, wrote a warning, or has no PCRE).
   */
  readonly contentScan?: Promise<((rel: string) => boolean) | undefined>;
}

/**
 * Ask git to search the work tree's files for a pattern while it lists them: `git grep` reads
 * and matches in C, on every core, which on a large tree is several times faster than opening and
 * reading each file from Node (measured in `npm run bench`, see the README). The pattern is a
 * PCRE (`-P`) matched bytewise (`LC_ALL=C`, so no UTF mode) and must match a superset of what the
 * caller needs to read.
 */
export interface ContentQuery {
  pattern: string;
  /** Directories to search, relative to the directory the repository is opened from ('' for all of it). */
  dirs: readonly string[];
}

/** A started `git grep` and the pathspecs it searches (relative to the top level; none for all). */
interface ContentSearch {
  run: Promise<GitRun>;
  pathspecs: readonly string[];
}

export type GitOpenResult =
  | { state: GitState; diagnostics: string[] }
  | { state: undefined; diagnostics: string[]; gitMissing?: boolean };

/**
 * The nearest directory at or above `dir` holding a `.git` entry (a directory, or a file for
 * worktrees and submodules). Found on disk so that finding the roots of many files costs no
 * process per file; git confirms each candidate in `openRepository`.
 */
export async function findRepositoryCandidate(dir: string, cache = new Map<string, string | null>()): Promise<string | undefined> {
  const visited: string[] = [];
  let current = path.resolve(dir);
  let found: string | null = null;
  for (;;) {
    const cached = cache.get(current);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(current);
    if (path.basename(current) !== '.git') {
      try {
        await fsp.lstat(path.join(current, '.git'));
        found = current;
        break;
      } catch {
        // no .git here: keep climbing
      }
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dirVisited of visited) cache.set(dirVisited, found);
  return found ?? undefined;
}

const UNREADABLE_DIRECTORY = /^warning: could not open directory '(.*)': (.*)$/gm;

class WorkTree implements GitState {
  readonly inGit = true as const;
  readonly committable: string[] = [];
  readonly nestedRepositories: string[] = [];
  private readonly tracked = new Set<string>();
  /** Tracked entries whose index mode is not a regular file's (symbolic links). */
  private readonly trackedSpecial = new Set<string>();
  /**
   * Entries marked assume-unchanged or skip-worktree: git grep searches the index's copy of
   * those, not the file in the work tree, so its answer does not hold for them.
   */
  private readonly indexCopy = new Set<string>();
  contentScan?: Promise<((rel: string) => boolean) | undefined>;
  /** Untracked paths no ignore rule matches (`--others --exclude-standard`). */
  private readonly untracked = new Set<string>();
  private readonly trackedIgnored = new Set<string>();
  private readonly checked = new Map<string, boolean>();

  constructor(
    readonly root: string,
    tagged: string[],
  ) {
    for (const entry of tagged) {
      // `ls-files -v -s`: `? <path>` for an untracked path, `<tag> <mode> <object> <stage>\t<path>`
      // for an index entry (once per stage when unmerged); the tag is lower case for an entry
      // marked assume-unchanged, and S for skip-worktree.
      if (entry.startsWith('? ')) {
        const rel = entry.slice(2);
        // An untracked nested repository is listed as one directory entry.
        if (rel.endsWith('/')) {
          this.nestedRepositories.push(rel.slice(0, -1));
        } else {
          this.untracked.add(rel);
          this.committable.push(rel);
        }
        continue;
      }
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const rel = entry.slice(tab + 1);
      if (entry.slice(2, 8) === '160000') {
        this.nestedRepositories.push(rel);
        continue;
      }
      if (this.tracked.has(rel)) continue;
      this.tracked.add(rel);
      const mode = entry.slice(2, 8);
      if (mode !== '100644' && mode !== '100755') this.trackedSpecial.add(rel);
      const tag = entry[0]!;
      if (tag === 'S' || tag !== tag.toUpperCase()) this.indexCopy.add(rel);
      this.committable.push(rel);
    }
  }

  recordChecked(rel: string, ignored: boolean): void {
    this.checked.set(rel, ignored);
  }

  /**
   * The tracked paths whose ignore state sslguard reports (a committed `.env` that .gitignore
   * also names): a few files, asked about by name instead of matching every tracked path
   * against the ignore rules (`ls-files -i`), which costs git most of a listing on a large tree.
   */
  trackedNeedingIgnoreState(): string[] {
    const asked: string[] = [];
    for (const rel of this.tracked) if (pathNeedsGitState(rel)) asked.push(rel);
    return asked;
  }

  recordTrackedIgnored(rels: readonly string[]): void {
    for (const rel of rels) this.trackedIgnored.add(rel);
  }

  isTracked(rel: string): boolean {
    return this.tracked.has(rel);
  }

  isIgnored(rel: string): boolean {
    if (this.trackedIgnored.has(rel)) return true;
    const checked = this.checked.get(rel);
    if (checked !== undefined) return checked;
    // `--others --exclude-standard` lists every untracked file no rule matches, so an existing
    // file it left out is ignored.
    return !this.tracked.has(rel) && !this.untracked.has(rel);
  }

  isRegularInIndex(rel: string): boolean {
    return this.tracked.has(rel) && !this.trackedSpecial.has(rel);
  }

  isInNestedRepository(rel: string): boolean {
    return this.nestedRepositories.some((nested) => rel === nested || rel.startsWith(`${nested}/`));
  }

  /** Takes git grep's run over its pathspecs (relative to the root; none for the whole tree). */
  attachContentScan({ run, pathspecs }: ContentSearch): void {
    this.contentScan = run.then((grep) => {
      // 0: something matched, 1: nothing did. A warning (a file git could not read) leaves that
      // file unanswered without naming it reliably: then no answer at all, and every file is read.
      if ((grep.code !== 0 && grep.code !== 1) || grep.stderr.trim() !== '') return undefined;
      const matched = new Set(splitZ(grep.stdout));
      const searched = (rel: string): boolean => pathspecs.length === 0 || pathspecs.some((dir) => rel.startsWith(`${dir}/`));
      return (rel: string) => this.isRegularInIndex(rel) && !this.indexCopy.has(rel) && searched(rel) && !matched.has(rel);
    });
  }
}

/**
 * The listing of a work tree and the ignore state of `explicit` paths, from `dir`. Only named
 * files (a pre-commit hook's call): the index alone says what is tracked, and
 * `check-ignore --no-index` answers for tracked and untracked files alike; listing untracked
 * files is most of git's time on a large tree.
 */
function queryWorkTree(
  dir: string,
  explicit: readonly string[],
  scope: 'tree' | 'files',
  hooks: { afterListingStarted?: () => void } = {},
): Promise<[GitRun, GitRun | undefined]> {
  const filesOnly = scope === 'files';
  const listing = runGit(dir, filesOnly ? filesListing(explicit) : ['ls-files', '-z', '-v', '-s', '--cached', '--others', '--exclude-standard']);
  // Spawning is synchronous: what takes longest (the content search) is started next.
  hooks.afterListingStarted?.();
  return Promise.all([
    listing,
    explicit.length > 0
      ? runGit(dir, ['check-ignore', ...(filesOnly ? ['--no-index'] : []), '--stdin', '-z'], explicit.map((rel) => `${rel}\0`).join(''))
      : Promise.resolve(undefined),
  ]);
}

/**
 * The arguments (after the hardening options of git-command.ts) of `git grep` over the tracked files under
 * `pathspecs` (relative to where it runs; none for all), paths printed relative to the top level.
 * Configuration that would change what is searched or printed is overridden: `-P` over
 * grep.patternType, no submodules (submodule.recurse), no color. `npm run bench` times the same
 * search alone.
 */
export function grepArguments(pattern: string, pathspecs: readonly string[]): string[] {
  return [
    '--literal-pathspecs',
    '-c',
    'submodule.recurse=false',
    // Every core: since oxc-parser replaced the TypeScript compiler, sslguard has little to do while
    // git searches (the large bench tree on 2 cores: one thread 440 ms, two 361 ms, medians of 7).
    '-c',
    `grep.threads=${Math.max(1, availableParallelism())}`,
    'grep',
    '-l',
    '-z',
    '-P',
    '--full-name',
    '--no-color',
    // The default, said outright: a repository's textconv filter is a program it names.
    '--no-textconv',
    '-e',
    pattern,
    '--',
    ...pathspecs,
  ];
}

/** Above this many named files the whole index is listed: command lines have a length limit. */
const MAX_PATHSPECS = 500;

/** The index entries of the named files (their names taken literally), or of every file. */
function filesListing(explicit: readonly string[]): string[] {
  if (explicit.length === 0 || explicit.length > MAX_PATHSPECS) return ['ls-files', '-z', '-v', '-s', '--cached'];
  return ['--literal-pathspecs', 'ls-files', '-z', '-v', '-s', '--cached', '--', ...explicit];
}

export interface OpenOptions {
  /** Search the files for a pattern meanwhile (`GitState.contentScan`). */
  content?: ContentQuery;
}

/**
 * Open the work tree whose top level is `candidate`: `git rev-parse --show-toplevel` confirms it,
 * one `ls-files` lists tracked and committable files, one batched `check-ignore` answers for
 * `explicit` paths (relative to the root) and, once the listing is in, another for the tracked
 * files whose ignore state is reported (`trackedNeedingIgnoreState`). With `scope: 'files'` only
 * the `explicit` paths are asked about: `committable` then holds the tracked ones among them
 * (every tracked file when there are many), and `isIgnored` is exact for the explicit paths alone.
 */
export async function openRepository(
  candidate: string,
  explicit: readonly string[] = [],
  scope: 'tree' | 'files' = 'tree',
  { content }: OpenOptions = {},
): Promise<GitOpenResult> {
  // The listing is asked for at once, from the candidate: a directory holding `.git` is the top
  // level of its work tree, which rev-parse confirms meanwhile (one round of processes, not two).
  // So is the content search, which takes longest and is awaited only by whoever needs it.
  // A search of the directory itself ('') is a search of the whole tree: no pathspec.
  const grepFrom = (dir: string, dirs: readonly string[]): ContentSearch | undefined => {
    if (!content) return undefined;
    const pathspecs = dirs.includes('') ? [] : dirs;
    return { run: runGit(dir, grepArguments(content.pattern, pathspecs)), pathspecs };
  };
  let earlyGrep: ContentSearch | undefined;
  const early = queryWorkTree(candidate, explicit, scope, {
    afterListingStarted: () => (earlyGrep = grepFrom(candidate, content?.dirs ?? [])),
  });
  const top = await runGit(candidate, ['rev-parse', '--show-toplevel']);
  if (top.missing) return { state: undefined, diagnostics: [], gitMissing: true };
  if (top.code !== 0) {
    // Not a repository after all (a stray `.git` file), or one git refuses (dubious ownership).
    const message = failure(top);
    return { state: undefined, diagnostics: /not a git repository/i.test(message) ? [] : [`git: ${message}`] };
  }
  const root = top.stdout.trim();
  // A `.git` git does not accept (an empty directory) leaves the candidate inside another work
  // tree: then ask again from its top level.
  const sameRoot = path.resolve(root) === path.resolve(candidate) || (await fsp.realpath(candidate).catch(() => candidate)) === path.resolve(root);
  // Named paths are relative to the candidate; from the top level they are relative to it.
  const fromRoot = (rel: string): string => path.relative(root, path.join(candidate, rel)).split(path.sep).join('/');
  const named = sameRoot ? explicit : explicit.map(fromRoot);
  const [listing, checked] = await (sameRoot ? early : queryWorkTree(root, named, scope));
  const grep = sameRoot ? earlyGrep : grepFrom(root, (content?.dirs ?? []).map(fromRoot));
  if (listing.code !== 0) {
    return { state: undefined, diagnostics: [`git ls-files failed in ${root}: ${failure(listing)}`] };
  }

  const diagnostics: string[] = [];
  for (const match of listing.stderr.matchAll(UNREADABLE_DIRECTORY)) {
    diagnostics.push(`cannot read directory ${path.join(root, match[1]!)}: ${match[2]}`);
  }
  const state = new WorkTree(root, splitZ(listing.stdout));
  if (grep) state.attachContentScan(grep);
  // With scope 'files', the named paths' own check-ignore (--no-index) already covers the tracked ones.
  const tracked = scope === 'tree' ? state.trackedNeedingIgnoreState() : [];
  if (tracked.length > 0) {
    // `--no-index`: an ignore rule matches a tracked path as it would an untracked one.
    const run = await runGit(root, ['check-ignore', '--no-index', '--stdin', '-z'], tracked.map((rel) => `${rel}\0`).join(''));
    if (run.code === 0 || run.code === 1) {
      state.recordTrackedIgnored(splitZ(run.stdout));
    } else {
      // check-ignore stops at a path it refuses (one below a directory the work tree now has as a
      // symbolic link): then git matches every tracked path against the ignore rules instead.
      const all = await runGit(root, ['ls-files', '-z', '--cached', '-i', '--exclude-standard']);
      if (all.code !== 0) return { state: undefined, diagnostics: [`git ls-files failed in ${root}: ${failure(all)}`] };
      state.recordTrackedIgnored(splitZ(all.stdout));
    }
  }
  if (checked) {
    // check-ignore exits 1 when no path is ignored; anything else but 0 is a failure.
    if (checked.code === 0 || checked.code === 1) {
      const ignored = new Set(splitZ(checked.stdout));
      for (const rel of named) state.recordChecked(rel, ignored.has(rel));
    } else {
      diagnostics.push(`git check-ignore failed in ${root}: ${failure(checked)}`);
    }
  }
  return { state, diagnostics };
}
