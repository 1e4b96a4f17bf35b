import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The cache hooks Node's module loader, so each case runs in a fresh Node process, loading the
// compiled module from dist/ (built by `npm test`) as the CLI launcher does.

const root = join(import.meta.dirname, '..', '..');
const compiled = join(root, 'dist', 'src', 'startup', 'compile-cache.js');
const native = typeof (await import('node:module')).default.enableCompileCache === 'function';

let work: string;
beforeAll(() => {
  if (!existsSync(compiled)) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  work = mkdtempSync(join(tmpdir(), 'sslguard-compile-cache-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A CommonJS module above the size the cache handles, which reports what its wrapper gave it. */
function bigModule(dir: string, answer: number): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dep.js'), 'module.exports = "dep";\n');
  const padding = Array.from({ length: 1500 }, (_, i) => `function helper${i}(x) { return x * ${i} + ${i % 7}; }`).join('\n');
  const file = join(dir, 'big.js');
  writeFileSync(
    file,
    `'use strict';\n${padding}\n` +
      `exports.answer = ${answer};\n` +
      `exports.thisIsExports = this === exports;\n` +
      `exports.filename = __filename;\n` +
      `exports.dirname = __dirname;\n` +
      `exports.dep = require('./dep');\n` +
      `exports.resolved = require.resolve('./dep');\n` +
      `exports.hasCache = typeof require.cache === 'object';\n` +
      `exports.sum = helper1499(2);\n` +
      `exports.fail = () => { throw new Error('from big'); };\n`,
  );
  return file;
}

interface Run {
  status: { enabled: boolean; dir?: string; via?: string; reason?: string };
  counts: { hits: number; misses: number };
  loaded: Record<string, unknown>;
  stack: string;
}

function run(modulePath: string, env: Record<string, string>): Run {
  const script = [
    `import { createRequire } from 'node:module';`,
    `import { enableCompileCache, compileCacheCounts } from ${JSON.stringify(pathToFileURL(compiled).href)};`,
    `const status = enableCompileCache();`,
    `const loaded = createRequire(import.meta.url)(${JSON.stringify(modulePath)});`,
    `let stack = ''; try { loaded.fail(); } catch (e) { stack = e.stack; }`,
    `console.log(JSON.stringify({ status, counts: compileCacheCounts(), loaded: { ...loaded, fail: undefined }, stack }));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), ...env },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Run;
}

const entries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.bin'));

describe.runIf(!native)('compile cache on Node 20 (V8 code cache through the CommonJS loader)', () => {
  it('writes an entry on the first run and compiles from it on the next, with the module behaving the same', () => {
    const mod = bigModule(join(work, 'pkg-a'), 42);
    const cache = join(work, 'cache-a');
    const first = run(mod, { SSLGUARD_COMPILE_CACHE: cache });
    const dir = join(cache, `node-${process.version}-${process.arch}`);
    expect(first.status).toEqual({ enabled: true, dir, via: 'sslguard' });
    expect(first.counts).toEqual({ hits: 0, misses: 1 });
    expect(entries(dir)).toHaveLength(1);
    const entry = join(dir, entries(dir)[0]!);
    expect(statSync(entry).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(entry).subarray(0, 200).toString('latin1')).toContain(`sslguard-code-cache-1\n${mod}\n`);

    const second = run(mod, { SSLGUARD_COMPILE_CACHE: cache });
    expect(second.counts).toEqual({ hits: 1, misses: 0 });
    const expected = { answer: 42, thisIsExports: true, filename: mod, dirname: join(work, 'pkg-a'), dep: 'dep', resolved: join(work, 'pkg-a', 'dep.js'), hasCache: true, sum: 1499 * 2 + (1499 % 7) };
    expect(first.loaded).toEqual(expected);
    expect(second.loaded).toEqual(expected);
    // Stack traces still name the file.
    expect(second.stack).toContain(`${mod}:`);
  });

  it('never runs stale code: a file changed to the same length is compiled afresh and its entry replaced', () => {
    const mod = bigModule(join(work, 'pkg-b'), 41);
    const cache = join(work, 'cache-b');
    expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache }).loaded.answer).toBe(41);
    writeFileSync(mod, readFileSync(mod, 'utf8').replace('exports.answer = 41;', 'exports.answer = 43;'));
    utimesSync(mod, new Date(), new Date(Date.now() + 5000));
    const changed = run(mod, { SSLGUARD_COMPILE_CACHE: cache });
    expect(changed.loaded.answer).toBe(43);
    expect(changed.counts).toEqual({ hits: 0, misses: 1 });
    const again = run(mod, { SSLGUARD_COMPILE_CACHE: cache });
    expect(again).toMatchObject({ counts: { hits: 1, misses: 0 }, loaded: { answer: 43 } });
  });

  it('checks each entry against its digest: damaged data is never handed to V8 (which would crash on it), and is rewritten', () => {
    const mod = bigModule(join(work, 'pkg-c'), 7);
    const cache = join(work, 'cache-c');
    run(mod, { SSLGUARD_COMPILE_CACHE: cache });
    const dir = join(cache, `node-${process.version}-${process.arch}`);
    const entry = join(dir, entries(dir)[0]!);
    const good = readFileSync(entry);
    // Five header lines and the digest line, then V8's data.
    let dataStart = 0;
    for (let line = 0; line < 6; line++) dataStart = good.indexOf(10, dataStart) + 1;
    expect(good.subarray(dataStart - 41, dataStart).toString('latin1')).toMatch(/^[0-9a-f]{40}\n$/);
    // Offsets where a flipped byte, unchecked, made Node 20 die with a segmentation fault.
    for (const offset of [24, 28, 40, good.length - dataStart - 100]) {
      const damaged = Buffer.from(good);
      damaged[dataStart + offset]! ^= 0xff;
      writeFileSync(entry, damaged);
      const after = run(mod, { SSLGUARD_COMPILE_CACHE: cache });
      expect(after).toMatchObject({ counts: { hits: 0, misses: 1 }, loaded: { answer: 7, sum: 1499 * 2 + (1499 % 7) } });
      expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache }).counts).toEqual({ hits: 1, misses: 0 });
    }
    // Cut short, and emptied.
    for (const damaged of [good.subarray(0, good.length - 1000), Buffer.alloc(0)]) {
      writeFileSync(entry, damaged);
      expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache })).toMatchObject({ counts: { hits: 0, misses: 1 }, loaded: { answer: 7 } });
    }
  });

  it('leaves small modules to Node', () => {
    const dir = join(work, 'pkg-small');
    mkdirSync(dir);
    writeFileSync(join(dir, 'small.js'), 'exports.fail = () => { throw new Error("x"); };\nexports.answer = 1;\n');
    const cache = join(work, 'cache-small');
    const r = run(join(dir, 'small.js'), { SSLGUARD_COMPILE_CACHE: cache });
    expect(r.counts).toEqual({ hits: 0, misses: 0 });
    expect(r.loaded.answer).toBe(1);
    expect(entries(join(cache, `node-${process.version}-${process.arch}`))).toEqual([]);
  });

  it('leaves ES modules to Node, by package type or, without one, when they do not compile as CommonJS', () => {
    const body = Array.from({ length: 1500 }, (_, i) => `function helper${i}(x) { return x * ${i}; }`).join('\n') + '\nexport const answer = helper2(21);\nexport const fail = () => { throw new Error("esm"); };\n';
    const typed = join(work, 'esm-typed');
    mkdirSync(typed);
    writeFileSync(join(typed, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(typed, 'big.js'), body);
    const untyped = join(work, 'esm-untyped');
    mkdirSync(untyped);
    writeFileSync(join(untyped, 'package.json'), '{ "name": "untyped" }');
    writeFileSync(join(untyped, 'big.js'), body);
    for (const dir of [typed, untyped]) {
      const r = run(join(dir, 'big.js'), { SSLGUARD_COMPILE_CACHE: join(work, 'cache-esm') });
      expect(r.loaded.answer).toBe(42);
      expect(r.counts).toEqual({ hits: 0, misses: 0 });
    }
  });

  it('keeps the directory bounded: the newest 24 entries and at most 48 MiB, and no temporary file a dead writer left', () => {
    const cache = join(work, 'cache-prune');
    const dir = join(cache, `node-${process.version}-${process.arch}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const hourAgo = Date.now() / 1000 - 3600;
    // 30 entries of other installs, the oldest first; sizes are sparse files.
    for (let i = 0; i < 30; i++) {
      const file = join(dir, `old${String(i).padStart(2, '0')}.bin`);
      writeFileSync(file, '');
      truncateSync(file, 1024 * 1024);
      utimesSync(file, hourAgo + i, hourAgo + i);
    }
    writeFileSync(join(dir, 'dead.bin.1.0.tmp'), '');
    utimesSync(join(dir, 'dead.bin.1.0.tmp'), hourAgo, hourAgo);
    writeFileSync(join(dir, 'busy.bin.2.0.tmp'), '');
    const mod = bigModule(join(work, 'pkg-prune'), 3);
    expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache }).counts).toEqual({ hits: 0, misses: 1 });
    const left = readdirSync(dir).sort();
    const bins = left.filter((name) => name.endsWith('.bin'));
    expect(bins).toHaveLength(24);
    // The new entry and the 23 newest of the old ones.
    expect(bins.filter((name) => name.startsWith('old'))).toEqual(Array.from({ length: 23 }, (_, i) => `old${String(i + 7).padStart(2, '0')}.bin`));
    expect(left.filter((name) => name.endsWith('.tmp'))).toEqual(['busy.bin.2.0.tmp']);
    expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache }).counts).toEqual({ hits: 1, misses: 0 });

    // By size: entries of 10 MiB each, newest first, until 48 MiB.
    for (const name of bins.filter((n) => n.startsWith('old'))) {
      truncateSync(join(dir, name), 10 * 1024 * 1024);
      utimesSync(join(dir, name), hourAgo + Number(name.slice(3, 5)), hourAgo + Number(name.slice(3, 5)));
    }
    writeFileSync(mod, readFileSync(mod, 'utf8').replace('exports.answer = 3;', 'exports.answer = 4;'));
    utimesSync(mod, new Date(), new Date(Date.now() + 5000));
    expect(run(mod, { SSLGUARD_COMPILE_CACHE: cache }).loaded.answer).toBe(4);
    const kept = readdirSync(dir).filter((name) => name.endsWith('.bin'));
    // The rewritten entry (well under 10 MiB) and the four newest old ones: 40 MiB and a little.
    expect(kept.sort()).toEqual([...['old26.bin', 'old27.bin', 'old28.bin', 'old29.bin'], ...kept.filter((n) => !n.startsWith('old'))].sort());
    expect(kept.filter((n) => !n.startsWith('old'))).toHaveLength(1);
  });

  it('lives in $XDG_CACHE_HOME/sslguard, else ~/.cache/sslguard', () => {
    const mod = bigModule(join(work, 'pkg-d'), 1);
    const xdg = join(work, 'xdg');
    expect(run(mod, { XDG_CACHE_HOME: xdg }).status.dir).toBe(join(xdg, 'sslguard', 'compile-cache', `node-${process.version}-${process.arch}`));
    expect(run(mod, {}).status.dir).toBe(join(work, 'home', '.cache', 'sslguard', 'compile-cache', `node-${process.version}-${process.arch}`));
  });
});

