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
import path from 'node:path';
import { createRequire } from 'node:module';
import type ignoreFactory from 'ignore';
import type { ResolvedConfig } from '../config/types.js';
import type { FileExtraction } from '../extract/index.js';
import { classifyPath, type PathKind } from '../discovery/kinds.js';
import { grepWords, listRepository, readBlobs, relativeToCwd } from '../discovery/staged.js';
import { hasSkippedDirectory } from '../discovery/walk.js';
import { extractIsolated } from './isolate.js';
import type { SourceInput } from './lint.js';
import { FileReader } from './scan.js';

const require = createRequire(import.meta.url);

/** The repository around the named files, as the file-system layer reads it. Paths are cwd-relative POSIX. */
export interface ContextRepository {
  /** Every file git tracks (whether sslguard reads it or not). */
  paths: readonly string[];
  /** Git tracks it. */
  has(file: string): boolean;
  /** What sslguard reads a tracked file as; none for a file it does not read, under a skipped directory, or ignored by the config. */
  kinds(file: string): readonly PathKind[];
  /** Of `candidates`, the files that hold one of `words` as a whole word; undefined when that cannot be told (then all do). */
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

/** Enough rounds for the longest chain above (named → `.env` → compose file → Dockerfile → package.json). */
const MAX_ROUNDS = 6;

interface Added {
  file: string;
  kinds: readonly PathKind[];
  extraction: FileExtraction;
  named: boolean;
}

/**
 * Files that hold one of `words`, among those under `prefix` (none: anywhere) that `accepts`; with
 * `confirm`, a file found is kept only when its extraction says it relates (a compose file that
 * builds this Dockerfile, not just any that builds one).
 */
interface Question {
  words: Set<string>;
  prefix?: string;
  /** A cheap test of the path before its kinds are asked (classifying costs a microsecond, and a listing has tens of thousands). */
  name: RegExp;
  accepts: (file: string, kinds: readonly PathKind[]) => boolean;
  confirm?: (extraction: FileExtraction) => boolean;
}

/** What the named files define, which the readers relation follows through context files. */
interface NamedValues {
  files: ReadonlySet<string>;
  names: Set<string>;
}

/**
 * Reads the context of the `named` files (already extracted) into `target`, round by round until
 * nothing new relates. Returns the context files added.
 */
export async function addRepositoryContext(
  named: ReadonlyMap<string, FileExtraction>,
  repo: ContextRepository,
  target: ContextTarget,
  /** Files the caller has already added (a directory scanned beside the named files). */
  scanned: Iterable<string> = [],
): Promise<string[]> {
  const layout = new Layout(repo);
  const included = new Set<string>([...named.keys(), ...scanned]);
  const values: NamedValues = { files: new Set(named.keys()), names: new Set() };
  for (const extraction of named.values()) for (const d of extraction.definitions ?? []) values.names.add(d.name);
  const added: string[] = [];
  let pending: Added[] = [...named].map(([file, extraction]) => ({ file, kinds: repo.kinds(file), extraction, named: true }));
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    /** File → the confirmations it needs (`undefined` in the list: none). */
    const wanted = new Map<string, Array<Question['confirm']>>();
    const want = (f: string, confirm?: Question['confirm']): void => {
      if (included.has(f) || !repo.has(f) || repo.kinds(f).length === 0) return;
      const list = wanted.get(f) ?? [];
      list.push(confirm);
      wanted.set(f, list);
    };
    const questions: Question[] = [];
    for (const item of pending) relate(item, layout, values, want, questions);
    // One search per round for every question: a file that holds a word of one question and is a
    // candidate of another is read for nothing, which costs less than another search.
    const asked = questions.map((q) => ({ q, candidates: [] as string[] }));
    if (asked.length > 0) {
      for (const f of repo.paths) {
        for (const a of asked) {
          if ((a.q.prefix !== undefined && !f.startsWith(a.q.prefix)) || !a.q.name.test(f) || included.has(f)) continue;
          const kinds = repo.kinds(f);
          if (kinds.length > 0 && a.q.accepts(f, kinds)) a.candidates.push(f);
        }
      }
    }
    const words = new Set(asked.filter((a) => a.candidates.length > 0).flatMap((a) => [...a.q.words]));
    const candidates = [...new Set(asked.flatMap((a) => a.candidates))];
    if (words.size > 0 && candidates.length > 0) {
      const hits = await repo.grep([...words].sort(), candidates);
      for (const a of asked) for (const f of a.candidates) if (!hits || hits.has(f)) want(f, a.q.confirm);
    }
    const next = [...wanted.keys()].sort();
    pending = [];
    if (next.length === 0) break;
    for (const read of await repo.read(next)) {
      // An unreadable context file is simply absent, as it would be for a scan that skipped it;
      // its diagnostic belongs to a scan that names it.
      if ('error' in read) continue;
      const extraction = target.extract(read);
      if (!wanted.get(read.file)!.some((confirm) => confirm === undefined || confirm(extraction))) continue;
      included.add(read.file);
      target.keep(read.file, extraction);
      added.push(read.file);
      pending.push({ file: read.file, kinds: repo.kinds(read.file), extraction, named: false });
    }
  }
  return added;
}

