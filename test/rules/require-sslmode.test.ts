import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-sslmode.js';
import { at, connection, runRule, setting, tlsOptions, unit } from '../helpers/facts.js';

describe('require-sslmode', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('require-sslmode');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports a remote connection without any sslmode on the whole string', () => {
    const c = connection({});
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.span)]);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toBe(
      'Connection to db.abcdefghijklmnop.supabase.co sets no sslmode: libpq falls back to prefer (TLS optional, unverified) and node-postgres uses no TLS at all; ' +
        'add `?sslmode=verify-full&sslrootcert=/path/to/ca.crt`.',
    );
  });

  it('suggests & when the string already has parameters, and DSN syntax for DSNs', () => {
    const withParams = connection({ params: { connect_timeout: '10' } });
    const dsn = connection({ form: 'dsn' });
    const [a, b] = runRule(rule, [withParams, dsn]);
    expect(a!.message).toContain('add `&sslmode=verify-full&sslrootcert=/path/to/ca.crt`');
    expect(b!.message).toContain('add `sslmode=verify-full sslrootcert=/path/to/ca.crt`');
  });

  it.each([
    ['sslmode', { sslmode: 'disable' }],
    ['ssl', { ssl: 'true' }],
    ['sslrootcert=system', { sslrootcert: 'system' }],
  ])('accepts a mode set by %s in the string', (_, params) => {
    expect(runRule(rule, [connection({ params })])).toEqual([]);
  });

  it('still reports a string whose sslrootcert is a file (that alone sets no mode)', () => {
    expect(runRule(rule, [connection({ params: { sslrootcert: '/etc/ssl/ca.crt' } })])).toHaveLength(1);
  });

  it('accepts PGSSLMODE in the same unit, but not in another unit', () => {
    const api = unit('docker-compose.yml', 'compose-service', 'api');
    const worker = unit('docker-compose.yml', 'compose-service', 'worker');
    const inApi = connection({ file: 'docker-compose.yml', format: 'compose', unit: api });
    const inWorker = connection({ file: 'docker-compose.yml', format: 'compose', unit: worker });
    const s = setting({ file: 'docker-compose.yml', format: 'compose', unit: api, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    expect(runRule(rule, [inApi, inWorker, s]).map((f) => f.fact)).toEqual([inWorker]);
  });

  it('ignores local connections and unknown hosts outside production and staging', () => {
    expect(runRule(rule, [connection({ hosts: ['127.0.0.1'] }), connection({ hosts: ['${DB_HOST}'], env: 'development' }), connection({ hosts: ['${DB_HOST}'] })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], env: 'staging' })])).toHaveLength(1);
  });

  describe('in source files', () => {
    const src = (extra = {}) => connection({ file: 'src/db.ts', format: 'source', ...extra });

    it.each([
      ['ssl: true', { ssl: true }],
      ['ssl: { … }', { ssl: { unknown: true } as const }],
      ['rejectUnauthorized: true', { rejectUnauthorized: true }],
      ['ca', { ca: { unknown: true } as const }],
    ])('accepts TLS configured in code (%s)', (_, options) => {
      expect(runRule(rule, [src(), tlsOptions(options, { file: 'src/db.ts' })])).toEqual([]);
    });

    it('does not count ssl: false, rejectUnauthorized: false alone, or options in another file', () => {
      expect(runRule(rule, [src(), tlsOptions({ ssl: false }, { file: 'src/db.ts' })])).toHaveLength(1);
      expect(runRule(rule, [src(), tlsOptions({ rejectUnauthorized: false }, { file: 'src/db.ts' })])).toHaveLength(1);
      expect(runRule(rule, [src(), tlsOptions({ ssl: true }, { file: 'src/other.ts' })])).toHaveLength(1);
    });

    it('does not apply code options to connections outside source files', () => {
      const envConn = connection({ file: 'src/db.ts', format: 'env' });
      expect(runRule(rule, [envConn, tlsOptions({ ssl: true }, { file: 'src/db.ts' })])).toHaveLength(1);
    });
  });
});
