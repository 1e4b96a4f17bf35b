#!/usr/bin/env node
// Bundles the compiled sources (dist/src, written by tsc just before) into what is published and
// what the GitHub Action runs:
//
//   node scripts/bundle.mjs [--outdir DIR]             the npm package's dist/bundle
//   node scripts/bundle.mjs --action [--outdir DIR]    the action's action/ (committed)
//
// The package's only runtime dependency is oxc-parser (a native binding, which cannot be bundled);
// everything else sslguard uses is a devDependency bundled here. Layout of dist/bundle:
// cli.js (the engine, once: the CLI's `main`, the library API and the ESLint plugin, which index.js
// and eslint-plugin.js re-export), compile-cache.js (loaded by the launcher before cli.js),
// package.json marking them CommonJS, and lazy chunks in lib/ for the libraries sslguard loads on
// first use. The action's action/ has index.js (src/action/main.ts), package.json and the same lib/;
// it has no node_modules, so no oxc-parser: it parses TS/JS with the typescript-estree chunk.
//
// Lazy chunks: sslguard loads some libraries with a local `require` from `createRequire` (so that a
// scan that needs no YAML never loads the YAML parser), which esbuild does not follow. Every package
// so required must be listed in CHUNKS below (or be a runtime dependency): the build parses
// dist/src and fails on any other. The `createRequire` the bundled code gets from `node:module`
// sends those package names to their chunk. TypeScript is bundled into the typescript-estree chunk
// (minified: 9 MB of compiler otherwise), which only the fallback parser loads.
//
// Adding a dependency: install it as a devDependency; a static `import` is bundled into cli.js
// with no further step; a package loaded lazily through createRequire gets a CHUNKS entry. The
// build fails if the bundle still requires a package that is not a runtime dependency.
import { builtinModules } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string' }, action: { type: 'boolean', default: false } } });
const action = values.action;
const finalDir = path.resolve(values.outdir ?? (action ? path.join(root, 'action') : path.join(root, 'dist', 'bundle')));
// Written beside the final directory and renamed into place, so that a CLI started meanwhile finds
// the old bundle, or none (then it runs dist/src), never half of one.
const outdir = `${finalDir}.tmp-${process.pid}`;
const src = path.join(root, 'dist', 'src');

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
  // Client versions (src/packages): yarn.lock, pyproject/uv/poetry TOML, and version ranges.
  'yarn-parsers': ['@yarnpkg/parsers'],
  'smol-toml': ['smol-toml'],
  semver: ['semver'],
  // Discovery: .gitignore matching, and the walker for directories git does not list.
  ignore: ['ignore'],
  'fast-glob': ['fast-glob'],
  // `sslguard verify` only.
  pg: ['pg'],
};
/** Chunks written minified: TypeScript is most of the package's size otherwise. */
const MINIFIED_CHUNKS = new Set(['ts-parser']);

/**
 * Packages that bundled libraries require only inside a try, as optional extras sslguard never
 * enables; left as requires, they are never reached. Anything else the output requires must be a
 * runtime dependency.
 */
