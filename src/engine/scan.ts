import { closeSync, constants as fsConstants, openSync, readSync, fstatSync, statSync } from 'node:fs';
import type { Diagnostic } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import path from 'node:path';
import { discover, type DiscoveredFile } from '../discovery/walk.js';
import { findRepositoryCandidate } from '../discovery/git.js';
import type { FileExtraction } from '../extract/index.js';
import { addRepositoryContext, linterTarget, openContextRepository, type ContextRepository } from './context.js';
import { manifestReadLimit } from '../packages/readers.js';
import { GREP_PATTERN, isPrefiltered, skippedSource, sourceMayHoldFacts } from '../extract/prefilter.js';
import { Linter, scannedCount, type LintResult, type SourceInput } from './lint.js';
import type { Rule } from './rule.js';

export interface ScanOptions {
  paths: string[];
  cwd: string;
  config: ResolvedConfig;
  noIgnore?: boolean;
  now?: Date;
  rules?: readonly Rule[];
  /** Called as files are read (`done` of `total`), for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScanResult extends LintResult {
  filesScanned: number;
  durationMs: number;
}

/**
 * The file-system layer around the pure core: discover files (asking git once per repository),
 * read each one, and hand it to the incremental linter before reading the next, so one read buffer
 * serves every file and memory does not grow with the tree. A file that cannot be read or is too
 * large is a diagnostic, never the end of the scan.
 */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  return await scanFiles();

  async function scanFiles(): Promise<ScanResult> {
    // Git lists the repository of named files while they are found, read and extracted.
    const repositories = options.config.crossFile !== false ? startContextRepositories(options) : undefined;
    const discovered = await discover(options.paths, {
      cwd: options.cwd,
      noIgnore: options.noIgnore ?? false,
      ignorePatterns: options.config.ignorePatterns,
      // The reader opens with O_NOFOLLOW and fstat-s what it opened, which is the check an lstat made.
      trustIndex: true,
      // Git reads the tracked files meanwhile and names those without a trigger: left unread here.
      contentFilter: { pattern: GREP_PATTERN, appliesTo: isPrefiltered },
    });
    const diagnostics: Diagnostic[] = [...discovered.diagnostics];
    const linter = new Linter({ config: options.config, ...(options.now ? { now: options.now } : {}), ...(options.rules ? { rules: options.rules } : {}) });
    const reader = new FileReader(options.config.maxFileSize);
    // Git searched these and found no trigger: what reading them would give is no fact and no diagnostic.
    let filesScanned = discovered.unmatched;
    let done = 0;
    const handle = (index: number): void => {
      const file = discovered.files[index]!;
      options.onProgress?.(done++, discovered.files.length);
      const read = reader.read(file.real ?? file.abs, manifestReadLimit(file.kinds, options.config.maxFileSize));
      if ('error' in read) {
        const message = file.unverified ? unverifiedReadError(read) : read.error;
        if (message) diagnostics.push({ file: file.rel, message });
        return;
      }
      filesScanned++;
      // Most files: source the prefilter rules out, answered here without another pass over the bytes.
      const kinds = file.kinds;
      const prefiltered = isPrefiltered(kinds);
      if (prefiltered && !sourceMayHoldFacts(read.bytes)) {
        const skipped = skippedSource(file.rel, read.bytes);
        linter.addExtraction(file.rel, skipped);
        if (file.explicit) named.set(file.rel, skipped);
        return;
      }
      // `read.bytes` is a view of the reader's buffer: extraction copies what it keeps.
      const source: SourceInput = { file: file.rel, ...(file.scopePath !== undefined ? { scopePath: file.scopePath } : {}), bytes: read.bytes, git: file.git, mode: read.mode };
      const extraction = linter.add(source);
      if (file.explicit) named.set(file.rel, extraction);
    };
    // Files named on the command line (a hook's call): judged with their repository's context.
    const named = new Map<string, FileExtraction>();
    for (const index of discovered.files.keys()) handle(index);
    const reported = new Set(discovered.files.map((f) => f.rel));
    if (repositories && named.size > 0) await addContext(named, discovered.files, linter, repositories, options);
    const result = linter.finish(reported);
    return {
      ...result,
      diagnostics: [...diagnostics, ...result.diagnostics],
      filesScanned: scannedCount(filesScanned, result.diagnostics),
      durationMs: Math.round(performance.now() - started),
    };
  }
}

/**
 * Reads, for the named files of each git repository, the files of that repository that define or
 * read their values (src/engine/context.ts), so that a file gets the same findings whichever other
 * files were named with it. Outside a repository a named file is judged with the files named.
 */
type ContextRepositories = Map<string, Promise<ContextRepository | undefined>>;

