// The result of `sslguard verify`: what the JSON output prints, field for field. Like the scan
// report it is a contract: fields may be added, never renamed or removed.
import type { EnvironmentInfo, HostClass } from '../model.js';
import type { EffectiveMode, SslMode } from '../policy/connection.js';

/** The modes verify connects with: the four that differ in what they check. */
export const VERIFY_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

export type ProblemId =
  | 'ssl-not-supported'
  | 'no-encryption-rejected'
  | 'self-signed-certificate'
  | 'untrusted-certificate'
  | 'hostname-mismatch'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-expires-soon'
  | 'root-cert-unreadable'
  | 'timeout'
  | 'connection-refused'
  | 'host-not-found'
  | 'not-postgres'
  | 'login-failed'
  | 'connection-failed';

/** Something that went wrong, what it means, and what to change. Texts are masked. */
export interface Problem {
  id: ProblemId;
  message: string;
  fix: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** `DNS:localhost`, `IP Address:127.0.0.1`, as OpenSSL prints them. */
  subjectAltNames: string[];
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter; negative once expired. */
  daysLeft: number;
  selfSigned: boolean;
  fingerprint256: string;
}

/** What the TLS handshake itself shows, independent of any login. */
export interface TlsProbe {
  /** The server's one-byte answer to the SSLRequest: `S` (TLS), `N` (no TLS), `E` (error); absent when it never answered. */
  answer?: 'S' | 'N' | 'E';
  /** The server accepts TLS. */
  offered: boolean;
  /** The address the host name resolved to. */
  address?: string;
  /** `TLSv1.3`. */
  protocol?: string;
  /** IANA/OpenSSL cipher name, `TLS_AES_256_GCM_SHA384`. */
  cipher?: string;
  /** Leaf first. */
  chain: CertificateInfo[];
  /** Whether the chain verifies against the trust anchors the connection would use. */
  trust?: { against: string; verified: boolean; code?: string; error?: string };
  /** `tls.checkServerIdentity` against the host as written (what verify-full checks). */
  hostname?: { name: string; matches: boolean; error?: string };
  problem?: Problem;
}

/**
 * connected: logged in. login-failed: TLS and pg_hba.conf were fine, the credentials were not.
 * refused: the server refused this kind of connection (pg_hba.conf). tls-failed: TLS was not
 * available or did not verify. unreachable: no answer at all (not tried when the probe already
 * failed). failed: anything else (the error says what).
 */
export type ModeStatus = 'connected' | 'login-failed' | 'refused' | 'tls-failed' | 'unreachable' | 'failed';

export interface ModeResult {
  mode: VerifyMode;
  status: ModeStatus;
  /** The driver's error message, masked. */
  error?: string;
  /** `pg_stat_ssl` for this session, when the login succeeded. */
  server?: { ssl: boolean; version?: string; cipher?: string; bits?: number; /** The client certificate's subject, when one was presented. */ clientDn?: string };
  /** How this mode was tried when that differs from its name (`require` with sslrootcert checks the chain). */
  note?: string;
  problem?: Problem;
}

export interface HostVerdict {
  meetsPolicy: boolean;
  /** The weakest mode the policy accepts for this host; `disable` when any mode is fine. */
  required: SslMode;
  /** Why the policy asks for `required`. */
  requiredBecause: string;
  /** One line per reason the host fails the policy. */
  failures: string[];
  /** Advice that does not fail the policy. */
  warnings: string[];
}

export interface HostReport {
  host: string;
  /** `hostaddr`: the address connected to; the certificate is checked against `host`. */
  hostaddr?: string;
  port: number;
  class: HostClass;
  classReason: string;
  /** A Unix-domain socket: TLS does not apply, nothing is probed. */
  socket: boolean;
  tls?: TlsProbe;
  modes: ModeResult[];
  /** The problems found, once each (from the probe and the modes). */
  problems: Problem[];
  /**
   * The login with the mode the connection uses, when TLS got that far: `failed` is a wrong
   * password, role or database (the server's message in `error`), which fails the run.
   */
  login?: { mode: VerifyMode; status: 'succeeded' | 'failed'; error?: string };
  verdict: HostVerdict;
}

export interface ConfiguredMode {
  mode: EffectiveMode;
  /** As written (`sslmode=verify-full`, `PGSSLMODE=require`), or a description of the default. */
  written: string;
  origin: 'sslmode' | 'ssl' | 'sslrootcert' | 'setting' | 'default';
}

export interface VerifyReport {
  version: 1;
  tool: { name: 'sslguard'; version: string };
  target: {
    /** The connection string, masked. */
    connection: string;
    /** Where it came from, with `--from`. */
    source?: { file: string; line: number; column: number; variable?: string; unit?: string };
    environment: EnvironmentInfo;
    configuredMode: ConfiguredMode;
    /** `sslrootcert` as it applies (`system`, or the path), and where it comes from. */
    sslrootcert?: { value: string; from: string };
    /** The program that reads the string, when the extractor knows it. */
    consumer?: string;
  };
  hosts: HostReport[];
  /** Every host meets the policy. */
  meetsPolicy: boolean;
  /** TLS got through but the login with the configured mode failed on some host (exit code 1 too). */
  loginFailed: boolean;
  durationMs: number;
}
