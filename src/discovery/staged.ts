import path from 'node:path';
import { UsageError } from './walk.js';
import { runGit, type GitResult } from './git-command.js';

// What `git commit` is about to record: the staged blobs, read from the object database in one
// batch. A fixed number of git processes whatever the number of files: rev-parse, diff, check-ignore,
// cat-file --batch-check and cat-file --batch.

function git(cwd: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<GitResult> {
  // Hardened (see git-command.ts): nothing the repository's config names runs, no remote is reached.
  return runGit(cwd, args, { env, ...(input !== undefined ? { input } : {}) });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

export interface StagedEntry {
  /** POSIX, relative to the repository root. */
  relToRoot: string;
  /** Object id of the staged blob. */
  blob: string;
}

export interface StagedListing {
  /** The work tree's top-level directory. */
  root: string;
  files: StagedEntry[];
}

const GITLINK = '160000';
const SYMLINK = '120000';

/**
 * Files added, copied, modified or renamed in the index (`git diff --cached`), limited to `paths`
 * (relative to `cwd`). Symbolic links and submodules are left out: their blob is a link target or
 * a commit, not content sslguard reads.
 */
export async function listStaged(cwd: string, paths: readonly string[]): Promise<StagedListing> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.missing) throw new UsageError('--staged needs git, and git was not found on the PATH');
  if (top.code !== 0) throw new UsageError(`--staged needs a git repository: ${firstLine(top.stderr)}`);
  const root = top.stdout.toString('utf8').trim();
  // --raw gives each staged blob's id, so no process per file is needed to find the content.
  // Paths given on the command line are paths, never globs or pathspec magic.
  const diff = await git(cwd, ['diff', '--cached', '--no-ext-diff', '--no-textconv', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMR', '--', ...(paths.length ? paths : ['.'])], undefined, { GIT_LITERAL_PATHSPECS: '1' });
  if (diff.code !== 0) throw new UsageError(`git diff --cached failed: ${firstLine(diff.stderr)}`);
  const fields = diff.stdout.toString('utf8').split('\0');
  const files: StagedEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // `:<old mode> <new mode> <old id> <new id> <status>` then the path.
    const [, newMode, , newId] = fields[i]!.slice(1).split(' ');
    const rel = fields[i + 1]!;
    if (!newMode || !newId || newMode === GITLINK || newMode === SYMLINK) continue;
    files.push({ relToRoot: rel, blob: newId });
  }
  return { root, files };
}

/** Root-relative paths that an ignore rule matches, whether tracked or not (`check-ignore --no-index`). */
export async function ignoredPaths(root: string, rels: readonly string[]): Promise<Set<string>> {
  if (rels.length === 0) return new Set();
  const r = await git(root, ['check-ignore', '--no-index', '--stdin', '-z'], rels.map((rel) => `${rel}\0`).join(''));
  // Exit 1: nothing is ignored.
  if (r.code !== 0 && r.code !== 1) throw new Error(`git check-ignore failed: ${firstLine(r.stderr)}`);
  return new Set(r.stdout.toString('utf8').split('\0').filter(Boolean));
}

export type BlobContent = { bytes: Buffer } | { error: string };

/**
 * The content of each blob, read with one `cat-file --batch-check` (sizes) and one
 * `cat-file --batch` (only the blobs within `maxSize`), keyed by object id.
 */
export async function readBlobs(root: string, ids: readonly string[], maxSize: number): Promise<Map<string, BlobContent>> {
  const result = new Map<string, BlobContent>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return result;
  const check = await git(root, ['cat-file', '--batch-check'], unique.map((id) => `${id}\n`).join(''));
  if (check.code !== 0) throw new Error(`git cat-file --batch-check failed: ${firstLine(check.stderr)}`);
  const wanted: string[] = [];
  for (const line of check.stdout.toString('utf8').split('\n')) {
    const [id, type, size] = line.split(' ');
    if (!id || !type) continue;
    if (type === 'missing') result.set(id, { error: 'staged content missing from the object database, not scanned' });
    else if (Number(size) > maxSize) result.set(id, { error: `staged file is ${size} bytes, above the ${maxSize}-byte limit (maxFileSize), not scanned` });
    else wanted.push(id);
  }
  if (wanted.length === 0) return result;
  const batch = await git(root, ['cat-file', '--batch'], wanted.map((id) => `${id}\n`).join(''));
  if (batch.code !== 0) throw new Error(`git cat-file --batch failed: ${firstLine(batch.stderr)}`);
  // Each object: `<id> <type> <size>\n<content>\n`. Content is binary-safe: sizes, not delimiters.
  const out = batch.stdout;
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol < 0) break;
    const [id, , size] = out.subarray(at, eol).toString('utf8').split(' ');
    const length = Number(size);
    result.set(id!, { bytes: out.subarray(eol + 1, eol + 1 + length) });
    at = eol + 1 + length + 1;
  }
  return result;
}

