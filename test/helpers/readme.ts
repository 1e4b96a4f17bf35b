// The README's code blocks, for tests that run its snippets as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The `nth` ```lang block after the first occurrence of `heading` in the README. */
export function blockAfter(heading: string, lang: string, nth = 0): string {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README has no "${heading}"`);
  const blocks = [...readme.slice(at).matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))];
  if (!blocks[nth]) throw new Error(`no \`\`\`${lang} block #${nth} after "${heading}"`);
  return blocks[nth]![1]!;
}

/** The file name the README's ESLint section tells users to write its config snippet into. */
export function eslintConfigName(): string {
  const section = readme.slice(readme.indexOf('## ESLint plugin'));
  const name = /write `(eslint\.config\.[mc]?[jt]s)`/.exec(section.slice(0, section.indexOf('```')));
  if (!name) throw new Error('the README\'s ESLint section names no eslint.config file before its snippet');
  return name[1]!;
}
