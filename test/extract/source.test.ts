import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { parseSync } from 'oxc-parser';
import { matchesOutsideComments } from '../../src/extract/js/ast.js';
import { extractSource, hasSourceTriggers, SOURCE_TRIGGERS } from '../../src/extract/source.js';
import type { ConnectionFact, Fact, SettingFact, Span, TlsOptionsFact } from '../../src/model.js';

const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const tls = (facts: Fact[]): TlsOptionsFact[] => facts.filter((f): f is TlsOptionsFact => f.kind === 'tls-options');
const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

const DB_TS = `import { Pool } from 'pg';

const connectionString = process.env.DATABASE_URL;

export const pool = new Pool({
  connectionString,
  max: 10,
  ssl: { rejectUnauthorized: false },
});
`;

describe('extractSource: node-postgres pool', () => {
  const { facts, diagnostics } = extractSource({ file: 'src/db.ts', text: DB_TS });

  it('emits one fact per TLS options object, both received by pg.Pool', () => {
    expect(diagnostics).toEqual([]);
    const [outer, inner] = tls(facts);
    expect(tls(facts)).toHaveLength(2);
    expect(outer!.sink).toBe('pg.Pool');
    expect(pos(outer!.span)).toEqual([5, 30, 9, 2]);
    expect(outer!.options.ssl!.value).toEqual({ unknown: true });
    expect(inner!.sink).toBe('pg.Pool');
    expect(pos(inner!.span)).toEqual([8, 8, 8, 37]);
    expect(inner!.options).toEqual({
      rejectUnauthorized: {
        value: false,
        span: expect.objectContaining({ line: 8, column: 10, endLine: 8, endColumn: 35 }),
        valueSpan: expect.objectContaining({ line: 8, column: 30, endLine: 8, endColumn: 35 }),
      },
    });
    expect(inner!.unit).toEqual({ id: 'src/db.ts#source-file:src/db.ts', kind: 'source-file', name: 'src/db.ts' });
    expect(inner!.format).toBe('source');
    expect(inner!.environment.name).toBe('unknown');
  });

  it('does not take the import source or other strings for connection strings', () => {
    expect(connections(facts)).toEqual([]);
    expect(settings(facts)).toEqual([]);
  });
});

describe('extractSource: TLS option values', () => {
  const text = `import pg from 'pg';
import tls from 'node:tls';
import https from 'node:https';

const plain = new pg.Client({ host: 'orders-db.internal', ssl: false });
const socket = tls.connect({ host: 'db.exemplar.io', port: 5432, minVersion: 'TLSv1', maxVersion: 'TLSv1.2' as const });
const agent = new https.Agent({ rejectUnauthorized: !1, checkServerIdentity: () => undefined, ca: undefined });
const other = someLib.configure({ 'sslmode': 'no-verify', secureProtocol: "TLSv1_method", rejectUnauthorized: void 0 });
const flags = { rejectUnauthorized: '0', ssl: 0, minVersion: null, ca: fs.readFileSync('ca.pem') };
`;
  const facts = tls(extractSource({ file: 'src/clients.mts', text }).facts);
  const values = (f: TlsOptionsFact) => Object.fromEntries(Object.entries(f.options).map(([k, v]) => [k, v.value]));

  it('reads ssl: false on a driver config, with the host written beside it', () => {
    expect(facts[0]!.sink).toBe('pg.Client');
    expect(values(facts[0]!)).toEqual({ ssl: false, host: 'orders-db.internal' });
    expect(pos(facts[0]!.options.host!.span)).toEqual([5, 31, 5, 57]);
    expect(pos(facts[0]!.options.ssl!.span)).toEqual([5, 59, 5, 69]);
    expect(pos(facts[0]!.options.ssl!.valueSpan)).toEqual([5, 64, 5, 69]);
  });

  it('folds strings, `as const`, `!1`, `void 0`, `undefined`, and keeps 0 and "0" as written', () => {
    expect(facts.map((f) => f.sink)).toEqual(['pg.Client', 'tls.connect', 'https.Agent', undefined, undefined]);
    expect(values(facts[1]!)).toEqual({ minVersion: 'TLSv1', maxVersion: 'TLSv1.2', host: 'db.exemplar.io' });
    expect(pos(facts[1]!.options.minVersion!.valueSpan)).toEqual([6, 78, 6, 85]);
    expect(values(facts[2]!)).toEqual({ rejectUnauthorized: false, checkServerIdentity: { unknown: true }, ca: null });
    expect(values(facts[3]!)).toEqual({ sslmode: 'no-verify', secureProtocol: 'TLSv1_method', rejectUnauthorized: null });
    expect(values(facts[4]!)).toEqual({ rejectUnauthorized: '0', ssl: 0, minVersion: null, ca: { unknown: true } });
  });
});

