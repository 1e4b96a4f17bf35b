#!/usr/bin/env node
// Bundles the compiled CLI (dist/src, written by tsc just before) into dist/bundle/, which
// bin/sslguard.js prefers: a hundred ES modules cost Node more to resolve and load than one
// CommonJS file, and V8's code cache (src/startup/compile-cache.ts) can hold a CommonJS file on
// Node 20. Run by `npm run build` and `prepare`.
//
//   node scripts/bundle.mjs [--outdir DIR]
//
// Layout: cli.js (the CLI; also exports `scan`, for the tests of the bundle's worker),
// compile-cache.js (loaded by the launcher before cli.js), and package.json marking them CommonJS.
// The parsers sslguard loads on first use (a local `require` from `createRequire`, which esbuild
// does not follow) become lazy chunks in lib/, one file each instead of dozens of modules to
// resolve: the `createRequire` the bundled code gets from `node:module` sends those package names
// there. TypeScript itself (typescript.js, already one file) stays in node_modules, as do the
// libraries that rarely load (fast-glob, ignore, pg).
//
// Without esbuild (an install with --omit=optional has no esbuild binary) the bundle is not
// written and the launcher runs dist/src, slower to start but the same program.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: path.join(root, 'dist', 'bundle') } } });
const finalDir = path.resolve(values.outdir);
// Written beside the final directory and renamed into place, so that a CLI started meanwhile finds
// the old bundle, or none (then it runs dist/src), never half of one.
const outdir = `${finalDir}.tmp-${process.pid}`;
const src = path.join(root, 'dist', 'src');

rmSync(outdir, { recursive: true, force: true });

let esbuild;
try {
  esbuild = await import('esbuild');
  // The package loads without its platform binary; a transform is what needs it.
  await esbuild.transform('');
} catch (error) {
  process.stderr.write(`sslguard build: esbuild is not usable (${String(error?.message ?? error).split('\n')[0]}); no bundle, the CLI will run from dist/src\n`);
  // A bundle from an earlier build would be older than the dist/src just compiled, or not: gone either way.
  rmSync(finalDir, { recursive: true, force: true });
  process.exit(0);
}

/** Lazy chunks: file name in lib/ → the packages it holds, loaded together. */
export const CHUNKS = {
  // The source extractor walks every tree it parses with the visitor keys and follows names with the
  // scope manager; typescript-estree parses only where oxc-parser cannot (see src/extract/js/ast.ts).
  'ts-scope': ['@typescript-eslint/visitor-keys', '@typescript-eslint/scope-manager'],
  'ts-parser': ['@typescript-eslint/typescript-estree'],
  yaml: ['yaml'],
  'jsonc-parser': ['jsonc-parser'],
  'dockerfile-ast': ['dockerfile-ast'],
  // Python source (src/extract/python/tree.ts): loaded only when a .py file with a trigger word is read.
  'python-parser': ['@lezer/python'],
};
/** Required by the chunks, never bundled: one TypeScript for everything, and an optional peer. */
const CHUNK_EXTERNALS = ['typescript', '@typescript/native'];

const chunkOf = Object.fromEntries(Object.entries(CHUNKS).flatMap(([chunk, packages]) => packages.map((name) => [name, chunk])));

/**
 * `node:module` for sslguard's own files: `createRequire` sends the packages of a chunk to that
 * chunk (each package a property of it, evaluated on first access), anything else to Node.
 */
const lazyChunks = {
  name: 'sslguard-lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /^node:module$/ }, (args) =>
      args.importer.startsWith(src + path.sep) && args.namespace === 'file' && !args.importer.endsWith(`${path.sep}compile-cache.js`)
        ? { path: 'node:module', namespace: 'sslguard-module' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'sslguard-module' }, () => ({
      contents: `import nodeModule from 'node:module';
const chunkOf = ${JSON.stringify(chunkOf)};
export function createRequire(from) {
  const real = nodeModule.createRequire(from);
  const require = (id) => (Object.prototype.hasOwnProperty.call(chunkOf, id) ? real('./lib/' + chunkOf[id] + '.js')[id] : real(id));
  return Object.assign(require, { resolve: real.resolve, cache: real.cache, extensions: real.extensions, main: real.main });
}
export default { ...nodeModule, createRequire };
`,
      resolveDir: src,
      loader: 'js',
    }));
  },
};

