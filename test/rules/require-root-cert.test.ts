import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-root-cert.js';
import { at, connection, runRule, setting, tlsOptions, unit } from '../helpers/facts.js';

describe('require-root-cert', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('require-root-cert');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it.each(['verify-ca', 'verify-full'])('reports sslmode=%s without sslrootcert on the sslmode parameter', (mode) => {
    const c = connection({ params: { sslmode: mode } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.sslmode!.span)]);
    expect(found[0]!.message).toContain(`uses sslmode=${mode} but names no root certificate: libpq then looks for ~/.postgresql/root.crt and fails without it`);
    expect(found[0]!.message).toContain('Set sslrootcert=/absolute/path/ca.crt, or sslrootcert=system');
  });

  it('accepts an sslrootcert parameter, including system', () => {
    expect(runRule(rule, [connection({ params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.crt' } }), connection({ params: { sslrootcert: 'system' } })])).toEqual([]);
  });

  it('ignores modes that do not verify, and local or unknown-outside-production hosts', () => {
    expect(runRule(rule, [connection({ params: { sslmode: 'require' } }), connection({})])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['localhost'], params: { sslmode: 'verify-full' } })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'verify-full' } })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], env: 'production', params: { sslmode: 'verify-full' } })])).toHaveLength(1);
  });

  it('accepts PGSSLROOTCERT in the same unit', () => {
    const u = unit('docker-compose.yml', 'compose-service', 'api');
    const c = connection({ file: 'docker-compose.yml', format: 'compose', unit: u, params: { sslmode: 'verify-full' } });
    const s = setting({ file: 'docker-compose.yml', format: 'compose', unit: u, category: 'sslrootcert', name: 'PGSSLROOTCERT', value: '/run/secrets/ca.crt' });
    expect(runRule(rule, [c, s])).toEqual([]);
  });

  it('accepts a `ca` option in the same source file only', () => {
    const c = connection({ file: 'src/db.ts', format: 'source', params: { sslmode: 'verify-full' } });
    expect(runRule(rule, [c, tlsOptions({ ca: { unknown: true } }, { file: 'src/db.ts' })])).toEqual([]);
    expect(runRule(rule, [c, tlsOptions({ ca: { unknown: true } }, { file: 'src/other.ts' })])).toHaveLength(1);
  });

  it('reports a verifying PGSSLMODE once, on the setting, when its unit names no root certificate', () => {
    const u = unit('docker-compose.yml', 'compose-service', 'worker');
    const c = connection({ file: 'docker-compose.yml', format: 'compose', unit: u });
    const s = setting({ file: 'docker-compose.yml', format: 'compose', unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    const found = runRule(rule, [c, s]);
    expect(found.map((f) => f.fact)).toEqual([s]);
    expect(found[0]!.message).toMatch(/^PGSSLMODE=verify-full but compose service `worker` names no root certificate/);
    expect(found[0]!.message).toContain('Set PGSSLROOTCERT=/absolute/path/ca.crt, or PGSSLROOTCERT=system');
  });

  it('reports a verifying PGSSLMODE in a unit without connections', () => {
    const u = unit('.env.production', 'env-file', '.env.production');
    const s = setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-ca' });
    expect(runRule(rule, [s]).map((f) => f.at)).toEqual([at(s.span)]);
  });

  it('accepts a verifying PGSSLMODE when a connection of the unit has sslrootcert, and reports the one that lacks it', () => {
    const u = unit('.env', 'env-file', '.env');
    const withCert = connection({ unit: u, params: { sslrootcert: '/etc/ssl/ca.crt' } });
    const without = connection({ unit: u, hosts: ['replica.internal.acme.io'] });
    const s = setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    const found = runRule(rule, [withCert, without, s]);
    expect(found.map((f) => f.fact)).toEqual([without]);
    expect(found[0]!.at).toBe(at(without.span));
    expect(found[0]!.message).toContain('Connection to replica.internal.acme.io uses verify-full (PGSSLMODE=verify-full) but names no root certificate');
  });

  it('ignores PGSSLMODE values that do not verify', () => {
    const u = unit('.env', 'env-file', '.env');
    expect(runRule(rule, [setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'require' })])).toEqual([]);
  });
});
