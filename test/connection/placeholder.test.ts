import { describe, expect, it } from 'vitest';
import { isPlaceholder, isReference, referenceDefault } from '../../src/connection/placeholder.js';

describe('isPlaceholder', () => {
  const placeholders = [
    '',
    '   ',
    '[PASSWORD]',
    '[YOUR-PASSWORD]',
    '[db password]',
    '<password>',
    '<redacted>',
    '${DB_PASSWORD}',
    '${POSTGRES_PASSWORD:-}',
    '${POSTGRES_PASSWORD:-changeme}',
    '${POSTGRES_PASSWORD-${SECRET_FROM_VAULT}}',
    '${POSTGRES_PASSWORD:?set the password}',
    '${POSTGRES_PASSWORD:+set}',
    '${env:PGPASSWORD}',
    '${input:db-password}',
    '$DB_PASSWORD',
    '$(DB_PASSWORD)',
    '%DB_PASSWORD%',
    '{{ .Values.postgresql.auth.password }}',
    '{{password}}',
    'your-password',
    'your_password',
    'yourpassword',
    'YOUR_PASSWORD_HERE',
    'your-supabase-password',
    'changeme',
    'change-me',
    'CHANGE_ME',
    'password',
    'Password',
    'xxx',
    'XXXXXXXX',
    '***',
    '****',
    '???',
    '...',
    '…',
    'REPLACE_ME',
    'pass',
    'PASS',
    'pwd',
    'DB_PASSWORD',
    'my_password',
    'xxxx',
    '{{ .Values.db.password }}',
    '$(PGPASSWORD)',
    '%PGPASSWORD%',
  ];
  it.each(placeholders)('%j is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  const secrets = ['hunter2', 'secret', 'postgres', 'Zq8#vL2@pR', 'npg_aBcD1234eFgH', 'password123', 'xx', 'pass[word]', '$1abc', 'my-password-is-long', 'x', 'passw0rd', 'passes'];
  it.each(secrets)('%j is a real value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });

  // What runs unless the variable is set is the default: a real password there is committed.
  const defaults = ['${POSTGRES_PASSWORD:-postgres}', '${DB_PASSWORD-Zq8#vL2@pR}', '${PGPASSWORD:-hunter2}', '${A:-${B:-s3cr3t}}'];
  it.each(defaults)('%j is its literal default, a real value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });

  it('reads `${A:-x}${B}` as two references, not one with the default `x}${B`', () => {
    expect(referenceDefault('${A:-x}${B}')).toBeUndefined();
    expect(referenceDefault('${A:-x}')).toBe('x');
    expect(referenceDefault('${A-}')).toBe('');
    expect(referenceDefault('${A:+x}')).toBeUndefined();
  });
});

describe('isReference', () => {
  it.each(['${DB_HOST}', '$DB_HOST', '$(HOST)', '%DB_HOST%', '{{ host }}', '<host>', '[HOST]'])('%j is a reference', (v) => {
    expect(isReference(v)).toBe(true);
  });
  it.each(['db.exemplar.io', 'changeme', 'db-${ENV}.exemplar.io', '$', '[a]b', ''])('%j is not a reference', (v) => {
    expect(isReference(v)).toBe(false);
  });
});