describe('extractSource: sink through nesting', () => {
  const text = `const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  ssl: process.env.NODE_ENV === 'production' ? { rejectUnauthorized: true, ca: readFileSync('/etc/ssl/rds.pem') } : false,
});
const sequelize = new Sequelize(url, { dialectOptions: { ssl: { require: true, rejectUnauthorized: false } } });
const config = { ssl: { rejectUnauthorized: false } };
wrap(new Client({ ssl: true }));
`;
  const facts = tls(extractSource({ file: 'server/db.js', text }).facts);

  it('follows object nesting and conditionals to the receiving call, and stops at a variable nothing reads', () => {
    expect(facts.map((f) => [f.span.line, Object.keys(f.options).join(','), f.sink])).toEqual([
      [1, 'ssl', 'pg.Pool'],
      // The non-production side of the NODE_ENV test, as its own fact.
      [3, 'ssl', 'pg.Pool'],
      [3, 'rejectUnauthorized,ca', 'pg.Pool'],
      [5, 'ssl', 'Sequelize'],
      [5, 'require,rejectUnauthorized', 'Sequelize'],
      [6, 'ssl', undefined],
      [6, 'rejectUnauthorized', undefined],
      [7, 'ssl', 'pg.Client'],
    ]);
  });

  it('tags each side of a NODE_ENV test with its environment', () => {
    const [, off, verified] = facts;
    expect(off!.options.ssl!.value).toBe(false);
    expect(pos(off!.options.ssl!.span)).toEqual([3, 117, 3, 122]);
    expect(off!.environment).toEqual({ name: 'development', reason: "`process.env.NODE_ENV === 'production'` is false here" });
    expect(verified!.environment).toEqual({ name: 'production', reason: "`process.env.NODE_ENV === 'production'` holds here" });
    expect(facts[0]!.environment.name).toBe('unknown');
  });
});

describe('extractSource: process.env assignments', () => {
  const text = `// Local CA is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = 0;
process.env.PGSSLMODE ??= "no-verify";
Object.assign(process.env, { PGSSLMODE: 'disable', DATABASE_URL: 'postgres://app:Pa55word@db.exemplar.io/app', PGSSLROOTCERT: certPath });
process.env.DB_PASSWORD = secrets.db;
process.env.NODE_TLS_REJECT_UNAUTHORIZED += '1';
env.PGSSLMODE = 'disable';
`;
  const { facts, diagnostics } = extractSource({ file: 'scripts/configure-env.ts', text });

  it('emits setting facts with exact name and value spans', () => {
    expect(diagnostics).toEqual([]);
    const s = settings(facts);
    expect(s.map((f) => [f.name, f.value, f.placeholder])).toEqual([
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', false],
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', false],
      ['PGSSLMODE', 'no-verify', false],
      ['PGSSLMODE', 'disable', false],
      ['PGSSLROOTCERT', undefined, true],
      ['DB_PASSWORD', undefined, true],
    ]);
    expect(pos(s[0]!.nameSpan)).toEqual([2, 13, 2, 41]);
    expect(pos(s[0]!.valueSpan)).toEqual([2, 45, 2, 46]);
    expect(pos(s[1]!.nameSpan)).toEqual([3, 14, 3, 42]);
    expect(pos(s[1]!.valueSpan)).toEqual([3, 47, 3, 48]);
    expect(pos(s[3]!.nameSpan)).toEqual([5, 30, 5, 39]);
    expect(pos(s[4]!.valueSpan)).toEqual([5, 127, 5, 135]);
    expect(s[0]!.unit?.kind).toBe('source-file');
  });

  it('emits a connection string assigned through Object.assign once, with its variable', () => {
    const c = connections(facts);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ variable: 'DATABASE_URL', user: 'app' });
    expect(pos(c[0]!.span)).toEqual([5, 67, 5, 109]);
  });
});

