import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { expandDotenv, extractEnv, parseDotenv } from '../../src/extract/env.js';

const require = createRequire(import.meta.url);
const dotenv = require('dotenv') as { parse(src: string): Record<string, string> };

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

// What `supabase init` + an AI agent template leave in a repository, pooler and direct URLs included.
const SUPABASE_AGENT_ENV = `# Supabase project: acme-agents (eu-central-1)
SUPABASE_URL=https://abcdefghijklmnopqrst.supabase.co
SUPABASE_SERVICE_ROLE_KEY="eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln"

# Transaction pooler for the agent's tool calls
DATABASE_URL="postgresql://postgres.abcdefghijklmnopqrst:Sup3rS3cret!@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true"
# Direct connection for migrations
SUPABASE_DB_URL=postgresql://postgres:Sup3rS3cret!@db.abcdefghijklmnopqrst.supabase.co:5432/postgres
PGSSLMODE=require
NODE_TLS_REJECT_UNAUTHORIZED=0   # TODO: remove once the pooler CA is trusted
OPENAI_API_KEY='sk-proj-0000000000000000'
`;

// Every piece of dotenv syntax at once: export, the three quotes, a multi-line value, inline
// comments, spaces around `=`, the YAML-ish `KEY: value`, escapes and empty values.
const ALL_SYNTAX = `# comment line
export AGENT_NAME=support-bot
SINGLE='postgres://u:p@h/db?sslmode=disable'  # trailing comment
DOUBLE="line one\\nline two"
BACKTICK=\`it's "quoted"\`
SPACED = value with spaces   
COLON: yaml-ish
EMPTY=
EMPTY_QUOTES=""
HASH_IN_QUOTES="postgres://u:p#w@h/db"
HASH_UNQUOTED=abc#def
CA_BUNDLE="-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUExample
-----END CERTIFICATE-----"
DOTTED.KEY-NAME=1
not a variable line
DUP=first
DUP=second
`;

describe('extractEnv on a Supabase agent .env', () => {
  const { facts, diagnostics } = extractEnv({ file: '.env', text: SUPABASE_AGENT_ENV });

  it('emits a connection per URL, with remote hosts, the unit and exact spans', () => {
    expect(diagnostics).toEqual([]);
    const [pooler, direct] = connections(facts);
    expect(connections(facts)).toHaveLength(2);
    expect(pooler).toMatchObject({
      variable: 'DATABASE_URL',
      format: 'env',
      unit: { id: '.env#env-file:.env', kind: 'env-file', name: '.env' },
      environment: { name: 'unknown' },
      hosts: [{ host: 'aws-0-eu-central-1.pooler.supabase.com', port: 6543, class: 'remote' }],
      password: { present: true, placeholder: false },
      params: { pgbouncer: { value: 'true' } },
    });
    expect(pooler!.masked).not.toContain('Sup3rS3cret');
    // Inside the double quotes of line 6.
    expect(pos(pooler!.span)).toEqual([6, 15, 6, 138]);
    expect(pos(pooler!.password.span)).toEqual([6, 58, 6, 70]);
    expect(direct).toMatchObject({ variable: 'SUPABASE_DB_URL', hosts: [{ host: 'db.abcdefghijklmnopqrst.supabase.co', class: 'remote' }] });
    expect(pos(direct!.span)).toEqual([8, 17, 8, 101]);
  });

  it('emits TLS settings with name and value spans, inline comments excluded', () => {
    const [sslmode, reject] = settings(facts);
    expect(settings(facts)).toHaveLength(2);
    expect(sslmode).toMatchObject({ category: 'sslmode', name: 'PGSSLMODE', value: 'require', placeholder: false });
    expect(pos(sslmode!.nameSpan)).toEqual([9, 1, 9, 10]);
    expect(pos(sslmode!.valueSpan)).toEqual([9, 11, 9, 18]);
    expect(reject).toMatchObject({ category: 'node-tls-reject-unauthorized', value: '0', unit: { id: '.env#env-file:.env' } });
    expect(pos(reject!.valueSpan)).toEqual([10, 30, 10, 31]);
    expect(pos(reject!.span)).toEqual([10, 1, 10, 31]);
  });
});

