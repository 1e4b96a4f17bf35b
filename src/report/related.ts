import type { Finding, RelatedLocation } from '../model.js';
import { maskSecrets } from '../connection/mask.js';

// The trace of a finding across files (Finding.related), as every reporter prints it. Messages of
// related locations are built from masked text; masking again here is the same last line of
// defence the finding's own message gets.

/** The finding's related locations with masked messages; empty when it has none. */
export function relatedOf(finding: Finding): RelatedLocation[] {
  return (finding.related ?? []).map((r) => ({
    file: r.file,
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    message: maskSecrets(r.message),
  }));
}

/** `file:line:column`, as editors and terminals turn into a link. */
export function position(r: Pick<RelatedLocation, 'file' | 'line' | 'column'>): string {
  return `${r.file}:${r.line}:${r.column}`;
}