/** The directory structure of the tracked files, answered by scanning the listing (cheaper than indexing it once per hook). */
class Layout {
  /** Directories holding a package.json ('.' for the working directory). */
  private readonly packages = new Set<string>();
  private readonly owners = new Map<string, string | undefined>();
  private readonly dirs = new Map<string, string[]>();
  private mcpConfigs: string[] | undefined;

  constructor(readonly repo: ContextRepository) {
    for (const file of repo.paths) {
      if ((file === 'package.json' || file.endsWith('/package.json')) && repo.kinds(file).length > 0) this.packages.add(dirOf(file));
    }
  }

  /** The files sslguard reads directly in `dir`. */
  inDir(dir: string): readonly string[] {
    let list = this.dirs.get(dir);
    if (!list) {
      const prefix = dir === '.' ? '' : `${dir}/`;
      list = this.repo.paths.filter((f) => f.startsWith(prefix) && !f.includes('/', prefix.length) && this.repo.kinds(f).length > 0);
      this.dirs.set(dir, list);
    }
    return list;
  }

  /** MCP configs anywhere (few: found by name). */
  mcp(): readonly string[] {
    this.mcpConfigs ??= this.repo.paths.filter((f) => /mcp|settings\.json$/i.test(f) && isMcp(f, this.repo.kinds(f)));
    return this.mcpConfigs;
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

  /** The code a value written in `file` reaches (resolve-values.ts `visible`): a path prefix, or everywhere. */
  readersPrefix(file: string): string | undefined {
    const o = this.owner(file);
    return o === undefined || o === '.' ? undefined : `${o}/`;
  }

  /** A value written in `file` reaches code in `reader`. */
  visible(file: string, reader: string): boolean {
    const prefix = this.readersPrefix(file);
    return prefix === undefined || reader.startsWith(prefix);
  }
}

/** `posix.dirname` for the relative paths of a listing, without its normalisation. */
function dirOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

function baseOf(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

/** The directory above `dir`; undefined above the working directory or at `..` (outside it, the walk stops). */
function parentOf(dir: string): string | undefined {
  if (dir === '.' || dir === '..' || dir.endsWith('/..') || dir === '/') return undefined;
  return dirOf(dir);
}

function inDir(dir: string, name: string): string {
  return dir === '.' || dir === '' ? name : `${dir}/${name}`;
}

/** The directory an MCP client starts project servers in (resolve-values.ts `mcpProjectRoot`). */
function mcpProjectRoot(file: string): string {
  const dir = dirOf(file);
  const base = baseOf(dir);
  return base.startsWith('.') && base !== '.' && base !== '..' ? dirOf(dir) : dir;
}

const COMPOSE_OR_MCP_NAME = /compose|mcp|settings\.json$/i;
const YAML_NAME = /\.ya?ml$/i;
const READER_NAME = /\.(?:[cm]?[jt]sx?|prisma)$/i;
const NOT_CODE_NAME = /^(?!.*\.[cm]?[jt]sx?$)/i;

const isEnv = (kinds: readonly PathKind[]): boolean => kinds.includes('env');
const isManifest = (kinds: readonly PathKind[]): boolean => kinds.includes('yaml') && !kinds.includes('compose') && !kinds.includes('helm-values') && !kinds.includes('workflow');
/** MCP configs by name, and JSON files named like one (`mcp.json` elsewhere); any other JSON with `mcpServers` is not followed. */
const isMcp = (file: string, kinds: readonly PathKind[]): boolean => kinds.includes('mcp') || (kinds.includes('json') && !kinds.includes('package-json') && /mcp/i.test(baseOf(file)));
/**
 * Files whose facts may hold a variable code reads (resolve-values.ts `resolveCode`'s pool). Code
 * that assigns `process.env.X` is left out: what the named code makes of it is reported there.
 */
const mayDefine = (kinds: readonly PathKind[]): boolean => !kinds.includes('source') && !kinds.includes('certificate') && !kinds.includes('private-key') && !kinds.includes('prisma');
const mayRead = (kinds: readonly PathKind[]): boolean => kinds.includes('source') || kinds.includes('prisma');

/** Env files a compose file or MCP config loads whole (`env_file:`, `--env-file`, `envFile`). */
function envFilesNamed(e: FileExtraction): string[] {
  return [
    ...(e.references ?? []).filter((r) => r.kind === 'env-file').map((r) => r.path),
    ...(e.uses ?? []).flatMap((u) => u.parts.flatMap((p) => (typeof p !== 'string' && p.from?.kind === 'env-file' ? [p.from.name] : []))),
  ];
}

function relate(item: Added, layout: Layout, values: NamedValues, want: (file: string) => void, questions: Question[]): void {
  const { file, kinds, extraction } = item;
  const dir = dirOf(file);
  const base = baseOf(file);
  const ask = (words: Iterable<string>, question: Omit<Question, 'words'>): void => {
    const set = new Set([...words].filter((w) => w !== ''));
    if (set.size > 0) questions.push({ words: set, ...question });
  };

  for (const p of layout.packageFiles(file)) want(p);
  // Whatever the extractor resolves against other files, by path.
  for (const ref of extraction.references ?? []) want(ref.path);
  for (const f of envFilesNamed(extraction)) want(f);

  if (isEnv(kinds)) {
    if (base.startsWith('.env')) {
      for (const f of layout.inDir(dir)) {
        const k = layout.repo.kinds(f);
        if ((isEnv(k) && baseOf(f).startsWith('.env')) || k.includes('compose')) want(f);
      }
    }
    // `env_file:`, `--env-file`, `envFile` name it from anywhere.
    ask([base], { name: COMPOSE_OR_MCP_NAME, accepts: (f, k) => k.includes('compose') || isMcp(f, k), confirm: (e) => envFilesNamed(e).includes(file) });
    // An MCP config whose project is this directory reads its `.env` and `.env.local`.
    if (base === '.env' || base === '.env.local') for (const f of layout.mcp()) if (mcpProjectRoot(f) === dir) want(f);
  }
  if (kinds.includes('compose')) want(inDir(dir, '.env'));
  if (isMcp(file, kinds)) {
    const root = mcpProjectRoot(file);
    want(inDir(root, '.env'));
    want(inDir(root, '.env.local'));
  }
  if (kinds.includes('dockerfile')) {
    ask(['build'], { name: COMPOSE_OR_MCP_NAME, accepts: (_f, k) => k.includes('compose'), confirm: (e) => (e.references ?? []).some((r) => r.kind === 'dockerfile' && r.path === file) });
  }
  if (kinds.includes('helm-values')) for (const f of layout.inDir(dir)) if (layout.repo.kinds(f).includes('helm-values')) want(f);

  // Kubernetes: Secrets and ConfigMaps by name, both ways.
  const resources = new Set<string>();
  for (const use of extraction.uses ?? []) {
    for (const part of use.parts) if (typeof part !== 'string' && (part.from?.kind === 'k8s-secret' || part.from?.kind === 'k8s-configmap')) resources.add(part.from.name);
  }
  for (const d of extraction.definitions ?? []) if (d.unit.kind === 'k8s-secret' || d.unit.kind === 'k8s-configmap') resources.add(d.unit.name);
  if (resources.size > 0) ask(resources, { name: YAML_NAME, accepts: (_f, k) => isManifest(k) });

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
    const prefix = layout.readersPrefix(file);
    if (variables.size > 0) ask([...variables].filter(isWord), { ...(prefix !== undefined ? { prefix } : {}), name: READER_NAME, accepts: (_f, k) => mayRead(k) });
  }
  // Named code: the files that may define what it reads.
  if (item.named) {
    const read = new Set<string>();
    for (const use of extraction.uses ?? []) {
      if (use.scope !== 'code') continue;
      for (const part of use.parts) if (typeof part !== 'string') read.add(part.name);
    }
    if (read.size > 0) ask([...read].filter(isWord), { name: NOT_CODE_NAME, accepts: (f, k) => mayDefine(k) && layout.visible(f, file) });
  }
}

/** Names git grep can look for as a whole word (`DATABASE_URL`, not `a.b` or `*`). */
function isWord(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

// --- the repository, from the work tree or the index --------------------------------------------

/** Above this many candidates git grep searches everything and the answer is filtered here (command-line length). */
const MAX_PATHSPECS = 1000;

/** Up to this many work-tree files are searched in this process rather than by git grep (starting git costs more). */
const SEARCH_HERE = 400;

/** `git grep -l -F -w` over a few files, here: a word not preceded or followed by a word character. */
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

/** The kinds of a TS/JS file, shared: most of a listing is code, and a hook pays for every array. */
const SOURCE: readonly PathKind[] = Object.freeze(['source']);
const NONE: readonly PathKind[] = Object.freeze([]);

export interface RepositoryReadOptions {
  cwd: string;
  config: ResolvedConfig;
  /** Read from the index (`--staged`), else from the work tree. */
  staged: boolean;
}

/**
 * The repository whose `.git` is in `dir`, as a `ContextRepository`: what git tracks (one
 * `ls-files`; untracked files are left out, since listing them walks the whole work tree, which
 * costs a hook more than everything else it does), read from the work tree or, with `staged`, from
 * the index. Files under the directories a scan skips and the config's `ignorePatterns` have no
 * kinds. Undefined outside a repository.
 */
export async function openContextRepository(dir: string, options: RepositoryReadOptions): Promise<ContextRepository | undefined> {
  const listing = await listRepository(dir, options.staged);
  if (!listing) return undefined;
  const cwd = await fsp.realpath(path.resolve(options.cwd));
  const rootReal = await fsp.realpath(listing.root);
  const patterns = options.config.ignorePatterns;
  const configIgnore = patterns.length > 0 ? (require('ignore') as typeof ignoreFactory)().add(patterns) : undefined;
  // Most often the working directory is the top level, or inside it: no path arithmetic per file.
  const sub = path.relative(rootReal, cwd).split(path.sep).join('/');
  const inside = sub === '' || (!sub.startsWith('..') && !path.isAbsolute(sub));
  const paths = sub === '' ? listing.paths : listing.paths.map((p) => (inside && p.startsWith(`${sub}/`) ? p.slice(sub.length + 1) : relativeToCwd(rootReal, cwd, p)));
  // Back to the listing, for the few files looked up, searched or read: git lists in byte order,
  // which is code-unit order for ASCII paths, so a binary search finds them without indexing every
  // path; a listing out of that order (non-ASCII names) is indexed once.
  let sorted = true;
  for (let i = 1; i < paths.length && sorted; i++) sorted = paths[i - 1]! < paths[i]!;
  let indexOf: Map<string, number> | undefined;
  const at = (file: string): number => {
    if (!sorted) {
      indexOf ??= new Map(paths.map((p, i) => [p, i]));
      return indexOf.get(file) ?? -1;
    }
    let lo = 0;
    let hi = paths.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = paths[mid]!;
      if (p === file) return mid;
      if (p < file) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  const kindsCache = new Map<string, readonly PathKind[]>();
  const kinds = (file: string): readonly PathKind[] => {
    let k = kindsCache.get(file);
    if (k === undefined) {
      const classified = classifyPath(file);
      k =
        classified.length === 0 || hasSkippedDirectory(file) || (configIgnore !== undefined && !file.startsWith('../') && configIgnore.ignores(file))
          ? NONE
          : classified.length === 1 && classified[0] === 'source'
            ? SOURCE
            : classified;
      kindsCache.set(file, k);
    }
    return k;
  };
  const git = { inGit: true } as const;
  const absOf = (file: string): string => path.join(rootReal, ...listing.paths[at(file)]!.split('/'));
  return {
    paths,
    has: (file) => at(file) >= 0,
    kinds,
    async grep(words, candidates) {
      if (!options.staged && candidates.length <= SEARCH_HERE) return searchHere(words, candidates, absOf, options.config.maxFileSize);
      const specs = candidates.map((c) => listing.paths[at(c)]!);
      const hits = await grepWords(listing.root, words, specs.length > MAX_PATHSPECS ? [] : specs, options.staged);
      if (!hits) return undefined;
      return new Set(candidates.filter((c) => hits.has(listing.paths[at(c)]!)));
    },
    async read(files) {
      const out: Array<SourceInput | { file: string; error: string }> = [];
      if (options.staged) {
        const ids = files.map((f) => listing.ids[at(f)]!);
        const blobs = await readBlobs(listing.root, ids, options.config.maxFileSize);
        files.forEach((file, i) => {
          const blob = blobs.get(ids[i]!);
          if (!blob || 'error' in blob) out.push({ file, error: blob?.error ?? 'not in the index' });
          else out.push({ file, scopePath: listing.paths[at(file)]!, bytes: blob.bytes, git });
        });
        return out;
      }
      const reader = new FileReader(options.config.maxFileSize);
      const dirs = new Map<string, boolean>();
      for (const file of files) {
        const abs = absOf(file);
        // A directory that became a symbolic link out of the repository is never read through.
        const dir = path.dirname(abs);
        let within = dirs.get(dir);
        if (within === undefined) {
          const real = await fsp.realpath(dir).catch(() => undefined);
          within = real !== undefined && (real === rootReal || real.startsWith(rootReal + path.sep));
          dirs.set(dir, within);
        }
        if (!within) {
          out.push({ file, error: 'outside the repository' });
          continue;
        }
        const read = reader.read(abs);
        // The reader's buffer is reused: the context keeps a copy until it is extracted.
        if ('error' in read) out.push({ file, error: read.error });
        else out.push({ file, scopePath: listing.paths[at(file)]!, bytes: Buffer.from(read.bytes), git, mode: read.mode });
      }
      return out;
    },
  };
}
