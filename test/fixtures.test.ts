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

const fixtureNames = readdirSync(fixturesDir).filter((n) => n !== 'shapes' && n !== 'bad-input' && (statSync(join(fixturesDir, n)).isDirectory() && existsSync(join(fixturesDir, `${n}.expected.json`)) || process.env.SSLGUARD_UPDATE_EXPECTED && statSync(join(fixturesDir, n)).isDirectory()));

// `fixtures/shapes/<name>/`: one small repository per configuration shape (Dockerfiles, Helm values,
// split variables, …), each with its good and bad files and `fixtures/shapes/<name>.expected.json`.
const shapesDir = join(fixturesDir, 'shapes');
const shapeNames = existsSync(shapesDir) ? readdirSync(shapesDir).filter((n) => statSync(join(shapesDir, n)).isDirectory()).map((n) => `shapes/${n}`) : [];

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

  it('has a shape fixture for each configuration shape sslguard reads beyond the core formats', () => {
    expect(shapeNames).toEqual(
      expect.arrayContaining(['dockerfile', 'helm-values', 'split-variables', 'ssl-param', 'mcp-docker', 'yaml-anchors', 'placeholders', 'cert-paths', 'framework-env', 'cross-compose', 'cross-k8s', 'cross-mcp', 'cross-code', 'real-world'].map((n) => `shapes/${n}`)),
    );
  });

  for (const name of [...fixtureNames, ...shapeNames]) {
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
