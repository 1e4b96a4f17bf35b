import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, Span } from '../../src/model.js';
import { extractDockerfile } from '../../src/extract/dockerfile.js';
import { extractCompose } from '../../src/extract/compose.js';
import { extractPackageJson } from '../../src/extract/package-json.js';
import { extractMcp } from '../../src/extract/mcp.js';
import { dockerCommandRanges, execFormRanges, libpqRanges } from '../../src/extract/libpq-commands.js';
import { consumerOf } from '../../src/policy/consumers.js';

const pos = (s: Span): [number, number, number, number] => [s.line, s.column, s.endLine, s.endColumn];
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');
const slices = (text: string, ranges: { start: number; end: number }[]): string[] => ranges.map((r) => text.slice(r.start, r.end));

describe('libpqRanges', () => {
  it('covers the arguments of libpq programs, each simple command on its own', () => {
    const cmd = 'node dist/migrate.js "$APP_URL" && PGSSLMODE=verify-full pg_dump --format=custom "$BACKUP_URL" > /backup/app.dump; echo done';
    expect(slices(cmd, libpqRanges(cmd))).toEqual(['pg_dump --format=custom "$BACKUP_URL" > /backup/app.dump']);
  });

  it('looks through env, exec, sudo and gosu prefixes and into sh -c scripts', () => {
    expect(slices('exec gosu postgres psql -v ON_ERROR_STOP=1 "$URL"', libpqRanges('exec gosu postgres psql -v ON_ERROR_STOP=1 "$URL"'))).toEqual(['psql -v ON_ERROR_STOP=1 "$URL"']);
    expect(slices('sudo -u postgres /usr/bin/psql -f seed.sql', libpqRanges('sudo -u postgres /usr/bin/psql -f seed.sql'))).toEqual(['/usr/bin/psql -f seed.sql']);
    const script = `sh -ec 'until pg_isready -d "$DATABASE_URL"; do sleep 1; done; exec node server.js'`;
    expect(slices(script, libpqRanges(script))).toEqual(['pg_isready -d "$DATABASE_URL"']);
  });

  it('leaves other programs alone, also one named like a tool in an argument', () => {
    expect(libpqRanges('node scripts/psql.js postgres://app@db.internal:5432/app')).toEqual([]);
    expect(libpqRanges('echo psql')).toEqual([]);
  });
});

describe('execFormRanges', () => {
  it('takes every argument of a libpq program, the script of a shell, the command of CMD and CMD-SHELL', () => {
    expect(execFormRanges(['pg_isready', '-d', 'postgres://health@db:5432/app'])).toEqual([[{ start: 0, end: 10 }], [{ start: 0, end: 2 }], [{ start: 0, end: 29 }]]);
    expect(execFormRanges(['CMD', 'pg_isready', '-U', 'app'])[1]).toEqual([{ start: 0, end: 10 }]);
    expect(execFormRanges(['CMD-SHELL', 'pg_isready -d "$URL" || exit 1'])[1]).toEqual([{ start: 0, end: 21 }]);
    expect(execFormRanges(['sh', '-c', 'psql "$URL" -f init.sql && node server.js'])[2]).toEqual([{ start: 0, end: 24 }]);
    expect(execFormRanges(['node', 'dist/server.js'])).toEqual([[], []]);
  });

  it('maps exec form back into the Dockerfile text only where the JSON string has no escapes', () => {
    const plain = '["psql", "postgres://app@db:5432/app"]';
    expect(slices(plain, dockerCommandRanges(plain))).toEqual(['psql', 'postgres://app@db:5432/app']);
    const escaped = '["sh", "-c", "psql \\"$URL\\" -f seed.sql"]';
    expect(slices(escaped, dockerCommandRanges(escaped))).toEqual(['psql \\"$URL\\" -f seed.sql']);
  });
});

// A migration image: the app's URL reaches node (client unknown here), the backup and the health
// check reach libpq's programs.
const DOCKERFILE = `FROM postgres:16-alpine AS backup
RUN node dist/migrate.js "postgres://migrator@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require" \\
 && pg_dump --format=custom "postgres://backup@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require&sslaccept=strict" > /backup/orders.dump
HEALTHCHECK --interval=30s CMD pg_isready -d "postgres://health@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full"
CMD ["psql", "postgres://report@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-ca", "-f", "report.sql"]
`;

