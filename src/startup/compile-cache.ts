// V8's code cache for the sslguard CLI. Most of a short run is compiling JavaScript: sslguard's
// own bundle, and, when a TS/JS file must be parsed, the 9 MB TypeScript compiler. Node 22.1+
// caches compiled code on disk itself (`module.enableCompileCache`); Node 20 has no such option,
// so there the CommonJS loader is given V8's cached data by hand, for large files only (the
// bundle, typescript.js): a small module costs less to compile than its cache file costs to read.
//
// The cache lives in the user's cache directory (`$XDG_CACHE_HOME/sslguard`, `~/.cache/sslguard`,
// `%LOCALAPPDATA%\sslguard` on Windows), never in a scanned repository. It is only used when the
// directory belongs to the user and nobody else may write to it, since its contents run as code.
// `SSLGUARD_COMPILE_CACHE=0` (or Node's own `NODE_DISABLE_COMPILE_CACHE=1`) turns it off, and
// `SSLGUARD_COMPILE_CACHE=<dir>` puts it elsewhere.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { threadId } from 'node:worker_threads';

/** Files below this size are left to Node: reading a cache entry costs about what compiling them does. */
export const MIN_CACHED_SIZE = 64 * 1024;

/** The environment variable the CLI sets for its worker threads once the cache is on. */
export const CACHE_ENV = 'SSLGUARD_COMPILE_CACHE';

const HEADER_MAGIC = 'sslguard-code-cache-1';
/** The length of the checksum line after the header: 40 hex digits and a newline. */
const DIGEST_LINE = 41;

export type CompileCacheStatus = { enabled: true; dir: string; via: 'node' | 'sslguard' } | { enabled: false; reason: string };

/** Where the cache goes, or why there is none. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): { dir: string } | { reason: string } {
  const setting = env[CACHE_ENV];
  if (setting === '0' || setting === 'false' || setting === 'off') return { reason: `${CACHE_ENV}=${setting}` };
  if (env.NODE_DISABLE_COMPILE_CACHE) return { reason: 'NODE_DISABLE_COMPILE_CACHE is set' };
  if (setting && path.isAbsolute(setting)) return { dir: setting };
  let base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  if (!base && process.platform === 'win32' && env.LOCALAPPDATA) base = env.LOCALAPPDATA;
  if (!base) {
    let home: string;
    try {
      home = homedir();
    } catch {
      return { reason: 'no home directory' };
    }
    if (!home) return { reason: 'no home directory' };
    base = path.join(home, '.cache');
  }
  return { dir: path.join(base, 'sslguard', 'compile-cache') };
}

/**
 * The directory, created if needed, when it is safe to run code from: a real directory (no
 * symbolic link), owned by this user, writable by nobody else. On Windows ownership is not checked.
 */
function usableDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return `${dir} is not a directory`;
    if (process.platform !== 'win32') {
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return `${dir} belongs to another user`;
      if ((stat.mode & 0o022) !== 0) return `${dir} is writable by other users`;
    }
    return undefined;
  } catch (error) {
    return `${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

let status: CompileCacheStatus | undefined;

/**
 * Turns the cache on for this thread (call it before loading what should be cached). Idempotent.
 * Never throws: without a usable directory sslguard simply compiles as usual.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): CompileCacheStatus {
  if (status) return status;
  const where = compileCacheDir(env);
  if ('reason' in where) return (status = { enabled: false, reason: where.reason });
  const problem = usableDirectory(where.dir);
  if (problem) return (status = { enabled: false, reason: problem });
  const native = (Module as unknown as { enableCompileCache?: (dir: string) => { status: number; message?: string } }).enableCompileCache;
  if (typeof native === 'function') {
    // Node's own cache keeps one subdirectory per Node version itself.
    const result = native(where.dir);
    const constants = (Module as unknown as { constants?: { compileCacheStatus?: Record<string, number> } }).constants?.compileCacheStatus;
    const ok = constants ? result.status === constants.ENABLED || result.status === constants.ALREADY_ENABLED : true;
    return (status = ok ? { enabled: true, dir: where.dir, via: 'node' } : { enabled: false, reason: result.message ?? 'Node refused the directory' });
  }
  // One subdirectory per Node build: V8 rejects data from another version anyway, and versions
  // used side by side (nvm) would otherwise overwrite each other's entries on every run.
  const dir = path.join(where.dir, `node-${process.version}-${process.arch}`);
  const subProblem = usableDirectory(dir);
  if (subProblem) return (status = { enabled: false, reason: subProblem });
  installLoaderHook(dir);
  return (status = { enabled: true, dir, via: 'sslguard' });
}

/**
 * Writes what this thread compiled without a usable cache entry. Runs by itself when the process
 * exits; worker threads, which are terminated rather than exited, call it once they are warm.
 */
export function flushCompileCache(): void {
  (Module as unknown as { flushCompileCache?: () => void }).flushCompileCache?.();
  const written = pending.splice(0);
  for (const entry of written) writeEntry(entry);
  if (written.length > 0) prune(path.dirname(written[0]!.file));
}

/**
 * Entries are per file path, and every install or build of sslguard (a pre-commit environment,
 * a CI checkout, a test's copy) has its own paths: the directory keeps the most recently written
 * entries, up to these limits, and drops the rest.
 */
export const MAX_ENTRIES = 24;
export const MAX_BYTES = 48 * 1024 * 1024;
/** A temporary file this old was left by a process that died while writing it. */
const STALE_TEMP_MS = 10 * 60 * 1000;

function prune(dir: string): void {
  try {
    const now = Date.now();
    const entries: Array<{ file: string; size: number; mtimeMs: number }> = [];
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const stat = statSync(file);
      if (name.endsWith('.bin')) entries.push({ file, size: stat.size, mtimeMs: stat.mtimeMs });
      else if (name.endsWith('.tmp') && now - stat.mtimeMs > STALE_TEMP_MS) unlinkSync(file);
    }
    entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
    let bytes = 0;
    for (const [index, entry] of entries.entries()) {
      bytes += entry.size;
      if (index >= MAX_ENTRIES || bytes > MAX_BYTES) unlinkSync(entry.file);
    }
  } catch {
    // Another process pruning at the same time, or an unreadable entry: the next write tries again.
  }
}

interface PendingEntry {
  file: string;
  header: string;
  script: vm.Script;
}

const pending: PendingEntry[] = [];
const counts = { hits: 0, misses: 0 };

/** Large CommonJS files this thread compiled from the cache (hits) and without it (misses); Node 20 only. */
export function compileCacheCounts(): { hits: number; misses: number } {
  return { ...counts };
}

interface ModuleInternals {
  wrap(source: string): string;
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: NodeModule): string[] | null;
  _extensions: Record<string, (this: unknown, module: NodeModule, filename: string) => void>;
  _cache: NodeJS.Dict<NodeModule>;
}

/**
 * Node's loader for `.js` files, taking over large CommonJS files: it reads them itself (see
 * `largeCommonJs`), compiles them with V8's cached data and runs them as Node would. Anything
 * else, and anything that fails to compile (an ES module Node would detect), goes to Node.
 */
function installLoaderHook(dir: string): void {
  const M = Module as unknown as ModuleInternals;
  const original = M._extensions['.js']!;
  M._extensions['.js'] = function (this: unknown, module: NodeModule, filename: string): void {
    const source = largeCommonJs(filename);
    if (!source) return original.call(this, module, filename);
    let compiled: vm.Script;
    let entry: PendingEntry | undefined;
    try {
      // The entry is tied to this exact file: path, size and modification time.
      const header = `${HEADER_MAGIC}\n${filename}\n${source.size}\n${source.mtimeMs}\n${source.text.length}\n`;
      const file = path.join(dir, `${hash(filename)}.bin`);
      const cachedData = readEntry(file, header);
      compiled = new vm.Script(M.wrap(source.text), { filename, ...(cachedData ? { cachedData } : {}), importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
      if (!cachedData || compiled.cachedDataRejected) entry = { file, header, script: compiled };
    } catch {
      return original.call(this, module, filename);
    }
    counts[entry ? 'misses' : 'hits']++;
    if (entry) schedule(entry);
    const wrapper = compiled.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    wrapper.call(module.exports, module.exports, makeRequire(module, M), module, filename, path.dirname(filename));
  };
}

/**
 * The text of a CommonJS file of at least MIN_CACHED_SIZE bytes, or undefined for what Node should
 * load itself: small files, ES modules (by the nearest package.json's "type"), hashbang scripts,
 * a byte-order mark. Read here because Node 20 reads a file into a string at half the speed of
 * reading its bytes and decoding them: typescript.js (9 MB) in 140 ms against 35 + 32 ms on the
 * development machine.
 */
function largeCommonJs(filename: string): { text: string; size: number; mtimeMs: number } | undefined {
  try {
    const stat = statSync(filename);
    if (stat.size < MIN_CACHED_SIZE) return undefined;
    const type = packageType(filename);
    if (type !== undefined && type !== 'commonjs') return undefined;
    const bytes = readFileSync(filename);
    const text = bytes.toString('utf8');
    if (text.startsWith('#!') || text.charCodeAt(0) === 0xfeff) return undefined;
    return { text, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * The "type" of the package a file belongs to, found as Node finds it: the nearest package.json
 * up to the enclosing node_modules; undefined without one or without the field, `unknown` when
 * a package.json cannot be read (Node then decides).
 */
function packageType(filename: string): string | undefined {
  let dir = path.dirname(filename);
  for (;;) {
    if (path.basename(dir) === 'node_modules') return undefined;
    let text: string | undefined;
    try {
      text = readFileSync(path.join(dir, 'package.json'), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return 'unknown';
    }
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return type === undefined ? undefined : typeof type === 'string' ? type : 'unknown';
      } catch {
        return 'unknown';
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function schedule(entry: PendingEntry): void {
  if (pending.length === 0 && threadIsMain()) process.once('exit', flushCompileCache);
  pending.push(entry);
}

function threadIsMain(): boolean {
  return threadId === 0;
}

/** `require` as Node builds it for a module, with the parts packages use. */
function makeRequire(module: NodeModule, M: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => M._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => M._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = M._extensions as unknown as NodeJS.RequireExtensions;
  require.cache = M._cache;
  return require;
}

/**
 * V8 checks that cached data was made by the same V8 for a source of the same length, but not the
 * data itself (its checksum is verified in debug builds only): a damaged entry would crash the
 * process, not be rejected. So each entry carries a digest of its data, checked before use. SHA-1
 * is a checksum here (anyone who can write the directory can write a matching digest): the
 * fastest one Node has, 2 to 6 ms for TypeScript's 2.5 MB.
 */
function digest(data: Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The cached data of `file` when its header is `header` exactly and the data matches its digest. */
function readEntry(file: string, header: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const headerBytes = Buffer.byteLength(header);
    if (size <= headerBytes + DIGEST_LINE) return undefined;
    const data = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, data, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    if (off !== size || data.toString('utf8', 0, headerBytes) !== header) return undefined;
    const cached = data.subarray(headerBytes + DIGEST_LINE);
    if (data.toString('latin1', headerBytes, headerBytes + DIGEST_LINE) !== `${digest(cached)}\n`) return undefined;
    return cached;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Written beside the entry and renamed over it: a concurrent reader sees the old entry or the new one. */
function writeEntry(entry: PendingEntry): void {
  const temp = `${entry.file}.${process.pid}.${threadId}.tmp`;
  try {
    const data = entry.script.createCachedData();
    writeFileSync(temp, Buffer.concat([Buffer.from(`${entry.header}${digest(data)}\n`), data]), { mode: 0o600 });
    renameSync(temp, entry.file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}

/** FNV-1a: a file name per source path, not a security measure (the header is compared in full). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
