// The server's certificate chain as verify prints it, read with node:crypto from what the TLS
// handshake delivered.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';
import type { CertificateInfo } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Leaf first, up to the last certificate the server sent or the trust store supplied. */
export function chainOf(peer: DetailedPeerCertificate, now: Date): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  let current: DetailedPeerCertificate | undefined = peer;
  // A self-signed root is its own issuerCertificate; `seen` ends the walk there.
  while (current && current.raw && !seen.has(current)) {
    seen.add(current);
    chain.push(describe(new X509Certificate(current.raw), now));
    current = current.issuerCertificate;
  }
  return chain;
}

export function describe(cert: X509Certificate, now: Date): CertificateInfo {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    subjectAltNames: cert.subjectAltName ? cert.subjectAltName.split(', ') : [],
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    selfSigned: cert.subject === cert.issuer && cert.verify(cert.publicKey),
    fingerprint256: cert.fingerprint256,
  };
}

/** `C=US\nO=Acme\nCN=db` → `C=US, O=Acme, CN=db`. */
function oneLine(dn: string): string {
  return dn.split('\n').filter((part) => part !== '').join(', ');
}
