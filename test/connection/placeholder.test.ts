import { describe, expect, it } from 'vitest';
import { isPlaceholder, isReference } from '../../src/connection/placeholder.js';

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
    '${POSTGRES_PASSWORD:-postgres}',
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
  ];
  it.each(placeholders)('%j is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  const secrets = ['hunter2', 'secret', 'postgres', 'Zq8#vL2@pR', 'npg_aBcD1234eFgH', 'password123', 'xx', 'pass[word]', '$1abc', 'my-password-is-long', 'x'];
  it.each(secrets)('%j is a real value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});

describe('isReference', () => {
  it.each(['${DB_HOST}', '$DB_HOST', '$(HOST)', '%DB_HOST%', '{{ host }}', '<host>', '[HOST]'])('%j is a reference', (v) => {
    expect(isReference(v)).toBe(true);
  });
  it.each(['db.example.com', 'changeme', 'db-${ENV}.example.com', '$', '[a]b', ''])('%j is not a reference', (v) => {
    expect(isReference(v)).toBe(false);
  });
});