/** A root-relative POSIX path as a POSIX path relative to `cwd`. */
export function relativeToCwd(root: string, cwd: string, relToRoot: string): string {
  const rel = path.relative(cwd, path.join(root, ...relToRoot.split('/')));
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

// The repository around named files (see src/engine/context.ts): its listing, a word search over
// some of its files, and their content, from the work tree or from the index. Each is one git
// process per repository, whatever the number of files.

export interface RepositoryListing {
  /** The directory listed from (holding `.git`). */
  root: string;
  /** Root-relative POSIX paths of the regular files in the index, in git's order. */
  paths: string[];
  /** The blob id of each, index for index (empty when not asked for). */
  ids: string[];
}

/**
 * The files git tracks at and below `root` (the directory holding `.git`): one `ls-files --stage`
 * (the index alone, no walk of the work tree). From `root` git lists the files under it, relative
 * to it: no rev-parse is needed first (each process started costs a hook more than its work), and
 * a `root` that is not the top level (a stray `.git`) only narrows the listing to the files below
 * it. Undefined outside a repository or when git fails: the named files are then judged alone.
 */
export async function listRepository(root: string, withIds = true): Promise<RepositoryListing | undefined> {
  if (!withIds) {
    // The paths alone (the work tree is read, not the index): half the output, and no entry to
    // parse. Symbolic links and submodules are listed too; reading them fails and leaves them out.
    const names = await git(root, ['ls-files', '-z', '--cached']);
    if (names.code !== 0) return undefined;
    const paths = names.stdout.toString('utf8').split('\0');
    paths.pop();
    return { root, paths: paths.filter((p, i) => p !== paths[i - 1]), ids: [] };
  }
  const cached = await git(root, ['ls-files', '-z', '-s', '--cached']);
  if (cached.code !== 0) return undefined;
  const paths: string[] = [];
  const ids: string[] = [];
  let previous = '';
  for (const entry of cached.stdout.toString('utf8').split('\0')) {
    // `<mode> <object> <stage>\t<path>`: a regular file's mode is 100644 or 100755, then the
    // object id up to the next space. Parsed without splitting: a listing has tens of thousands of
    // entries and a hook pays for each. An unmerged path is listed once per stage: the first stays.
    const tab = entry.indexOf('\t');
    if (tab < 0 || !(entry.startsWith('100644 ') || entry.startsWith('100755 '))) continue;
    const rel = entry.slice(tab + 1);
    if (rel === previous) continue;
    previous = rel;
    paths.push(rel);
    ids.push(entry.slice(7, entry.indexOf(' ', 7)));
  }
  return { root, paths, ids };
}

/**
 * Of the tracked files under `pathspecs` (root-relative, taken literally; all files when empty),
 * those that hold one of `words` as a whole word, root-relative: in the index's content
 * (`cached`) or in the work tree's. Undefined when git could not answer (the caller then treats
 * every candidate as a match).
 */
export async function grepWords(root: string, words: readonly string[], pathspecs: readonly string[], cached: boolean): Promise<Set<string> | undefined> {
  if (words.length === 0) return new Set();
  const args = [
    '-c', 'submodule.recurse=false',
    'grep', '-l', '-z', '-F', '-w', '--full-name', '--no-color',
    // The default, said outright: a repository's textconv filter is a program it names.
    '--no-textconv',
    ...(cached ? ['--cached'] : []),
    ...words.flatMap((w) => ['-e', w]),
    '--',
    ...pathspecs,
  ];
  const r = await git(root, args, undefined, { GIT_LITERAL_PATHSPECS: '1' });
  // 0: matches, 1: none.
  if (r.code !== 0 && r.code !== 1) return undefined;
  return new Set(r.stdout.toString('utf8').split('\0').filter(Boolean));
}