describe('extractSource: connection strings in literals', () => {
  const text = `const user = 'svc_orders';
export const DATABASE_URL = \`postgresql://\${user}:\${encodeURIComponent(password)}@orders.cluster-c1x2y3.us-east-1.rds.amazonaws.com:5432/orders?sslmode=disable\`;
export const config = {
  replica: 'postgres://reader:r3aderPw@10.0.3.17:5432/orders?sslmode=prefer',
};
export const escaped = "postgres://u@db.exemplar.io/app?application_name=\\x61pp&sslmode=require";
export const multi = \`line one
postgresql://u@db.exemplar.io/db?sslmode=verify-ca \${suffix}\\n\`;
`;
  const { facts } = extractSource({ file: 'src/config.ts', text });
  const c = connections(facts);

  it('reads a template literal URL whole, with interpolations as references', () => {
    expect(c[0]).toMatchObject({ variable: 'DATABASE_URL', password: { present: true, placeholder: true } });
    expect(c[0]!.sslmode?.value).toBe('disable');
    expect(pos(c[0]!.span)).toEqual([2, 30, 2, 160]);
    expect(pos(c[0]!.sslmode!.span)).toEqual([2, 153, 2, 160]);
    expect(c[0]!.masked).toContain('orders.cluster-c1x2y3.us-east-1.rds.amazonaws.com');
  });

  it('names the property key as variable', () => {
    expect(c[1]).toMatchObject({ variable: 'replica', hosts: [expect.objectContaining({ host: '10.0.3.17', ip: 'v4' })] });
    expect(pos(c[1]!.span)).toEqual([4, 13, 4, 76]);
    expect(c[1]!.masked).not.toContain('r3aderPw');
  });

  it('points at the whole literal when escapes shift offsets', () => {
    expect(c[2]!.params['application_name']?.value).toBe('app');
    expect(pos(c[2]!.sslmode!.span)).toEqual([6, 24, 6, 97]);
    expect(c[3]!.sslmode?.value).toBe('verify-ca');
    expect(pos(c[3]!.sslmode!.span)).toEqual([7, 22, 8, 64]);
    expect(c).toHaveLength(4);
  });

  it('gives node-postgres as consumer to a string handed to pg', () => {
    const { facts: f } = extractSource({
      file: 'db.ts',
      text: "const pool = new Pool({ connectionString: 'postgres://api@db.exemplar.io/api?sslmode=require' });",
    });
    expect(connections(f)[0]).toMatchObject({ consumer: 'node-postgres', variable: 'connectionString' });
  });
});

