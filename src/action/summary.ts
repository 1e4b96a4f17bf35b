import type { Diagnostic, Finding } from '../model.js';
import type { Report } from '../report/types.js';
import { ruleDocsUrl } from '../version.js';
import { SUMMARY_LIMIT_BYTES } from './workflow-files.js';
import { printable } from '../report/printable.js';

/** GitHub shows at most this many annotations of each level per step. */
export const ANNOTATION_LIMIT = 10;

export interface AnnotationCounts {
  /** False when the `annotate` input turned annotations off. */
  enabled: boolean;
  errors: { shown: number; total: number };
  warnings: { shown: number; total: number };
}

export interface SummaryContext {
  failOn: 'error' | 'warning' | 'none';
  annotations: AnnotationCounts;
  sarifFile?: string;
  /** `${server}/${repository}/blob/${sha}`, to link each finding to its line; absent outside GitHub. */
  blobUrl?: string;
}

// Markdown for table cells of GitHub's job summary (CommonMark with GFM tables). Text outside code
// spans has Markdown's and HTML's special characters backslash-escaped (messages hold `<CA file>`,
// `*`, `_`); text inside a code span is literal in CommonMark, so there only the table's pipes are
// escaped (GFM removes that backslash before reading the span) and nothing is turned into an entity,
// which a code span would show as `&amp;`. A row is one line: line breaks become spaces.
// Hand-written: the Markdown libraries render Markdown, none writes it for a table cell.

/** Plain text in a table cell. */
export function cell(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>&|~!#]/g, '\\$&');
}

/** Text as a code span, whatever backticks it holds (and, in a table cell, pipes). */
function code(text: string, inTable = true): string {
  const body = oneLine(text);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick needs a space inside its fence (stripped on rendering).
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? body.replace(/\|/g, '\\|') : body}${pad}${fence}`;
}

/** A message: its `code spans` stay code spans, the rest is plain text. */
function message(text: string): string {
  const line = oneLine(text);
  let out = '';
  let i = 0;
  while (i < line.length) {
    const open = /`+/g;
    open.lastIndex = i;
    const start = open.exec(line);
    if (!start) break;
    // A code span closes at the next backtick run of the same length (CommonMark 6.1).
    const close = new RegExp(`(?<!\`)${start[0]}(?!\`)`, 'g');
    close.lastIndex = start.index + start[0].length;
    const end = close.exec(line);
    if (!end) {
      out += cell(line.slice(i, start.index + start[0].length));
      i = start.index + start[0].length;
      continue;
    }
    out += cell(line.slice(i, start.index)) + line.slice(start.index, end.index + end[0].length).replace(/\|/g, '\\|');
    i = end.index + end[0].length;
  }
  return out + cell(line.slice(i));
}

