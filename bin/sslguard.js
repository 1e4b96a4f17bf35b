#!/usr/bin/env node
// Thin launcher. The published package holds the bundle (dist/bundle) only. In a checkout, `npm ci`
// (the prepare script) builds both: tsc writes dist/src, esbuild bundles it into dist/bundle
// (scripts/bundle.mjs), which starts faster and is preferred. A bundle older than dist/src is stale
// (tsc was run alone) and is passed over, as is a missing one.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);

function mtime(rel) {
  try {
    return statSync(new URL(rel, import.meta.url)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function loadCli() {
  const bundled = mtime('../dist/bundle/cli.js');
  const compiled = mtime('../dist/src/cli.js');
  if (bundled !== undefined && (compiled === undefined || compiled <= bundled)) {
    const require = createRequire(import.meta.url);
    // Before the bundle loads, so that it is compiled from the cache too.
    const cache = require('../dist/bundle/compile-cache.js');
    const status = cache.enableCompileCache();
    // The parse worker, a thread of its own, turns the cache on when it finds it named here.
    if (status.enabled) process.env[cache.CACHE_ENV] = cache.compileCacheDir().dir;
    return require('../dist/bundle/cli.js');
  }
  return import('../dist/src/cli.js');
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without loading the CLI: tools and hooks call this to probe for sslguard.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { main } = await loadCli();
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`sslguard: internal error: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 2;
    },
  );
}
