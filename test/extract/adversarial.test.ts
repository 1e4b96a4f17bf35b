// Regular expressions and hand-written scanners must not take more than linear time on hostile
// input: every extractor, the whole core (rules and suppressions included) and masking run over
// 200,000-character strings built to make backtracking patterns explode.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extractEnv } from '../../src/extract/env.js';
import { extractCompose } from '../../src/extract/compose.js';
import { extractKubernetes } from '../../src/extract/kubernetes.js';
import { extractMcp } from '../../src/extract/mcp.js';
import { extractSource } from '../../src/extract/source.js';
import { extractPackageJson } from '../../src/extract/package-json.js';
import { extractInlinePem } from '../../src/extract/certificate.js';
import { helmTemplateOffset } from '../../src/extract/yaml.js';
import { lintSources } from '../../src/engine/lint.js';
import { maskSecrets } from '../../src/connection/mask.js';
import type { Extractor } from '../../src/extract/sink.js';

const N = 200_000;
const rep = (unit: string, prefix = ''): string => prefix + unit.repeat(Math.ceil((N - prefix.length) / unit.length)).slice(0, N - prefix.length);

/** Each built against a pattern family: quoted values with escapes, lazy spans, alternations, nesting. */
const ADVERSARIAL: Record<string, string> = {
  'escaped single quotes, never closed': rep("\\'", "A='"),
  'escaped double quotes, never closed': rep('\\"', 'A="'),
  'escaped backticks, never closed': rep('\\`', 'A=`'),
  'backslashes in a quoted value': rep('\\', "A='"),
  'spaces before a value': rep(' ', 'A=') + 'x',
  'assignments without newlines': rep('a='),
  'unclosed ${': rep('${', 'A='),
  'Go template openers without closers': rep('{'),
  'scheme after scheme': rep('postgres://'),
  'at signs in userinfo': rep('@', 'postgres://'),
  'colons in userinfo': rep(':', 'postgres://'),
  'percent signs': rep('%', 'postgres://u:'),
  'IPv6 brackets': rep('[', 'postgres://'),
  'PEM headers': rep('-----BEGIN '),
  'password keywords': rep('password='),
  'DSN keywords': rep('host=a '),
  'suppression comments': rep('// sslguard-disable-next-line '),
  'comment markers': rep('#', 'A='),
  'mixed whitespace': rep(' \t'),
  'export keywords': rep('export '),
  'flow sequences': rep('['),
  'nested objects': rep('{"a":'),
  'a JSON option block nested deep in an env value': `DB_SSL={"rejectUnauthorized":${'['.repeat(N)}}`,
  'YAML keys': rep('a: '),
  'quoted YAML escapes': rep('\\', 'a: "'),
};

const EXTRACTORS: Array<[string, Extractor, string]> = [
  ['env', extractEnv, '.env'],
  ['compose', extractCompose, 'docker-compose.yml'],
  ['kubernetes', extractKubernetes, 'k8s/app.yaml'],
  ['mcp', extractMcp, '.cursor/mcp.json'],
  ['source', extractSource, 'src/db.ts'],
  ['package.json', extractPackageJson, 'package.json'],
  ['inline PEM', extractInlinePem, 'config/.env'],
];

/** Best of two, so one pause of a loaded machine does not decide. */
function bestMs(fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

// Linear work on 200 kB takes well under a second here (the slowest, yaml on `a: a: …`, about
// 0.8 s); the quadratic Helm-template pattern this replaced took 7 s. The bound leaves room for a
// loaded CI machine and still fails on anything quadratic.
const LIMIT_MS = 4000;

describe('linear time on 200,000-character hostile input', () => {
  // Load the TypeScript parser first: its one-off half second is not the input's fault.
  extractSource({ file: 'warm.ts', text: 'const ssl = true;\n' });

  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    it(name, () => {
      for (const [label, extract, file] of EXTRACTORS) {
        const ms = bestMs(() => extract({ file, text }));
        expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(LIMIT_MS);
      }
      const lint = bestMs(() => lintSources([{ file: '.env', text }, { file: 'src/db.ts', text }, { file: 'docker-compose.yml', text }]));
      expect(lint, `lintSources took ${lint.toFixed(0)} ms`).toBeLessThan(LIMIT_MS);
      const mask = bestMs(() => maskSecrets(text));
      expect(mask, `maskSecrets took ${mask.toFixed(0)} ms`).toBeLessThan(LIMIT_MS);
    }, 120_000);
  }
});

describe('helmTemplateOffset', () => {
  /** The pattern it implements, on the comment-blanked text; quadratic, fine for short strings. */
  const reference = (text: string): number | undefined => {
    const code = text.replace(/(^|[ \t])#[^\r\n]*/gm, (m: string, lead: string) => lead + ' '.repeat(m.length - lead.length));
    return /(?<!\$)\{\{[\s\S]*?\}\}/.exec(code)?.index;
  };

  it('finds what the regular expression finds', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '$', '#', ' ', '\n', 'a', '{{', '}}', '${{'), maxLength: 40 }), (text) => {
        expect(helmTemplateOffset(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('finds a template action in a real chart and none in a GitHub workflow', () => {
    expect(helmTemplateOffset('metadata:\n  name: {{ include "app.fullname" . }}\n')).toBe(18);
    expect(helmTemplateOffset('run: echo ${{ secrets.DATABASE_URL }}\n# {{ not a template }}\n')).toBeUndefined();
  });
});