describe('parseDotenv decodes exactly as dotenv.parse', () => {
  const asObject = (text: string): Record<string, string> => Object.fromEntries(parseDotenv(text).map((e) => [e.name, e.value]));

  it.each([
    ['Supabase agent .env', SUPABASE_AGENT_ENV],
    ['every syntax', ALL_SYNTAX],
    ['every syntax with CRLF', ALL_SYNTAX.replace(/\n/g, '\r\n')],
    ['every syntax with classic Mac CR', ALL_SYNTAX.replace(/\n/g, '\r')],
  ])('%s', (_name, text) => {
    expect(asObject(text)).toEqual(dotenv.parse(text));
  });

  it('on random dotenv-like text, with names found where they are written', () => {
    const piece = fc.constantFrom('A', 'DB_URL', 'export ', '=', ' = ', ': ', '#', ' #c', "'", '"', '`', '\\n', '\\"', '\n', '\r\n', ' ', 'x', '$', '.');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(asObject(text)).toEqual(dotenv.parse(text));
        for (const e of parseDotenv(text)) expect(text.slice(e.nameRange.start, e.nameRange.end)).toBe(e.name);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports ranges in the original text, quotes, export and duplicates', () => {
    const entries = parseDotenv(ALL_SYNTAX.replace(/\n/g, '\r\n'));
    const byName = (n: string) => entries.filter((e) => e.name === n);
    const text = ALL_SYNTAX.replace(/\n/g, '\r\n');
    const single = byName('SINGLE')[0]!;
    expect(single.quote).toBe("'");
    expect(text.slice(single.valueRange.start, single.valueRange.end)).toBe("'postgres://u:p@h/db?sslmode=disable'");
    expect(byName('AGENT_NAME')[0]!.exported).toBe(true);
    expect(byName('SINGLE')[0]!.exported).toBe(false);
    const spaced = byName('SPACED')[0]!;
    expect(text.slice(spaced.valueRange.start, spaced.valueRange.end)).toBe('value with spaces');
    const empty = byName('EMPTY')[0]!;
    expect(empty.value).toBe('');
    expect(empty.valueRange.start).toBe(empty.valueRange.end);
    expect(byName('DUP').map((e) => e.value)).toEqual(['first', 'second']);
    const ca = byName('CA_BUNDLE')[0]!;
    expect(text.slice(ca.valueRange.start, ca.valueRange.end)).toMatch(/^"-----BEGIN CERTIFICATE-----\r\n.*\r\n-----END CERTIFICATE-----"$/s);
  });
});

describe('expandDotenv', () => {
  const defined = new Map([
    ['DB_HOST', 'db.internal.exemplar.io'],
    ['DB_PASSWORD', 'hunter2'],
    ['EMPTY', ''],
  ]);

  it('follows dotenv-expand for defined variables and defaults', () => {
    expect(expandDotenv('${DB_HOST}:$DB_HOST', defined)).toBe('db.internal.exemplar.io:db.internal.exemplar.io');
    expect(expandDotenv('${MODE:-require}', defined)).toBe('require');
    expect(expandDotenv('${EMPTY:-fallback}/${EMPTY-fallback}', defined)).toBe('fallback/fallback');
    expect(expandDotenv('${DB_HOST:+set}|${EMPTY:+set}', defined)).toBe('set|');
    expect(expandDotenv('${MODE:-${DB_HOST}}', defined)).toBe('db.internal.exemplar.io');
    expect(expandDotenv('price \\$5 and \\${DB_HOST}', defined)).toBe('price $5 and ${DB_HOST}');
  });

  it('keeps password references and variables the file does not define as written', () => {
    expect(expandDotenv('postgresql://app:${DB_PASSWORD}@${DB_HOST}/app', defined)).toBe('postgresql://app:${DB_PASSWORD}@db.internal.exemplar.io/app');
    expect(expandDotenv('postgresql://app:$DB_PASSWORD@h/app', defined)).toBe('postgresql://app:$DB_PASSWORD@h/app');
    expect(expandDotenv('${DB_PASSWORD:-fallback}', defined)).toBe('${DB_PASSWORD:-fallback}');
    expect(expandDotenv('postgres://u@${REMOTE_HOST}/db', defined)).toBe('postgres://u@${REMOTE_HOST}/db');
    expect(expandDotenv('${REMOTE_HOST:+x}', defined)).toBe('${REMOTE_HOST:+x}');
  });
});

