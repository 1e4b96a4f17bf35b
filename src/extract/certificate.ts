import { X509Certificate } from 'node:crypto';
import type { CertificateFact, Diagnostic, EnvironmentInfo, FileFormat, Span } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { SourceText } from '../text/source.js';
import { environmentOfPath } from '../policy/environment.js';
import type { Extractor, ExtractInput, ExtractResult } from './sink.js';

// Certificates produce no connection or setting facts, so this module builds its facts directly
// instead of going through FactSink (and stays free of the connection-string layer).

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
const UNREADABLE = 'not a readable certificate';

/** Password-protected containers: nothing can be read without the password, and that is fine. */
const CONTAINER_EXTENSIONS = ['.p12', '.pfx'];

interface ParsedCertificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

/** OpenSSL prints `Jan  1 00:00:00 2020 GMT`; the fact model wants ISO 8601. */
function isoDate(openssl: string): string {
  const d = new Date(openssl);
  return Number.isNaN(d.getTime()) ? openssl : d.toISOString();
}

/** Multi-line distinguished names (`C=US\nO=Acme\nCN=db`) become one line for messages. */
function oneLine(dn: string): string {
  return dn.split('\n').filter((part) => part !== '').join(', ');
}

function parseDer(der: Buffer): ParsedCertificate | undefined {
  if (der.length === 0) return undefined;
  try {
    const cert = new X509Certificate(der);
    return {
      subject: oneLine(cert.subject),
      issuer: oneLine(cert.issuer),
      notBefore: isoDate(cert.validFrom),
      notAfter: isoDate(cert.validTo),
    };
  } catch {
    return undefined;
  }
}

/**
 * The DER bytes of the base64 text between the PEM markers. Decoding the base64 ourselves (rather
 * than handing OpenSSL a re-assembled PEM) lets one path handle every way a block is embedded:
 * YAML block scalars (indented lines), JSON and env strings with literal `\n` escapes (and JSON's
 * `\/`), and source strings split with `" + "`. Everything that is not base64 must be one of those
 * wrappers; anything else means the block is not a certificate we can read.
 */
function pemBodyToDer(body: string): Buffer | undefined {
  const cleaned = body
    .replace(/\\[nrt]/g, '')
    .replace(/\\\//g, '/')
    .replace(/\\\r?\n/g, '')
    .replace(/["'`]\s*\+\s*["'`]/g, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cleaned) || cleaned.length % 4 !== 0) return undefined;
  return Buffer.from(cleaned, 'base64');
}

interface Block {
  start: number;
  end: number;
  der: Buffer | undefined;
  /** The body is base64 text (in quotes or escapes at most): a block meant to be a certificate. */
  base64: boolean;
}

/** Every complete BEGIN/END CERTIFICATE block of a text; an unterminated BEGIN is skipped. */
function pemBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(BEGIN, from);
    if (start < 0) break;
    const bodyStart = start + BEGIN.length;
    const endMarker = text.indexOf(END, bodyStart);
    if (endMarker < 0) break;
    const nextBegin = text.indexOf(BEGIN, bodyStart);
    if (nextBegin >= 0 && nextBegin < endMarker) {
      from = nextBegin;
      continue;
    }
    const end = endMarker + END.length;
    const body = text.slice(bodyStart, endMarker);
    blocks.push({ start, end, der: pemBodyToDer(body), base64: /^[A-Za-z0-9+/=\s"'`+\\]*$/.test(body.replace(/\\[nrt]/g, '')) });
    from = end;
  }
  return blocks;
}

function fact(
  file: string,
  format: FileFormat,
  span: Span,
  environment: EnvironmentInfo,
  cert: ParsedCertificate,
  inline: boolean,
): CertificateFact {
  return { kind: 'certificate', file, format, span, environment, ...cert, inline };
}

function diagnosticAt(file: string, message: string, source?: SourceText, offset?: number): Diagnostic {
  if (!source || offset === undefined) return { file, message };
  return { file, message, ...source.position(offset) };
}

function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}

/**
 * Facts for a certificate file (`.crt`, `.pem`, `.cer`, `.der`): each CERTIFICATE block of a PEM
 * file or bundle, or the whole file as DER. PEM files holding only keys yield nothing.
 */
export function certificatesFromBytes(file: string, bytes: Buffer, config?: ResolvedConfig, scopePath?: string): ExtractResult {
  const result: ExtractResult = { facts: [], diagnostics: [] };
  if (CONTAINER_EXTENSIONS.includes(extensionOf(file))) return result;
  const environment = environmentOfPath(file, config, scopePath);

  // PEM is ASCII armour; a DER certificate starts with a SEQUENCE byte (0x30) and never holds the marker.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('-----BEGIN ')) {
    const source = new SourceText(text);
    for (const block of pemBlocks(text)) {
      const cert = block.der && parseDer(block.der);
      if (cert) result.facts.push(fact(file, 'certificate', source.span(block.start, block.end), environment, cert, false));
      else result.diagnostics.push(diagnosticAt(file, `${UNREADABLE} (broken PEM block)`, source, block.start));
    }
    return result;
  }

  const cert = parseDer(bytes);
  if (cert) {
    const span: Span = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
    result.facts.push(fact(file, 'certificate', span, environment, cert, false));
  } else {
    result.diagnostics.push(diagnosticAt(file, `${UNREADABLE} (neither PEM nor DER)`));
  }
  return result;
}

/** The format an inline certificate is reported under, from the file name of its host file. */
export function inlineFormatOf(file: string): FileFormat {
  const base = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  if (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) return 'env';
  const ext = extensionOf(base);
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json' || ext === '.jsonc' || ext === '.json5') return 'json';
  return 'source';
}

/** An inline-PEM extractor that reports facts under a given format (`kubernetes`, `compose`, `mcp`, …). */
export function inlinePemExtractor(format?: FileFormat): Extractor {
  return (input: ExtractInput): ExtractResult => {
    const result: ExtractResult = { facts: [], diagnostics: [] };
    // Most files hold no certificate; do not build line tables for them.
    if (input.text.indexOf(BEGIN) < 0) return result;
    const source = new SourceText(input.text);
    const environment = environmentOfPath(input.file, input.config, input.scopePath);
    const fmt = format ?? inlineFormatOf(input.file);
    for (const block of pemBlocks(input.text)) {
      const cert = block.der && parseDer(block.der);
      if (cert) result.facts.push(fact(input.file, fmt, source.span(block.start, block.end), environment, cert, true));
      // A block whose body is no base64 at all is a placeholder (`<your CA here>`) or commented out
      // (`#` before every line): documentation, nothing to read. Base64 that is no certificate is.
      else if (block.base64) result.diagnostics.push(diagnosticAt(input.file, `${UNREADABLE} (inline PEM block)`, source, block.start));
    }
    return result;
  };
}

/** Every inline `-----BEGIN CERTIFICATE-----` block of a text file, format derived from the file name. */
export const extractInlinePem: Extractor = inlinePemExtractor();
