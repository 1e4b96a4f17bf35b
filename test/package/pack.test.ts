// The npm package as a user gets it: `npm pack` (its prepack build) on a copy of this checkout, the
// tarball installed into a fresh `npm init -y` project with `npm ci --offline` from npm's local
// cache (no network: the checkout's own `npm ci` filled it), then the CLI run from there and the README's ESLint snippet
// run verbatim with real ESLint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lockOfflineProject } from '../helpers/offline-project.js';
import { blockAfter, eslintConfigName } from '../helpers/readme.js';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; scripts: Record<string, string> };

let work: string;
let tarball: string;
let files: string[];
let project: string;
let install: SpawnSyncReturns<string>;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', npm_config_loglevel: 'warn', npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${command}: ${r.error.message} (install Node.js with npm)`);
  return r;
}

/** Sum of file sizes under a directory. */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sslguard-pack-'));
  // A copy of the checkout without its build (prepack must make it), sharing node_modules.
  const checkout = join(work, 'checkout');
  cpSync(root, checkout, { recursive: true, filter: (from) => !/^(node_modules|\.git|dist|coverage|action)(\/|$)/.test(relative(root, from)) });
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const pack = run('npm', ['pack', '--pack-destination', work, '--json'], checkout);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  files = info!.files.map((f) => f.path).sort();
  // postpack put the manifest back.
  expect(JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')).scripts.prepare).toBe(pkg.scripts.prepare);
  expect(existsSync(join(checkout, 'package.json.prepack'))).toBe(false);

  project = join(work, 'project');
  mkdirSync(project);
  const init = run('npm', ['init', '-y'], project);
  if (init.status !== 0) throw new Error(`npm init failed: ${init.stderr}`);
  // The ESLint the README installs beside sslguard, at the versions this checkout tests with.
  lockOfflineProject(project, tarball, ['eslint', '@typescript-eslint/parser']);
  install = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  if (install.status !== 0) throw new Error(`npm ci --offline failed (run \`npm ci\` in the checkout first to fill npm's cache): ${install.stderr}`);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships the bundle, its types, the rule docs and the license; no source maps, no unbundled build', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'CHANGELOG.md', 'docs/rules.md', 'package.json', 'bin/sslguard.js', 'dist/bundle/cli.js', 'dist/bundle/index.js', 'dist/bundle/eslint-plugin.js', 'dist/bundle/lib/ts-parser.js', 'dist/src/index.d.ts', 'dist/src/eslint/plugin.d.ts']));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/bundle/') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(project, 'node_modules', 'sslguard', 'docs', 'rules.md'), 'utf8')).toBe(readFileSync(join(root, 'docs', 'rules.md'), 'utf8'));
  });

  it('installs with oxc-parser as its only dependency, and without an install script to allow', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'sslguard', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).toEqual(['oxc-parser']);
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(install.stderr).not.toMatch(/install-scripts|prepare/);
    const installed = sizeOf(join(project, 'node_modules', 'sslguard'));
    const oxc = ['oxc-parser', '@oxc-parser', '@oxc-project'].filter((d) => existsSync(join(project, 'node_modules', d))).reduce((sum, d) => sum + sizeOf(join(project, 'node_modules', d)), 0);
    // Say it when the figures in the README's "npm package" section need updating.
    console.log(`sslguard ${pkg.version}: tarball ${statSync(tarball).size} bytes, installed ${installed} bytes, oxc-parser with its binding ${oxc} bytes`);
    expect(installed).toBeLessThan(12 * 1024 * 1024);
  });

  it('runs the CLI from the installed package', () => {
    const bin = join(project, 'node_modules', '.bin', 'sslguard');
    const version = run(bin, ['--version'], project);
    expect(version.stdout).toBe(`${pkg.version}\n`);
    cpSync(join(root, 'fixtures', 'supabase-agent'), join(project, 'repo'), { recursive: true });
    const scan = run(bin, ['--format', 'json', 'repo'], project);
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(1);
    const report = JSON.parse(scan.stdout) as { tool: { version: string }; findings: Array<{ ruleId: string; file: string }> };
    expect(report.tool.version).toBe(pkg.version);
    const expected = JSON.parse(readFileSync(join(root, 'fixtures', 'supabase-agent.expected.json'), 'utf8')) as Array<{ ruleId: string }> | { findings: Array<{ ruleId: string }> };
    const expectedFindings = Array.isArray(expected) ? expected : expected.findings;
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(expectedFindings.map((f) => f.ruleId).sort());
    // The library API resolves from the package too.
    const api = run(process.execPath, ['--input-type=module', '-e', "import { rules, scan } from 'sslguard'; console.log(typeof scan, Object.keys(rules).length)"], project);
    expect(api.stderr).toBe('');
    expect(api.stdout).toBe('function 16\n');
  });

  it("the README's ESLint snippet, verbatim in a fresh `npm init -y` project, reports with real ESLint", () => {
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).type ?? 'commonjs').toBe('commonjs');
    writeFileSync(join(project, eslintConfigName()), blockAfter('## ESLint plugin', 'js'));
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src', 'db.ts'), "import { Pool } from 'pg';\n\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });\n");
    writeFileSync(join(project, '.env.production'), 'DATABASE_URL=postgresql://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=disable\n');
    const eslint = run(join(project, 'node_modules', '.bin', 'eslint'), ['--format', 'json', 'src', '.env.production'], project);
    expect(eslint.stderr).toBe('');
    expect(eslint.status).toBe(1);
    const results = JSON.parse(eslint.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>;
    const found = results.flatMap((r) => r.messages.map((m) => `${relative(project, r.filePath)}:${m.line} ${m.ruleId}`)).sort();
    expect(found).toEqual(['.env.production:1 sslguard/no-ssl-disabled', 'src/db.ts:3 sslguard/no-reject-unauthorized']);
    expect((require(join(project, 'node_modules', 'eslint', 'package.json')) as { version: string }).version).toMatch(/^10\./);
  });

  it('installs as a git dependency (`github:…#tag`) too: npm runs `prepare` in the clone, which builds the bundle', () => {
    // What `npm install --save-dev github:sslguard/sslguard#v0.1.0` does, from this repository's commit.
    const head = run('git', ['rev-parse', 'HEAD'], root);
    if (head.status !== 0) throw new Error(`git rev-parse failed (install git): ${head.stderr}`);
    const gitProject = join(work, 'git-project');
    mkdirSync(gitProject);
    run('npm', ['init', '-y'], gitProject);
    lockOfflineProject(gitProject, `git+file://${root}#${head.stdout.trim()}`, []);
    const ci = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], gitProject);
    expect(ci.status, ci.stderr).toBe(0);
    const bin = join(gitProject, 'node_modules', '.bin', 'sslguard');
    cpSync(join(root, 'fixtures', 'supabase-agent'), join(gitProject, 'repo'), { recursive: true });
    const scan = run(bin, ['--format', 'json', 'repo'], gitProject);
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(1);
    expect(existsSync(join(gitProject, 'node_modules', 'sslguard', 'dist', 'bundle', 'cli.js'))).toBe(true);
  }, 300_000);
});
