import { posix } from 'node:path';
import { defineRule } from '../src/engine/rule.js';
import type { ConnectionFact } from '../src/model.js';
import { hostLabel, isAllLocal, isTlsOverHttps } from '../src/policy/connection.js';
import { clientContext, consumerOf } from '../src/policy/consumers.js';

/** What each alias will mean once pg-connection-string follows libpq. */
const LIBPQ_MEANING: Record<string, string> = {
  prefer: 'TLS only when the server offers it, and no certificate check',
  require: 'TLS without certificate verification',
  'verify-ca': 'the certificate chain is checked but not the host name',
};

/** The client as the message names it: with the installed version when the project pins one. */
function clientName(c: ConnectionFact, consumer: string): string {
  if (consumer === 'knex') return 'knex';
  const context = clientContext(c);
  if (context.label) return context.label;
  const v = c.client;
  if (!context.version || !v) return 'node-postgres';
  return `node-postgres (${context.version}${v.from ? `, ${v.how === 'declared' ? 'declared in' : 'from'} ${posix.basename(v.from)}` : ''})`;
}

export default defineRule({
  meta: {
    id: 'pg-sslmode-alias',
    description:
      'A connection string read by node-postgres must not rely on sslmode=prefer, require or verify-ca, which pg treats as verify-full today and will read with their weaker libpq meaning in its next major version.',
    defaultSeverity: 'warning',
    rationale:
      'node-postgres (through pg-connection-string) reads sslmode=prefer, require and verify-ca as aliases for verify-full: the ' +
      'certificate and the host name are both checked. pg-connection-string has announced that its next major version (with ' +
      'pg 9) gives these modes their libpq meaning, which is weaker: require will stop checking the certificate at all. A URL ' +
      'that is safe today silently loses verification on an upgrade. Writing sslmode=verify-full keeps today\'s behaviour on ' +
      'both versions; uselibpqcompat=true opts into the libpq meaning now, so the mode says what it does. Where the project\'s ' +
      'lockfile or package.json installs pg 9 (pg-connection-string 3), the modes already have their libpq meaning: this rule ' +
      'stays silent and the other rules judge the weaker mode (require-verify-full, no-reject-unauthorized).',
    messages: {
      alias:
        '{{client}} reads sslmode={{mode}} as verify-full today, but pg-connection-string has announced that its next major version gives it libpq\'s meaning: {{meaning}}. ' +
        'Write sslmode=verify-full to keep today\'s checks (connection to {{host}}), or add uselibpqcompat=true if you mean libpq\'s {{mode}}.',
    },
    examples: {
      good: [
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            "  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full',\n" +
            '});\n',
        },
        {
          file: 'src/reports.ts',
          code:
            "import { Client } from 'pg';\n\n" +
            "// libpq's require, on purpose: the reporting replica sits behind a TLS-terminating proxy.\n" +
            "export const client = new Client('postgresql://reports@replica.internal.acme.io:5432/app?uselibpqcompat=true&sslmode=require');\n",
        },
      ],
      bad: [
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            "  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require',\n" +
            '});\n',
          findings: 1,
        },
        {
          file: '.cursor/mcp.json',
          code:
            '{\n' +
            '  "mcpServers": {\n' +
            '    "postgres": {\n' +
            '      "command": "npx",\n' +
            '      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-ca"]\n' +
            '    }\n' +
            '  }\n' +
            '}\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      if (isTlsOverHttps(c)) continue;
      // Every client that parses the URL with pg-connection-string (Sequelize and the MCP servers on pg included); knex
      // pins an older one, and its upgrade brings the same change.
      const consumer = consumerOf(c);
      if ((consumer !== 'node-postgres' && consumer !== 'knex') || !c.sslmode || isAllLocal(c)) continue;
      const mode = c.sslmode.value.trim().toLowerCase();
      const meaning = LIBPQ_MEANING[mode];
      if (!meaning) continue;
      // uselibpqcompat=true already asks for libpq's meaning: the mode says what it does, and other rules judge it.
      // knex's pinned pg-connection-string predates the flag and ignores it.
      if (consumer !== 'knex' && c.params['uselibpqcompat']?.value.trim().toLowerCase() === 'true') continue;
      // pg 9 / pg-connection-string 3 installed: the mode already means what libpq says, judged as such elsewhere.
      if (consumer === 'node-postgres' && clientContext(c).libpqModes) continue;
      ctx.report({ fact: c, span: c.sslmode.span, messageId: 'alias', data: { client: clientName(c, consumer), mode, meaning, host: hostLabel(c) }, consumer });
    }
  },
});
