import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../src/connection/parse.js';
import type { ParsedConnection } from '../../src/connection/types.js';

/** The parse with every range replaced by the text it covers, so expectations read like the input. */
function view(text: string, c: ParsedConnection) {
  return {
    form: c.form,
    scheme: c.scheme,
    hosts: c.hosts.map((h) => ({
      raw: text.slice(h.start, h.end),
      host: h.host,
      socket: h.socket,
      ...(h.ip ? { ip: h.ip } : {}),
      ...(h.port !== undefined ? { port: h.port } : {}),
      ...(h.portRange ? { portRaw: text.slice(h.portRange.start, h.portRange.end) } : {}),
    })),
    database: c.database,
    user: c.user,
    password: c.password ? { raw: text.slice(c.password.start, c.password.end), value: c.password.value } : undefined,
    params: c.params.map((p) => ({ key: p.key, value: p.value, raw: text.slice(p.start, p.end), rawKey: text.slice(p.keyRange.start, p.keyRange.end) })),
  };
}

function parsed(text: string) {
  const r = parseConnectionString(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error}`);
  return view(text, r.connection);
}

const host = (raw: string, extra: Record<string, unknown> = {}) => ({ raw, host: raw, socket: false, ...extra });

describe('parseConnectionString: URIs', () => {
  const cases: Array<[string, string, Partial<ReturnType<typeof view>>]> = [
    [
      'Supabase direct connection with the dashboard placeholders',
      'postgresql://postgres:[YOUR-PASSWORD]@db.[PROJECT-REF].supabase.co:5432/postgres',
      {
        scheme: 'postgresql',
        hosts: [host('db.[PROJECT-REF].supabase.co', { port: 5432, portRaw: '5432' })],
        database: 'postgres',
        user: 'postgres',
        password: { raw: '[YOUR-PASSWORD]', value: '[YOUR-PASSWORD]' },
        params: [],
      },
    ],
    [
      'Supabase direct connection, filled in',
      'postgresql://postgres:Zq8%23vL2%40pR@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=./prod-ca-2021.crt',
      {
        hosts: [host('db.abcdefghijklmnop.supabase.co', { port: 5432, portRaw: '5432' })],
        database: 'postgres',
        user: 'postgres',
        password: { raw: 'Zq8%23vL2%40pR', value: 'Zq8#vL2@pR' },
        params: [
          { key: 'sslmode', value: 'verify-full', raw: 'verify-full', rawKey: 'sslmode' },
          { key: 'sslrootcert', value: './prod-ca-2021.crt', raw: './prod-ca-2021.crt', rawKey: 'sslrootcert' },
        ],
      },
    ],
    [
      'Supavisor transaction pooler with the tenant in the user name',
      'postgres://postgres.abcdefghijklmnop:hunter2hunter2@aws-0-us-east-1.pooler.supabase.com:6543/postgres?pgbouncer=true',
      {
        scheme: 'postgres',
        hosts: [host('aws-0-us-east-1.pooler.supabase.com', { port: 6543, portRaw: '6543' })],
        user: 'postgres.abcdefghijklmnop',
        password: { raw: 'hunter2hunter2', value: 'hunter2hunter2' },
        params: [{ key: 'pgbouncer', value: 'true', raw: 'true', rawKey: 'pgbouncer' }],
      },
    ],
    [
      'Amazon RDS',
      'postgresql://app_user:Xk29%2Fq%3D%3D@orders.c9akciq32.us-east-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds/global-bundle.pem',
      {
        hosts: [host('orders.c9akciq32.us-east-1.rds.amazonaws.com', { port: 5432, portRaw: '5432' })],
        database: 'orders',
        user: 'app_user',
        password: { raw: 'Xk29%2Fq%3D%3D', value: 'Xk29/q==' },
        params: [
          { key: 'sslmode', value: 'verify-full', raw: 'verify-full', rawKey: 'sslmode' },
          { key: 'sslrootcert', value: '/etc/ssl/rds/global-bundle.pem', raw: '/etc/ssl/rds/global-bundle.pem', rawKey: 'sslrootcert' },
        ],
      },
    ],
    [
      'Neon with channel binding',
      'postgresql://neondb_owner:npg_aBcD1234eFgH@ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require',
      {
        hosts: [host('ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech')],
        database: 'neondb',
        user: 'neondb_owner',
        password: { raw: 'npg_aBcD1234eFgH', value: 'npg_aBcD1234eFgH' },
        params: [
          { key: 'sslmode', value: 'require', raw: 'require', rawKey: 'sslmode' },
          { key: 'channel_binding', value: 'require', raw: 'require', rawKey: 'channel_binding' },
        ],
      },
    ],
    [
      'multi-host with per-host ports and target_session_attrs',
      'postgresql://app@pg-a.internal:5432,pg-b.internal:5433,pg-c.internal/app?target_session_attrs=read-write',
      {
        hosts: [
          host('pg-a.internal', { port: 5432, portRaw: '5432' }),
          host('pg-b.internal', { port: 5433, portRaw: '5433' }),
          host('pg-c.internal'),
        ],
        database: 'app',
        user: 'app',
        password: undefined,
        params: [{ key: 'target_session_attrs', value: 'read-write', raw: 'read-write', rawKey: 'target_session_attrs' }],
      },
    ],
    [
      'IPv6 literal and IPv4 literal in one host list',
      'postgresql://u:pw@[2001:db8::1]:5432,10.0.12.7/db',
      {
        hosts: [
          { raw: '2001:db8::1', host: '2001:db8::1', socket: false, ip: 'v6', port: 5432, portRaw: '5432' },
          { raw: '10.0.12.7', host: '10.0.12.7', socket: false, ip: 'v4' },
        ],
        database: 'db',
      },
    ],
    [
      'IPv6 link-local address with a percent-encoded zone id',
      'postgres://[fe80::1%25eth0]:5432/db',
      { hosts: [{ raw: 'fe80::1%25eth0', host: 'fe80::1%eth0', socket: false, ip: 'v6', port: 5432, portRaw: '5432' }] },
    ],
    [
      'socket directory in the query',
      'postgresql:///db?host=/var/run/postgresql',
      { hosts: [{ raw: '/var/run/postgresql', host: '/var/run/postgresql', socket: true }], database: 'db', params: [] },
    ],
    [
      'percent-encoded socket directory as the host',
      'postgresql://%2Fvar%2Frun%2Fpostgresql/db',
      { hosts: [{ raw: '%2Fvar%2Frun%2Fpostgresql', host: '/var/run/postgresql', socket: true }], database: 'db' },
    ],
    [
      'empty netloc means the default socket',
      'postgresql:///mydb',
      { hosts: [{ raw: '', host: '', socket: true }], database: 'mydb', user: undefined },
    ],
    [
      'JDBC URL with credentials and ssl in the query',
      'jdbc:postgresql://reporting.db.acme.io:5432/warehouse?user=etl&password=s%26cret&ssl=true&sslmode=verify-ca',
      {
        scheme: 'jdbc:postgresql',
        hosts: [host('reporting.db.acme.io', { port: 5432, portRaw: '5432' })],
        database: 'warehouse',
        user: 'etl',
        password: { raw: 's%26cret', value: 's&cret' },
        params: [
          { key: 'ssl', value: 'true', raw: 'true', rawKey: 'ssl' },
          { key: 'sslmode', value: 'verify-ca', raw: 'verify-ca', rawKey: 'sslmode' },
        ],
      },
    ],
    [
      'SQLAlchemy asyncpg URL, scheme case kept lower',
      'PostgreSQL+AsyncPG://svc:pw@db.prod.exemplar.io/app?ssl=require',
      {
        scheme: 'postgresql+asyncpg',
        hosts: [host('db.prod.exemplar.io')],
        params: [{ key: 'ssl', value: 'require', raw: 'require', rawKey: 'ssl' }],
      },
    ],
    [
      'query keywords replace the URI host and port lists (libpq)',
      'postgres://u@ignored:1/db?host=h1.exemplar.io,h2.exemplar.io&port=5432,6432&hostaddr=192.0.2.10,192.0.2.11',
      {
        hosts: [host('h1.exemplar.io', { port: 5432, portRaw: '5432' }), host('h2.exemplar.io', { port: 6432, portRaw: '6432' })],
        params: [{ key: 'hostaddr', value: '192.0.2.10,192.0.2.11', raw: '192.0.2.10,192.0.2.11', rawKey: 'hostaddr' }],
      },
    ],
    [
      'one port in the query applies to every host',
      'postgres:///db?host=a.exemplar.io,b.exemplar.io&port=6543',
      { hosts: [host('a.exemplar.io', { port: 6543, portRaw: '6543' }), host('b.exemplar.io', { port: 6543, portRaw: '6543' })] },
    ],
    [
      'query user, password and dbname go to their fields; keys are lower-cased; + stays +',
      'postgresql://h.exemplar.io?USER=alice&Password=a+b%2Bc&dbname=sales&SSLMode=require',
      {
        hosts: [host('h.exemplar.io')],
        user: 'alice',
        database: 'sales',
        password: { raw: 'a+b%2Bc', value: 'a+b+c' },
        params: [{ key: 'sslmode', value: 'require', raw: 'require', rawKey: 'SSLMode' }],
      },
    ],
    [
      'password with unencoded @: the userinfo ends at the last @ of the netloc',
      'postgres://admin:p@ss@w0rd@db.exemplar.io:5432/app',
      { user: 'admin', password: { raw: 'p@ss@w0rd', value: 'p@ss@w0rd' }, hosts: [host('db.exemplar.io', { port: 5432, portRaw: '5432' })] },
    ],
    [
      'variable references stay as text: port undefined, host kept',
      'postgres://${DB_USER:-app}:${DB_PASSWORD}@${DB_HOST:-localhost}:${DB_PORT}/${DB_NAME}',
      {
        user: '${DB_USER:-app}',
        password: { raw: '${DB_PASSWORD}', value: '${DB_PASSWORD}' },
        hosts: [{ raw: '${DB_HOST:-localhost}', host: '${DB_HOST:-localhost}', socket: false, portRaw: '${DB_PORT}' }],
        database: '${DB_NAME}',
      },
    ],
    [
      'Windows-style reference is not a percent escape',
      'postgresql://app:%DB_PASSWORD%@db.exemplar.io/app',
      { password: { raw: '%DB_PASSWORD%', value: '%DB_PASSWORD%' } },
    ],
    [
      'placeholder host in brackets is a name, not an IPv6 literal',
      'postgresql://<user>:[PASSWORD]@[HOST]:5432/postgres',
      { user: '<user>', hosts: [host('[HOST]', { port: 5432, portRaw: '5432' })], password: { raw: '[PASSWORD]', value: '[PASSWORD]' } },
    ],
    [
      'UTF-8 percent escapes decode to characters; empty password is absent',
      'postgres://j%C3%BCrgen:@h%C3%B6st/d%C3%A4ta',
      { user: 'jürgen', password: undefined, hosts: [{ raw: 'h%C3%B6st', host: 'höst', socket: false }], database: 'däta' },
    ],
    [
      'query parameter without = and extra = are accepted (node-postgres does too)',
      'postgres://h/db?sslmode=require&options=-c%20search_path=app&ssl',
      {
        params: [
          { key: 'sslmode', value: 'require', raw: 'require', rawKey: 'sslmode' },
          { key: 'options', value: '-c search_path=app', raw: '-c%20search_path=app', rawKey: 'options' },
          { key: 'ssl', value: '', raw: '', rawKey: 'ssl' },
        ],
      },
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(parsed(text)).toMatchObject({ form: 'uri', ...expected });
  });

  it('gives exact offsets for host, port, password and params', () => {
    const text = 'postgresql://postgres:secret@db.abcd.supabase.co:5432/postgres?sslmode=require';
    const r = parseConnectionString(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.connection.password).toEqual({ start: 22, end: 28, value: 'secret' });
    expect(r.connection.hosts).toEqual([
      { start: 29, end: 48, host: 'db.abcd.supabase.co', socket: false, port: 5432, portRange: { start: 49, end: 53 } },
    ]);
    expect(r.connection.params).toEqual([{ key: 'sslmode', value: 'require', keyRange: { start: 63, end: 70 }, start: 71, end: 78 }]);
  });

  it('keeps offsets relative to the text when there is leading whitespace', () => {
    const text = '  postgres://u:pw@h.exemplar.io/db  ';
    const r = parseConnectionString(text);
    expect(r.ok && r.connection.hosts[0]).toMatchObject({ start: 18, end: 31, host: 'h.exemplar.io' });
    expect(r.ok && r.connection.database).toBe('db');
  });
});

describe('parseConnectionString: URI errors', () => {
  const cases: Array<[string, string, string, number]> = [
    ['malformed escape in the password', 'postgres://u:p%zzw@h/db', 'invalid percent-encoded token', 14],
    ['truncated escape at the end', 'postgresql://h/db%4', 'invalid percent-encoded token', 17],
    ['%00 is forbidden', 'postgresql://h/db?application_name=a%00b', 'forbidden value %00 in percent-encoded value', 36],
    ['non-numeric port', 'postgresql://u@db.exemplar.io:54x2/app', 'invalid integer value for connection option "port"', 30],
    ['port out of range', 'postgresql://db.exemplar.io:70000/app', 'invalid port number', 28],
    ['unclosed IPv6 bracket', 'postgresql://[2001:db8::1/app', 'end of string reached when looking for matching "]" in IPv6 host address', 13],
    ['empty IPv6 brackets', 'postgresql://[]:5432/app', 'IPv6 host address may not be empty', 13],
    ['junk after an IPv6 literal', 'postgresql://[::1]x/app', 'unexpected character after IPv6 host address (expected ":" or "/")', 18],
    ['port list that does not match the hosts', 'postgresql:///db?host=a,b,c&port=1,2', 'could not match 2 port numbers to 3 hosts', 33],
  ];
  it.each(cases)('%s', (_name, text, error, offset) => {
    expect(parseConnectionString(text)).toEqual({ ok: false, error, offset });
  });

  it.each([
    ['a bad escape', 'postgres://u:Tr0ub4dor%3&3@h/db'],
    ['an unencoded slash that makes the password a port', 'postgres://u:Tr0ub4dor/3@h/db'],
    ['an unencoded slash after an IPv6-looking userinfo', 'postgres://[::1]Tr0ub4dor/3@h/db'],
  ])('never echoes a password in an error: %s', (_name, text) => {
    const r = parseConnectionString(text);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toMatch(/Tr0|ub4|dor/);
  });
});

describe('parseConnectionString: keyword/value DSNs', () => {
  it('reads the libpq example with quoting, escapes and spaces around =', () => {
    const text = "host = db.exemplar.io port=5432 dbname=app user=me password='it\\'s a \\\\ secret' sslmode=verify-full";
    expect(parsed(text)).toEqual({
      form: 'dsn',
      scheme: undefined,
      hosts: [{ raw: 'db.exemplar.io', host: 'db.exemplar.io', socket: false, port: 5432, portRaw: '5432' }],
      database: 'app',
      user: 'me',
      password: { raw: "it\\'s a \\\\ secret", value: "it's a \\ secret" },
      params: [{ key: 'sslmode', value: 'verify-full', raw: 'verify-full', rawKey: 'sslmode' }],
    });
  });

  it('gives exact offsets, the password range covering the text inside the quotes', () => {
    const text = "host=10.1.2.3 password='p w' sslmode=require";
    const r = parseConnectionString(text);
    expect(r.ok && r.connection.password).toEqual({ start: 24, end: 27, value: 'p w' });
    expect(r.ok && r.connection.hosts).toEqual([{ start: 5, end: 13, host: '10.1.2.3', socket: false, ip: 'v4' }]);
    expect(r.ok && r.connection.params).toEqual([{ key: 'sslmode', value: 'require', keyRange: { start: 29, end: 36 }, start: 37, end: 44 }]);
  });

  it('splits multi-host lists with matching ports, keeps hostaddr and unknown keywords as params', () => {
    expect(parsed('host=pg1.corp,pg2.corp port=5432,5433 hostaddr=192.0.2.1,192.0.2.2 target_session_attrs=primary x_custom=1')).toMatchObject({
      hosts: [host('pg1.corp', { port: 5432, portRaw: '5432' }), host('pg2.corp', { port: 5433, portRaw: '5433' })],
      params: [
        { key: 'hostaddr', value: '192.0.2.1,192.0.2.2' },
        { key: 'target_session_attrs', value: 'primary' },
        { key: 'x_custom', value: '1' },
      ],
    });
  });

  it('treats a socket directory host as a socket and does not percent-decode', () => {
    expect(parsed('host=/var/run/postgresql dbname=a%20b')).toMatchObject({
      hosts: [{ raw: '/var/run/postgresql', host: '/var/run/postgresql', socket: true }],
      database: 'a%20b',
    });
  });

  it('has no hosts when no host keyword is written', () => {
    expect(parsed('dbname=app user=me')).toMatchObject({ hosts: [], database: 'app', user: 'me' });
  });

  it('reads libpq quirks: blanks after = are skipped, so `host= port=1` sets host to "port=1"', () => {
    expect(parsed('dbname=x host= port=1')).toMatchObject({ hosts: [host('port=1')] });
  });

  const errors: Array<[string, string, string, number]> = [
    ['unterminated quote', "host=h password='abc", 'unterminated quoted string in connection info string', 16],
    ['doubled quotes are not an escape in libpq', "host=h password='it''s'", 'missing "=" after a keyword in connection info string', 20],
    ['bare word without =', 'host=h sslmode', 'missing "=" after a keyword in connection info string', 7],
    ['= without keyword', 'host=h =x', 'missing keyword before "=" in connection info string', 7],
    ['non-numeric port', 'host=h port=abc', 'invalid integer value for connection option "port"', 12],
  ];
  it.each(errors)('error: %s', (_name, text, error, offset) => {
    expect(parseConnectionString(text)).toEqual({ ok: false, error, offset });
  });
});
