import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/bundle.mjs turns dist/src (tsc's output) into dist/bundle, which bin/sslguard.js
// prefers. The bundle is built here into a directory of its own beside it (inside the package, so
// that its dependencies resolve from node_modules as they do for dist/bundle), so that these tests
// do not depend on the state of dist/bundle, and run from there: the CLI, its parse worker.

const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'fixtures', 'drivers');

let work: string;
let outdir: string;
/** scripts/bundle.mjs's CHUNKS, as the bundle's chunk router holds it: chunk → its packages. */
let CHUNKS: Record<string, string[]>;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  work = mkdtempSync(join(tmpdir(), 'sslguard-bundle-'));
  outdir = mkdtempSync(join(root, 'dist', 'bundle-test-'));
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--outdir', outdir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling failed: ${r.stderr}`);
  const chunkOf = JSON.parse(/\bchunkOf = (\{.*\});/.exec(readFileSync(join(outdir, 'cli.js'), 'utf8'))![1]!) as Record<string, string>;
  CHUNKS = {};
  for (const [name, chunk] of Object.entries(chunkOf)) (CHUNKS[chunk] ??= []).push(name);
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
});

/** Runs a CommonJS script in a fresh Node process (the bundle hooks the module loader) with a private cache. */
function node(script: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), NO_COLOR: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON report without what changes from run to run. */
function stable(json: string): unknown {
  const report = JSON.parse(json) as Record<string, unknown>;
  delete (report.stats as Record<string, unknown>).durationMs;
  return report;
}

