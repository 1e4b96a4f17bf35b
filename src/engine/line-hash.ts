// GitHub code scanning's `primaryLocationLineHash`, computed exactly as github/codeql-action's upload
// step computes it (src/fingerprints.ts there) when a SARIF result has none: for each line, a rolling
// polynomial hash (base 37, modulo 2^64) over the next 100 characters of the file, counted from the
// line's first character with spaces and tabs left out and CR, LF and CRLF read as one LF; the file
// ends with the character 65535 and is padded with NULs. The value is `<hex>:<n>`, n counting the
// lines of the file with the same hex so far. sslguard writes it itself so that a log uploaded through
// the REST API (which computes nothing) keeps its alerts across edits above a finding, as one
// uploaded by the action does. Hand-written: the action's code is not a library, and the recipe is
// forty lines. The text is hashed with passwords masked: a 64-bit polynomial hash of a line with a
// short secret in it would give the secret away.

const BLOCK_SIZE = 100;
const BASE = 37n;
const EOF = 0xffff;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
/** BASE^BLOCK_SIZE modulo 2^64: the weight of the character leaving the window. */
const LEAVING = BigInt.asUintN(64, BASE ** BigInt(BLOCK_SIZE));

/** Line number (1-based) → primaryLocationLineHash, for every line of `text` and the one after a final newline. */
export function primaryLocationLineHashes(text: string): Map<number, string> {
  const window = new Array<number>(BLOCK_SIZE).fill(0);
  // The line that starts at each slot of the window, or -1.
  const startsLine = new Array<number>(BLOCK_SIZE).fill(-1);
  const seen = new Map<string, number>();
  const out = new Map<number, string>();
  let hash = 0n;
  let index = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;

  const emit = () => {
    const hex = hash.toString(16);
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    out.set(startsLine[index]!, `${hex}:${n}`);
    startsLine[index] = -1;
  };
  const push = (c: number) => {
    const leaving = window[index]!;
    window[index] = c;
    hash = BigInt.asUintN(64, BASE * hash + BigInt(c) - LEAVING * BigInt(leaving));
    index = (index + 1) % BLOCK_SIZE;
  };
  const read = (code: number) => {
    if (code === SPACE || code === TAB || (afterCR && code === LF)) {
      afterCR = false;
      return;
    }
    let c = code;
    if (c === CR) {
      c = LF;
      afterCR = true;
    } else {
      afterCR = false;
    }
    // The slot about to be overwritten held the start of a line 100 characters ago: its hash is complete.
    if (startsLine[index] !== -1) emit();
    if (atLineStart) {
      atLineStart = false;
      startsLine[index] = ++line;
    }
    if (c === LF) atLineStart = true;
    push(c);
  };

  for (let i = 0; i < text.length; i++) read(text.charCodeAt(i));
  read(EOF);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (startsLine[index] !== -1) emit();
    push(0);
  }
  return out;
}
