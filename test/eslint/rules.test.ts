// ESLint's RuleTester on every rule the plugin offers: valid and invalid code, exact positions,
// message ids, and the suggestions where one is offered.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin, { CLI_ONLY_RULES } from '../../src/eslint/plugin.js';
import { rules } from '../../rules/index.js';
import { toolVersion } from '../../src/version.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tsParser } });
const rule = (id: string) => plugin.rules[id]!;

// Real certificates for cert-expiry: a fresh one and one that expired in 2021 (OpenSSL 3.0's
// `req -x509` cannot backdate, `ca -selfsign` can). Made before RuleTester declares its tests.
const certDir = mkdtempSync(join(tmpdir(), 'sslguard-eslint-cert-'));
function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: certDir, stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl not found: apt-get install -y openssl');
    throw e;
  }
}
openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'fresh.pem', '-days', '365', '-subj', '/CN=db.acme.internal']);
writeFileSync(join(certDir, 'ca.cnf'), ['[ ca ]', 'default_ca = CA_default', '[ CA_default ]', 'dir = .', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256', 'policy = policy_any', 'unique_subject = no', '[ policy_any ]', 'commonName = supplied', ''].join('\n'));
writeFileSync(join(certDir, 'index.txt'), '');
writeFileSync(join(certDir, 'serial'), '01\n');
openssl(['req', '-new', '-key', 'ca.key', '-out', 'old.csr', '-subj', '/CN=old-rds-ca.exemplar.io']);
openssl(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'ca.key', '-in', 'old.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext']);
const freshPem = readFileSync(join(certDir, 'fresh.pem'), 'utf8').trim();
const expiredPem = readFileSync(join(certDir, 'expired.pem'), 'utf8').trim();
rmSync(certDir, { recursive: true, force: true });

const REMOTE = 'postgresql://app@orders-db.internal.acme.io:5432/orders';

describe('the plugin', () => {
  it('offers every rule except those that judge git state or file permissions, under the CLI ids', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(rules.map((r) => r.meta.id).filter((id) => !CLI_ONLY_RULES.includes(id)).sort());
    expect(CLI_ONLY_RULES).toEqual(['gitignore-certs', 'gitignore-env', 'key-permissions']);
    for (const r of rules.filter((x) => !CLI_ONLY_RULES.includes(x.meta.id))) {
      const meta = rule(r.meta.id).meta!;
      expect(meta.docs!.url).toBe(`https://github.com/sslguard/sslguard/blob/v${toolVersion()}/docs/rules.md#${r.meta.id}`);
      expect(meta.messages).toEqual(expect.objectContaining(r.meta.messages));
      expect(plugin.configs.recommended.rules![`sslguard/${r.meta.id}`]).toBe(r.meta.defaultSeverity === 'error' ? 'error' : 'warn');
    }
    expect(plugin.configs.configFiles.processor).toBe('sslguard/config');
  });
});

tester.run('no-ssl-disabled', rule('no-ssl-disabled'), {
  valid: [
    { filename: 'src/db.ts', code: "import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, ssl: { ca: process.env.DB_CA } });\n" },
    { filename: 'src/local.ts', code: "import { Client } from 'pg';\nexport const local = new Client({ host: 'localhost', database: 'app', ssl: false });\n" },
    { filename: 'src/url.ts', code: "export const url = 'postgresql://app@localhost:5432/app?sslmode=disable';\n" },
  ],
  invalid: [
    {
      filename: 'src/db.ts',
      code: "import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, ssl: false });\n",
      errors: [{ messageId: 'tlsOption', line: 2, column: 79, endLine: 2, endColumn: 89 }],
    },
    {
      filename: 'src/url.ts',
      code: `export const url = '${REMOTE}?sslmode=disable';\n`,
      errors: [{ messageId: 'connection', line: 1, column: 85, endLine: 1, endColumn: 92 }],
    },
  ],
});