describe('extractSource: JSX and TSX', () => {
  const tsx = `import type { FC } from 'react';
export const Help: FC<{ mode: 'require' | 'disable' }> = ({ mode }) => (
  <Code value="postgres://app@db.exemplar.io/app?sslmode=disable" onCopy={() => copy(\`sslmode=\${mode}\`)} />
);
const cast = <T,>(x: unknown) => x as T;
`;

  it('parses TSX with generics; a URL shown in a component is data, not a connection', () => {
    const { facts, diagnostics } = extractSource({ file: 'web/Help.tsx', text: tsx });
    expect(diagnostics).toEqual([]);
    expect(connections(facts)).toEqual([]);
  });

  it('parses JSX in .jsx and .js', () => {
    const jsx = `export const Banner = () => <Pg ssl={{ rejectUnauthorized: false }} />;\n`;
    for (const file of ['web/Banner.jsx', 'web/Banner.js']) {
      const { facts, diagnostics } = extractSource({ file, text: jsx });
      expect(diagnostics).toEqual([]);
      expect(tls(facts).map((f) => pos(f.options.rejectUnauthorized!.span))).toEqual([[1, 40, 1, 65]]);
    }
  });

  it('parses angle-bracket casts in .ts', () => {
    const { diagnostics, facts } = extractSource({ file: 'a.ts', text: "const o = <any>{ ssl: <boolean>false };\n" });
    expect(diagnostics).toEqual([]);
    expect(tls(facts)[0]!.options.ssl!.value).toBe(false);
  });
});

describe('extractSource: bad input', () => {
  it('turns a syntax error into a diagnostic with its position', () => {
    const text = `const pool = new Pool({\n  ssl: { rejectUnauthorized: false ,\n});\n`;
    const { facts, diagnostics } = extractSource({ file: 'src/broken.ts', text });
    expect(facts).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ file: 'src/broken.ts', line: 3, column: 2 });
    expect(diagnostics[0]!.message).toMatch(/^syntax error: /);
  });

  it('keeps going on semantically invalid but parseable code', () => {
    const text = `export default class { x = { ssl: false } }\nexport default 1;\n`;
    const { facts } = extractSource({ file: 'weird.ts', text });
    expect(tls(facts)).toHaveLength(1);
  });

  it('walks nested code', () => {
    const depth = 300;
    const text = `const x = ${'['.repeat(depth)}{ ssl: false }${']'.repeat(depth)};`;
    const { facts } = extractSource({ file: 'gen.js', text });
    expect(tls(facts).map((f) => pos(f.span))).toEqual([[1, 311, 1, 325]]);
  });

  it('reports nesting too deep for the parser as a diagnostic', () => {
    const depth = 20_000;
    const text = `const x = ${'['.repeat(depth)}{ ssl: false }${']'.repeat(depth)};`;
    const { facts, diagnostics } = extractSource({ file: 'gen.js', text });
    expect(facts).toEqual([]);
    expect(diagnostics).toEqual([{ file: 'gen.js', message: expect.stringMatching(/^cannot parse: .*call stack/) }]);
  });
});

describe('extractSource: trigger prefilter', () => {
  it('lists the triggers and matches them', () => {
    expect(SOURCE_TRIGGERS).toEqual(expect.arrayContaining(['postgres://', 'sslmode', 'rejectUnauthorized', 'REJECT_UNAUTHORIZED', 'ssl', 'minVersion', 'secureProtocol', 'host=']));
    expect(hasSourceTriggers("process.env.PGSSLMODE = 'disable'")).toBe(true);
    expect(hasSourceTriggers('export const add = (a: number, b: number) => a + b;')).toBe(false);
  });

  it('does not load the parser for a file without triggers', async () => {
    vi.resetModules();
    const fresh = await import('../../src/extract/source.js');
    expect(fresh.parserLoaded()).toBe(false);
    const result = fresh.extractSource({ file: 'src/math.ts', text: 'export const add = (a: number, b: number) => a + b;\n' });
    expect(result).toEqual({ facts: [], diagnostics: [] });
    expect(fresh.parserLoaded()).toBe(false);
    fresh.extractSource({ file: 'src/db.ts', text: 'new Pool({ ssl: false })' });
    expect(fresh.parserLoaded()).toBe(true);
  });
});

describe('extractSource: robustness', () => {
  it('never throws on prefixes of a source file, and every span lies inside the text', () => {
    const full = DB_TS + "process.env.PGSSLMODE = `no-verify`;\nconst u = `postgres://a:${b}@h/db?sslmode=disable`;\n";
    for (let cut = 0; cut <= full.length; cut += 3) {
      const text = full.slice(0, cut);
      const { facts } = extractSource({ file: 'src/db.tsx', text });
      for (const f of facts) expect(f.span.start <= f.span.end && f.span.end <= text.length).toBe(true);
    }
  });
});

