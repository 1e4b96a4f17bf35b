import { defineRule } from '../src/engine/rule.js';
import type { ConnectionFact, ParamValue, SettingFact, TlsOptionsFact } from '../src/model.js';
import { libraryName, targetsLocalHost } from '../src/policy/tls-options.js';
import { describeUnit, isAllLocal, isTlsOverHttps } from '../src/policy/connection.js';
import { CONSUMER_NAMES, connectionTls, unitPgsslmode, type Consumer } from '../src/policy/consumers.js';
import { clientContext } from '../src/policy/consumers.js';

/** What the user meant and what to write instead, by consumer. */
const PGSSLMODE_FIX: Partial<Record<Consumer, string>> = {
  'postgres.js': "Put sslmode=verify-full in the connection string, or pass `ssl: 'verify-full'` in code.",
  'deno-postgres': 'Put sslmode=verify-full in the connection string, or pass `tls: { enforce: true }` in code.',
  prisma: 'Put sslmode=require&sslaccept=strict&sslcert=<CA path> in the connection string.',
};

/** The parameter of the connection string a consumer fails on. */
function rejectedParam(c: ConnectionFact, name: string): ParamValue | undefined {
  if (name === 'ssl' || name === 'sslrootcert' || name === 'sslcert' || name === 'sslkey' || name === 'sslaccept') return c[name];
  return c.params[name];
}

/** How to write what the user meant, for a parameter the consumer fails on. */
function rejectedFix(consumer: Consumer, name: string, value: string): string {
  // SQLAlchemy hands every query parameter to asyncpg.connect() as a keyword argument.
  if (consumer === 'sqlalchemy-asyncpg') {
    return "Remove it from the URL and pass TLS through `connect_args`: `connect_args={'ssl': ssl.create_default_context(cafile='<CA file>')}` (or `?ssl=verify-full` in the URL with PGSSLROOTCERT=<CA file>).";
  }
  if (consumer === 'asyncpg') {
    return name === 'sslrootcert'
      ? "asyncpg has no `system` keyword: give the CA file's path (sslrootcert=/path/to/ca.crt), or pass `ssl=ssl.create_default_context()` in code to verify against the system's CAs."
      : 'Remove it: asyncpg reads sslmode (sslmode=verify-full with sslrootcert=<CA file>) and sends parameters it does not know to the server.';
  }
  switch (name) {
    case 'sslrootcert':
      return value.trim().toLowerCase() === 'system'
        ? "Remove it and use sslmode=verify-full: postgres.js then checks the certificate against Node's CAs."
        : `Remove it and pass the CA in code: \`ssl: { ca: fs.readFileSync('${value}', 'utf8') }\`.`;
    case 'sslcert':
    case 'sslkey':
      return "Remove it and pass the client certificate in code: `ssl: { cert: fs.readFileSync('/path/to/client.crt', 'utf8'), key: fs.readFileSync('/path/to/client.key', 'utf8') }`.";
    case 'sslaccept':
      return consumer === 'libpq'
        ? "Remove it: sslaccept is Prisma's parameter; for libpq write sslmode=verify-full with sslrootcert=<CA file>."
        : "Remove it: sslaccept is Prisma's parameter; for postgres.js write sslmode=verify-full.";
    case 'uselibpqcompat':
      return 'Remove it: only node-postgres reads uselibpqcompat.';
    default:
      return 'Write sslmode instead: sslmode=verify-full with sslrootcert=<CA file> (libpq reads ssl only as ssl=true, meaning sslmode=require).';
  }
}

/** How to keep the TLS options in the one place the library reads. */
const UNREAD_FIX: Record<NonNullable<TlsOptionsFact['unread']>['by'], string> = {
  url: 'Keep TLS settings in one place: remove sslmode and the other ssl parameters from the connection string so that `ssl` applies, or drop `ssl` and give the CA in the URL (sslrootcert=<CA file>).',
  'extra.ssl': 'Merge these options into `extra.ssl`, or remove them.',
  nothing: 'Move it to `dialectOptions.ssl`.',
};

