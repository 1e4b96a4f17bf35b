import { defineRule } from '../src/engine/rule.js';
import { hostLabel, isOffMachine } from '../src/policy/connection.js';
import { CONSUMER_FIX, connectionTls, consequenceOf, tlsSpan } from '../src/policy/consumers.js';

export default defineRule({
  meta: {
    id: 'prisma-ssl',
    description:
      "A Prisma connection string for a host off this machine must use sslmode=require with sslaccept=strict: Prisma reads verify-full and verify-ca as prefer, and checks no certificate by default.",
    defaultSeverity: 'error',
    rationale:
      "Prisma's engine connects with its own Postgres client, not libpq. Its sslmode knows only disable, prefer and require: " +
      'sslmode=verify-full and verify-ca, copied from a provider guide, are silently read as prefer, so TLS is optional and ' +
      'an attacker on the path can downgrade the connection to plaintext. Even with sslmode=require the certificate is not ' +
      'checked unless sslaccept=strict is set, because sslaccept defaults to accept_invalid_certs. Only ' +
      'sslmode=require&sslaccept=strict (with sslcert=<CA path>, the root CA, relative to the schema) verifies chain and host name. ' +
      'With a driver adapter (@prisma/adapter-pg) node-postgres reads the URL instead: where the project installs Prisma 7, or ' +
      'Prisma 6 with previewFeatures = ["driverAdapters"] and @prisma/adapter-pg (its lockfile or package.json says so), this rule ' +
      'stays silent and the connection is judged with node-postgres\'s meaning and advice.',
    messages: {
      weak: '{{because}}, so {{consequence}} (connection to {{host}}). {{fix}}',
    },
    looksAt: [
      '`url`, `directUrl` and `shadowDatabaseUrl` of `datasource` blocks in `*.prisma` files: `sslmode`, `sslaccept`',
    ],
    examples: {
      good: [
        {
          file: 'prisma/schema.prisma',
          code:
            'datasource db {\n' +
            '  provider = "postgresql"\n' +
            '  url      = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require&sslaccept=strict&sslcert=../certs/rds-global-bundle.pem"\n' +
            '}\n',
        },
        {
          file: 'prisma/schema.prisma',
          code: 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://postgres:postgres@localhost:5432/app_dev"\n}\n',
        },
      ],
      bad: [
        {
          file: 'prisma/schema.prisma',
          code:
            'datasource db {\n' +
            '  provider = "postgresql"\n' +
            '  url      = "postgresql://postgres.abcdefghijklmnop@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=verify-full"\n' +
            '}\n',
          findings: 1,
        },
        {
          file: 'prisma/schema.prisma',
          code:
            'datasource db {\n' +
            '  provider  = "postgresql"\n' +
            '  url       = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require"\n' +
            '  directUrl = "postgresql://app@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders"\n' +
            '}\n',
          findings: 2,
        },
      ],
    },
  },

  check(facts, ctx) {
    for (const c of facts.ofKind('connection')) {
      if (!isOffMachine(c)) continue;
      const known = connectionTls(c, facts);
      if (known?.consumer !== 'prisma') continue;
      const p = known.effect.protection;
      if (p === 'full-verified') continue;
      ctx.report({
        fact: c,
        // Encrypted but unchecked: the sslaccept value, when written, is what to change.
        span: p === 'encrypted-unverified' && c.sslaccept ? c.sslaccept.span : tlsSpan(c),
        messageId: 'weak',
        data: { because: known.effect.because, consequence: consequenceOf(p), host: hostLabel(c), fix: CONSUMER_FIX.prisma },
        consumer: 'prisma',
        ...(p ? { effectiveTls: p } : {}),
      });
    }
  },
});
