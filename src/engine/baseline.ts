import { createRequire } from 'node:module';
import path from 'node:path';
import type * as JsoncParser from 'jsonc-parser';
import type { Finding } from '../model.js';
import { maskSecrets } from '../connection/mask.js';
import { SourceText } from '../text/source.js';
import { FINGERPRINT_VERSION } from './fingerprint.js';
import { FileAccessError, readNamedFile, replaceNamedFile } from '../files/access.js';
import { workingBoundary, type Boundary } from '../files/boundary.js';

// Baselines for repositories that already have findings (like ESLint's eslint-suppressions.json
// and gitleaks' baseline): `--write-baseline FILE` records today's findings, `--baseline FILE`
// reports only the others. An entry names a file, a rule and a finding fingerprint (which survives
// line moves and holds no secret), with the number of identical findings it covers and the masked
// message for whoever reviews the file in a pull request. Nothing else: no line numbers, so the
// file changes only when findings come or go.

/** A baseline of 38,000 findings is about 7 MB; anything far larger is not one, and is not read. */
export const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** Bump when the file's shape changes; a reader refuses versions it does not know. */
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  /** POSIX path relative to the baseline file's directory (`../` when the file lies outside it). */
  file: string;
  ruleId: string;
  /** The finding fingerprint without its `:occurrence` suffix (32 hex digits). */
  fingerprint: string;
  /** How many identical findings (same file, rule and fingerprint) the entry covers: occurrences 1…count. */
  count: number;
  /** Masked, for humans; never used to match. */
  message?: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool: 'sslguard';
  /** The fingerprint recipe the entries were computed with (see fingerprint.ts). */
  fingerprintVersion: number;
  findings: BaselineEntry[];
}

/** A baseline file that is missing, unreadable or not a baseline; the CLI exits with status 2. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * A baseline file on disk. Its entries' paths are relative to its own directory, so one file at
 * the repository root serves scans run from any directory (finding paths are relative to the
 * working directory, fingerprints do not depend on it).
 */
export class BaselineLocation {
  readonly abs: string;
  private readonly dir: string;

  /** `file` as the user wrote it (relative to `cwd` or absolute); shown in messages. */
  constructor(
    private readonly cwd: string,
    readonly display: string,
  ) {
    this.abs = path.resolve(cwd, display);
    this.dir = path.dirname(this.abs);
  }

  /** Where a link at or above the file may lead (see files/boundary.ts). */
  boundary(): Boundary {
    return workingBoundary(this.cwd);
  }

  /** A finding's path (POSIX, relative to the working directory) as the baseline records it. */
  pathOf(file: string): string {
    return path.relative(this.dir, path.resolve(this.cwd, file)).split(path.sep).join('/');
  }
}

/** `<hash>:<occurrence>` → its parts; undefined for anything else. */
function splitFingerprint(fingerprint: string | undefined): { hash: string; occurrence: number } | undefined {
  const m = fingerprint === undefined ? null : /^([0-9a-f]+):([1-9]\d*)$/.exec(fingerprint);
  return m ? { hash: m[1]!, occurrence: Number(m[2]) } : undefined;
}

const keyOf = (file: string, ruleId: string, hash: string) => `${file}\0${ruleId}\0${hash}`;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The baseline that records `findings`, sorted by file, rule and fingerprint (code-unit order, not
 * the locale's, so every machine writes the same bytes). A finding without a fingerprint (only a
 * hand-built one; `lintSources` fingerprints all) cannot be recorded and is left out.
 */
export function createBaseline(findings: readonly Finding[], location: BaselineLocation): Baseline {
  const entries = new Map<string, BaselineEntry & { firstOccurrence: number }>();
  for (const f of findings) {
    const fp = splitFingerprint(f.fingerprint);
    if (!fp) continue;
    const file = location.pathOf(f.file);
    const key = keyOf(file, f.ruleId, fp.hash);
    const entry = entries.get(key);
    // Rules build messages from masked text; masking again is the last line of defence, as in every reporter.
    if (!entry) entries.set(key, { file, ruleId: f.ruleId, fingerprint: fp.hash, count: 1, message: maskSecrets(f.message), firstOccurrence: fp.occurrence });
    else {
      entry.count++;
      if (fp.occurrence < entry.firstOccurrence) Object.assign(entry, { message: maskSecrets(f.message), firstOccurrence: fp.occurrence });
    }
  }
  const sorted = [...entries.values()]
    .map(({ firstOccurrence: _first, ...entry }) => entry)
    .sort((a, b) => byText(a.file, b.file) || byText(a.ruleId, b.ruleId) || byText(a.fingerprint, b.fingerprint));
  return { version: BASELINE_VERSION, tool: 'sslguard', fingerprintVersion: FINGERPRINT_VERSION, findings: sorted };
}

/** Two-space JSON, one key per line and a final newline: diffs show one entry per finding. */
export function formatBaseline(baseline: Baseline): string {
  return JSON.stringify(baseline, null, 2) + '\n';
}

export interface BaselineSplit {
  /** Findings the baseline does not cover: reported, and counted for the exit code. */
  fresh: Finding[];
  /** Findings it covers: only counted. */
  baselined: Finding[];
}

