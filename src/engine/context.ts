// Named files judged with their repository (issue 17). A pre-commit hook, lint-staged or
// `--staged` names a few files, and pre-commit splits a long list over several processes; each file
// must still be judged as a scan of the whole repository judges it: the `.env` a compose file
// interpolates, the code that reads `DATABASE_URL`, the Dockerfile a service is built from. So
// around the named files the repository's *context* is read — only the files that can define or
// read their values, found by path and by one word search per question — extracted with them, and
// the findings are kept on the named files alone. Whatever batch a file lands in, it then gets the
// same findings.
//
// What relates to what mirrors the cross-file steps of the core (resolve-values.ts,
// resolve-references.ts); a relation added there needs its question here:
//
// | A file …                                | … brings in                                                       |
// | --------------------------------------- | ----------------------------------------------------------------- |
// | any                                     | the package.json of every directory above it (package ownership)  |
// | `.env*`                                 | the other `.env*` layers, compose files and MCP configs of its     |
// |                                         | directory; compose files and MCP configs naming it (`env_file:`)   |
// | any env file                            | compose files and MCP configs that name it                         |
// | compose file                            | the `.env` beside it, the Dockerfiles and env files it names       |
// | MCP config                              | `.env` and `.env.local` of its project, the env files it names     |
// | Dockerfile                              | compose files that build an image                                  |
// | Helm values                             | the other values files of its chart directory                      |
// | Kubernetes manifest                     | manifests naming the Secrets and ConfigMaps it uses or defines     |
// | value holding a connection (not code)   | code and Prisma schemas that may read its variable (same package)  |
// | named code reading `process.env.X`      | files that may define X, in the packages the code sees             |
//
// Code found as a reader or definer is a leaf: its own readers and definers cannot change what is
// said about a named file.
import { promises as fsp } from 'node:fs';
import path, { posix } from 'node:path';
import { createRequire } from 'node:module';
import type ignoreFactory from 'ignore';
import type { ResolvedConfig } from '../config/types.js';
import type { FileExtraction } from '../extract/index.js';
import { extractIsolated } from './isolate.js';
import { classifyPath, type PathKind } from '../discovery/kinds.js';
import { grepWords, listRepository, readBlobs, relativeToCwd } from '../discovery/staged.js';
import { ALWAYS_SKIPPED_DIRS } from '../discovery/walk.js';
import type { SourceInput } from './lint.js';
import { FileReader } from './scan.js';

const require = createRequire(import.meta.url);
const SKIPPED: ReadonlySet<string> = new Set(ALWAYS_SKIPPED_DIRS);

function hasSkippedDirectory(rel: string): boolean {
  // Segment by segment without splitting: asked for every file of the repository.
  let start = 0;
  for (let slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', start)) {
    if (SKIPPED.has(rel.slice(start, slash))) return true;
    start = slash + 1;
  }
  return false;
}

/** The repository around the named files, as the file-system layer reads it. Paths are cwd-relative POSIX. */
export interface ContextRepository {
  /** Every file a scan of the repository would read, with its kinds (no ignored file, no skipped directory). */
  files: ReadonlyMap<string, readonly PathKind[]>;
  /** Of `candidates`, the files that hold one of `words` as a whole word; undefined when that cannot be told (then all are). */
  grep(words: readonly string[], candidates: readonly string[]): Promise<Set<string> | undefined>;
  /** The files to extract (a diagnostic's message for one that cannot be read). */
  read(paths: readonly string[]): Promise<Array<SourceInput | { file: string; error: string }>>;
}

export interface ContextTarget {
  /** Extract one file (nothing is kept yet). */
  extract(source: SourceInput): FileExtraction;
  /** Keep an extraction for the rules. */
  keep(file: string, extraction: FileExtraction): void;
}

/** A `Linter` as the target: extraction isolated as for any scanned file. */
export function linterTarget(linter: { resolvedConfig: ResolvedConfig; addExtraction(file: string, extraction: FileExtraction): void }): ContextTarget {
  return { extract: (source) => extractIsolated(source, linter.resolvedConfig), keep: (file, extraction) => linter.addExtraction(file, extraction) };
}

/** Enough rounds for the longest chain above (named → infrastructure → its Dockerfile → … → code). */
const MAX_ROUNDS = 6;

interface Added {
  file: string;
  kinds: readonly PathKind[];
  extraction: FileExtraction;
  named: boolean;
}

