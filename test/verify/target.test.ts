import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetFromFile, targetFromString, VerifyUsageError } from '../../src/verify/target.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-verify-target-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const RDS_URL =
  'postgres://orders:Zx9-secret@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem';

const FILES = {
  '.env.production':
    '# Supabase, session pooler\n' +
    'DB_HOST=aws-0-eu-central-1.pooler.supabase.com\n' +
    'DATABASE_URL=postgresql://postgres.abcdefghijklmnop:S3cret-pw@${DB_HOST}:5432/postgres?sslmode=verify-full\n' +
    'PGSSLROOTCERT=/etc/ssl/supabase/prod-ca-2021.crt\n',
  'docker-compose.yml':
    'services:\n' +
    '  api:\n' +
    '    image: ghcr.io/acme/api:1.4.2\n' +
    '    environment:\n' +
    '      DATABASE_URL: postgres://app:${DB_PASSWORD:-devpass}@db:5432/app?sslmode=disable\n' +
    '      REPLICA_URL: postgres://app:${DB_PASSWORD:-devpass}@replica.internal.acme.io:5432/app?sslmode=require\n' +
    '  db:\n' +
    '    image: postgres:16\n',
  '.cursor/mcp.json':
    '{\n' +
    '  "mcpServers": {\n' +
    '    "supabase": {\n' +
    '      "command": "npx",\n' +
    '      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly:r3ad%2Fonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslrootcert=\\/Users\\/dev\\/.postgresql\\/supabase-ca.crt"]\n' +
    '    }\n' +
    '  }\n' +
    '}\n',
  'k8s/production/secret.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\n  namespace: production\ntype: Opaque\ndata:\n' +
    `  DATABASE_URL: ${Buffer.from(RDS_URL).toString('base64')}\n`,
  'notes.txt': 'nothing to see here\n',
};