describe('Dockerfile commands', () => {
  const found = connections(extractDockerfile({ file: 'ops/backup/Dockerfile', text: DOCKERFILE }).facts);

  it('marks connection strings that psql, pg_dump and pg_isready receive as read by libpq', () => {
    expect(found.map((c) => [c.user, c.consumer, pos(c.span)])).toEqual([
      ['migrator', undefined, [2, 27, 2, 126]],
      ['backup', 'libpq', [3, 30, 3, 144]],
      ['health', 'libpq', [4, 47, 4, 148]],
      ['report', 'libpq', [5, 15, 5, 114]],
    ]);
  });

  it('so libpq rules judge them: sslaccept makes pg_dump fail', () => {
    expect(found.filter((c) => consumerOf(c) === 'libpq').map((c) => c.sslaccept?.value)).toEqual(['strict', undefined, undefined]);
  });
});

const COMPOSE = `services:
  api:
    image: ghcr.io/acme/api:2.3.0
    command: node dist/server.js --database-url "postgres://api@db.internal.acme.io:5432/app?sslmode=require"
  backup:
    image: postgres:16-alpine
    command: ["sh", "-c", "pg_dump -Fc postgres://backup@db.internal.acme.io:5432/app?sslmode=require > /backup/app.dump"]
    healthcheck:
      test: ["CMD", "pg_isready", "-d", "postgres://health@db.internal.acme.io:5432/app?sslmode=verify-full"]
  seed:
    image: postgres:16-alpine
    entrypoint: psql "postgres://seed@db.internal.acme.io:5432/app?sslmode=prefer" -f /seed.sql
    healthcheck:
      test: pg_isready -d "postgres://probe@db.internal.acme.io:5432/app"
`;

describe('compose commands', () => {
  const found = connections(extractCompose({ file: 'deploy/docker-compose.yml', text: COMPOSE }).facts);

  it('marks connection strings in command, entrypoint and health check that libpq programs receive', () => {
    expect(found.map((c) => [c.user, c.consumer, pos(c.span)])).toEqual([
      ['api', undefined, [4, 50, 4, 109]],
      ['backup', 'libpq', [7, 40, 7, 102]],
      ['health', 'libpq', [9, 42, 9, 108]],
      ['seed', 'libpq', [12, 23, 12, 82]],
      ['probe', 'libpq', [14, 28, 14, 73]],
    ]);
  });
});

describe('other formats', () => {
  it('package.json scripts use the same list of libpq programs (pg_basebackup included)', () => {
    const text = '{\n  "scripts": {\n    "db:replica": "pg_basebackup -d \'postgres://replicator@db.internal.acme.io:5432/app?sslmode=verify-full\' -D /var/lib/replica"\n  }\n}\n';
    const [c] = connections(extractPackageJson({ file: 'package.json', text }).facts);
    expect([c!.consumer, pos(c!.span)]).toEqual(['libpq', [3, 38, 3, 108]]);
  });

  it('an MCP server that is psql itself, and Postgres MCP Pro, are read by libpq', () => {
    const text = JSON.stringify(
      {
        mcpServers: {
          psql: { command: '/usr/bin/psql', args: ['postgres://mcp_ro@db.internal.acme.io:5432/app?sslmode=verify-full'] },
          pro: { command: 'uvx', args: ['postgres-mcp', '--access-mode=restricted'], env: { DATABASE_URI: 'postgres://mcp_pro@db.internal.acme.io:5432/app?sslmode=require' } },
        },
      },
      null,
      2,
    );
    const found = connections(extractMcp({ file: '.cursor/mcp.json', text }).facts);
    expect(found.map((c) => [c.user, c.consumer, consumerOf(c)])).toEqual([
      ['mcp_ro', 'mcp:psql', 'libpq'],
      ['mcp_pro', 'mcp:postgres-mcp', 'libpq'],
    ]);
  });
});
