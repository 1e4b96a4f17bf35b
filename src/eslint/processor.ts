// `sslguard/config`: lets ESLint report sslguard's findings in files that are not JavaScript
// (`.env`, compose and Kubernetes YAML, MCP and package.json JSON, Dockerfiles, Prisma schemas). ESLint can
// only run rules on code it parses, so the processor hands it one placeholder block per file and
// keeps the real text aside; the sslguard rules, run on that block, read the real text and report
// positions in the real file, which postprocess passes through unchanged.
import type { Linter } from 'eslint';
import { classifyPath } from '../discovery/kinds.js';
import { toolVersion } from '../version.js';

/** The code ESLint parses in place of a processed file: a comment, valid in every JS dialect. */
export const PLACEHOLDER = '/* sslguard: this file is read by sslguard, not parsed as code */\n';

/** The block's name; ESLint lints it as `<file>/sslguard.js`, which the default `**\/*.js` files match. */
export const BLOCK_NAME = 'sslguard.js';

/** Texts of files between preprocess and postprocess, by the path ESLint gave. */
const pending = new Map<string, string>();

/** The real text of a processed file, when `blockText` is its placeholder. */
export function takeProcessedText(physicalFilename: string, blockText: string): string | undefined {
  return blockText === PLACEHOLDER ? pending.get(physicalFilename) : undefined;
}

function readsAsConfig(filename: string): boolean {
  const kinds = classifyPath(filename.split('\\').join('/'));
  // Source files are linted as code by the rules directly.
  return kinds.length > 0 && !kinds.includes('source');
}

export const configProcessor: Linter.Processor = {
  meta: { name: 'sslguard/config', version: toolVersion() },
  preprocess(text: string, filename: string) {
    if (!readsAsConfig(filename)) return [];
    pending.set(filename, text);
    return [{ text: PLACEHOLDER, filename: BLOCK_NAME }];
  },
  postprocess(messages: Linter.LintMessage[][], filename: string) {
    pending.delete(filename);
    return messages.flat();
  },
  // Positions refer to the real file, not to the placeholder: fixes and suggestions cannot apply.
  supportsAutofix: false,
};
