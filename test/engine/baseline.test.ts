import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/model.js';
import { lintSources } from '../../src/engine/lint.js';
import { FINGERPRINT_VERSION } from '../../src/engine/fingerprint.js';
import {
  applyBaseline,
  BASELINE_VERSION,
  BaselineError,
  BaselineLocation,
  createBaseline,
  formatBaseline,
  parseBaseline,
  readBaseline,
  writeBaseline,
} from '../../src/engine/baseline.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const SECRET = 'Xq9-very-Secret-77';
const PROD = 'DATABASE_URL=postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n';
const REPLICA = 'REPLICA_URL=postgresql://reader@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n';
const HASH_A = 'a'.repeat(32);
const HASH_B = 'b'.repeat(32);

function finding(over: Partial<Finding>): Finding {
  return { ruleId: 'no-ssl-disabled', severity: 'error', message: 'Connection uses sslmode=disable.', file: 'deploy/.env.example', line: 1, column: 1, endLine: 1, endColumn: 5, environment: 'unknown', ...over };
}

function lint(file: string, text: string): Finding[] {
  return lintSources([{ file, text }], { now: NOW }).findings;
}

const root = mkdtempSync(join(tmpdir(), 'sslguard-baseline-unit-'));

describe('writing a baseline', () => {
  it('records file, rule, fingerprint, count and masked message, sorted, relative to the baseline directory', () => {
    const at = new BaselineLocation(join(root, 'packages', 'api'), '../../.sslguard-baseline.json');
    const findings = [
      finding({ file: 'src/db.ts', ruleId: 'no-reject-unauthorized', fingerprint: `${HASH_B}:1`, message: 'rejectUnauthorized: false.' }),
      finding({ file: '.env', fingerprint: `${HASH_A}:2`, line: 9, message: 'second twin' }),
      finding({ file: '.env', fingerprint: `${HASH_A}:1`, line: 4, message: `postgresql://app:${SECRET}@db.abcdefghijklmnop.supabase.co/postgres?sslmode=disable` }),
      finding({ file: '.env', ruleId: 'gitignore-env', fingerprint: `${HASH_B}:1` }),
      // Without a fingerprint nothing identifies it across runs: not recorded.
      finding({ file: '.env', ruleId: 'require-sslmode' }),
    ];
    const baseline = createBaseline(findings, at);
    const text = formatBaseline(baseline);
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({
      version: BASELINE_VERSION,
      tool: 'sslguard',
      fingerprintVersion: FINGERPRINT_VERSION,
      findings: [
        { file: 'packages/api/.env', ruleId: 'gitignore-env', fingerprint: HASH_B, count: 1, message: 'Connection uses sslmode=disable.' },
        // Two identical findings: one entry, count 2, the first occurrence's message.
        { file: 'packages/api/.env', ruleId: 'no-ssl-disabled', fingerprint: HASH_A, count: 2, message: 'postgresql://app:****@db.abcdefghijklmnop.supabase.co/postgres?sslmode=disable' },
        { file: 'packages/api/src/db.ts', ruleId: 'no-reject-unauthorized', fingerprint: HASH_B, count: 1, message: 'rejectUnauthorized: false.' },
      ],
    });
    // Diff-friendly: two-space indentation, one key per line, final newline; the same input writes the same bytes.
    expect(text).toMatch(/^\{\n  "version": 1,\n  "tool": "sslguard",\n  "fingerprintVersion": \d+,\n  "findings": \[\n    \{\n      "file": "packages\/api\/\.env",\n/);
    expect(text.endsWith('}\n')).toBe(true);
    expect(formatBaseline(createBaseline([...findings].reverse(), at))).toBe(text);
  });

  it('sorts by code unit, not by locale', () => {
    const at = new BaselineLocation(root, 'b.json');
    const files = ['b.env', 'B.env', 'a.env', '_.env', 'ä.env'];
    const baseline = createBaseline(files.map((file) => finding({ file, fingerprint: `${HASH_A}:1` })), at);
    expect(baseline.findings.map((e) => e.file)).toEqual(['B.env', '_.env', 'a.env', 'b.env', 'ä.env']);
  });

  it('writes through a temporary file, creating directories, and reads back what it wrote', () => {
    const at = new BaselineLocation(root, 'ci/baselines/sslguard.json');
    const baseline = createBaseline([finding({ fingerprint: `${HASH_A}:1` })], at);
    writeBaseline(at, baseline);
    expect(readdirSync(join(root, 'ci', 'baselines'))).toEqual(['sslguard.json']);
    expect(readBaseline(at)).toEqual(baseline);
  });

  it('says so when the target cannot be written', () => {
    mkdirSync(join(root, 'taken'), { recursive: true });
    const at = new BaselineLocation(root, 'taken');
    expect(() => writeBaseline(at, createBaseline([], at))).toThrow(new BaselineError('cannot write baseline file taken: EISDIR'));
    expect(readdirSync(join(root, 'taken'))).toEqual([]);
  });
});

describe('applying a baseline', () => {
  it('covers occurrences 1…count of a fingerprint in its file, for its rule only', () => {
    const at = new BaselineLocation(root, 'b.json');
    const baseline = createBaseline([finding({ fingerprint: `${HASH_A}:1` }), finding({ fingerprint: `${HASH_A}:2` })], at);
    const now = [
      finding({ fingerprint: `${HASH_A}:1`, line: 2 }),
      finding({ fingerprint: `${HASH_A}:2`, line: 5 }),
      finding({ fingerprint: `${HASH_A}:3`, line: 8 }),
      finding({ fingerprint: `${HASH_A}:1`, ruleId: 'require-sslmode' }),
      finding({ fingerprint: `${HASH_A}:1`, file: 'other/.env.example' }),
      finding({ fingerprint: undefined }),
    ];
    const { fresh, baselined } = applyBaseline(now, baseline, at);
    expect(baselined.map((f) => f.line)).toEqual([2, 5]);
    expect(fresh.map((f) => [f.file, f.ruleId, f.fingerprint])).toEqual([
      ['deploy/.env.example', 'no-ssl-disabled', `${HASH_A}:3`],
      ['deploy/.env.example', 'require-sslmode', `${HASH_A}:1`],
      ['other/.env.example', 'no-ssl-disabled', `${HASH_A}:1`],
      ['deploy/.env.example', 'no-ssl-disabled', undefined],
    ]);
  });

  it('keeps matching when lines move and reports a new finding, on real fingerprints', () => {
    const at = new BaselineLocation(root, 'b.json');
    const baseline = createBaseline(lint('deploy/.env.production', `${PROD}${PROD}`), at);
    expect(baseline.findings.map((e) => [e.ruleId, e.count])).toEqual([['no-ssl-disabled', 2]]);
    const later = lint('deploy/.env.production', `# moved down\nLOG_LEVEL=info\n\n${PROD}PORT=8080\n${PROD}${REPLICA}`);
    const { fresh, baselined } = applyBaseline(later, baseline, at);
    expect(baselined.map((f) => f.line)).toEqual([4, 6]);
    expect(fresh.map((f) => [f.line, f.ruleId])).toEqual([[7, 'no-ssl-disabled']]);
    // One of the twins fixed: the other stays covered.
    expect(applyBaseline(lint('deploy/.env.production', PROD), baseline, at).fresh).toEqual([]);
  });

  it('matches a scan run from a subdirectory against a baseline written at the root', () => {
    const fromRoot = new BaselineLocation(root, '.sslguard-baseline.json');
    const baseline = createBaseline(lint('packages/api/.env.production', PROD), fromRoot);
    expect(baseline.findings.map((e) => e.file)).toEqual(['packages/api/.env.production']);
    // The same file scanned with packages/api as the working directory is `.env.production`.
    const fromPackage = new BaselineLocation(join(root, 'packages', 'api'), '../../.sslguard-baseline.json');
    const { fresh, baselined } = applyBaseline(lint('.env.production', PROD), baseline, fromPackage);
    expect(fresh).toEqual([]);
    expect(baselined).toHaveLength(1);
  });
});

describe('reading a baseline', () => {
  const valid = (findings: unknown[] = [], over: Record<string, unknown> = {}) =>
    JSON.stringify({ version: 1, tool: 'sslguard', fingerprintVersion: FINGERPRINT_VERSION, findings, ...over });

  it('round-trips and sums duplicate entries of a hand-merged file', () => {
    const at = new BaselineLocation(root, 'b.json');
    const entry = { file: 'deploy/.env.example', ruleId: 'no-ssl-disabled', fingerprint: HASH_A, count: 1 };
    const baseline = parseBaseline(valid([entry, entry]), 'b.json');
    expect(baseline.findings).toEqual([entry, entry]);
    const now = [1, 2, 3].map((n) => finding({ fingerprint: `${HASH_A}:${n}` }));
    expect(applyBaseline(now, baseline, at).baselined).toHaveLength(2);
  });

  it('reports a missing file with how to create it', () => {
    const at = new BaselineLocation(root, 'nowhere/baseline.json');
    expect(() => readBaseline(at)).toThrow(new BaselineError('baseline file nowhere/baseline.json does not exist; create it with --write-baseline nowhere/baseline.json'));
  });

  it('locates a syntax error without quoting the file, and recognises merge conflicts', () => {
    const text = `{\n  "version": 1,\n<<<<<<< HEAD\n  "findings": [{ "message": "postgresql://app:${SECRET}@db" }]\n=======\n  "findings": []\n>>>>>>> main\n}\n`;
    let error: Error | undefined;
    try {
      parseBaseline(text, '.sslguard-baseline.json');
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(BaselineError);
    expect(error!.message).toBe(
      'baseline file .sslguard-baseline.json is not valid JSON at line 3, column 1 (InvalidSymbol); it holds merge conflict markers: fix it or rewrite it with --write-baseline .sslguard-baseline.json',
    );
    expect(error!.message).not.toContain(SECRET);
  });

  it('names the field at fault in a file of the wrong shape', () => {
    const bad = (text: string) => () => parseBaseline(text, 'b.json');
    const suffix = '; fix it or rewrite it with --write-baseline b.json';
    expect(bad('[]')).toThrow(`baseline file b.json is not an sslguard baseline: expected a JSON object${suffix}`);
    expect(bad('{"findings": []}')).toThrow('`version` is missing');
    expect(bad(valid(undefined, { findings: {} }))).toThrow(`\`findings\` must be an array${suffix}`);
    expect(bad(valid([{ file: 'a', ruleId: 'r', fingerprint: HASH_A, count: 0 }]))).toThrow('findings[0].count must be a positive whole number');
    expect(bad(valid([{ file: 'a', ruleId: 'r', fingerprint: HASH_A, count: 1 }, { file: 'a', ruleId: '', fingerprint: HASH_A, count: 1 }]))).toThrow('findings[1].ruleId must be a non-empty string');
    expect(bad(valid([{ file: 'a', ruleId: 'r', fingerprint: 'not-hex', count: 1 }]))).toThrow('findings[0].fingerprint must be hexadecimal digits');
    expect(bad(valid([{ file: 'a', ruleId: 'r', fingerprint: HASH_A, count: 1, message: 3 }]))).toThrow('findings[0].message must be a string');
  });

  it('refuses other versions of the file and of the fingerprints', () => {
    expect(() => parseBaseline(valid([], { version: 2 }), 'b.json')).toThrow('baseline file b.json has version 2; this sslguard reads version 1');
    expect(() => parseBaseline(valid([], { fingerprintVersion: 1 }), 'b.json')).toThrow(
      `baseline file b.json records fingerprints of version 1, this sslguard computes version ${FINGERPRINT_VERSION}: rewrite it with --write-baseline b.json`,
    );
  });

  it('accepts a byte order mark, as some editors write one', () => {
    writeFileSync(join(root, 'bom.json'), `\uFEFF${valid()}`);
    expect(readBaseline(new BaselineLocation(root, 'bom.json')).findings).toEqual([]);
  });
});
