import { describe, expect, it } from 'vitest';
import type { EnvironmentInfo, HostInfo } from '../../src/model.js';
import { judgeHost, liveModeFor, requiredMode } from '../../src/verify/policy.js';
import type { ConfiguredMode, ModeResult, Problem } from '../../src/verify/types.js';

// The live server of the other verify tests is on localhost, where the policy accepts any mode;
// the environment half of the verdict is exercised here with the remote hosts it is about.
const supabase: HostInfo = { host: 'db.abcdefghijklmnop.supabase.co', port: 5432, class: 'remote', classReason: 'public host name' };
const local: HostInfo = { host: 'localhost', class: 'local', classReason: 'localhost' };
const env = (name: EnvironmentInfo['name']): EnvironmentInfo => ({ name, reason: name === 'unknown' ? 'no environment could be inferred' : `file name \`.env.${name}\`` });
const mode = (m: ConfiguredMode['mode'], origin: ConfiguredMode['origin'] = 'sslmode'): ConfiguredMode => ({ mode: m, written: `sslmode=${m}`, origin });

const hostnameMismatch: Problem = { id: 'hostname-mismatch', message: "Hostname/IP does not match certificate's altnames: db.abcdefghijklmnop.supabase.co is not among DNS:*.pooler.supabase.com", fix: '…' };
const allConnect: ModeResult[] = (['disable', 'require', 'verify-ca', 'verify-full'] as const).map((m) => ({ mode: m, status: 'connected' }));
const fullFails: ModeResult[] = allConnect.map((r) => (r.mode === 'verify-full' ? { mode: r.mode, status: 'tls-failed', problem: hostnameMismatch } : r));
const tlsOnly: ModeResult[] = allConnect.map((r) =>
  r.mode === 'disable' ? { mode: r.mode, status: 'refused', problem: { id: 'no-encryption-rejected', message: 'no pg_hba.conf entry … no encryption', fix: '…' } } : r,
);

function judge(host: HostInfo, environment: EnvironmentInfo, configured: ConfiguredMode, modes = allConnect, nodePostgres = false) {
  return judgeHost({ host, socket: false, environment, configured, nodePostgres, modes, advisories: [] });
}

describe('requiredMode', () => {
  it('follows the decision tree for a host that leaves the machine', () => {
    expect(requiredMode(supabase, env('production')).mode).toBe('verify-full');
    expect(requiredMode(supabase, env('staging')).mode).toBe('verify-ca');
    expect(requiredMode(supabase, env('development')).mode).toBe('require');
    expect(requiredMode(supabase, env('unknown')).mode).toBe('require');
  });

  it('accepts any mode on a local host, in every environment', () => {
    const r = requiredMode(local, env('production'));
    expect(r).toEqual({ mode: 'disable', because: 'localhost is local (localhost): the traffic stays on this machine' });
  });
});

describe('judgeHost', () => {
  it('fails production below verify-full and passes it at verify-full', () => {
    const weak = judge(supabase, env('production'), mode('require'));
    expect(weak.meetsPolicy).toBe(false);
    expect(weak.failures).toEqual(['the policy requires at least verify-full because the environment is production (file name `.env.production`); the connection uses sslmode=require']);
    expect(judge(supabase, env('production'), mode('verify-full'))).toMatchObject({ meetsPolicy: true, failures: [], warnings: [] });
  });

  it('passes staging at verify-ca, and warns where the environment is unknown', () => {
    expect(judge(supabase, env('staging'), mode('verify-ca')).meetsPolicy).toBe(true);
    const unknown = judge(supabase, env('unknown'), mode('require'));
    expect(unknown.meetsPolicy).toBe(true);
    expect(unknown.warnings).toEqual(['require does not check the certificate: use verify-full, or say which environment this is with --environment']);
  });

  it('fails plaintext and no-verify off the machine even in development, but not on localhost', () => {
    expect(judge(supabase, env('development'), mode('disable')).meetsPolicy).toBe(false);
    expect(judge(supabase, env('development'), mode('no-verify')).failures[0]).toMatch(/^sslmode=no-verify encrypts without checking the certificate/);
    expect(judge(local, env('production'), mode('disable')).meetsPolicy).toBe(true);
  });

  it('fails a mode that is strong enough but does not connect, with the reason', () => {
    const v = judge(supabase, env('production'), mode('verify-full'), fullFails);
    expect(v.meetsPolicy).toBe(false);
    expect(v.failures).toEqual([`with verify-full the connection fails: ${hostnameMismatch.message}`]);
  });

  it('warns when a weaker mode works today but verify-full would not', () => {
    const v = judge(supabase, env('development'), mode('require'), fullFails);
    expect(v.meetsPolicy).toBe(true);
    expect(v.warnings).toEqual([`verify-full would fail: ${hostnameMismatch.message}`]);
  });

  it('judges node-postgres clients by verify-full, which is how pg-connection-string reads require', () => {
    const v = judge(supabase, env('development'), mode('require'), fullFails, true);
    expect(v.meetsPolicy).toBe(false);
    expect(v.failures[0]).toBe(
      `with verify-full (node-postgres reads sslmode=require as verify-full unless uselibpqcompat=true) the connection fails: ${hostnameMismatch.message}`,
    );
  });

  it('reads prefer as TLS where the server takes it, and a hostssl-only server as refusing plaintext', () => {
    expect(liveModeFor('prefer', false, tlsOnly)).toEqual({ mode: 'require', note: 'prefer uses TLS when the server offers it' });
    expect(liveModeFor('allow', false, tlsOnly)).toEqual({ mode: 'require', note: 'allow falls back to TLS' });
    expect(judge(local, env('development'), mode('disable'), tlsOnly).failures).toEqual([
      'with disable the connection fails: no pg_hba.conf entry … no encryption',
    ]);
  });

  it('cannot judge a mode written as a variable', () => {
    const v = judge(supabase, env('production'), { mode: 'unknown', written: 'sslmode=${PGSSLMODE}', origin: 'sslmode' });
    expect(v.meetsPolicy).toBe(false);
    expect(v.failures).toEqual(['the sslmode (sslmode=${PGSSLMODE}) is not one sslguard can judge: write a literal mode']);
  });

  it('passes a Unix-domain socket without probing', () => {
    const v = judgeHost({ host: { host: '/var/run/postgresql', class: 'local', classReason: 'Unix-domain socket' }, socket: true, environment: env('production'), configured: mode('disable'), nodePostgres: false, modes: [], advisories: [] });
    expect(v).toMatchObject({ meetsPolicy: true, warnings: ['TLS does not apply to a Unix-domain socket; nothing was probed'] });
  });
});
