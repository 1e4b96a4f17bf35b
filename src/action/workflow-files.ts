import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

// The files a step talks to the runner through: $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY. Written
// by hand rather than with @actions/core: two appends do not justify an HTTP client in every
// install of the CLI (the package is both).

/**
 * Appends `name<<DELIMITER\nvalue\nDELIMITER\n` to $GITHUB_OUTPUT: the form that is safe for any
 * value, newlines included. The delimiter is random, so a value cannot end the block early.
 */
export function appendOutput(file: string, name: string, value: string): void {
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (value.includes(delimiter) || name.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** GitHub rejects a step summary above 1 MiB. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export function appendSummary(file: string, markdown: string): void {
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
