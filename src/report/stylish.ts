import type { Reporter } from './types.js';
import type { Diagnostic, Finding } from '../model.js';
import { position, relatedOf } from './related.js';
import { printable } from './printable.js';

// ANSI styles, applied only when the caller says colour is wanted (a TTY without --no-color / NO_COLOR).
const style = (on: boolean) => ({
  red: (s: string) => (on ? `\u001b[31m${s}\u001b[39m` : s),
  yellow: (s: string) => (on ? `\u001b[33m${s}\u001b[39m` : s),
  dim: (s: string) => (on ? `\u001b[2m${s}\u001b[22m` : s),
  bold: (s: string) => (on ? `\u001b[1m${s}\u001b[22m` : s),
  underline: (s: string) => (on ? `\u001b[4m${s}\u001b[24m` : s),
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** ESLint's "stylish" layout: findings grouped by file, position, severity, message, rule id, then a summary line. */
/** Diagnostics that mean a file, a document or a block was left unread. */
const SKIPPED = /not scanned|skipped|cannot (?:read|parse)|too large|binary file|syntax error|invalid (?:JSON|YAML)|not a readable|not followed|outside/i;

export const formatStylish: Reporter = (report, options) => {
  const s = style(options.color);
  const byFile = new Map<string, { findings: Finding[]; diagnostics: Diagnostic[] }>();
  const group = (file: string) => {
    let g = byFile.get(file);
    if (!g) byFile.set(file, (g = { findings: [], diagnostics: [] }));
    return g;
  };
  for (const f of report.findings) group(f.file).findings.push(f);
  for (const d of report.diagnostics) group(d.file).diagnostics.push(d);

  const lines: string[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const g = byFile.get(file)!;
    lines.push('', s.underline(printable(file)));
    // Each row may carry the finding's trace across files, printed under it.
    const rows: Array<[string, string, string, string, string[]]> = [];
    for (const f of g.findings) {
      const trace = relatedOf(f).map((r) => `↳ ${printable(position(r))}  ${printable(r.message)}`);
      rows.push([`${f.line}:${f.column}`, f.severity === 'error' ? s.red('error') : s.yellow('warning'), printable(f.message), s.dim(printable(f.ruleId)), trace]);
    }
    for (const d of g.diagnostics) {
      // `skipped` only where something was left unread; a note about a part of a file read otherwise.
      rows.push([d.line !== undefined ? `${d.line}:${d.column ?? 1}` : '-', s.dim(SKIPPED.test(d.message) ? 'skipped' : 'note'), printable(d.message), '', []]);
    }
    const posWidth = rows.reduce((width, r) => Math.max(width, r[0].length), -Infinity);
    const sevWidth = rows.reduce((width, r) => Math.max(width, visibleLength(r[1])), -Infinity);
    for (const [pos, sev, msg, rule, trace] of rows) {
      lines.push(`  ${s.dim(pos.padEnd(posWidth))}  ${sev}${' '.repeat(sevWidth - visibleLength(sev))}  ${msg}${rule ? `  ${rule}` : ''}`);
      for (const step of trace) lines.push(`  ${' '.repeat(posWidth)}  ${s.dim(step)}`);
    }
  }
  const { errors, warnings, suppressed, baselined, filesScanned } = report.stats;
  const total = errors + warnings;
  lines.push('');
  const counts = `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  const extra = [`${plural(filesScanned, 'file')} scanned`];
  if (suppressed) extra.push(`${suppressed} suppressed`);
  if (baselined) extra.push(`${baselined} baselined`);
  if (report.diagnostics.length) extra.push(`${plural(report.diagnostics.length, 'file diagnostic')}`);
  if (total === 0) lines.push(`${s.bold('✔ no problems')} ${s.dim(`· ${extra.join(' · ')}`)}`);
  else lines.push(`${(errors ? s.red : s.yellow)(s.bold(`✖ ${counts}`))} ${s.dim(`· ${extra.join(' · ')}`)}`);
  return lines.join('\n').replace(/^\n/, '') + '\n';
};

function visibleLength(s: string): number {
  // Strip ANSI escapes: the hand-written pattern is fixed-shape (no nested quantifiers).
  return s.replace(/\u001b\[\d+m/g, '').length;
}
