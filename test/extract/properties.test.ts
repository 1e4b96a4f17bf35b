// Property tests for every extractor: whatever the input (generated realistic files, cut at any
// point, with junk spliced in, with any line ending), an extractor never throws, every position it
// reports lies inside the file and agrees with its offsets, and no password or private key written
// in the file comes back unmasked in a fact's printable fields, a diagnostic or a finding.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as dotenvParse } from 'dotenv';
import type { Extractor, ExtractResult } from '../../src/extract/sink.js';
import { extractEnv, parseDotenv } from '../../src/extract/env.js';
import { extractCompose } from '../../src/extract/compose.js';
import { extractKubernetes } from '../../src/extract/kubernetes.js';
import { extractMcp } from '../../src/extract/mcp.js';
import { extractSource } from '../../src/extract/source.js';
import { extractPackageJson } from '../../src/extract/package-json.js';
import { extractInlinePem } from '../../src/extract/certificate.js';
import { lintSources } from '../../src/engine/lint.js';
import { SourceText } from '../../src/text/source.js';

const NOW = new Date('2026-01-15T00:00:00Z');

/** `S3` then characters that survive every format unquoted; no other generated text contains `S3`. */
const password = fc.stringMatching(/^[A-Za-z0-9]{6,14}$/).map((s) => `S3${s}`);
/** Passwords with characters that need escaping somewhere (URI, YAML, JSON, shell). */
const trickyPassword = fc.tuple(password, fc.constantFrom('!', '#', '%', '&', '*', '+', '/', ':', '=', '?', '@', '^', '~', ' ', '"', "'", '\\', '$')).map(([p, c]) => `${p}${c}x`);
const host = fc.constantFrom('db.abcd1234.supabase.co', 'aws-0-us-east-1.pooler.supabase.com', 'orders.cluster-x.eu-west-1.rds.amazonaws.com', 'localhost', '10.0.3.7', '[2001:db8::5]', 'db');
const sslmode = fc.constantFrom('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'bogus');
const uri = fc.tuple(fc.constantFrom('postgresql', 'postgres'), fc.constantFrom('app', 'postgres', 'agent'), password, host, fc.option(sslmode, { nil: undefined })).map(
  ([scheme, user, pw, h, mode]) => ({ text: `${scheme}://${user}:${encodeURIComponent(pw)}@${h}:5432/app${mode ? `?sslmode=${mode}` : ''}`, secret: pw }),
);
const dsn = fc.tuple(host, password, sslmode).map(([h, pw, mode]) => ({ text: `host=${h.replace(/[[\]]/g, '')} port=5432 user=app password=${pw} dbname=app sslmode=${mode}`, secret: pw }));
const lineEnding = fc.constantFrom('\n', '\r\n', '\r');
/** Junk of every kind, including the characters each grammar cares about. */
const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...':-[]{}"\'`#&*!|>%@,=\\\n\t ${}<>?/'), maxLength: 30 }),
);

interface Sample {
  text: string;
  secrets: string[];
}

/** Cut the file anywhere, or splice junk in anywhere: broken input of the same shape. */
function mangle(sample: fc.Arbitrary<Sample>): fc.Arbitrary<Sample> {
  return fc.oneof(
    { weight: 3, arbitrary: sample },
    { weight: 1, arbitrary: fc.tuple(sample, fc.nat()).map(([s, n]) => ({ ...s, text: s.text.slice(0, n % (s.text.length + 1)) })) },
    {
      weight: 1,
      arbitrary: fc.tuple(sample, fc.nat(), junk).map(([s, n, j]) => {
        const at = n % (s.text.length + 1);
        return { ...s, text: s.text.slice(0, at) + j + s.text.slice(at) };
      }),
    },
  );
}

/** Every object in a result that looks like a span. */
function spansOf(value: unknown, out: Array<{ start: number; end: number; line: number; column: number; endLine: number; endColumn: number }> = []) {
  if (value === null || typeof value !== 'object') return out;
  const v = value as Record<string, unknown>;
  if (typeof v.start === 'number' && typeof v.end === 'number' && typeof v.line === 'number' && typeof v.endLine === 'number') out.push(v as never);
  for (const child of Object.values(v)) spansOf(child, out);
  return out;
}

/** What may be printed of a result: everything but the raw values rules read (setting values, params). */
function printable(result: ExtractResult): string {
  const parts: string[] = result.diagnostics.map((d) => d.message);
  for (const f of result.facts) if (f.kind === 'connection') parts.push(f.masked);
  return parts.join('\n');
}

