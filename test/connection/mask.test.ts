import { describe, expect, it } from 'vitest';
import { maskConnectionString, maskSecrets } from '../../src/connection/mask.js';

describe('maskConnectionString', () => {
  const cases: Array<[string, string, string]> = [
    [
      'Supavisor pooler URI',
      'postgresql://postgres.abcd:Zq8%23vL2%40pR@aws-0-us-east-1.pooler.supabase.com:6543/postgres?sslmode=require',
      'postgresql://postgres.abcd:****@aws-0-us-east-1.pooler.supabase.com:6543/postgres?sslmode=require',
    ],
    ['unencoded @ in the password', 'postgres://admin:p@ss@w0rd@db.exemplar.io:5432/app', 'postgres://admin:****@db.exemplar.io:5432/app'],
    ['password in the query (JDBC)', 'jdbc:postgresql://h:5432/db?user=etl&password=s%26cret&ssl=true', 'jdbc:postgresql://h:5432/db?user=etl&password=****&ssl=true'],
    ['both userinfo and query passwords', 'postgres://u:first@h/db?password=second', 'postgres://u:****@h/db?password=****'],
    ['sslpassword is a secret too', 'postgres://h/db?sslcert=c.pem&sslpassword=keypass', 'postgres://h/db?sslcert=c.pem&sslpassword=****'],
    ['DSN with a quoted password', "host=db.exemplar.io user=me password='it\\'s secret' sslmode=verify-full", "host=db.exemplar.io user=me password='****' sslmode=verify-full"],
    ['DSN with a bare password', 'host=db.exemplar.io password=hunter2 dbname=app', 'host=db.exemplar.io password=**** dbname=app'],
    ['placeholders are kept as written', 'postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres', 'postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres'],
    ['variable reference kept', 'postgres://app:${DB_PASSWORD}@db:5432/app', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['no password, nothing to mask', 'postgresql://app@db.exemplar.io/app?sslmode=verify-full', 'postgresql://app@db.exemplar.io/app?sslmode=verify-full'],
    // Unparseable or surprising strings: best effort, never the secret.
    ['bad escape in the password', 'postgres://u:p%zz-Secret@h/db', 'postgres://u:****@h/db'],
    ['password with an unencoded slash (libpq reads a port and a database)', 'postgres://u:1234/Secret@h/db', 'postgres://u:****@h/db'],
    ['password with an unencoded slash and a bad port', 'postgres://u:pa/ss@h/db', 'postgres://u:****@h/db'],
    ['DSN with an unterminated quote', "host=h password='abc def", "host=h password='****"],
    ['not a connection string at all', 'PGPASSWORD=hunter2', 'PGPASSWORD=****'],
  ];
  it.each(cases)('%s', (_name, text, masked) => {
    expect(maskConnectionString(text)).toBe(masked);
  });
});

describe('maskSecrets', () => {
  it('masks every connection string and password= in a message', () => {
    const message =
      'invalid Postgres connection string: postgres://app:hunter2@db.exemplar.io/app and `host=h password=s3cr3t`; ' +
      'also redis://:r3d1s@cache:6379 and PGPASSWORD="quoted value" but keeps ${DB_PASSWORD}';
    expect(maskSecrets(message)).toBe(
      'invalid Postgres connection string: postgres://app:****@db.exemplar.io/app and `host=h password=****`; ' +
        'also redis://:****@cache:6379 and PGPASSWORD="****" but keeps ${DB_PASSWORD}',
    );
  });

  it('masks the body of PEM private keys and leaves certificates alone', () => {
    const text = [
      'found key:',
      '-----BEGIN EC PRIVATE KEY-----',
      'MHcCAQEEIBkg4LVWM9nuwNSk3yBD4eDqVpA1zVdJcWfYkeOSL7K0oAoGCCqGSM49',
      'AwEHoUQDQgAEhP7nwYHt8bT1nJxQ3cC9w8oGm9fG0w==',
      '-----END EC PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      'MIIBszCCAVmgAwIBAgIU',
      '-----END CERTIFICATE-----',
      '-----BEGIN PRIVATE KEY-----',
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    ].join('\n');
    expect(maskSecrets(text)).toBe(
      [
        'found key:',
        '-----BEGIN EC PRIVATE KEY-----',
        '****',
        '-----END EC PRIVATE KEY-----',
        '-----BEGIN CERTIFICATE-----',
        'MIIBszCCAVmgAwIBAgIU',
        '-----END CERTIFICATE-----',
        '-----BEGIN PRIVATE KEY-----',
        '****',
      ].join('\n'),
    );
  });

  it('masks a raw password containing a blank in free text', () => {
    expect(maskSecrets('could not connect to postgres://app:correct horse@db.exemplar.io:5432/app: timeout')).toBe(
      'could not connect to postgres://app:****@db.exemplar.io:5432/app: timeout',
    );
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'sslmode=disable on postgres://db.exemplar.io:5432/app (remote host)';
    expect(maskSecrets(text)).toBe(text);
  });
});