/**
 * Files that hold one of `words`, among those `candidates` accepts; with `confirm`, a file found
 * is kept only when its extraction says it relates (a compose file that builds this Dockerfile,
 * not just any that builds one).
 */
interface Question {
  words: Set<string>;
  candidates: (file: string, kinds: readonly PathKind[]) => boolean;
  confirm?: (extraction: FileExtraction) => boolean;
}

/** What the named files define, which the readers relation follows through context files. */
interface NamedValues {
  files: ReadonlySet<string>;
  names: Set<string>;
}

/**
 * Reads the context of the `named` files (already extracted, in `named`) into `target`, round by
 * round until nothing new relates. Returns the context files added.
 */
export async function addRepositoryContext(
  named: ReadonlyMap<string, FileExtraction>,
  repo: ContextRepository,
  target: ContextTarget,
  /** Files the caller has already added (a directory scanned beside the named files). */
  scanned: Iterable<string> = [],
): Promise<string[]> {
  const layout = new Layout(repo.files);
  const included = new Set<string>([...named.keys(), ...scanned]);
  const values: NamedValues = { files: new Set(named.keys()), names: new Set() };
  for (const extraction of named.values()) for (const d of extraction.definitions ?? []) values.names.add(d.name);
  const added: string[] = [];
  let pending: Added[] = [...named].map(([file, extraction]) => ({ file, kinds: repo.files.get(file) ?? [], extraction, named: true }));
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    /** File → the confirmations it needs (an empty list: none). */
    const wanted = new Map<string, Array<Question['confirm']>>();
    const want = (f: string, confirm?: Question['confirm']): void => {
      const list = wanted.get(f) ?? [];
      list.push(confirm);
      wanted.set(f, list);
    };
    const questions: Question[] = [];
    for (const item of pending) relate(item, layout, values, (f) => want(f), questions);
    // One search per round for every question: a file that holds a word of one question and is a
    // candidate of another is read for nothing, which costs less than another search.
    const asked = questions.map((q) => ({ q, candidates: [] as string[] }));
    if (questions.length > 0) {
      for (const [f, kinds] of layout.files) {
        if (included.has(f)) continue;
        for (const a of asked) if (a.q.candidates(f, kinds)) a.candidates.push(f);
      }
    }
    const words = new Set(asked.filter((a) => a.candidates.length > 0).flatMap((a) => [...a.q.words]));
    const candidates = [...new Set(asked.flatMap((a) => a.candidates))];
    if (words.size > 0 && candidates.length > 0) {
      const hits = await repo.grep([...words].sort(), candidates);
      for (const a of asked) for (const f of a.candidates) if (!hits || hits.has(f)) want(f, a.q.confirm);
    }
    const next = [...wanted.keys()].filter((f) => !included.has(f) && layout.files.has(f)).sort();
    pending = [];
    if (next.length === 0) break;
    for (const read of await repo.read(next)) {
      // An unreadable context file is simply absent, as it would be for a scan that skipped it;
      // its diagnostic belongs to a scan that names it.
      if ('error' in read) continue;
      const extraction = target.extract(read);
      const confirms = wanted.get(read.file)!;
      if (!confirms.some((c) => c === undefined || c(extraction))) continue;
      included.add(read.file);
      target.keep(read.file, extraction);
      added.push(read.file);
      pending.push({ file: read.file, kinds: layout.files.get(read.file) ?? [], extraction, named: false });
    }
  }
  return added;
}

/** The directory tree of the repository's files, for the path relations. */
class Layout {
  /** Directories holding a package.json ('.' for the working directory). */
  private readonly packages = new Set<string>();
  private byDir: Map<string, string[]> | undefined;
  private readonly owners = new Map<string, string | undefined>();

  constructor(readonly files: ReadonlyMap<string, readonly PathKind[]>) {
    for (const file of files.keys()) if (file === 'package.json' || file.endsWith('/package.json')) this.packages.add(dirOf(file));
  }

  inDir(dir: string): readonly string[] {
    if (!this.byDir) {
      this.byDir = new Map();
      for (const file of this.files.keys()) {
        const d = dirOf(file);
        const list = this.byDir.get(d);
        if (list) list.push(file);
        else this.byDir.set(d, [file]);
      }
    }
    return this.byDir.get(dir) ?? [];
  }

  /** The package.json files of `file`'s directory and every directory above it. */
  packageFiles(file: string): string[] {
    const out: string[] = [];
    for (let dir: string | undefined = dirOf(file); dir !== undefined; dir = parentOf(dir)) if (this.packages.has(dir)) out.push(inDir(dir, 'package.json'));
    return out;
  }

