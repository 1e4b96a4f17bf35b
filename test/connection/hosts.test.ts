import { describe, expect, it } from 'vitest';
import { classifyHost, exampleHostReason } from '../../src/connection/hosts.js';

const base = { socket: false, localHosts: [] as string[] };

describe('classifyHost', () => {
  const cases: Array<[string, Partial<typeof base> & { localNames?: ReadonlyMap<string, string> }, string, string]> = [
    ['', {}, 'local', 'Unix-domain socket'],
    ['/var/run/postgresql', { socket: true }, 'local', 'Unix-domain socket'],
    ['localhost', {}, 'local', 'localhost'],
    ['LocalHost.', {}, 'local', 'localhost'],
    ['api.localhost', {}, 'local', '`*.localhost` resolves to loopback'],
    ['127.0.0.1', {}, 'local', 'loopback address'],
    ['127.10.20.30', {}, 'local', 'loopback address'],
    ['::1', {}, 'local', 'loopback address'],
    ['0:0:0:0:0:0:0:1', {}, 'local', 'loopback address'],
    ['[::1]', {}, 'local', 'loopback address'],
    ['::ffff:127.0.0.1', {}, 'local', 'IPv4-mapped loopback address'],
    ['0.0.0.0', {}, 'local', '0.0.0.0 connects to this machine'],
    ['host.docker.internal', {}, 'local', 'the Docker host (`host.docker.internal`)'],
    ['db', { localNames: new Map([['db', 'service `db` of this compose file']]) }, 'local', 'service `db` of this compose file'],
    ['pg.dev.corp', { localHosts: ['PG.DEV.CORP'] }, 'local', 'listed in config localHosts'],
    ['a.b.test.internal', { localHosts: ['*.test.internal'] }, 'local', 'listed in config localHosts'],
    ['test.internal', { localHosts: ['*.test.internal'] }, 'remote', 'remote host'],
    ['${DB_HOST}', {}, 'unknown', 'host is a variable reference (`${DB_HOST}`)'],
    ['$DB_HOST', {}, 'unknown', 'host is a variable reference (`$DB_HOST`)'],
    ['<host>', {}, 'unknown', 'host is a variable reference (`<host>`)'],
    ['[HOST]', {}, 'unknown', 'host is a variable reference (`[HOST]`)'],
    ['{{ .Values.postgres.host }}', {}, 'unknown', 'host is a variable reference (`{{ .Values.postgres.host }}`)'],
    ['%DB_HOST%', {}, 'unknown', 'host is a variable reference (`%DB_HOST%`)'],
    ['db.abcd.supabase.co', {}, 'remote', 'remote host'],
    ['aws-0-us-east-1.pooler.supabase.com', {}, 'remote', 'remote host'],
    ['db.[PROJECT-REF].supabase.co', {}, 'remote', 'remote host'],
    ['10.0.0.5', {}, 'remote', 'remote address'],
    ['192.168.1.20', {}, 'remote', 'remote address'],
    ['2001:db8::1', {}, 'remote', 'remote address'],
    ['::ffff:10.0.0.1', {}, 'remote', 'remote address'],
    ['localhost.exemplar.io', {}, 'remote', 'remote host'],
    ['db', {}, 'remote', 'remote host'],
  ];
  it.each(cases)('%j %j → %s', (host, opts, cls, reason) => {
    expect(classifyHost(host, { ...base, ...opts })).toEqual({ class: cls, reason });
  });
});

describe('bracketed hosts that are no IPv6 address', () => {
  it('are host names libpq looks up, not placeholders (`[200z:db8::1234]`)', () => {
    expect(classifyHost('[200z:db8::1234]', { socket: false, localHosts: [] })).toEqual({ class: 'remote', reason: '`[200z:db8::1234]` is not an IPv6 address: libpq resolves it as a host name' });
    expect(classifyHost('[HOST]', { socket: false, localHosts: [] }).class).toBe('unknown');
    expect(exampleHostReason('db.[YOUR-PROJECT-REF].supabase.co')).toBeDefined();
    expect(exampleHostReason('[200z:db8::1234]')).toBeUndefined();
  });
});
