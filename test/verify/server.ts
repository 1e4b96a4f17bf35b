// A throw-away PostgreSQL server and PKI for the verify tests: a CA, server certificates for
// `localhost`, for a wrong name and an expired one, and a data directory, all in one temp dir.
// The server runs as the `postgres` user when the tests run as root (postgres refuses root).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const INSTALL = 'apt-get install -y postgresql';

/** initdb and postgres of the newest installed major version. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return join(root, versions[0]!, 'bin');
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  } catch {
    // no pg_config either
  }
  throw new Error(`the verify tests need the PostgreSQL server binaries (initdb, postgres), which are not installed: ${INSTALL}`);
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('the verify tests need openssl: apt-get install -y openssl');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

export type CertVariant = 'localhost' | 'wrong-name' | 'expired' | 'client';

export interface Pki {
  dir: string;
  caFile: string;
  /** A second CA that signed nothing the server uses. */
  otherCaFile: string;
  cert(variant: CertVariant): { cert: string; key: string };
}

/** `openssl ca` because it is the one OpenSSL 3.0 tool that takes explicit start and end dates. */
const CA_CONFIG = `[ca]
default_ca = test
[test]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[localhost]
basicConstraints = CA:FALSE
subjectAltName = DNS:localhost,IP:127.0.0.1
[wrong-name]
basicConstraints = CA:FALSE
subjectAltName = DNS:db.wrong-name.example
[client]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
`;

export function createPki(dir: string): Pki {
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db', 'index.txt'), '');
  writeFileSync(join(dir, 'db', 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/O=sslguard tests/CN=sslguard test CA', ...caExt], dir);
  openssl(['req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '3650', '-subj', '/CN=unrelated CA', ...caExt], dir);
  const issue = (name: string, cn: string, extensions: string, dates: string[]): void => {
    openssl(['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    openssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.leaf.crt`, '-extensions', extensions, ...dates], dir);
  };
  issue('localhost', 'localhost', 'localhost', ['-days', '365']);
  issue('wrong-name', 'db.wrong-name.example', 'wrong-name', ['-days', '365']);
  issue('expired', 'localhost', 'localhost', ['-startdate', '20240101000000Z', '-enddate', '20240401000000Z']);
  // A client certificate for the role `app` (PGSSLCERT / PGSSLKEY).
  issue('client', 'app', 'client', ['-days', '365']);
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    otherCaFile: join(dir, 'other-ca.crt'),
    cert: (variant) => ({ cert: join(dir, `${variant}.leaf.crt`), key: join(dir, `${variant}.key`) }),
  };
}

export interface ServerVariant {
  cert: CertVariant;
  ssl: boolean;
  /** `host` accepts TLS and plaintext; `hostssl` only TLS. */
  hba: 'host' | 'hostssl';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

export class TestServer {
  readonly user = 'app';
  readonly database = 'app';
  /** Has characters that must be percent-encoded in a URL, so masking and decoding are both exercised. */
  readonly password = 'Tr0ub4dor/&3@x';
  port = 0;
  private child: ChildProcess | undefined;
  private current: ServerVariant | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly pki: Pki,
    private readonly bin: string,
    private readonly owner: { uid: number; gid: number } | undefined,
  ) {}

  static async create(): Promise<TestServer> {
    const bin = postgresBinDir();
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-verify-'));
    const pki = createPki(join(dir, 'pki'));
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      let ids: string[];
      try {
        ids = execFileSync('id', ['postgres'], { encoding: 'utf8' }).match(/uid=(\d+).*gid=(\d+)/)!.slice(1);
      } catch {
        throw new Error(`postgres refuses to run as root and there is no \`postgres\` user to run it as: ${INSTALL} creates it`);
      }
      owner = { uid: Number(ids[0]), gid: Number(ids[1]) };
      chmodSync(dir, 0o755);
      chownTree(dir, owner.uid, owner.gid);
    }
    // The server reads its key only if nobody else can.
    for (const v of ['localhost', 'wrong-name', 'expired', 'client'] as const) chmodSync(pki.cert(v).key, 0o600);
    const server = new TestServer(dir, pki, bin, owner);
    server.run('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
    server.port = await freePort();
    return server;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  private run(program: string, args: string[]): void {
    execFileSync(join(this.bin, program), args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'], ...(this.owner ?? {}) });
  }

  /** Starts the server with `variant`, restarting only when the running one differs. */
  async use(variant: ServerVariant): Promise<void> {
    const c = this.current;
    if (c && this.child && c.cert === variant.cert && c.ssl === variant.ssl && c.hba === variant.hba) return;
    await this.stop();
    writeFileSync(
      join(this.dataDir, 'pg_hba.conf'),
      `local all all trust\n${variant.hba} all all 127.0.0.1/32 scram-sha-256\n${variant.hba} all all ::1/128 scram-sha-256\n`,
    );
    const { cert, key } = this.pki.cert(variant.cert);
    // The server sends its certificate followed by the CA, as managed providers do; clients then
    // see the whole chain ("self-signed certificate in certificate chain" without the CA).
    const chainFile = join(this.pki.dir, `${variant.cert}.chain.crt`);
    if (!existsSync(chainFile)) {
      writeFileSync(chainFile, readFileSync(cert, 'utf8') + readFileSync(this.pki.caFile, 'utf8'));
      if (this.owner) chownSync(chainFile, this.owner.uid, this.owner.gid);
    }
    const args = [
      '-D', this.dataDir,
      '-c', `port=${this.port}`,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${this.dir}`,
      '-c', `ssl=${variant.ssl ? 'on' : 'off'}`,
      '-c', `ssl_cert_file=${chainFile}`,
      '-c', `ssl_key_file=${key}`,
      // The server asks for a client certificate (pg_hba.conf does not require one), so
      // pg_stat_ssl shows the one a client presents.
      '-c', `ssl_ca_file=${this.pki.caFile}`,
      '-c', 'fsync=off',
    ];
    this.log = '';
    const child = spawn(join(this.bin, 'postgres'), args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'], ...(this.owner ?? {}) });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`postgres did not start within 20 s:\n${this.log}`)), 20_000);
      child.stderr!.on('data', (d: Buffer) => {
        this.log += d.toString();
        if (this.log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited with ${code}:\n${this.log}`));
      });
    });
    this.current = variant;
    await this.ensureRole();
  }

  private roleReady = false;

  private async ensureRole(): Promise<void> {
    if (this.roleReady) return;
    const admin = new pg.Client({ host: this.dir, port: this.port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${this.user} LOGIN PASSWORD '${this.password.replace(/'/g, "''")}'`);
      await admin.query(`CREATE DATABASE ${this.database} OWNER ${this.user}`);
    } finally {
      await admin.end();
    }
    this.roleReady = true;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.current = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      // SIGINT is postgres' fast shutdown: it ends sessions and exits without waiting for clients.
      child.kill('SIGINT');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** `postgresql://app:<encoded password>@host:port/app?…` */
  url(params: Record<string, string> = {}, host = 'localhost', withPassword = true): string {
    // Written as people write them (paths unencoded); libpq and sslguard both accept that.
    const query = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const auth = withPassword ? `${this.user}:${encodeURIComponent(this.password)}` : this.user;
    return `postgresql://${auth}@${host}:${this.port}/${this.database}${query ? `?${query}` : ''}`;
  }
}
