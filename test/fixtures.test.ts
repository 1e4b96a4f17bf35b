import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli.js';

// Each fixture repository has its expected findings beside it as `fixtures/<name>.expected.json`.
// Regenerate after a deliberate change with `SSLGUARD_UPDATE_EXPECTED=1 npx vitest run test/fixtures.test.ts`
// and review the diff: the expected files are the specification.
const root = join(import.meta.dirname, '..');
const fixturesDir = join(root, 'fixtures');
const NOW = new Date('2026-11-26T00:00:00Z');

const fixtureNames = readdirSync(fixturesDir).filter((n) => statSync(join(fixturesDir, n)).isDirectory() && existsSync(join(fixturesDir, `${n}.expected.json`)) || process.env.SSLGUARD_UPDATE_EXPECTED && statSync(join(fixturesDir, n)).isDirectory());

async function runJson(target: string): Promise<{ code: number; report: any }> {
  let out = '';
  const code = await main(['--format', 'json', target], { cwd: root, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {}, now: NOW });
  return { code, report: JSON.parse(out) };
}

describe('fixture repositories', () => {
  it('has the four core fixtures', () => {
    expect(fixtureNames).toEqual(expect.arrayContaining(['compose-stack', 'k8s-app', 'local-dev', 'supabase-agent']));
  });

  it('has the driver corpus (one directory per Postgres driver, ORM and Node TLS API)', () => {
    expect(fixtureNames).toContain('drivers');
  });

  for (const name of fixtureNames) {
    it(`${name} yields exactly its expected findings`, async () => {
      const { code, report } = await runJson(`fixtures/${name}`);
      const actual = {
        exitCode: code,
        findings: report.findings,
        diagnostics: report.diagnostics,
        stats: { ...report.stats, durationMs: undefined },
      };
      const expectedFile = join(fixturesDir, `${name}.expected.json`);
      if (process.env.SSLGUARD_UPDATE_EXPECTED) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
      const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
      expect(JSON.parse(JSON.stringify(actual))).toEqual(expected);
    });
  }

  it('the dev-only localhost fixture produces zero findings', async () => {
    const { code, report } = await runJson('fixtures/local-dev');
    expect(report.findings).toEqual([]);
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });
});
