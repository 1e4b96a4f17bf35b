import { describe, expect, it } from 'vitest';
import rule from '../../rules/prisma-ssl.js';
import { at, connection, runRule } from '../helpers/facts.js';

const prisma = (params: Record<string, string>, hosts?: string[]) =>
  connection({ format: 'prisma', file: 'prisma/schema.prisma', consumer: 'prisma', params, ...(hosts ? { hosts } : {}) });

describe('prisma-ssl', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('prisma-ssl');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('says that Prisma reads verify-full as prefer, on the sslmode, with the Prisma fix', () => {
    const c = prisma({ sslmode: 'verify-full' });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.severity, f.consumer, f.effectiveTls])).toEqual([[at(c.sslmode!.span), 'error', 'prisma', 'optional']]);
    expect(found[0]!.message).toBe(
      'Prisma reads sslmode=verify-full as prefer: TLS is optional and the certificate is not checked, so anyone on the path can downgrade the connection to plaintext and read the password ' +
        '(connection to db.abcdefghijklmnop.supabase.co). Use sslmode=require&sslaccept=strict&sslcert=<CA path> (Prisma reads sslcert as the root CA, relative to the schema).',
    );
  });

  it.each([
    [{ sslmode: 'verify-ca', sslaccept: 'strict' }, 'optional', 'Prisma reads sslmode=verify-ca as prefer: TLS is optional, so'],
    [{ sslmode: 'require' }, 'encrypted-unverified', 'sslaccept defaults to accept_invalid_certs), so anyone on the path can impersonate the server'],
    [{ sslmode: 'require', sslaccept: 'accept_invalid_certs' }, 'encrypted-unverified', 'Prisma reads sslmode=require without sslaccept=strict'],
    [{ sslmode: 'disable' }, 'plaintext', 'Prisma reads sslmode=disable as no TLS, so traffic, password included, crosses the network in plaintext'],
    [{}, 'optional', 'Prisma defaults to sslmode=prefer, so'],
  ])('reports %j as %s', (params, effect, text) => {
    const found = runRule(rule, [prisma(params)]);
    expect(found.map((f) => f.effectiveTls)).toEqual([effect]);
    expect(found[0]!.message).toContain(text);
  });

  it('leaves require with sslaccept=strict, local hosts and other consumers alone', () => {
    const quiet = [
      prisma({ sslmode: 'require', sslaccept: 'strict', sslcert: '../certs/ca.pem' }),
      prisma({ sslmode: 'REQUIRE', sslaccept: 'Strict' }),
      prisma({ sslmode: 'verify-full' }, ['localhost']),
      connection({ consumer: 'node-postgres', params: { sslmode: 'verify-full' } }),
      connection({ params: { sslmode: 'prefer' } }),
    ];
    expect(runRule(rule, quiet)).toEqual([]);
  });
});
