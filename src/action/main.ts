// The GitHub Action's entry point: action.yml runs its bundle, action/index.js.
import { createRequire } from 'node:module';
import { runAction } from './run.js';
import { workflowCommand } from '../report/workflow-commands.js';

// The action's bundle runs from a checkout of this repository, with no node_modules: oxc-parser, a
// native binding, cannot be bundled, so the bundled typescript-estree parses TS/JS (the same trees,
// more slowly), without the CLI's note that oxc-parser is missing.
try {
  createRequire(import.meta.url).resolve('oxc-parser');
} catch {
  process.env.SSLGUARD_PARSER ??= 'typescript-estree';
}

runAction({ env: process.env, stdout: (s) => process.stdout.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stdout.write(`${workflowCommand('error', { title: 'sslguard internal error' }, error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = 2;
  },
);
