import { defineRule } from '../src/engine/rule.js';
import { effectiveSslMode, isTlsOverHttps } from '../src/policy/connection.js';

export default defineRule({
  meta: {
    id: 'verify-full-ip-host',
    description: 'sslmode=verify-full needs a host name that the server certificate carries; an IP address usually is not one.',
    defaultSeverity: 'warning',
    rationale:
      'verify-full compares the host you connect to with the names in the server certificate. Certificates are issued for DNS ' +
      'names and rarely carry IP addresses as subjectAltName entries, so connecting to 10.0.3.17 fails with "server certificate ' +
      'does not match host name" and the usual reaction is to downgrade to require. Connect by the DNS name instead.',
    messages: {
      ipHost:
        'Connection to {{host}} uses verify-full with an IP address: the host name check compares {{host}} with the names in the ' +
        "server's certificate and fails unless the certificate carries that IP as a subjectAltName. Connect by the DNS name the certificate was issued for.",
    },
    looksAt: [
      'hosts written as IP literals in connections whose effective sslmode is verify-full',
    ],
    examples: {
      good: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@pg-primary.internal.acme.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt\n',
        },
      ],
      bad: [
        {
          file: '.env.production',
          code: 'DATABASE_URL=postgresql://app:${DB_PASSWORD}@10.20.3.17:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt\n',
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
      if (!c.hosts.some((h) => h.ip)) continue;
      if (effectiveSslMode(c, facts)?.mode !== 'verify-full') continue;
      for (const h of c.hosts) {
        if (!h.ip) continue;
        ctx.report({ fact: c, ...(h.span ? { span: h.span } : {}), messageId: 'ipHost', data: { host: h.ip === 'v6' ? `[${h.host}]` : h.host } });
      }
    }
  },
});
