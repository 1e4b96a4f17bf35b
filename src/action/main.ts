// Executed by action.yml: `node dist/src/action/main.js`.
import { runAction } from './run.js';
import { workflowCommand } from '../report/workflow-commands.js';

runAction({ env: process.env, stdout: (s) => process.stdout.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stdout.write(`${workflowCommand('error', { title: 'sslguard internal error' }, error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = 2;
  },
);
