import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { primaryLocationLineHashes } from '../../src/engine/line-hash.js';

// GitHub's primaryLocationLineHash. The expected values are those of github/codeql-action's own
// tests of its fingerprinting (src/fingerprints.test.ts there), which sslguard must reproduce for
// the upload action to accept the hashes it writes.

/** The definition, without the rolling window: for line n, sum of c_i * 37^(99-i) over the 100 characters from its start. */
function reference(text: string): Map<number, string> {
  const stream: number[] = [];
  const starts: number[] = [];
  let atStart = true;
  let afterCR = false;
  const add = (code: number) => {
    if (code === 0x20 || code === 0x09 || (afterCR && code === 0x0a)) {
      afterCR = false;
      return;
    }
    const c = code === 0x0d ? 0x0a : code;
    afterCR = code === 0x0d;
    if (atStart) {
      starts.push(stream.length);
      atStart = false;
    }
    if (c === 0x0a) atStart = true;
    stream.push(c);
  };
  for (let i = 0; i < text.length; i++) add(text.charCodeAt(i));
  add(0xffff);
  const out = new Map<number, string>();
  const seen = new Map<string, number>();
  starts.forEach((start, n) => {
    let h = 0n;
    for (let i = 0; i < 100; i++) h = BigInt.asUintN(64, h * 37n + BigInt(stream[start + i] ?? 0));
    const hex = h.toString(16);
    seen.set(hex, (seen.get(hex) ?? 0) + 1);
    out.set(n + 1, `${hex}:${seen.get(hex)}`);
  });
  return out;
}

describe('primaryLocationLineHashes', () => {
  it("gives github/codeql-action's values", () => {
    expect([...primaryLocationLineHashes('')]).toEqual([[1, 'c129715d7a2bc9a3:1']]);
    expect([...primaryLocationLineHashes(' a\nb\n  \t\tc\n d').values()]).toEqual(['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']);
  });

  it('reads CR, LF and CRLF alike and ignores spaces and tabs', () => {
    expect(primaryLocationLineHashes(' a\r\nb\r  \t\tc\n d')).toEqual(primaryLocationLineHashes(' a\nb\n  \t\tc\n d'));
    expect(primaryLocationLineHashes('a b\n')).toEqual(primaryLocationLineHashes('ab\n'));
  });

  it('counts repeated lines, and keeps a line\'s hash when lines are added far above it', () => {
    const body = 'DATABASE_URL=postgresql://a@db.example.com/app?sslmode=disable\n';
    const hashes = primaryLocationLineHashes(`x\n${body}`);
    const moved = primaryLocationLineHashes(`${'# comment\n'.repeat(30)}x\n${body}`);
    expect(moved.get(32)).toBe(hashes.get(2));
    const twice = primaryLocationLineHashes(`${body}${body}${body}`);
    expect(twice.get(1)!.split(':')[0]).toBe(twice.get(2)!.split(':')[0]);
    expect(twice.get(2)!.endsWith(':2')).toBe(true);
  });

  it('agrees with the definition on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '\n', '\r', 'é', '😀', '=') , maxLength: 400 }), (text) => {
        expect(primaryLocationLineHashes(text)).toEqual(reference(text));
      }),
      { numRuns: 300 },
    );
  });
});
