import type { Diagnostic, Finding } from '../model.js';
import type { Reporter } from './types.js';
import { TOOL_NAME } from '../version.js';
import { annotation } from './workflow-commands.js';
import { position, relatedOf } from './related.js';

/**
 * `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=sslguard: <rule>::<message>`. An
 * annotation points into one file, so the finding's trace across files follows the message, one
 * `↳ file:line:column  what` line per place (the runner keeps the line breaks).
 */
export function findingAnnotation(f: Finding): string {
  const trace = relatedOf(f).map((r) => `\n↳ ${position(r)}  ${r.message}`).join('');
  return annotation(
    f.severity,
    { file: f.file, line: f.line, endLine: f.endLine, column: f.column, endColumn: f.endColumn },
    `${TOOL_NAME}: ${f.ruleId}`,
    f.message + trace,
  );
}

/** A file sslguard could not (fully) read: a notice, so it never counts against the error and warning annotation limits. */
export function diagnosticAnnotation(d: Diagnostic): string {
  const located = d.file !== '.' && d.file !== '';
  return annotation(
    'notice',
    located ? { file: d.file, ...(d.line !== undefined ? { line: d.line } : {}), ...(d.column !== undefined ? { column: d.column } : {}) } : {},
    `${TOOL_NAME}: file not fully scanned`,
    d.message,
  );
}

/**
 * One workflow command per finding, for `run: npx sslguard --format github` steps: GitHub turns
 * each into an annotation on the file and line. Suppressed findings are not annotated.
 */
export const formatGithub: Reporter = (report) => {
  const lines = [...report.findings.map(findingAnnotation), ...report.diagnostics.map(diagnosticAnnotation)];
  return lines.length ? `${lines.join('\n')}\n` : '';
};
