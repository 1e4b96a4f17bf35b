import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { VerifyReport } from '../../src/verify/types.js';

// verify without a Postgres server: usage errors, and servers that never answer, refuse, or are
// not Postgres at all.

const cwd = mkdtempSync(join(tmpdir(), 'sslguard-verify-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['verify', ...args], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {} });
  return { code, out, err };
}

function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(onConnection);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('sslguard verify usage', () => {
  it.each([
    [[], 'a connection string or --from FILE[:VAR] is required'],
    [['postgres://a@h/db', 'postgres://b@h/db'], 'give one connection string (quote it: it contains ? and &)'],
    [['postgres://a@h/db', '--from', '.env'], 'give either a connection string or --from, not both'],
    [['postgres://a@h/db', '--environment', 'prod'], '--environment must be one of production, staging, development, unknown, not "prod"'],
    [['postgres://a@h/db', '--timeout', '0'], '--timeout must be a positive number of seconds, not "0"'],
    [['postgres://a@h/db', '--format', 'sarif'], 'unknown --format "sarif" (expected stylish, json)'],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe(`sslguard verify: ${message}`);
    expect(r.err).toContain('Usage: sslguard verify <connection-string> [options]');
  });

  it('exits 2 on a string it cannot use, masking the password in the message', async () => {
    const r = await run(['postgresql://app:hunter2@${DB_HOST}:5432/app']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('sslguard verify: postgresql://app:****@${DB_HOST}:5432/app: the host `${DB_HOST}` is a variable reference; verify needs the real host name\n');
  });

  it('prints its help with exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: sslguard verify <connection-string> \[options\]\n {7}sslguard verify --from FILE\[:VAR\] \[options\]\n/);
    expect(r.out).toContain('Exit codes: 0 the connection meets the policy and the login works, 1 it does not meet the policy or\nthe login failed, 2 usage or config error (an sslmode libpq does not accept is one).');
  });

  it('is dispatched by the built binary', () => {
    const root = join(import.meta.dirname, '..', '..');
    if (!existsSync(join(root, 'dist', 'src', 'verify', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'sslguard.js'), 'verify', '--environment', 'nowhere', 'postgres://a@h/db'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sslguard verify: --environment must be one of/);
  });
});

describe('sslguard verify against servers that do not answer as Postgres does', () => {
  const sockets: Socket[] = [];
  let silent: { server: Server; port: number };
  let http: { server: Server; port: number };
  let closedPort: number;

  beforeAll(async () => {
    // Accepts the TCP connection and never says a word, like a firewall that black-holes the SSLRequest.
    silent = await listen((s) => sockets.push(s));
    http = await listen((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const closed = await listen(() => undefined);
    closedPort = closed.port;
    await new Promise((r) => closed.server.close(r));
  });

  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent.server.close();
    http.server.close();
  });

  it('bounds a silent server by --timeout and does not try the four modes', async () => {
    const started = Date.now();
    const r = await run([`postgresql://app@127.0.0.1:${silent.port}/app?sslmode=verify-full`, '--timeout', '0.5', '--format', 'json']);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as VerifyReport;
    const host = report.hosts[0]!;
    expect(host.problems).toEqual([
      {
        id: 'timeout',
        message: `127.0.0.1:${silent.port} did not answer within 0.5 s (waiting for the answer to the SSLRequest)`,
        fix: expect.stringMatching(/^Check the host and port \(Supabase: 5432 for direct and session pooler, 6543 for the transaction pooler\)/),
      },
    ]);
    expect(host.modes.map((m) => [m.mode, m.status, m.error])).toEqual(
      ['disable', 'require', 'verify-ca', 'verify-full'].map((m) => [m, 'unreachable', `not tried: 127.0.0.1:${silent.port} did not answer within 0.5 s (waiting for the answer to the SSLRequest)`]),
    );
    expect(host.verdict.failures).toEqual([`with verify-full the connection fails: 127.0.0.1:${silent.port} did not answer within 0.5 s (waiting for the answer to the SSLRequest)`]);
  });

  it('explains a refused connection', async () => {
    const r = await run([`postgresql://app@127.0.0.1:${closedPort}/app?sslmode=require`, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as VerifyReport;
    expect(report.hosts[0]!.problems.map((p) => [p.id, p.message])).toEqual([['connection-refused', `nothing accepts connections on 127.0.0.1:${closedPort} (ECONNREFUSED)`]]);
  });

  it('recognises a server that is not Postgres', async () => {
    const r = await run([`postgresql://app@127.0.0.1:${http.port}/app?sslmode=require`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`not-postgres: 127.0.0.1:${http.port} answered the SSLRequest with byte 0x48, not S or N: this is not a Postgres server`);
  });
});
