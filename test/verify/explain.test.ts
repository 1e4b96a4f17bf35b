import { describe, expect, it } from 'vitest';
import { certificateProblem, classifyConnectError, networkProblem, type ExplainContext } from '../../src/verify/explain.js';
import type { CertificateInfo } from '../../src/verify/types.js';

// The failures the live tests cannot provoke on a loopback server: a leaf sent without its CA,
// a certificate from the future, DNS errors, SQLSTATEs after the TLS handshake.

const leaf: CertificateInfo = {
  subject: 'CN=db.abcdefghijklmnop.supabase.co',
  issuer: 'C=US, O=Supabase Inc, CN=Supabase Intermediate 2021 CA',
  subjectAltNames: ['DNS:db.abcdefghijklmnop.supabase.co'],
  notBefore: '2027-01-01T00:00:00.000Z',
  notAfter: '2028-01-01T00:00:00.000Z',
  daysLeft: 401,
  selfSigned: false,
  fingerprint256: 'AA',
};
const ctx: ExplainContext = { host: 'db.abcdefghijklmnop.supabase.co', port: 5432, timeoutMs: 10_000, trustLabel: 'sslrootcert /etc/ssl/certs/prod-ca-2021.crt', chain: [leaf] };

describe('certificateProblem', () => {
  it('explains a leaf whose issuer is not in sslrootcert', () => {
    expect(certificateProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE', ctx)).toEqual({
      id: 'untrusted-certificate',
      message:
        'the server certificate (CN=db.abcdefghijklmnop.supabase.co, issued by C=US, O=Supabase Inc, CN=Supabase Intermediate 2021 CA) does not chain to sslrootcert /etc/ssl/certs/prod-ca-2021.crt (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
      fix: 'Point sslrootcert at the CA that issued the server certificate (the issuer above), as an absolute path; a bundle of several CAs is fine.',
    });
  });

  it('explains a certificate that is not valid yet', () => {
    expect(certificateProblem('CERT_NOT_YET_VALID', ctx)).toMatchObject({
      id: 'certificate-not-yet-valid',
      message: 'the server certificate (CN=db.abcdefghijklmnop.supabase.co, issued by C=US, O=Supabase Inc, CN=Supabase Intermediate 2021 CA) is not valid yet (from 2027-01-01)',
    });
  });

  it('leaves codes it does not know to the caller', () => {
    expect(certificateProblem('ERR_SOMETHING_ELSE', ctx)).toBeUndefined();
  });
});

describe('networkProblem and classifyConnectError', () => {
  it('names a host that does not resolve, with the Supabase IPv6 hint', () => {
    const e = Object.assign(new Error('getaddrinfo ENOTFOUND db.abcdefghijklmnop.supabase.co'), { code: 'ENOTFOUND' });
    expect(networkProblem(e, ctx)).toMatchObject({ id: 'host-not-found', message: 'db.abcdefghijklmnop.supabase.co does not resolve (ENOTFOUND)' });
    expect(networkProblem(e, ctx)!.fix).toContain('IPv6 addresses only');
    expect(classifyConnectError(e, ctx, 5).status).toBe('unreachable');
  });

  it('counts a missing database as a login failure, after TLS', () => {
    const e = Object.assign(new Error('database "orders" does not exist'), { code: '3D000' });
    expect(classifyConnectError(e, ctx, 5)).toEqual({
      status: 'login-failed',
      problem: {
        id: 'login-failed',
        message: 'TLS and pg_hba.conf let the connection through; the login failed: database "orders" does not exist',
        fix: 'Check the user, password and database; a password can come from PGPASSWORD instead of the connection string.',
      },
    });
  });

  it("reads node-postgres' connection timeout as a timeout", () => {
    const e = new Error('Connection terminated due to connection timeout');
    expect(classifyConnectError(e, ctx, 10_000)).toMatchObject({ status: 'unreachable', problem: { id: 'timeout', message: 'db.abcdefghijklmnop.supabase.co:5432 did not answer within 10 s (connecting)' } });
  });

  it('masks a password that ends up in a driver message', () => {
    const e = new Error('could not connect with postgresql://app:hunter2@db.abcdefghijklmnop.supabase.co/app');
    expect(classifyConnectError(e, ctx, 5).problem.message).toBe('could not connect with postgresql://app:****@db.abcdefghijklmnop.supabase.co/app');
  });
});
