import { describe, expect, it } from 'vitest';
import type { ConnectionFact, Fact, Span } from '../../src/model.js';
import { splitPart } from '../../src/extract/split-variables.js';
import { extractEnv } from '../../src/extract/env.js';
import { extractCompose } from '../../src/extract/compose.js';
import { extractKubernetes } from '../../src/extract/kubernetes.js';
import { extractMcp } from '../../src/extract/mcp.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const connections = (facts: Fact[]): ConnectionFact[] => facts.filter((f): f is ConnectionFact => f.kind === 'connection');

describe('splitPart', () => {
  it.each([
    ['PGHOST', 'PG', 'host'],
    ['PGPORT', 'PG', 'port'],
    ['PGDATABASE', 'PG', 'dbname'],
    ['DB_HOST', 'DB_', 'host'],
    ['DB_NAME', 'DB_', 'dbname'],
    ['DATABASE_HOSTNAME', 'DATABASE_', 'host'],
    ['PROD_DB_HOST', 'PROD_DB_', 'host'],
    ['POSTGRES_PORT', 'POSTGRES_', 'port'],
    ['DATABASE_CLIENT', 'DATABASE_', 'engine'],
    ['externalDatabase.host', 'externalDatabase.', 'host'],
    ['postgresql.auth.username', 'postgresql.', 'user'],
  ])('%s is part %s/%s', (name, stem, part) => {
    expect(splitPart(name)).toEqual({ stem, part });
  });

  it.each(['DATABASE_URL', 'PGSSLMODE', 'PGNAME', 'REDIS_HOST', 'HOST', 'image.repository', 'DB_PASSWORD'])('%s is no part', (name) => {
    expect(splitPart(name)).toBeUndefined();
  });
});

describe('split variables in an env file', () => {
  const text = [
    'PGHOST=orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com',
    'PGPORT=5432',
    'PGUSER=app',
    'PGPASSWORD=${ORDERS_DB_PASSWORD}',
    'PGDATABASE=orders',
    'PGSSLMODE=require',
    '',
  ].join('\n');
  const { facts } = extractEnv({ file: 'deploy/.env.production', text });

  it('are one connection, at the host variable, without the password or the mode', () => {
    const [c, ...rest] = connections(facts);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ form: 'dsn', synthesized: 'split-variables', variable: 'PGHOST', user: 'app', database: 'orders', masked: 'host=orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com port=5432 user=app dbname=orders' });
    expect(c!.hosts).toMatchObject([{ host: 'orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com', port: 5432, class: 'remote' }]);
    expect(c!.password).toEqual({ present: false, placeholder: false });
    expect(c!.sslmode).toBeUndefined();
    expect(pos(c!.span)).toEqual([1, 8, 1, 59]);
    expect(c!.environment.name).toBe('production');
  });
});

describe('split variables: what is not a connection', () => {
  it('nothing without a host, or with an empty one', () => {
    expect(connections(extractEnv({ file: '.env', text: 'PGDATABASE=app\nPGSSLMODE=disable\n' }).facts)).toEqual([]);
    expect(connections(extractEnv({ file: '.env', text: 'PGHOST=\nPGSSLMODE=disable\n' }).facts)).toEqual([]);
  });

  it('nothing for another engine (Laravel DB_CONNECTION=mysql, port 3306)', () => {
    expect(connections(extractEnv({ file: '.env', text: 'DB_CONNECTION=mysql\nDB_HOST=mysql.exemplar.io\n' }).facts)).toEqual([]);
    expect(connections(extractEnv({ file: '.env', text: 'DB_HOST=db.exemplar.io\nDB_PORT=3306\n' }).facts)).toEqual([]);
    expect(connections(extractEnv({ file: '.env', text: 'DATABASE_CLIENT=postgres\nDATABASE_HOST=db.exemplar.io\n' }).facts)).toHaveLength(1);
  });

  it('no second connection when a URL of the unit already names the host', () => {
    const text = 'DATABASE_URL=postgres://app@db.exemplar.io:5432/app\nDB_HOST=db.exemplar.io\n';
    expect(connections(extractEnv({ file: '.env', text }).facts)).toHaveLength(1);
  });

  it('one connection per prefix: PROD_DB_* and DEV_DB_* are two', () => {
    const text = 'PROD_DB_HOST=pg.prod.acme.io\nDEV_DB_HOST=localhost\n';
    const conns = connections(extractEnv({ file: '.env', text }).facts);
    expect(conns.map((c) => [c.variable, c.hosts[0]!.class, c.environment.name])).toEqual([
      ['PROD_DB_HOST', 'remote', 'production'],
      ['DEV_DB_HOST', 'local', 'development'],
    ]);
  });
});

describe('split variables in compose, Kubernetes and MCP units', () => {
  it('a compose service host named after another service is local', () => {
    const text = 'services:\n  api:\n    image: acme/api\n    environment:\n      DB_HOST: db\n      DB_SSL: "false"\n  db:\n    image: postgres:16\n';
    const [c] = connections(extractCompose({ file: 'docker-compose.yml', text }).facts);
    expect(c).toMatchObject({ variable: 'DB_HOST', unit: { name: 'api' } });
    expect(c!.hosts[0]).toMatchObject({ host: 'db', class: 'local', classReason: 'service `db` of this compose file' });
    expect(pos(c!.span)).toEqual([5, 16, 5, 18]);
  });

  it('one connection per container', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: api, namespace: production }',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          env:',
      '            - { name: PGHOST, value: orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com }',
      '        - name: sidecar',
      '          env:',
      '            - { name: PGHOST, value: 127.0.0.1 }',
      '',
    ].join('\n');
    const conns = connections(extractKubernetes({ file: 'k8s/api.yaml', text }).facts);
    expect(conns.map((c) => [c.unit?.name, c.hosts[0]!.class, c.environment.name])).toEqual([
      ['Deployment/api/api', 'remote', 'production'],
      ['Deployment/api/sidecar', 'local', 'production'],
    ]);
  });

  it('an MCP server env block', () => {
    const text = '{"mcpServers": {"pg": {"command": "uvx", "args": ["postgres-mcp"], "env": {"PGHOST": "db.abcdefghijklmnop.supabase.co", "PGSSLMODE": "prefer"}}}}';
    const [c] = connections(extractMcp({ file: '.mcp.json', text }).facts);
    expect(c).toMatchObject({ variable: 'PGHOST', consumer: 'mcp:postgres-mcp', unit: { kind: 'mcp-server', name: 'pg' } });
  });
});
