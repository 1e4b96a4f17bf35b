// Every rule's documented examples, run through the real engine: good samples must not trigger the
// rule, bad samples must (exactly `findings` times when the example says so).
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/engine/lint.js';
import type { RuleExample } from '../../src/engine/rule.js';
import { rules } from '../../rules/index.js';

// A fixed clock well inside the validity of the good cert-expiry example (2026-11-26 → 2126-11-02).
const NOW = new Date('2027-03-01T12:00:00Z');

function lint(example: RuleExample) {
  return lintSources(
    [{ file: example.file, text: example.code, ...(example.git ? { git: example.git } : {}), ...(example.mode !== undefined ? { mode: example.mode } : {}) }],
    { now: NOW, ...(example.config ? { config: example.config } : {}) },
  );
}

function findingsOf(ruleId: string, example: RuleExample) {
  return lint(example).findings.filter((f) => f.ruleId === ruleId);
}

describe('rule catalogue', () => {
  it('lists the 16 rules in catalogue order with unique ids', () => {
    expect(rules.map((r) => r.meta.id)).toEqual([
      'no-ssl-disabled',
      'require-sslmode',
      'require-verify-full',
      'no-reject-unauthorized',
      'require-root-cert',
      'absolute-cert-path',
      'verify-full-ip-host',
      'tls-min-version',
      'pg-sslmode-alias',
      'prisma-ssl',
      'ignored-tls-setting',
      'no-plaintext-password',
      'gitignore-certs',
      'gitignore-env',
      'cert-expiry',
      'key-permissions',
    ]);
  });

  it('gives every rule at least one good and one bad example', () => {
    for (const rule of rules) {
      expect(rule.meta.examples.good.length, rule.meta.id).toBeGreaterThan(0);
      expect(rule.meta.examples.bad.length, rule.meta.id).toBeGreaterThan(0);
    }
  });

  it('uses sample files that sslguard reads without diagnostics', () => {
    for (const rule of rules) {
      for (const ex of [...rule.meta.examples.good, ...rule.meta.examples.bad]) {
        expect(lint(ex).diagnostics, `${rule.meta.id} ${ex.file}`).toEqual([]);
      }
    }
  });

  it('never embeds a private key in an example', () => {
    for (const rule of rules) {
      for (const ex of [...rule.meta.examples.good, ...rule.meta.examples.bad]) {
        expect(ex.code, `${rule.meta.id} ${ex.file}`).not.toMatch(/PRIVATE KEY/);
      }
    }
  });
});

for (const rule of rules) {
  describe(`${rule.meta.id} examples`, () => {
    rule.meta.examples.good.forEach((example, i) => {
      it(`good #${i + 1} (${example.file}) yields no finding`, () => {
        expect(findingsOf(rule.meta.id, example)).toEqual([]);
      });
    });
    rule.meta.examples.bad.forEach((example, i) => {
      it(`bad #${i + 1} (${example.file}) yields ${example.findings ?? 'at least one'} finding(s)`, () => {
        const found = findingsOf(rule.meta.id, example);
        if (example.findings !== undefined) expect(found).toHaveLength(example.findings);
        else expect(found.length).toBeGreaterThan(0);
        for (const f of found) expect(f.message).not.toMatch(/\{\{\w+\}\}/);
      });
    });
  });
}
