import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/engine/lint.js';
import { defineRule } from '../../src/engine/rule.js';
import { rules } from '../../rules/index.js';

// A bug in one rule must cost only that rule's findings, never the scan.
const broken = defineRule({
  meta: {
    id: 'broken-rule',
    description: 'throws',
    defaultSeverity: 'error',
    rationale: 'test',
    messages: { m: 'x' },
    examples: { good: [{ file: 'a.env', code: '' }], bad: [{ file: 'a.env', code: '' }] },
  },
  check() {
    throw new Error('boom');
  },
});

describe('rule errors', () => {
  it('become a diagnostic and the other rules still report', () => {
    const r = lintSources(
      [{ file: '.env.example', text: 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n' }],
      { rules: [broken, ...rules], now: new Date('2026-11-26T00:00:00Z') },
    );
    expect(r.findings.map((f) => f.ruleId)).toContain('no-ssl-disabled');
    expect(r.diagnostics).toContainEqual({ file: '.', message: expect.stringContaining('internal error in rule broken-rule') });
  });
});
