// The job summary rendered as GitHub renders it (CommonMark with GFM tables; markdown-it is such a
// renderer): what the reader sees must be the message and the file names as written, `&` and `<`
// included, with no HTML let through and every table row of the right width.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { buildSummary } from '../../src/action/summary.js';
import { scan } from '../../src/engine/scan.js';
import { buildReport } from '../../src/report/types.js';
import { resolveConfig } from '../../src/engine/lint.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The text a reader sees in each cell of each table row (tags dropped, entities decoded once). */
function tableCells(html: string): string[][] {
  const decode = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => decode(c[1]!)));
}

describe('job summary, rendered by a CommonMark renderer', () => {
  it('shows code spans, file names with & < | ` and messages with <placeholders> exactly as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-summary-'));
    dirs.push(dir);
    // A remote URL with no sslmode: the message suggests `?sslmode=verify-full&sslrootcert=…` in a code span.
    const weird = 'we&ird <1> | `x`.env';
    writeFileSync(join(dir, weird), 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres\n');
    writeFileSync(join(dir, 'b*c_d.env'), 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=require\n');
    const result = await scan({ paths: ['.'], cwd: dir, config: resolveConfig({}) });
    const report = buildReport(result, result.findings);
    const summary = buildSummary(report, { failOn: 'error', annotations: { enabled: true, errors: { shown: 0, total: 0 }, warnings: { shown: 0, total: 0 } }, sarifFile: 'out&<x>.sarif', blobUrl: 'https://github.com/acme/agent/blob/0123' });
    const html = new MarkdownIt().render(summary);

    // No HTML from a message or a file name gets through.
    expect(html).not.toMatch(/<(?!\/?(h2|h3|p|table|thead|tbody|tr|th|td|code|a|strong|em|blockquote|br)\b)[a-z]/i);
    expect(html).not.toContain('&amp;amp;');
    const rows = tableCells(html);
    // Header row, then each table's rows, all as wide as their header.
    const all = rows.filter((r) => r.length === 4 && r[0] !== 'Severity');
    expect(all.length).toBe(report.findings.length);
    for (const row of rows) expect([2, 3, 4]).toContain(row.length);
    const bySeverity = new Map(all.map((r) => [r[2], r]));
    const requireSslmode = bySeverity.get('require-sslmode')!;
    expect(requireSslmode[1]).toBe(`${weird}:1:14`);
    expect(requireSslmode[3]).toContain('?sslmode=verify-full&sslrootcert=/path/to/ca.crt');
    expect(html).toContain('<code>?sslmode=verify-full&amp;sslrootcert=/path/to/ca.crt</code>');
    const verifyFull = bySeverity.get('require-verify-full')!;
    expect(verifyFull[1]).toBe('b*c_d.env:1:79');
    expect(verifyFull[3]).toContain('sslrootcert=<CA file>');
    // The link to the line encodes the path.
    expect(html).toContain(`href="https://github.com/acme/agent/blob/0123/${encodeURIComponent(weird)}#L1"`);
    // The SARIF path outside the tables, in a code span.
    expect(html).toContain('<code>out&amp;&lt;x&gt;.sarif</code>');
    // Every finding's message reads as the CLI writes it, code spans' backticks aside.
    for (const f of report.findings) expect(all.find((r) => r[2] === f.ruleId && r[1].startsWith(f.file))![3]).toBe(f.message.replace(/`/g, ''));
  });
});
