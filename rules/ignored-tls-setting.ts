import { defineRule } from '../src/engine/rule.js';
import type { SettingFact } from '../src/model.js';
import { describeUnit, isAllLocal } from '../src/policy/connection.js';
import { CONSUMER_NAMES, connectionTls, unitPgsslmode, type Consumer } from '../src/policy/consumers.js';

/** What the user meant and what to write instead, by consumer. */
const PGSSLMODE_FIX: Partial<Record<Consumer, string>> = {
  'postgres.js': "Put sslmode=verify-full in the connection string, or pass `ssl: 'verify-full'` in code.",
  'deno-postgres': 'Put sslmode=verify-full in the connection string, or pass `tls: { enforce: true }` in code.',
  prisma: 'Put sslmode=require&sslaccept=strict&sslcert=<CA path> in the connection string.',
};

export default defineRule({
  meta: {
    id: 'ignored-tls-setting',
    description: 'A TLS setting that the client reading the connection ignores: it looks like protection and does nothing.',
    defaultSeverity: 'warning',
    rationale:
      'Clients do not share libpq\'s settings. postgres.js reads no sslrootcert file, so a private CA given that way is never ' +
      'used; postgres.js, deno-postgres and Prisma never read PGSSLMODE, so a PGSSLMODE=verify-full beside them protects nothing; ' +
      'node-postgres reads sslrootcert=system as a file named "system" and fails to connect; knex\'s pinned pg-connection-string ' +
      'ignores uselibpqcompat. The setting documents an intent the client does not carry out, and the real protection is ' +
      'whatever the client does without it.',
    messages: {
      sslrootcert:
        'postgres.js ignores sslrootcert={{value}}: it reads no root certificate file, so the CA is never used. ' +
        "Pass it in code: `ssl: { ca: fs.readFileSync('{{value}}', 'utf8') }`.",
      rootcertSystem:
        '{{consumer}} reads sslrootcert=system as a file named "system": the connection fails, or uses whatever that file holds. ' +
        "Remove sslrootcert and use sslmode=verify-full ({{consumer}} then checks against Node's CAs).",
      uselibpqcompat:
        "knex ignores uselibpqcompat={{value}}: its pinned pg-connection-string predates the flag and reads sslmode with pg's meaning (verify-full for prefer, require and verify-ca). " +
        'Write the sslmode you mean: sslmode=verify-full, or sslmode=no-verify for TLS without certificate checks.',
      pgsslmode:
        '{{consumer}} ignores {{written}}: the connections of {{scope}} that {{consumer}} reads get nothing from it. {{fix}}',
    },
    looksAt: [
      'connection strings with a known client (driver call in code, Prisma schema, MCP server): `sslrootcert` under postgres.js, `sslrootcert=system` under node-postgres and knex, `uselibpqcompat` under knex',
      '`PGSSLMODE` in the unit of a connection read by postgres.js, deno-postgres or Prisma',
    ],
    examples: {
      good: [
        {
          file: 'src/db.ts',
          code:
            "import postgres from 'postgres';\n\n" +
            "export const sql = postgres('postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full');\n",
        },
      ],
      bad: [
        {
          file: 'src/db.ts',
          code:
            "import postgres from 'postgres';\n\n" +
            "export const sql = postgres('postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem');\n",
          findings: 1,
        },
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            "export const pool = new pg.Pool({ connectionString: 'postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=system' });\n",
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    const reportedSettings = new Set<SettingFact>();
    for (const c of facts.ofKind('connection')) {
      if (isAllLocal(c)) continue;
      const known = connectionTls(c, facts);
      if (!known?.effect.ignored) continue;
      const consumer = CONSUMER_NAMES[known.consumer];
      const tags = { consumer: known.consumer, ...(known.effect.protection ? { effectiveTls: known.effect.protection } : {}) };
      for (const what of known.effect.ignored) {
        if (what === 'sslrootcert' && c.sslrootcert) {
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId: 'sslrootcert', data: { value: c.sslrootcert.value }, ...tags });
        } else if (what === 'sslrootcert=system' && c.sslrootcert) {
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId: 'rootcertSystem', data: { consumer }, ...tags });
        } else if (what.startsWith('uselibpqcompat=') && c.params['uselibpqcompat']) {
          const p = c.params['uselibpqcompat'];
          ctx.report({ fact: c, span: p.span, messageId: 'uselibpqcompat', data: { value: p.value }, ...tags });
        } else if (what.startsWith('PGSSLMODE=')) {
          const s = unitPgsslmode(facts, c);
          if (!s || reportedSettings.has(s)) continue;
          reportedSettings.add(s);
          const fix = PGSSLMODE_FIX[known.consumer] ?? '';
          ctx.report({
            fact: s,
            messageId: 'pgsslmode',
            data: { consumer, written: `${s.name}=${s.value ?? ''}`, scope: describeUnit(s.unit), fix },
            ...tags,
          });
        }
      }
    }
  },
});

