// Every regular expression in src/ runs in time linear in its input (issue 19). The expressions
// are collected from the source with the TypeScript parser, so a new one is checked without
// anyone listing it, and each is handed to recheck (https://makenowjust-labs.github.io/recheck/),
// which decides from the expression's automaton, or by fuzzing with step counts for expressions
// with look-arounds and back-references, whether some input makes a backtracking engine take
// polynomial or exponential time, and builds that input. No clock is read: the verdict is the
// same on a loaded machine. The hostile files of bounds.test.ts are the end-to-end side of this.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SOURCE_SUFFIX } from '../../src/discovery/kinds.js';
import { KEYWORDS } from '../../src/extract/prefilter.js';
import { SOURCE_TRIGGER_PATTERN } from '../../src/extract/source.js';
import { PYTHON_TRIGGER_PATTERN } from '../../src/extract/python/index.js';

const root = join(import.meta.dirname, '..', '..');

interface Found {
  where: string;
  source: string;
  flags: string;
}

/** `RegExp(…)` built from a computed string: the pattern each call compiles, by the call's text. */
const DYNAMIC: Record<string, { source: string; flags: string }> = {
  'new RegExp(`${SOURCE_SUFFIX}$`)': { source: `${SOURCE_SUFFIX}$`, flags: '' },
  'new RegExp(SOURCE_TRIGGER_PATTERN)': { source: SOURCE_TRIGGER_PATTERN, flags: '' },
  "new RegExp(SOURCE_TRIGGER_PATTERN, 'g')": { source: SOURCE_TRIGGER_PATTERN, flags: 'g' },
  'new RegExp(KEYWORDS)': { source: KEYWORDS, flags: '' },
  'new RegExp(PYTHON_TRIGGER_PATTERN)': { source: PYTHON_TRIGGER_PATTERN, flags: '' },
  // The closing run of a Markdown code span, as long as the opening one (here two backticks).
  "new RegExp(`(?<!\\`)${start[0]}(?!\\`)`, 'g')": { source: '(?<!`)``(?!`)', flags: 'g' },
  // Variable names as whole words (escaped literals).
  "new RegExp(`(?<![A-Za-z0-9_])(?:${escaped.join('|')})(?![A-Za-z0-9_])`)": { source: '(?<![A-Za-z0-9_])(?:DATABASE_URL|PGSSLMODE|DB\\.URL)(?![A-Za-z0-9_])', flags: '' },
};

function collect(): { found: Found[]; unknown: string[] } {
  const found: Found[] = [];
  const unknown: string[] = [];
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const path = join(root, 'src', file);
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${relative(root, path)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = n.getText(sf);
        const slash = text.lastIndexOf('/');
        found.push({ where: where(n), source: text.slice(1, slash), flags: text.slice(slash + 1) });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
        const dynamic = DYNAMIC[n.getText(sf)];
        if (dynamic) found.push({ where: where(n), ...dynamic });
        else unknown.push(`${where(n)}: ${n.getText(sf)}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { found, unknown };
}

/** recheck's verdict; `d` (match indices) changes no matching and recheck does not know it. */
function verdict(source: string, flags: string): string {
  const r = checkSync(source, flags.replace('d', ''), { timeout: 120_000, randomSeed: 0 });
  if (r.status === 'safe') return 'safe';
  if (r.status === 'vulnerable') return `${r.complexity.type}${r.complexity.type === 'polynomial' ? ` (degree ${r.complexity.degree})` : ''}, e.g. ${r.attack.pattern}`;
  return `unknown: ${JSON.stringify(r.error)}`;
}

describe('every regular expression in src/ is linear', () => {
  const { found, unknown } = collect();

  it('finds them all, and knows the pattern of each RegExp built at run time', () => {
    expect(found.length).toBeGreaterThan(250);
    // A new `new RegExp(x)`: add what it compiles to DYNAMIC.
    expect(unknown).toEqual([]);
  });

  it('recheck finds no input that makes one of them super-linear', () => {
    const bad = found.map((r) => ({ ...r, verdict: verdict(r.source, r.flags) })).filter((r) => r.verdict !== 'safe');
    expect(bad.map((r) => `${r.where} /${r.source}/${r.flags}: ${r.verdict}`)).toEqual([]);
  }, 300_000);

  it('the check fails on the expressions issue 19 replaced', () => {
    // The HEALTHCHECK options (exponential), dotenv's line searched with `g` (blank lines), the
    // Helm-template host and the key-path name (quadratic).
    expect(verdict(String.raw`^(?:\s*--\S+)*\s*CMD\s+`, 'i')).toMatch(/^exponential/);
    expect(verdict(String.raw`(?:^|^)\s*(export\s+)?([\w.-]+)(\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*` + '`(?:\\\\`|[^`])*`' + String.raw`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)`, 'gm')).toMatch(/^polynomial/);
    expect(verdict(String.raw`\{\{[\s\S]*?\}\}`, '')).toMatch(/^polynomial/);
    expect(verdict(String.raw`^(.*(?:^|\.)[^.]*(?:db|database|postgres|postgresql|pg)[^.]*(?:\.auth)?\.)(host|hostname|port|user|username|database|dbname|name)$`, 'i')).toMatch(/^polynomial/);
  }, 120_000);
});
