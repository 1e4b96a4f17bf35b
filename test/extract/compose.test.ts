import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, SettingFact, Span } from '../../src/model.js';
import { extractCompose, interpolateCompose } from '../../src/extract/compose.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

// An agent stack: the app talks to the db service by its service name, container name and
// network alias; a worker uses the list syntax; shared settings come from an `x-` anchor.
const COMPOSE = `name: acme-agent

x-common-env: &common-env
  PGSSLMODE: disable
  NODE_ENV: production

services:
  db:
    image: postgres:16-alpine
    container_name: acme-postgres
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -d postgres://app:\${DB_PASSWORD}@localhost:5432/app"]
      interval: 5s
    networks:
      backend:
        aliases:
          - postgres.internal

  app:
    build: .
    depends_on:
      db:
        condition: service_healthy
    environment:
      <<: *common-env
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
      REPLICA_URL: "postgresql://app:\${DB_PASSWORD}@postgres.internal:5432/app?sslmode=\${REPLICA_SSLMODE:-prefer}"
      ANALYTICS_URL: postgres://analytics:pa$$word@warehouse.exemplar.io:5432/analytics
    command: ["node", "dist/server.js", "--db", "postgres://app:\${DB_PASSWORD}@acme-postgres:5432/app"]
    networks: [backend]

  worker:
    image: ghcr.io/acme/worker:1.8.0
    environment:
      - DATABASE_URL=postgres://app:\${DB_PASSWORD}@db:5432/app?sslmode=require
      - PGSSLMODE
    entrypoint: /bin/sh -c "migrate -path /migrations -database postgres://app:s3cret@db:5432/app?sslmode=disable up"

networks:
  backend: {}
`;

describe('extractCompose on an app + db stack', () => {
  const { facts, diagnostics } = extractCompose({ file: 'docker-compose.yml', text: COMPOSE });
  const byVariable = (v: string, unit: string) => connections(facts).find((c) => c.variable === v && c.unit?.name === unit);

  it('reads the file without diagnostics and tags every fact with its service', () => {
    expect(diagnostics).toEqual([]);
    expect(facts.every((f) => f.format === 'compose' && f.environment.name === 'unknown')).toBe(true);
    expect(new Set(facts.map((f) => f.unit?.id))).toEqual(
      new Set(['docker-compose.yml#compose-service:db', 'docker-compose.yml#compose-service:app', 'docker-compose.yml#compose-service:worker']),
    );
  });

  it('classes the service name as local and keeps ${DB_PASSWORD} a placeholder', () => {
    const url = byVariable('DATABASE_URL', 'app')!;
    expect(url).toMatchObject({
      unit: { kind: 'compose-service', name: 'app' },
      hosts: [{ host: 'db', port: 5432, class: 'local', classReason: 'service `db` of this compose file' }],
      password: { present: true, placeholder: true },
    });
    expect(pos(url.span)).toEqual([30, 21, 30, 62]);
    expect(pos(url.hosts[0]!.span)).toEqual([30, 51, 30, 53]);
  });

  it('counts container_name and network aliases as local names of the service', () => {
    const replica = byVariable('REPLICA_URL', 'app')!;
    expect(replica.hosts[0]).toMatchObject({ host: 'postgres.internal', class: 'local', classReason: 'service `db` of this compose file' });
    const command = connections(facts).find((c) => c.hosts[0]?.host === 'acme-postgres')!;
    expect(command).toMatchObject({ unit: { name: 'app' }, hosts: [{ class: 'local', classReason: 'service `db` of this compose file' }] });
    expect(command.variable).toBeUndefined();
    expect(pos(command.span)).toEqual([33, 50, 33, 102]);
    expect(byVariable('ANALYTICS_URL', 'app')!.hosts[0]).toMatchObject({ host: 'warehouse.exemplar.io', class: 'remote' });
  });

  it('substitutes ${VAR:-default} and $$, pointing at the whole value', () => {
    const replica = byVariable('REPLICA_URL', 'app')!;
    expect(replica.sslmode?.value).toBe('prefer');
    // The quoted scalar on line 31, without its quotes.
    expect(pos(replica.sslmode!.span)).toEqual([31, 21, 31, 114]);
    const analytics = byVariable('ANALYTICS_URL', 'app')!;
    expect(analytics.password).toMatchObject({ present: true, placeholder: false });
    expect(analytics.masked).toBe('postgres://analytics:****@warehouse.exemplar.io:5432/analytics');
    expect(pos(analytics.span)).toEqual([32, 22, 32, 88]);
  });

  it('applies merge keys: PGSSLMODE from the anchor, located where the anchor writes it', () => {
    const sslmode = settings(facts).filter((s) => s.category === 'sslmode');
    const app = sslmode.find((s) => s.unit?.name === 'app')!;
    expect(app).toMatchObject({ name: 'PGSSLMODE', value: 'disable' });
    expect(pos(app.nameSpan)).toEqual([4, 3, 4, 12]);
    expect(pos(app.valueSpan)).toEqual([4, 14, 4, 21]);
  });

  it('reads the KEY=value list form with exact name and value spans, and KEY alone as not a literal', () => {
    const url = byVariable('DATABASE_URL', 'worker')!;
    expect(url).toMatchObject({ sslmode: { value: 'require' }, hosts: [{ host: 'db', class: 'local' }] });
    expect(pos(url.span)).toEqual([39, 22, 39, 79]);
    expect(pos(url.sslmode!.span)).toEqual([39, 72, 39, 79]);
    const passThrough = settings(facts).find((s) => s.unit?.name === 'worker' && s.name === 'PGSSLMODE')!;
    expect(passThrough.value).toBeUndefined();
    expect(passThrough.placeholder).toBe(true);
    expect(pos(passThrough.nameSpan)).toEqual([40, 9, 40, 18]);
  });

  it('scans entrypoint strings and healthcheck tests', () => {
    const migrate = connections(facts).find((c) => c.unit?.name === 'worker' && c.variable === undefined)!;
    expect(migrate).toMatchObject({ sslmode: { value: 'disable' }, password: { present: true, placeholder: false }, hosts: [{ host: 'db', class: 'local' }] });
    expect(pos(migrate.password.span)).toEqual([41, 80, 41, 86]);
    const health = connections(facts).find((c) => c.unit?.name === 'db')!;
    expect(health).toMatchObject({ hosts: [{ host: 'localhost', class: 'local' }] });
    expect(pos(health.span)).toEqual([16, 42, 16, 90]);
  });

  it('reports the password variable of the db service as a placeholder setting', () => {
    const pw = settings(facts).find((s) => s.category === 'password')!;
    expect(pw).toMatchObject({ name: 'POSTGRES_PASSWORD', value: '${DB_PASSWORD}', placeholder: true, unit: { name: 'db' } });
    expect(pos(pw.valueSpan)).toEqual([13, 26, 13, 40]);
  });
});