  /** The nearest package directory at or above the file (resolve-values.ts `owner`). */
  owner(file: string): string | undefined {
    const start = dirOf(file);
    if (this.owners.has(start)) return this.owners.get(start);
    let found: string | undefined;
    for (let dir: string | undefined = start; dir !== undefined && found === undefined; dir = parentOf(dir)) if (this.packages.has(dir)) found = dir;
    this.owners.set(start, found);
    return found;
  }

  /** What code a value written in `file` reaches (resolve-values.ts `visible`): a path prefix, or everything. */
  readersOf(file: string): (reader: string) => boolean {
    const o = this.owner(file);
    if (o === undefined || o === '.') return () => true;
    const prefix = `${o}/`;
    return (reader) => reader.startsWith(prefix);
  }

  /** A value written in `file` reaches code in `reader`. */
  visible(file: string, reader: string): boolean {
    return this.readersOf(file)(reader);
  }
}

/** `posix.dirname` for the relative paths of a listing, without its normalisation. */
function dirOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/** The directory above `dir`, undefined above the working directory or at `..` (outside it, the walk stops). */
function parentOf(dir: string): string | undefined {
  if (dir === '.' || dir === '..' || dir.endsWith('/..') || dir === '/') return undefined;
  return dirOf(dir);
}

function inDir(dir: string, name: string): string {
  return dir === '.' || dir === '' ? name : `${dir}/${name}`;
}


/** The directory an MCP client starts project servers in (resolve-values.ts `mcpProjectRoot`). */
function mcpProjectRoot(file: string): string {
  const dir = posix.dirname(file);
  return posix.basename(dir).startsWith('.') && posix.basename(dir) !== '.' ? posix.dirname(dir) : dir;
}

const isEnv = (kinds: readonly PathKind[]): boolean => kinds.includes('env');
const isManifest = (kinds: readonly PathKind[]): boolean => kinds.includes('yaml') && !kinds.includes('compose') && !kinds.includes('helm-values') && !kinds.includes('workflow');
const isMcp = (file: string, kinds: readonly PathKind[]): boolean => kinds.includes('mcp') || (kinds.includes('json') && !kinds.includes('package-json') && /mcp/i.test(posix.basename(file)));
/**
 * Files whose facts may hold a variable code reads (resolve-values.ts `resolveCode`'s pool). Code
 * that assigns `process.env.X` is left out: what the named code makes of it is reported there.
 */
const mayDefine = (kinds: readonly PathKind[]): boolean => kinds.length > 0 && !kinds.includes('source') && !kinds.includes('certificate') && !kinds.includes('private-key') && !kinds.includes('prisma');
const mayRead = (kinds: readonly PathKind[]): boolean => kinds.includes('source') || kinds.includes('prisma');

