// The real `eslint` CLI on a temporary project that uses the built plugin exactly as the README
// shows (`import sslguard from 'sslguard/eslint-plugin'`, resolved through the package's exports to
// dist/): its JSON output must hold the findings the sslguard CLI reports on the same files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rules } from '../../rules/index.js';
import { blockAfter, eslintConfigName } from '../helpers/readme.js';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const eslintBin = join(dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');


let project: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'eslint', 'plugin.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` (npm test does) before this test');
  project = mkdtempSync(join(tmpdir(), 'sslguard-eslint-e2e-'));
  mkdirSync(join(project, 'node_modules', '@typescript-eslint'), { recursive: true });
  // The package as an installed dependency (its exports map decides what `sslguard/eslint-plugin` is),
  // and the TypeScript parser the README's config imports.
  symlinkSync(root, join(project, 'node_modules', 'sslguard'), 'dir');
  symlinkSync(dirname(require.resolve('@typescript-eslint/parser/package.json')), join(project, 'node_modules', '@typescript-eslint', 'parser'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'orders-api', private: true, type: 'module' }, null, 2) + '\n');
  writeFileSync(join(project, eslintConfigName()), blockAfter('## ESLint plugin', 'js'));
  // Every TS/JS file of the driver corpus, and config files the processor reads.
  cpSync(join(root, 'fixtures', 'drivers'), join(project, 'src'), { recursive: true });
  rmSync(join(project, 'src', 'README.md'));
  writeFileSync(join(project, '.env.production'), 'DATABASE_URL=postgresql://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require\nNODE_TLS_REJECT_UNAUTHORIZED=0\n');
  mkdirSync(join(project, 'deploy'));
  writeFileSync(
    join(project, 'deploy', 'docker-compose.yml'),
    'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    environment:\n      DATABASE_URL: postgres://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n      PGSSLROOTCERT: certs/ca.crt\n',
  );
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

interface Row {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

const byPosition = (a: Row, b: Row) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1));

describe('eslint CLI with the built plugin', () => {
  it('reports in TS, JS, .env, YAML and Prisma files exactly the findings the sslguard CLI reports', () => {
    const eslint = spawnSync(process.execPath, [eslintBin, '--format', 'json', '.'], { cwd: project, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(eslint.stderr).toBe('');
    expect(eslint.status).toBe(1);
    const results = JSON.parse(eslint.stdout) as Array<{ filePath: string; messages: Array<Row & { severity: number; fatal?: boolean }> }>;
    const linted = results.map((r) => r.filePath.slice(project.length + 1)).sort();
    expect(linted).toEqual(expect.arrayContaining(['.env.production', 'deploy/docker-compose.yml', 'src/prisma/schema.prisma', 'src/pg/pool.ts', 'src/knex/knexfile.js', 'src/typeorm/app.module.ts']));
    const severities = new Map<string, number>();
    const fromEslint: Row[] = results.flatMap((r) =>
      r.messages.map((m) => {
        expect(m.fatal).toBeUndefined();
        severities.set(`${m.ruleId}@${r.filePath.slice(project.length + 1)}:${m.line}:${m.column}`, m.severity);
        return { ruleId: m.ruleId!, file: r.filePath.slice(project.length + 1), line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message };
      }),
    );

    // ESLint sees one file at a time: the CLI judging each file alone must agree with it exactly.
    const cli = spawnSync(process.execPath, [join(root, 'bin', 'sslguard.js'), '--format', 'json', '--no-cross-file', '.'], { cwd: project, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    const report = JSON.parse(cli.stdout) as { findings: Array<Row & { severity: string }>; diagnostics: unknown[] };
    expect(report.diagnostics).toEqual([]);
    const offered = new Set(Object.keys(pluginRuleIds()));
    const fromCli: Row[] = report.findings
      .filter((f) => offered.has(f.ruleId))
      .map((f) => ({ ruleId: `sslguard/${f.ruleId}`, file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message }));

    expect(fromCli.length).toBeGreaterThan(50);
    expect(fromEslint.sort(byPosition)).toEqual(fromCli.sort(byPosition));
    // ESLint gives a rule one level (the recommended config: sslguard's default); findings at that level agree.
    const defaults = new Map(rules.map((r) => [r.meta.id, r.meta.defaultSeverity]));
    const atDefault = report.findings.filter((f) => offered.has(f.ruleId) && f.severity === defaults.get(f.ruleId));
    expect(atDefault.length).toBeGreaterThan(40);
    for (const f of atDefault) expect(severities.get(`sslguard/${f.ruleId}@${f.file}:${f.line}:${f.column}`), `${f.ruleId} ${f.file}:${f.line}`).toBe(f.severity === 'error' ? 2 : 1);
    // What ESLint leaves out is a CLI-only rule: the .env file that git would commit.
    expect(report.findings.filter((f) => !offered.has(f.ruleId)).map((f) => [f.ruleId, f.file])).toEqual([['gitignore-env', '.env.production']]);
  });

  it('the CLI also follows DATABASE_URL from .env.production into the code that reads it, which no per-file linter can', () => {
    const cli = spawnSync(process.execPath, [join(root, 'bin', 'sslguard.js'), '--format', 'json', '.'], { cwd: project, encoding: 'utf8' });
    const report = JSON.parse(cli.stdout) as { findings: Array<Row & { related?: Array<{ file: string; message: string }> }> };
    const traced = report.findings.filter((f) => f.file === '.env.production' && f.related?.some((r) => r.file.startsWith('src/')));
    expect(traced.length).toBeGreaterThan(0);
    expect(traced[0]!.related![0]!.message).toBe('DATABASE_URL is written here');
  });
});

function pluginRuleIds(): Record<string, true> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', "import p from 'sslguard/eslint-plugin'; process.stdout.write(JSON.stringify(Object.keys(p.rules)))"], { cwd: project, encoding: 'utf8' });
  return Object.fromEntries((JSON.parse(out) as string[]).map((id) => [id, true]));
}
