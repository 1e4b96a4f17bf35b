import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GREP_PATTERN, isPrefiltered, sourceMayHoldFacts } from '../../src/extract/prefilter.js';
import { hasSourceTriggers, SOURCE_TRIGGERS } from '../../src/extract/source.js';
import { extractFile } from '../../src/extract/index.js';
import { resolveConfig } from '../../src/engine/lint.js';
import { decodeText } from '../../src/text/decode.js';

const config = resolveConfig();

/** What the extractors themselves look for in decoded text: the prefilter must agree exactly. */
function textMayHoldFacts(text: string): boolean {
  return hasSourceTriggers(text) || text.includes('-----BEGIN');
}

const FRAGMENTS = [...SOURCE_TRIGGERS, '-----BEGIN', 'SS', 'sl', 'postgre', 'host', '=', 'reject', 'Unauthorized', 'é', '€', '𝄞', '\n', ' ', 'const a = 1;'];
const fragmentText = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join(''));
/** Bytes that are not always UTF-8: stray continuation bytes, truncated sequences, lone 0xFF. */
const messyBytes = fc
  .array(fc.oneof(fragmentText.map((t) => Buffer.from(t, 'utf8')), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b.map((x) => x | 0x80)))), { maxLength: 8 })
  .map((parts) => Buffer.concat(parts));

describe('sourceMayHoldFacts', () => {
  it('agrees with the decoded-text triggers on any UTF-8 text', () => {
    fc.assert(
      fc.property(fragmentText, (text) => {
        expect(sourceMayHoldFacts(Buffer.from(text, 'utf8'))).toBe(textMayHoldFacts(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the triggers of the text decodeText makes from invalid UTF-8', () => {
    fc.assert(
      fc.property(messyBytes, (bytes) => {
        const decoded = decodeText(bytes);
        if (!decoded.ok) return;
        // Junk may begin with a UTF-16 byte order mark: such files always pass (a superset is safe).
        const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
        expect(sourceMayHoldFacts(bytes)).toBe(utf16 || textMayHoldFacts(decoded.text));
      }),
      { numRuns: 2000 },
    );
  });

  it('lets every UTF-16 file through, whose ASCII is interleaved with NUL bytes', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('export const x = 1;\n', 'utf16le')]);
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x78]);
    expect(sourceMayHoldFacts(le)).toBe(true);
    expect(sourceMayHoldFacts(be)).toBe(true);
    expect(sourceMayHoldFacts(Buffer.from('export const x = 1;\n'))).toBe(false);
  });

  it('accepts views into a larger buffer (the scanner reuses one read buffer)', () => {
    const buffer = Buffer.from('export const a = 1;\nconst url = "postgres://x";');
    expect(sourceMayHoldFacts(buffer.subarray(0, 20))).toBe(false);
    expect(sourceMayHoldFacts(buffer.subarray(20))).toBe(true);
    expect(sourceMayHoldFacts(new Uint8Array(buffer.buffer, buffer.byteOffset + 20, buffer.length - 20))).toBe(true);
  });

  it('applies to plain TS/JS source only', () => {
    expect(isPrefiltered(['source'])).toBe(true);
    expect(isPrefiltered(['env'])).toBe(false);
    expect(isPrefiltered(['compose', 'yaml'])).toBe(false);
    expect(isPrefiltered(['mcp', 'json'])).toBe(false);
  });
});

const SNIPPETS = [
  "import { Pool } from 'pg';\n",
  'export const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });\n',
  "const url = 'postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable';\n",
  "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n",
  'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
  "const label = 'café ☕';\n",
  '// just a comment\n',
];
const sourceBytes = fc
  .array(fc.oneof(fc.constantFrom(...SNIPPETS).map((s) => Buffer.from(s)), fc.constant(Buffer.from([0xc3, 0x28, 0x0a]))), { maxLength: 5 })
  .map((parts) => Buffer.concat(parts));

describe('extractFile with the prefilter', () => {
  it('gives the facts of the full path, and the decoding diagnostics, for any mix of source', () => {
    fc.assert(
      fc.property(sourceBytes, fc.constantFrom('src/db.ts', 'lib/pool.js', 'app/page.tsx'), (bytes, file) => {
        const viaBytes = extractFile({ file, bytes }, config);
        const decoded = decodeText(bytes);
        if (!decoded.ok) throw new Error('generated source is never binary');
        const viaText = extractFile({ file, text: decoded.text }, config);
        expect(viaBytes.facts).toEqual(viaText.facts);
        expect(viaBytes.diagnostics).toEqual([...(decoded.warning ? [{ file, message: decoded.warning }] : []), ...viaText.diagnostics]);
      }),
      { numRuns: 150 },
    );
  });

  it('reports a binary or invalid UTF-8 source file it skipped, as decoding would', () => {
    const binary = extractFile({ file: 'src/blob.js', bytes: Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]) }, config);
    expect(binary.diagnostics).toEqual([{ file: 'src/blob.js', message: 'binary file (NUL bytes), not scanned' }]);
    const invalid = extractFile({ file: 'src/latin1.ts', bytes: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) }, config);
    expect(invalid.diagnostics).toEqual([{ file: 'src/latin1.ts', message: 'invalid UTF-8: undecodable bytes were replaced with U+FFFD' }]);
    expect(invalid.text).toBeUndefined();
  });
});

describe('GREP_PATTERN (git grep -P in byte mode)', () => {
  // PCRE in byte mode and a JavaScript regular expression over a latin1 string read this pattern
  // alike (a byte class and escaped ASCII literals); the git tests run it through real git grep.
  const asBytes = new RegExp(GREP_PATTERN);
  const matches = (bytes: Buffer): boolean => asBytes.test(bytes.toString('latin1'));

  it('matches every file whose extraction could hold a fact or a diagnostic, so skipping the rest changes nothing', () => {
    const anyBytes = fc.oneof(messyBytes, fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fragmentText.map((t) => Buffer.from(t, 'utf16le')));
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        if (matches(bytes)) return;
        expect(sourceMayHoldFacts(bytes)).toBe(false);
        expect(extractFile({ file: 'src/db.ts', bytes }, config)).toEqual({ facts: [], diagnostics: [] });
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves out plain ASCII source without a keyword, the bulk of a repository', () => {
    expect(matches(Buffer.from('export function add(a: number, b: number) {\n  return a + b;\n}\n'))).toBe(false);
    expect(matches(Buffer.from("import { Pool } from 'pg';\n"))).toBe(true);
    expect(matches(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe(true);
  });
});