function relate(item: Added, layout: Layout, values: NamedValues, wantPath: (file: string) => void, questions: Question[]): void {
  const { file, kinds, extraction } = item;
  const dir = dirOf(file);
  const base = file.slice(file.lastIndexOf('/') + 1);
  const want = (f: string | undefined): void => {
    if (f !== undefined && layout.files.has(f)) wantPath(f);
  };
  const ask = (words: Iterable<string>, candidates: Question['candidates'], confirm?: Question['confirm']): void => {
    const set = new Set([...words].filter((w) => w !== ''));
    if (set.size > 0) questions.push({ words: set, candidates, ...(confirm ? { confirm } : {}) });
  };
  const envFilesNamed = (e: FileExtraction): string[] => [
    ...(e.references ?? []).filter((r) => r.kind === 'env-file').map((r) => r.path),
    ...(e.uses ?? []).flatMap((u) => u.parts.flatMap((p) => (typeof p !== 'string' && p.from?.kind === 'env-file' ? [p.from.name] : []))),
  ];

  for (const p of layout.packageFiles(file)) want(p);
  // Whatever the extractor resolves against other files, by path.
  for (const ref of extraction.references ?? []) want(ref.path);
  for (const f of envFilesNamed(extraction)) want(f);

  if (isEnv(kinds)) {
    if (base.startsWith('.env')) {
      for (const f of layout.inDir(dir)) {
        const k = layout.files.get(f)!;
        if ((isEnv(k) && posix.basename(f).startsWith('.env')) || k.includes('compose')) want(f);
      }
    }
    // `env_file:`, `--env-file`, `envFile` name it from anywhere.
    ask([base], (f, k) => k.includes('compose') || isMcp(f, k), (e) => envFilesNamed(e).includes(file));
  }
  if (kinds.includes('compose')) want(inDir(dir, '.env'));
  if (isMcp(file, kinds)) {
    const root = mcpProjectRoot(file);
    want(inDir(root, '.env'));
    want(inDir(root, '.env.local'));
  }
  // An MCP config whose project is this directory reads its `.env` and `.env.local`.
  if (isEnv(kinds) && (base === '.env' || base === '.env.local')) {
    for (const [f, k] of layout.files) if (isMcp(f, k) && mcpProjectRoot(f) === dir) want(f);
  }
  if (kinds.includes('dockerfile')) ask(['build'], (_f, k) => k.includes('compose'), (e) => (e.references ?? []).some((r) => r.kind === 'dockerfile' && r.path === file));
  if (kinds.includes('helm-values')) for (const f of layout.inDir(dir)) if (layout.files.get(f)!.includes('helm-values')) want(f);

  // Kubernetes: Secrets and ConfigMaps by name, both ways.
  const resources = new Set<string>();
  for (const use of extraction.uses ?? []) {
    for (const part of use.parts) if (typeof part !== 'string' && (part.from?.kind === 'k8s-secret' || part.from?.kind === 'k8s-configmap')) resources.add(part.from.name);
  }
  for (const d of extraction.definitions ?? []) if (d.unit.kind === 'k8s-secret' || d.unit.kind === 'k8s-configmap') resources.add(d.unit.name);
  if (resources.size > 0) ask(resources, (_f, k) => isManifest(k));

  // Code that reads the variables a named file gives a value, directly or through this file (a
  // compose service's `DATABASE_URL: ${DATABASE_URL}`, whose value is judged where the named
  // `.env` writes it). Code itself is not followed: a reader is a leaf.
  if (!kinds.includes('source') && !kinds.includes('prisma')) {
    const variables = new Set<string>();
    if (item.named) {
      for (const f of extraction.facts) if (f.kind === 'connection' && f.variable !== undefined) variables.add(f.variable);
      for (const d of extraction.definitions ?? []) variables.add(d.name);
    }
    for (const use of extraction.uses ?? []) {
      const fromNamed = use.parts.some((p) => typeof p !== 'string' && (p.from?.kind === 'env-file' ? values.files.has(p.from.name) : !p.from && values.names.has(p.name)));
      if (use.as !== undefined && (item.named || fromNamed)) variables.add(use.as);
      // `env_file:` of a named file: its every variable, under its own name.
      if (!item.named && fromNamed && use.as === undefined) for (const n of values.names) variables.add(n);
    }
    const reaches = layout.readersOf(file);
    if (variables.size > 0) ask([...variables].filter(isWord), (f, k) => mayRead(k) && reaches(f));
  }
  // Named code: the files that may define what it reads.
  if (item.named) {
    const read = new Set<string>();
    for (const use of extraction.uses ?? []) {
      if (use.scope !== 'code') continue;
      for (const part of use.parts) if (typeof part !== 'string') read.add(part.name);
    }
    if (read.size > 0) ask([...read].filter(isWord), (f, k) => mayDefine(k) && layout.visible(f, file));
  }
}

