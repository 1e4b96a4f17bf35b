import { defineRule } from '../src/engine/rule.js';
import { PRODUCTION_DEPLOYMENT_ENV } from '../src/docs/example-manifests.js';
import type { SettingFact } from '../src/model.js';
import {
  describeEnvironment,
  describeUnit,
  effectiveSslMode,
  hostLabel,
  isModeSetting,
  isOffMachine,
  isProductionOrStaging,
  isWeakMode,
  modeOfSetting,
  settingConnections, isTlsOverHttps } from '../src/policy/connection.js';
import { codeModeTls, libraryName, targetsLocalHost, weakTls } from '../src/policy/tls-options.js';
import {
  CONSUMER_FIX,
  connectionTls,
  consequenceOf,
  hasUrlTls,
  protectionOfLibpqMode,
  settingHarmlessForConsumers,
  tlsSpan,
} from '../src/policy/consumers.js';

const PLAINTEXT = 'traffic, password included, crosses the network in plaintext';
const OPTIONAL = 'TLS is optional and the server is never verified, so anyone on the path can downgrade the connection to plaintext and read the password';

function consequence(mode: string): string {
  return mode === 'disable' ? PLAINTEXT : OPTIONAL;
}

export default defineRule({
  meta: {
    id: 'no-ssl-disabled',
    description: 'Connections that leave the machine must not turn TLS off or make it optional (sslmode=disable, allow, prefer; ssl=false).',
    defaultSeverity: 'error',
    rationale:
      'With sslmode=disable the password and every query cross the network in plaintext. allow and prefer are barely better: ' +
      'TLS is negotiated only if the server offers it and the certificate is never checked, so an attacker on the path simply ' +
      'answers "no TLS" and reads everything. A connection to a managed database (Supabase, RDS, Neon) or any other host off ' +
      'this machine needs sslmode=verify-full.',
    messages: {
      connection: 'Connection to {{host}} uses {{written}}: {{consequence}}. Use sslmode=verify-full with sslrootcert=<CA file>.',
      consumerConnection: 'Connection to {{host}}: {{because}}, so {{consequence}}. {{fix}}',
      settingWithConnection:
        '{{written}} is the default sslmode for every connection of {{scope}}, which connects to {{host}}: without an sslmode of their own, {{consequence}}. ' +
        'Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.',
      settingWithoutConnection:
        '{{written}} in {{environment}}: every Postgres connection of {{scope}} that sets no sslmode of its own gets it, so {{consequence}}. ' +
        'Use {{name}}=verify-full with PGSSLROOTCERT=<CA file>.',
      flagWithConnection:
        '{{written}} turns TLS off for the connections of {{scope}}, which connects to {{host}}: {{consequence}}. ' +
        "Set {{name}}=true (the client then verifies the server against the system's CAs) or pass the server's CA.",
      flagWithoutConnection:
        '{{written}} in {{environment}} turns TLS off for the Postgres connections of {{scope}}: {{consequence}}. ' +
        "Set {{name}}=true (the client then verifies the server against the system's CAs) or pass the server's CA.",
      tlsOptionFallback:
        '`{{call}}` ends in `return false`, so every mode it does not recognise (an unset or misspelt one) gives `ssl: false`, which turns TLS off for this client in {{environment}}: {{consequence}}. ' +
        'Make its last case verified TLS (`{ rejectUnauthorized: true }`), or throw on a mode it does not know.',
      tlsOption:
        '`ssl: false` turns TLS off for this client in {{environment}}: {{consequence}}. ' +
        "Pass the server's CA instead: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }` (node-postgres then verifies the certificate and host name).",
      sslModeOption:
        "`{{written}}` makes TLS optional for {{library}} in {{environment}}: {{consequence}}. " +
        "Use `ssl: 'verify-full'`, or pass the server's CA: `ssl: { ca: fs.readFileSync('/path/to/ca.crt', 'utf8') }`.",
      codeMode: '{{subject}} in {{environment}}: {{because}}, so {{consequence}}. {{fix}}',
      denoTls:
        '`{{written}}` {{effect}} for the Deno Postgres client in {{environment}}: {{consequence}}. ' +
        'Use `tls: { enabled: true, enforce: true, caCertificates: [await Deno.readTextFile(\'/path/to/ca.crt\')] }`.',
    },
    looksAt: [
      'connection strings (URIs and DSNs) in env files, compose, Kubernetes, Helm values, Dockerfiles, MCP configs, package.json scripts and TS/JS: `sslmode=disable|allow|prefer`, `ssl=false|0`',
      'sslmode settings (`PGSSLMODE`, `*_SSLMODE`, Helm `sslMode`) and application switches (`DB_SSL`, `DATABASE_SSL`) of the unit a connection runs in: env file, compose service, shared YAML anchor, Kubernetes container, Dockerfile stage (and the compose service built from it), Helm values file, MCP server (and its `--env-file`)',
      'split variables (`PGHOST` + `PGSSLMODE`, `DB_HOST` + `DB_SSL`, Helm `externalDatabase.host`) judged as one connection',
      '`ssl: false` in TS/JS',
      "Python: asyncpg `ssl=False` / `ssl='disable'|'allow'|'prefer'`, psycopg `sslmode=` keyword arguments, Django `OPTIONS['sslmode']`, also as the default of `os.getenv('PGSSLMODE', 'prefer')`",
    ],
    examples: {
      good: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n',
        },
        {
          file: 'docker-compose.yml',
          code:
            'services:\n' +
            '  api:\n' +
            '    image: ghcr.io/acme/api:1.4.2\n' +
            '    environment:\n' +
            '      DATABASE_URL: postgres://app:app@db:5432/app?sslmode=disable\n' +
            '  db:\n' +
            '    image: postgres:16\n',
        },
      ],
      bad: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable\n',
          findings: 1,
        },
        {
          file: 'k8s/production/deploy.yaml',
          code:
            PRODUCTION_DEPLOYMENT_ENV +
            '            - name: DATABASE_URL\n' +
            '              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders\n' +
            '            - name: PGPASSWORD\n' +
            '              valueFrom:\n' +
            '                secretKeyRef: { name: orders-db, key: password }\n' +
            '            - name: PGSSLMODE\n' +
            '              value: prefer\n',
          findings: 1,
        },
        {
          file: 'src/db.ts',
          code:
            "import pg from 'pg';\n\n" +
            'export const pool = new pg.Pool({\n' +
            '  connectionString: process.env.DATABASE_URL,\n' +
            '  ssl: false,\n' +
            '});\n',
          findings: 1,
        },
        {
          file: 'supabase/functions/orders/index.ts',
          code:
            "import { Pool } from 'jsr:@db/postgres@0.19.5';\n\n" +
            'const pool = new Pool(\n' +
            "  { hostname: 'db.abcdefghijklmnop.supabase.co', database: 'postgres', tls: { enforce: false } },\n" +
            '  3,\n' +
            ');\n',
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
      const known = connectionTls(c, facts);
      if (known) {
        // prisma-ssl judges every Prisma URL; a URL without TLS parameters is require-sslmode's; a
        // mode inherited from the unit's PGSSLMODE is reported once, on the setting, below.
        if (known.consumer === 'prisma' || !hasUrlTls(c) || known.setting) continue;
        const p = known.effect.protection;
        if (p !== 'plaintext' && p !== 'optional') continue;
        ctx.report({
          fact: c,
          span: tlsSpan(c),
          messageId: 'consumerConnection',
          data: { host: hostLabel(c), because: known.effect.because, consequence: consequenceOf(p), fix: CONSUMER_FIX[known.consumer] },
          consumer: known.consumer,
          effectiveTls: p,
        });
        continue;
      }
      const eff = effectiveSslMode(c, facts);
      // A mode inherited from the unit's PGSSLMODE is reported once, on the setting, below.
      if (!eff || eff.origin === 'setting' || !isWeakMode(eff.mode)) continue;
      ctx.report({
        fact: c,
        span: eff.span,
        messageId: 'connection',
        data: { host: hostLabel(c), written: eff.written, consequence: consequence(eff.mode) },
        consumer: 'unknown',
        ...withProtection(protectionOfLibpqMode(eff.mode)),
      });
    }

    for (const s of facts.ofKind('setting')) {
      if (!isModeSetting(s)) continue;
      const mode = modeOfSetting(s);
      if (!isWeakMode(mode)) continue;
      // Every client the setting reaches reads it as TLS (node-postgres: PGSSLMODE=prefer is verified).
      if (settingHarmlessForConsumers(facts, s, 'encrypted-unverified')) continue;
      reportSetting(s, mode);
    }

    for (const t of facts.ofKind('tls-options')) {
      if (t.environment.name === 'development' || targetsLocalHost(t, ctx.config.localHosts)) continue;
      const environment = describeEnvironment(t.environment);
      const py = codeModeTls(t);
      if (py && (py.effect.protection === 'plaintext' || py.effect.protection === 'optional')) {
        ctx.report({
          fact: t,
          span: py.option.span,
          messageId: 'codeMode',
          data: { subject: py.subject, environment, because: py.effect.because, consequence: consequenceOf(py.effect.protection), fix: py.fix },
          consumer: py.consumer,
          effectiveTls: py.effect.protection,
        });
      }
      for (const weak of weakTls(t)) {
        const consequence = weak.how === 'off' ? PLAINTEXT : OPTIONAL;
        if (weak.written === 'ssl: false' && weak.option.fallbackOf) {
          ctx.report({ fact: t, span: weak.option.span, messageId: 'tlsOptionFallback', data: { call: weak.option.fallbackOf, environment, consequence } });
        } else if (weak.written === 'ssl: false') {
          ctx.report({ fact: t, span: weak.option.span, messageId: 'tlsOption', data: { environment, consequence } });
        } else if (t.driver === 'deno-postgres') {
          const effect = weak.how === 'off' ? 'turns TLS off' : 'lets the connection fall back to plaintext';
          ctx.report({ fact: t, span: weak.option.span, messageId: 'denoTls', data: { written: weak.written, effect, environment, consequence } });
        } else {
          ctx.report({ fact: t, span: weak.option.span, messageId: 'sslModeOption', data: { written: weak.written, library: libraryName(t), environment, consequence } });
        }
      }
    }

    function reportSetting(s: SettingFact, mode: string): void {
      const written = `${s.name}=${s.value ?? ''}`;
      const scope = describeUnit(s.unit);
      const conns = settingConnections(facts, s);
      const offMachine = conns.find(isOffMachine);
      const flag = s.category === 'ssl';
      if (offMachine) {
        ctx.report({
          fact: s,
          messageId: flag ? 'flagWithConnection' : 'settingWithConnection',
          data: { written, name: s.name, scope, host: hostLabel(offMachine), consequence: consequence(mode) },
        });
        return;
      }
      if (conns.length === 0 && isProductionOrStaging(s.environment)) {
        ctx.report({
          fact: s,
          messageId: flag ? 'flagWithoutConnection' : 'settingWithoutConnection',
          data: { written, name: s.name, scope, environment: describeEnvironment(s.environment), consequence: consequence(mode) },
        });
      }
      // Otherwise every connection of the unit stays on this machine (or its host is unknown
      // outside production and staging): a local database without TLS is fine.
    }
  },
});

function withProtection(p: string | undefined): { effectiveTls?: string } {
  return p ? { effectiveTls: p } : {};
}
