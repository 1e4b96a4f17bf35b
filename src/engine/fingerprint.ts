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

/** The flagged lines, secrets masked, each trimmed and inner whitespace collapsed, joined by `\n`. */
export function normalizedLines(finding: Pick<Finding, 'line' | 'column' | 'endLine' | 'endColumn'>, source: FingerprintSource | undefined): string {
  // A finding about a whole file (a committed `.env`, a key) is an empty range at 1:1: its
  // identity is the file, not whatever its first line happens to say.
  if (finding.line === finding.endLine && finding.column === finding.endColumn) return '';
  if (source?.text === undefined) return '';
  const text = source.text;
  const lines = new SourceText(text);
  const from = lines.lineStart(finding.line);
  const to = finding.endLine < lines.lineCount ? lines.lineStart(finding.endLine + 1) : text.length;
  let slice = text.slice(from, to);
  // Replace known secret ranges from the end, so earlier offsets stay valid.
  const inside = (source.secrets ?? [])
    .filter((s) => s.end > from && s.start < to)
    .map((s) => ({ start: Math.max(s.start, from) - from, end: Math.min(s.end, to) - from }))
    .sort((a, b) => b.start - a.start);
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
  const lineHashes = new Map<string, Map<number, string> | undefined>();
  const out = findings.slice();
  for (const i of order) {
    const f = findings[i]!;
    const source = sourceOf(f.file);
    const hash = digest([f.ruleId, normalizedLines(f, source)]);
    // Twins are counted per file: the same line in two files is two first occurrences.
    const key = `${f.file}\0${hash}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    if (!lineHashes.has(f.file)) lineHashes.set(f.file, source?.text === undefined ? undefined : primaryLocationLineHashes(maskedText(source.text, source.secrets ?? [])));
    const lineHash = lineHashes.get(f.file)?.get(f.line);
    out[i] = { ...f, fingerprint: `${hash}:${occurrence}`, ...(lineHash ? { lineHash } : {}) };
  }
  return out;
}

/** The file with its known secrets and every password in a connection string masked: what the line hashes see. */
function maskedText(text: string, secrets: readonly { start: number; end: number }[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + MASK + out.slice(s.end);
  return maskSecrets(out);
}
