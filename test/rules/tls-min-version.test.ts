import { describe, expect, it } from 'vitest';
import rule from '../../rules/tls-min-version.js';
import { at, connection, runRule, setting, tlsOptions } from '../helpers/facts.js';

describe('tls-min-version', () => {
  it('has the contracted id and severity', () => {
    expect(rule.meta.id).toBe('tls-min-version');
    expect(rule.meta.defaultSeverity).toBe('error');
  });

  it.each(['TLSv1', 'TLSv1.1', 'tlsv1.1'])('reports ssl_min_protocol_version=%s on the value', (v) => {
    const c = connection({ params: { sslmode: 'verify-full', ssl_min_protocol_version: v } });
    const found = runRule(rule, [c]);
    expect(found.map((f) => f.at)).toEqual([at(c.params['ssl_min_protocol_version']!.span)]);
    expect(found[0]!.message).toBe(`ssl_min_protocol_version=${v} allows a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3: ssl_min_protocol_version=TLSv1.2.`);
  });

  it('accepts TLSv1.2 and TLSv1.3 everywhere', () => {
    expect(
      runRule(rule, [
        connection({ params: { ssl_min_protocol_version: 'TLSv1.2' } }),
        setting({ category: 'ssl-min-protocol', name: 'PGSSLMINPROTOCOLVERSION', value: 'TLSv1.3' }),
        tlsOptions({ minVersion: 'TLSv1.2', secureProtocol: 'TLS_method' }),
        tlsOptions({ secureProtocol: 'TLSv1_2_method' }),
      ]),
    ).toEqual([]);
  });

  it('reports PGSSLMINPROTOCOLVERSION=TLSv1 on the setting', () => {
    const s = setting({ category: 'ssl-min-protocol', name: 'PGSSLMINPROTOCOLVERSION', value: 'TLSv1' });
    const found = runRule(rule, [s, setting({ category: 'ssl-min-protocol', name: 'PGSSLMINPROTOCOLVERSION' })]);
    expect(found.map((f) => f.at)).toEqual([at(s.span)]);
    expect(found[0]!.message).toContain('Use TLSv1.2 or TLSv1.3: PGSSLMINPROTOCOLVERSION=TLSv1.2');
  });

  it('reports minVersion TLSv1 / TLSv1.1 in code on the property', () => {
    const t = tlsOptions({ ca: { unknown: true }, minVersion: 'TLSv1.1' });
    const found = runRule(rule, [t, tlsOptions({ minVersion: { unknown: true } })]);
    expect(found.map((f) => f.at)).toEqual([at(t.options.minVersion!.span)]);
    expect(found[0]!.message).toContain("`minVersion: 'TLSv1.1'`");
  });

  it.each(['TLSv1_method', 'TLSv1_1_method', 'SSLv3_method', 'TLSv1_client_method', 'TLSv1_1_server_method', 'SSLv3_client_method'])(
    'reports secureProtocol %s',
    (method) => {
      const t = tlsOptions({ secureProtocol: method });
      const found = runRule(rule, [t]);
      expect(found.map((f) => f.at)).toEqual([at(t.options.secureProtocol!.span)]);
      expect(found[0]!.message).toContain(`\`secureProtocol: '${method}'\` pins a protocol deprecated by RFC 8996. Use TLSv1.2 or TLSv1.3`);
    },
  );
});
