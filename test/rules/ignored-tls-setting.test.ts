import { describe, expect, it } from 'vitest';
import rule from '../../rules/ignored-tls-setting.js';
import { at, connection, runRule, setting, unit } from '../helpers/facts.js';

describe('ignored-tls-setting', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('ignored-tls-setting');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports an sslrootcert path under postgres.js, on the parameter', () => {
    const c = connection({ format: 'source', file: 'src/db.ts', consumer: 'postgres.js', params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/rds/global-bundle.pem' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.at, f.messageId, f.consumer, f.effectiveTls])).toEqual([[at(c.sslrootcert!.span), 'sslrootcert', 'postgres.js', 'full-verified']]);
    expect(found[0]!.message).toBe(
      'postgres.js ignores sslrootcert=/etc/ssl/rds/global-bundle.pem: it reads no root certificate file, so the CA is never used. ' +
        "Pass it in code: `ssl: { ca: fs.readFileSync('/etc/ssl/rds/global-bundle.pem', 'utf8') }`.",
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
      setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' }),
      connection({ unit: u, consumer: 'node-postgres' }),
    ];
    expect(runRule(rule, quiet)).toEqual([]);
  });
});
