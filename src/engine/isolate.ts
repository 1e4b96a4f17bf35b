import type { ResolvedConfig } from '../config/types.js';
import { maskSecrets } from '../connection/mask.js';
import { extractFile, type FileExtraction } from '../extract/index.js';
import type { SourceInput } from './lint.js';

/**
 * `extractFile`, with any error it lets escape (a bug in decoding, in the file fact, in a library)
 * turned into a diagnostic for this file alone: one file can never end a scan. Extractors already
 * guard themselves; this covers everything around them. The message is masked: a library's error
 * may quote the line it failed on.
 */
export function extractIsolated(source: SourceInput, config: ResolvedConfig): FileExtraction {
  try {
    return extractFile(source, config);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { facts: [], diagnostics: [{ file: source.file, message: maskSecrets(`internal error, file skipped: ${message}`) }] };
  }
}
