// Cross-file resolution (issue 5): each path a value takes from where it is written to the unit
// that runs it, the precedence between them, and the mirror cases where resolving removes an alarm.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { lintSources, type SourceInput } from '../../src/engine/lint.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const lint = (sources: SourceInput[]) => lintSources(sources, { now: NOW });
const brief = (f: Finding) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`;
const briefs = (sources: SourceInput[]) => lint(sources).findings.filter((f) => f.ruleId !== 'gitignore-env').map(brief);
const trace = (f: Finding | undefined) => f?.related?.map((r) => `${r.file}:${r.line}:${r.column}-${r.endLine}:${r.endColumn} ${r.message}`);

const RDS = 'orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** 1-based column of `needle` in a one-line text. */
const col = (text: string, needle: string) => text.indexOf(needle) + 1;

describe('compose: ${VAR} from the .env beside the compose file', () => {
  const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n';

  const line = `DATABASE_URL=postgresql://app@${RDS}:5432/orders?sslmode=require`;

  it('judges the value in the service, with the trace from where it is written to where it is used', () => {
    const result = lint([
      { file: 'deploy/docker-compose.production.yml', text: compose },
      { file: 'deploy/.env', text: `${line}\n` },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'require-verify-full');
    expect(f && brief(f)).toBe(`require-verify-full deploy/.env:1:${col(line, 'sslmode=') + 8}`);
    expect([f?.environment, f?.severity]).toEqual(['production', 'error']);
    expect(f?.message).toContain('docker-compose.production.yml');
    expect(trace(f)).toEqual([
      `deploy/.env:1:14-1:${line.length + 1} DATABASE_URL is written here`,
      'deploy/docker-compose.production.yml:5:21-5:36 used as `${DATABASE_URL}` by compose service `api`',
    ]);
  });

  it('alone, the same .env line is not production: a warning without a trace', () => {
    const result = lint([{ file: 'deploy/.env', text: `${line}\n` }]);
    const f = result.findings.find((x) => x.ruleId === 'require-verify-full');
    expect([f?.environment, f?.severity, f?.related]).toEqual(['unknown', 'warning', undefined]);
  });

  it('reads only the .env of the compose file’s own directory', () => {
    const result = lint([
      { file: 'deploy/docker-compose.production.yml', text: compose },
      { file: '.env', text: `${line}\n` },
    ]);
    expect(result.findings.filter((f) => f.ruleId === 'require-verify-full').map((f) => [f.environment, f.related])).toEqual([['unknown', undefined]]);
  });

  it('$VAR and ${VAR-default} are references too; ${VAR:-default} keeps its default when the .env value is empty', () => {
    const text =
      'services:\n  api:\n    image: a\n    environment:\n      - DATABASE_URL=$DATABASE_URL\n      - PGSSLMODE=${PGSSLMODE:-verify-full}\n      - PGSSLROOTCERT=/etc/ssl/certs/rds.pem\n';
    const findings = lint([
      { file: 'docker-compose.prod.yml', text },
      { file: '.env', text: `DATABASE_URL=postgresql://app@${RDS}:5432/orders\nPGSSLMODE=\n` },
    ]).findings;
    // No sslmode in the URL, PGSSLMODE=verify-full (the default) in the service: nothing to report.
    expect(findings.filter((f) => f.ruleId !== 'gitignore-env').map(brief)).toEqual([]);
  });

  it('a PGSSLMODE of the service applies to the URL from .env, and a mode in the URL wins over it', () => {
    const text = 'services:\n  api:\n    image: a\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n      PGSSLMODE: verify-full\n      PGSSLROOTCERT: /etc/ca.pem\n';
    expect(briefs([{ file: 'docker-compose.prod.yml', text }, { file: '.env', text: `DATABASE_URL=postgresql://app@${RDS}:5432/orders\n` }])).toEqual([]);
    const disabled = `DATABASE_URL=postgresql://app@${RDS}:5432/orders?sslmode=disable`;
    expect(briefs([{ file: 'docker-compose.prod.yml', text }, { file: '.env', text: `${disabled}\n` }])).toEqual([`no-ssl-disabled .env:1:${col(disabled, 'sslmode=') + 8}`]);
  });

  it('a value assembled from parts is judged where it is assembled; a password reference is never filled in', () => {
    const text = 'services:\n  migrate:\n    image: a\n    environment:\n      MIGRATION_URL: postgresql://migrator:${DB_PASSWORD}@${DB_HOST}:5432/app?sslmode=disable\n';
    const result = lint([
      { file: 'docker-compose.yml', text },
      { file: '.env', text: `DB_HOST=${RDS}\nDB_PASSWORD=Xk9vL2mQ7pR4\n` },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'no-ssl-disabled');
    expect(f && brief(f)).toBe('no-ssl-disabled docker-compose.yml:5:22');
    expect(f?.message).toContain(RDS);
    expect(trace(f)?.[0]).toBe(`.env:1:9-1:${9 + RDS.length} DB_HOST is written here`);
    // The password stays where it is written (judged there), not copied into the compose URL.
    expect(result.findings.filter((x) => x.ruleId === 'no-plaintext-password' && x.file === 'docker-compose.yml')).toEqual([]);
  });

  it('env_file: the variables are the service’s, so compose service names are local hosts (mirror case)', () => {
    const text = 'services:\n  worker:\n    image: a\n    env_file:\n      - .env.worker\n  db:\n    image: postgres:16\n';
    const env = 'QUEUE_URL=postgresql://worker@db:5432/queue\nPGSSLMODE=disable\n';
    expect(briefs([{ file: 'docker-compose.prod.yml', text }, { file: '.env.worker', text: env }])).toEqual([]);
    // Without the compose file, `db` is a host name like any other, and production's PGSSLMODE=disable is reported.
    expect(briefs([{ file: '.env.worker', text: env.replace('db:5432', 'queue-db.acme.io:5432') }])).toEqual(['no-ssl-disabled .env.worker:2:11']);
  });

  it('an env_file that was not scanned is a diagnostic, unless it is marked required: false', () => {
    const text = 'services:\n  api:\n    image: a\n    env_file:\n      - path: ./secrets.env\n      - path: ./optional.env\n        required: false\n';
    const result = lint([{ file: 'docker-compose.yml', text }]);
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message.slice(0, 50)}`)).toEqual([
      'docker-compose.yml:5:15 `env_file: ./secrets.env` is not among the scanned',
    ]);
  });
});

describe('MCP configs: ${VAR} and ${env:VAR} from the project’s .env', () => {
  const config = (arg: string) =>
    `{\n  "mcpServers": {\n    "db": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-postgres", "${arg}"]\n    }\n  }\n}\n`;

  const url = (mode: string) => `PG_URL=postgresql://readonly@${RDS}:5432/orders?sslmode=${mode}`;
  const at = col(url('x'), 'sslmode=') + 8;

  it('resolves ${env:VAR} from the project root of .cursor/mcp.json, with the server as the client', () => {
    const result = lint([
      { file: '.cursor/mcp.json', text: config('${env:PG_URL}') },
      { file: '.env', text: `${url('require')}\n` },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'pg-sslmode-alias');
    expect(f && brief(f)).toBe(`pg-sslmode-alias .env:1:${at}`);
    expect(trace(f)?.[1]).toBe('.cursor/mcp.json:5:64-5:77 used as `${env:PG_URL}` by MCP server `db`');
  });

  it('.env.local wins over .env', () => {
    const findings = lint([
      { file: '.mcp.json', text: config('${PG_URL}') },
      { file: '.env', text: `${url('disable')}\n` },
      { file: '.env.local', text: `${url('verify-full')}\n` },
    ]).findings.filter((f) => f.ruleId === 'no-ssl-disabled');
    // .env's value is not what the server gets, but it is still a file of its own that a shell may load: judged alone.
    expect(findings.map((f) => [brief(f), f.related])).toEqual([[`no-ssl-disabled .env:1:${at}`, undefined]]);
    const local = lint([
      { file: '.mcp.json', text: config('${PG_URL}') },
      { file: '.env', text: `${url('verify-full')}\n` },
      { file: '.env.local', text: `${url('disable')}\n` },
    ]).findings.find((f) => f.ruleId === 'no-ssl-disabled');
    expect(local?.file).toBe('.env.local');
    expect(trace(local)?.[1]).toContain('MCP server `db`');
  });

  it('${input:…} prompts are the safe way to pass a password: never a plaintext finding', () => {
    const text = '{\n  "servers": {\n    "db": {\n      "command": "uvx",\n      "args": ["postgres-mcp"],\n      "env": { "DATABASE_URI": "postgresql://app:${input:pg_password}@' + RDS + ':5432/orders?sslmode=verify-full&sslrootcert=/etc/ca.pem", "PGPASSWORD": "${input:pg_password}" }\n    }\n  }\n}\n';
    expect(briefs([{ file: '.vscode/mcp.json', text }])).toEqual([]);
  });
});

describe('.env layering: references across .env and .env.local', () => {
  it('a reference in .env.local takes its value from .env', () => {
    const result = lint([
      { file: 'app/.env', text: `DB_HOST=${RDS}\n` },
      { file: 'app/.env.local', text: 'DATABASE_URL=postgresql://app@${DB_HOST}:5432/orders?sslmode=prefer\n' },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'no-ssl-disabled');
    expect(f && brief(f)).toBe('no-ssl-disabled app/.env.local:1:14');
    expect(f?.message).toContain(RDS);
  });

  it('the mirror: a local host from .env keeps a weak mode fine', () => {
    expect(
      briefs([
        { file: 'app/.env', text: 'DB_HOST=localhost\n' },
        { file: 'app/.env.production.local', text: 'DATABASE_URL=postgresql://app@${DB_HOST}:5432/orders?sslmode=disable\n' },
      ]),
    ).toEqual([]);
  });
});

describe('Kubernetes: secretKeyRef, configMapKeyRef, envFrom and $(VAR)', () => {
  const deployment = (env: string, namespace = 'production') =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: ${namespace}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/orders:1.0\n${env}`;
  const secretKeyRef = '          env:\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: orders-db\n                  key: url\n';
  const secret = (url: string, namespace?: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\n${namespace ? `  namespace: ${namespace}\n` : ''}type: Opaque\ndata:\n  url: ${b64(url)}\n`;

  it('a Secret used by a production Deployment is production (base64 decoded), with the trace', () => {
    const result = lint([
      { file: 'k8s/deploy.yaml', text: deployment(secretKeyRef) },
      { file: 'k8s/secret.yaml', text: secret(`postgresql://orders@${RDS}:5432/orders?sslmode=require`) },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'require-verify-full');
    expect(f && brief(f)).toBe('require-verify-full k8s/secret.yaml:7:8');
    expect(f?.environment).toBe('production');
    expect(f?.message).toContain('namespace `production` in k8s/deploy.yaml');
    expect(trace(f)).toEqual([
      expect.stringMatching(/^k8s\/secret\.yaml:7:8-7:\d+ url is written here in Secret `orders-db`$/),
      'k8s/deploy.yaml:15:17-18:1 used as `secretKeyRef orders-db/url` by container `Deployment/orders/api`',
    ]);
  });

  it('a Secret in another namespace is not the one the Deployment reads: it is judged in its own', () => {
    const findings = lint([
      { file: 'k8s/deploy.yaml', text: deployment(secretKeyRef) },
      { file: 'k8s/secret.yaml', text: secret(`postgresql://orders@${RDS}:5432/orders?sslmode=require`, 'staging') },
    ]).findings;
    expect(findings.filter((f) => f.ruleId === 'require-verify-full').map((f) => [f.environment, f.related])).toEqual([['staging', undefined]]);
  });

  it('envFrom brings every key of a ConfigMap (with its prefix): PGSSLMODE there covers the Secret’s URL (mirror case)', () => {
    const env =
      '          envFrom:\n            - configMapRef:\n                name: db-tls\n' + secretKeyRef;
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db-tls\ndata:\n  PGSSLMODE: verify-full\n  PGSSLROOTCERT: /etc/ssl/certs/rds-global-bundle.pem\n';
    const sources = [
      { file: 'k8s/deploy.yaml', text: deployment(env) },
      { file: 'k8s/secret.yaml', text: secret(`postgresql://orders@${RDS}:5432/orders`) },
      { file: 'k8s/configmap.yaml', text: configMap },
    ];
    expect(briefs(sources)).toEqual([]);
    // Without the ConfigMap the URL sets no mode, in production.
    expect(briefs(sources.slice(0, 2))).toEqual(['require-sslmode k8s/secret.yaml:7:8']);
  });

  it('$(VAR) takes a ConfigMap value: a sidecar proxy on 127.0.0.1 may go without TLS (mirror case)', () => {
    const env =
      '          env:\n            - name: DB_HOST\n              valueFrom:\n                configMapKeyRef: { name: ledger-db, key: host }\n' +
      '            - name: LEDGER_URL\n              value: postgresql://ledger@$(DB_HOST):5432/ledger?sslmode=disable\n';
    const configMap = (host: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ledger-db\ndata:\n  host: ${host}\n`;
    expect(briefs([{ file: 'k8s/deploy.yaml', text: deployment(env) }, { file: 'k8s/cm.yaml', text: configMap('127.0.0.1') }])).toEqual([]);
    // DB_HOST is also a split variable of the container (an application may connect with it alone): judged too.
    expect(briefs([{ file: 'k8s/deploy.yaml', text: deployment(env) }, { file: 'k8s/cm.yaml', text: configMap(RDS) }])).toEqual([
      'require-sslmode k8s/cm.yaml:6:9',
      'no-ssl-disabled k8s/deploy.yaml:17:22',
    ]);
  });
});

describe('code: process.env.NAME handed to a driver', () => {
  const pool = (options: string) => `import { Pool } from 'pg';\n\nexport const pool = new Pool({\n  connectionString: process.env.DATABASE_URL,\n${options}});\n`;
  const env = { file: 'api/.env', text: `DATABASE_URL=postgresql://api@${RDS}:5432/orders\n` };
  const pkg = { file: 'api/package.json', text: '{ "name": "api", "dependencies": { "pg": "^8.13.0" } }\n' };

  it('a URL without sslmode read by code that passes no TLS options: node-postgres connects in plaintext', () => {
    const result = lint([pkg, env, { file: 'api/src/db.ts', text: pool('') }]);
    const f = result.findings.find((x) => x.ruleId === 'require-sslmode');
    expect(f && brief(f)).toBe('require-sslmode api/.env:1:14');
    expect(f?.message).toContain('passes no TLS options: node-postgres then connects without TLS');
    expect(f?.consumer).toBe('node-postgres');
    // Not a fallback the client may take: this call connects in plaintext, an error like sslmode=disable.
    expect([f?.severity, f?.effectiveTls]).toEqual(['error', 'plaintext']);
    expect(trace(f)?.[1]).toBe('api/src/db.ts:4:21-4:45 read by node-postgres as `process.env.DATABASE_URL`');
  });

  it('the mirror: the call verifies the server itself, so the URL needs no sslmode', () => {
    const verified = pool("  ssl: { ca: process.env.DB_CA, rejectUnauthorized: true },\n");
    expect(briefs([pkg, env, { file: 'api/src/db.ts', text: verified }])).toEqual([]);
  });

  it('code that turns verification off is named in the URL’s finding', () => {
    const off = pool('  ssl: { rejectUnauthorized: false },\n');
    const result = lint([pkg, env, { file: 'api/src/db.ts', text: off }]);
    const f = result.findings.find((x) => x.ruleId === 'require-sslmode');
    expect(f?.message).toContain('turns certificate checks off');
    expect(result.findings.some((x) => x.ruleId === 'no-reject-unauthorized' && x.file === 'api/src/db.ts')).toBe(true);
  });

  it('an .env.example is what people copy into .env: judged with the code that reads the variable', () => {
    const example = { file: 'api/.env.example', text: `DATABASE_URL=postgresql://api@${RDS}:5432/orders\n` };
    // The code passes no TLS options: node-postgres would connect in plaintext.
    const bare = lint([pkg, example, { file: 'api/src/db.ts', text: pool('') }]).findings.filter((f) => f.file === 'api/.env.example');
    expect(bare.map((f) => [f.ruleId, f.consumer, f.severity])).toEqual([['require-sslmode', 'node-postgres', 'error']]);
    // The code verifies the server itself (issue: a template read by code with `ssl: { ca }`): nothing to say.
    const verified = lint([pkg, example, { file: 'api/src/db.ts', text: pool('  ssl: { rejectUnauthorized: true, ca: process.env.DB_CA },\n') }]).findings.filter((f) => f.file === 'api/.env.example');
    expect(verified).toEqual([]);
    // A named env file (`backend.env.example`) feeds containers (env_file), not the code's dotenv.
    const named = { file: 'api/backend.env.example', text: `DATABASE_URL=postgresql://api@${RDS}:5432/orders\n` };
    const alone = lint([pkg, named, { file: 'api/src/db.ts', text: pool('  ssl: { ca: process.env.DB_CA },\n') }]).findings.filter((f) => f.file === 'api/backend.env.example');
    expect(alone.map((f) => [f.ruleId, f.consumer])).toEqual([['require-sslmode', 'unknown']]);
  });

  it('a value written in another package does not reach this code', () => {
    const other = { file: 'billing/.env', text: `DATABASE_URL=postgresql://billing@${RDS}:5432/billing\n` };
    const billingPkg = { file: 'billing/package.json', text: '{ "name": "billing" }\n' };
    const result = lint([pkg, billingPkg, other, { file: 'api/src/db.ts', text: pool("  ssl: { ca: process.env.DB_CA },\n") }]);
    const billing = result.findings.find((f) => f.file === 'billing/.env' && f.ruleId === 'require-sslmode');
    expect(billing?.related).toBeUndefined();
  });

  it('postgres.js with Deno.env.get: the consumer comes from the call', () => {
    const code = "import postgres from 'postgres';\nconst sql = postgres(Deno.env.get('DATABASE_URL')!);\nexport default sql;\n";
    const result = lint([{ file: '.env', text: `DATABASE_URL=postgresql://api@${RDS}:5432/orders?sslmode=require\n` }, { file: 'main.ts', text: code }]);
    const consumers = new Set(result.findings.filter((f) => f.file === '.env' && f.consumer).map((f) => f.consumer));
    expect(consumers).toEqual(new Set(['postgres.js']));
  });

  it('Prisma env("NAME"): the schema’s client judges the .env URL', () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';
    const result = lint([
      { file: 'prisma/schema.prisma', text: schema },
      { file: '.env', text: `DATABASE_URL=postgresql://app@${RDS}:5432/orders?sslmode=verify-full\n` },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'prisma-ssl');
    expect(f && brief(f)).toBe(`prisma-ssl .env:1:${col(`DATABASE_URL=postgresql://app@${RDS}:5432/orders?sslmode=verify-full`, 'sslmode=') + 8}`);
    expect(trace(f)?.[1]).toBe('prisma/schema.prisma:3:14-3:33 read by prisma as `env("DATABASE_URL")`');
    // Prisma ignores verify-full: require-root-cert's libpq advice does not apply.
    expect(result.findings.filter((x) => x.ruleId === 'require-root-cert')).toEqual([]);
  });

  it('a compose value read by code carries both hops', () => {
    const compose = 'services:\n  api:\n    build: ./api\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n';
    const result = lint([
      { file: 'docker-compose.yml', text: compose },
      { file: '.env', text: `DATABASE_URL=postgresql://api@${RDS}:5432/orders\n` },
      pkg,
      { file: 'api/src/db.ts', text: pool('') },
    ]);
    const f = result.findings.find((x) => x.ruleId === 'require-sslmode');
    const end = `DATABASE_URL=postgresql://api@${RDS}:5432/orders`.length + 1;
    expect(trace(f)?.map((t) => t.split(' ')[0])).toEqual([`.env:1:14-1:${end}`, 'docker-compose.yml:5:21-5:36', 'api/src/db.ts:4:21-4:45']);
  });
});

describe('an escape hatch gated by a variable (issue: env-gated escape hatches)', () => {
  it('is judged by what runs while the variable is unset: `ssl: undefined`, so node-postgres connects in plaintext', () => {
    const code = `import { Pool } from 'pg';
export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  ssl: process.env.PG_SSL_ALLOW_SELF_SIGNED === "true" ? { rejectUnauthorized: false } : undefined,
});
`;
    const result = lintSources([{ file: '.env', text: 'DATABASE_URL=postgresql://app@db.acme-corp.io:5432/app\n' }, { file: 'src/db.ts', text: code }]);
    expect(result.findings.map((f) => [f.ruleId, f.file, f.severity, f.effectiveTls])).toEqual([
      ['require-sslmode', '.env', 'error', 'plaintext'],
      ['no-reject-unauthorized', 'src/db.ts', 'warning', undefined],
    ]);
  });
});

describe('compose values and the code of the repository (issue 20: compose overlays)', () => {
  it('pair only where the service is built from the repository: an image reads its variables with its own client', () => {
    const schema = { file: 'prisma/schema.prisma', text: 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' };
    const url = 'postgresql://app@orders.cluster-c1x2y3.eu-west-1.rds.amazonaws.com:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/rds.pem';
    const compose = (service: string) => ({ file: 'docker-compose.yml', text: `services:\n  sync:\n${service}    environment:\n      DATABASE_URL: ${url}\n` });
    const image = lintSources([schema, compose('    image: electricsql/electric:1.0\n')]).findings;
    expect(image.filter((f) => f.ruleId === 'prisma-ssl')).toEqual([]);
    const dockerfile = { file: 'Dockerfile', text: 'FROM node:20\nCOPY . .\nCMD ["node", "server.js"]\n' };
    const built = lintSources([schema, dockerfile, compose('    build: .\n')]).findings;
    expect(built.map((f) => [f.ruleId, f.consumer])).toEqual([['prisma-ssl', 'prisma']]);
  });
});