describe('expandDotenv agrees with dotenv-expand where sslguard adds no rule', () => {
  it('on a file whose references are all defined and none is a password', () => {
    const { expand } = require('dotenv-expand') as {
      expand(o: { parsed: Record<string, string>; processEnv: Record<string, string> }): { parsed: Record<string, string> };
    };
    const text = `DB_HOST=orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com
DB_PORT=5432
DB_NAME=orders
DB_USER=orders_app
DB_SSLMODE=
DATABASE_URL=postgresql://\${DB_USER}@\${DB_HOST}:\${DB_PORT}/\${DB_NAME}?sslmode=\${DB_SSLMODE:-verify-full}
READ_URL="postgresql://$DB_USER@\${READ_HOST:-\${DB_HOST}}:$DB_PORT/$DB_NAME"
PRICE="costs \\$5"
`;
    const ours = new Map<string, string>();
    for (const e of parseDotenv(text)) ours.set(e.name, expandDotenv(e.value, ours));
    const theirs = expand({ parsed: dotenv.parse(text), processEnv: {} }).parsed;
    expect(Object.fromEntries(ours)).toEqual(theirs);
    expect(ours.get('READ_URL')).toBe('postgresql://orders_app@orders.cluster-c1a2b3.eu-west-1.rds.amazonaws.com:5432/orders');
  });
});

describe('extractEnv expansion', () => {
  afterEach(() => {
    delete process.env.SSLGUARD_TEST_HOST;
  });

  const text = `DB_HOST=db.internal.exemplar.io
DB_PASSWORD=hunter2-Secret
DATABASE_URL=postgresql://app:\${DB_PASSWORD}@\${DB_HOST}:5432/app?sslmode=\${DB_SSLMODE:-disable}
DB_HOST=replica.internal.exemplar.io
REPLICA_URL=postgresql://app:$DB_PASSWORD@$DB_HOST:5432/app
OTHER_URL=postgresql://app@\${SSLGUARD_TEST_HOST}:5432/app
`;

  it('expands earlier definitions, keeps the password a placeholder and reports the secret once', () => {
    process.env.SSLGUARD_TEST_HOST = 'leaked-from-scanner.exemplar.io';
    const { facts } = extractEnv({ file: 'services/agent/.env', text });
    const [main, replica, other] = connections(facts);
    expect(main).toMatchObject({
      hosts: [{ host: 'db.internal.exemplar.io', class: 'remote' }],
      password: { present: true, placeholder: true },
      sslmode: { value: 'disable' },
    });
    // An expanded value has no exact positions: everything points at the whole value.
    expect(pos(main!.span)).toEqual([3, 14, 3, 96]);
    expect(pos(main!.sslmode!.span)).toEqual([3, 14, 3, 96]);
    // Later lines see the redefinition.
    expect(replica).toMatchObject({ hosts: [{ host: 'replica.internal.exemplar.io' }], password: { placeholder: true } });
    // Never from the scanner's own environment.
    expect(other!.hosts[0]).toMatchObject({ host: '${SSLGUARD_TEST_HOST}', class: 'unknown' });
    expect(JSON.stringify(connections(facts))).not.toContain('hunter2');
    const passwords = settings(facts).filter((s) => s.category === 'password');
    expect(passwords).toHaveLength(1);
    expect(passwords[0]).toMatchObject({ name: 'DB_PASSWORD', value: 'hunter2-Secret', placeholder: false });
    expect(pos(passwords[0]!.valueSpan)).toEqual([2, 13, 2, 27]);
  });
});

