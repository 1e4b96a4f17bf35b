import { describe, expect, it } from 'vitest';
import { extractPackageJson } from '../../src/extract/package-json.js';
import { shellTokens } from '../../src/extract/shell-words.js';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';

const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

const PACKAGE_JSON = `{
  "name": "orders-api",
  "version": "2.3.0",
  "private": true,
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "start": "NODE_TLS_REJECT_UNAUTHORIZED=0 node dist/server.js",
    "dev": "cross-env PGSSLMODE=disable DATABASE_URL=postgres://orders:orders@localhost:5432/orders tsx watch src/index.ts",
    "db:dump:prod": "pg_dump \\"postgresql://backup:Kx92mZpq@prod-db.c7h3k.eu-central-1.rds.amazonaws.com:5432/orders?sslmode=require\\" -Fc -f orders.dump",
    "migrate": "npm run build && PGSSLMODE=\\"no-verify\\" node-pg-migrate up",
    "seed": "set NODE_TLS_REJECT_UNAUTHORIZED=0&& node scripts/seed.js",
    "psql": "psql --dbname='host=db.internal.exemplar.io dbname=orders sslmode=allow'"
  },
  "dependencies": { "pg": "^8.13.1" },
  "sslguard": { "rules": { "no-plaintext": "off" }, "note": "postgres://ignored@exemplar.io/x?sslmode=disable" }
}
`;

describe('extractPackageJson', () => {
  const { facts, diagnostics } = extractPackageJson({ file: 'package.json', text: PACKAGE_JSON });
  const s = settings(facts);
  const c = connections(facts);

  it('reads env assignments at the start of a command, after cross-env, after && and after set', () => {
    expect(diagnostics).toEqual([]);
    expect(s.map((f) => [f.unit?.name, f.name, f.value])).toEqual([
      ['start', 'NODE_TLS_REJECT_UNAUTHORIZED', '0'],
      ['dev', 'PGSSLMODE', 'disable'],
      ['migrate', 'PGSSLMODE', 'no-verify'],
      ['seed', 'NODE_TLS_REJECT_UNAUTHORIZED', '0'],
    ]);
    expect(s[0]!.unit).toEqual({ id: 'package.json#package-script:start', kind: 'package-script', name: 'start' });
    expect(s[0]!.format).toBe('package-json');
  });

  it('points exactly at names and values, also after JSON escapes', () => {
    expect(pos(s[0]!.nameSpan)).toEqual([7, 15, 7, 43]);
    expect(pos(s[0]!.valueSpan)).toEqual([7, 44, 7, 45]);
    expect(pos(s[1]!.valueSpan)).toEqual([8, 33, 8, 40]);
    // "PGSSLMODE=\"no-verify\"": the value sits between escaped quotes.
    expect(pos(s[2]!.nameSpan)).toEqual([10, 34, 10, 43]);
    expect(pos(s[2]!.valueSpan)).toEqual([10, 46, 10, 55]);
    expect(pos(s[3]!.valueSpan)).toEqual([11, 47, 11, 48]);
  });

  it('takes the environment from the script name', () => {
    expect(s[1]!.environment).toEqual({ name: 'development', reason: 'script `dev`' });
    expect(c.find((f) => f.unit?.name === 'db:dump:prod')!.environment).toEqual({ name: 'production', reason: 'script `db:dump:prod`' });
    expect(s[0]!.environment.name).toBe('unknown');
  });

  it('reads connection strings in assignments and in libpq tool arguments', () => {
    expect(c.map((f) => [f.unit?.name, f.form, f.variable, f.consumer, f.sslmode?.value])).toEqual([
      ['dev', 'uri', 'DATABASE_URL', undefined, undefined],
      ['db:dump:prod', 'uri', undefined, 'libpq', 'require'],
      ['psql', 'dsn', '--dbname', 'libpq', 'allow'],
    ]);
    expect(pos(c[1]!.span)).toEqual([9, 32, 9, 133]);
    expect(c[1]!.masked).not.toContain('Kx92mZpq');
    expect(pos(c[2]!.sslmode!.span)).toEqual([12, 80, 12, 85]);
  });

  it('ignores the sslguard configuration key', () => {
    expect(facts.some((f) => f.span.line === 15)).toBe(false);
  });
});

describe('extractPackageJson: bad input', () => {
  it('reports JSON errors and keeps the scripts it could read', () => {
    const text = `{\n  "scripts": {\n    "start": "NODE_TLS_REJECT_UNAUTHORIZED=0 node server.js"\n    "test": "vitest"\n`;
    const { facts, diagnostics } = extractPackageJson({ file: 'apps/api/package.json', text });
    expect(diagnostics[0]).toEqual({ file: 'apps/api/package.json', line: 4, column: 5, message: 'invalid JSON: CommaExpected' });
    expect(settings(facts).map((f) => f.name)).toEqual(['NODE_TLS_REJECT_UNAUTHORIZED']);
  });

  it('survives unterminated quotes and odd scripts', () => {
    const text = JSON.stringify({ scripts: { a: 'PGSSLMODE="disable node x', b: '', c: 42, d: '&& ; |', e: 'env -u HOME PGSSLMODE=verify-full psql' } });
    const { facts } = extractPackageJson({ file: 'package.json', text });
    expect(settings(facts).map((f) => [f.unit?.name, f.value])).toEqual([
      ['a', 'disable node x'],
      ['e', 'verify-full'],
    ]);
  });
});

describe('shellTokens', () => {
  it('splits words, removes quotes and keeps source offsets', () => {
    const tokens = shellTokens(`A="x y" b\\ c 'd'&&e|f # comment`);
    expect(tokens.map((t) => (t.kind === 'word' ? t.value : `<${t.op}>`))).toEqual(['A=x y', 'b c', 'd', '<&&>', 'e', '<|>', 'f']);
    const first = tokens[0]!;
    expect(first.kind === 'word' && first.offsets).toEqual([0, 1, 3, 4, 5]);
  });
});

describe('extractPackageJson: robustness', () => {
  it('never throws on any prefix of a package.json, and every span lies inside the text', () => {
    for (let cut = 0; cut <= PACKAGE_JSON.length; cut++) {
      const text = PACKAGE_JSON.slice(0, cut);
      const { facts } = extractPackageJson({ file: 'package.json', text });
      for (const f of facts) expect(f.span.start <= f.span.end && f.span.end <= text.length).toBe(true);
    }
  });
});
