import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { ModeResult, VerifyReport } from '../../src/verify/types.js';
import { TestServer } from './server.js';

// Against a real PostgreSQL server started from the installed binaries: one server, restarted
// only when a describe block needs another certificate, ssl setting or pg_hba.conf.

let server: TestServer;
const now = new Date();

beforeAll(async () => {
  server = await TestServer.create();
}, 60_000);

afterAll(async () => {
  await server?.destroy();
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(['verify', ...args], { cwd: server.dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env, now });
  return { code, out, err };
}

async function verifyJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number; report: VerifyReport; out: string }> {
  const r = await run([...args, '--format', 'json'], env);
  expect(r.err).toBe('');
  return { code: r.code, report: JSON.parse(r.out) as VerifyReport, out: r.out };
}

const modeOf = (report: VerifyReport, mode: string): ModeResult => report.hosts[0]!.modes.find((m) => m.mode === mode)!;
const statuses = (report: VerifyReport) => Object.fromEntries(report.hosts[0]!.modes.map((m) => [m.mode, m.status]));
const problemIds = (report: VerifyReport) => report.hosts[0]!.problems.map((p) => p.id);

function expectNoPassword(text: string): void {
  expect(text).not.toContain(server.password);
  expect(text).not.toContain(encodeURIComponent(server.password));
  expect(text).not.toContain('Tr0ub4dor');
}

function daysLeft(certFile: string): number {
  const cert = new X509Certificate(readFileSync(certFile));
  return Math.floor((new Date(cert.validTo).getTime() - now.getTime()) / 86_400_000);
}

