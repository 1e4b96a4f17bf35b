#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled dist/ (built by `npm ci` through the prepare script).
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without loading the CLI's hundred modules: tools and hooks call this to probe for sslguard.
  const { toolVersion } = await import('../dist/src/version.js');
  process.stdout.write(`${toolVersion()}\n`);
} else {
  const { main } = await import('../dist/src/cli.js');
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
