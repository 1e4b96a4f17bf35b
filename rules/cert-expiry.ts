import { defineRule } from '../src/engine/rule.js';
import { VALID_CA_PEM } from '../src/docs/example-manifests.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate file with at least this many certificates is a CA bundle. */
const BUNDLE_SIZE = 5;

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

export default defineRule({
  meta: {
    id: 'cert-expiry',
    description: 'Certificates must not be expired or about to expire.',
    defaultSeverity: 'error',
    rationale:
      'An expired root or client certificate breaks every verified connection at once, usually at night and usually in ' +
      'production, and the quick fix people reach for is to switch verification off. sslguard warns certExpiryDays ' +
      '(default 30) days ahead so the certificate can be renewed calmly.',
    messages: {
      expired: 'Certificate "{{subject}}" expired on {{date}} ({{ago}} ago): clients that verify against it fail. Renew it and deploy the new certificate.',
      expiring: 'Certificate "{{subject}}" expires on {{date}}, in {{left}}. Renew it before then and deploy the new certificate.',
      staleBundle:
        'CA bundle {{file}} holds {{count}} expired of its {{total}} certificates ({{subjects}}): the bundle is stale, not broken (clients verify against the roots still valid). Replace it with a current bundle (your OS\'s ca-certificates, or the provider\'s published bundle).',
    },
    // Self-signed CA certificates (public data, keys discarded): the good one made with
    // `openssl req -x509 -days 36500` and valid until 2126-11-02, the bad one with
    // `openssl ca -selfsign -startdate 20200101000000Z -enddate 20210101000000Z`.
    looksAt: [
      'certificate files and inline PEM certificate blocks in every file read',
    ],
    examples: {
      good: [
        {
          file: 'certs/ca.crt',
          code:
            VALID_CA_PEM,
        },
      ],
      bad: [
        {
          file: 'certs/ca.crt',
          code:
            '-----BEGIN CERTIFICATE-----\n' +
            'MIIBpTCCAUqgAwIBAgICEAAwCgYIKoZIzj0EAwIwOTESMBAGA1UECgwJQWNtZSBD\n' +
            'b3JwMSMwIQYDVQQDDBpBY21lIFBvc3RncmVzIFJvb3QgQ0EgMjAyMDAeFw0yMDAx\n' +
            'MDEwMDAwMDBaFw0yMTAxMDEwMDAwMDBaMDkxEjAQBgNVBAoMCUFjbWUgQ29ycDEj\n' +
            'MCEGA1UEAwwaQWNtZSBQb3N0Z3JlcyBSb290IENBIDIwMjAwWTATBgcqhkjOPQIB\n' +
            'BggqhkjOPQMBBwNCAAR9AB3T5wYIqdlS9W9maj82zl70f4U7vhcmJQt3zyYmr6zT\n' +
            '8k1vs9vPSU4nir3TlV3/1Zql8jt22gCIu9Wq0MEGo0IwQDAPBgNVHRMBAf8EBTAD\n' +
            'AQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUj+LeRv+EW95BtJQtKjFrBFWL\n' +
            'g7YwCgYIKoZIzj0EAwIDSQAwRgIhANmDhAyZr3lOftSwN0pgnrAGcfZ5FWD/xols\n' +
            '8UhqjPjPAiEAlJZ+UyS8so3gQQEd5jqeXVm40ZZOR0nfm2ShK/AJfLk=\n' +
            '-----END CERTIFICATE-----\n',
          findings: 1,
        },
      ],
    },
  },

  check(facts, ctx) {
    const now = ctx.now.getTime();
    // A bundle of many roots (a copy of the public CAs, a cloud provider's regional bundle) with a
    // few expired roots is stale, not broken: one finding for the file, not one per root.
    const perFile = new Map<string, number>();
    for (const cert of facts.ofKind('certificate')) if (!cert.inline) perFile.set(cert.file, (perFile.get(cert.file) ?? 0) + 1);
    const bundles = new Set([...perFile].filter(([, n]) => n >= BUNDLE_SIZE).map(([file]) => file));
    for (const file of bundles) {
      const certs = facts.ofKind('certificate').filter((c) => !c.inline && c.file === file && !c.testCode);
      const expired = certs.filter((c) => Date.parse(c.notAfter) < now);
      if (expired.length === 0) continue;
      const subjects = expired.slice(0, 3).map((c) => `"${c.subject}"`).join(', ') + (expired.length > 3 ? `, and ${expired.length - 3} more` : '');
      ctx.report({ fact: expired[0]!, messageId: 'staleBundle', severity: 'warning', data: { file, count: String(expired.length), total: String(certs.length), subjects } });
    }
    for (const cert of facts.ofKind('certificate')) {
      if (bundles.has(cert.file) && !cert.inline) continue;
      // A test's certificate (a SAML fixture, a mock CA) is data: nothing deployed verifies against it.
      if (cert.testCode) continue;
      const notAfter = Date.parse(cert.notAfter);
      if (Number.isNaN(notAfter)) continue;
      const date = new Date(notAfter).toISOString().slice(0, 10);
      if (notAfter < now) {
        ctx.report({ fact: cert, messageId: 'expired', severity: 'error', data: { subject: cert.subject, date, ago: days(Math.floor((now - notAfter) / DAY_MS)) } });
        continue;
      }
      const left = (notAfter - now) / DAY_MS;
      if (left <= ctx.config.certExpiryDays) {
        ctx.report({ fact: cert, messageId: 'expiring', severity: 'warning', data: { subject: cert.subject, date, left: days(Math.ceil(left)) } });
      }
    }
  },
});
