#!/usr/bin/env node
// Thin launcher. The CLI is built by `npm ci` (the prepare script): tsc writes dist/src, esbuild
// bundles it into dist/bundle, which starts faster and is preferred (scripts/bundle.mjs). A bundle
// older than dist/src is stale (tsc was run alone) and is passed over, as is a missing one.
import { statSync } from 'node:fs';
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
  const { toolVersion } = await import('../dist/src/version.js');
  process.stdout.write(`${toolVersion()}\n`);
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
