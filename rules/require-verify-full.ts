import { defineRule } from '../src/engine/rule.js';
import { PRODUCTION_DEPLOYMENT_ENV } from '../src/docs/example-manifests.js';
import type { ResolvedConfig } from '../src/config/types.js';
import type { EnvironmentInfo, Fact, Severity } from '../src/model.js';
import {
  describeUnit,
  effectiveSslMode,
  hostLabel,
  isOffMachine,
  modeOfSetting,
  modeRank,
  type EffectiveMode,
  settingConnections,
  settingIsAllLocal, isTlsOverHttps } from '../src/policy/connection.js';
import { CONSUMER_FIX, connectionTls, hasUrlTls, protectionOfLibpqMode, settingHarmlessForConsumers, tlsSpan } from '../src/policy/consumers.js';
import { explainEnvironment } from '../src/policy/environment.js';
import { codeModeTls, targetsLocalHost } from '../src/policy/tls-options.js';
import { minimumMode, severityBelowMinimum } from '../src/policy/minimum.js';

const WEAKNESS: Record<'require' | 'verify-ca', string> = {
  require: "which encrypts but does not check the server's certificate, so anyone on the path can impersonate the server",
  'verify-ca': 'which checks that a trusted CA signed the certificate but not that it was issued for this host, so any certificate from that CA passes',
};

type Verdict = { messageId: 'production' | 'staging' | 'unknown'; severity: Severity };

/**
 * The policy's minimum for the environment (by default the guide's decision tree: production
 * verify-full, staging verify-ca, development require; an unknown environment verify-full, as
 * warnings). Only require and verify-ca are judged here: weaker modes belong to no-ssl-disabled and
 * no-verify to no-reject-unauthorized. The message ids name the default policy's branches:
 * `production` is "verify-full required", `staging` "at least verify-ca", whatever the environment.
 */
function judge(mode: EffectiveMode, env: EnvironmentInfo, config: ResolvedConfig): Verdict | undefined {
  if (mode !== 'require' && mode !== 'verify-ca') return undefined;
  const minimum = minimumMode(config, env.name);
  if (modeRank(mode) >= modeRank(minimum)) return undefined;
  const severity = severityBelowMinimum(env.name);
  if (env.name === 'unknown') return { messageId: 'unknown', severity };
  return { messageId: minimum === 'verify-full' ? 'production' : 'staging', severity };
}

/** "production (namespace `production` in k8s/deploy.yaml)": the environment and where it was read. */
function environmentOf(fact: Fact): string {
  return `${fact.environment.name} (${explainEnvironment(fact.environment, fact.file)})`;
}

