import { createHash } from 'node:crypto';
import type { Finding } from '../model.js';
import { SourceText } from '../text/source.js';
import { maskSecrets, MASK } from '../connection/mask.js';
import { primaryLocationLineHashes } from './line-hash.js';

/**
 * Stable identities for findings, so that code scanning (SARIF `partialFingerprints`) and
 * baselines recognise a finding across commits. A fingerprint depends on the rule, the flagged
 * line(s) with whitespace normalised, and the finding's rank among the findings of its file that
 * share both: never on line numbers, so adding or moving unrelated lines keeps it. Editing the
 * flagged line itself gives a new fingerprint, which is what a reviewer expects (it is a new
 * piece of configuration).
 *
 * The path is not hashed: every consumer pairs the fingerprint with the file it points into
 * (GitHub combines `partialFingerprints` with the repository, path and rule; a baseline entry
 * names its file), and the SARIF specification asks tools to leave out of `partialFingerprints`
 * what a reader can deduce from the result's location. Kept out, the fingerprint is the same
 * whatever directory sslguard runs from, which is what lets a baseline written at the repository
 * root match a scan of one package (paths are relative to the working directory).
 */

/** Bump when the recipe changes: consumers compare fingerprints of the same version only. */
export const FINGERPRINT_VERSION = 2;

/** Key under which SARIF carries the fingerprint (GitHub reserves `primaryLocationLineHash`). */
export const FINGERPRINT_KEY = `sslguard/v${FINGERPRINT_VERSION}`;

export interface FingerprintSource {
  /** Decoded text of the file; absent for binary files (DER, PKCS#12). */
  text?: string;
  /** Offsets of secrets (literal passwords) in `text`: masked before hashing, so no hash of a secret is ever stored. */
  secrets?: readonly { start: number; end: number }[];
}

/**
 * A file's line index and sorted secret ranges, built once per file: rebuilt for every finding,
 * fingerprints took time quadratic in the findings of a file (10,000 findings in one `.env`: 10 s).
 */
interface PreparedSource {
  text: string;
  lines: SourceText;
  /** Sorted by start; `reach[i]` is the largest end among the first i + 1. */
  secrets: Array<{ start: number; end: number }>;
  reach: number[];
}

function prepare(source: FingerprintSource | undefined): PreparedSource | undefined {
  if (source?.text === undefined) return undefined;
  const secrets = [...(source.secrets ?? [])].sort((a, b) => a.start - b.start);
  const reach: number[] = [];
  for (const s of secrets) reach.push(Math.max(s.end, reach.at(-1) ?? -Infinity));
  return { text: source.text, lines: new SourceText(source.text), secrets, reach };
}

/** The flagged lines, secrets masked, each trimmed and inner whitespace collapsed, joined by `\n`. */
export function normalizedLines(finding: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>, source: FingerprintSource | undefined): string {
  return preparedLines(finding, prepare(source));
}

function preparedLines(finding: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>, source: PreparedSource | undefined): string {
  // A finding about a whole file (a committed `.env`, a key) is an empty range at 1:1: its
  // identity is the file, not whatever its first line happens to say.
  if (finding.line === finding.endLine && finding.column === finding.endColumn) return '';
  if (source === undefined) return '';
  const { text, lines, secrets, reach } = source;
  const from = lines.lineStart(finding.line);
  const to = finding.endLine < lines.lineCount ? lines.lineStart(finding.endLine + 1) : text.length;
  let slice = text.slice(from, to);
  // The first secret that may end past `from`: every one before it ends at or before.
  let lo = 0;
  let hi = secrets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reach[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  const inside: Array<{ start: number; end: number }> = [];
  for (let i = lo; i < secrets.length && secrets[i]!.start < to; i++) {
    const s = secrets[i]!;
    if (s.end > from) inside.push({ start: Math.max(s.start, from) - from, end: Math.min(s.end, to) - from });
  }
  // Replace known secret ranges from the end, so earlier offsets stay valid.
  inside.sort((a, b) => b.start - a.start);
  for (const s of inside) slice = slice.slice(0, s.start) + MASK + slice.slice(s.end);
  return maskSecrets(slice)
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '')
    .join('\n');
}

function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}

function digest(parts: readonly string[]): string {
  // NUL cannot occur in a rule id, so the joined parts cannot collide by shifting.
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/**
 * Returns the findings (same order) with `fingerprint` set: `<32 hex digits>:<occurrence>`, the
 * occurrence counting from 1 in position order among findings with the same rule, file and
 * normalised lines. Pass suppressed findings together with the others, so that suppressing one
 * finding does not renumber its twins.
 */
export function fingerprintFindings(findings: readonly Finding[], sourceOf: (file: string) => FingerprintSource | undefined): Finding[] {
  const order = findings.map((_, i) => i).sort((a, b) => byPosition(findings[a]!, findings[b]!) || a - b);
  const seen = new Map<string, number>();
  const prepared = new Map<string, PreparedSource | undefined>();
  const lineHashes = new Map<string, Map<number, string> | undefined>();
  const out = findings.slice();
  for (const i of order) {
    const f = findings[i]!;
    if (!prepared.has(f.file)) prepared.set(f.file, prepare(sourceOf(f.file)));
    const source = prepared.get(f.file);
    const hash = digest([f.ruleId, preparedLines(f, source)]);
    // Twins are counted per file: the same line in two files is two first occurrences.
    const key = `${f.file}\0${hash}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    if (!lineHashes.has(f.file)) lineHashes.set(f.file, source === undefined ? undefined : primaryLocationLineHashes(maskedText(source)));
    const lineHash = lineHashes.get(f.file)?.get(f.line);
    out[i] = { ...f, fingerprint: `${hash}:${occurrence}`, ...(lineHash ? { lineHash } : {}) };
  }
  return out;
}

/**
 * The file with its known secrets and every password in a connection string masked: what the line
 * hashes see. Built in one pass over the sorted ranges (overlapping ones merged), linear in the file.
 */
function maskedText({ text, secrets }: PreparedSource): string {
  const parts: string[] = [];
  let at = 0;
  for (const s of secrets) {
    if (s.end <= at) continue;
    if (s.start >= at) {
      parts.push(text.slice(at, s.start), MASK);
    }
    at = s.end;
  }
  parts.push(text.slice(at));
  return maskSecrets(parts.join(''));
}
