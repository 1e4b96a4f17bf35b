import { defineRule } from '../src/engine/rule.js';
import { hostLabel, isAllLocal, modeOfSetting, settingIsAllLocal, isTlsOverHttps } from '../src/policy/connection.js';
import { libraryName, pythonContextTls, targetsLocalHost, unverifiedTls } from '../src/policy/tls-options.js';
import { connectionTls } from '../src/policy/consumers.js';

export default defineRule({
  meta: {
    id: 'no-reject-unauthorized',
    description: 'Certificate verification must not be switched off (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0, sslmode=no-verify).',
    defaultSeverity: 'error',
    rationale:
      'TLS without certificate verification encrypts the connection to whoever answers: an attacker on the path presents any ' +
      'certificate, decrypts the traffic, reads the password and forwards the rest. `rejectUnauthorized: false` is the usual ' +
      'workaround for "self-signed certificate in certificate chain"; the fix is to give the client the CA that signed the ' +
      "server's certificate. NODE_TLS_REJECT_UNAUTHORIZED=0 is worse: it turns verification off for every TLS connection of the process.",
    messages: {
      tlsOption:
        '`rejectUnauthorized: {{value}}` switches off certificate verification: anyone on the path can impersonate the server and read the password. ' +
        "Remove it and pass the CA that signed the server's certificate: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      tlsOptionDefault:
        '`rejectUnauthorized` is {{value}} unless {{variable}} is set: certificate verification is off by default, so every deployment that does not set it lets anyone on the path impersonate the server and read the password. ' +
        "Make verification the default (`rejectUnauthorized: process.env.{{variable}} !== 'false'`) and pass the CA that signed the server's certificate.",
      tlsOptionOptIn:
        '`rejectUnauthorized: {{value}}` applies only while `{{test}}`: an escape hatch that switches certificate verification off wherever that variable is set. ' +
        'Prefer trusting the server\'s CA (`ca: fs.readFileSync(…)`) to turning verification off, and keep the variable out of production.',
      tlsOptionUnknownSink:
        '`rejectUnauthorized: {{value}}` in an object that sslguard cannot follow to a TLS client (the sink is unknown): wherever it is used, ' +
        'it switches off certificate verification, so anyone on the path can impersonate the server. ' +
        "Remove it and pass the CA that signed the server's certificate: `ca: fs.readFileSync('/path/to/ca.crt', 'utf8')`.",
      sslNoVerify:
        "`ssl: 'no-verify'` makes {{library}} connect with rejectUnauthorized: false: anyone on the path can impersonate the server and read the password. " +
        "Pass the server's CA instead: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      sslRequireUnverified:
        "{{library}} reads `ssl: 'require'` as TLS without certificate verification (rejectUnauthorized: false): anyone on the path can impersonate the server and read the password. " +
        "Use `ssl: 'verify-full'`, or pass the server's CA: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      checkServerIdentity:
        '`checkServerIdentity` accepts every host name: the certificate chain is still checked but not that it was issued for this server (like sslmode=verify-ca), ' +
        "so any certificate from a trusted CA passes. Remove the callback, or return an Error when the name does not match (call `tls.checkServerIdentity(host, cert)` first).",
      pythonCertNone:
        '`{{written}}` switches off certificate verification for {{library}}: anyone on the path can impersonate the server and read the password. ' +
        "Create the context with the server's CA instead, `ssl.create_default_context(cafile='<CA file>')`, and leave verify_mode and check_hostname at their defaults.",
      pythonCheckHostname:
        '`{{written}}` turns off the host name check for {{library}}: the chain is still checked but not that the certificate was issued for this server (like sslmode=verify-ca), ' +
        'so any certificate from a trusted CA passes. Remove the line (check_hostname is True in `ssl.create_default_context()`).',
      nodeTlsFalse:
        "{{name}}={{value}} does not turn verification off: Node does that only for the exact string '0', so this line has no effect and only states the intent. " +
        "Remove it; if a certificate error is the reason, give the client the server's CA (NODE_EXTRA_CA_CERTS=<CA file>).",
      nodeTls:
        'NODE_TLS_REJECT_UNAUTHORIZED=0: verification is off for every TLS connection of the process (Postgres, HTTPS, everything). ' +
        "Remove it and give the client the server's CA instead (sslrootcert=<CA file>, or NODE_EXTRA_CA_CERTS=<CA file> for Node's own TLS).",
      setting:
        '{{name}}={{value}} switches off certificate verification: anyone on the path can impersonate the server and read the password. ' +
        "Set it to true and give the client the CA that signed the server's certificate.",
      noVerify:
        'Connection to {{host}} uses {{written}}: TLS without certificate verification, so anyone on the path can impersonate the server and read the password. ' +
        'Use sslmode=verify-full with sslrootcert=<CA file>.',
      settingNoVerify:
        '{{name}}=no-verify makes the connections of this unit use TLS without certificate verification: anyone on the path can impersonate the server and read the password. ' +
        'Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.',
      sslaccept:
        'Connection to {{host}} uses sslaccept=accept_invalid_certs: Prisma accepts any certificate, so anyone on the path can impersonate the server and read the password. ' +
        'Use sslaccept=strict with sslcert=<CA file> (in Prisma, sslcert names the server\'s root certificate).',
    },
    looksAt: [
      '`rejectUnauthorized: false` in TS/JS, and a default that is off when the environment variable is missing (`env.bool(\'DATABASE_SSL_REJECT_UNAUTHORIZED\', false)`, `process.env.X === \'true\'`, `process.env.X ?? false`)',
      '`NODE_TLS_REJECT_UNAUTHORIZED=0` in every format; `*_REJECT_UNAUTHORIZED`, Directus `DB_SSL__REJECT_UNAUTHORIZED`, JSON-valued variables (`DB_SSL=\'{"rejectUnauthorized":false}\'`), Helm `*.rejectUnauthorized` keys',
      '`sslmode=no-verify`, `ssl=no-verify`, `sslaccept=accept_invalid_certs` in connection strings; `PGSSLMODE=no-verify`',
      'Python: an `ssl` context with `verify_mode = ssl.CERT_NONE` or `check_hostname = False`, `ssl._create_unverified_context()`, handed to asyncpg (`ssl=ctx`) or SQLAlchemy (`connect_args`); a warning when it reaches no known client in a file that uses one',
    ],
    examples: {
      good: [
        {
          file: 'src/db.ts',
          code:
            "import fs from 'node:fs';\n" +
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            "  ssl: { ca: fs.readFileSync('/etc/ssl/certs/supabase-ca.crt', 'utf8') },\n" +
            '});\n',
        },
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n',
        },
      ],
      bad: [
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            '  ssl: { rejectUnauthorized: false },\n' +
            '});\n',
          findings: 1,
        },
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            '// Verification stays off unless DB_SSL_REJECT_UNAUTHORIZED=true is set.\n' +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            "  ssl: { rejectUnauthorized: process.env.DB_SSL_REJECT_UNAUTHORIZED === 'true' },\n" +
            '});\n',
          findings: 1,
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      NODE_TLS_REJECT_UNAUTHORIZED: "0"\n' +
            '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=no-verify\n',
          findings: 2,
        },
        {
          file: 'src/db.ts',
          code:
            "import postgres from 'postgres';\n\n" +
            "export const sql = postgres(process.env.DATABASE_URL!, { ssl: 'require', max: 10 });\n",
          findings: 1,
        },
        {
          file: 'src/billing/client.ts',
          code:
            "import https from 'node:https';\n\n" +
            'export const agent = new https.Agent({\n' +
            "  ca: process.env.BILLING_CA,\n" +
            '  checkServerIdentity: () => undefined,\n' +
            '});\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const t of facts.ofKind('tls-options')) {
      // A database on this machine may use any mode, as connection strings to it may.
      if (targetsLocalHost(t, ctx.config.localHosts)) continue;
      const context = pythonContextTls(t);
      if (context) {
        const written = context.option.written ?? (context.kind === 'cert-none' ? 'verify_mode = ssl.CERT_NONE' : 'check_hostname = False');
        const unknownSink = t.driver === 'python:ssl';
        const tags = t.driver === 'asyncpg' ? { consumer: 'asyncpg', effectiveTls: context.kind === 'cert-none' ? 'encrypted-unverified' : 'ca-verified' } : {};
        if (context.kind === 'cert-none') ctx.report({ fact: t, span: context.option.span, messageId: 'pythonCertNone', data: { written, library: context.library }, ...tags, ...(unknownSink ? { severity: 'warning' as const } : {}) });
        else ctx.report({ fact: t, span: context.option.span, messageId: 'pythonCheckHostname', data: { written, library: context.library }, ...tags, severity: 'warning' });
      }
      for (const off of unverifiedTls(t)) {
        const span = off.option.span;
        if (off.kind === 'reject-unauthorized') {
          const value = off.written.slice('rejectUnauthorized: '.length);
          // The guide's policy holds wherever the object goes, but an object sslguard cannot place may never reach TLS.
          if (off.option.onlyWhen) {
            ctx.report({ fact: t, span, messageId: 'tlsOptionOptIn', severity: 'warning', data: { value, test: off.option.onlyWhen } });
          } else if (off.option.whenUnset) {
            ctx.report({ fact: t, span, messageId: 'tlsOptionDefault', data: { value, variable: off.option.whenUnset }, ...(t.sink ? {} : { severity: 'warning' as const }) });
          } else if (t.sink) ctx.report({ fact: t, span, messageId: 'tlsOption', data: { value } });
          else ctx.report({ fact: t, span, messageId: 'tlsOptionUnknownSink', data: { value }, severity: 'warning' });
        } else if (off.kind === 'no-verify') {
          ctx.report({ fact: t, span, messageId: 'sslNoVerify', data: { library: libraryName(t) } });
        } else if (off.kind === 'require-unverified') {
          ctx.report({ fact: t, span, messageId: 'sslRequireUnverified', data: { library: libraryName(t) } });
        } else {
          ctx.report({ fact: t, span, messageId: 'checkServerIdentity', severity: 'warning' });
        }
      }
    }

    for (const s of facts.ofKind('setting')) {
      if (s.category === 'node-tls-reject-unauthorized') {
        // Node turns verification off only for the exact string '0'.
        if (s.value?.trim().toLowerCase() === 'false') {
          ctx.report({ fact: s, messageId: 'nodeTlsFalse', severity: 'warning', data: { name: s.name, value: s.value.trim() } });
          continue;
        }
        if (s.value !== '0') continue;
        ctx.report({ fact: s, messageId: 'nodeTls', ...(s.environment.name === 'development' ? { severity: 'warning' as const } : {}) });
      } else if (s.category === 'reject-unauthorized') {
        const v = s.value?.trim().toLowerCase();
        if (v !== 'false' && v !== '0') continue;
        ctx.report({ fact: s, messageId: 'setting', data: { name: s.name, value: s.value!.trim() } });
      } else if (s.category === 'sslmode' && modeOfSetting(s) === 'no-verify' && !settingIsAllLocal(facts, s)) {
        ctx.report({ fact: s, messageId: 'settingNoVerify', data: { name: s.name } });
      }
    }

    for (const c of facts.ofKind('connection')) {
      // A Python call's TLS keyword arguments replace the string's: they are judged in code.
      if (c.tlsInCode) continue;
      if (isTlsOverHttps(c)) continue;
      if (isAllLocal(c)) continue;
      const host = hostLabel(c);
      const known = connectionTls(c, facts);
      // prisma-ssl judges Prisma URLs, sslaccept included.
      if (known?.consumer === 'prisma') continue;
      // no-verify weakens only clients that read it so (node-postgres, knex); libpq and deno-postgres refuse it, postgres.js verifies.
      if (known && known.effect.protection !== 'encrypted-unverified') continue;
      const tags = { consumer: known?.consumer ?? 'unknown', effectiveTls: 'encrypted-unverified' };
      for (const p of [c.sslmode && { key: 'sslmode', param: c.sslmode }, c.ssl && { key: 'ssl', param: c.ssl }]) {
        if (!p || p.param.value.trim().toLowerCase() !== 'no-verify') continue;
        ctx.report({ fact: c, span: p.param.span, messageId: 'noVerify', data: { host, written: `${p.key}=no-verify` }, ...tags });
      }
      if (!known && c.sslaccept && c.sslaccept.value.trim().toLowerCase() === 'accept_invalid_certs') {
        ctx.report({ fact: c, span: c.sslaccept.span, messageId: 'sslaccept', data: { host }, consumer: 'unknown' });
      }
    }
  },
});
