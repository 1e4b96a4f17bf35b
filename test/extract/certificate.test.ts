import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateFact } from '../../src/model.js';
import { certificatesFromBytes, extractInlinePem, inlinePemExtractor } from '../../src/extract/certificate.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

// Real certificates, made by openssl for each run: a fresh self-signed server certificate and an
// expired one with fixed dates (OpenSSL 3.0's `req -x509` cannot backdate, `ca -selfsign` can).
let dir: string;
let leafPem: string;
let expiredPem: string;
let keyPem: string;
let leafDer: Buffer;
let p12: Buffer;

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl not found: apt-get install -y openssl');
    throw e;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sslguard-cert-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.pem', '-days', '90',
    '-subj', '/C=US/O=Acme Corp/CN=db.acme.internal']);
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', 'dir = .', 'database = index.txt', 'new_certs_dir = .',
    'serial = serial', 'default_md = sha256', 'policy = policy_any', 'unique_subject = no',
    '[ policy_any ]', 'commonName = supplied', '',
  ].join('\n'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl(['req', '-new', '-key', 'leaf.key', '-out', 'old.csr', '-subj', '/CN=old-rds-ca.exemplar.io']);
  openssl(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'leaf.key', '-in', 'old.csr', '-out', 'expired.pem',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext']);
  openssl(['x509', '-in', 'leaf.pem', '-outform', 'DER', '-out', 'leaf.der']);
  openssl(['pkcs12', '-export', '-in', 'leaf.pem', '-inkey', 'leaf.key', '-out', 'leaf.p12', '-passout', 'pass:hunter2']);
  leafPem = readFileSync(join(dir, 'leaf.pem'), 'utf8');
  expiredPem = readFileSync(join(dir, 'expired.pem'), 'utf8');
  keyPem = readFileSync(join(dir, 'leaf.key'), 'utf8');
  leafDer = readFileSync(join(dir, 'leaf.der'));
  p12 = readFileSync(join(dir, 'leaf.p12'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lines = (s: string): string[] => s.replace(/\n$/, '').split('\n');
const END_COLUMN = '-----END CERTIFICATE-----'.length + 1;

describe('certificatesFromBytes', () => {
  it('reads a PEM certificate file with subject, issuer, ISO dates and the block span', () => {
    const { facts, diagnostics } = certificatesFromBytes('certs/server.crt', Buffer.from(leafPem), DEFAULT_CONFIG);
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    const f = facts[0] as CertificateFact;
    expect(f).toMatchObject({
      kind: 'certificate',
      file: 'certs/server.crt',
      format: 'certificate',
      subject: 'C=US, O=Acme Corp, CN=db.acme.internal',
      issuer: 'C=US, O=Acme Corp, CN=db.acme.internal',
      inline: false,
      environment: { name: 'unknown' },
    });
    expect(f.notBefore).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(Date.parse(f.notAfter) - Date.parse(f.notBefore)).toBe(90 * 86_400_000);
    const n = lines(leafPem).length;
    expect(f.span).toEqual({ start: 0, end: leafPem.trimEnd().length, line: 1, column: 1, endLine: n, endColumn: END_COLUMN });
  });

  it('reads fixed validity dates of an expired certificate', () => {
    const f = certificatesFromBytes('expired.pem', Buffer.from(expiredPem)).facts[0] as CertificateFact;
    expect(f.subject).toBe('CN=old-rds-ca.exemplar.io');
    expect(f.notBefore).toBe('2020-01-01T00:00:00.000Z');
    expect(f.notAfter).toBe('2021-01-01T00:00:00.000Z');
  });

  it('reads each certificate of a CA bundle with comments between blocks', () => {
    const bundle = `# Leaf\n${leafPem}\n# Old RDS root\r\n${expiredPem}`;
    const { facts, diagnostics } = certificatesFromBytes('certs/production/rds-bundle.pem', Buffer.from(bundle));
    expect(diagnostics).toEqual([]);
    expect(facts.map((f) => (f as CertificateFact).subject)).toEqual(['C=US, O=Acme Corp, CN=db.acme.internal', 'CN=old-rds-ca.exemplar.io']);
    const leafLines = lines(leafPem).length;
    expect(facts[0]!.span).toMatchObject({ line: 2, column: 1, endLine: 1 + leafLines, endColumn: END_COLUMN });
    // line 1 comment, leaf, blank line, CRLF comment, then the second block.
    const secondStart = 1 + leafLines + 3;
    expect(facts[1]!.span).toMatchObject({ line: secondStart, column: 1, endLine: secondStart + lines(expiredPem).length - 1, endColumn: END_COLUMN });
    expect(bundle.slice(facts[1]!.span.start, facts[1]!.span.end)).toBe(expiredPem.trimEnd());
    expect(facts.every((f) => f.environment.name === 'production')).toBe(true);
  });

  it('reads a DER certificate as one fact at line 1, column 1', () => {
    const { facts, diagnostics } = certificatesFromBytes('certs/server.der', leafDer);
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({ subject: 'C=US, O=Acme Corp, CN=db.acme.internal', format: 'certificate', inline: false });
    expect(facts[0]!.span).toEqual({ start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 });
  });

  it('reports a file that is neither PEM nor DER without throwing', () => {
    const { facts, diagnostics } = certificatesFromBytes('certs/ca.cer', Buffer.from('this is not a certificate\n'));
    expect(facts).toEqual([]);
    expect(diagnostics).toEqual([{ file: 'certs/ca.cer', message: 'not a readable certificate (neither PEM nor DER)' }]);
    expect(certificatesFromBytes('empty.crt', Buffer.alloc(0)).diagnostics).toHaveLength(1);
  });

  it('reports a truncated PEM block at its line and still reads the good one', () => {
    const broken = lines(expiredPem);
    broken.splice(2, 3);
    const text = `${leafPem}${broken.join('\n')}\n`;
    const { facts, diagnostics } = certificatesFromBytes('bundle.pem', Buffer.from(text));
    expect(facts).toHaveLength(1);
    expect(diagnostics).toEqual([
      { file: 'bundle.pem', line: lines(leafPem).length + 1, column: 1, message: 'not a readable certificate (broken PEM block)' },
    ]);
  });

  it('yields nothing for a PEM file with only a private key', () => {
    expect(certificatesFromBytes('certs/server.pem', Buffer.from(keyPem))).toEqual({ facts: [], diagnostics: [] });
  });

  it('yields nothing for password-protected .p12/.pfx containers', () => {
    expect(certificatesFromBytes('certs/client.p12', p12)).toEqual({ facts: [], diagnostics: [] });
    expect(certificatesFromBytes('certs/client.PFX', p12)).toEqual({ facts: [], diagnostics: [] });
  });
});

describe('extractInlinePem', () => {
  it('finds a certificate in a Kubernetes ConfigMap block scalar with the exact span', () => {
    const body = lines(expiredPem).map((l) => `    ${l}`).join('\n');
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: pg-ca',
      '  namespace: production',
      'data:',
      '  PGSSLMODE: verify-full',
      '  root.crt: |',
      body,
      '  other: value',
      '',
    ].join('\n');
    const { facts, diagnostics } = extractInlinePem({ file: 'k8s/pg-ca.yaml', text: yaml });
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    const n = lines(expiredPem).length;
    expect(facts[0]).toMatchObject({
      kind: 'certificate',
      format: 'yaml',
      inline: true,
      subject: 'CN=old-rds-ca.exemplar.io',
      notAfter: '2021-01-01T00:00:00.000Z',
      span: { line: 9, column: 5, endLine: 9 + n - 1, endColumn: 4 + END_COLUMN },
    });
    expect(yaml.slice(facts[0]!.span.start, facts[0]!.span.end)).toBe(body.trim());
  });

  it('finds a certificate in a .env value with literal \\n escapes', () => {
    const escaped = expiredPem.trimEnd().split('\n').join('\\n');
    const env = `DATABASE_URL=postgres://app@db.acme.internal:5432/app?sslmode=verify-full\nPG_CA_CERT="${escaped}\\n"\n`;
    const { facts, diagnostics } = extractInlinePem({ file: '.env.production', text: env });
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    const startCol = 'PG_CA_CERT="'.length + 1;
    expect(facts[0]).toMatchObject({
      format: 'env',
      inline: true,
      subject: 'CN=old-rds-ca.exemplar.io',
      environment: { name: 'production' },
      span: { line: 2, column: startCol, endLine: 2, endColumn: startCol + escaped.length },
    });
  });

  it('finds certificates in a JSON string with \\n and \\/ escapes', () => {
    const escaped = leafPem.trimEnd().split('\n').join('\\n').replace(/\//g, '\\/');
    const json = `{\n  "ssl": {\n    "ca": "${escaped}"\n  }\n}\n`;
    const { facts, diagnostics } = extractInlinePem({ file: 'config/db.json', text: json });
    expect(diagnostics).toEqual([]);
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({ format: 'json', subject: 'C=US, O=Acme Corp, CN=db.acme.internal', span: { line: 3, column: 12, endLine: 3 } });
  });

  it('finds a certificate split over concatenated strings in source code', () => {
    const parts = lines(expiredPem).map((l) => `  '${l}\\n'`).join(' +\n');
    const ts = `import { Pool } from 'pg';\nconst ca =\n${parts};\nexport const pool = new Pool({ ssl: { ca } });\n`;
    const { facts, diagnostics } = extractInlinePem({ file: 'src/db.ts', text: ts });
    expect(diagnostics).toEqual([]);
    expect(facts).toMatchObject([{ format: 'source', subject: 'CN=old-rds-ca.exemplar.io', span: { line: 3, column: 4 } }]);
  });

  it('uses the format it is given', () => {
    const yaml = `data:\n  ca.crt: |\n${lines(leafPem).map((l) => `    ${l}`).join('\n')}\n`;
    const { facts } = inlinePemExtractor('kubernetes')({ file: 'deploy/secret.yaml', text: yaml });
    expect(facts).toMatchObject([{ format: 'kubernetes', inline: true }]);
  });

  it('reports an unreadable inline block and ignores files without one', () => {
    const text = 'CA="-----BEGIN CERTIFICATE-----\\nMIIBnotAcertificateAtAllButBase64=\\n-----END CERTIFICATE-----"\n';
    expect(extractInlinePem({ file: '.env', text })).toEqual({
      facts: [],
      diagnostics: [{ file: '.env', line: 1, column: 5, message: 'not a readable certificate (inline PEM block)' }],
    });
    expect(extractInlinePem({ file: '.env', text: 'PGSSLROOTCERT=/etc/ssl/certs/rds-ca.pem\n' })).toEqual({ facts: [], diagnostics: [] });
    expect(extractInlinePem({ file: '.env', text: 'CA=-----BEGIN CERTIFICATE-----\nMIIB\n' })).toEqual({ facts: [], diagnostics: [] });
  });

  it('stays silent on a placeholder or commented-out block: documentation, not a certificate to read', () => {
    for (const text of [
      'tls:\n  # ca: |\n  #   -----BEGIN CERTIFICATE-----\n  #   <your CA here>\n  #   -----END CERTIFICATE-----\n',
      'CA="-----BEGIN CERTIFICATE-----\\n...\\n-----END CERTIFICATE-----"\n',
    ]) expect(extractInlinePem({ file: 'values.yaml', text })).toEqual({ facts: [], diagnostics: [] });
  });
});
