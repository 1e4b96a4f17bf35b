import { describe, expect, it } from 'vitest';
import type { Fact, SettingFact, Span } from '../../src/model.js';
import { extractEnv } from '../../src/extract/env.js';
import { extractCompose } from '../../src/extract/compose.js';
import { keySettingCategory, settingCategory } from '../../src/extract/settings.js';

const pos = (s: Span | undefined): [number, number, number, number] | undefined => s && [s.line, s.column, s.endLine, s.endColumn];
const settings = (facts: Fact[]): SettingFact[] => facts.filter((f): f is SettingFact => f.kind === 'setting');

describe('setting categories of framework variables', () => {
  it.each([
    ['DB_SSL', 'ssl'],
    ['DATABASE_SSL', 'ssl'],
    ['POSTGRES_SSL_ENABLED', 'ssl'],
    ['PROD_DB_SSL', 'ssl'],
    ['DB_SSL__REJECT_UNAUTHORIZED', 'reject-unauthorized'],
    ['DATABASE_SSL_REJECT_UNAUTHORIZED', 'reject-unauthorized'],
    ['DB_SSL__CA_FILE', 'cert-path'],
    ['DATABASE_SSL_CA', 'cert-path'],
    ['DB_SSL_CERT_PATH', 'cert-path'],
    ['DB_SSLMODE', 'sslmode'],
  ])('%s is %s', (name, category) => {
    expect(settingCategory(name)).toBe(category);
  });

  it.each(['REDIS_SSL', 'SSL', 'DB_SSL_MODE_HINT', 'DATABASE_URL'])('%s is no database TLS switch', (name) => {
    expect(settingCategory(name)).not.toBe('ssl');
  });

  it.each([
    ['sslmode', 'sslmode'],
    ['sslMode', 'sslmode'],
    ['ssl_mode', 'sslmode'],
    ['rejectUnauthorized', 'reject-unauthorized'],
    ['ssl', 'ssl'],
    ['sslRootCert', 'sslrootcert'],
    ['caFile', 'cert-path'],
    ['minVersion', 'ssl-min-protocol'],
    ['password', 'password'],
    ['PGSSLMODE', 'sslmode'],
    ['NODE_TLS_REJECT_UNAUTHORIZED', 'node-tls-reject-unauthorized'],
  ])('key %s is %s', (key, category) => {
    expect(keySettingCategory(key)).toBe(category);
  });

  it.each(['host', 'enabled', 'existingSecret', 'tls', 'ca'])('key %s is no setting', (key) => {
    expect(keySettingCategory(key)).toBeUndefined();
  });
});

describe('JSON-valued variables', () => {
  it('each TLS option inside is a setting named by its path, at its position in the file', () => {
    const text = `DB_SSL='{"rejectUnauthorized":false,"ca":"-----BEGIN CERTIFICATE-----"}'\nDATABASE_SSL={"ssl":{"sslmode":"prefer"}}\n`;
    const s = settings(extractEnv({ file: '.env', text }).facts);
    expect(s.map((f) => [f.name, f.category, f.value])).toEqual([
      ['DB_SSL', 'ssl', '{"rejectUnauthorized":false,"ca":"-----BEGIN CERTIFICATE-----"}'],
      ['DB_SSL.rejectUnauthorized', 'reject-unauthorized', 'false'],
      ['DATABASE_SSL', 'ssl', '{"ssl":{"sslmode":"prefer"}}'],
      ['DATABASE_SSL.ssl.sslmode', 'sslmode', 'prefer'],
    ]);
    expect(pos(s[1]!.nameSpan)).toEqual([1, 11, 1, 29]);
    expect(pos(s[1]!.valueSpan)).toEqual([1, 31, 1, 36]);
    expect(pos(s[3]!.valueSpan)).toEqual([2, 33, 2, 39]);
  });

  it('a value with escapes points at the whole value', () => {
    const text = 'services:\n  api:\n    image: acme/api\n    environment:\n      DB_SSL: "{\\"rejectUnauthorized\\": false}"\n';
    const ru = settings(extractCompose({ file: 'docker-compose.yml', text }).facts).find((f) => f.name === 'DB_SSL.rejectUnauthorized')!;
    expect(ru.value).toBe('false');
    expect(pos(ru.valueSpan)).toEqual([5, 15, 5, 48]);
  });

  it('leaves braces that are not a JSON object alone', () => {
    const text = 'DB_SSL={rejectUnauthorized:false}\nDB_OPTIONS={"pool":{"max":10}}\n';
    expect(settings(extractEnv({ file: '.env', text }).facts).map((f) => f.name)).toEqual(['DB_SSL']);
  });
});
