// `npm run docs`: regenerates docs/rules.md from the rule metadata, and the README's sslmode table.
import { readFileSync, writeFileSync } from 'node:fs';
import { rules } from '../../rules/index.js';
import { renderRuleDocs } from './rule-docs.js';
import { withSslmodeTable } from './sslmode-table.js';

const target = new URL('../../../docs/rules.md', import.meta.url);
writeFileSync(target, renderRuleDocs(rules));
process.stdout.write(`wrote ${target.pathname}\n`);

const readme = new URL('../../../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const updated = withSslmodeTable(text);
if (updated !== text) {
  writeFileSync(readme, updated);
  process.stdout.write(`updated ${readme.pathname}\n`);
}
