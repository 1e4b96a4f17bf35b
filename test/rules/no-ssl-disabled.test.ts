import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-ssl-disabled.js';
import { at, connection, env, runRule, setting, tlsOptions, unit } from '../helpers/facts.js';

const SUPABASE = 'db.abcdefghijklmnop.supabase.co';

describe('no-ssl-disabled', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('no-ssl-disabled');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it('reports sslmode=disable to a remote host on the parameter, with the brief message', () => {
    const c = connection({ params: { sslmode: 'disable' }, env: 'production' });
    const [r, ...rest] = runRule(rule, [c]);
    expect(rest).toEqual([]);
    expect(r!.at).toBe(at(c.sslmode!.span));
    expect(r!.severity).toBe('error');
    expect(r!.message).toBe(
      `Connection to ${SUPABASE} uses sslmode=disable: traffic, password included, crosses the network in plaintext. Use sslmode=verify-full with sslrootcert=<CA file>.`,
    );
  });

  it.each(['allow', 'prefer', 'PREFER'])('reports sslmode=%s as optional TLS', (mode) => {
    const c = connection({ params: { sslmode: mode } });
    const found = runRule(rule, [c]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(`uses sslmode=${mode.toLowerCase()}: TLS is optional`);
  });

  it.each(['false', '0'])('reports ssl=%s on the ssl parameter', (value) => {
    const c = connection({ params: { ssl: value } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.ssl!.span)]);
    expect(found[0]!.message).toContain(`uses ssl=${value}: traffic, password included, crosses the network in plaintext`);
  });

  it('lets the sslmode parameter win over ssl=false', () => {
    expect(runRule(rule, [connection({ params: { ssl: 'false', sslmode: 'verify-full' } })])).toEqual([]);
  });

  it.each(['require', 'verify-ca', 'verify-full', 'no-verify'])('leaves sslmode=%s alone', (mode) => {
    expect(runRule(rule, [connection({ params: { sslmode: mode } })])).toEqual([]);
  });

  it('ignores local hosts in every environment', () => {
    for (const e of ['production', 'staging', 'unknown'] as const) {
      expect(runRule(rule, [connection({ hosts: ['localhost'], params: { sslmode: 'disable' }, env: e })])).toEqual([]);
    }
  });

  it('treats an unknown host as off-machine only in production and staging', () => {
    const prod = connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'disable' }, env: 'production' });
    const staging = connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'disable' }, env: 'staging' });
    const dev = connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'disable' }, env: 'development' });
    const unknown = connection({ hosts: ['${DB_HOST}'], params: { sslmode: 'disable' }, env: 'unknown' });
    expect(runRule(rule, [prod, staging, dev, unknown]).map((f) => f.fact)).toEqual([prod, staging]);
  });

  it('reports one remote host among local ones (multi-host string)', () => {
    const c = connection({ hosts: ['localhost', 'replica.internal.acme.io'], params: { sslmode: 'prefer' } });
    const found = runRule(rule, [c]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('Connection to replica.internal.acme.io');
  });

  it('reports an inherited PGSSLMODE once, on the setting, naming the host', () => {
    const u = unit('docker-compose.yml', 'compose-service', 'api');
    const c = connection({ file: 'docker-compose.yml', format: 'compose', unit: u });
    const s = setting({ file: 'docker-compose.yml', format: 'compose', unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'disable' });
    const found = runRule(rule, [c, s]);
    expect(found).toHaveLength(1);
    expect(found[0]!.fact).toBe(s);
    expect(found[0]!.at).toBe(at(s.span));
    expect(found[0]!.messageId).toBe('settingWithConnection');
    expect(found[0]!.message).toBe(
      `PGSSLMODE=disable is the default sslmode for every connection of compose service \`api\`, which connects to ${SUPABASE}: ` +
        'without an sslmode of their own, traffic, password included, crosses the network in plaintext. Use PGSSLMODE=verify-full with PGSSLROOTCERT=<CA file>.',
    );
  });

  it('reports a weak PGSSLMODE in a unit with an off-machine connection even when that connection overrides it', () => {
    const u = unit('.env', 'env-file', '.env');
    const c = connection({ unit: u, params: { sslmode: 'verify-full' } });
    const s = setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'allow' });
    expect(runRule(rule, [c, s]).map((f) => f.fact)).toEqual([s]);
  });

  it('reports a weak PGSSLMODE without connections only in production and staging', () => {
    const make = (e: 'production' | 'staging' | 'development' | 'unknown') => {
      const u = unit(`.env.${e}`, 'env-file', e);
      return setting({ file: `.env.${e}`, unit: u, env: e, category: 'sslmode', name: 'PGSSLMODE', value: 'prefer' });
    };
    const prod = make('production');
    const staging = make('staging');
    const found = runRule(rule, [prod, staging, make('development'), make('unknown')]);
    expect(found.map((f) => f.fact)).toEqual([prod, staging]);
    expect(found[0]!.messageId).toBe('settingWithoutConnection');
    expect(found[0]!.message).toContain('PGSSLMODE=prefer in production (file name `.env.production`)');
  });

  it('never reports a weak PGSSLMODE whose unit only connects locally, even in production', () => {
    const u = unit('.env.production', 'env-file', '.env.production');
    const c = connection({ unit: u, hosts: ['localhost'], env: 'production' });
    const s = setting({ unit: u, env: 'production', category: 'sslmode', name: 'PGSSLMODE', value: 'disable' });
    expect(runRule(rule, [c, s])).toEqual([]);
  });

  it('leaves strong and unreadable PGSSLMODE values alone', () => {
    const u = unit('.env.production', 'env-file', '.env.production');
    const strong = setting({ unit: u, env: 'production', category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    const ref = setting({ unit: u, env: 'production', category: 'sslmode', name: 'DB_SSLMODE', value: '${SSLMODE}' });
    expect(runRule(rule, [strong, ref])).toEqual([]);
  });

  it('reports `ssl: false` in code on the option, except in development', () => {
    const unknown = tlsOptions({ ssl: false });
    const prod = tlsOptions({ ssl: false }, { env: 'production' });
    const dev = tlsOptions({ ssl: false }, { env: 'development' });
    const on = tlsOptions({ ssl: true });
    const found = runRule(rule, [unknown, prod, dev, on]);
    expect(found.map((f) => f.fact)).toEqual([unknown, prod]);
    expect(found[0]!.at).toBe(at(unknown.options.ssl!.span));
    expect(found[1]!.message).toContain('`ssl: false` turns TLS off for this client in production (file name `.env.production`)');
  });
});

