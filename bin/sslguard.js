#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`sslguard: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
