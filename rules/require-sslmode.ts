import { defineRule } from '../src/engine/rule.js';
import type { ConnectionFact } from '../src/model.js';
import { codeDisablesVerification, effectiveSslMode, hostLabel, isOffMachine, isTlsConfiguredInCode, isTlsOverHttps } from '../src/policy/connection.js';
import { CONSUMER_NAMES, connectionTls, consequenceOf } from '../src/policy/consumers.js';

/** The text to add, in the connection string's own syntax. */
function fixFor(c: ConnectionFact): string {
  // Driver options: TLS is one more option of the same object.
  if (c.synthesized === 'driver-options') {
    return c.consumer === 'postgres.js' ? "`ssl: 'verify-full'` beside `host`" : '`ssl: { ca: fs.readFileSync(\'/path/to/ca.crt\', \'utf8\'), rejectUnauthorized: true }` beside `host`';
  }
  // Split variables: the mode is one more variable beside the host's.
  if (c.synthesized) {
    return c.variable?.toUpperCase() === 'PGHOST'
      ? '`PGSSLMODE=verify-full` and `PGSSLROOTCERT=/path/to/ca.crt` beside PGHOST'
      : `a TLS setting beside ${c.variable ?? 'the host'} (PGSSLMODE=verify-full for libpq clients, or the application's own sslmode / ssl option)`;
  }
  if (c.form === 'dsn') return '`sslmode=verify-full sslrootcert=/path/to/ca.crt`';
  return c.masked.includes('?') ? '`&sslmode=verify-full&sslrootcert=/path/to/ca.crt`' : '`?sslmode=verify-full&sslrootcert=/path/to/ca.crt`';
}

export default defineRule({
  meta: {
    id: 'require-sslmode',
    description: 'Connections that leave the machine must say how TLS is used: an sslmode in the string, PGSSLMODE beside it, or TLS options in code.',
    defaultSeverity: 'warning',
    rationale:
      'A connection string without sslmode does not mean "TLS": libpq falls back to prefer, which uses TLS only if the server ' +
      'offers it and never checks the certificate, and node-postgres connects without TLS at all. What the connection does then ' +
      'depends on the client library, not on the configuration you reviewed. Write the mode down.',
    messages: {
      missing:
        'Connection to {{host}} sets no sslmode: libpq falls back to prefer (TLS optional, unverified) and node-postgres uses no TLS at all; ' +
        'add {{fix}}.',
      missingKnown:
        'Connection to {{host}} sets no sslmode, and {{client}}, which reads it, then {{effect}}; add {{fix}}.',
      missingReadBy:
        'Connection to {{host}} ({{name}}) sets no sslmode, and the code that reads it ({{reader}}) passes no TLS options: {{client}} then {{effect}}; ' +
        'add {{fix}}, or pass `ssl: { ca, rejectUnauthorized: true }` in that call.',
      unverifiedReadBy:
        'Connection to {{host}} ({{name}}) sets no sslmode, and the code that reads it ({{reader}}) turns certificate checks off: anyone on the path can impersonate the server; ' +
        'add {{fix}} and remove `rejectUnauthorized: false` from that call.',
    },
    looksAt: [
      'remote connection strings and split-variable connections (`PGHOST`, `DB_HOST`) with no `sslmode` or `ssl=` of their own',
      'for a string the code reads from an environment variable (`process.env.DATABASE_URL`), the TLS options of the call that reads it',
      'sslmode settings and switches of the same unit or of the units it inherits (a merged YAML anchor, the Dockerfile of the image), and TLS options in the same TS/JS file',
    ],
    examples: {
      good: [
        {
          file: '.cursor/mcp.json',
          code:
            '{\n' +
            '  "mcpServers": {\n' +
            '    "postgres": {\n' +
            '      "command": "npx",\n' +
            '      "args": [\n' +
            '        "-y",\n' +
            '        "@modelcontextprotocol/server-postgres",\n' +
            '        "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/Users/dev/.postgresql/supabase-ca.crt"\n' +
            '      ]\n' +
            '    }\n' +
            '  }\n' +
            '}\n',
        },
        {
          file: 'src/db.ts',
          code:
            "import fs from 'node:fs';\n" +
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            "  connectionString: 'postgres://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders',\n" +
            "  ssl: { ca: fs.readFileSync('/etc/ssl/certs/rds-global-bundle.pem', 'utf8') },\n" +
            '});\n',
        },
        {
          file: '.env',
          code: 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_dev\n',
        },
      ],
      bad: [
        {
          file: '.cursor/mcp.json',
          code:
            '{\n' +
            '  "mcpServers": {\n' +
            '    "postgres": {\n' +
            '      "command": "npx",\n' +
            '      "args": [\n' +
            '        "-y",\n' +
            '        "@modelcontextprotocol/server-postgres",\n' +
            '        "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres"\n' +
            '      ]\n' +
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
      // A Python call's TLS keyword arguments replace the string's: they are judged in code.
      if (c.tlsInCode) continue;
      if (isTlsOverHttps(c)) continue;
      if (!isOffMachine(c)) continue;
      if (effectiveSslMode(c, facts) || isTlsConfiguredInCode(c, facts)) continue;
      const known = connectionTls(c, facts);
      // prisma-ssl judges Prisma URLs.
      if (known?.consumer === 'prisma') continue;
      const tags = known ? { consumer: known.consumer, ...(known.effect.protection ? { effectiveTls: known.effect.protection } : {}) } : { consumer: 'unknown', effectiveTls: 'optional' };
      if (c.readBy) {
        const reader = `\`${c.readBy.name}\` in ${c.readBy.file}:${c.readBy.span.line}`;
        if (codeDisablesVerification(c)) {
          ctx.report({ fact: c, messageId: 'unverifiedReadBy', data: { host: hostLabel(c), name: c.variable ?? c.readBy.name, reader, fix: fixFor(c) }, ...tags, effectiveTls: 'encrypted-unverified' });
          continue;
        }
        const client = known ? CONSUMER_NAMES[known.consumer] : 'the client';
        const effect = known?.effect.protection ? `${known.effect.protection === 'plaintext' ? 'connects without TLS' : 'connects with ' + known.effect.protection.replace('-', ' ') + ' TLS'}: ${consequenceOf(known.effect.protection)}` : 'falls back to its default';
        // Not a fallback the client may or may not take: this code connects in plaintext, as surely as sslmode=disable.
        const plaintext = known?.effect.protection === 'plaintext';
        ctx.report({ fact: c, messageId: 'missingReadBy', data: { host: hostLabel(c), name: c.variable ?? c.readBy.name, reader, client, effect, fix: fixFor(c) }, ...tags, ...(plaintext ? { severity: 'error' as const } : {}) });
        continue;
      }
      // The client is known: say what it does, not what libpq and node-postgres might.
      if (known?.effect.protection) {
        const plaintext = known.effect.protection === 'plaintext';
        const effect = `${plaintext ? 'connects without TLS' : 'connects with ' + known.effect.protection.replace('-', ' ') + ' TLS'}: ${consequenceOf(known.effect.protection)}`;
        ctx.report({ fact: c, messageId: 'missingKnown', data: { host: hostLabel(c), client: CONSUMER_NAMES[known.consumer], effect, fix: fixFor(c) }, ...tags, ...(plaintext ? { severity: 'error' as const } : {}) });
        continue;
      }
      ctx.report({ fact: c, messageId: 'missing', data: { host: hostLabel(c), fix: fixFor(c) }, ...tags });
    }
  },
});