describe('no-ssl-disabled: TLS options by driver', () => {
  it("reports postgres.js' optional modes and Deno's tls.enabled / tls.enforce: false, each with its library", () => {
    const prefer = tlsOptions({ ssl: 'prefer' }, { sink: 'postgres', driver: 'postgres', env: 'production' });
    const allow = tlsOptions({ ssl: 'allow' }, { sink: 'drizzle-kit', driver: 'drizzle-kit' });
    const denoOff = tlsOptions({ enabled: false, enforce: false }, { sink: 'deno-postgres.Client', driver: 'deno-postgres' });
    const denoOptional = tlsOptions({ enforce: false }, { sink: 'deno-postgres.Pool', driver: 'deno-postgres' });
    const found = runRule(rule, [prefer, allow, denoOff, denoOptional]);
    expect(found.map((f) => [f.fact, f.messageId, f.at])).toEqual([
      [prefer, 'sslModeOption', at(prefer.options.ssl!.span)],
      [allow, 'sslModeOption', at(allow.options.ssl!.span)],
      [denoOff, 'denoTls', at(denoOff.options.enabled!.span)],
      [denoOptional, 'denoTls', at(denoOptional.options.enforce!.span)],
    ]);
    expect(found[0]!.message).toMatch(/^`ssl: 'prefer'` makes TLS optional for postgres\.js in production/);
    expect(found[2]!.message).toMatch(/^`tls\.enabled: false` turns TLS off for the Deno Postgres client/);
    expect(found[3]!.message).toMatch(/^`tls\.enforce: false` lets the connection fall back to plaintext for the Deno Postgres client/);
  });

  it("leaves node-postgres' ssl strings, Deno's enforce: true, and development alone", () => {
    const quiet = [
      tlsOptions({ ssl: 'prefer' }, { sink: 'pg.Pool', driver: 'pg' }),
      tlsOptions({ ssl: 'verify-full' }, { sink: 'postgres', driver: 'postgres' }),
      tlsOptions({ enabled: true, enforce: true }, { sink: 'deno-postgres.Client', driver: 'deno-postgres' }),
      tlsOptions({ enforce: false }, { driver: 'pg' }),
      tlsOptions({ ssl: 'prefer' }, { sink: 'postgres', driver: 'postgres', env: 'development' }),
    ];
    expect(runRule(rule, quiet)).toEqual([]);
  });
});

describe('no-ssl-disabled: TLS options beside a local host', () => {
  it('leaves ssl: false alone when the same configuration names localhost, a socket or a configured local host', () => {
    const local = tlsOptions({ host: 'localhost', ssl: false }, { sink: 'pg.Client', driver: 'pg' });
    const socket = tlsOptions({ host: '/var/run/postgresql', ssl: false }, { sink: 'pg.Client', driver: 'pg' });
    const configured = tlsOptions({ host: 'db.dev.internal', ssl: false }, { sink: 'pg.Client', driver: 'pg' });
    const remote = tlsOptions({ host: 'orders-db.internal.acme.io', ssl: false }, { sink: 'pg.Client', driver: 'pg' });
    const found = runRule(rule, [local, socket, configured, remote], { config: { localHosts: ['db.dev.internal'] } });
    expect(found.map((f) => f.fact)).toEqual([remote]);
  });
});