describe('a server with a certificate for localhost', () => {
  beforeAll(() => server.use({ cert: 'localhost', ssl: true, hba: 'host' }), 30_000);

  it('connects in every mode with the right CA, and reports TLS, the chain and the server view', async () => {
    const { code, report, out } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(0);
    expectNoPassword(out);
    expect(report.target.connection).toBe(`postgresql://app:****@localhost:${server.port}/app?sslmode=verify-full&sslrootcert=${server.pki.caFile}`);
    expect(report.target.configuredMode).toEqual({ mode: 'verify-full', written: 'sslmode=verify-full', origin: 'sslmode' });
    const host = report.hosts[0]!;
    expect(host).toMatchObject({ host: 'localhost', port: server.port, class: 'local', socket: false });
    expect(host.tls).toMatchObject({ answer: 'S', offered: true, address: '127.0.0.1', protocol: 'TLSv1.3' });
    expect(host.tls!.cipher).toMatch(/^TLS_(AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
    expect(host.tls!.chain.map((c) => [c.subject, c.issuer, c.selfSigned])).toEqual([
      ['CN=localhost', 'O=sslguard tests, CN=sslguard test CA', false],
      ['O=sslguard tests, CN=sslguard test CA', 'O=sslguard tests, CN=sslguard test CA', true],
    ]);
    expect(host.tls!.chain[0]!.subjectAltNames).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
    expect(host.tls!.chain[0]!.daysLeft).toBe(daysLeft(server.pki.cert('localhost').cert));
    expect(host.tls!.trust).toEqual({ against: `sslrootcert ${server.pki.caFile}`, verified: true });
    expect(host.tls!.hostname).toEqual({ name: 'localhost', matches: true });
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'connected', 'verify-ca': 'connected', 'verify-full': 'connected' });
    // pg_stat_ssl: the server's own view of each session.
    expect(modeOf(report, 'disable').server).toEqual({ ssl: false });
    for (const mode of ['require', 'verify-ca', 'verify-full']) {
      expect(modeOf(report, mode).server).toEqual({ ssl: true, version: 'TLSv1.3', cipher: host.tls!.cipher, bits: expect.any(Number) });
    }
    expect(modeOf(report, 'require').note).toBe('with an sslrootcert file, libpq checks the chain in require mode, as verify-ca does');
    expect(host.problems).toEqual([]);
    expect(host.verdict).toMatchObject({ meetsPolicy: true, required: 'disable', failures: [], warnings: [] });
    expect(report.meetsPolicy).toBe(true);
  });

  it('prints the same as lines, without the password', async () => {
    const r = await run([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(r.code).toBe(0);
    expectNoPassword(r.out);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`Verifying postgresql://app:****@localhost:${server.port}/app?sslmode=verify-full&sslrootcert=${server.pki.caFile}`);
    expect(lines).toContain(`localhost:${server.port}  local (localhost)`);
    expect(lines).toContain('  ✔ TLS offered  the server answered S to the SSLRequest (127.0.0.1)');
    expect(lines).toContain(`  ✔ trusted      the chain verifies against sslrootcert ${server.pki.caFile}`);
    expect(lines).toContain('  ✔ host name    localhost matches the certificate');
    expect(lines).toContain('    ✔ disable      connected; server sees no TLS');
    expect(lines.some((l) => /^ {4}✔ verify-full {2}connected; server sees TLSv1\.3 TLS_\w+ \d+ bits$/.test(l))).toBe(true);
    expect(lines.at(-2)).toMatch(/^✔ meets the policy \(1 host, \d+\.\d s\)$/);
  });

  it('reports each host of a multi-host string', async () => {
    const url = `postgresql://app:${encodeURIComponent(server.password)}@localhost:${server.port},127.0.0.1:${server.port}/app?sslmode=verify-full&sslrootcert=${server.pki.caFile}`;
    const { code, report } = await verifyJson([url]);
    expect(code).toBe(0);
    expect(report.hosts.map((h) => [h.host, h.port, h.tls!.hostname!.matches, h.modes.every((m) => m.status === 'connected')])).toEqual([
      ['localhost', server.port, true, true],
      ['127.0.0.1', server.port, true, true],
    ]);
  });

  it('warns about a certificate that expires within certExpiryDays of the config', async () => {
    writeFileSync(join(server.dir, 'expiry.json'), '{ "certExpiryDays": 400 }\n');
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile }), '--config', 'expiry.json']);
    expect(code).toBe(0);
    const left = daysLeft(server.pki.cert('localhost').cert);
    const problem = report.hosts[0]!.problems.find((p) => p.id === 'certificate-expires-soon')!;
    expect(problem.message).toMatch(new RegExp(`^CN=localhost expires on \\d{4}-\\d{2}-\\d{2}, in ${left} days \\(warning threshold: 400 days\\)$`));
    expect(report.hosts[0]!.verdict.warnings).toEqual([problem.message]);
  });

  it('matches an IP address against the IP entry of subjectAltName', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile }, '127.0.0.1')]);
    expect(code).toBe(0);
    expect(report.hosts[0]!.tls!.hostname).toEqual({ name: '127.0.0.1', matches: true });
    expect(modeOf(report, 'verify-full').status).toBe('connected');
  });

  it('without sslrootcert, explains the self-signed certificate in the chain and fails verify-full', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full' })]);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'connected', 'verify-ca': 'tls-failed', 'verify-full': 'tls-failed' });
    expect(modeOf(report, 'verify-full').error).toBe('self-signed certificate in certificate chain');
    const problem = report.hosts[0]!.problems[0]!;
    expect(problem.id).toBe('self-signed-certificate');
    expect(problem.message).toBe(
      "self-signed certificate in certificate chain: the chain ends in O=sslguard tests, CN=sslguard test CA, which Node's default CA store (no sslrootcert given; node-postgres uses the same) does not trust",
    );
    expect(problem.fix).toMatch(/^Set sslrootcert to the absolute path of the CA that signed the server certificate/);
    expect(report.hosts[0]!.tls!.trust).toMatchObject({ verified: false, code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(report.hosts[0]!.verdict.failures).toEqual([`with verify-full the connection fails: ${problem.message}`]);
  });

  it('with sslrootcert=system, checks against the default store', async () => {
    const { code, report } = await verifyJson([server.url({ sslrootcert: 'system' })]);
    expect(code).toBe(1);
    expect(report.target.configuredMode).toEqual({ mode: 'verify-full', written: 'sslrootcert=system', origin: 'sslrootcert' });
    expect(report.hosts[0]!.tls!.trust!.against).toBe("the system store (sslrootcert=system; checked against Node's default CA store)");
    expect(problemIds(report)).toEqual(['self-signed-certificate']);
  });

  it('with the wrong CA, verify-ca fails as well as require (libpq checks the chain when sslrootcert is a file)', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-ca', sslrootcert: server.pki.otherCaFile })]);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'tls-failed', 'verify-ca': 'tls-failed', 'verify-full': 'tls-failed' });
    expect(report.hosts[0]!.problems[0]!.message).toContain(`which sslrootcert ${server.pki.otherCaFile} does not trust`);
  });

  it('explains an sslrootcert that does not exist', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: 'certs/prod-ca-2021.crt' })]);
    expect(code).toBe(1);
    expect(modeOf(report, 'verify-full')).toMatchObject({ status: 'tls-failed', problem: { id: 'root-cert-unreadable' } });
    expect(report.hosts[0]!.problems.find((p) => p.id === 'root-cert-unreadable')!.message).toBe(
      'sslrootcert certs/prod-ca-2021.crt cannot be read (ENOENT); verify-ca and verify-full fail before connecting',
    );
  });

  it('takes the password from PGPASSWORD, and treats a wrong one as a login failure, not a TLS failure', async () => {
    const noPassword = server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile }, 'localhost', false);
    const ok = await verifyJson([noPassword], { PGPASSWORD: server.password });
    expect(statuses(ok.report)).toEqual({ disable: 'connected', require: 'connected', 'verify-ca': 'connected', 'verify-full': 'connected' });
    const wrong = await verifyJson([noPassword], { PGPASSWORD: 'not-the-password' });
    // TLS is fine, the connection is not: exit 1, and the report says which half failed.
    expect(wrong.code).toBe(1);
    expect(wrong.report.meetsPolicy).toBe(true);
    expect(wrong.report.loginFailed).toBe(true);
    expect(wrong.report.hosts[0]!.login).toEqual({ mode: 'verify-full', status: 'failed', error: 'password authentication failed for user "app"' });
    expect(ok.report.loginFailed).toBe(false);
    expect(ok.report.hosts[0]!.login).toEqual({ mode: 'verify-full', status: 'succeeded' });
    expect(statuses(wrong.report)).toEqual({ disable: 'login-failed', require: 'login-failed', 'verify-ca': 'login-failed', 'verify-full': 'login-failed' });
    expect(modeOf(wrong.report, 'verify-full').error).toBe('password authentication failed for user "app"');
    expect(wrong.report.hosts[0]!.verdict.warnings).toEqual([
      'TLS with verify-full works, but the login failed, so pg_stat_ssl could not be read: password authentication failed for user "app"',
    ]);
  });

  it('says a failed login plainly on its own line, after the TLS verdict', async () => {
    const noPassword = server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile }, 'localhost', false);
    const r = await run([noPassword], { PGPASSWORD: 'not-the-password' });
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^✔ TLS meets the policy \(1 host, \d+\.\d s\)$/);
    expect(lines.at(-1)).toBe(`✖ login failed on localhost:${server.port} with verify-full: password authentication failed for user "app"`);
    expect(r.out).not.toMatch(/^✔ meets the policy/m);
  });

  it('reads PGHOST, PGPORT, PGUSER, PGSSLMODE, PGSSLROOTCERT and PGPASSWORD as libpq does', async () => {
    const env = { PGHOST: 'localhost', PGPORT: String(server.port), PGUSER: 'app', PGSSLMODE: 'verify-full', PGSSLROOTCERT: server.pki.caFile, PGPASSWORD: server.password };
    const { code, report } = await verifyJson(['postgresql:///app'], env);
    expect(code).toBe(0);
    expect(report.target.configuredMode).toEqual({ mode: 'verify-full', written: 'PGSSLMODE=verify-full (environment)', origin: 'setting' });
    expect(report.target.sslrootcert).toEqual({ value: server.pki.caFile, from: 'PGSSLROOTCERT in the environment' });
    expect(report.hosts.map((h) => [h.host, h.port])).toEqual([['localhost', server.port]]);
    expect(report.hosts[0]!.tls!.trust).toEqual({ against: `sslrootcert ${server.pki.caFile}`, verified: true });
    expect(report.hosts[0]!.login).toEqual({ mode: 'verify-full', status: 'succeeded' });
    // The string's own parameters win over the environment.
    const own = await verifyJson([server.url({ sslmode: 'require' })], { PGSSLMODE: 'disable', PGSSLROOTCERT: server.pki.otherCaFile });
    expect(own.report.target.configuredMode.written).toBe('sslmode=require');
  });

  it('presents the client certificate of PGSSLCERT and PGSSLKEY', async () => {
    const { cert, key } = server.pki.cert('client');
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })], { PGSSLCERT: cert, PGSSLKEY: key });
    expect(code).toBe(0);
    expect(modeOf(report, 'verify-full').server).toMatchObject({ ssl: true, clientDn: '/CN=app' });
    // sslcert/sslkey in the string do the same.
    const inString = await verifyJson([server.url({ sslmode: 'require', sslcert: cert, sslkey: key })]);
    expect(modeOf(inString.report, 'require').server).toMatchObject({ ssl: true, clientDn: '/CN=app' });
    const none = await verifyJson([server.url({ sslmode: 'require' })]);
    expect(modeOf(none.report, 'require').server!.clientDn).toBeUndefined();
  });

  it('rejects an sslmode libpq rejects, from the string or PGSSLMODE, as a usage error', async () => {
    const bogus = await run([server.url({ sslmode: 'bogus' })]);
    expect(bogus.code).toBe(2);
    expect(bogus.out).toBe('');
    expect(bogus.err).toBe('sslguard verify: invalid sslmode value "bogus" (sslmode in the connection string); libpq accepts disable, allow, prefer, require, verify-ca, verify-full\n');
    const fromEnv = await run([server.url()], { PGSSLMODE: 'bogus' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.err).toContain('invalid sslmode value "bogus" (PGSSLMODE in the environment)');
  });

  it('verifies a string taken from an env file, in the environment its name gives', async () => {
    writeFileSync(
      join(server.dir, '.env.production'),
      `# local tunnel to the production replica\nDATABASE_URL=${server.url({ sslmode: 'verify-full' })}\nPGSSLROOTCERT=${server.pki.caFile}\n`,
    );
    const { code, report, out } = await verifyJson(['--from', '.env.production:DATABASE_URL']);
    expect(code).toBe(0);
    expectNoPassword(out);
    expect(report.target.source).toEqual({ file: '.env.production', line: 2, column: 14, variable: 'DATABASE_URL', unit: '.env.production' });
    expect(report.target.environment).toEqual({ name: 'production', reason: 'file name `.env.production`' });
    expect(report.target.sslrootcert).toEqual({ value: server.pki.caFile, from: 'PGSSLROOTCERT beside the connection string' });
    expect(report.hosts[0]!.verdict.requiredBecause).toBe('localhost is local (localhost): the traffic stays on this machine');
    expect(statuses(report)['verify-full']).toBe('connected');
  });
});