describe('scripts/bundle.mjs', () => {
  it('writes the engine, its entry points, the cache loader and the lazy chunks as CommonJS', () => {
    expect(readdirSync(outdir).sort()).toEqual(['cli.js', 'compile-cache.js', 'eslint-plugin.js', 'index.js', 'lib', 'package.json']);
    expect(readdirSync(join(outdir, 'lib')).sort()).toEqual(Object.keys(CHUNKS).map((c) => `${c}.js`).sort());
    expect(JSON.parse(readFileSync(join(outdir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // Built beside and renamed into place: nothing left over.
    expect(readdirSync(join(outdir, '..')).filter((name) => name.startsWith(`${basename(outdir)}.tmp-`))).toEqual([]);
    const cli = readFileSync(join(outdir, 'cli.js'), 'utf8');
    // The parsers are not in the CLI: its createRequire sends their names to the chunks.
    expect(cli).toContain('"@typescript-eslint/typescript-estree": "ts-parser"');
    expect(cli).not.toContain('function parseWithNodeMapsInternal(');
    // Nor the Python grammar: a scan without Python files never loads it.
    expect(cli).toContain('"@lezer/python": "python-parser"');
    expect(cli).not.toContain('LRParser');
    expect(readFileSync(join(outdir, 'lib', 'python-parser.js'), 'utf8')).toContain('LRParser');
    expect(statSync(join(outdir, 'cli.js')).size).toBeLessThan(1024 * 1024);
    const tsParser = readFileSync(join(outdir, 'lib', 'ts-parser.js'), 'utf8');
    // typescript-estree and TypeScript itself, minified: no package is left for node_modules.
    // (booleans: a failure must not print 4 MB of minified code)
    expect(tsParser.includes('parseAndGenerateServices')).toBe(true);
    expect(tsParser.includes('require("typescript")')).toBe(false);
    expect(tsParser.includes('createSourceFile')).toBe(true);
    // typescript-estree's modules share one namespace object for TypeScript instead of copying it each.
    expect(tsParser.split('__sslguardTypeScript||(__sslguardTypeScript=').length - 1).toBeGreaterThan(10);
    // Every file of each chunk's packages is inside it: no require of a path beside the chunk.
    for (const chunk of readdirSync(join(outdir, 'lib'))) expect(/\brequire\w*\(\s*["']\.{1,2}\//.exec(readFileSync(join(outdir, 'lib', chunk), 'utf8'))?.[0], chunk).toBeUndefined();
  });

  it('requires no package but the runtime dependencies and optional extras that bundled libraries probe in a try', () => {
    const runtime = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    const required = new Set<string>();
    for (const file of readdirSync(outdir, { recursive: true }) as string[]) {
      if (!file.endsWith('.js')) continue;
      for (const m of readFileSync(join(outdir, file), 'utf8').matchAll(/\brequire\(\s*["']([^"'.][^"']*)["']\s*\)/g)) if (!isBuiltin(m[1]!)) required.add(m[1]!);
    }
    expect([...required].sort()).toEqual([...runtime, 'pg-cloudflare', 'pg-native', 'source-map-support'].filter((n) => n !== 'oxc-parser').sort());
  });

  it('fails the build when dist/src requires through createRequire a package that is in no chunk', () => {
    // A copy of the project's build inputs with one more lazily required package.
    const copy = join(work, 'unlisted');
    mkdirSync(join(copy, 'scripts'), { recursive: true });
    copyFileSync(join(root, 'scripts', 'bundle.mjs'), join(copy, 'scripts', 'bundle.mjs'));
    copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    cpSync(join(root, 'dist', 'src'), join(copy, 'dist', 'src'), { recursive: true });
    writeFileSync(join(copy, 'dist', 'src', 'extract', 'extra.js'), "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const load = () => require('markdown-it');\n");
    const r = spawnSync(process.execPath, [join(copy, 'scripts', 'bundle.mjs')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("dist/src/extract/extra.js requires 'markdown-it' through createRequire");
    expect(r.stderr).toContain('add it to CHUNKS in scripts/bundle.mjs');
    expect(existsSync(join(copy, 'dist', 'bundle'))).toBe(false);
  });

  it('the chunks hold the packages sslguard requires, as Node would load them', () => {
    const run = node(`
      const { createRequire } = require('node:module');
      const fromPackage = createRequire(${JSON.stringify(join(root, 'package.json'))});
      const out = {};
      for (const [chunk, names] of Object.entries(${JSON.stringify(CHUNKS)})) {
        const lib = require(${JSON.stringify(join(outdir, 'lib'))} + '/' + chunk + '.js');
        for (const name of names) out[name] = [Object.keys(lib[name]).sort(), Object.keys(fromPackage(name)).sort()];
      }
      console.log(JSON.stringify(out));
    `);
    expect(run.stderr).toBe('');
    const exportsOf = JSON.parse(run.stdout) as Record<string, [string[], string[]]>;
    expect(Object.keys(exportsOf)).toHaveLength(Object.values(CHUNKS).flat().length);
    for (const [name, [bundled, original]] of Object.entries(exportsOf)) {
      expect(bundled.length, name).toBeGreaterThan(0);
      const own = (keys: string[]) => keys.filter((key) => key !== '__esModule' && key !== 'default');
      expect(own(bundled), name).toEqual(own(original));
    }
  });

  it('the bundled CLI reports what the compiled one reports', () => {
    const args = JSON.stringify(['--format', 'json', 'fixtures/drivers']);
    const bundled = node(`require(${JSON.stringify(join(outdir, 'cli.js'))}).main(${args}).then((c) => { process.exitCode = c; })`);
    const direct = node(`import(${JSON.stringify(join(root, 'dist', 'src', 'cli.js'))}).then((m) => m.main(${args})).then((c) => { process.exitCode = c; })`);
    expect(bundled.stderr).toBe('');
    expect(bundled.status).toBe(1);
    expect(direct.status).toBe(1);
    expect(JSON.parse(bundled.stdout).findings.length).toBeGreaterThan(10);
    expect(stable(bundled.stdout)).toEqual(stable(direct.stdout));
  });

  it('without a usable esbuild the build fails and says what to run', () => {
    // A copy of the script where no node_modules holds esbuild.
    const scripts = join(work, 'no-esbuild', 'scripts');
    mkdirSync(scripts, { recursive: true });
    copyFileSync(join(root, 'scripts', 'bundle.mjs'), join(scripts, 'bundle.mjs'));
    copyFileSync(join(root, 'package.json'), join(work, 'no-esbuild', 'package.json'));
    const out = join(work, 'no-esbuild', 'out');
    const r = spawnSync(process.execPath, [join(scripts, 'bundle.mjs'), '--outdir', out], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^sslguard build: esbuild is not usable \(.+\); run `npm ci` \(with optional dependencies\)\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bin/sslguard.js', () => {
  /** A package layout with the real launcher and the real cache loader, and a CLI stub in each place. */
  function layout(name: string, parts: { bundle?: boolean; compiled?: boolean }): string {
    const pkg = join(work, name);
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    copyFileSync(join(root, 'bin', 'sslguard.js'), join(pkg, 'bin', 'sslguard.js'));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'sslguard', version: '9.9.9', type: 'module' }));
    const report = (which: string) => `(args) => { process.stdout.write(JSON.stringify({ which: ${JSON.stringify(which)}, args, cache: process.env.SSLGUARD_COMPILE_CACHE ?? null }) + '\\n'); return Promise.resolve(3); }`;
    if (parts.compiled) {
      mkdirSync(join(pkg, 'dist', 'src'), { recursive: true });
      writeFileSync(join(pkg, 'dist', 'src', 'cli.js'), `export const main = ${report('dist/src')};\n`);
      writeFileSync(join(pkg, 'dist', 'src', 'version.js'), `export const toolVersion = () => '9.9.9';\n`);
    }
    if (parts.bundle) {
      mkdirSync(join(pkg, 'dist', 'bundle'), { recursive: true });
      copyFileSync(join(outdir, 'compile-cache.js'), join(pkg, 'dist', 'bundle', 'compile-cache.js'));
      copyFileSync(join(outdir, 'package.json'), join(pkg, 'dist', 'bundle', 'package.json'));
      writeFileSync(join(pkg, 'dist', 'bundle', 'cli.js'), `exports.main = ${report('dist/bundle')};\n`);
    }
    return pkg;
  }

  function launch(pkg: string, args: string[], env: Record<string, string> = {}): { code: number | null; out: { which: string; args: string[]; cache: string | null } | string } {
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'sslguard.js'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: join(pkg, 'home'), ...env } });
    if (r.stderr) throw new Error(r.stderr);
    return { code: r.status, out: r.stdout.startsWith('{') ? JSON.parse(r.stdout) : r.stdout };
  }

  it('runs the bundle with the compile cache on, and names the cache for the parse worker', () => {
    const pkg = layout('both', { bundle: true, compiled: true });
    // tsc wrote dist/src, then the bundle was written.
    utimesSync(join(pkg, 'dist', 'src', 'cli.js'), new Date(), new Date(Date.now() - 60_000));
    expect(launch(pkg, ['a.env', 'b.ts'])).toEqual({ code: 3, out: { which: 'dist/bundle', args: ['a.env', 'b.ts'], cache: join(pkg, 'home', '.cache', 'sslguard', 'compile-cache') } });
    expect(existsSync(join(pkg, 'home', '.cache', 'sslguard', 'compile-cache'))).toBe(true);
    // Turned off, the worker is not told otherwise.
    expect(launch(pkg, ['.'], { SSLGUARD_COMPILE_CACHE: '0' }).out).toMatchObject({ which: 'dist/bundle', cache: '0' });
  });

  it('passes over a bundle older than dist/src (tsc run alone) and a missing one', () => {
    const stale = layout('stale', { bundle: true, compiled: true });
    utimesSync(join(stale, 'dist', 'bundle', 'cli.js'), new Date(), new Date(Date.now() - 60_000));
    expect(launch(stale, ['.'])).toEqual({ code: 3, out: { which: 'dist/src', args: ['.'], cache: null } });
    expect(launch(layout('compiled-only', { compiled: true }), ['.']).out).toMatchObject({ which: 'dist/src' });
  });

  it('answers --version without loading either', () => {
    const pkg = layout('version', { bundle: true, compiled: true });
    writeFileSync(join(pkg, 'dist', 'bundle', 'cli.js'), 'throw new Error("bundle loaded");\n');
    writeFileSync(join(pkg, 'dist', 'src', 'cli.js'), 'throw new Error("cli loaded");\n');
    expect(launch(pkg, ['--version'])).toEqual({ code: 0, out: '9.9.9\n' });
  });
});