/** Names git grep can look for as a whole word (`DATABASE_URL`, not `a.b` or `*`). */
function isWord(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

// --- the repository, from the work tree or the index --------------------------------------------

/** Above this many candidates git grep searches everything and the answer is filtered here (command-line length). */
const MAX_PATHSPECS = 1000;

/** Up to this many work-tree files are searched in this process rather than by git grep. */
const SEARCH_HERE = 400;

/** `git grep -l -F -w` over a few files, here: a word is not preceded or followed by a word character. */
function searchHere(words: readonly string[], candidates: readonly string[], absOf: (file: string) => string, maxSize: number): Set<string> {
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(?:${escaped.join('|')})(?![A-Za-z0-9_])`);
  const reader = new FileReader(maxSize);
  const hits = new Set<string>();
  for (const file of candidates) {
    const read = reader.read(absOf(file));
    // Unreadable: left to the read that follows, which leaves it out too.
    if ('error' in read) continue;
    if (pattern.test(read.bytes.toString('latin1'))) hits.add(file);
  }
  return hits;
}

export interface RepositoryReadOptions {
  cwd: string;
  config: ResolvedConfig;
  /** Read from the index (`--staged`), else from the work tree. */
  staged: boolean;
}

/**
 * The repository holding `dir`, as a `ContextRepository`: the files git tracks, without the
 * directories a scan skips and the config's `ignorePatterns`; undefined outside a repository.
 */
export async function openContextRepository(dir: string, options: RepositoryReadOptions): Promise<ContextRepository | undefined> {
  // What git tracks: the index's files (their content from the work tree, or from the index with
  // --staged). Untracked files are left out: listing them walks the whole work tree, which costs a
  // hook more than everything else it does.
  const listing = await listRepository(dir);
  if (!listing) return undefined;
  const cwd = await fsp.realpath(path.resolve(options.cwd));
  const rootReal = await fsp.realpath(listing.root);
  const patterns = options.config.ignorePatterns;
  const configIgnore = patterns.length > 0 ? (require('ignore') as typeof ignoreFactory)().add(patterns) : undefined;
  const files = new Map<string, readonly PathKind[]>();
  const rootRelOf = new Map<string, string>();
  // Most often the working directory is the top level, or inside it: no path arithmetic per file
  // (a listing has tens of thousands).
  const sub = path.relative(rootReal, cwd).split(path.sep).join('/');
  const inside = sub === '' || (!sub.startsWith('..') && !path.isAbsolute(sub));
  const relOf = (relToRoot: string): string =>
    sub === '' ? relToRoot : inside && relToRoot.startsWith(`${sub}/`) ? relToRoot.slice(sub.length + 1) : relativeToCwd(rootReal, cwd, relToRoot);
  const consider = (relToRoot: string): void => {
    if (hasSkippedDirectory(relToRoot)) return;
    const rel = relOf(relToRoot);
    const kinds = classifyPath(rel);
    if (kinds.length === 0) return;
    if (configIgnore && !rel.startsWith('../') && configIgnore.ignores(rel)) return;
    files.set(rel, kinds);
    rootRelOf.set(rel, relToRoot);
  };
  for (const relToRoot of listing.indexed.keys()) consider(relToRoot);

  const git = { inGit: true } as const;
  return {
    files,
    async grep(words, candidates) {
      // A few files are searched here: reading them costs less than starting git.
      if (!options.staged && candidates.length <= SEARCH_HERE) return searchHere(words, candidates, (c) => path.join(rootReal, ...rootRelOf.get(c)!.split('/')), options.config.maxFileSize);
      const specs = candidates.map((c) => rootRelOf.get(c)!);
      const hits = await grepWords(listing.root, words, specs.length > MAX_PATHSPECS ? [] : specs, options.staged);
      if (!hits) return undefined;
      return new Set(candidates.filter((c) => hits.has(rootRelOf.get(c)!)));
    },
    async read(paths) {
      const out: Array<SourceInput | { file: string; error: string }> = [];
      if (options.staged) {
        const ids = paths.map((p) => listing.indexed.get(rootRelOf.get(p)!));
        const blobs = await readBlobs(listing.root, ids.filter((id): id is string => id !== undefined), options.config.maxFileSize);
        paths.forEach((file, i) => {
          const blob = ids[i] === undefined ? undefined : blobs.get(ids[i]!);
          if (!blob || 'error' in blob) out.push({ file, error: blob?.error ?? 'not in the index' });
          else out.push({ file, scopePath: rootRelOf.get(file)!, bytes: blob.bytes, git });
        });
        return out;
      }
      const reader = new FileReader(options.config.maxFileSize);
      const dirs = new Map<string, boolean>();
      for (const file of paths) {
        const abs = path.join(rootReal, ...rootRelOf.get(file)!.split('/'));
        // A directory that became a symbolic link out of the repository is never read through.
        const dir = path.dirname(abs);
        let inside = dirs.get(dir);
        if (inside === undefined) {
          const real = await fsp.realpath(dir).catch(() => undefined);
          inside = real !== undefined && (real === rootReal || real.startsWith(rootReal + path.sep));
          dirs.set(dir, inside);
        }
        if (!inside) {
          out.push({ file, error: 'outside the repository' });
          continue;
        }
        const read = reader.read(abs);
        // The reader's buffer is reused: the context keeps a copy until it is extracted.
        if ('error' in read) out.push({ file, error: read.error });
        else out.push({ file, scopePath: rootRelOf.get(file)!, bytes: Buffer.from(read.bytes), git, mode: read.mode });
      }
      return out;
    },
  };
}