describe('a server that accepts only TLS (hostssl in pg_hba.conf)', () => {
  beforeAll(() => server.use({ cert: 'localhost', ssl: true, hba: 'hostssl' }), 30_000);

  it('explains the pg_hba.conf rejection of plaintext and fails sslmode=disable', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'disable' })]);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ disable: 'refused', require: 'connected', 'verify-ca': 'tls-failed', 'verify-full': 'tls-failed' });
    const disable = modeOf(report, 'disable');
    expect(disable.error).toBe('no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", no encryption');
    expect(disable.problem!.id).toBe('no-encryption-rejected');
    expect(disable.problem!.fix).toMatch(/only over TLS \(hostssl\).*Use sslmode=verify-full with sslrootcert=<CA file>/);
  });

  it('keeps the refused plaintext mode on its row when the connection uses verify-full', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(0);
    expect(modeOf(report, 'disable').problem!.id).toBe('no-encryption-rejected');
    expect(report.hosts[0]!.problems).toEqual([]);
  });

  it('accepts prefer, which uses TLS when the server offers it', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'prefer', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(0);
    expect(report.hosts[0]!.verdict.warnings).toEqual(['as configured the connection uses require (prefer uses TLS when the server offers it)']);
  });
});

describe('a server whose certificate names another host', () => {
  beforeAll(() => server.use({ cert: 'wrong-name', ssl: true, hba: 'host' }), 30_000);

  it('passes verify-ca and fails verify-full with the host name mismatch and its fix', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'connected', 'verify-ca': 'connected', 'verify-full': 'tls-failed' });
    expect(report.hosts[0]!.tls!.trust).toEqual({ against: `sslrootcert ${server.pki.caFile}`, verified: true });
    expect(report.hosts[0]!.tls!.hostname).toEqual({
      name: 'localhost',
      matches: false,
      error: "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:db.wrong-name.example",
    });
    expect(modeOf(report, 'verify-full').error).toBe(
      "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:db.wrong-name.example",
    );
    const problem = report.hosts[0]!.problems[0]!;
    expect(problem.id).toBe('hostname-mismatch');
    expect(problem.fix).toMatch(/^Connect with a name the certificate lists \(db\.wrong-name\.example\)/);
  });

  it('connects to hostaddr and checks the certificate against the host name, as libpq does', async () => {
    const url = server.url({ hostaddr: '127.0.0.1', sslmode: 'verify-full', sslrootcert: server.pki.caFile }, 'db.wrong-name.example');
    const { code, report } = await verifyJson([url]);
    expect(code).toBe(0);
    const host = report.hosts[0]!;
    expect(host).toMatchObject({ host: 'db.wrong-name.example', hostaddr: '127.0.0.1', port: server.port });
    expect(host.tls).toMatchObject({ answer: 'S', address: '127.0.0.1', hostname: { name: 'db.wrong-name.example', matches: true }, trust: { verified: true } });
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'connected', 'verify-ca': 'connected', 'verify-full': 'connected' });
    expect(host.problems).toEqual([]);
    expect(host.login).toEqual({ mode: 'verify-full', status: 'succeeded' });
    // PGHOSTADDR does the same for a string without hostaddr.
    const env = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile }, 'db.wrong-name.example')], { PGHOSTADDR: '127.0.0.1' });
    expect(env.code).toBe(0);
    expect(statuses(env.report)['verify-full']).toBe('connected');
    // Through hostaddr, the name is still checked: localhost is not on this certificate.
    const wrong = await verifyJson([server.url({ hostaddr: '127.0.0.1', sslmode: 'verify-full', sslrootcert: server.pki.caFile }, 'localhost')]);
    expect(wrong.code).toBe(1);
    expect(modeOf(wrong.report, 'verify-full')).toMatchObject({ status: 'tls-failed', problem: { id: 'hostname-mismatch' } });
    expect(statuses(wrong.report)['verify-ca']).toBe('connected');
  });

  it('meets the policy for a local verify-ca connection', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-ca', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(0);
    expect(report.hosts[0]!.verdict.failures).toEqual([]);
  });
});

