// The TLS handshake on its own, to see what node-postgres cannot show: pg never exposes the peer
// certificate (its TLS socket is internal), so verify writes the one message that precedes TLS in
// the Postgres protocol — the 8-byte SSLRequest — itself, reads the server's one-byte answer, and
// hands the socket to node:tls for the handshake. Nothing else of the protocol is hand-written:
// logins and queries go through pg (modes.ts).
import { connect as netConnect, isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import { chainOf } from './certificates.js';
import {
  certificateProblem,
  errorCode,
  errorMessage,
  networkProblem,
  sslNotSupportedProblem,
  timeoutProblem,
  type ExplainContext,
} from './explain.js';
import type { TlsProbe } from './types.js';

/** Int32 length 8, then the SSLRequest code 80877103 (1234 << 16 | 5679), big-endian. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

export interface ProbeOptions {
  host: string;
  /** `hostaddr`: connect here instead of resolving `host`; names are still checked against `host`. */
  address?: string;
  /** Client certificate and key (PEM), presented when the server asks for one. */
  cert?: string;
  key?: string;
  port: number;
  /** PEM trust anchors; undefined for Node's default CA store. */
  ca?: string;
  trustLabel: string;
  timeoutMs: number;
  now: Date;
}

export function probeTls(options: ProbeOptions): Promise<TlsProbe> {
  const { host, port, timeoutMs } = options;
  const ctx: ExplainContext = { host, port, timeoutMs, trustLabel: options.trustLabel };
  return new Promise((resolve) => {
    let settled = false;
    let stage = 'waiting for the TCP connection';
    let secure: TLSSocket | undefined;
    const socket = netConnect({ host: options.address ?? host, port });
    const finish = (probe: TlsProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      secure?.destroy();
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => finish({ offered: false, chain: [], problem: timeoutProblem(ctx, stage) }), timeoutMs);
    socket.once('error', (error) => {
      const problem = networkProblem(error, ctx) ?? { id: 'connection-failed' as const, message: errorMessage(error), fix: 'Check the host and port.' };
      finish({ offered: false, chain: [], problem });
    });
    socket.once('close', () =>
      finish({
        offered: false,
        chain: [],
        problem: {
          id: 'not-postgres',
          message: `${host}:${port} closed the connection without answering the SSLRequest`,
          fix: `Check that this is the Postgres port (a pooler or proxy in front of it must speak the Postgres protocol).`,
        },
      }),
    );
    socket.once('connect', () => {
      stage = 'waiting for the answer to the SSLRequest';
      socket.write(SSL_REQUEST);
    });
    socket.once('data', (data) => {
      const address = socket.remoteAddress;
      const answer = String.fromCharCode(data[0]!);
      const base = { ...(address ? { address } : {}), chain: [] as TlsProbe['chain'] };
      if (answer === 'N') {
        finish({ answer: 'N', offered: false, ...base, problem: sslNotSupportedProblem(ctx) });
        return;
      }
      if (answer !== 'S') {
        finish({
          ...(answer === 'E' ? { answer: 'E' as const } : {}),
          offered: false,
          ...base,
          problem: {
            id: answer === 'E' ? 'connection-failed' : 'not-postgres',
            message:
              answer === 'E'
                ? `${host}:${port} answered the SSLRequest with an error message`
                : `${host}:${port} answered the SSLRequest with byte 0x${data[0]!.toString(16).padStart(2, '0')}, not S or N: this is not a Postgres server`,
            fix: `Check the host and port: the port must be the Postgres server's or a Postgres-aware pooler's.`,
          },
        });
        return;
      }
      stage = 'during the TLS handshake';
      socket.removeAllListeners('close');
      // Verification is judged, not enforced, here: the handshake must complete so that the chain
      // can be shown even when it would fail verification.
      secure = tlsConnect({
        socket,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        ...(options.cert !== undefined && options.key !== undefined ? { cert: options.cert, key: options.key } : {}),
        rejectUnauthorized: false,
        // Node folds the host name check into `authorized`; here `authorized` must mean the chain
        // alone, and the name is checked on its own below.
        checkServerIdentity: () => undefined,
      });
      secure.once('error', (error) => {
        finish({
          answer: 'S',
          offered: true,
          ...base,
          problem: certificateProblem(errorCode(error) ?? '', ctx) ?? {
            id: 'connection-failed',
            message: `TLS handshake failed: ${errorMessage(error)}`,
            fix: `Compare with openssl s_client -starttls postgres -connect ${host}:${port}; the server may require a TLS version or cipher this client does not offer.`,
          },
        });
      });
      secure.once('close', () =>
        finish({
          answer: 'S',
          offered: true,
          ...base,
          problem: {
            id: 'connection-failed',
            message: 'SSL connection has been closed unexpectedly: the server ended the TLS handshake',
            fix: `Look at the server log; compare with openssl s_client -starttls postgres -connect ${host}:${port}.`,
          },
        }),
      );
      secure.once('secureConnect', () => {
        const tls = secure!;
        const chain = chainOf(tls.getPeerCertificate(true), options.now);
        const code = tls.authorized ? undefined : String(tls.authorizationError ?? 'UNKNOWN');
        const trustProblem = code ? certificateProblem(code, { ...ctx, chain }) : undefined;
        const identity = checkServerIdentity(host, tls.getPeerCertificate());
        const protocol = tls.getProtocol();
        const probe: TlsProbe = {
          answer: 'S',
          offered: true,
          ...(address ? { address } : {}),
          ...(protocol ? { protocol } : {}),
          cipher: tls.getCipher().standardName ?? tls.getCipher().name,
          chain,
          trust: {
            against: options.trustLabel,
            verified: tls.authorized,
            ...(code ? { code, error: trustProblem?.message ?? code } : {}),
          },
          hostname: { name: host, matches: identity === undefined, ...(identity ? { error: identity.message } : {}) },
        };
        finish(probe);
      });
    });
  });
}