tester.run('require-sslmode', rule('require-sslmode'), {
  valid: [{ filename: 'src/url.ts', code: `export const url = '${REMOTE}?sslmode=verify-full';\n` }],
  invalid: [{ filename: 'src/url.ts', code: `export const url = '${REMOTE}';\n`, errors: [{ messageId: 'missing', line: 1, column: 21, endLine: 1, endColumn: 76 }] }],
});

tester.run('require-verify-full', rule('require-verify-full'), {
  valid: [
    { filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=verify-full';\n` },
    { filename: 'src/dev/db.ts', code: `export const url = '${REMOTE}?sslmode=require';\n` },
  ],
  invalid: [
    { filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=require';\n`, errors: [{ messageId: 'unknown', line: 1, column: 85, endLine: 1, endColumn: 92 }] },
    { filename: 'src/production/db.ts', code: `export const url = '${REMOTE}?sslmode=require';\n`, errors: [{ messageId: 'production', line: 1, column: 85, endLine: 1, endColumn: 92 }] },
  ],
});

tester.run('no-reject-unauthorized', rule('no-reject-unauthorized'), {
  valid: [
    { filename: 'src/db.ts', code: "import pg from 'pg';\nexport const pool = new pg.Pool({ ssl: { rejectUnauthorized: true } });\n" },
    { filename: 'src/db.ts', code: "import pg from 'pg';\ndeclare function unknown(): boolean;\nexport const pool = new pg.Pool({ ssl: { rejectUnauthorized: unknown() } });\n" },
    { filename: 'src/local.ts', code: "import { Client } from 'pg';\nexport const local = new Client({ host: 'localhost', ssl: { rejectUnauthorized: false } });\n" },
    { filename: 'scripts/seed.js', code: "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';\n" },
  ],
  invalid: [
    {
      filename: 'src/db.ts',
      code: "import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });\n",
      errors: [
        {
          messageId: 'tlsOption',
          line: 2,
          column: 86,
          endLine: 2,
          endColumn: 111,
          suggestions: [
            {
              messageId: 'suggestRejectUnauthorized',
              output: "import pg from 'pg';\nexport const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: true } });\n",
            },
          ],
        },
      ],
    },
    {
      filename: 'src/tls.ts',
      code: 'export const tlsDefaults = { rejectUnauthorized: false };\n',
      errors: [
        {
          messageId: 'tlsOptionUnknownSink',
          line: 1,
          column: 30,
          endLine: 1,
          endColumn: 55,
          suggestions: [{ messageId: 'suggestRejectUnauthorized', output: 'export const tlsDefaults = { rejectUnauthorized: true };\n' }],
        },
      ],
    },
    {
      filename: 'src/http.ts',
      code: "import https from 'node:https';\nexport const agent = new https.Agent({ checkServerIdentity: () => undefined });\n",
      errors: [{ messageId: 'checkServerIdentity', line: 2, column: 40, endLine: 2, endColumn: 76 }],
    },
    {
      filename: 'scripts/seed.js',
      code: "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n",
      errors: [{ messageId: 'nodeTls', line: 1, column: 45, endLine: 1, endColumn: 46 }],
    },
    {
      filename: 'src/sql.ts',
      code: "import postgres from 'postgres';\nexport const sql = postgres(process.env.DATABASE_URL!, { ssl: 'require' });\n",
      errors: [
        {
          messageId: 'sslRequireUnverified',
          line: 2,
          column: 58,
          endLine: 2,
          endColumn: 72,
          suggestions: [{ messageId: 'suggestVerifyFull', output: "import postgres from 'postgres';\nexport const sql = postgres(process.env.DATABASE_URL!, { ssl: 'verify-full' });\n" }],
        },
      ],
    },
  ],
});

tester.run('require-root-cert', rule('require-root-cert'), {
  valid: [{ filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt';\n` }],
  invalid: [{ filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=verify-full';\n`, errors: [{ messageId: 'connection', line: 1, column: 85, endLine: 1, endColumn: 96 }] }],
});

tester.run('absolute-cert-path', rule('absolute-cert-path'), {
  valid: [{ filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt';\n` }],
  invalid: [
    {
      filename: 'src/db.ts',
      code: `export const url = '${REMOTE}?sslmode=verify-full&sslrootcert=certs/ca.crt';\n`,
      errors: [{ messageId: 'relative', line: 1, column: 109, endLine: 1, endColumn: 121 }],
    },
  ],
});

tester.run('verify-full-ip-host', rule('verify-full-ip-host'), {
  valid: [{ filename: 'src/db.ts', code: `export const url = '${REMOTE}?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt';\n` }],
  invalid: [
    {
      filename: 'src/db.ts',
      code: "export const url = 'postgresql://app@10.0.3.17:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt';\n",
      errors: [{ messageId: 'ipHost', line: 1, column: 38, endLine: 1, endColumn: 47 }],
    },
  ],
});

tester.run('tls-min-version', rule('tls-min-version'), {
  valid: [{ filename: 'src/tls.ts', code: "import tls from 'node:tls';\nexport const socket = tls.connect({ host: 'billing.acme.io', port: 443, minVersion: 'TLSv1.2' });\n" }],
  invalid: [
    {
      filename: 'src/tls.ts',
      code: "import tls from 'node:tls';\nexport const socket = tls.connect({ host: 'billing.acme.io', port: 443, minVersion: 'TLSv1' });\n",
      errors: [
        {
          messageId: 'minVersion',
          line: 2,
          column: 73,
          endLine: 2,
          endColumn: 92,
          suggestions: [{ messageId: 'suggestMinVersion', output: "import tls from 'node:tls';\nexport const socket = tls.connect({ host: 'billing.acme.io', port: 443, minVersion: 'TLSv1.2' });\n" }],
        },
      ],
    },
  ],
});

tester.run('pg-sslmode-alias', rule('pg-sslmode-alias'), {
  valid: [
    { filename: 'src/db.ts', code: `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: '${REMOTE}?sslmode=verify-full' });\n` },
    { filename: 'src/sql.ts', code: `import postgres from 'postgres';\nexport const sql = postgres('${REMOTE}?sslmode=require');\n` },
  ],
  invalid: [
    {
      filename: 'src/db.ts',
      code: `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: '${REMOTE}?sslmode=require' });\n`,
      errors: [
        {
          messageId: 'alias',
          line: 2,
          column: 115,
          endLine: 2,
          endColumn: 122,
          suggestions: [{ messageId: 'suggestSslmodeVerifyFull', output: `import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: '${REMOTE}?sslmode=verify-full' });\n` }],
        },
      ],
    },
  ],
});

tester.run('no-plaintext-password', rule('no-plaintext-password'), {
  valid: [{ filename: 'src/db.ts', code: 'export const url = `postgresql://app:${process.env.DB_PASSWORD}@orders-db.internal.acme.io:5432/orders?sslmode=verify-full`;\n' }],
  invalid: [
    {
      filename: 'src/db.ts',
      code: "export const url = 'postgresql://app:S3cr3t-Passw0rd@orders-db.internal.acme.io:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt';\n",
      errors: [{ messageId: 'connection', line: 1, column: 38, endLine: 1, endColumn: 53 }],
    },
  ],
});

const pemLines = (pem: string) => pem.split('\n').length;

tester.run('cert-expiry', rule('cert-expiry'), {
  valid: [{ filename: 'src/ca.ts', code: `export const ca = \`${freshPem}\`;\n` }],
  invalid: [
    {
      filename: 'src/ca.ts',
      code: `export const ca = \`${expiredPem}\`;\n`,
      errors: [{ messageId: 'expired', line: 1, column: 20, endLine: pemLines(expiredPem), endColumn: 26 }],
    },
  ],
});
