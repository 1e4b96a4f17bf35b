// The classic Postgres TLS failures, recognised from what Node's TLS layer and node-postgres
// report, each with what it means and the concrete fix (after the guide's troubleshooting section).
import { maskSecrets } from '../connection/mask.js';
import type { CertificateInfo, ModeStatus, Problem, ProblemId } from './types.js';

/** What the explanation may mention about the connection. */
export interface ExplainContext {
  host: string;
  port: number;
  timeoutMs: number;
  /** `sslrootcert /etc/ssl/ca.crt`, `Node's default CA store`. */
  trustLabel: string;
  chain?: CertificateInfo[];
}

/** Node's verify-error codes (OpenSSL's X509_V_ERR_* names) by what they mean. */
const SELF_SIGNED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']);
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const NETWORK: Record<string, ProblemId> = {
  ECONNREFUSED: 'connection-refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  EAI_NONAME: 'host-not-found',
  ENODATA: 'host-not-found',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'timeout',
  ENETUNREACH: 'timeout',
};

/** A Node error's `code` (`CERT_HAS_EXPIRED`, `ECONNREFUSED`), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return maskSecrets(error instanceof Error ? error.message : String(error));
}

export function timeoutProblem(ctx: ExplainContext, during: string): Problem {
  const seconds = ctx.timeoutMs / 1000;
  return {
    id: 'timeout',
    message: `${ctx.host}:${ctx.port} did not answer within ${seconds} s (${during})`,
    fix:
      `Check the host and port (Supabase: 5432 for direct and session pooler, 6543 for the transaction pooler), ` +
      `firewalls, security groups and IP allow lists between here and the server, and that postgres listens on this address (listen_addresses). ` +
      `On a slow link raise --timeout (connectionTimeoutMillis in node-postgres).`,
  };
}

/** Problems of the TCP connection itself (before Postgres or TLS said anything). */
export function networkProblem(error: unknown, ctx: ExplainContext): Problem | undefined {
  const code = errorCode(error);
  const id = code ? NETWORK[code] : undefined;
  if (!id) return undefined;
  const where = `${ctx.host}:${ctx.port}`;
  switch (id) {
    case 'connection-refused':
      return {
        id,
        message: `nothing accepts connections on ${where} (${code})`,
        fix: `Check the port and that postgres runs and listens on this address (listen_addresses in postgresql.conf; for Docker, the published port).`,
      };
    case 'host-not-found':
      return {
        id,
        message: `${ctx.host} does not resolve (${code})`,
        fix:
          `Check the host name. Supabase direct hosts (db.<project-ref>.supabase.co) have IPv6 addresses only: ` +
          `from an IPv4-only network use the Supavisor pooler host (aws-0-<region>.pooler.supabase.com).`,
      };
    default:
      return timeoutProblem(ctx, `${code}`);
  }
}

function leafSummary(ctx: ExplainContext): string {
  const leaf = ctx.chain?.[0];
  if (!leaf) return 'the server certificate';
  return `the server certificate (${leaf.subject}, issued by ${leaf.issuer})`;
}

