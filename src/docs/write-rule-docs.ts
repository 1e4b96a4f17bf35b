// `npm run docs`: regenerates docs/rules.md from the rule metadata.
import { writeFileSync } from 'node:fs';
import { rules } from '../../rules/index.js';
import { renderRuleDocs } from './rule-docs.js';

const target = new URL('../../../docs/rules.md', import.meta.url);
writeFileSync(target, renderRuleDocs(rules));
process.stdout.write(`wrote ${target.pathname}\n`);