describe('extractCompose environments, anchors and bad input', () => {
  it('takes the environment from the file name (docker-compose.prod.yml)', () => {
    const text = `services:
  api:
    environment:
      - DATABASE_URL=postgresql://app:\${DB_PASSWORD}@prod-db.c1a2b3.eu-west-1.rds.amazonaws.com:5432/app?sslmode=require
      - PGSSLROOTCERT=certs/rds-global-bundle.pem
      - NODE_TLS_REJECT_UNAUTHORIZED=0
`;
    const { facts } = extractCompose({ file: 'deploy/docker-compose.prod.yml', text });
    const url = connections(facts)[0]!;
    expect(url.environment).toEqual({ name: 'production', reason: 'file name `docker-compose.prod.yml`' });
    expect(url.hosts[0]).toMatchObject({ host: 'prod-db.c1a2b3.eu-west-1.rds.amazonaws.com', class: 'remote' });
    expect(settings(facts).map((s) => [s.category, s.value])).toEqual([
      ['sslrootcert', 'certs/rds-global-bundle.pem'],
      ['node-tls-reject-unauthorized', '0'],
    ]);
    expect(pos(settings(facts)[1]!.nameSpan)).toEqual([6, 9, 6, 37]);
    expect(pos(settings(facts)[1]!.valueSpan)).toEqual([6, 38, 6, 39]);
  });

  it('follows an aliased environment and a sequence of merge sources (earlier wins, own keys win)', () => {
    const text = `x-tls: &tls
  PGSSLMODE: verify-full
  PGSSLROOTCERT: /etc/ssl/rds.pem
x-insecure: &insecure
  PGSSLMODE: disable
  NODE_TLS_REJECT_UNAUTHORIZED: "0"
x-env: &env
  DATABASE_URL: postgresql://app@db.exemplar.io:5432/app
services:
  api:
    environment: *env
  jobs:
    environment:
      <<: [*tls, *insecure]
      PGSSLROOTCERT: /certs/bundle.pem
`;
    const { facts, diagnostics } = extractCompose({ file: 'compose.yaml', text });
    expect(diagnostics).toEqual([]);
    expect(connections(facts).map((c) => c.unit?.name)).toEqual(['api']);
    const jobs = settings(facts).filter((s) => s.unit?.name === 'jobs').map((s) => [s.name, s.value, s.nameSpan.line]);
    expect(jobs).toEqual([
      ['PGSSLROOTCERT', '/certs/bundle.pem', 15],
      ['PGSSLMODE', 'verify-full', 2],
      ['NODE_TLS_REJECT_UNAUTHORIZED', '0', 6],
    ]);
  });

  it('reports broken YAML with a position and no facts, without throwing', () => {
    const text = `services:
  app:
    environment:
      DATABASE_URL: "postgres://app:Sup3rS3cret@db:5432/app
      PGSSLMODE: disable
`;
    const { facts, diagnostics } = extractCompose({ file: 'docker-compose.yml', text });
    expect(facts).toEqual([]);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ file: 'docker-compose.yml', line: expect.any(Number), column: expect.any(Number) });
    expect(diagnostics[0]!.message).toMatch(/^invalid YAML, document not scanned: /);
    expect(JSON.stringify(diagnostics)).not.toContain('Sup3rS3cret');
  });

  it('yields nothing for a file without services', () => {
    expect(extractCompose({ file: 'docker-compose.yml', text: 'version: "3.9"\n' })).toEqual({ facts: [], diagnostics: [] });
  });
});

describe('interpolateCompose', () => {
  it('substitutes defaults, unescapes $$ and keeps other references as written', () => {
    expect(interpolateCompose('${HOST:-db}:${PORT-5432}')).toBe('db:5432');
    expect(interpolateCompose('pa$$word $$HOME')).toBe('pa$word $HOME');
    expect(interpolateCompose('${DB_PASSWORD} $DB_USER ${A:?must be set} ${B:+x}')).toBe('${DB_PASSWORD} $DB_USER ${A:?must be set} ${B:+x}');
    expect(interpolateCompose('${SSLMODE:-${FALLBACK:-verify-full}}')).toBe('verify-full');
    expect(interpolateCompose('${HOST:-}')).toBe('');
    expect(interpolateCompose('cost: $5 and ${unterminated')).toBe('cost: $5 and ${unterminated');
  });
});