/** Problems of certificate verification, by Node's verify-error code. */
export function certificateProblem(code: string, ctx: ExplainContext, detail?: string): Problem | undefined {
  const chain = ctx.chain ?? [];
  if (SELF_SIGNED.has(code)) {
    const root = chain.at(-1);
    return {
      id: 'self-signed-certificate',
      message: `self-signed certificate in certificate chain: ${root ? `the chain ends in ${root.subject}, which ` : 'the root '}${ctx.trustLabel} does not trust`,
      fix:
        `Set sslrootcert to the absolute path of the CA that signed the server certificate ` +
        `(Supabase: Dashboard → Database → SSL Configuration → Download certificate; RDS: global-bundle.pem). ` +
        `Do not switch verification off (rejectUnauthorized: false, sslmode=no-verify).`,
    };
  }
  if (UNTRUSTED.has(code)) {
    return {
      id: 'untrusted-certificate',
      message: `${leafSummary(ctx)} does not chain to ${ctx.trustLabel} (${code})`,
      fix: `Point sslrootcert at the CA that issued the server certificate (the issuer above), as an absolute path; a bundle of several CAs is fine.`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED') {
    const expired = chain.find((c) => c.daysLeft < 0) ?? chain[0];
    return {
      id: 'certificate-expired',
      message: expired
        ? `certificate has expired: ${expired.subject} expired on ${expired.notAfter.slice(0, 10)} (${-expired.daysLeft} days ago)`
        : 'certificate has expired',
      fix:
        `Renew the server certificate (ssl_cert_file and ssl_key_file in postgresql.conf, then SELECT pg_reload_conf()); ` +
        `with a managed provider, rotate it in the provider's console and download the new CA. Falling back to sslmode=require only hides the problem.`,
    };
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return {
      id: 'certificate-not-yet-valid',
      message: `${leafSummary(ctx)} is not valid yet (from ${chain[0]?.notBefore.slice(0, 10) ?? 'a later date'})`,
      fix: `Check the clocks of the client and the server, or install a certificate whose validity has begun.`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = chain[0]?.subjectAltNames ?? [];
    return {
      id: 'hostname-mismatch',
      message: `Hostname/IP does not match certificate's altnames: ${ctx.host} is not among ${names.length ? names.join(', ') : 'the names of the certificate'}${detail ? ` (${detail})` : ''}`,
      fix:
        `Connect with a name the certificate lists${names.length ? ` (${names.map((n) => n.replace(/^[A-Za-z ]+:/, '')).join(', ')})` : ''} — ` +
        `the provider's host name, not an IP address or an alias — or reissue the certificate with ${ctx.host} in subjectAltName. ` +
        `verify-ca would pass, but then any certificate from the same CA would too.`,
    };
  }
  return undefined;
}

export function sslNotSupportedProblem(ctx: ExplainContext): Problem {
  return {
    id: 'ssl-not-supported',
    message: `The server does not support SSL connections: ${ctx.host}:${ctx.port} answered N to the SSLRequest`,
    fix:
      `Turn TLS on in postgresql.conf (ssl = on, ssl_cert_file, ssl_key_file) and reload (SELECT pg_reload_conf()); ` +
      `until then only sslmode disable, allow and prefer connect, all in plaintext.`,
  };
}

export function rootCertProblem(path: string, error: unknown): Problem {
  return {
    id: 'root-cert-unreadable',
    message: `sslrootcert ${path} cannot be read (${errorCode(error) ?? errorMessage(error)}); verify-ca and verify-full fail before connecting`,
    fix: `Give sslrootcert as an absolute path to the CA file on the machine that runs the client (libpq and node-postgres resolve a relative path against the process's working directory).`,
  };
}

/** What a failed node-postgres connect means, and which status the mode gets. */
export function classifyConnectError(error: unknown, ctx: ExplainContext, elapsedMs: number): { status: ModeStatus; problem: Problem } {
  const message = errorMessage(error);
  const code = errorCode(error);
  if (code) {
    const cert = certificateProblem(code, ctx);
    if (cert) return { status: 'tls-failed', problem: cert };
    const network = networkProblem(error, ctx);
    if (network) return { status: 'unreachable', problem: network };
  }
  if (/does not support SSL/i.test(message)) return { status: 'tls-failed', problem: sslNotSupportedProblem(ctx) };
  if (/pg_hba\.conf/.test(message)) {
    if (/no encryption|SSL off/i.test(message)) {
      return {
        status: 'refused',
        problem: {
          id: 'no-encryption-rejected',
          message,
          fix:
            `The server's pg_hba.conf accepts this connection only over TLS (hostssl): the client must use TLS. ` +
            `Use sslmode=verify-full with sslrootcert=<CA file> (require at the very least).`,
        },
      };
    }
    return {
      status: 'refused',
      problem: {
        id: 'connection-failed',
        message,
        fix: `Add a pg_hba.conf entry for this host, user and database (hostssl … scram-sha-256), or connect as a user the server expects.`,
      },
    };
  }
  // SQLSTATE class 28 (invalid authorization) and 3D000 (no such database) come after TLS and pg_hba.conf.
  if (code === '28P01' || code === '28000' || code === '3D000' || /password must be a string|password authentication/i.test(message)) {
    return {
      status: 'login-failed',
      problem: {
        id: 'login-failed',
        message: `TLS and pg_hba.conf let the connection through; the login failed: ${message}`,
        fix: `Check the user, password and database; a password can come from PGPASSWORD instead of the connection string.`,
      },
    };
  }
  if (elapsedMs >= ctx.timeoutMs || /timeout/i.test(message)) return { status: 'unreachable', problem: timeoutProblem(ctx, 'connecting') };
  return {
    status: 'failed',
    problem: {
      id: 'connection-failed',
      message,
      fix:
        `Test the TLS handshake on its own: openssl s_client -starttls postgres -connect ${ctx.host}:${ctx.port} -showcerts; ` +
        `"SSL connection has been closed unexpectedly" usually means an expired or mismatched certificate, or a proxy in between.`,
    },
  };
}

export function expiresSoonProblem(cert: CertificateInfo, days: number): Problem {
  return {
    id: 'certificate-expires-soon',
    message: `${cert.subject} expires on ${cert.notAfter.slice(0, 10)}, in ${cert.daysLeft} days (warning threshold: ${days} days)`,
    fix: `Renew it now and roll the new certificate out before the old one expires; clients verifying with sslrootcert need the new CA first if it changes.`,
  };
}
