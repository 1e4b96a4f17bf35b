import { describe, expect, it } from 'vitest';
import { extractPrisma } from '../../src/extract/prisma.js';
import { classifyPath } from '../../src/discovery/kinds.js';
import { lintSources } from '../../src/engine/lint.js';
import type { ConnectionFact, Span } from '../../src/model.js';

const pos = (s: Span) => [s.line, s.column, s.endLine, s.endColumn];

const SCHEMA = `generator client {
  provider = "prisma-client-js"
  url      = "postgresql://not-a-datasource@db.exemplar.io/x?sslmode=disable"
}

/// Supabase: pooled URL for the app, direct URL for migrations.
datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = "postgresql://postgres.abcdefghijklmnop@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=require&sslaccept=accept_invalid_certs" // migrations
  shadowDatabaseUrl = "postgresql://postgres@localhost:54322/shadow"
}

model Order {
  id Int @id
}
`;

describe('extractPrisma', () => {
  const { facts, diagnostics } = extractPrisma({ file: 'prisma/schema.prisma', text: SCHEMA });
  const conns = facts as ConnectionFact[];

  it('reads the string URLs of datasource blocks only, with Prisma as consumer', () => {
    expect(diagnostics).toEqual([]);
    expect(conns.map((c) => [c.variable, c.consumer, c.format, c.hosts[0]!.host])).toEqual([
      ['directUrl', 'prisma', 'prisma', 'aws-0-us-east-1.pooler.supabase.com'],
      ['shadowDatabaseUrl', 'prisma', 'prisma', 'localhost'],
    ]);
  });

  it('locates sslmode and sslaccept exactly', () => {
    expect(pos(conns[0]!.span)).toEqual([10, 16, 10, 151]);
    expect(conns[0]!.sslmode!.value).toBe('require');
    expect(pos(conns[0]!.sslaccept!.span)).toEqual([10, 131, 10, 151]);
  });

  it('turns an unterminated string or block into a diagnostic and keeps what it read', () => {
    const broken = extractPrisma({ file: 'schema.prisma', text: 'datasource db {\n  url = "postgresql://app@db.exemplar.io/app?sslmode=disable\n' });
    expect(broken.facts).toEqual([]);
    expect(broken.diagnostics).toEqual([
      { file: 'schema.prisma', line: 2, column: 9, message: 'unterminated string in Prisma schema' },
      { file: 'schema.prisma', line: 1, column: 1, message: 'unterminated datasource block in Prisma schema' },
    ]);
  });

  it('reads escaped strings and points at the whole literal', () => {
    const text = 'datasource db {\n  url = "postgresql://app@db.exemplar.io/app?application_name=api\\\\v2&sslmode=disable"\n}\n';
    const [c] = extractPrisma({ file: 'schema.prisma', text }).facts as ConnectionFact[];
    expect(c!.params['application_name']!.value).toBe('api\\v2');
    expect(pos(c!.sslmode!.span)).toEqual([2, 9, 2, 87]);
  });
});

describe('Prisma schemas in a scan', () => {
  it('are classified by extension and judged by the rules', () => {
    expect(classifyPath('prisma/schema.prisma')).toEqual(['prisma']);
    const { findings } = lintSources([{ file: 'prisma/schema.prisma', text: SCHEMA }], { now: new Date('2027-01-01T00:00:00Z') });
    expect(findings.map((f) => [f.ruleId, f.line, f.column])).toEqual([
      ['prisma-ssl', 10, 131],
    ]);
  });
});

describe('Prisma certificate paths', () => {
  it('are not reported as relative: Prisma resolves them against the schema directory', () => {
    const text = 'datasource db {\n  provider = "postgresql"\n  url = "postgresql://app@db.acme.io:5432/app?sslmode=require&sslcert=../certs/ca.crt"\n}\n';
    const { findings } = lintSources([{ file: 'prisma/schema.prisma', text }], { now: new Date('2027-01-01T00:00:00Z') });
    expect(findings.map((f) => f.ruleId)).not.toContain('absolute-cert-path');
    const env = lintSources([{ file: '.env', text: 'DATABASE_URL=postgresql://app@db.acme.io:5432/app?sslmode=require&sslrootcert=../certs/ca.crt\n' }]);
    expect(env.findings.map((f) => f.ruleId)).toContain('absolute-cert-path');
  });
});

describe('extractPrisma: datasources of other databases', () => {
  it('a SQLite, MySQL or SQL Server datasource is not judged, and its env("DATABASE_URL") reads nothing as Postgres', () => {
    for (const provider of ['sqlite', 'mysql', 'sqlserver']) {
      const text = `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n  directUrl = "postgresql://u:Zq8vN2xLr5TwKp3m@db.acme-corp.io/x?sslmode=disable"\n}\n`;
      expect(extractPrisma({ file: 'prisma/schema.prisma', text }), provider).toEqual({ facts: [], diagnostics: [] });
    }
  });

  it('a Postgres (or CockroachDB) datasource, or one whose provider comes from env(), is', () => {
    for (const provider of ['"postgresql"', '"cockroachdb"', 'env("DB_PROVIDER")']) {
      const text = `datasource db {\n  provider = ${provider}\n  url      = env("DATABASE_URL")\n}\n`;
      expect(extractPrisma({ file: 'prisma/schema.prisma', text }).uses?.length, provider).toBe(1);
    }
  });
});
