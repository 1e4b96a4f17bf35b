import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { literalAlternation } from '../../src/text/literal-alternation.js';
import { escapeRegExp, SOURCE_TRIGGERS } from '../../src/extract/source.js';

/** The first match's index of the flat alternation and of the factored one, for the same words. */
function firstMatches(words: readonly string[], text: string): [number, number] {
  const flat = new RegExp(words.map(escapeRegExp).join('|'));
  const factored = new RegExp(literalAlternation(words));
  return [text.search(flat), text.search(factored)];
}

describe('literalAlternation', () => {
  it('factors words by prefix', () => {
    expect(literalAlternation(['postgres://', 'postgresql://', 'postgres+', 'pg-pool', 'pg-promise'])).toBe(
      'p(?:ostgres(?:://|ql://|\\+)|g-p(?:ool|romise))',
    );
    expect(literalAlternation(['a', 'ab', 'abc', 'x.y'])).toBe('a(?:bc?)?|x\\.y');
  });

  it('matches where the flat alternation matches, on the source triggers', () => {
    const alphabet = fc.constantFrom(...'postgresqlSSLPG:/+-\'"@ =connectionStringa'.split(''));
    const text = fc.array(fc.oneof(alphabet, fc.constantFrom(...SOURCE_TRIGGERS)), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const [flat, factored] = firstMatches(SOURCE_TRIGGERS, t);
        expect(factored).toBe(flat);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches where the flat alternation matches, on random word lists with regex metacharacters', () => {
    const char = fc.constantFrom(...'ab.*+?()[]{}|\\^$-/'.split(''));
    const word = fc.array(char, { minLength: 1, maxLength: 5 }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(char, { maxLength: 30 }), (words, chars) => {
        const [flat, factored] = firstMatches(words, chars.join(''));
        expect(factored).toBe(flat);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an empty word (it would match everywhere)', () => {
    expect(() => literalAlternation(['a', ''])).toThrow(/empty word/);
  });
});
