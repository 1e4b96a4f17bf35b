// parseDotenv tries dotenv's line expression only at line starts and skips runs of white space
// where it failed, and stripDotenvQuotes replaces dotenv's quote-stripping expression (issue 19:
// both were quadratic or worse). These property tests hold them to the expressions they replace,
// run as dotenv runs them, on generated files made of the characters those expressions care about.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDotenv, stripDotenvQuotes } from '../../src/extract/env.js';

const DOTENV_LINE =
  /(?:^|^)\s*(export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

/** The name, value-group and export ranges of every match of the `g` search, as parseDotenv reads them. */
function reference(text: string): Array<[string, number, number, boolean]> {
  const t = text.replace(/\r\n?/g, '\n');
  return [...t.matchAll(DOTENV_LINE)].map((m) => [m[2]!, m.indices![2]![0], m.indices![4]?.[0] ?? m.indices![3]![1], m[1] !== undefined]);
}

const pieces = ['A', 'b', '_', '.', '-', '=', ':', ' ', '\t', '\n', '\r\n', '\r', '\u2028', '#', "'", '"', '`', '\\', 'export ', 'x=1', '\n\n', '  \n'];

describe('linear dotenv parsing', () => {
  it('finds the entries the g search of dotenv’s expression finds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        if (text.includes('\r') || text.includes('\u2028')) {
          // Positions are mapped back through CR LF; compare names and order there.
          expect(parseDotenv(text).map((e) => e.name)).toEqual(reference(text).map((r) => r[0]));
          return;
        }
        const got = parseDotenv(text).map((e) => [e.name, e.nameRange.start, e.exported]);
        expect(got).toEqual(reference(text).map(([name, start, , exported]) => [name, start, exported]));
      }),
      { numRuns: 5000 },
    );
  });

  it('strips quotes as dotenv’s replace does', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', "'", '"', '`', '\n', '\r', '\u2028', ' ', "'\n", '"\n'), { maxLength: 30 }), (parts) => {
        const value = parts.join('');
        expect(stripDotenvQuotes(value)).toBe(value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2'));
      }),
      { numRuns: 5000 },
    );
  });
});