describe('a server with an expired certificate', () => {
  beforeAll(() => server.use({ cert: 'expired', ssl: true, hba: 'host' }), 30_000);

  it('fails every mode that checks the chain, saying when it expired', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'tls-failed', 'verify-ca': 'tls-failed', 'verify-full': 'tls-failed' });
    expect(modeOf(report, 'verify-full').error).toBe('certificate has expired');
    const leaf = report.hosts[0]!.tls!.chain[0]!;
    expect(leaf.notAfter).toBe('2024-04-01T00:00:00.000Z');
    expect(leaf.daysLeft).toBe(daysLeft(server.pki.cert('expired').cert));
    expect(leaf.daysLeft).toBeLessThan(0);
    const problem = report.hosts[0]!.problems[0]!;
    expect(problem).toMatchObject({ id: 'certificate-expired', message: `certificate has expired: CN=localhost expired on 2024-04-01 (${-leaf.daysLeft} days ago)` });
    expect(problem.fix).toMatch(/^Renew the server certificate \(ssl_cert_file and ssl_key_file/);
  });

  it('shows the expiry in the lines too', async () => {
    const r = await run([server.url({ sslmode: 'verify-full', sslrootcert: server.pki.caFile })]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('EXPIRED 2024-04-01');
    expect(r.out).toContain('  ✖ trusted      no: certificate has expired: CN=localhost expired on 2024-04-01');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^✖ does not meet the policy \(1 host, \d+\.\d s\)$/);
  });
});