export default defineRule({
  meta: {
    id: 'ignored-tls-setting',
    description:
      'A TLS setting that the client reading the connection ignores or that another setting replaces, so it looks like protection and does nothing, or one the client or server rejects, so the connection fails.',
    defaultSeverity: 'warning',
    rationale:
      'Clients do not share libpq\'s settings. postgres.js, deno-postgres and Prisma never read PGSSLMODE, so a PGSSLMODE=verify-full ' +
      'beside them protects nothing; deno-postgres reads no sslrootcert; node-postgres reads sslrootcert=system as a file named ' +
      '"system" and fails to connect; knex\'s pinned pg-connection-string ignores uselibpqcompat. Such a setting documents an ' +
      'intent the client does not carry out, and the real protection is whatever the client does without it. Other parameters ' +
      'stop the connection: postgres.js sends sslrootcert, sslcert, sslkey, sslaccept and uselibpqcompat to the server as ' +
      'run-time parameters, which PostgreSQL refuses ("unrecognized configuration parameter"), and libpq (psql, pg_dump, psycopg) ' +
      'rejects a connection string with sslaccept, uselibpqcompat or any ssl= but ssl=true, typically a Prisma URL reused for a ' +
      'backup script. In code, node-postgres takes its TLS settings from a connection string that has any and drops the `ssl` ' +
      'option beside it (a CA in it included), TypeORM hands `extra.ssl` to node-postgres in place of `ssl`, and Sequelize 6 ' +
      'reads only `dialectOptions.ssl`, which a URL with TLS parameters replaces.',
    messages: {
      sslrootcert:
        '{{consumer}} ignores sslrootcert={{value}}: it reads no root certificate file from the connection string, so the CA is never used. ' +
        "Pass it in code: `tls: { caCertificates: [await Deno.readTextFile('{{value}}')] }`.",
      rootcertSystemIgnored:
        '{{consumer}} ignores sslrootcert=system: it does not make verify-full the default as libpq does, so TLS is not enforced and any TLS failure falls back to plaintext. ' +
        'Write sslmode=verify-full (Deno checks the certificate against the system roots).',
      rejected: '{{consumer}} fails to connect with {{written}} in the connection string: {{because}}. {{fix}}',
      droppedParam:
        'postgres.js ({{version}}) ignores {{written}}: versions before 3.2 drop the connection-string parameters they do not know, so it has no effect ' +
        '(3.2 and later send it to the server, which refuses the connection). {{fix}}',
      unreadOption:
        '{{library}} never reads this `ssl` option: {{because}}, so what it sets (certificate checks, a CA) does not apply. {{fix}}',
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
      'connection strings with a known client (driver call in code, Prisma schema, MCP server, psql/pg_dump command line): `sslrootcert` under deno-postgres, `sslrootcert=system` under node-postgres and knex, `uselibpqcompat` under knex',
      'parameters that make the connection fail: `sslrootcert`, `sslcert`, `sslkey`, `sslaccept`, `uselibpqcompat` under postgres.js; `sslaccept`, `uselibpqcompat` and `ssl=` other than `ssl=true` under libpq',
      '`PGSSLMODE` in the unit of a connection read by postgres.js, deno-postgres or Prisma',
      'TS/JS `ssl` options another source replaces: beside a `connectionString` with TLS parameters (node-postgres, knex, Drizzle), TypeORM `ssl` beside `extra.ssl` or a `url` with TLS parameters, Sequelize `dialectOptions.ssl` beside such a URL, and a top-level Sequelize `ssl`, which its postgres dialect never reads',
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
        {
          file: 'src/db.ts',
          code:
            "import fs from 'node:fs';\n" +
            "import pg from 'pg';\n\n" +
            '// pg takes TLS settings from the URL alone: the RDS CA below never reaches it.\n' +
            'export const pool = new pg.Pool({\n' +
            "  connectionString: 'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full',\n" +
            "  ssl: { ca: fs.readFileSync('/etc/ssl/certs/rds-global-bundle.pem', 'utf8') },\n" +
            '});\n',
          findings: 1,
        },
        {
          file: 'package.json',
          code:
            '{\n' +
            '  "scripts": {\n' +
            '    "db:backup": "pg_dump --format=custom --file=backup.dump \'postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require&sslaccept=strict\'"\n' +
            '  }\n' +
            '}\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const t of facts.ofKind('tls-options')) {
      const ssl = t.unread?.options['ssl'];
      if (!ssl || targetsLocalHost(t, ctx.config.localHosts)) continue;
      ctx.report({ fact: t, span: ssl.span, messageId: 'unreadOption', data: { library: libraryName(t), because: t.unread!.because, fix: UNREAD_FIX[t.unread!.by] } });
    }
    const reportedSettings = new Set<SettingFact>();
    for (const c of facts.ofKind('connection')) {
      // A Python call's TLS keyword arguments replace the string's: they are judged in code.
      if (c.tlsInCode) continue;
      if (isTlsOverHttps(c)) continue;
      if (isAllLocal(c)) continue;
      const known = connectionTls(c, facts);
      if (!known?.effect.ignored && !known?.effect.rejected) continue;
      const consumer = CONSUMER_NAMES[known.consumer];
      const tags = { consumer: known.consumer, ...(known.effect.protection ? { effectiveTls: known.effect.protection } : {}) };
      for (const name of known.effect.rejected ?? []) {
        const p = rejectedParam(c, name);
        if (!p) continue;
        ctx.report({
          fact: c,
          span: p.span,
          messageId: 'rejected',
          data: { consumer, written: `${name}=${p.value}`, because: known.effect.because, fix: rejectedFix(known.consumer, name, p.value) },
          ...tags,
        });
      }
      const context = clientContext(c);
      for (const what of known.effect.ignored ?? []) {
        const name = what === 'sslrootcert=system' ? 'sslrootcert' : what;
        const dropped = known.consumer === 'postgres.js' && context.dropsUnknownParams ? rejectedParam(c, name) : undefined;
        if (dropped) {
          ctx.report({
            fact: c,
            span: dropped.span,
            messageId: 'droppedParam',
            data: { version: context.version ?? '', written: `${name}=${dropped.value}`, fix: rejectedFix(known.consumer, name, dropped.value) },
            ...tags,
          });
        } else if (what === 'sslrootcert' && c.sslrootcert) {
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId: 'sslrootcert', data: { consumer, value: c.sslrootcert.value }, ...tags });
        } else if (what === 'sslrootcert=system' && c.sslrootcert) {
          const messageId = known.consumer === 'deno-postgres' ? 'rootcertSystemIgnored' : 'rootcertSystem';
          ctx.report({ fact: c, span: c.sslrootcert.span, messageId, data: { consumer }, ...tags });
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

