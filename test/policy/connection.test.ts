import { describe, expect, it } from 'vitest';
import {
  describeMode,
  effectiveSslMode,
  isAllLocal,
  isOffMachine,
  isTlsConfiguredInCode,
  modeOfSslValue,
  modeOfSslmodeValue,
  unitIsAllLocal,
  unitSslmodeSetting,
} from '../../src/policy/connection.js';
import { createFactSet } from '../../src/engine/lint.js';
import { connection, setting, tlsOptions, unit } from '../helpers/facts.js';

describe('isOffMachine / isAllLocal', () => {
  it('remote hosts are off-machine in every environment', () => {
    for (const e of ['production', 'staging', 'development', 'unknown'] as const) expect(isOffMachine(connection({ env: e }))).toBe(true);
  });

  it('unknown hosts are off-machine only in production and staging', () => {
    const f = (e: 'production' | 'staging' | 'development' | 'unknown') => isOffMachine(connection({ hosts: ['${DB_HOST}'], env: e }));
    expect([f('production'), f('staging'), f('development'), f('unknown')]).toEqual([true, true, false, false]);
  });

  it('all-local means every host is local; an unknown host is not local', () => {
    expect(isAllLocal(connection({ hosts: ['localhost', '127.0.0.1'] }))).toBe(true);
    expect(isAllLocal(connection({ hosts: ['localhost', '${DB_HOST}'] }))).toBe(false);
    expect(isOffMachine(connection({ hosts: ['localhost', '127.0.0.1'], env: 'production' }))).toBe(false);
  });

  it('a unit is all-local only when it has connections and all are local', () => {
    const u = unit('.env', 'env-file', '.env');
    expect(unitIsAllLocal(createFactSet([]), u)).toBe(false);
    expect(unitIsAllLocal(createFactSet([connection({ unit: u, hosts: ['localhost'] })]), u)).toBe(true);
    expect(unitIsAllLocal(createFactSet([connection({ unit: u, hosts: ['localhost'] }), connection({ unit: u })]), u)).toBe(false);
  });
});

describe('mode values', () => {
  it('reads sslmode values, lower-cased, and marks others unknown', () => {
    expect(['disable', 'ALLOW', ' prefer ', 'require', 'verify-ca', 'verify-full', 'no-verify', 'verify_full', '${SSLMODE}'].map(modeOfSslmodeValue)).toEqual([
      'disable',
      'allow',
      'prefer',
      'require',
      'verify-ca',
      'verify-full',
      'no-verify',
      'unknown',
      'unknown',
    ]);
  });

  it('reads the ssl parameter', () => {
    expect(['true', '1', 'require', 'false', '0', 'no-verify', 'TRUE', 'maybe'].map(modeOfSslValue)).toEqual([
      'require',
      'require',
      'require',
      'disable',
      'disable',
      'no-verify',
      'require',
      'unknown',
    ]);
  });
});

describe('effectiveSslMode', () => {
  const u = unit('.env', 'env-file', '.env');
  const pg = (value: string) => setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value });

  it('the sslmode parameter wins over ssl, sslrootcert=system and PGSSLMODE', () => {
    const c = connection({ unit: u, params: { ssl: 'true', sslrootcert: 'system', sslmode: 'prefer' } });
    const e = effectiveSslMode(c, createFactSet([c, pg('verify-full')]))!;
    expect([e.mode, e.origin, e.written, e.span]).toEqual(['prefer', 'sslmode', 'sslmode=prefer', c.sslmode!.span]);
  });

  it('then the ssl parameter', () => {
    const c = connection({ unit: u, params: { sslrootcert: 'system', ssl: '0' } });
    const e = effectiveSslMode(c, createFactSet([c, pg('verify-full')]))!;
    expect([e.mode, e.origin, e.written]).toEqual(['disable', 'ssl', 'ssl=0']);
    expect(describeMode(e)).toBe('ssl=0 (sslmode=disable)');
  });

  it('then sslrootcert=system, which makes verify-full the default', () => {
    const c = connection({ unit: u, params: { sslrootcert: 'system' } });
    const e = effectiveSslMode(c, createFactSet([c, pg('disable')]))!;
    expect([e.mode, e.origin]).toEqual(['verify-full', 'sslrootcert']);
  });

  it('then PGSSLMODE of the same unit, never of another unit', () => {
    const c = connection({ unit: u, params: { sslrootcert: '/etc/ssl/ca.crt' } });
    const s = pg('require');
    const e = effectiveSslMode(c, createFactSet([c, s]))!;
    expect([e.mode, e.origin, e.setting, e.span]).toEqual(['require', 'setting', s, s.valueSpan]);
    expect(describeMode(e)).toBe('require (from PGSSLMODE=require)');
    const other = connection({ unit: unit('.env.other', 'env-file', 'other') });
    expect(effectiveSslMode(other, createFactSet([other, s]))).toBeUndefined();
    const noUnit = connection({});
    expect(effectiveSslMode(noUnit, createFactSet([noUnit, s]))).toBeUndefined();
  });

  it('prefers PGSSLMODE over an app-specific *_SSLMODE, and the later of equals', () => {
    const app = setting({ unit: u, category: 'sslmode', name: 'DB_SSLMODE', value: 'disable' });
    const first = pg('require');
    const second = pg('verify-full');
    const set = createFactSet([app, first, second]);
    expect(unitSslmodeSetting(set, u)).toBe(second);
    expect(unitSslmodeSetting(createFactSet([app]), u)).toBe(app);
  });

  it('is undefined when nothing sets a mode', () => {
    const c = connection({ unit: u });
    expect(effectiveSslMode(c, createFactSet([c]))).toBeUndefined();
  });
});

describe('isTlsConfiguredInCode', () => {
  const c = connection({ file: 'src/db.ts', format: 'source' });
  const configured = (options: Parameters<typeof tlsOptions>[0], file = 'src/db.ts') => isTlsConfiguredInCode(c, createFactSet([c, tlsOptions(options, { file })]));

  it('counts ssl other than false, rejectUnauthorized: true and ca', () => {
    expect(configured({ ssl: true })).toBe(true);
    expect(configured({ ssl: { unknown: true } })).toBe(true);
    expect(configured({ ssl: 'require' })).toBe(true);
    expect(configured({ rejectUnauthorized: true })).toBe(true);
    expect(configured({ ca: { unknown: true } })).toBe(true);
  });

  it('does not count ssl: false, other options, or another file', () => {
    expect(configured({ ssl: false })).toBe(false);
    expect(configured({ rejectUnauthorized: false })).toBe(false);
    expect(configured({ minVersion: 'TLSv1.2' })).toBe(false);
    expect(configured({ ssl: true }, 'src/other.ts')).toBe(false);
  });
});
