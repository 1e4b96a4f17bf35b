import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-verify-full.js';
import type { EnvironmentName } from '../../src/model.js';
import { at, connection, env, runRule, setting, unit } from '../helpers/facts.js';

const judge = (mode: string, e: EnvironmentName) => runRule(rule, [connection({ params: { sslmode: mode }, env: e })]);

describe('require-verify-full', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('require-verify-full');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('production: require is an error with the environment, its reason, the file of the evidence and the weakness named', () => {
    const c = connection({ file: 'k8s/deploy.yaml', format: 'kubernetes', params: { sslmode: 'require' }, env: env('production', 'namespace `production`') });
    const found = runRule(rule, [c]);
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.at).toBe(at(c.sslmode!.span));
    expect(found[0]!.message).toMatch(
      /^production \(namespace `production` in k8s\/deploy\.yaml\) requires sslmode=verify-full; this connection uses require, which encrypts but does not check the server's certificate/,
    );
  });

  it('names the other file when the environment was read there, and leaves path reasons as they are', () => {
    const shared = env('production', 'namespace `production`');
    shared.file = 'k8s/deploy.yaml';
    const fromConfigMap = connection({ file: 'k8s/configmap.yaml', format: 'kubernetes', params: { sslmode: 'require' }, env: shared });
    const byPrefix = connection({ file: 'apps/api/.env', params: { sslmode: 'verify-ca' }, variable: 'PROD_DATABASE_URL', env: env('production', 'variable prefix `PROD_`') });
    const byDirectory = connection({ file: 'deploy/staging/app.env', params: { sslmode: 'require' }, env: env('staging', 'directory `deploy/staging`') });
    const messages = runRule(rule, [fromConfigMap, byPrefix, byDirectory]).map((f) => f.message.slice(0, f.message.indexOf(')') + 1));
    expect(messages).toEqual([
      'production (namespace `production` in k8s/deploy.yaml)',
      'production (variable prefix `PROD_` in apps/api/.env)',
      'staging (directory `deploy/staging`)',
    ]);
  });

  it('takes the minimum per environment from the config policy', () => {
    const policy = { production: 'verify-ca', staging: 'verify-full', development: 'verify-ca', unknown: 'require' } as const;
    const run = (mode: string, e: EnvironmentName) => runRule(rule, [connection({ params: { sslmode: mode }, env: e })], { config: { policy } });
    expect(run('verify-ca', 'production')).toEqual([]);
    expect(run('require', 'production').map((f) => [f.messageId, f.severity])).toEqual([['staging', 'error']]);
    expect(run('require', 'production')[0]!.message).toMatch(/^production \(file name `\.env\.production`\) requires at least sslmode=verify-ca; /);
    expect(run('verify-ca', 'staging').map((f) => [f.messageId, f.severity])).toEqual([['production', 'error']]);
    expect(run('require', 'development').map((f) => [f.messageId, f.severity])).toEqual([['staging', 'error']]);
    expect(run('verify-ca', 'development')).toEqual([]);
    expect(run('require', 'unknown')).toEqual([]);
  });

  it('production: verify-ca is an error too; verify-full passes', () => {
    const [r] = judge('verify-ca', 'production');
    expect(r!.severity).toBe('error');
    expect(r!.message).toContain('uses verify-ca, which checks that a trusted CA signed the certificate but not that it was issued for this host');
    expect(judge('verify-full', 'production')).toEqual([]);
  });

  it('staging: require is an error, verify-ca and verify-full pass', () => {
    const [r] = judge('require', 'staging');
    expect(r!.severity).toBe('error');
    expect(r!.message).toMatch(/^staging \(file name `\.env\.staging`\) requires at least sslmode=verify-ca; this connection uses require/);
    expect(judge('verify-ca', 'staging')).toEqual([]);
    expect(judge('verify-full', 'staging')).toEqual([]);
  });

  it('unknown environment: require and verify-ca are warnings naming the reason', () => {
    for (const mode of ['require', 'verify-ca']) {
      const [r, ...rest] = judge(mode, 'unknown');
      expect(rest).toEqual([]);
      expect(r!.severity).toBe('warning');
      expect(r!.message).toContain(`Environment unknown (no environment could be inferred): this connection uses ${mode}`);
    }
  });

  it('development is never judged', () => {
    expect(judge('require', 'development')).toEqual([]);
    expect(judge('verify-ca', 'development')).toEqual([]);
  });

  it('leaves weaker modes and no-verify to the other rules', () => {
    for (const mode of ['disable', 'allow', 'prefer', 'no-verify']) expect(judge(mode, 'production')).toEqual([]);
    expect(runRule(rule, [connection({ params: { ssl: 'false' }, env: 'production' })])).toEqual([]);
  });

  it('reads ssl=true as require and reports it on the ssl parameter', () => {
    const c = connection({ params: { ssl: 'true' }, env: 'production' });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.ssl!.span)]);
    expect(found[0]!.message).toContain('this connection uses ssl=true, i.e. require,');
  });

  it('accepts sslrootcert=system, which makes verify-full the default', () => {
    expect(runRule(rule, [connection({ params: { sslrootcert: 'system' }, env: 'production' })])).toEqual([]);
  });

  it('ignores local connections and unknown hosts outside production and staging', () => {
    expect(judge('require', 'production').length).toBe(1);
    expect(runRule(rule, [connection({ hosts: ['localhost'], params: { sslmode: 'require' }, env: 'production' })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'require' }, env: 'unknown' })])).toEqual([]);
    expect(runRule(rule, [connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'require' }, env: 'production' })])).toHaveLength(1);
  });

  it('judges PGSSLMODE once, on the setting, not again on the connections that inherit it', () => {
    const u = unit('.env.production', 'env-file', '.env.production');
    const c = connection({ unit: u, env: 'production' });
    const s = setting({ unit: u, env: 'production', category: 'sslmode', name: 'PGSSLMODE', value: 'require' });
    const found = runRule(rule, [c, s]);
    expect(found.map((f) => f.fact)).toEqual([s]);
    expect(found[0]!.at).toBe(at(s.span));
    expect(found[0]!.message).toContain('`PGSSLMODE` makes every connection of this env file that sets no sslmode use require');
  });

  it('judges a PGSSLMODE in a unit without connections by its environment, and only where the environment is known', () => {
    const make = (e: EnvironmentName, value: string) =>
      setting({ file: `k8s/${e}/deploy.yaml`, format: 'kubernetes', unit: unit(`k8s/${e}/deploy.yaml`, 'k8s-container', 'api'), env: e, category: 'sslmode', name: 'PGSSLMODE', value });
    const found = runRule(rule, [make('production', 'verify-ca'), make('staging', 'verify-ca'), make('unknown', 'require'), make('development', 'require')]);
    expect(found.map((f) => [f.fact.environment.name, f.severity])).toEqual([['production', 'error']]);
    expect(found[0]!.message).toContain('container `api`');
  });

  it('exempts a PGSSLMODE whose unit only connects locally', () => {
    const u = unit('.env.production', 'env-file', '.env.production');
    const c = connection({ unit: u, hosts: ['localhost'], env: 'production' });
    const s = setting({ unit: u, env: 'production', category: 'sslmode', name: 'PGSSLMODE', value: 'require' });
    expect(runRule(rule, [c, s])).toEqual([]);
  });
});