/**
 * typescript-estree's modules each turn `import * as ts from 'typescript'` into
 * `__importStar(require("typescript"))`, a copy of TypeScript's 2,200 exports as getters: twenty
 * copies, 80 ms on the development machine, on every start of the parser. In the chunk they share
 * the first copy (the copies are read-only views of one module, so one serves all).
 */
const TYPESCRIPT_STAR = '__importStar(require("typescript"))';
const sharedTypeScriptNamespace = {
  name: 'sslguard-shared-typescript-namespace',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@typescript-eslint[\\/].*\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes(TYPESCRIPT_STAR)) return undefined;
      return { contents: code.split(TYPESCRIPT_STAR).join(`(__sslguardTypeScript || (__sslguardTypeScript = ${TYPESCRIPT_STAR}))`), loader: 'js' };
    });
  },
};

/** The entry of a chunk: each package a getter, so that a chunk's packages initialise on first use. */
function chunkEntry(packages) {
  return packages.map((name) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(name)}) });`).join('\n') + '\n';
}

/** The CLI entry: `main`, and `scan` so that tests can drive the bundle's parse worker. */
const cliEntry = {
  name: 'sslguard-entries',
  setup(build) {
    build.onResolve({ filter: /^sslguard:cli$/ }, () => ({ path: 'cli', namespace: 'sslguard-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'sslguard-entry' }, () => ({
      contents: `export { main } from ${JSON.stringify(path.join(src, 'cli.js'))};\nexport { scan } from ${JSON.stringify(path.join(src, 'engine', 'scan.js'))};\n`,
      resolveDir: src,
      loader: 'js',
    }));
  },
};

try {
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: {
      cli: 'sslguard:cli',
      'compile-cache': path.join(src, 'startup', 'compile-cache.js'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [cliEntry, lazyChunks],
    // CommonJS has no import.meta: each file gets its own URL, which is what the code uses it for
    // (createRequire).
    define: { 'import.meta.url': '__sslguardFileUrl' },
    banner: { js: '"use strict";\nvar __sslguardFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    // Readable stack traces in bug reports: names and layout kept.
    minify: false,
    legalComments: 'inline',
    logLevel: 'warning',
  });
  for (const [chunk, packages] of Object.entries(CHUNKS)) {
    await esbuild.build({
      stdin: { contents: chunkEntry(packages), resolveDir: root, sourcefile: `${chunk}-entry.js`, loader: 'js' },
      outfile: path.join(outdir, 'lib', `${chunk}.js`),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: CHUNK_EXTERNALS,
      // jsonc-parser's `main` is a UMD wrapper whose inner requires esbuild cannot follow; its
      // `module` build is plain ES modules.
      mainFields: ['module', 'main'],
      plugins: [sharedTypeScriptNamespace],
      banner: { js: 'var __sslguardTypeScript;' },
      minify: false,
      legalComments: 'inline',
      logLevel: 'warning',
    });
  }
  // A require of a relative path left in a chunk would look for the package's files beside the chunk.
  for (const chunk of Object.keys(CHUNKS)) {
    const code = readFileSync(path.join(outdir, 'lib', `${chunk}.js`), 'utf8');
    const left = /\brequire\w*\(\s*["']\.{1,2}\//.exec(code);
    if (left) {
      throw new Error(`sslguard build: lib/${chunk}.js still requires a relative path (${left[0]}): that package cannot be bundled this way`);
    }
  }
  // Files in dist/bundle are CommonJS although the package is "type": "module".
  writeFileSync(path.join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(outdir, finalDir);
} catch (error) {
  rmSync(outdir, { recursive: true, force: true });
  throw error;
}
