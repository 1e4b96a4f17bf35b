import { describe, expect, it } from 'vitest';
import { envSecretOf, looksGenerated, looksLikeDummy } from '../../src/policy/env-secrets.js';
import { settingCategory } from '../../src/extract/settings.js';

describe('env secrets: dummies typed into test env files', () => {
  it('runs of consecutive or repeated characters are dummies', () => {
    for (const v of ['1234567890abcdef1234567890abcdef', 'abcdef1234567890abcdef1234567890', '12345678', 'xxxxxxxxxxxx', 'abcdefghij']) {
      expect(looksLikeDummy(v), v).toBe(true);
    }
  });

  it('generated secrets and typed passwords are not', () => {
    // Shapes of real values (openssl rand -hex / -base64, a Neon password, a typed password with a run in it).
    for (const v of ['9f86d081884c7d659a2feaa0c55ad015', 'q8Vd+3Jr/0WbXk2LmZ7pA1sT', 'npg_Xy7KqP2mZ9vR', 'Summer2024!1234', 'Zq8vN2xLr5TwKp3m']) {
      expect(looksLikeDummy(v), v).toBe(false);
    }
    expect(looksGenerated('Zq8vN2xLr5TwKp3m')).toBe(true);
    expect(looksGenerated('Abcdef1234567890')).toBe(false);
  });

  it('a committed env file of dummies leaks nothing; one real secret among them does', () => {
    expect(envSecretOf('CRON_SECRET=1234567890abcdef1234567890abcdef\nSECRET_PASSWORD=abcdef1234567890abcdef1234567890\n')).toBeUndefined();
    expect(envSecretOf('CRON_SECRET=1234567890abcdef\nSTRIPE_API_KEY=sk_live_51HxQ2eK8vN2xLr5TwKp3m\n')).toBe('STRIPE_API_KEY');
  });
});

describe('TLS settings named for another service', () => {
  it('are not a Postgres client\'s', () => {
    for (const name of ['SMTP_REJECT_UNAUTHORIZED', 'MAIL_TLS_REJECT_UNAUTHORIZED', 'REDIS_SSL_MODE', 'MYSQL_SSL_CA', 'KAFKA_SSL_REJECT_UNAUTHORIZED']) {
      expect(settingCategory(name), name).toBeUndefined();
    }
  });

  it('while database and process-wide ones stay', () => {
    expect(settingCategory('DB_SSL_REJECT_UNAUTHORIZED')).toBe('reject-unauthorized');
    expect(settingCategory('DATABASE_SSL_MODE')).toBe('sslmode');
    expect(settingCategory('NODE_TLS_REJECT_UNAUTHORIZED')).toBe('node-tls-reject-unauthorized');
    expect(settingCategory('PGSSLROOTCERT')).toBe('sslrootcert');
    // Whose a password is, is decided by the password rules (isDatabasePasswordName).
    expect(settingCategory('SMTP_PASSWORD')).toBe('password');
  });
});
