import { describe, expect, it } from 'vitest';
import rule from '../../rules/key-permissions.js';
import { fileFact, runRule } from '../helpers/facts.js';

describe('key-permissions', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('key-permissions');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports a group/world-readable key with its mode and the chmod command', () => {
    const found = runRule(rule, [fileFact('certs/client.key', { fileKind: 'private-key', mode: 0o644 })]);
    expect(found.map((f) => f.severity)).toEqual(['warning']);
    expect(found[0]!.message).toBe('Private key certs/client.key is readable by group/others (mode 0644); run `chmod 600 certs/client.key`.');
  });

  it.each([0o640, 0o604, 0o601, 0o100660])('reports mode %o', (mode) => {
    expect(runRule(rule, [fileFact('client.key', { fileKind: 'private-key', mode })])).toHaveLength(1);
  });

  it('shows only the permission bits of a full st_mode', () => {
    const [r] = runRule(rule, [fileFact('client.key', { fileKind: 'private-key', mode: 0o100644 })]);
    expect(r!.message).toContain('(mode 0644)');
  });

  it('accepts 600 and 400, unknown modes, and files that are not keys', () => {
    expect(
      runRule(rule, [
        fileFact('a.key', { fileKind: 'private-key', mode: 0o600 }),
        fileFact('b.key', { fileKind: 'private-key', mode: 0o400 }),
        fileFact('c.key', { fileKind: 'private-key' }),
        fileFact('ca.crt', { fileKind: 'certificate', mode: 0o644 }),
      ]),
    ).toEqual([]);
  });
});
