import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-plaintext-password.js';
import type { FileFormat } from '../../src/model.js';
import { at, connection, fileFact, runRule, setting, unit } from '../helpers/facts.js';

const PW = 'Xk9vL2mQ7pR4';

describe('no-plaintext-password', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('no-plaintext-password');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('reports a literal password in a remote connection string on the password, masked', () => {
    const c = connection({ password: PW, params: { sslmode: 'verify-full' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.password.span)]);
    expect(found[0]!.message).toBe(
      `Connection to db.abcdefghijklmnop.supabase.co (postgresql://app:****@db.abcdefghijklmnop.supabase.co/postgres?sslmode=verify-full) contains a literal password. ` +
        'Keep this .env file out of git (.gitignore) and commit a .env.example with a placeholder instead.',
    );
  });

  it('ignores placeholders, missing passwords and all-local connections', () => {
    expect(
      runRule(rule, [
        connection({ password: { placeholder: '${DB_PASSWORD}' } }),
        connection({}),
        connection({ password: 'postgres', hosts: ['localhost', '127.0.0.1'] }),
      ]),
    ).toEqual([]);
  });

  it('reports an unknown host in any environment (not all-local)', () => {
    expect(runRule(rule, [connection({ password: PW, hosts: ['${DB_HOST}'], env: 'development' })])).toHaveLength(1);
  });

  it.each([
    ['kubernetes', '`valueFrom.secretKeyRef`'],
    ['compose', 'compose `secrets:`, or `${DB_PASSWORD}` taken from an uncommitted .env file'],
    ['mcp', '`${env:DB_PASSWORD}`, or `${input:db-password}` in VS Code'],
    ['env', 'commit a .env.example with a placeholder'],
    ['source', 'Read it from process.env'],
    ['package-json', 'Read it from process.env'],
    ['yaml', 'Read it from the environment or a secret manager'],
  ] as Array<[FileFormat, string]>)('names the fix for %s files', (format, fix) => {
    const found = runRule(rule, [connection({ format, file: `f.${format}`, password: PW })]);
    expect(found[0]!.message).toContain(fix);
  });

  it('reports any literal password in a ConfigMap, even to a local host', () => {
    const u = unit('k8s/configmap.yaml', 'k8s-configmap', 'api-config');
    const c = connection({ file: 'k8s/configmap.yaml', format: 'kubernetes', unit: u, hosts: ['localhost'], password: PW });
    const found = runRule(rule, [c]);
    expect(found.map((f) => [f.messageId, f.at])).toEqual([['configMap', at(c.password.span)]]);
    expect(found[0]!.message).toContain('ConfigMap `api-config` holds a connection string with a literal password');
  });

  describe('password settings', () => {
    it('reports a literal password when its unit connects off-machine, on the value', () => {
      const u = unit('docker-compose.yml', 'compose-service', 'api');
      const c = connection({ file: 'docker-compose.yml', format: 'compose', unit: u });
      const s = setting({ file: 'docker-compose.yml', format: 'compose', unit: u, category: 'password', name: 'PGPASSWORD', value: PW });
      const found = runRule(rule, [c, s]);
      expect(found.map((f) => f.at)).toEqual([at(s.valueSpan)]);
      expect(found[0]!.message).toBe('PGPASSWORD holds a literal password. Use compose `secrets:`, or `${DB_PASSWORD}` taken from an uncommitted .env file.');
    });

    it('reports without connections only in production and staging', () => {
      const mk = (e: 'production' | 'staging' | 'development' | 'unknown') =>
        setting({ file: `.env.${e}`, unit: unit(`.env.${e}`, 'env-file', e), env: e, category: 'password', name: 'DB_PASSWORD', value: PW });
      const prod = mk('production');
      const staging = mk('staging');
      expect(runRule(rule, [prod, staging, mk('development'), mk('unknown')]).map((f) => f.fact)).toEqual([prod, staging]);
    });

    it('reports a database password in a ConfigMap whatever the environment, with the Secret advice (found in the corpus)', () => {
      const u = unit('deployment/env-configmap.yaml', 'k8s-configmap', 'env');
      const s = setting({ file: 'deployment/env-configmap.yaml', format: 'kubernetes', unit: u, category: 'password', name: 'POSTGRES_PASSWORD', value: PW });
      const found = runRule(rule, [s]);
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toBe('POSTGRES_PASSWORD holds a literal password. Put it in a Secret and reference it with `valueFrom.secretKeyRef`.');
    });

    it('reports a literal in a committed Secret whatever the environment, with the Secret advice', () => {
      const u = unit('k8s/secret.yaml', 'k8s-secret', 'orders-db');
      const s = setting({ file: 'k8s/secret.yaml', format: 'kubernetes', unit: u, category: 'password', name: 'password', value: PW });
      const found = runRule(rule, [s]);
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toContain('Keep the Secret out of git');
      expect(found[0]!.message).toContain('sealed-secrets');
      expect(found[0]!.message).toContain('external-secrets');
    });

    it('never reports when the unit only connects locally, Secret or production included', () => {
      const u = unit('k8s/secret.yaml', 'k8s-secret', 'orders-db');
      const c = connection({ file: 'k8s/secret.yaml', format: 'kubernetes', unit: u, hosts: ['localhost'], env: 'production' });
      const s = setting({ file: 'k8s/secret.yaml', format: 'kubernetes', unit: u, env: 'production', category: 'password', name: 'PGPASSWORD', value: PW });
      expect(runRule(rule, [c, s])).toEqual([]);
    });

    it('ignores placeholders, empty and computed values, and units whose hosts are unknown outside production', () => {
      const u = unit('.env', 'env-file', '.env');
      expect(
        runRule(rule, [
          setting({ unit: u, env: 'production', category: 'password', name: 'DB_PASSWORD', value: '${DB_PASSWORD}' }),
          setting({ unit: u, env: 'production', category: 'password', name: 'DB_PASSWORD', value: '' }),
          setting({ unit: u, env: 'production', category: 'password', name: 'DB_PASSWORD' }),
        ]),
      ).toEqual([]);
      const dev = unit('.env.development', 'env-file', 'dev');
      expect(
        runRule(rule, [
          connection({ unit: dev, hosts: ['${DB_HOST}'], env: 'development' }),
          setting({ unit: dev, env: 'development', category: 'password', name: 'DB_PASSWORD', value: PW }),
        ]),
      ).toEqual([]);
    });
  });

  it('skips files git would not commit (ignored and untracked), but not tracked ones', () => {
    const ignored = connection({ file: '.env.production', password: PW });
    const trackedIgnored = connection({ file: '.env.staging', password: PW });
    const found = runRule(rule, [
      ignored,
      trackedIgnored,
      fileFact('.env.production', { fileKind: 'env', ignored: true, tracked: false }),
      fileFact('.env.staging', { fileKind: 'env', ignored: true, tracked: true }),
    ]);
    expect(found.map((f) => f.fact)).toEqual([trackedIgnored]);
    const s = setting({ file: '.env.production', unit: unit('.env.production', 'env-file', 'p'), env: 'production', category: 'password', name: 'PGPASSWORD', value: PW });
    expect(runRule(rule, [s, fileFact('.env.production', { fileKind: 'env', ignored: true })])).toEqual([]);
  });
});

describe('no-plaintext-password in templates', () => {
  it('reports only a generated-looking password, with advice that fits a template', async () => {
    const { lintSources } = await import('../../src/engine/lint.js');
    const url = (pw: string) => `DATABASE_URL=postgresql://app:${pw}@db.acme-corp.io:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem\n`;
    const git = { inGit: true, tracked: true, ignored: false };
    const real = lintSources([{ file: '.env.example', text: url('Xk9-vL2mQ7pR4tZ'), git }]).findings.filter((f) => f.ruleId === 'no-plaintext-password');
    expect(real.map((f) => f.message)).toEqual([expect.stringContaining('This template is copied by everyone who sets the project up: write a placeholder')]);
    for (const pw of ['changeme123', 'postgres', 'your-super-secret-and-long-postgres-password', 'this_password_is_insecure_and_should_be_updated']) {
      expect(lintSources([{ file: '.env.example', text: url(pw), git }]).findings.filter((f) => f.ruleId === 'no-plaintext-password'), pw).toEqual([]);
    }
  });
});