describe('extractEnv environments and file kinds', () => {
  it('.env.production: the file name gives the environment, a variable prefix wins', () => {
    const text = `DATABASE_URL=postgresql://postgres.abcdefghijklmnop:Pr0dPassw0rd!@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=require
STAGING_DATABASE_URL=postgresql://postgres.qrstuvwxyzabcdef:St4gePass!@aws-0-us-east-1.pooler.supabase.com:5432/postgres
DB_SSL_REJECT_UNAUTHORIZED=false
`;
    const { facts } = extractEnv({ file: 'apps/agent/.env.production', text });
    const [prod, staging] = connections(facts);
    expect(prod!.environment).toEqual({ name: 'production', reason: 'file name `.env.production`' });
    expect(prod!.unit?.id).toBe('apps/agent/.env.production#env-file:apps/agent/.env.production');
    expect(staging!.environment).toEqual({ name: 'staging', reason: 'variable prefix `STAGING_`' });
    expect(settings(facts)[0]).toMatchObject({ category: 'reject-unauthorized', value: 'false', environment: { name: 'production' } });
  });

  it('.envrc: exported assignments, single quotes stay literal as in bash', () => {
    const text = `# direnv
source_up
export DB_HOST=db.internal.exemplar.io
export DATABASE_URL="postgresql://app@\${DB_HOST}:5432/app?sslmode=verify-full"
export LITERAL_URL='postgresql://app@\${DB_HOST}:5432/app'
PATH_add bin
`;
    const { facts, diagnostics } = extractEnv({ file: '.envrc', text });
    expect(diagnostics).toEqual([]);
    const [expanded, literal] = connections(facts);
    expect(connections(facts)).toHaveLength(2);
    expect(expanded).toMatchObject({ variable: 'DATABASE_URL', hosts: [{ host: 'db.internal.exemplar.io' }], sslmode: { value: 'verify-full' } });
    expect(literal).toMatchObject({ variable: 'LITERAL_URL', hosts: [{ host: '${DB_HOST}', class: 'unknown' }] });
    // Not expanded, so still exact: the host sits at columns 38–48 of line 5.
    expect(pos(literal!.hosts[0]!.span)).toEqual([5, 38, 5, 48]);
  });

  it('CRLF line endings and a BOM keep positions right', () => {
    const lf = 'PGSSLMODE=verify-full\nDATABASE_URL="postgresql://app@db.exemplar.io/app"\n';
    const crlf = extractEnv({ file: '.env', text: lf.replace(/\n/g, '\r\n') });
    expect(settings(crlf.facts).map((s) => pos(s.valueSpan))).toEqual([[1, 11, 1, 22]]);
    expect(pos(connections(crlf.facts)[0]!.span)).toEqual([2, 15, 2, 50]);
    expect(pos(connections(crlf.facts)[0]!.hosts[0]!.span)).toEqual([2, 32, 2, 46]);
    const bom = extractEnv({ file: '.env', text: '\uFEFF' + lf });
    expect(settings(bom.facts)[0]).toMatchObject({ name: 'PGSSLMODE', value: 'verify-full' });
    expect(settings(bom.facts)[0]!.nameSpan.start).toBe(1);
  });

  it('a multi-line double-quoted value is located as a whole when CRLF changes it', () => {
    const text = 'DATABASE_URL="postgresql://app@db.exemplar.io/app\r\n?sslmode=disable"\r\n';
    const { facts, diagnostics } = extractEnv({ file: '.env', text });
    // dotenv turns the CRLF into "\n", so the decoded value differs from the file text and the
    // connection (which ends at the line break) points at the whole quoted value.
    expect(diagnostics).toEqual([]);
    expect(connections(facts)[0]).toMatchObject({ hosts: [{ host: 'db.exemplar.io' }] });
    expect(pos(connections(facts)[0]!.span)).toEqual([1, 14, 2, 18]);
    expect(pos(connections(facts)[0]!.hosts[0]!.span)).toEqual([1, 14, 2, 18]);
  });
});
