import { describe, expect, it } from 'vitest';
import { maskConnectionString } from '../../src/connection/mask.js';
import { isSecretKeyword } from '../../src/connection/parse.js';

// Found by the extractor property tests (test/extract/properties.test.ts): strings libpq rejects
// still reach diagnostics and facts, and must not carry a password there.
describe('masking strings libpq would reject', () => {
  it('masks the value of a garbled or misspelt password keyword in a DSN', () => {
    expect(maskConnectionString('host=db.abcd1234.supabase.co user=app p\u0000assword=S3aA0000Aa0Aa00 sslmode=require')).toBe(
      'host=db.abcd1234.supabase.co user=app p\u0000assword=**** sslmode=require',
    );
    expect(maskConnectionString('host=db user=app pasword=hunter2x dbname=app')).toBe('host=db user=app pasword=**** dbname=app');
    expect(maskConnectionString('host=db user=app db_pass=hunter2x')).toBe('host=db user=app db_pass=****');
    // A stray `=` inside the keyword (seed -2140518127 of the MCP property test).
    expect(maskConnectionString('host=2001:db8::5 user=app p=assword=S3A0A0aaaaAA0aA0 dbname=app')).toBe('host=2001:db8::5 user=app p=**** dbname=app');
    expect(maskConnectionString('host=db user=app p=:assword=S3A0A0aaaaAA0aA0')).toBe('host=db user=app p=****');
    // An inserted letter (seed -362710061 of the env property test), and a transposition.
    expect(maskConnectionString('host=db.acme-corp.io user=app pAassword=S30AA0Aa0 dbname=app sslmode=bogus')).toBe('host=db.acme-corp.io user=app pAassword=**** dbname=app sslmode=bogus');
    expect(maskConnectionString('host=db user=app passwrod=S30AA0Aa0')).toBe('host=db user=app passwrod=****');
    expect(maskConnectionString('host=db options=-csearch_path=app')).toBe('host=db options=-csearch_path=app');
    expect(maskConnectionString('host=db application_name=api connect_timeout=10')).toBe('host=db application_name=api connect_timeout=10');
  });

  it('treats keywords libpq does not know as secrets only when they may be one', () => {
    expect(['password', 'sslpassword', 'pasword', 'passwd', 'db_pwd', 'p\u0000assword', 'pass word'].every(isSecretKeyword)).toBe(true);
    expect(['host', 'user', 'dbname', 'sslmode', 'application_name', 'target_session_attrs'].some(isSecretKeyword)).toBe(false);
  });

  it('masks the "port" of a URI cut before its @host, which is the password', () => {
    expect(maskConnectionString('postgres://app:S3a0AAaa')).toBe('postgres://app:****');
    expect(maskConnectionString('postgresql://postgres:S3cret/postgres')).toBe('postgresql://postgres:****/postgres');
    expect(maskConnectionString('postgres://db.internal:5432/app')).toBe('postgres://db.internal:5432/app');
    expect(maskConnectionString('postgres://db:${DB_PORT}/app')).toBe('postgres://db:${DB_PORT}/app');
  });
});
