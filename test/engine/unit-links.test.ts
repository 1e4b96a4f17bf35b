import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { createFactSet, lintSources, type SourceInput } from '../../src/engine/lint.js';
import { unitOf } from '../../src/extract/sink.js';
import { setting } from '../helpers/facts.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const lint = (sources: SourceInput[]) => lintSources(sources, { now: NOW });
const brief = (f: Finding) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`;

const RDS = 'orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com';

describe('unit views', () => {
  const a = unitOf('docker-compose.yml', 'compose-service', 'api');
  const anchor = unitOf('docker-compose.yml', 'yaml-anchor', '&env');
  const stage = unitOf('Dockerfile', 'dockerfile-stage', 'runtime');
  const base = unitOf('Dockerfile', 'dockerfile-stage', 'build');
  const own = setting({ unit: a, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
  const shared = setting({ unit: anchor, category: 'sslrootcert', name: 'PGSSLROOTCERT', value: '/etc/ca.crt' });
  const image = setting({ unit: base, category: 'sslmode', name: 'PGSSLMODE', value: 'disable' });
  const set = createFactSet([image, shared, own], [
    { unit: a, inherits: anchor },
    { unit: a, inherits: stage },
    { unit: stage, inherits: base },
    { unit: base, inherits: a },
  ]);

  it('list own facts first, then inherited ones nearest first, each unit once even in a cycle', () => {
    expect(set.inUnit(a.id)).toEqual([own, shared, image]);
    expect(set.inUnit(stage.id)).toEqual([image, own, shared]);
  });

  it('name the units that inherit a unit, directly or not', () => {
    expect(set.usersOf!(base.id).map((u) => u.name)).toEqual(['runtime', 'api']);
    expect(set.usersOf!(anchor.id).map((u) => u.name)).toEqual(['api', 'build', 'runtime']);
  });

  it('without links every unit stands alone', () => {
    const alone = createFactSet([image, shared, own]);
    expect(alone.inUnit(a.id)).toEqual([own]);
    expect(alone.usersOf!(a.id)).toEqual([]);
  });
});

describe('YAML anchors shared by compose services', () => {
  const compose = `x-db-env: &db-env
  DATABASE_URL: postgres://app:\${DB_PASSWORD}@${RDS}:5432/orders
  PGSSLMODE: disable

services:
  api:
    image: ghcr.io/acme/api:1.4.2
    environment:
      <<: *db-env
      PORT: "8080"
  worker:
    image: ghcr.io/acme/worker:2.0.1
    environment: *db-env
  cron:
    image: ghcr.io/acme/cron:1.0.0
    environment:
      <<: *db-env
      PGSSLMODE: verify-full
      PGSSLROOTCERT: /run/secrets/rds-ca.pem
`;

  it('report a problem of the anchored block once, at the anchor, naming every service that uses it', () => {
    const { findings } = lint([{ file: 'docker-compose.yml', text: compose }]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled docker-compose.yml:3:14']);
    expect(findings[0]!.message).toBe(
      `PGSSLMODE=disable is the default sslmode for every connection of YAML anchor \`&db-env\`, which connects to ${RDS}: ` +
        'without an sslmode of their own, traffic, password included, crosses the network in plaintext. Use PGSSLMODE=verify-full with PGSSLROOTCERT=<CA file>. ' +
        'Applies to compose services `api`, `worker` and `cron`.',
    );
  });

  it('a service-level merge of an anchored service template is shared too', () => {
    const text = `x-app: &app
  image: ghcr.io/acme/api:1.4.2
  environment:
    NODE_TLS_REJECT_UNAUTHORIZED: "0"
services:
  api:
    <<: *app
  worker:
    <<: *app
    command: ["node", "worker.js"]
`;
    const { findings } = lint([{ file: 'compose.yaml', text }]);
    expect(findings.map(brief)).toEqual(['no-reject-unauthorized compose.yaml:4:36']);
    expect(findings[0]!.message).toMatch(/Applies to compose services `api` and `worker`\.$/);
  });

  it('a block used by one service only stays that service', () => {
    const text = `services:
  api:
    image: ghcr.io/acme/api:1.4.2
    environment: &api-env
      PGSSLMODE: disable
      DATABASE_URL: postgres://app@${RDS}:5432/orders
`;
    const { findings } = lint([{ file: 'docker-compose.yml', text }]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('every connection of compose service `api`, which connects to')]);
  });
});

