import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeText, inspectBytes } from '../../src/text/decode.js';

/** What `decodeText` says about bytes, without the text. */
function verdict(bytes: Uint8Array): ReturnType<typeof inspectBytes> {
  const d = decodeText(bytes);
  if (!d.ok) return { ok: false, reason: d.reason };
  return d.warning ? { ok: true, warning: d.warning } : { ok: true };
}

const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];
/** Bytes near every edge: BOMs, NULs, overlong forms, surrogates encoded in UTF-8, truncated sequences. */
const edgyBytes = fc
  .tuple(
    fc.constantFrom(...BOMS),
    fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
        fc.constantFrom([0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00], [0xf0, 0x9f, 0x98, 0x80]).map((b) => new Uint8Array(b)),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([bom, parts]) => Buffer.concat([Buffer.from(bom), ...parts.map((p) => Buffer.from(p))]));

describe('inspectBytes', () => {
  it('says what decodeText says, for any bytes', () => {
    fc.assert(
      fc.property(edgyBytes, (bytes) => {
        expect(inspectBytes(bytes)).toEqual(verdict(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('looks for NUL bytes in the first 8 KiB only, after a UTF-8 BOM', () => {
    const late = Buffer.concat([Buffer.alloc(8192, 0x61), Buffer.from([0x00])]);
    expect(inspectBytes(late)).toEqual({ ok: true });
    const early = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.alloc(8188, 0x61), Buffer.from([0x00])]);
    expect(inspectBytes(early)).toEqual({ ok: false, reason: 'binary file (NUL bytes), not scanned' });
    expect(verdict(early)).toEqual(inspectBytes(early));
  });
});
