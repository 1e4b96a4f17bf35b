import { describe, expect, it } from 'vitest';
import rule from '../../rules/ignored-tls-setting.js';
import { at, connection, runRule, setting, unit } from '../helpers/facts.js';

describe('ignored-tls-setting', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('ignored-tls-setting');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports an sslrootcert path under postgres.js, which forwards it to the server: the connection fails', () => {
    const c = connection({ format: 'source', file: 'src/db.ts', consumer: 'postgres.js', params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/rds/global-bundle.pem' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer, f.effectiveTls])).toEqual([[at(c.sslrootcert!.span), 'rejected', 'postgres.js', undefined]]);
    expect(found[0]!.message).toBe(
      'postgres.js fails to connect with sslrootcert=/etc/ssl/rds/global-bundle.pem in the connection string: postgres.js sends sslrootcert to the server as a run-time parameter, ' +
        'and PostgreSQL refuses the connection ("unrecognized configuration parameter"). ' +
        "Remove it and pass the CA in code: `ssl: { ca: fs.readFileSync('/etc/ssl/rds/global-bundle.pem', 'utf8') }`.",
    );
  });

  it('reports each parameter postgres.js forwards, sslrootcert=system included', () => {
    const c = connection({ consumer: 'postgres.js', params: { sslrootcert: 'system', sslaccept: 'strict' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.messageId])).toEqual([
      [at(c.sslrootcert!.span), 'rejected'],
      [at(c.sslaccept!.span), 'rejected'],
    ]);
    expect(found[0]!.message).toContain("Remove it and use sslmode=verify-full: postgres.js then checks the certificate against Node's CAs.");
    expect(found[1]!.message).toContain("Remove it: sslaccept is Prisma's parameter; for postgres.js write sslmode=verify-full.");
  });

  it('reports what libpq rejects: Prisma\'s sslaccept, uselibpqcompat, ssl other than true', () => {
    const prismaUrl = connection({ format: 'package-json', file: 'package.json', consumer: 'libpq', params: { sslmode: 'require', sslaccept: 'strict' } });
    const jdbc = connection({ consumer: 'libpq', params: { ssl: '1' } });
    const found = runRule(rule, [prismaUrl, jdbc]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer])).toEqual([
      [at(prismaUrl.sslaccept!.span), 'rejected', 'libpq'],
      [at(jdbc.ssl!.span), 'rejected', 'libpq'],
    ]);
    expect(found[0]!.message).toBe(
      'libpq fails to connect with sslaccept=strict in the connection string: libpq rejects the connection string ("invalid URI query parameter"): sslaccept is not a libpq parameter. ' +
        "Remove it: sslaccept is Prisma's parameter; for libpq write sslmode=verify-full with sslrootcert=<CA file>.",
    );
    expect(found[1]!.message).toContain('it accepts ssl only as ssl=true, not ssl=1');
  });

  it('reports sslrootcert under deno-postgres, which reads neither a path nor system', () => {
    const path = connection({ consumer: 'deno-postgres', params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/private-ca.pem' } });
    const system = connection({ consumer: 'deno-postgres', params: { sslrootcert: 'system' } });
    const found = runRule(rule, [path, system]);
    expect(found.map((f) => [f.at, f.messageId, f.effectiveTls])).toEqual([
      [at(path.sslrootcert!.span), 'sslrootcert', 'full-verified'],
      [at(system.sslrootcert!.span), 'rootcertSystemIgnored', 'optional'],
    ]);
    expect(found[0]!.message).toBe(
      'deno-postgres ignores sslrootcert=/etc/ssl/private-ca.pem: it reads no root certificate file from the connection string, so the CA is never used. ' +
        "Pass it in code: `tls: { caCertificates: [await Deno.readTextFile('/etc/ssl/private-ca.pem')] }`.",
    );
  });

  it('reports sslrootcert=system under node-postgres and knex, which read it as a file', () => {
    const pg = connection({ consumer: 'node-postgres', params: { sslmode: 'verify-full', sslrootcert: 'system' } });
    const knex = connection({ consumer: 'knex', params: { sslrootcert: 'system' } });
    const found = runRule(rule, [pg, knex]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer, f.effectiveTls])).toEqual([
      [at(pg.sslrootcert!.span), 'rootcertSystem', 'node-postgres', undefined],
      [at(knex.sslrootcert!.span), 'rootcertSystem', 'knex', undefined],
    ]);
    expect(found[0]!.message).toContain('node-postgres reads sslrootcert=system as a file named "system"');
  });

  it('reports uselibpqcompat under knex', () => {
    const c = connection({ consumer: 'knex', params: { uselibpqcompat: 'true', sslmode: 'require' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.messageId, f.effectiveTls])).toEqual([[at(c.params['uselibpqcompat']!.span), 'uselibpqcompat', 'full-verified']]);
  });

  it('reports PGSSLMODE once, on the setting, when postgres.js or deno-postgres read the unit\'s connections', () => {
    const u = unit('src/db.ts', 'source-file', 'src/db.ts');
    const s = setting({ file: 'src/db.ts', format: 'source', unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    const a = connection({ file: 'src/db.ts', format: 'source', unit: u, consumer: 'postgres.js' });
    const b = connection({ file: 'src/db.ts', format: 'source', unit: u, consumer: 'deno-postgres' });
    const found = runRule(rule, [s, a, b]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer, f.effectiveTls])).toEqual([[at(s.span), 'pgsslmode', 'postgres.js', 'plaintext']]);
    expect(found[0]!.message).toBe(
      "postgres.js ignores PGSSLMODE=verify-full: the connections of this file that postgres.js reads get nothing from it. Put sslmode=verify-full in the connection string, or pass `ssl: 'verify-full'` in code.",
    );
  });

  it('leaves settings the consumer reads, unknown consumers and local hosts alone', () => {
    const u = unit('.env', 'env-file', '.env');
    const quiet = [
      connection({ consumer: 'libpq', params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.pem' } }),
      connection({ consumer: 'node-postgres', params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.pem' } }),
      connection({ consumer: 'node-postgres', params: { uselibpqcompat: 'true', sslmode: 'require' } }),
      connection({ params: { sslrootcert: 'system' } }),
      connection({ consumer: 'postgres.js', hosts: ['localhost'], params: { sslrootcert: 'certs/ca.pem' } }),
      connection({ consumer: 'libpq', params: { ssl: 'true' } }),
      connection({ consumer: 'node-postgres', params: { sslmode: 'require', sslaccept: 'strict' } }),
      setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' }),
      connection({ unit: u, consumer: 'node-postgres' }),
    ];
    expect(runRule(rule, quiet)).toEqual([]);
  });
});
