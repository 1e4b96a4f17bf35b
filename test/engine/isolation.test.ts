// An internal error while reading one file (a bug in an extractor, in decoding, in the file fact)
// becomes a diagnostic for that file; every other file is still read and judged, and the exit code
// is the one the findings call for.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';

vi.mock('../../src/extract/compose.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/extract/compose.js')>();
  return {
    ...original,
    extractCompose: (input: Parameters<typeof original.extractCompose>[0]) => {
      if (input.file.startsWith('poisoned/')) throw new Error('injected failure in the compose reader');
      return original.extractCompose(input);
    },
  };
});

vi.mock('../../src/discovery/file-facts.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/discovery/file-facts.js')>();
  return {
    ...original,
    fileFact: (...args: Parameters<typeof original.fileFact>) => {
      if (args[0].rel === 'poisoned/.env.example') throw new Error('injected failure around the extractors, password=S3hunter2x');
      return original.fileFact(...args);
    },
  };
});

const REMOTE_DISABLED = 'postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sslguard-isolation-'));
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const compose = `services:\n  api:\n    environment:\n      DATABASE_URL: ${REMOTE_DISABLED}\n`;
  write('poisoned/docker-compose.yml', compose);
  write('poisoned/.env.example', `DATABASE_URL=${REMOTE_DISABLED}\n`);
  write('healthy/docker-compose.yml', compose);
  write('healthy/.env.example', `DATABASE_URL=${REMOTE_DISABLED}\n`);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an internal error in one file', () => {
  it('is a diagnostic for that file; the others are still judged', async () => {
    let out = '';
    const code = await main(['--format', 'json', '.'], { cwd: dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
    const report = JSON.parse(out) as { findings: Array<{ file: string; ruleId: string }>; diagnostics: Array<{ file: string; message: string }> };
    expect(code).toBe(1);
    expect(report.diagnostics).toEqual([
      { file: 'poisoned/.env.example', message: 'internal error, file skipped: injected failure around the extractors, password=****' },
      { file: 'poisoned/docker-compose.yml', message: 'internal error in the extractCompose reader, file skipped: injected failure in the compose reader' },
    ]);
    expect(report.findings.map((f) => [f.file, f.ruleId])).toEqual([
      ['healthy/.env.example', 'no-ssl-disabled'],
      ['healthy/docker-compose.yml', 'no-ssl-disabled'],
    ]);
  });
});