describe('compile cache: when it stays off', () => {
  it('is off with SSLGUARD_COMPILE_CACHE=0 or NODE_DISABLE_COMPILE_CACHE, and creates nothing', () => {
    const mod = bigModule(join(work, 'pkg-off'), 5);
    const xdg = join(work, 'xdg-off');
    expect(run(mod, { XDG_CACHE_HOME: xdg, SSLGUARD_COMPILE_CACHE: '0' })).toMatchObject({ status: { enabled: false, reason: 'SSLGUARD_COMPILE_CACHE=0' }, counts: { hits: 0, misses: 0 }, loaded: { answer: 5 } });
    expect(run(mod, { XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: '1' }).status).toEqual({ enabled: false, reason: 'NODE_DISABLE_COMPILE_CACHE is set' });
    expect(existsSync(xdg)).toBe(false);
  });

  it('is off when the directory is writable by others or is a symbolic link, since its entries run as code', () => {
    const mod = bigModule(join(work, 'pkg-unsafe'), 6);
    const open = join(work, 'open-cache');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const r = run(mod, { SSLGUARD_COMPILE_CACHE: open });
    expect(r).toMatchObject({ status: { enabled: false, reason: `${open} is writable by other users` }, loaded: { answer: 6 } });
    const real = join(work, 'real-cache');
    mkdirSync(real, { mode: 0o700 });
    const link = join(work, 'link-cache');
    symlinkSync(real, link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(run(mod, { SSLGUARD_COMPILE_CACHE: link }).status).toEqual({ enabled: false, reason: `${link} is not a directory` });
    expect(readdirSync(real)).toEqual([]);
  });

  it('is off when the directory cannot be created', () => {
    const mod = bigModule(join(work, 'pkg-nodir'), 8);
    const file = join(work, 'a-file');
    writeFileSync(file, '');
    const r = run(mod, { SSLGUARD_COMPILE_CACHE: join(file, 'cache') });
    expect(r.status).toEqual({ enabled: false, reason: `${join(file, 'cache')}: ENOTDIR` });
    expect(r.loaded.answer).toBe(8);
  });
});
