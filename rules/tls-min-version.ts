import { isTlsOverHttps } from '../src/policy/connection.js';
import { defineRule } from '../src/engine/rule.js';

const OLD_VERSIONS = new Set(['tlsv1', 'tlsv1.0', 'tlsv1.1']);
/** OpenSSL method names that pin a protocol older than TLS 1.2. */
const OLD_METHOD = /^(SSLv3|TLSv1|TLSv1_1)_(client_|server_)?method$/;

function isOldVersion(value: string): boolean {
  return OLD_VERSIONS.has(value.trim().toLowerCase());
}

export default defineRule({
  meta: {
    id: 'tls-min-version',
    description: 'TLS 1.0 and 1.1 (and SSLv3) must not be allowed; the minimum is TLS 1.2.',
    defaultSeverity: 'error',
    rationale:
      'TLS 1.0 and 1.1 were deprecated by RFC 8996 in 2021: they rely on SHA-1 and CBC constructions with known attacks, and ' +
      'current PostgreSQL (ssl_min_protocol_version defaults to TLSv1.2 since version 14) and managed providers refuse them. ' +
      'A configuration that lowers the floor only helps an attacker who forces a downgrade.',
    messages: {
      param: 'ssl_min_protocol_version={{value}} allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: ssl_min_protocol_version=TLSv1.2.',
      setting: '{{name}}={{value}} allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: {{name}}=TLSv1.2.',
      minVersion: "`minVersion: '{{value}}'` allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: `minVersion: 'TLSv1.2'`.",
      serverSetting:
        '`{{written}}` sets a server parameter, not the client\'s minimum TLS version: asyncpg sends server_settings to PostgreSQL as run-time parameters, ' +
        'and ssl_min_protocol_version is the server\'s own setting (postgresql.conf), which a connection cannot change: PostgreSQL refuses the connection ("parameter \"ssl_min_protocol_version\" cannot be changed now"), and it never limits what asyncpg accepts. ' +
        'Remove it: asyncpg already refuses TLS below 1.2; to raise the client\'s minimum put `ssl_min_protocol_version=TLSv1.3` in the DSN, and set the server\'s in postgresql.conf.',
      secureProtocol:
        "`secureProtocol: '{{value}}'` pins a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: remove secureProtocol and set `minVersion: 'TLSv1.2'`.",
    },
    looksAt: [
      '`ssl_min_protocol_version` in connection strings',
      '`PGSSLMINPROTOCOLVERSION`-style variables and Helm `minVersion` keys',
      '`minVersion` and `secureProtocol` in TS/JS TLS options',
      "Python: asyncpg `server_settings={'ssl_min_protocol_version': …}`, a server parameter mistaken for the client's minimum (a warning)",
    ],
    examples: {
      good: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt&ssl_min_protocol_version=TLSv1.3\n',
        },
        {
          file: 'src/db.ts',
          code:
            "import fs from 'node:fs';\n" +
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            "  ssl: { ca: fs.readFileSync('/etc/ssl/acme/ca.crt', 'utf8'), minVersion: 'TLSv1.2' },\n" +
            '});\n',
        },
      ],
      bad: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt&ssl_min_protocol_version=TLSv1\n',
          findings: 1,
        },
        {
          file: 'src/db.ts',
          code:
            "import fs from 'node:fs';\n" +
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            "  ssl: { ca: fs.readFileSync('/etc/ssl/acme/ca.crt', 'utf8'), minVersion: 'TLSv1.1' },\n" +
            '});\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      if (isTlsOverHttps(c)) continue;
      const p = c.params['ssl_min_protocol_version'];
      if (!p || !isOldVersion(p.value)) continue;
      ctx.report({ fact: c, span: p.span, messageId: 'param', data: { value: p.value } });
    }
    for (const s of facts.ofKind('setting')) {
      if (s.category !== 'ssl-min-protocol' || s.value === undefined || !isOldVersion(s.value)) continue;
      ctx.report({ fact: s, messageId: 'setting', data: { name: s.name, value: s.value.trim() } });
    }
    for (const t of facts.ofKind('tls-options')) {
      for (const key of ['server_settings.ssl_min_protocol_version', 'server_settings.ssl_max_protocol_version']) {
        const o = t.options[key];
        if (o) ctx.report({ fact: t, span: o.span, messageId: 'serverSetting', severity: 'warning', data: { written: `server_settings={${o.written ?? key}}` } });
      }
      const min = t.options.minVersion;
      if (min && typeof min.value === 'string' && isOldVersion(min.value)) {
        ctx.report({ fact: t, span: min.span, messageId: 'minVersion', data: { value: min.value } });
      }
      const proto = t.options.secureProtocol;
      if (proto && typeof proto.value === 'string' && OLD_METHOD.test(proto.value)) {
        ctx.report({ fact: t, span: proto.span, messageId: 'secureProtocol', data: { value: proto.value } });
      }
    }
  },
});