function check(extractor: Extractor, file: string, sample: Sample): void {
  const { text, secrets } = sample;
  const result = extractor({ file, text });
  const src = new SourceText(text);
  for (const span of spansOf(result.facts)) {
    expect(span.start >= 0 && span.start <= span.end && span.end <= text.length, `span ${JSON.stringify(span)} in ${text.length} chars`).toBe(true);
    expect({ line: span.line, column: span.column }).toEqual(src.position(span.start));
    expect({ line: span.endLine, column: span.endColumn }).toEqual(src.position(span.end));
  }
  for (const d of result.diagnostics) {
    if (d.line === undefined) continue;
    expect(d.line >= 1 && d.line <= src.lineCount).toBe(true);
    expect(d.column! >= 1 && d.column! <= text.length + 1).toBe(true);
  }
  const shown = printable(result);
  const lint = lintSources([{ file, text }], { now: NOW });
  const reported = [...lint.findings, ...lint.suppressed].map((f) => f.message).join('\n') + lint.diagnostics.map((d) => d.message).join('\n');
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (!text.includes(form)) continue;
      expect(shown, `secret ${form} in extractor output`).not.toContain(form);
      expect(reported, `secret ${form} in findings or diagnostics`).not.toContain(form);
    }
  }
}

const connection = fc.oneof(uri, dsn);

