import { defineRule } from '../src/engine/rule.js';
import type { LiteralValue } from '../src/model.js';
import { hostLabel, isAllLocal, modeOfSetting, unitIsAllLocal } from '../src/policy/connection.js';

function isRejectOff(value: LiteralValue): boolean {
  return value === false || value === 'false' || value === 0;
}

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
      ],
    },
  },

  check(facts, ctx) {
    for (const t of facts.ofKind('tls-options')) {
      const opt = t.options.rejectUnauthorized;
      if (!opt || !isRejectOff(opt.value)) continue;
      ctx.report({ fact: t, span: opt.span, messageId: 'tlsOption', data: { value: typeof opt.value === 'string' ? `'${opt.value}'` : String(opt.value) } });
    }

    for (const s of facts.ofKind('setting')) {
      if (s.category === 'node-tls-reject-unauthorized') {
        // Node turns verification off only for the exact string '0'.
        if (s.value !== '0') continue;
        ctx.report({ fact: s, messageId: 'nodeTls', ...(s.environment.name === 'development' ? { severity: 'warning' as const } : {}) });
      } else if (s.category === 'reject-unauthorized') {
        const v = s.value?.trim().toLowerCase();
        if (v !== 'false' && v !== '0') continue;
        ctx.report({ fact: s, messageId: 'setting', data: { name: s.name, value: s.value!.trim() } });
      } else if (s.category === 'sslmode' && modeOfSetting(s) === 'no-verify' && !unitIsAllLocal(facts, s.unit)) {
        ctx.report({ fact: s, messageId: 'settingNoVerify', data: { name: s.name } });
      }
    }

    for (const c of facts.ofKind('connection')) {
      if (isAllLocal(c)) continue;
      const host = hostLabel(c);
      for (const p of [c.sslmode && { key: 'sslmode', param: c.sslmode }, c.ssl && { key: 'ssl', param: c.ssl }]) {
        if (!p || p.param.value.trim().toLowerCase() !== 'no-verify') continue;
        ctx.report({ fact: c, span: p.param.span, messageId: 'noVerify', data: { host, written: `${p.key}=no-verify` } });
      }
      if (c.sslaccept && c.sslaccept.value.trim().toLowerCase() === 'accept_invalid_certs') {
        ctx.report({ fact: c, span: c.sslaccept.span, messageId: 'sslaccept', data: { host } });
      }
    }
  },
});
