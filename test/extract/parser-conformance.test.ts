// One extractor reads two trees: oxc-parser's (the CLI) and typescript-estree's (the ESLint plugin,
// through typescript-eslint's parser). Every TS/JS fixture and test source file must give the same
// facts and diagnostics through both.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { extractSource } from '../../src/extract/source.js';
import { nestingDepthBound, parseSource, parseWithEstree, jsxForFile } from '../../src/extract/js/ast.js';

const root = join(import.meta.dirname, '..', '..');
const files = fg.sync(['fixtures/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', 'test/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', 'bench/**/*.{ts,mjs}'], { cwd: root, dot: true, ignore: ['**/node_modules/**'] });

describe('oxc-parser and typescript-estree give the same facts', () => {
  it('covers the fixtures and the tests', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.startsWith('fixtures/'))).toBe(true);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const oxc = parseSource(text, file);
    const estree = parseWithEstree(text, jsxForFile(file));
    // Both parsers agree whether the file parses at all (a syntax error in a fixture is deliberate).
    expect(oxc.ok, `oxc: ${oxc.ok ? '' : oxc.message}; estree: ${estree.ok ? '' : estree.message}`).toBe(estree.ok);
    if (!oxc.ok || !estree.ok) return;
    const viaOxc = extractSource({ file, text });
    const viaEstree = extractSource({ file, text, program: estree.program });
    expect(viaOxc).toEqual(viaEstree);
  });
});

describe('nestingDepthBound', () => {
  const deep = 5000;
  const shapes: Record<string, string> = {
    arrays: `x = ${'['.repeat(deep)}1${']'.repeat(deep)};`,
    parens: `x = ${'('.repeat(deep)}1${')'.repeat(deep)};`,
    objects: `x = ${'{a:'.repeat(deep)}1${'}'.repeat(deep)};`,
    'prefix operators': `x = ${'!'.repeat(deep)}1;`,
    'prefix operators on lines': `x = ${'!\n'.repeat(deep)}1;`,
    arrows: `x = ${'a=>'.repeat(deep)}1;`,
    ternaries: `x = ${'a?b:'.repeat(deep)}1;`,
    assignments: `${'a=\n'.repeat(deep)}1;`,
    'else if': `${'if(a){b;}\nelse '.repeat(deep)}{}`,
    'nested if': `${'if(a)\n'.repeat(deep)}x;`,
    blocks: `${'{'.repeat(deep)}${'}'.repeat(deep)}`,
    'type arguments': `let x: ${'A<'.repeat(deep)}B${'>'.repeat(deep)};`,
    'type arguments on lines': `let x: ${'A\n<'.repeat(deep)}B${'>'.repeat(deep)};`,
    'new new': `x = ${'new '.repeat(deep)}X;`,
    'closers hidden in strings': `x = ${'["]", '.repeat(deep)}1${']'.repeat(deep)};`,
    'closers hidden in regexes': `x = ${'[/]/, '.repeat(deep)}1${']'.repeat(deep)};`,
    'closers hidden in templates': `x = ${'[`]${"]"}`, '.repeat(deep)}1${']'.repeat(deep)};`,
    'closers hidden in comments': `x = ${'[/*]*/ //]\n'.repeat(deep)}1${']'.repeat(deep)};`,
  };
  it.each(Object.entries(shapes))('sees deep %s', (_, text) => {
    expect(nestingDepthBound(text)).toBeGreaterThan(1000);
  });

  it('stays low on ordinary code, including files without semicolons', () => {
    for (const file of files.filter((f) => !f.startsWith('fixtures/bad-input/deep/'))) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(nestingDepthBound(text), relative(root, join(root, file))).toBeLessThan(200);
    }
  });
});
