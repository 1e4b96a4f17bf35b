import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../rules/index.js';
import { renderRuleDocs } from '../src/docs/rule-docs.js';

const root = join(import.meta.dirname, '..');

describe('documentation', () => {
  it('docs/rules.md is generated from the current rule metadata (run `npm run docs` after changing a rule)', () => {
    expect(readFileSync(join(root, 'docs', 'rules.md'), 'utf8')).toBe(renderRuleDocs(rules));
  });

  it('the README rule table lists every rule with its default severity', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const r of rules) {
      expect(readme).toMatch(new RegExp(`\\|\\s*\\[?\`${r.meta.id}\`\\]?(\\([^)]*\\))?\\s*\\|\\s*${r.meta.defaultSeverity}\\s*\\|`));
    }
  });

  it('every rule has an id in kebab-case, a rationale and good and bad examples', () => {
    const ids = new Set<string>();
    for (const r of rules) {
      expect(r.meta.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(ids.has(r.meta.id)).toBe(false);
      ids.add(r.meta.id);
      expect(r.meta.rationale.length).toBeGreaterThan(60);
      expect(r.meta.examples.good.length).toBeGreaterThan(0);
      expect(r.meta.examples.bad.length).toBeGreaterThan(0);
    }
  });
});
