import { describe, expect, it } from 'vitest';
import { driverOf, effectiveSslMode, modeOfSslFlag, modeOfSslParam, unitSslmodeSetting } from '../../src/policy/connection.js';
import { createFactSet } from '../../src/engine/lint.js';
import { connection, setting, unit } from '../helpers/facts.js';

describe('modeOfSslParam: the ssl parameter as its consumer reads it', () => {
  it.each([
    ['true', undefined, { mode: 'require' }],
    ['1', 'libpq', { mode: 'require' }],
    ['true', 'node-postgres', { mode: 'verify-full', systemCa: true }],
    ['1', 'node-postgres', { mode: 'verify-full', systemCa: true }],
    ['true', 'jdbc', { mode: 'verify-full' }],
    ['false', 'node-postgres', { mode: 'disable' }],
    ['0', undefined, { mode: 'disable' }],
    ['no-verify', 'node-postgres', { mode: 'no-verify' }],
    ['require', 'node-postgres', { mode: 'require' }],
    ['sometimes', undefined, { mode: 'unknown' }],
  ] as const)('ssl=%s for %s', (value, driver, expected) => {
    expect(modeOfSslParam(value, driver)).toEqual(expected);
  });

  it('knows the driver from the scheme and the consumer', () => {
    expect(driverOf({ ...connection(), scheme: 'jdbc:postgresql' })).toBe('jdbc');
    expect(driverOf(connection({ consumer: 'mcp:@modelcontextprotocol/server-postgres' }))).toBe('node-postgres');
    expect(driverOf(connection({ consumer: 'mcp:docker:mcp/postgres' }))).toBe('node-postgres');
    expect(driverOf(connection({ consumer: 'libpq' }))).toBe('libpq');
    expect(driverOf(connection({ consumer: 'mcp:postgres-mcp' }))).toBeUndefined();
  });
});

describe('modeOfSslFlag: DB_SSL / DATABASE_SSL', () => {
  it.each([
    ['true', { mode: 'verify-full', systemCa: true }],
    ['1', { mode: 'verify-full', systemCa: true }],
    ['on', { mode: 'verify-full', systemCa: true }],
    ['false', { mode: 'disable' }],
    ['0', { mode: 'disable' }],
    ['no', { mode: 'disable' }],
    ['{"rejectUnauthorized":false}', { mode: 'no-verify' }],
    ['{"ca":"/etc/ssl/ca.pem"}', { mode: 'verify-full', systemCa: true }],
    ['{not json', { mode: 'unknown' }],
    ['${DB_SSL}', { mode: 'unknown' }],
  ] as const)('%s', (value, expected) => {
    expect(modeOfSslFlag(value)).toEqual(expected);
  });
});

describe('unitSslmodeSetting across unit views', () => {
  const service = unit('docker-compose.yml', 'compose-service', 'api');
  const stage = unit('Dockerfile', 'dockerfile-stage', '#1');
  const links = [{ unit: service, inherits: stage }];

  it('a nearer unit setting the same variable wins; the image fills in what the service does not set', () => {
    const image = setting({ unit: stage, category: 'sslmode', name: 'PGSSLMODE', value: 'disable' });
    const own = setting({ unit: service, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    expect(unitSslmodeSetting(createFactSet([image, own], links), service)).toBe(own);
    expect(unitSslmodeSetting(createFactSet([image], links), service)).toBe(image);
  });

  it('PGSSLMODE before other sslmode settings, and those before an application switch', () => {
    const flag = setting({ unit: service, category: 'ssl', name: 'DB_SSL', value: 'false' });
    const app = setting({ unit: service, category: 'sslmode', name: 'DB_SSLMODE', value: 'require' });
    const pg = setting({ unit: stage, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    expect(unitSslmodeSetting(createFactSet([flag, app, pg], links), service)).toBe(pg);
    expect(unitSslmodeSetting(createFactSet([flag, app]), service)).toBe(app);
    expect(unitSslmodeSetting(createFactSet([flag]), service)).toBe(flag);
  });

  it('an application switch set to true is verified TLS against the system CAs', () => {
    const c = connection({ unit: service });
    const eff = effectiveSslMode(c, createFactSet([c, setting({ unit: service, category: 'ssl', name: 'DATABASE_SSL', value: 'true' })]));
    expect(eff).toMatchObject({ mode: 'verify-full', origin: 'setting', written: 'DATABASE_SSL=true', systemCa: true });
  });
});