/** One line, other control characters from the repository shown as escapes (`printable`). */
function oneLine(text: string): string {
  return printable(text.replace(/\r?\n|\r/g, ' '));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function location(f: Finding, blobUrl: string | undefined): string {
  const text = code(`${f.file}:${f.line}:${f.column}`);
  if (!blobUrl || f.file.startsWith('../')) return text;
  const lines = f.endLine > f.line ? `#L${f.line}-L${f.endLine}` : `#L${f.line}`;
  return `[${text}](${blobUrl}/${f.file.split('/').map(encodeURIComponent).join('/')}${lines})`;
}

function countBy(findings: readonly Finding[], key: (f: Finding) => string): Array<[string, { error: number; warning: number }]> {
  const counts = new Map<string, { error: number; warning: number }>();
  for (const f of findings) {
    let c = counts.get(key(f));
    if (!c) counts.set(key(f), (c = { error: 0, warning: 0 }));
    c[f.severity]++;
  }
  return [...counts].sort((a, b) => b[1].error - a[1].error || b[1].warning - a[1].warning || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function annotationNote(a: AnnotationCounts): string | undefined {
  if (!a.enabled) return 'Annotations are off (`annotate: false`): every finding is listed below.';
  const capped = a.errors.shown < a.errors.total || a.warnings.shown < a.warnings.total;
  if (!capped) return undefined;
  return (
    `> [!NOTE]\n> GitHub shows at most ${ANNOTATION_LIMIT} error and ${ANNOTATION_LIMIT} warning annotations per step: ` +
    `annotated ${a.errors.shown} of ${plural(a.errors.total, 'error')} and ${a.warnings.shown} of ${plural(a.warnings.total, 'warning')}. ` +
    'Every finding is listed below.'
  );
}

/**
 * The job summary: totals, findings per rule and per file, then every finding, then the files
 * that could not be read. Rows stop before GitHub's 1 MiB limit, saying how many were left out.
 */
export function buildSummary(report: Report, context: SummaryContext, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const { errors, warnings, filesScanned, suppressed, baselined } = report.stats;
  const findings = report.findings;
  const head: string[] = [];
  const verdict = errors + warnings === 0 ? 'no problems' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  head.push(`## sslguard: ${verdict}`, '');
  const facts = [`${plural(filesScanned, 'file')} scanned`];
  if (suppressed) facts.push(`${suppressed} suppressed inline`);
  if (baselined !== undefined) facts.push(`${baselined} in the baseline (not listed)`);
  if (report.diagnostics.length) facts.push(plural(report.diagnostics.length, 'file') + ' not fully scanned');
  facts.push(`fail-on: \`${context.failOn}\``);
  if (context.sarifFile) facts.push(`SARIF: ${code(context.sarifFile, false)}`);
  head.push(facts.join(' · '), '');
  const note = annotationNote(context.annotations);
  if (note && findings.length) head.push(note, '');

  if (findings.length) {
    head.push('### Findings by rule', '', '| Rule | Errors | Warnings |', '| --- | ---: | ---: |');
    for (const [rule, c] of countBy(findings, (f) => f.ruleId)) head.push(`| [${code(rule)}](${ruleDocsUrl(rule)}) | ${c.error} | ${c.warning} |`);
    head.push('', '### Findings by file', '', '| File | Errors | Warnings |', '| --- | ---: | ---: |');
    for (const [file, c] of countBy(findings, (f) => f.file)) head.push(`| ${code(file)} | ${c.error} | ${c.warning} |`);
    head.push('', '### All findings', '', '| Severity | Location | Rule | Message |', '| --- | --- | --- | --- |');
  }

  const rows: string[] = findings.map((f) => `| ${f.severity} | ${location(f, context.blobUrl)} | ${code(f.ruleId)} | ${message(f.message)} |`);
  const diagnosticRows = report.diagnostics.map((d: Diagnostic) => `| ${code(d.line !== undefined ? `${d.file}:${d.line}` : d.file)} | ${message(d.message)} |`);
  const diagnosticHead = ['', '### Files not fully scanned', '', '| File | Reason |', '| --- | --- |'];

  const out = head.join('\n');
  let size = Buffer.byteLength(out) + 400;
  const kept: string[] = [];
  for (const row of rows) {
    const bytes = Buffer.byteLength(row) + 1;
    if (size + bytes > limitBytes) break;
    kept.push(row);
    size += bytes;
  }
  const parts = [out, ...kept];
  if (kept.length < rows.length) {
    parts.push('', `_${rows.length - kept.length} more findings are not listed: a job summary is limited to 1 MiB. The step log and the SARIF file have all of them._`);
  }
  if (diagnosticRows.length) {
    const keptDiagnostics: string[] = [];
    size += diagnosticHead.join('\n').length;
    for (const row of diagnosticRows) {
      const bytes = Buffer.byteLength(row) + 1;
      if (size + bytes > limitBytes) break;
      keptDiagnostics.push(row);
      size += bytes;
    }
    if (keptDiagnostics.length) parts.push(...diagnosticHead, ...keptDiagnostics);
    if (keptDiagnostics.length < diagnosticRows.length) parts.push('', `_${diagnosticRows.length - keptDiagnostics.length} more files not listed (summary size limit)._`);
  }
  return `${parts.join('\n')}\n`;
}