/** The repository of each named file, listed at once (keyed by the directory holding `.git`). */
function startContextRepositories(options: ScanOptions): ContextRepositories {
  const started: ContextRepositories = new Map();
  const cache = new Map<string, string | null>();
  for (const named of options.paths) {
    const abs = path.resolve(options.cwd, named);
    let isFile = false;
    try {
      isFile = statSync(abs).isFile();
    } catch {
      // Discovery reports a missing path.
    }
    if (!isFile) continue;
    const dir = path.dirname(abs);
    const key = `dir:${dir}`;
    if (started.has(key)) continue;
    started.set(key, findRepositoryCandidate(dir, cache).then((candidate) => (candidate ? contextRepository(started, candidate, options) : undefined)));
  }
  return started;
}

/** The repository whose top level is `candidate`, opened once per scan. */
function contextRepository(repositories: ContextRepositories, candidate: string, options: ScanOptions): Promise<ContextRepository | undefined> {
  let repo = repositories.get(candidate);
  if (!repo) repositories.set(candidate, (repo = openContextRepository(candidate, { cwd: options.cwd, config: options.config, staged: false })));
  return repo;
}

async function addContext(named: ReadonlyMap<string, FileExtraction>, files: readonly DiscoveredFile[], linter: Linter, repositories: ContextRepositories, options: ScanOptions): Promise<void> {
  const byRepository = new Map<string, Map<string, FileExtraction>>();
  const cache = new Map<string, string | null>();
  for (const file of files) {
    const extraction = named.get(file.rel);
    if (!extraction) continue;
    const candidate = await findRepositoryCandidate(path.dirname(file.real ?? file.abs), cache);
    if (!candidate) continue;
    const group = byRepository.get(candidate) ?? new Map<string, FileExtraction>();
    byRepository.set(candidate, group);
    group.set(file.rel, extraction);
  }
  for (const [candidate, group] of byRepository) {
    const repo = await contextRepository(repositories, candidate, options);
    if (repo) await addRepositoryContext(group, repo, linterTarget(linter), files.map((f) => f.rel));
  }
}

/**
 * A file git's index records as a regular file was not stat-ed by discovery; what discovery would
 * have said about it had it been: a file deleted from the work tree or replaced by a directory is
 * silently absent, a symbolic link in its place is not followed (the index says it is no link).
 */
function unverifiedReadError(read: ReadError): string | undefined {
  if (read.code === 'ENOENT' || read.code === 'ENOTDIR' || read.code === 'not-a-file') return undefined;
  if (read.code === 'ELOOP') return 'is a symbolic link in the work tree but a regular file in the git index, not followed';
  return read.error;
}

export interface ReadError {
  error: string;
  /** The system error code, or `not-a-file` / `too-large`. */
  code: string;
}

/** Not on Windows: there the flags are undefined and plain read-only opening is all there is. */
const OPEN_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Synchronous open/fstat/read into one reused buffer: on this workload (tens of thousands of small
 * files) it is several times faster than promise-based reads, which pay a thread-pool round trip
 * per file, and allocating a buffer per file costs as much again in garbage collection.
 * `O_NOFOLLOW` refuses a path that became a symbolic link after discovery checked it, and
 * `O_NONBLOCK` keeps a named pipe from blocking the scan (regular files ignore it).
 */
export class FileReader {
  private buffer: Buffer;

  constructor(private readonly maxSize: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(maxSize, 1024 * 1024));
  }

  /** The file's bytes, valid until the next call, and its mode. */
  read(path: string, maxSize = this.maxSize): { bytes: Buffer; mode: number } | ReadError {
    let fd: number | undefined;
    try {
      fd = openSync(path, OPEN_FLAGS);
      const stat = fstatSync(fd);
      if (!stat.isFile()) return { error: 'not a regular file, not scanned', code: 'not-a-file' };
      if (stat.size > maxSize) {
        return { error: `file is ${stat.size} bytes, above the ${maxSize}-byte limit (maxFileSize), not scanned`, code: 'too-large' };
      }
      if (this.buffer.length < stat.size) this.buffer = Buffer.allocUnsafe(stat.size);
      let off = 0;
      while (off < stat.size) {
        const n = readSync(fd, this.buffer, off, stat.size - off, null);
        if (n === 0) break;
        off += n;
      }
      return { bytes: this.buffer.subarray(0, off), mode: stat.mode };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const code = e.code ?? 'unknown';
      if (code === 'EACCES' || code === 'EPERM') return { error: 'permission denied, not scanned', code };
      if (code === 'ELOOP') return { error: 'is a symbolic link (changed since it was listed), not followed', code };
      return { error: `cannot read file: ${e.code ?? e.message}`, code };
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}