describe('a server with ssl=off', () => {
  beforeAll(() => server.use({ cert: 'localhost', ssl: false, hba: 'host' }), 30_000);

  it('reports the N answer to the SSLRequest and fails every TLS mode', async () => {
    const { code, report } = await verifyJson([server.url({ sslmode: 'require' })]);
    expect(code).toBe(1);
    expect(report.hosts[0]!.tls).toMatchObject({ answer: 'N', offered: false, chain: [] });
    expect(statuses(report)).toEqual({ disable: 'connected', require: 'tls-failed', 'verify-ca': 'tls-failed', 'verify-full': 'tls-failed' });
    expect(modeOf(report, 'require').error).toBe('The server does not support SSL connections');
    expect(modeOf(report, 'disable').server).toEqual({ ssl: false });
    const problem = report.hosts[0]!.problems[0]!;
    expect(problem.id).toBe('ssl-not-supported');
    expect(problem.fix).toMatch(/^Turn TLS on in postgresql\.conf \(ssl = on, ssl_cert_file, ssl_key_file\)/);
  });

  it('meets the policy for sslmode=disable on localhost', async () => {
    const r = await run([server.url({ sslmode: 'disable' })]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  ✖ TLS offered  no: the server answered N to the SSLRequest');
  });
});

describe('the README example', () => {
  beforeAll(() => server.use({ cert: 'wrong-name', ssl: true, hba: 'hostssl' }), 30_000);

  // The README shows this run's output with the temp paths and the port replaced by stable ones.
  it('prints what the README shows', async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Checking a live server'));
    const block = /```console\n([\s\S]*?)```/.exec(section)![1]!;
    const [command, ...shown] = block.trimEnd().split('\n');
    const m = /^\$ sslguard verify "(.+)"$/.exec(command!)!;
    const url = m[1]!.replace('$DB_PASSWORD', encodeURIComponent(server.password)).replace(':5432/', `:${server.port}/`).replace('/etc/ssl/pg', server.pki.dir);
    const r = await run([url]);
    expect(r.code).toBe(1);
    const stable = (text: string) =>
      text
        .split(server.pki.dir)
        .join('/etc/ssl/pg')
        .split(`localhost:${server.port}`)
        .join('localhost:5432')
        // Dates, days left and the cipher depend on the day and the machine the tests run on.
        .replace(/\d{4}-\d{2}-\d{2}/g, 'YYYY-MM-DD')
        .replace(/\(\d+ days left\)/g, '(N days left)')
        .replace(/TLS_[A-Z0-9_]+/g, 'TLS_CIPHER')
        .replace(/\(1 host, \d+\.\d s\)/, '(1 host, N s)');
    expect(stable(r.out.trimEnd())).toBe(stable(shown.join('\n')));
  });
});