const OPTIONAL_REQUIRES = {
  'pg-native': "pg's libpq binding, loaded only for `pg.native`",
  'pg-cloudflare': "pg's socket for Cloudflare Workers",
  '@typescript/native': "typescript-estree's experimental native TypeScript",
  'source-map-support': "TypeScript's source maps for its own stack traces",
};

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// The action runs without node_modules: nothing at all may be left to Node to find.
const runtimeDependencies = new Set(action ? [] : Object.keys(manifest.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** `@scope/name/sub/path` → `@scope/name`. */
function packageName(id) {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function fail(message) {
  process.stderr.write(`sslguard build: ${message}\n`);
  process.exit(1);
}

let esbuild;
try {
  esbuild = await import('esbuild');
  // The package loads without its platform binary; a transform is what needs it.
  await esbuild.transform('');
} catch (error) {
  fail(`esbuild is not usable (${String(error?.message ?? error).split('\n')[0]}); run \`npm ci\` (with optional dependencies)`);
}

const chunkOf = Object.fromEntries(Object.entries(CHUNKS).flatMap(([chunk, packages]) => packages.map((name) => [name, chunk])));

/** Every package that dist/src requires through a local `require` (createRequire): parsed, not grepped, so comments do not count. */
async function lazyRequires() {
  const { parseSync } = await import('oxc-parser');
  const found = new Map();
  const walk = (node, file) => {
    if (Array.isArray(node)) return node.forEach((child) => walk(child, file));
    if (!node || typeof node !== 'object') return;
    if (node.type === 'CallExpression' && node.callee?.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal' && typeof node.arguments[0].value === 'string') {
      const id = node.arguments[0].value;
      if (!id.startsWith('.') && !builtins.has(id)) found.set(packageName(id), file);
    }
    for (const key of Object.keys(node)) if (key !== 'parent') walk(node[key], file);
  };
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    walk(parseSync(file, readFileSync(file, 'utf8')).program, file);
  }
  return found;
}

for (const [name, file] of await lazyRequires()) {
  if (!chunkOf[name] && !runtimeDependencies.has(name) && !(action && name === 'oxc-parser')) {
    fail(`${path.relative(root, file)} requires '${name}' through createRequire, which esbuild does not follow: add it to CHUNKS in scripts/bundle.mjs (or to "dependencies" if it cannot be bundled)`);
  }
}

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

/** The package's engine: the CLI's `main`, the library API (with `scan`) and the ESLint plugin. */
const ENGINE_ENTRY = `export * from ${JSON.stringify(path.join(src, 'index.js'))};
export { default as eslintPlugin } from ${JSON.stringify(path.join(src, 'eslint', 'plugin.js'))};
`;
const entries = {
  name: 'sslguard-entries',
  setup(build) {
    build.onResolve({ filter: /^sslguard:engine$/ }, () => ({ path: 'engine', namespace: 'sslguard-entry' }));
    build.onLoad({ filter: /.*/, namespace: 'sslguard-entry' }, () => ({ contents: ENGINE_ENTRY, resolveDir: src, loader: 'js' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Paths in the output's comments are relative to the project, whatever the output directory: the
  // committed action bundle must come out byte for byte the same from the same sources.
  absWorkingDir: root,
  // jsonc-parser's `main` is a UMD wrapper whose inner requires esbuild cannot follow; its
  // `module` build is plain ES modules.
  mainFields: ['module', 'main'],
  external: Object.keys(OPTIONAL_REQUIRES),
  legalComments: 'inline',
  logLevel: 'warning',
  metafile: true,
};

/** Fails the build on a require the output leaves to Node that is neither built in nor a runtime dependency. */
function checkExternals(metafile) {
  for (const [output, { imports }] of Object.entries(metafile.outputs)) {
    for (const { path: id, external, kind } of imports) {
      // `require.resolve` loads nothing (fdir probes for picomatch so, in a try, then requires the bundled copy).
      if (!external || kind === 'require-resolve' || builtins.has(id) || id.startsWith('.')) continue;
      const name = packageName(id);
      if (runtimeDependencies.has(name) || Object.hasOwn(OPTIONAL_REQUIRES, name)) continue;
      throw new Error(`${path.relative(root, output)} requires '${id}', which is not a runtime dependency${action ? ' (the action has no node_modules)' : ''}: bundle it (see CHUNKS in scripts/bundle.mjs)`);
    }
  }
}

try {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const main = await esbuild.build({
    ...common,
    entryPoints: action ? { index: path.join(src, 'action', 'main.js') } : { cli: 'sslguard:engine', 'compile-cache': path.join(src, 'startup', 'compile-cache.js') },
    outdir,
    plugins: [entries, lazyChunks],
    // oxc-parser is required (through the chunk router) by name, never bundled.
    // CommonJS has no import.meta: each file gets its own URL, which is what the code uses it for
    // (createRequire, package.json).
    define: { 'import.meta.url': '__sslguardFileUrl' },
    banner: { js: '"use strict";\nvar __sslguardFileUrl = require("node:url").pathToFileURL(__filename).href;' },
    // Readable stack traces in bug reports: names and layout kept.
    minify: false,
  });
  checkExternals(main.metafile);
  for (const [chunk, packages] of Object.entries(CHUNKS)) {
    const built = await esbuild.build({
      ...common,
      stdin: { contents: chunkEntry(packages), resolveDir: root, sourcefile: `${chunk}-entry.js`, loader: 'js' },
      outfile: path.join(outdir, 'lib', `${chunk}.js`),
      plugins: [sharedTypeScriptNamespace],
      banner: { js: 'var __sslguardTypeScript;' },
      minify: MINIFIED_CHUNKS.has(chunk),
    });
    checkExternals(built.metafile);
  }
  // A require of a relative path left in a chunk would look for the package's files beside the chunk.
  for (const chunk of Object.keys(CHUNKS)) {
    const code = readFileSync(path.join(outdir, 'lib', `${chunk}.js`), 'utf8');
    const left = /\brequire\w*\(\s*["']\.{1,2}\//.exec(code);
    if (left) {
      throw new Error(`lib/${chunk}.js still requires a relative path (${left[0]}): that package cannot be bundled this way`);
    }
  }
  // Files here are CommonJS although the package is "type": "module".
  writeFileSync(path.join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  if (!action) {
    // The package's entry points, one engine behind them (Node's ESM loader finds the named
    // exports of cli.js through the re-export).
    writeFileSync(path.join(outdir, 'index.js'), '"use strict";\n// sslguard\'s library API (`import { scan } from \'sslguard\'`).\nmodule.exports = require("./cli.js");\n');
    writeFileSync(path.join(outdir, 'eslint-plugin.js'), '"use strict";\n// `import sslguard from \'sslguard/eslint-plugin\'`.\nmodule.exports = require("./cli.js").eslintPlugin;\n');
  }
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(outdir, finalDir);
} catch (error) {
  rmSync(outdir, { recursive: true, force: true });
  fail(String(error?.message ?? error));
}