/**
 * Splits findings into new and baselined. An entry with count n covers occurrences 1…n of its
 * fingerprint in its file: fixing one of three identical findings leaves two covered, adding a
 * fourth reports that one.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, location: BaselineLocation): BaselineSplit {
  const covered = new Map<string, number>();
  for (const e of baseline.findings) {
    const key = keyOf(e.file, e.ruleId, e.fingerprint);
    covered.set(key, (covered.get(key) ?? 0) + e.count);
  }
  const split: BaselineSplit = { fresh: [], baselined: [] };
  for (const f of findings) {
    const fp = splitFingerprint(f.fingerprint);
    const count = fp ? (covered.get(keyOf(location.pathOf(f.file), f.ruleId, fp.hash)) ?? 0) : 0;
    (fp && fp.occurrence <= count ? split.baselined : split.fresh).push(f);
  }
  return split;
}

const require = createRequire(import.meta.url);
let jsoncModule: typeof JsoncParser | undefined;

/** Where the JSON breaks, without quoting the text (`JSON.parse` messages quote it, and the file is the user's). */
function syntaxErrorAt(text: string): string {
  const jsonc = (jsoncModule ??= require('jsonc-parser') as typeof JsoncParser);
  const errors: JsoncParser.ParseError[] = [];
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!errors.length) return '';
  const { line, column } = new SourceText(text).position(errors[0]!.offset);
  return ` at line ${line}, column ${column} (${jsonc.printParseErrorCode(errors[0]!.error)})`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a baseline's text. The shape is checked by hand: five fields, and the messages must name
 * the entry at fault, which a schema validator would bring a dependency to say less well.
 */
export function parseBaseline(text: string, display: string): Baseline {
  const rewrite = `fix it or rewrite it with --write-baseline ${display}`;
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    const conflict = /^(<{7}|={7}|>{7})( |$)/m.test(text) ? '; it holds merge conflict markers' : '';
    throw new BaselineError(`baseline file ${display} is not valid JSON${syntaxErrorAt(text.replace(/^\uFEFF/, ''))}${conflict}: ${rewrite}`);
  }
  const bad = (what: string) => new BaselineError(`baseline file ${display} is not an sslguard baseline: ${what}; ${rewrite}`);
  if (!isObject(data)) throw bad('expected a JSON object');
  if (typeof data.version !== 'number') throw bad('`version` is missing');
  if (data.version !== BASELINE_VERSION) {
    const newer = data.version > BASELINE_VERSION ? ' (written by a newer sslguard?)' : '';
    throw new BaselineError(`baseline file ${display} has version ${data.version}; this sslguard reads version ${BASELINE_VERSION}${newer}`);
  }
  if (data.fingerprintVersion !== FINGERPRINT_VERSION) {
    throw new BaselineError(
      `baseline file ${display} records fingerprints of version ${String(data.fingerprintVersion)}, this sslguard computes version ${FINGERPRINT_VERSION}: ` +
        `rewrite it with --write-baseline ${display} (that records every current finding, so review the diff)`,
    );
  }
  if (!Array.isArray(data.findings)) throw bad('`findings` must be an array');
  const findings: BaselineEntry[] = data.findings.map((e: unknown, i: number) => {
    const at = `findings[${i}]`;
    if (!isObject(e)) throw bad(`${at} must be an object`);
    for (const key of ['file', 'ruleId', 'fingerprint'] as const) {
      if (typeof e[key] !== 'string' || e[key] === '') throw bad(`${at}.${key} must be a non-empty string`);
    }
    if (!/^[0-9a-f]+$/.test(e.fingerprint as string)) throw bad(`${at}.fingerprint must be hexadecimal digits`);
    if (!Number.isSafeInteger(e.count) || (e.count as number) < 1) throw bad(`${at}.count must be a positive whole number`);
    if (e.message !== undefined && typeof e.message !== 'string') throw bad(`${at}.message must be a string`);
    return {
      file: e.file as string,
      ruleId: e.ruleId as string,
      fingerprint: e.fingerprint as string,
      count: e.count as number,
      ...(e.message !== undefined ? { message: e.message as string } : {}),
    };
  });
  return { version: BASELINE_VERSION, tool: 'sslguard', fingerprintVersion: FINGERPRINT_VERSION, findings };
}

export function readBaseline(location: BaselineLocation): Baseline {
  let text: string;
  try {
    text = readNamedFile(location.abs, { maxBytes: MAX_BASELINE_BYTES, boundary: location.boundary() }).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    if (error.code === 'ENOENT') throw new BaselineError(`baseline file ${location.display} does not exist; create it with --write-baseline ${location.display}`);
    if (error.code === 'EISDIR') throw new BaselineError(`baseline file ${location.display} is a directory`);
    if (error.system) throw new BaselineError(`cannot read baseline file ${location.display}: ${error.code}`);
    throw new BaselineError(`baseline file ${location.display} ${error.message}`);
  }
  return parseBaseline(text, location.display);
}

/**
 * Written beside the target under an unpredictable name, created exclusively, and renamed over it:
 * an interrupted run never leaves half a baseline, and a link the repository planted at the target
 * or at a temporary name is never written through.
 */
export function writeBaseline(location: BaselineLocation, baseline: Baseline): void {
  try {
    replaceNamedFile(location.abs, formatBaseline(baseline), { boundary: location.boundary(), mkdir: true });
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    if (error.system) throw new BaselineError(`cannot write baseline file ${location.display}: ${error.code}`);
    throw new BaselineError(`baseline file ${location.display} ${error.message}`);
  }
}
