import { describe, expect, it } from 'vitest';
import { lintSources } from '../../src/engine/lint.js';
import { fingerprintFindings, normalizedLines, FINGERPRINT_KEY } from '../../src/engine/fingerprint.js';
import type { Finding } from '../../src/model.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const PROD = 'DATABASE_URL=postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n';
const REPLICA = 'REPLICA_URL=postgresql://reader@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n';

function lint(file: string, text: string, git?: { inGit: boolean; tracked?: boolean; ignored?: boolean }) {
  return lintSources([{ file, text, ...(git ? { git } : {}) }], { now: NOW });
}

function prints(file: string, text: string) {
  return lint(file, text).findings.map((f) => [f.ruleId, f.line, f.fingerprint]);
}

describe('finding fingerprints', () => {
  it('are 32 hex digits and an occurrence number, on every finding', () => {
    const { findings } = lint('deploy/.env.example', PROD);
    expect(findings.map((f) => f.ruleId)).toEqual(['no-ssl-disabled']);
    expect(findings[0]!.fingerprint).toMatch(/^[0-9a-f]{32}:1$/);
    expect(FINGERPRINT_KEY).toBe('sslguard/v2');
  });

  it('stay the same when unrelated lines are added above or the flagged line is re-indented', () => {
    const before = lint('deploy/.env.example', `# prod\n${PROD}`).findings[0]!;
    const after = lint('deploy/.env.example', `# prod\nLOG_LEVEL=info\nPORT=8080\n\n   ${PROD.replace('=', '=')}`).findings[0]!;
    expect(after.line).toBe(before.line + 3);
    expect(after.fingerprint).toBe(before.fingerprint);
  });

  it('change when the flagged line changes or the rule differs, not with the directory sslguard runs from', () => {
    const base = lint('deploy/.env.example', PROD).findings[0]!.fingerprint;
    expect(lint('deploy/.env.example', PROD.replace('disable', 'allow')).findings[0]!.fingerprint).not.toBe(base);
    // The same file seen from its own directory (paths are relative to the working directory):
    // consumers pair the fingerprint with the path, so the path is no part of it.
    expect(lint('.env.example', PROD).findings[0]!.fingerprint).toBe(base);
    const twoRules = lint('deploy/.env.example', 'DATABASE_URL=postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full\n').findings;
    expect(twoRules.map((f) => f.ruleId)).toEqual(['require-root-cert']);
    expect(twoRules[0]!.fingerprint).not.toBe(base);
  });

  it('number identical lines by occurrence, in position order', () => {
    const rows = prints('deploy/.env.example', `${PROD}${REPLICA}${PROD}`);
    expect(rows.map((r) => r[1])).toEqual([1, 2, 3]);
    const [first, other, second] = rows.map((r) => String(r[2]));
    expect(first!.split(':')[0]).toBe(second!.split(':')[0]);
    expect(first!.endsWith(':1')).toBe(true);
    expect(second!.endsWith(':2')).toBe(true);
    expect(other!.split(':')[0]).not.toBe(first!.split(':')[0]);
    // Moving the distinct line below keeps every fingerprint: identity is content, not position.
    const moved = prints('deploy/.env.example', `${PROD}${PROD}\n\n${REPLICA}`);
    expect(new Set(moved.map((r) => r[2]))).toEqual(new Set(rows.map((r) => r[2])));
  });

  it('do not renumber when one of two identical findings is suppressed', () => {
    const plain = lint('deploy/.env.example', `${PROD}${PROD}`).findings.map((f) => f.fingerprint);
    const result = lint('deploy/.env.example', `# sslguard-disable-next-line no-ssl-disabled -- migration window\n${PROD}${PROD}`);
    expect(result.suppressed.map((f) => f.fingerprint)).toEqual([plain[0]]);
    expect(result.findings.map((f) => f.fingerprint)).toEqual([plain[1]]);
  });

  it('never hash a password: a rotated literal password keeps the fingerprint, and the hashed text holds a mask', () => {
    const withSecret = (pw: string) => `DB_PASSWORD=${pw}\nDATABASE_URL=postgresql://app:${pw}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/ca.crt\n`;
    const a = lint('deploy/.env.production', withSecret('Xq9-very-Secret-77'), { inGit: true, tracked: true, ignored: false });
    const b = lint('deploy/.env.production', withSecret('another-Secret-42'), { inGit: true, tracked: true, ignored: false });
    const passwordFindings = (r: typeof a) => r.findings.filter((f) => f.ruleId === 'no-plaintext-password');
    expect(passwordFindings(a)).toHaveLength(2);
    expect(passwordFindings(a).map((f) => f.fingerprint)).toEqual(passwordFindings(b).map((f) => f.fingerprint));
    const text = withSecret('Xq9-very-Secret-77');
    const secretStart = text.indexOf('Xq9');
    const lineOf = normalizedLines(passwordFindings(a)[0]!, { text, secrets: [{ start: secretStart, end: secretStart + 18 }] });
    expect(lineOf).toBe('DB_PASSWORD=****');
  });

  it('identify whole-file findings by the file alone, whatever the file says', () => {
    const git = { inGit: true, tracked: true, ignored: false };
    const a = lint('.env', 'JWT_SECRET=9fQ2vX7pL4mR8tZ1\n', git).findings.find((f) => f.ruleId === 'gitignore-env')!;
    const b = lint('.env', 'PORT=3000\nJWT_SECRET=9fQ2vX7pL4mR8tZ1\n', git).findings.find((f) => f.ruleId === 'gitignore-env')!;
    expect([a.line, a.column, a.endLine, a.endColumn]).toEqual([1, 1, 1, 1]);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  it('cover multi-line ranges and files without text', () => {
    const f = (line: number, endLine: number): Finding => ({ ruleId: 'r', severity: 'error', message: 'm', file: 'a.yaml', line, column: 3, endLine, endColumn: 4, environment: 'unknown' });
    const text = 'a: 1\n  b:   two\n  c: three\n';
    expect(normalizedLines(f(2, 3), { text })).toBe('b: two\nc: three');
    const [one, two] = fingerprintFindings([f(2, 3), f(2, 3)], () => ({ text }));
    expect(one!.fingerprint!.split(':')[0]).toBe(two!.fingerprint!.split(':')[0]);
    expect([one!.fingerprint!.split(':')[1], two!.fingerprint!.split(':')[1]]).toEqual(['1', '2']);
    expect(normalizedLines(f(1, 1), undefined)).toBe('');
  });

  it('count occurrences per file: the same line in two files is the first of each', () => {
    const f = (file: string): Finding => ({ ruleId: 'r', severity: 'error', message: 'm', file, line: 1, column: 1, endLine: 1, endColumn: 5, environment: 'unknown' });
    const text = 'PGSSLMODE=disable\n';
    const prints = fingerprintFindings([f('a/.env'), f('b/.env'), f('a/.env')], () => ({ text })).map((x) => x.fingerprint!);
    expect(prints.map((p) => p.split(':')[1])).toEqual(['1', '1', '2']);
    expect(new Set(prints.map((p) => p.split(':')[0])).size).toBe(1);
  });
});
