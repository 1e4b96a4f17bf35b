// The existing rules judge a connection by what its client makes of it (src/policy/consumers.ts);
// a connection whose client is unknown keeps libpq's meaning and says so in the finding.
import { describe, expect, it } from 'vitest';
import noSslDisabled from '../../rules/no-ssl-disabled.js';
import requireVerifyFull from '../../rules/require-verify-full.js';
import noRejectUnauthorized from '../../rules/no-reject-unauthorized.js';
import requireSslmode from '../../rules/require-sslmode.js';
import { at, connection, runRule, setting, unit } from '../helpers/facts.js';

describe('no-ssl-disabled by consumer', () => {
  it('names the consumer, its reading and its fix', () => {
    const c = connection({ format: 'mcp', file: '.cursor/mcp.json', consumer: 'mcp:@modelcontextprotocol/server-postgres', params: { sslmode: 'disable' } });
    const found = runRule(noSslDisabled, [c]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer, f.effectiveTls])).toEqual([[at(c.sslmode!.span), 'consumerConnection', 'node-postgres', 'plaintext']]);
    expect(found[0]!.message).toBe(
      'Connection to db.abcdefghijklmnop.supabase.co: node-postgres reads sslmode=disable as no TLS, so traffic, password included, crosses the network in plaintext. ' +
        "Use sslmode=verify-full (node-postgres checks against Node's CAs; add sslrootcert=<CA file> for a private CA).",
    );
  });

  it('reports postgres.js sslmode=prefer and deno-postgres sslmode=prefer as optional', () => {
    const js = connection({ consumer: 'postgres.js', params: { sslmode: 'prefer' } });
    const deno = connection({ consumer: 'deno-postgres', params: { sslmode: 'prefer' } });
    const found = runRule(noSslDisabled, [js, deno]);
    expect(found.map((f) => [f.at, f.consumer, f.effectiveTls])).toEqual([
      [at(js.sslmode!.span), 'postgres.js', 'optional'],
      [at(deno.sslmode!.span), 'deno-postgres', 'optional'],
    ]);
    expect(found[0]!.message).toContain('postgres.js reads sslmode=prefer as TLS when the server offers it, unverified, so anyone on the path can downgrade');
  });

  it('leaves node-postgres sslmode=prefer (verified) and a PGSSLMODE=prefer that only node-postgres reads alone', () => {
    const u = unit('.cursor/mcp.json', 'mcp-server', 'postgres');
    const quiet = [
      connection({ consumer: 'node-postgres', params: { sslmode: 'prefer' } }),
      setting({ file: '.cursor/mcp.json', format: 'mcp', unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'prefer' }),
      connection({ file: '.cursor/mcp.json', format: 'mcp', unit: u, consumer: 'mcp:@modelcontextprotocol/server-postgres' }),
    ];
    expect(runRule(noSslDisabled, quiet)).toEqual([]);
  });

  it('keeps libpq meaning for unknown consumers and tags them so', () => {
    const c = connection({ params: { sslmode: 'prefer' } });
    const found = runRule(noSslDisabled, [c]);
    expect(found.map((f) => [f.messageId, f.consumer, f.effectiveTls])).toEqual([['connection', 'unknown', 'optional']]);
  });

  it('leaves Prisma to prisma-ssl', () => {
    expect(runRule(noSslDisabled, [connection({ format: 'prisma', file: 'prisma/schema.prisma', consumer: 'prisma', params: { sslmode: 'disable' } })])).toEqual([]);
  });
});

describe('require-verify-full by consumer', () => {
  it('reports postgres.js sslmode=require in production with the postgres.js fix', () => {
    const c = connection({ file: '.env.production', env: 'production', consumer: 'postgres.js', params: { sslmode: 'require' } });
    const found = runRule(requireVerifyFull, [c]);
    expect(found.map((f) => [f.at, f.messageId, f.severity, f.consumer, f.effectiveTls])).toEqual([
      [at(c.sslmode!.span), 'consumerProduction', 'error', 'postgres.js', 'encrypted-unverified'],
    ]);
    expect(found[0]!.message).toContain('postgres.js reads sslmode=require as TLS without certificate checks');
    expect(found[0]!.message).toContain('postgres.js ignores sslrootcert paths');
  });

  it('reports node-postgres with uselibpqcompat=true&sslmode=require, not node-postgres sslmode=require', () => {
    const compat = connection({ env: 'production', consumer: 'node-postgres', params: { uselibpqcompat: 'true', sslmode: 'require' } });
    const plain = connection({ env: 'production', consumer: 'node-postgres', params: { sslmode: 'require' } });
    const found = runRule(requireVerifyFull, [compat, plain]);
    expect(found.map((f) => [f.at, f.effectiveTls])).toEqual([[at(compat.sslmode!.span), 'encrypted-unverified']]);
  });

  it('reports libpq require with a root CA file as CA verified, judged like verify-ca', () => {
    const staging = connection({ env: 'staging', consumer: 'libpq', params: { sslmode: 'require', sslrootcert: '/etc/ssl/ca.pem' } });
    const production = connection({ env: 'production', consumer: 'libpq', params: { sslmode: 'require', sslrootcert: '/etc/ssl/ca.pem' } });
    const found = runRule(requireVerifyFull, [staging, production]);
    expect(found.map((f) => [f.at, f.messageId, f.effectiveTls])).toEqual([[at(production.sslmode!.span), 'consumerProduction', 'ca-verified']]);
  });

  it('keeps libpq meaning for unknown consumers', () => {
    const found = runRule(requireVerifyFull, [connection({ env: 'production', params: { sslmode: 'require' } })]);
    expect(found.map((f) => [f.messageId, f.consumer, f.effectiveTls])).toEqual([['production', 'unknown', 'encrypted-unverified']]);
  });
});

describe('no-reject-unauthorized by consumer', () => {
  it('reports no-verify only where the client reads it as unverified TLS', () => {
    const pg = connection({ consumer: 'node-postgres', params: { sslmode: 'no-verify' } });
    const quiet = [
      connection({ consumer: 'postgres.js', params: { sslmode: 'no-verify' } }),
      connection({ consumer: 'libpq', params: { sslmode: 'no-verify' } }),
      connection({ consumer: 'prisma', params: { sslmode: 'require', sslaccept: 'accept_invalid_certs' } }),
    ];
    const found = runRule(noRejectUnauthorized, [pg, ...quiet]);
    expect(found.map((f) => [f.at, f.consumer, f.effectiveTls])).toEqual([[at(pg.sslmode!.span), 'node-postgres', 'encrypted-unverified']]);
  });
});

describe('require-sslmode by consumer', () => {
  it('tags the effect of a missing sslmode and leaves Prisma to prisma-ssl', () => {
    const pg = connection({ consumer: 'node-postgres' });
    const unknown = connection({});
    const prisma = connection({ consumer: 'prisma' });
    const found = runRule(requireSslmode, [pg, unknown, prisma]);
    expect(found.map((f) => [f.at, f.consumer, f.effectiveTls])).toEqual([
      [at(pg.span), 'node-postgres', 'plaintext'],
      [at(unknown.span), 'unknown', 'optional'],
    ]);
  });
});