describe('targetFromFile', () => {
  const dir = repo(FILES);
  const at = (spec: string) => targetFromFile(spec, { cwd: dir, config: DEFAULT_CONFIG });

  it('takes the expanded value from an env file, with PGSSLROOTCERT beside it and the environment of the file name', () => {
    const t = at('.env.production');
    expect(t.text).toBe('postgresql://postgres.abcdefghijklmnop:S3cret-pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=verify-full');
    expect(t.masked).toBe('postgresql://postgres.abcdefghijklmnop:****@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=verify-full');
    expect(t.password).toBe('S3cret-pw');
    expect(t.environment).toEqual({ name: 'production', reason: 'file name `.env.production`' });
    expect(t.sslrootcert).toEqual({ value: '/etc/ssl/supabase/prod-ca-2021.crt', from: 'PGSSLROOTCERT beside the connection string' });
    expect(t.source).toEqual({ file: '.env.production', line: 3, column: 14, variable: 'DATABASE_URL', unit: '.env.production' });
  });

  it('picks one of several strings of a compose file by variable, with ${VAR:-default} applied', () => {
    const t = at('docker-compose.yml:REPLICA_URL');
    expect(t.text).toBe('postgres://app:devpass@replica.internal.acme.io:5432/app?sslmode=require');
    expect(t.configuredMode).toEqual({ mode: 'require', written: 'sslmode=require', origin: 'sslmode' });
    expect(t.source).toEqual({ file: 'docker-compose.yml', line: 6, column: 20, variable: 'REPLICA_URL', unit: 'api' });
  });

  it('refuses to guess between several strings, listing them masked', () => {
    let error: unknown;
    try {
      at('docker-compose.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerifyUsageError);
    expect((error as Error).message).toBe(
      'docker-compose.yml holds 2 connection strings; pick one with FILE:VAR:\n' +
        '  5:21 DATABASE_URL  postgres://app:****@db:5432/app?sslmode=disable\n' +
        '  6:20 REPLICA_URL  postgres://app:****@replica.internal.acme.io:5432/app?sslmode=require',
    );
    expect((error as Error).message).not.toContain('devpass');
  });

  it('decodes JSON escapes of an MCP argument and reads it as node-postgres does (no sslmode: no TLS)', () => {
    const t = at('.cursor/mcp.json:supabase');
    expect(t.text).toBe('postgresql://readonly:r3ad%2Fonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslrootcert=/Users/dev/.postgresql/supabase-ca.crt');
    expect(t.password).toBe('r3ad/only');
    expect(t.fact.consumer).toBe('mcp:@modelcontextprotocol/server-postgres');
    expect(t.configuredMode).toEqual({ mode: 'disable', written: 'no sslmode: node-postgres then connects without TLS', origin: 'default' });
    expect(t.source).toEqual({ file: '.cursor/mcp.json', line: 5, column: 63, unit: 'supabase' });
  });

  it('decodes base64 Secret data, with the namespace as the environment', () => {
    const t = at('k8s/production/secret.yaml:DATABASE_URL');
    expect(t.text).toBe(RDS_URL);
    expect(t.environment).toEqual({ name: 'production', reason: 'namespace `production`' });
    expect(t.sslrootcert?.value).toBe('/etc/ssl/rds/global-bundle.pem');
  });

  it('lets --environment win over the inference', () => {
    const t = targetFromFile('.env.production', { cwd: dir, config: DEFAULT_CONFIG, environment: 'staging' });
    expect(t.environment).toEqual({ name: 'staging', reason: '--environment' });
  });

  it('reports a missing file, an unknown variable and a file without connection strings as usage errors', () => {
    expect(() => at('missing.env')).toThrow(new VerifyUsageError('--from missing.env: no such file'));
    expect(() => at('.env.production:REPLICA_URL')).toThrow(
      'nothing named `REPLICA_URL` holds a connection string; found:\n  3:14 DATABASE_URL  postgresql://postgres.abcdefghijklmnop:****@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=verify-full',
    );
    expect(() => at('notes.txt')).toThrow(new VerifyUsageError('notes.txt: no Postgres connection string found'));
  });
});

describe('targetFromString', () => {
  const opts = { cwd: tmpdir(), config: DEFAULT_CONFIG };

  it('reads a keyword/value DSN, with libpq prefer as the default mode', () => {
    const t = targetFromString("host=db.abcdefghijklmnop.supabase.co port=5432 user=postgres password='p w' dbname=postgres", opts);
    expect(t.masked).toBe("host=db.abcdefghijklmnop.supabase.co port=5432 user=postgres password='****' dbname=postgres");
    expect(t.password).toBe('p w');
    expect(t.configuredMode).toEqual({ mode: 'prefer', written: 'no sslmode: libpq then uses prefer', origin: 'default' });
    expect(t.environment.name).toBe('unknown');
  });

  it('drops a placeholder password and takes sslrootcert=system as verify-full', () => {
    const t = targetFromString('postgresql://postgres:[YOUR-PASSWORD]@db.abcdefghijklmnop.supabase.co:5432/postgres?sslrootcert=system', opts);
    expect(t.password).toBeUndefined();
    expect(t.configuredMode).toEqual({ mode: 'verify-full', written: 'sslrootcert=system', origin: 'sslrootcert' });
  });

  it('rejects a host written as a variable and an unparseable string, without echoing the password', () => {
    expect(() => targetFromString('postgresql://app:hunter2@${DB_HOST}:5432/app', opts)).toThrow(
      'postgresql://app:****@${DB_HOST}:5432/app: the host `${DB_HOST}` is a variable reference; verify needs the real host name',
    );
    let message = '';
    try {
      targetFromString('postgresql://app:hunter2@db.exemplar.io:54x32/app', opts);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^invalid Postgres connection string \(.+\): postgresql:\/\/app:\*\*\*\*@db\.exemplar\.io:54x32\/app$/);
  });
});
