import { describe, expect, it } from 'vitest';
import type { Fact, Span, TlsOptionsFact } from '../../src/model.js';
import { extractSource } from '../../src/extract/source.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const defaults = (facts: Fact[]) =>
  facts
    .filter((f): f is TlsOptionsFact => f.kind === 'tls-options')
    .map((t) => t.options.rejectUnauthorized)
    .filter((o) => o?.whenUnset)
    .map((o) => [o!.whenUnset, o!.value, pos(o!.span)]);

const source = (line: string) => `import pg from 'pg';\nexport const pool = new pg.Pool({\n  connectionString: process.env.DATABASE_URL,\n  ssl: { ${line} },\n});\n`;

describe('rejectUnauthorized read from the environment with a default', () => {
  it.each([
    ["rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', false)", 'DATABASE_SSL_REJECT_UNAUTHORIZED', false],
    ["rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true)", 'DATABASE_SSL_REJECT_UNAUTHORIZED', true],
    ["rejectUnauthorized: process.env.DB_SSL_REJECT_UNAUTHORIZED === 'true'", 'DB_SSL_REJECT_UNAUTHORIZED', false],
    ["rejectUnauthorized: 'true' == process.env['DB_SSL_REJECT_UNAUTHORIZED']", 'DB_SSL_REJECT_UNAUTHORIZED', false],
    ["rejectUnauthorized: process.env.DB_SSL_REJECT_UNAUTHORIZED !== 'false'", 'DB_SSL_REJECT_UNAUTHORIZED', true],
    ['rejectUnauthorized: process.env.DB_REJECT ?? false', 'DB_REJECT', false],
    ['rejectUnauthorized: process.env.DB_REJECT || false', 'DB_REJECT', false],
    ['rejectUnauthorized: Boolean(process.env.DB_REJECT)', 'DB_REJECT', false],
    ['rejectUnauthorized: process.env.DB_REJECT != null', 'DB_REJECT', false],
  ])('%s', (line, variable, value) => {
    const { facts } = extractSource({ file: 'src/db.ts', text: source(line) });
    expect(defaults(facts)).toEqual([[variable, value, [4, 10, 4, 10 + line.length]]]);
  });

  it('says nothing for values that read no environment variable, or helpers without a default', () => {
    for (const line of ['rejectUnauthorized: config.verify', "rejectUnauthorized: env.bool('X')", 'rejectUnauthorized: process.env.X ?? flag', 'ssl: process.env.DB_SSL ?? false']) {
      expect(defaults(extractSource({ file: 'src/db.ts', text: source(line) }).facts)).toEqual([]);
    }
  });

  it('follows a const binding to the env read', () => {
    const text = "import pg from 'pg';\nconst verify = process.env.PG_VERIFY === '1';\nexport const pool = new pg.Pool({ ssl: { rejectUnauthorized: verify } });\n";
    expect(defaults(extractSource({ file: 'src/db.ts', text }).facts)).toEqual([['PG_VERIFY', false, [3, 42, 3, 68]]]);
  });
});
