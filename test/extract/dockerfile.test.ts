import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { extractDockerfile } from '../../src/extract/dockerfile.js';
import { classifyPath } from '../../src/discovery/kinds.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

// A Node API image: a build stage that runs migrations against the staging database, a runtime
// stage built FROM it, and global ARGs. Both ENV forms, quotes and continuations.
const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=20
ARG PGSSLMODE=allow

FROM node:\${NODE_VERSION}-alpine AS build
WORKDIR /app
ENV PGSSLMODE=disable \\
    NODE_TLS_REJECT_UNAUTHORIZED=0
ENV DATABASE_URL "postgres://migrator@staging-db.internal.acme.io:5432/app?sslmode=require"
RUN npx prisma migrate deploy --schema prisma/schema.prisma

FROM build AS runtime
ARG DB_HOST=orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com
ENV DB_SSL='{"rejectUnauthorized":false}' PGSSLROOTCERT=certs/rds-ca.pem
ENV REPORTING_URL=postgres://reporter@\${DB_HOST}:5432/reporting
HEALTHCHECK CMD pg_isready -d "postgres://health@localhost:5432/app"
CMD ["node", "dist/server.js"]
`;

describe('extractDockerfile', () => {
  const { facts, diagnostics, units, links } = extractDockerfile({ file: 'services/api/Dockerfile', text: DOCKERFILE });
  const byName = (n: string) => settings(facts).find((s) => s.name === n);

  it('reads without diagnostics and declares the stages in order, linking a stage to the one it is built FROM', () => {
    expect(diagnostics).toEqual([]);
    expect(units?.map((u) => u.name)).toEqual(['build', 'runtime']);
    expect(links).toEqual([
      {
        unit: { id: 'services/api/Dockerfile#dockerfile-stage:runtime', kind: 'dockerfile-stage', name: 'runtime' },
        inherits: { id: 'services/api/Dockerfile#dockerfile-stage:build', kind: 'dockerfile-stage', name: 'build' },
      },
    ]);
  });

  it('puts ARGs before the first FROM in the (global) stage', () => {
    const s = byName('PGSSLMODE')!;
    const global = settings(facts).filter((f) => f.unit?.name === '(global)');
    expect(global.map((f) => [f.name, f.value])).toEqual([['PGSSLMODE', 'allow']]);
    expect(pos(global[0]!.valueSpan)).toEqual([3, 15, 3, 20]);
    expect(s.format).toBe('dockerfile');
  });

  it('reads ENV A=b across a line continuation, with exact name and value positions', () => {
    const build = settings(facts).filter((f) => f.unit?.name === 'build');
    expect(build.map((f) => [f.name, f.value, f.category])).toEqual([
      ['PGSSLMODE', 'disable', 'sslmode'],
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', 'node-tls-reject-unauthorized'],
    ]);
    expect(pos(build[0]!.nameSpan)).toEqual([7, 5, 7, 14]);
    expect(pos(build[0]!.valueSpan)).toEqual([7, 15, 7, 22]);
    expect(pos(build[1]!.nameSpan)).toEqual([8, 5, 8, 33]);
    expect(pos(build[1]!.valueSpan)).toEqual([8, 34, 8, 35]);
  });

  it('reads the legacy form ENV NAME value with a quoted value', () => {
    const c = connections(facts).find((f) => f.variable === 'DATABASE_URL')!;
    expect(c).toMatchObject({ unit: { name: 'build' }, database: 'app', user: 'migrator' });
    expect(c.hosts[0]!.host).toBe('staging-db.internal.acme.io');
    expect(pos(c.sslmode!.span)).toEqual([9, 84, 9, 91]);
  });

  it('reads a JSON-valued ENV in single quotes as options, and a second property on the same line', () => {
    const ru = byName('DB_SSL.rejectUnauthorized')!;
    expect(ru).toMatchObject({ category: 'reject-unauthorized', value: 'false', unit: { name: 'runtime' } });
    expect(pos(ru.nameSpan)).toEqual([14, 15, 14, 33]);
    expect(pos(ru.valueSpan)).toEqual([14, 35, 14, 40]);
    expect(byName('PGSSLROOTCERT')).toMatchObject({ category: 'sslrootcert', value: 'certs/rds-ca.pem' });
  });

  it('substitutes earlier ARG/ENV values of the stage, pointing at the whole value', () => {
    const c = connections(facts).find((f) => f.variable === 'REPORTING_URL')!;
    expect(c.hosts[0]!.host).toBe('orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com');
    expect(pos(c.span)).toEqual([15, 19, 15, 64]);
  });

  it('finds connection strings in RUN, CMD, ENTRYPOINT and HEALTHCHECK', () => {
    const c = connections(facts).find((f) => f.hosts[0]?.host === 'localhost')!;
    expect(c.unit?.name).toBe('runtime');
    expect(pos(c.span)).toEqual([16, 32, 16, 68]);
  });
});

describe('extractDockerfile: the escape directive, unnamed stages, ARG without default', () => {
  const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nENV PGSSLMODE=prefer `\n    PGHOST=pg.acme.internal\nARG DB_PASSWORD\nFROM alpine:3.20\nENV PGSSLMODE verify-full\n';
  const { facts, units, links } = extractDockerfile({ file: 'Containerfile', text });

  it('honours the backtick escape for continuations and names unnamed stages by position', () => {
    expect(units?.map((u) => u.name)).toEqual(['#1', '#2']);
    expect(links).toBeUndefined();
    const s = settings(facts).map((f) => [f.unit?.name, f.name, f.value]);
    expect(s).toEqual([
      ['#1', 'PGSSLMODE', 'prefer'],
      ['#2', 'PGSSLMODE', 'verify-full'],
    ]);
  });

  it('skips an ARG without a default (supplied at build time)', () => {
    expect(settings(facts).some((f) => f.name === 'DB_PASSWORD')).toBe(false);
  });

  it('assembles PGHOST of the first stage into a connection at the host variable', () => {
    const [c] = connections(facts);
    expect(c).toMatchObject({ synthesized: 'split-variables', variable: 'PGHOST', unit: { name: '#1' } });
    expect(pos(c!.span)).toEqual([4, 12, 4, 28]);
  });
});

describe('extractDockerfile: robustness', () => {
  it('never throws on any prefix of a Dockerfile, and every span lies inside the text', () => {
    for (let i = 0; i <= DOCKERFILE.length; i += 7) {
      const text = DOCKERFILE.slice(0, i);
      const { facts } = extractDockerfile({ file: 'Dockerfile', text });
      for (const f of facts) expect(f.span.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('reads CRLF files with the same positions', () => {
    const { facts } = extractDockerfile({ file: 'Dockerfile', text: 'FROM node:20\r\nENV PGSSLMODE=disable\r\n' });
    expect(pos(settings(facts)[0]!.valueSpan)).toEqual([2, 15, 2, 22]);
  });
});

describe('Dockerfile names', () => {
  it.each([
    ['Dockerfile', ['dockerfile']],
    ['services/api/Dockerfile.prod', ['dockerfile']],
    ['api.Dockerfile', ['dockerfile']],
    ['dockerfile', ['dockerfile']],
    ['Containerfile', ['dockerfile']],
    ['Dockerfile.dockerignore', []],
    ['Dockerfiles/README.md', []],
  ])('%s is read as %j', (file, kinds) => {
    expect(classifyPath(file)).toEqual(kinds);
  });
});