describe('Dockerfile environment applied to the compose service that builds it', () => {
  const dockerfile = `FROM node:20-alpine AS build
ENV PGSSLMODE=disable
RUN npm ci && npm run build

FROM build AS runtime
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
CMD ["node", "dist/server.js"]
`;
  const compose = (build: string, extra = '') => `services:
  api:
    build: ${build}
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@${RDS}:5432/orders
${extra}`;

  it("reports the image's weak PGSSLMODE once, on the Dockerfile, with the service's host, and not the connection as lacking an sslmode", () => {
    const { findings } = lint([
      { file: 'services/api/Dockerfile', text: dockerfile },
      { file: 'services/api/docker-compose.yml', text: compose('.') },
    ]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled services/api/Dockerfile:2:15', 'no-reject-unauthorized services/api/Dockerfile:6:34']);
    expect(findings[0]!.message).toContain(`of Dockerfile stage \`build\`, which connects to ${RDS}`);
    expect(findings[0]!.message).toMatch(/Applies to Dockerfile stage `runtime` and compose service `api`\.$/);
  });

  it('a service setting the same variable overrides the image', () => {
    const { findings } = lint([
      { file: 'services/api/Dockerfile', text: dockerfile },
      { file: 'services/api/docker-compose.yml', text: compose('.', '      PGSSLMODE: verify-full\n      PGSSLROOTCERT: /run/secrets/rds-ca.pem\n') },
    ]);
    expect(findings.map(brief)).toEqual(['no-reject-unauthorized services/api/Dockerfile:6:34']);
  });

  it('follows build.context, build.dockerfile and build.target', () => {
    const text = compose('\n      context: ./services/api\n      dockerfile: Dockerfile\n      target: build');
    const { findings } = lint([
      { file: 'services/api/Dockerfile', text: dockerfile },
      { file: 'docker-compose.yml', text },
    ]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled services/api/Dockerfile:2:15', 'no-reject-unauthorized services/api/Dockerfile:6:34']);
    // The build stage alone runs in the service now: runtime's NODE_TLS_REJECT_UNAUTHORIZED does not.
    expect(findings.find((f) => f.ruleId === 'no-reject-unauthorized')!.message).not.toContain('compose service');
  });

  it('says so when the build target is no stage, and links nothing when the Dockerfile was not scanned', () => {
    const missing = lint([
      { file: 'services/api/Dockerfile', text: dockerfile },
      { file: 'services/api/docker-compose.yml', text: compose('\n      context: .\n      target: release') },
    ]);
    expect(missing.diagnostics).toEqual([
      { file: 'services/api/docker-compose.yml', line: 4, column: 16, message: 'build target `release` is not a stage of services/api/Dockerfile: its environment is not applied to compose service `api`' },
    ]);
    const alone = lint([{ file: 'services/api/docker-compose.yml', text: compose('.') }]);
    expect(alone.findings.map((f) => f.ruleId)).toEqual(['require-sslmode']);
    expect(alone.diagnostics).toEqual([]);
  });
});

describe('MCP servers started with docker run --env-file', () => {
  const mcp = (envFile: string) =>
    `{\n  "mcpServers": {\n    "orders": {\n      "command": "docker",\n      "args": ["run", "-i", "--rm", "--env-file", "${envFile}", "-e", "DATABASE_URI", "crystaldba/postgres-mcp"],\n      "env": { "DATABASE_URI": "postgresql://mcp_ro@${RDS}:5432/orders" }\n    }\n  }\n}\n`;

  it("applies the env file's settings to the server and names the server on the env file's findings", () => {
    const { findings, diagnostics } = lint([
      { file: 'tools/.cursor/mcp.json', text: mcp('${workspaceFolder}/.env.mcp') },
      { file: 'tools/.env.mcp', text: 'PGSSLMODE=prefer\n' },
    ]);
    expect(diagnostics).toEqual([]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled tools/.env.mcp:1:11']);
    expect(findings[0]!.message).toContain(`which connects to ${RDS}`);
    expect(findings[0]!.message).toMatch(/Applies to MCP server `orders`\.$/);
  });

  it('never reads a file outside the scanned files, and says what went unjudged', () => {
    const { findings, diagnostics } = lint([{ file: '.mcp.json', text: mcp('../secrets/db.env') }]);
    expect(findings.map((f) => f.ruleId)).toEqual(['require-sslmode']);
    expect(diagnostics).toEqual([
      {
        file: '.mcp.json',
        line: 5,
        column: 51,
        message:
          '`--env-file ../secrets/db.env` is not among the scanned env files (outside the scanned root, ignored, missing, or not named like an env file): the variables it sets for MCP server `orders` are not judged',
      },
    ]);
  });
});

describe('split variables are judged once', () => {
  it('a weak PGSSLMODE beside a remote PGHOST is one no-ssl-disabled finding, on the setting', () => {
    const { findings } = lint([{ file: '.env.production', text: `PGHOST=${RDS}\nPGUSER=app\nPGSSLMODE=prefer\n` }]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled .env.production:3:11']);
    expect(findings[0]!.message).toContain(`which connects to ${RDS}`);
  });

  it('a remote PGHOST without a mode is require-sslmode at the host; a local one is nothing', () => {
    const remote = lint([{ file: '.env', text: `PGHOST=${RDS}\n` }]);
    expect(remote.findings.map(brief)).toEqual(['require-sslmode .env:1:8']);
    expect(remote.findings[0]!.message).toContain('add `PGSSLMODE=verify-full` and `PGSSLROOTCERT=/path/to/ca.crt` beside PGHOST');
    expect(lint([{ file: '.env', text: 'PGHOST=localhost\nPGSSLMODE=disable\n' }]).findings).toEqual([]);
  });

  it('require in production is one require-verify-full finding; a password beside a remote host is one finding', () => {
    const { findings } = lint([{ file: '.env.production', text: `DB_HOST=${RDS}\nDB_SSLMODE=require\nDB_PASSWORD=Xk9vL2mQ7pR4\n` }]);
    expect(findings.map(brief)).toEqual(['require-verify-full .env.production:2:12', 'no-plaintext-password .env.production:3:13']);
  });
});

describe('application TLS switches (DB_SSL, DATABASE_SSL)', () => {
  it('false turns TLS off for the unit: one finding, on the switch', () => {
    const { findings } = lint([{ file: 'config/api.env', text: `DATABASE_URL=postgres://app@${RDS}:5432/orders\nDATABASE_SSL=false\n` }]);
    expect(findings.map(brief)).toEqual(['no-ssl-disabled config/api.env:2:14']);
    expect(findings[0]!.message).toBe(
      `DATABASE_SSL=false turns TLS off for the connections of this env file, which connects to ${RDS}: traffic, password included, crosses the network in plaintext. ` +
        "Set DATABASE_SSL=true (the client then verifies the server against the system's CAs) or pass the server's CA.",
    );
  });

  it('true is verified TLS against the system CAs: nothing to report, even in production', () => {
    expect(lint([{ file: '.env.production', text: `DATABASE_URL=postgres://app@${RDS}:5432/orders\nDATABASE_SSL=true\n` }]).findings).toEqual([]);
  });

  it('a JSON value with rejectUnauthorized false and Directus double-underscore variables are verification off', () => {
    const { findings } = lint([
      { file: '.env.production', text: `DB_HOST=${RDS}\nDB_SSL='{"rejectUnauthorized":false}'\nDB_SSL__REJECT_UNAUTHORIZED=false\n` },
    ]);
    expect(findings.map(brief)).toEqual(['no-reject-unauthorized .env.production:2:31', 'no-reject-unauthorized .env.production:3:29']);
  });
});

describe('the ssl= parameter, with its consumer meaning', () => {
  const url = (ssl: string) => `postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?ssl=${ssl}`;
  const inEnv = (ssl: string) => lint([{ file: '.env.production', text: `DATABASE_URL=${url(ssl)}\n` }]).findings.map((f) => f.ruleId);
  const inNodePostgres = (ssl: string) =>
    lint([{ file: 'src/db.ts', text: `import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: '${url(ssl)}' });\n` }]).findings.map((f) => f.ruleId);
  const inMcp = (ssl: string) =>
    lint([{ file: '.mcp.json', text: `{"mcpServers": {"pg": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres", "${url(ssl)}"]}}}` }]).findings.map((f) => f.ruleId);
  const inJdbc = (ssl: string) =>
    lint([{ file: '.env.production', text: `JDBC_URL=jdbc:postgresql://db.abcdefghijklmnop.supabase.co:5432/postgres?ssl=${ssl}&sslrootcert=/etc/ssl/supabase-ca.crt\n` }]).findings.map((f) => f.ruleId);

  it.each([
    // value, libpq / unknown consumer in production, node-postgres in code, node-postgres MCP server, pgjdbc
    ['true', ['require-verify-full'], [], [], []],
    ['1', ['require-verify-full'], [], [], []],
    ['TRUE', ['require-verify-full'], [], [], []],
    // pg-connection-string converts only true, 1 and 0: pg reads the string 'false' as TLS on, verified.
    ['false', ['no-ssl-disabled'], [], [], ['no-ssl-disabled']],
    ['0', ['no-ssl-disabled'], ['no-ssl-disabled'], ['no-ssl-disabled'], ['no-ssl-disabled']],
    ['no-verify', ['no-reject-unauthorized'], ['no-reject-unauthorized'], ['no-reject-unauthorized'], ['no-reject-unauthorized']],
    ['maybe', [], [], [], []],
  ])('ssl=%s', (value, libpq, node, mcp, jdbc) => {
    expect(inEnv(value)).toEqual(libpq);
    expect(inNodePostgres(value)).toEqual(node);
    expect(inMcp(value)).toEqual(mcp);
    expect(inJdbc(value)).toEqual(jdbc);
  });

  it('names the value and its meaning', () => {
    const [f] = lint([{ file: '.env.production', text: `DATABASE_URL=${url('1')}\n` }]).findings;
    expect(f!.message).toContain('this connection uses ssl=1, i.e. require');
  });
});

describe('${VAR:-literal} counts as its literal default', () => {
  it('a real password as the default of a reference is a committed password', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: { name: api }\nspec:\n  containers:\n    - name: api\n      image: acme/api\n      env:\n        - name: DATABASE_URL\n          value: postgres://app:\${DB_PASSWORD:-Xk9vL2mQ7pR4}@${RDS}:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem\n`;
    const { findings } = lint([{ file: 'k8s/api.yaml', text }]);
    expect(findings.map(brief)).toEqual(['no-plaintext-password k8s/api.yaml:10:33']);
    expect(findings[0]!.message).not.toContain('Xk9vL2mQ7pR4');
  });

  it('a placeholder default is still a placeholder', () => {
    const text = `DATABASE_URL=postgres://app:\${DB_PASSWORD:-changeme}@${RDS}:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem\n`;
    expect(lint([{ file: '.env.production', text }]).findings).toEqual([]);
  });
});
