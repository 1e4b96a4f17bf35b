import { describe, expect, it } from 'vitest';
import rule from '../../rules/verify-full-ip-host.js';
import { at, connection, runRule, setting, unit } from '../helpers/facts.js';

describe('verify-full-ip-host', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('verify-full-ip-host');
    expect(rule.meta.defaultSeverity).toBe('warning');
  });

  it('reports an IPv4 host with sslmode=verify-full on the host', () => {
    const c = connection({ hosts: ['10.20.3.17'], params: { sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.crt' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.hosts[0]!.span)]);
    expect(found[0]!.message).toBe(
      'Connection to 10.20.3.17 uses verify-full with an IP address: the host name check compares 10.20.3.17 with the names in the ' +
        "server's certificate and fails unless the certificate carries that IP as a subjectAltName. Connect by the DNS name the certificate was issued for.",
    );
  });

  it('reports each IP host (IPv6 shown in brackets), not DNS names, and local IPs too', () => {
    const c = connection({ hosts: ['pg-a.internal.acme.io', '2001:db8::17', '127.0.0.1'], params: { sslmode: 'verify-full' } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.hosts[1]!.span), at(c.hosts[2]!.span)]);
    expect(found[0]!.message).toContain('Connection to [2001:db8::17]');
  });

  it('uses the effective mode: sslrootcert=system and an inherited PGSSLMODE count', () => {
    const u = unit('.env', 'env-file', '.env');
    const inherited = connection({ unit: u, hosts: ['10.0.0.5'] });
    const s = setting({ unit: u, category: 'sslmode', name: 'PGSSLMODE', value: 'verify-full' });
    const system = connection({ hosts: ['10.0.0.6'], params: { sslrootcert: 'system' } });
    expect(runRule(rule, [inherited, s, system]).map((f) => f.fact)).toEqual([inherited, system]);
  });

  it('ignores other modes and connections without a mode', () => {
    const modes = ['verify-ca', 'require', 'disable'].map((m) => connection({ hosts: ['10.0.0.5'], params: { sslmode: m } }));
    expect(runRule(rule, [...modes, connection({ hosts: ['10.0.0.5'] })])).toEqual([]);
  });
});
