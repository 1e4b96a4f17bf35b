// Reading the files the user names (a config file, a baseline, --print-config's file) and writing
// the reports sslguard is told to write, when the repository may have planted what sits at that
// path. Hand-written: Node's readFileSync/writeFileSync follow links, block on a FIFO and read
// `/dev/zero` until memory runs out, and no small library does the few system calls below.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { leavesBoundary, type Boundary } from './boundary.js';

/** Why a named file was not read or written; callers put the file's name before the message. */
export class FileAccessError extends Error {
  override name = 'FileAccessError';
  constructor(
    message: string,
    /** The system error code (`ENOENT`, `EACCES`), when the system refused. */
    readonly code?: string,
    /** The system refused (the message is `cannot be read (CODE)`), rather than sslguard. */
    readonly system = false,
  ) {
    super(message);
  }
}

// Absent on Windows, where the flags mean nothing anyway.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_NOCTTY = fs.constants.O_NOCTTY ?? 0;

function systemError(error: unknown, doing: string): FileAccessError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new FileAccessError(`is a symbolic link, not ${doing} through it`, code);
  if (code === 'ENXIO') return new FileAccessError(`is a FIFO or socket, not ${doing}`, code);
  return new FileAccessError(`cannot be ${doing} (${code ?? (error as Error).message})`, code ?? (error as Error).message, true);
}

function outside(real: string): FileAccessError {
  return new FileAccessError(`leads through a symbolic link outside the working directory and its repository (to ${real}), not followed`);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export interface ReadOptions {
  /** Refuse a file larger than this (also when its size is not known in advance, as in /proc). */
  maxBytes: number;
  /** Where a link may lead: see boundary.ts. */
  boundary: Boundary;
}

/**
 * The bytes of a regular file, at most `maxBytes`. The path is resolved and checked against the
 * boundary, then opened without following a link at its last component and without blocking
 * (a FIFO would wait for a writer for ever), and what was opened is checked with fstat.
 * Throws FileAccessError; `code` is `ENOENT` when there is no such file.
 */
export function readNamedFile(abs: string, { maxBytes, boundary }: ReadOptions): Buffer {
  let real: string;
  try {
    real = fs.realpathSync.native(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileAccessError('no such file', 'ENOENT');
    throw systemError(error, 'read');
  }
  const leaving = leavesBoundary(boundary, abs);
  if (leaving !== undefined) throw outside(leaving);
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileAccessError('no such file', 'ENOENT');
    throw systemError(error, 'read');
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new FileAccessError(`is ${kindOf(stat)}; name a regular file`, stat.isDirectory() ? 'EISDIR' : undefined);
    const tooLarge = () => new FileAccessError(`is larger than ${maxBytes} bytes, not read`, 'EFBIG');
    if (stat.size > maxBytes) throw tooLarge();
    // Read to the limit and one byte past it: a size of 0 in fstat (procfs) proves nothing.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stat.size + 1, 64 * 1024)));
    let length = 0;
    let chunk = buffer;
    for (;;) {
      if (length === chunk.length) {
        if (length > maxBytes) throw tooLarge();
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, length);
        chunk = bigger;
      }
      const n = fs.readSync(fd, chunk, length, chunk.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw tooLarge();
    return chunk.subarray(0, length);
  } catch (error) {
    if (error instanceof FileAccessError) throw error;
    throw systemError(error, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

export interface WriteOptions {
  boundary: Boundary;
  /** Create missing parent directories. */
  mkdir?: boolean;
}

function prepareDirectory(abs: string, { boundary, mkdir }: WriteOptions): void {
  const leaving = leavesBoundary(boundary, abs);
  if (leaving !== undefined) throw outside(leaving);
  if (mkdir) {
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
    } catch (error) {
      throw systemError(error, 'written');
    }
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let at = 0;
  while (at < bytes.length) at += fs.writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * Writes a report where the user said. A symbolic link at that path (one the repository committed
 * to point at `~/.bashrc`) is refused, not written through; so is a path a linked directory leads
 * out of the working directory and its repository.
 */
export function writeNamedFile(abs: string, data: string | Uint8Array, options: WriteOptions): void {
  prepareDirectory(abs, options);
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0o666);
  } catch (error) {
    throw systemError(error, 'written');
  }
  try {
    writeAll(fd, data);
  } catch (error) {
    throw systemError(error, 'written');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes beside the target under a name nobody can guess, created exclusively (so a link planted
 * there is never followed), then renames it over the target: an interrupted run never leaves half
 * a file, and a link at the target is replaced, not written through.
 */
export function replaceNamedFile(abs: string, data: string | Uint8Array, options: WriteOptions): void {
  prepareDirectory(abs, options);
  const temporary = `${abs}.${randomBytes(12).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o666);
  } catch (error) {
    throw systemError(error, 'written');
  }
  try {
    try {
      writeAll(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, abs);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw systemError(error, 'written');
  }
}