describe('extractSource: what makes a file worth parsing', () => {
  it('a trigger only in comments, or inside base64 and identifiers, is no reason to parse', () => {
    const commented = `/** Postgres-backed store; the SSL settings and rejectUnauthorized live in db.ts (postgres://…). */\n// ssl: false\nexport class PostgresRunStore { run(id: string) { return id; } }\n`;
    expect(hasSourceTriggers(commented)).toBe(true);
    expect(extractSource({ file: 'src/store.ts', text: commented })).toEqual({ facts: [], diagnostics: [] });
    expect(hasSourceTriggers('export const icon = "data:image/png;base64,AAAAsslBBBB"; const isSSL = 1;')).toBe(false);
    expect(hasSourceTriggers('const DB_SSL = process.env.DB_SSL;')).toBe(true);
  });

  it('a trigger in code after a comment, in a string or a template, is', () => {
    for (const text of [
      "// config\nconst pool = new Pool({ ssl: false });\n",
      "/* a */ export const url = `postgres://app@db.acme-corp.io/app?sslmode=disable`; // end\n",
      "const re = /\\/\\//; const o = { ssl: false };\n",
    ]) {
      expect(extractSource({ file: 'src/db.ts', text }).facts.length, text).toBeGreaterThan(0);
    }
  });

  it('the comment scan agrees with the parser: a match counts unless it lies inside a comment oxc reports', () => {
    // The oracle: oxc's own comment list for sources it parses without errors. The fragments pump
    // the scanner's stop rules: a match before, inside and after comments, strings, templates and regexes.
    const frags = ['ssl', 'postgres://', ' ', '\n', '// c\n', '/* c */', '/* ssl */', '// ssl\n', '"ssl"', "'//'", '`a${b}ssl`', '`/*`', '{', '}', 'x = /\\/\\//g;', 'a = b / c;', 'f(x);'];
    const TRIGGER = /postgres:\/\/|ssl/g;
    let both = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...frags), { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        const parsed = parseSync('t.ts', text);
        fc.pre(parsed.errors.length === 0);
        const inComment = (at: number) => parsed.comments.some((c) => c.start <= at && at < c.end);
        const expected = [...text.matchAll(new RegExp(TRIGGER))].some((m) => !inComment(m.index));
        if (expected) both++;
        expect(matchesOutsideComments(text, TRIGGER), JSON.stringify(text)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    expect(both).toBeGreaterThan(0);
  });
});

describe('extractSource: committed bundles (a held-out corpus repository)', () => {
  it('reads nothing from esbuild or webpack output: library internals and copies of the source', () => {
    for (const text of [
      'var __toESM = (mod) => mod;\n// node_modules/pg/lib/connection.js\nvar ssl = { rejectUnauthorized: false };\n',
      'var __webpack_require__ = {};\nconst pool = { ssl: { rejectUnauthorized: false } };\n',
    ]) expect(extractSource({ file: 'netlify/functions/api.js', text })).toEqual({ facts: [], diagnostics: [] });
  });
});

describe('extractSource: a URL for a deployed environment with a host only the run knows (issue 20)', () => {
  it('is judged by the environment the code names', async () => {
    const { lintSources } = await import('../../src/engine/lint.js');
    const text = "const host = process.env.DB_HOST;\nexport const DATABASE_URL = process.env.NODE_ENV === 'production' ? `postgresql://app@${host}:5432/app?sslmode=require` : 'postgres://localhost/app';\n";
    const findings = lintSources([{ file: 'src/config.ts', text }]).findings;
    expect(findings.map((f) => [f.ruleId, f.environment, f.severity])).toEqual([['require-verify-full', 'production', 'error']]);
  });
});
