import { isUtf8 } from 'node:buffer';

/**
 * Bytes → text the way editors show it, so positions match what users see. A UTF-8 BOM is
 * dropped (editors do not count it as a column); UTF-16 files with a BOM are decoded; a NUL byte in
 * the first 8 KiB without a UTF-16 BOM marks a binary file; invalid UTF-8 is decoded with U+FFFD
 * and reported, since a file we cannot decode faithfully may hide a value.
 */
export type Decoded = { ok: true; text: string; warning?: string } | { ok: false; reason: string };

const BINARY = 'binary file (NUL bytes), not scanned';
const INVALID_UTF8 = 'invalid UTF-8: undecodable bytes were replaced with U+FFFD';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { ok: true, text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  }
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  const head = body.subarray(0, 8192);
  if (head.includes(0)) return { ok: false, reason: BINARY };
  try {
    return { ok: true, text: utf8.decode(body) };
  } catch {
    return { ok: true, text: utf8Lenient.decode(body), warning: INVALID_UTF8 };
  }
}

/**
 * What `decodeText` would report for `bytes`, without building the text: for files the prefilter
 * shows cannot hold a fact, whose diagnostics must still be the same. `isUtf8` validates in place.
 */
export function inspectBytes(bytes: Uint8Array): { ok: true; warning?: string } | { ok: false; reason: string } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return { ok: true };
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  if (body.subarray(0, 8192).includes(0)) return { ok: false, reason: BINARY };
  return isUtf8(body) ? { ok: true } : { ok: true, warning: INVALID_UTF8 };
}
