import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-reject-unauthorized.js';
import { at, connection, runRule, setting, tlsOptions, unit } from '../helpers/facts.js';

describe('no-reject-unauthorized', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('no-reject-unauthorized');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it.each([
    [false, '`rejectUnauthorized: false`'],
    ['false', "`rejectUnauthorized: 'false'`"],
    [0, '`rejectUnauthorized: 0`'],
  ] as const)('reports rejectUnauthorized: %j on the property, in every environment', (value, shown) => {
    const t = tlsOptions({ rejectUnauthorized: value }, { env: 'development', sink: 'pg.Pool', driver: 'pg' });
    const found = runRule(rule, [t]);
    expect(found.map((f) => f.at)).toEqual([at(t.options.rejectUnauthorized!.span)]);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain(`${shown} switches off certificate verification`);
  });

  it('accepts rejectUnauthorized: true and values it cannot read', () => {
    expect(runRule(rule, [tlsOptions({ rejectUnauthorized: true }), tlsOptions({ rejectUnauthorized: { unknown: true } }), tlsOptions({ ca: 'x' })])).toEqual([]);
  });

  it('reports NODE_TLS_REJECT_UNAUTHORIZED=0 only for the exact value 0', () => {
    const zero = setting({ category: 'node-tls-reject-unauthorized', name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0', env: 'production' });
    const others = ['1', ' 0', '', 'true'].map((value) => setting({ category: 'node-tls-reject-unauthorized', name: 'NODE_TLS_REJECT_UNAUTHORIZED', value }));
    const found = runRule(rule, [zero, ...others]);
    expect(found.map((f) => f.fact)).toEqual([zero]);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toContain('verification is off for every TLS connection of the process');
  });

  it('makes NODE_TLS_REJECT_UNAUTHORIZED=0 a warning in development, an error elsewhere', () => {
    const sev = (e: 'development' | 'staging' | 'unknown') =>
      runRule(rule, [setting({ category: 'node-tls-reject-unauthorized', name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0', env: e })])[0]!.severity;
    expect(sev('development')).toBe('warning');
    expect(sev('staging')).toBe('error');
    expect(sev('unknown')).toBe('error');
  });

  it('reports *_REJECT_UNAUTHORIZED=false|0 case-insensitively', () => {
    const values = ['false', 'FALSE', '0', 'False'];
    const bad = values.map((value) => setting({ category: 'reject-unauthorized', name: 'DB_SSL_REJECT_UNAUTHORIZED', value }));
    const good = ['true', '1', '${REJECT}'].map((value) => setting({ category: 'reject-unauthorized', name: 'DB_SSL_REJECT_UNAUTHORIZED', value }));
    const found = runRule(rule, [...bad, ...good]);
    expect(found.map((f) => f.fact)).toEqual(bad);
    expect(found[1]!.message).toMatch(/^DB_SSL_REJECT_UNAUTHORIZED=FALSE switches off certificate verification/);
  });

  it.each([
    ['sslmode', 'sslmode=no-verify'],
    ['ssl', 'ssl=no-verify'],
  ])('reports %s=no-verify on a connection that is not all-local', (key, written) => {
    const c = connection({ params: { [key]: 'no-verify' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.params[key]!.span)]);
    expect(found[0]!.message).toContain(`Connection to db.abcdefghijklmnop.supabase.co uses ${written}: TLS without certificate verification`);
  });

  it('reports Prisma sslaccept=accept_invalid_certs and names the Prisma fix', () => {
    const c = connection({ params: { sslmode: 'require', sslaccept: 'accept_invalid_certs' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.sslaccept!.span)]);
    expect(found[0]!.message).toContain('Use sslaccept=strict with sslcert=<CA file>');
    expect(runRule(rule, [connection({ params: { sslaccept: 'strict' } })])).toEqual([]);
  });

  it('skips connection parameters on all-local connections, but not unknown hosts in any environment', () => {
    expect(runRule(rule, [connection({ hosts: ['localhost', '127.0.0.1'], params: { sslmode: 'no-verify', sslaccept: 'accept_invalid_certs' } })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], env: 'development', params: { sslmode: 'no-verify' } })])).toHaveLength(1);
  });

  it('reports PGSSLMODE=no-verify unless its unit only connects locally', () => {
    const remote = unit('.env', 'env-file', '.env');
    const local = unit('.env.local', 'env-file', '.env.local');
    const s1 = setting({ unit: remote, category: 'sslmode', name: 'PGSSLMODE', value: 'no-verify' });
    const s2 = setting({ file: '.env.local', unit: local, category: 'sslmode', name: 'PGSSLMODE', value: 'no-verify' });
    const c2 = connection({ file: '.env.local', unit: local, hosts: ['localhost'] });
    const found = runRule(rule, [s1, s2, c2, connection({ unit: remote })]);
    expect(found.map((f) => f.fact)).toEqual([s1]);
    expect(found[0]!.messageId).toBe('settingNoVerify');
  });

  it('reports rejectUnauthorized: false in an object with no known sink as a warning that says so', () => {
    const t = tlsOptions({ rejectUnauthorized: false }, { env: 'production' });
    const found = runRule(rule, [t]);
    expect(found.map((f) => [f.at, f.severity, f.messageId])).toEqual([[at(t.options.rejectUnauthorized!.span), 'warning', 'tlsOptionUnknownSink']]);
    expect(found[0]!.message).toMatch(/^`rejectUnauthorized: false` in an object that sslguard cannot follow to a TLS client \(the sink is unknown\)/);
  });

  it("reports node-postgres' ssl: 'no-verify' and postgres.js' ssl: 'require', but not the other way round", () => {
    const pgNoVerify = tlsOptions({ ssl: 'no-verify' }, { sink: 'pg.Pool', driver: 'pg' });
    const jsRequire = tlsOptions({ ssl: 'require' }, { sink: 'postgres', driver: 'postgres' });
    const kitRequire = tlsOptions({ ssl: 'require' }, { sink: 'drizzle-kit', driver: 'drizzle-kit' });
    const pgRequire = tlsOptions({ ssl: 'require' }, { sink: 'pg.Pool', driver: 'pg' });
    const jsVerifyFull = tlsOptions({ ssl: 'verify-full' }, { sink: 'postgres', driver: 'postgres' });
    const found = runRule(rule, [pgNoVerify, jsRequire, kitRequire, pgRequire, jsVerifyFull]);
    expect(found.map((f) => [f.fact, f.messageId, f.severity])).toEqual([
      [pgNoVerify, 'sslNoVerify', 'error'],
      [jsRequire, 'sslRequireUnverified', 'error'],
      [kitRequire, 'sslRequireUnverified', 'error'],
    ]);
    expect(found[0]!.at).toEqual(at(pgNoVerify.options.ssl!.span));
    expect(found[0]!.message).toContain("`ssl: 'no-verify'` makes node-postgres connect with rejectUnauthorized: false");
    expect(found[1]!.message).toMatch(/^postgres\.js reads `ssl: 'require'` as TLS without certificate verification/);
    expect(found[2]!.message).toMatch(/^drizzle-kit reads/);
  });

  it('reports a checkServerIdentity that accepts every host name as a warning with its own message', () => {
    const accepts = tlsOptions({ checkServerIdentity: { unknown: true } }, { sink: 'https.Agent', driver: 'node:https' });
    accepts.options.checkServerIdentity!.returns = null;
    const checks = tlsOptions({ checkServerIdentity: { unknown: true } }, { sink: 'tls.connect', driver: 'node:tls' });
    const returnsError = tlsOptions({ checkServerIdentity: { unknown: true } }, { sink: 'tls.connect', driver: 'node:tls' });
    returnsError.options.checkServerIdentity!.returns = 'error';
    const found = runRule(rule, [accepts, checks, returnsError]);
    expect(found.map((f) => [f.fact, f.messageId, f.severity, f.at])).toEqual([[accepts, 'checkServerIdentity', 'warning', at(accepts.options.checkServerIdentity!.span)]]);
    expect(found[0]!.message).toContain('`checkServerIdentity` accepts every host name');
  });

  it("warns that NODE_TLS_REJECT_UNAUTHORIZED=false does nothing (Node only reads '0')", () => {
    const s = setting({ category: 'node-tls-reject-unauthorized', name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: 'false', env: 'production' });
    const found = runRule(rule, [s]);
    expect(found.map((f) => [f.fact, f.messageId, f.severity])).toEqual([[s, 'nodeTlsFalse', 'warning']]);
    expect(found[0]!.message).toMatch(/^NODE_TLS_REJECT_UNAUTHORIZED=false does not turn verification off: Node does that only for the exact string '0'/);
  });
});

describe('no-reject-unauthorized: TLS options beside a local host', () => {
  it('leaves rejectUnauthorized: false alone when the same configuration names a local host', () => {
    const local = tlsOptions({ host: '127.0.0.1', rejectUnauthorized: false }, { sink: 'pg.Pool', driver: 'pg' });
    const remote = tlsOptions({ host: 'db.abcdefghijklmnop.supabase.co', rejectUnauthorized: false }, { sink: 'pg.Pool', driver: 'pg' });
    expect(runRule(rule, [local, remote]).map((f) => f.fact)).toEqual([remote]);
  });
});