export default defineRule({
  meta: {
    id: 'require-verify-full',
    description:
      'Connections that leave the machine must meet their environment\'s minimum sslmode: by default verify-full in production and ' +
      'at least verify-ca in staging; require and verify-ca are warned about where the environment is unknown (config key `policy`).',
    defaultSeverity: 'error',
    rationale:
      'sslmode=require encrypts the connection but accepts any certificate, so an attacker who can intercept traffic presents ' +
      'their own and reads everything, password included. verify-ca checks the certificate chain but not the host name, so any ' +
      'certificate from the same CA (for a managed provider: any other customer\'s) passes. Only verify-full checks both. ' +
      'Production must use it; staging, which usually holds copies of real data, needs at least verify-ca. Each finding names the ' +
      'environment and where it was read (a file name, a directory, a namespace, a variable prefix); the minimum per environment ' +
      'is set with `policy` in the sslguard config.',
    messages: {
      production:
        '{{environment}} requires sslmode=verify-full; {{subject}} {{mode}}, {{weakness}}. Use sslmode=verify-full with sslrootcert=<CA file>.',
      staging:
        '{{environment}} requires at least sslmode=verify-ca; {{subject}} {{mode}}, {{weakness}}. Use sslmode=verify-full (or verify-ca) with sslrootcert=<CA file>.',
      unknown:
        'Environment {{environment}}: {{subject}} {{mode}}, {{weakness}}. ' +
        'Use sslmode=verify-full with sslrootcert=<CA file>, or map the file to its environment in the sslguard config.',
      consumerProduction: '{{environment}} requires full verification; connection to {{host}}: {{because}}, {{weakness}}. {{fix}}',
      consumerStaging: '{{environment}} requires at least a CA check; connection to {{host}}: {{because}}, {{weakness}}. {{fix}}',
      consumerUnknown: 'Environment {{environment}}: connection to {{host}}: {{because}}, {{weakness}}. {{fix}}',
      codeProduction: '{{environment}} requires full verification; {{subject}}: {{because}}, {{weakness}}. {{fix}}',
      codeStaging: '{{environment}} requires at least a CA check; {{subject}}: {{because}}, {{weakness}}. {{fix}}',
      codeUnknown: 'Environment {{environment}}: {{subject}}: {{because}}, {{weakness}}. {{fix}}',
    },
    looksAt: [
      '`sslmode` and `ssl=` of connection strings, with the consumer\'s meaning (node-postgres and pgjdbc read `ssl=true` as verified TLS, libpq as require)',
      'sslmode settings of every unit, by the environment of the file, namespace, MCP server name or variable prefix (`values-prod.yaml`, `Dockerfile.prod` included)',
      "Python: asyncpg `ssl='require'|'verify-ca'`, psycopg `sslmode=` keyword arguments, Django `OPTIONS['sslmode']`, dj-database-url `ssl_require=True`, also as the default of `os.getenv('PGSSLMODE', 'require')`",
    ],
    examples: {
      good: [
        {
          file: 'k8s/production/deploy.yaml',
          code:
            PRODUCTION_DEPLOYMENT_ENV +
            '            - name: DATABASE_URL\n' +
            '              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem\n',
        },
        {
          file: '.env.staging',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@staging-db.internal.acme.io:5432/app?sslmode=verify-ca&sslrootcert=/etc/ssl/acme/ca.crt\n',
        },
        {
          file: '.env.development',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@dev-db.internal.acme.io:5432/app?sslmode=require\n',
        },
      ],
      bad: [
        {
          file: 'k8s/production/deploy.yaml',
          code:
            PRODUCTION_DEPLOYMENT_ENV +
            '            - name: DATABASE_URL\n' +
            '              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require\n',
          findings: 1,
        },
        {
          file: '.env.staging',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@staging-db.internal.acme.io:5432/app\nPGSSLMODE=require\n',
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
        // prisma-ssl judges Prisma URLs; a mode from the unit's PGSSLMODE is judged on the setting.
        if (known.consumer === 'prisma' || !hasUrlTls(c) || known.setting) continue;
        // no-verify is no-reject-unauthorized's.
        if ([c.sslmode, c.ssl].some((p) => p?.value.trim().toLowerCase() === 'no-verify')) continue;
        const p = known.effect.protection;
        const as = p === 'encrypted-unverified' ? 'require' : p === 'ca-verified' ? 'verify-ca' : undefined;
        const verdict = as && judge(as, c.environment, ctx.config);
        if (!as || !verdict) continue;
        ctx.report({
          fact: c,
          span: tlsSpan(c),
          messageId: `consumer${verdict.messageId[0]!.toUpperCase()}${verdict.messageId.slice(1)}`,
          severity: verdict.severity,
          data: {
            environment: environmentOf(c),
            host: hostLabel(c),
            because: known.effect.because,
            weakness: WEAKNESS[as],
            fix: CONSUMER_FIX[known.consumer],
          },
          consumer: known.consumer,
          effectiveTls: p!,
        });
        continue;
      }
      const eff = effectiveSslMode(c, facts);
      // A mode inherited from PGSSLMODE is judged once, on the setting, below.
      if (!eff || eff.origin === 'setting') continue;
      const verdict = judge(eff.mode, c.environment, ctx.config);
      if (!verdict) continue;
      ctx.report({
        fact: c,
        span: eff.span,
        messageId: verdict.messageId,
        severity: verdict.severity,
        data: {
          environment: environmentOf(c),
          subject: 'this connection uses',
          mode: eff.origin === 'ssl' ? `${eff.written}, i.e. ${eff.mode}` : eff.mode,
          weakness: WEAKNESS[eff.mode as 'require' | 'verify-ca'],
        },
        consumer: 'unknown',
        effectiveTls: protectionOfLibpqMode(eff.mode)!,
      });
    }

    for (const t of facts.ofKind('tls-options')) {
      const py = codeModeTls(t);
      const p = py?.effect.protection;
      const as = p === 'encrypted-unverified' ? 'require' : p === 'ca-verified' ? 'verify-ca' : undefined;
      if (!py || !as || targetsLocalHost(t, ctx.config.localHosts)) continue;
      const verdict = judge(as, t.environment, ctx.config);
      if (!verdict) continue;
      ctx.report({
        fact: t,
        span: py.option.span,
        messageId: `code${verdict.messageId[0]!.toUpperCase()}${verdict.messageId.slice(1)}`,
        severity: verdict.severity,
        data: { environment: environmentOf(t), subject: py.subject, because: py.effect.because, weakness: WEAKNESS[as], fix: py.fix },
        consumer: py.consumer,
        effectiveTls: p!,
      });
    }

    for (const s of facts.ofKind('setting')) {
      if (s.category !== 'sslmode' || settingIsAllLocal(facts, s)) continue;
      // Where nothing says the environment is deployed, a mode that reaches no connection is thin evidence.
      if (s.environment.name === 'unknown' && settingConnections(facts, s).length === 0) continue;
      // Every client the setting reaches verifies fully with it (node-postgres reads PGSSLMODE=require so).
      if (settingHarmlessForConsumers(facts, s, 'full-verified')) continue;
      const mode = modeOfSetting(s);
      const verdict = judge(mode, s.environment, ctx.config);
      if (!verdict) continue;
      ctx.report({
        fact: s,
        messageId: verdict.messageId,
        severity: verdict.severity,
        data: {
          environment: environmentOf(s),
          subject: `\`${s.name}\` makes every connection of ${describeUnit(s.unit)} that sets no sslmode use`,
          mode,
          weakness: WEAKNESS[mode as 'require' | 'verify-ca'],
        },
      });
    }
  },
});