describe('env files', () => {
  const entry = fc.oneof(
    connection.map((c) => ({ line: `DATABASE_URL=${c.text}`, secrets: [c.secret] })),
    connection.map((c) => ({ line: `export DIRECT_URL="${c.text}"`, secrets: [c.secret] })),
    uri.map((c) => ({ line: `POOLER_URL='${c.text}' # session mode`, secrets: [c.secret] })),
    password.map((pw) => ({ line: `PGPASSWORD=${pw}`, secrets: [pw] })),
    password.map((pw) => ({ line: `POSTGRES_PASSWORD="${pw}"`, secrets: [pw] })),
    sslmode.map((m) => ({ line: `PGSSLMODE=${m}`, secrets: [] })),
    fc.constant({ line: 'NODE_TLS_REJECT_UNAUTHORIZED=0', secrets: [] }),
    fc.constant({ line: '# Supabase: Project Settings → Database', secrets: [] }),
    junk.map((j) => ({ line: j, secrets: [] })),
  );
  const envFile = fc.tuple(fc.array(entry, { maxLength: 8 }), lineEnding).map(([entries, eol]) => ({ text: entries.map((e) => e.line).join(eol) + eol, secrets: entries.flatMap((e) => e.secrets) }));

  it('extractEnv: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(envFile), fc.constantFrom('.env', '.env.production', 'deploy/app.env', '.envrc'), (sample, file) => check(extractEnv, file, sample)), { numRuns: 400 });
  });

  it('parseDotenv: ranges inside the text, and the values dotenv itself reads', () => {
    fc.assert(
      fc.property(mangle(envFile), ({ text }) => {
        const entries = parseDotenv(text);
        const last = new Map<string, string>();
        for (const e of entries) {
          for (const r of [e.nameRange, e.valueRange]) expect(r.start >= 0 && r.start <= r.end && r.end <= text.length).toBe(true);
          expect(text.slice(e.nameRange.start, e.nameRange.end)).toBe(e.name);
          last.set(e.name, e.value);
        }
        expect(Object.fromEntries(last)).toEqual(dotenvParse(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('compose files', () => {
  const envEntry = fc.oneof(
    connection.map((c) => ({ map: `DATABASE_URL: "${c.text}"`, list: `- DATABASE_URL=${c.text}`, secrets: [c.secret] })),
    trickyPassword.map((pw) => ({ map: `POSTGRES_PASSWORD: ${JSON.stringify(pw)}`, list: `- POSTGRES_PASSWORD=${pw}`, secrets: [pw] })),
    sslmode.map((m) => ({ map: `PGSSLMODE: ${m}`, list: `- PGSSLMODE=${m}`, secrets: [] })),
  );
  const compose = fc.tuple(fc.array(envEntry, { minLength: 1, maxLength: 4 }), fc.boolean(), lineEnding).map(([entries, asList, eol]) => ({
    text: ['services:', '  api:', '    image: ghcr.io/acme/api:1.4.2', '    environment:', ...entries.map((e) => `      ${asList ? e.list : e.map}`), '  db:', '    image: postgres:16', ''].join(eol),
    secrets: entries.flatMap((e) => e.secrets),
  }));
  it('extractCompose: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(compose), (sample) => check(extractCompose, 'docker-compose.yml', sample)), { numRuns: 300 });
  });
});

describe('Kubernetes manifests', () => {
  const manifest = fc.tuple(connection, trickyPassword, sslmode, lineEnding).map(([c, pw, mode, eol]) => ({
    text: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  namespace: production',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          env:',
      '            - name: DATABASE_URL',
      `              value: "${c.text}"`,
      '            - name: PGSSLMODE',
      `              value: ${mode}`,
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: db',
      'stringData:',
      `  PGPASSWORD: ${JSON.stringify(pw)}`,
      `  DATABASE_URL: ${JSON.stringify(c.text)}`,
      'data:',
      `  POSTGRES_PASSWORD: ${Buffer.from(pw).toString('base64')}`,
      '',
    ].join(eol),
    secrets: [c.secret, pw],
  }));
  it('extractKubernetes: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(manifest), (sample) => check(extractKubernetes, 'k8s/deployment.yaml', sample)), { numRuns: 300 });
  });
});

describe('MCP configs', () => {
  const config = fc.tuple(connection, password, fc.boolean(), lineEnding).map(([c, pw, comment, eol]) => ({
    text: [
      '{',
      ...(comment ? ['  // Cursor reads comments and trailing commas'] : []),
      '  "mcpServers": {',
      '    "postgres": {',
      '      "command": "npx",',
      `      "args": ["-y", "@modelcontextprotocol/server-postgres", ${JSON.stringify(c.text)}],`,
      `      "env": { "PGPASSWORD": ${JSON.stringify(pw)}, "PGSSLMODE": "require" }`,
      '    },',
      '  }',
      '}',
      '',
    ].join(eol),
    secrets: [c.secret, pw],
  }));
  it('extractMcp: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(config), (sample) => check(extractMcp, '.cursor/mcp.json', sample)), { numRuns: 300 });
  });
});

describe('TS/JS source', () => {
  const statement = fc.oneof(
    connection.map((c) => ({ code: `const url = ${JSON.stringify(c.text)};`, secrets: [c.secret] })),
    uri.map((c) => ({ code: `export const pool = new Pool({ connectionString: \`${c.text}\`, ssl: { rejectUnauthorized: false } });`, secrets: [c.secret] })),
    password.map((pw) => ({ code: `const client = new Client({ host: 'db.abcd1234.supabase.co', password: '${pw}', ssl: true });`, secrets: [pw] })),
    fc.constant({ code: "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';", secrets: [] }),
    fc.constant({ code: "import { Pool, Client } from 'pg';", secrets: [] }),
    junk.map((j) => ({ code: j, secrets: [] })),
  );
  const source = fc.tuple(fc.array(statement, { maxLength: 6 }), lineEnding).map(([statements, eol]) => ({ text: statements.map((s) => s.code).join(eol) + eol, secrets: statements.flatMap((s) => s.secrets) }));
  it('extractSource: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(source), fc.constantFrom('src/db.ts', 'lib/db.js', 'app/page.tsx'), (sample, file) => check(extractSource, file, sample)), { numRuns: 200 });
  });
});

describe('package.json', () => {
  const pkg = fc.tuple(uri, password, lineEnding).map(([c, pw, eol]) => ({
    text: JSON.stringify(
      {
        name: 'api',
        scripts: {
          'db:dump': `pg_dump "${c.text}" > dump.sql`,
          'db:shell': `PGPASSWORD=${pw} PGSSLMODE=disable psql -h db.abcd1234.supabase.co -U postgres`,
          dev: 'NODE_TLS_REJECT_UNAUTHORIZED=0 tsx watch src/index.ts',
        },
      },
      null,
      2,
    ).replace(/\n/g, eol),
    secrets: [c.secret, pw],
  }));
  it('extractPackageJson: never throws, positions inside the file, secrets masked', () => {
    fc.assert(fc.property(mangle(pkg), (sample) => check(extractPackageJson, 'package.json', sample)), { numRuns: 300 });
  });
});

describe('inline PEM certificates', () => {
  const base64 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='), minLength: 0, maxLength: 200 });
  const keyBody = fc.stringMatching(/^[A-Za-z0-9+/]{40,64}$/).map((s) => `S3${s}`);
  const pemText = fc.tuple(base64, keyBody, lineEnding, fc.constantFrom('CA_CERT', 'PGSSLKEY_CONTENT')).map(([body, key, eol, name]) => ({
    text: [`${name}="-----BEGIN CERTIFICATE-----`, ...(body.match(/.{1,64}/g) ?? []), '-----END CERTIFICATE-----"', 'PRIVATE_KEY="-----BEGIN PRIVATE KEY-----', key, '-----END PRIVATE KEY-----"', ''].join(eol),
    secrets: [key],
  }));
  it('extractInlinePem: never throws, positions inside the file, keys never shown', () => {
    fc.assert(fc.property(mangle(pemText), (sample) => check(extractInlinePem, 'config/.env.production', sample)), { numRuns: 300 });
  });
});
