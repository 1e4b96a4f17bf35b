/**
 * Bytes → text the way editors show it, so positions match what users see. A UTF-8 BOM is
 * dropped (editors do not count it as a column); UTF-16 files with a BOM are decoded; a NUL byte in
 * the first 8 KiB without a UTF-16 BOM marks a binary file; invalid UTF-8 is decoded with U+FFFD
 * and reported, since a file we cannot decode faithfully may hide a value.
 */
export type Decoded = { ok: true; text: string; warning?: string } | { ok: false; reason: string };

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
  if (head.includes(0)) return { ok: false, reason: 'binary file (NUL bytes), not scanned' };
  try {
    return { ok: true, text: utf8.decode(body) };
  } catch {
    return { ok: true, text: utf8Lenient.decode(body), warning: 'invalid UTF-8: undecodable bytes were replaced with U+FFFD' };
  }
}
