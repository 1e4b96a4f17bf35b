import { posix } from 'node:path';
import type { GitInfo } from '../discovery/walk.js';
import type { TSESTree } from '../extract/js/ast.js';
import type { Diagnostic, Fact, FactOf, FileFact, Finding, Severity } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { DEFAULT_CONFIG } from '../config/types.js';
import type { FactSet, Rule, RuleContext } from './rule.js';
import { formatMessage } from './rule.js';
import type { FileExtraction } from '../extract/index.js';
import { extractIsolated } from './isolate.js';
import { parseSuppressions } from './suppress.js';
import { maskSecrets } from '../connection/mask.js';
import { fingerprintFindings, type FingerprintSource } from './fingerprint.js';
import { rules as allRules } from '../../rules/index.js';
import type { RelatedLocation, Unit, UnitLink, UnitReference, ValueDefinition, ValueUse } from '../model.js';
import { resolveValues } from './resolve-values.js';
import { buildUnitViews } from './unit-view.js';
import { resolveReferences } from './resolve-references.js';
import { describeUnits } from '../policy/connection.js';
import type { PackageManifest } from '../packages/readers.js';
import { VersionIndex } from '../packages/versions.js';
import { applyClientVersions } from '../packages/clients.js';
import { pushAll } from '../lists.js';

/** One file handed to the pure core: its path, its content, and what the discovery layer knows of it. */
export interface SourceInput {
  /** POSIX path relative to the working directory. */
  file: string;
  /** Decoded text. Either `text` or `bytes` must be given. */
  text?: string;
  /** Raw bytes (certificate files may be binary DER). */
  bytes?: Uint8Array;
  git?: GitInfo;
  mode?: number;
  /** POSIX path inside the scanned directory (DiscoveredFile.scopePath); `file` when absent. */
  scopePath?: string;
  /** TS/JS: the ESTree of `text` already parsed by the caller (the ESLint plugin), so it is not parsed again. */
  program?: TSESTree.Program;
}

export interface LintOptions {
  config?: Partial<ResolvedConfig>;
  now?: Date;
  rules?: readonly Rule[];
  /** Called after each file is read and extracted (for a progress display); rules run after the last one. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Diagnostics that mean a whole file was read but not scanned (a Helm template, a binary file, a
 * file nested past the limits): such a file does not count among the files scanned.
 */
const WHOLE_FILE_UNSCANNED = /^(?:Helm template, not scanned|binary file .*not scanned|(?:YAML|JSON) nested more than .* not scanned|invalid (?:YAML|JSON)(?:, file not scanned|: .*))$/;

/** How many of `read` files were scanned: those without a whole-file "not scanned" diagnostic. */
export function scannedCount(read: number, diagnostics: readonly Diagnostic[]): number {
  return read - new Set(diagnostics.filter((d) => WHOLE_FILE_UNSCANNED.test(d.message)).map((d) => d.file)).size;
}

export interface LintResult {
  findings: Finding[];
  /** Findings an inline comment suppressed (kept for SARIF and stats). */
  suppressed: Finding[];
  diagnostics: Diagnostic[];
  facts: Fact[];
}

export function resolveConfig(partial?: Partial<ResolvedConfig>): ResolvedConfig {
  return { ...DEFAULT_CONFIG, ...partial, rules: { ...DEFAULT_CONFIG.rules, ...partial?.rules } };
}

/** `links`: units that inherit other units' facts (see unit-view.ts); without them every unit stands alone. */
export function createFactSet(facts: readonly Fact[], links: readonly UnitLink[] = []): FactSet {
  const byKind = new Map<string, Fact[]>();
  const byUnit = new Map<string, Fact[]>();
  for (const f of facts) {
    let k = byKind.get(f.kind);
    if (!k) byKind.set(f.kind, (k = []));
    k.push(f);
    if (f.unit) {
      let u = byUnit.get(f.unit.id);
      if (!u) byUnit.set(f.unit.id, (u = []));
      u.push(f);
    }
  }
  const views = buildUnitViews(byUnit, links);
  return {
    all: facts,
    ofKind<K extends Fact['kind']>(kind: K) {
      return (byKind.get(kind) ?? []) as FactOf<K>[];
    },
    inUnit: views.inUnit,
    usersOf: views.usersOf,
  };
}

/**
 * Runs every enabled rule over the facts and returns findings sorted by position. Severity comes
 * from the config when the user set one for the rule, else from the finding, else the rule default.
 */
export function runRules(
  facts: readonly Fact[],
  config: ResolvedConfig,
  now: Date,
  rules: readonly Rule[] = allRules,
  links: readonly UnitLink[] = [],
  diagnostics?: Diagnostic[],
): Finding[] {
  const set = createFactSet(facts, links);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const configured = config.rules[rule.meta.id];
    if (configured === 'off') continue;
    const context: RuleContext = {
      config,
      now,
      report(d) {
        const template = rule.meta.messages[d.messageId];
        if (template === undefined) throw new Error(`rule ${rule.meta.id}: unknown messageId ${d.messageId}`);
        // A finding about a setting points at its value: that is what the user changes (in a k8s
        // env entry the name and the value sit on different lines).
        const span = d.span ?? (d.fact.kind === 'setting' ? d.fact.valueSpan : d.fact.span);
        const environment = d.environment ?? d.fact.environment;
        const severity: Severity = configured ?? d.severity ?? rule.meta.defaultSeverity;
        findings.push({
          ruleId: rule.meta.id,
          severity,
          // Rules build messages from masked values; masking again is the last line of defence.
          message: maskSecrets(formatMessage(template, d.data) + usedBy(set, d.fact.unit)),
          file: d.fact.file,
          line: span.line,
          column: span.column,
          endLine: span.endLine,
          endColumn: span.endColumn,
          environment: environment.name,
          environmentReason: environment.reason,
          messageId: d.messageId,
          ...(d.data ? { data: maskedData(d.data) } : {}),
          ...(d.consumer ? { consumer: d.consumer } : {}),
          ...(d.effectiveTls ? { effectiveTls: d.effectiveTls } : {}),
          ...(d.fact.via?.length ? { related: d.fact.via.map((r) => ({ ...r, message: maskSecrets(r.message) })) } : {}),
        });
      },
    };
    try {
      rule.check(set, context);
    } catch (error) {
      // A bug in one rule must not end the scan: its findings so far stand, the rest is reported missing.
      if (!diagnostics) throw error;
      diagnostics.push({ file: '.', message: `internal error in rule ${rule.meta.id}, some of its findings may be missing: ${(error as Error).message}` });
    }
  }
  return mergeTwins(findings).sort(compareFindings);
}

/**
 * One value used by several units (a `.env` line two compose services read) is judged once per
 * use; where the judgements say the same thing at the same place, report it once with every trace.
 */
function mergeTwins(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    if (!f.related) {
      out.push(f);
      continue;
    }
    const key = `${f.ruleId}\0${f.file}\0${f.line}:${f.column}-${f.endLine}:${f.endColumn}\0${f.message}`;
    const twin = seen.get(key);
    if (!twin) {
      seen.set(key, f);
      out.push(f);
      continue;
    }
    const known = new Set(twin.related!.map(relatedKey));
    twin.related = [...twin.related!, ...f.related.filter((r) => !known.has(relatedKey(r)))];
  }
  return out.map(capRelated);
}

/** A finding lists at most this many related places; the message counts the rest. */
export const MAX_RELATED = 6;

/**
 * A `.env` value of a monorepo can be read by code in many packages: the trace keeps the places
 * nearest the finding's file (its own package's readers before other packages'), the origin first,
 * at most MAX_RELATED, and says how many more read it. A reader of another package is not why the
 * value is judged as it is, and twenty links made a 3,000-character SARIF message.
 */
function capRelated(f: Finding): Finding {
  const related = f.related;
  if (!related || related.length <= MAX_RELATED) return f;
  const dirOf = (file: string) => posix.dirname(file).split('/');
  const home = dirOf(f.file);
  // Steps between the directories in the tree: `src/db.ts` beside a root `.env` is 1 away,
  // `packages/api/src/db.ts` (another package's code) 3.
  const distance = (file: string) => {
    const dir = dirOf(file);
    let n = 0;
    while (n < dir.length && n < home.length && dir[n] === home[n]) n++;
    return dir.length - n + (home.length - n);
  };
  // Places in the finding's own file (the origin) first, then the nearest.
  const order = related
    .map((r, i) => ({ i, far: r.file === f.file ? -1 : distance(r.file) }))
    .sort((a, b) => a.far - b.far || a.i - b.i);
  const kept = new Set(order.slice(0, MAX_RELATED).map((o) => o.i));
  const more = related.length - MAX_RELATED;
  return {
    ...f,
    related: related.filter((_, i) => kept.has(i)),
    message: `${f.message} ${more} more place${more === 1 ? '' : 's'} read${more === 1 ? 's' : ''} it too (not listed).`,
  };
}

function relatedKey(r: RelatedLocation): string {
  return `${r.file}:${r.line}:${r.column}:${r.message}`;
}

/** A finding in a shared block (a YAML anchor, a Dockerfile stage) names where the block is used, once. */
function usedBy(set: FactSet, unit: Unit | undefined): string {
  const users = unit ? (set.usersOf?.(unit.id) ?? []) : [];
  return users.length > 0 ? ` Applies to ${describeUnits(users)}.` : '';
}

/** Placeholder values as the message shows them (masked), so an integration can render the message from its id. */
function maskedData(data: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) out[key] = maskSecrets(String(value));
  return out;
}

/** A total order (path, position, rule, message): the same findings print the same whatever the batch. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    compareText(a.ruleId, b.ruleId) ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn ||
    compareText(a.message, b.message)
  );
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || compareText(a.message, b.message);
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pure core: files in, findings out. No file system, no git, no clock unless `now` is omitted. */
export function lintSources(sources: readonly SourceInput[], options: LintOptions = {}): LintResult {
  const linter = new Linter(options);
  for (const [i, source] of sources.entries()) {
    linter.add(source);
    options.onProgress?.(i + 1, sources.length);
  }
  return linter.finish();
}

/**
 * `lintSources` one file at a time, so that the file-system layer can read, extract and forget each
 * file (reusing one read buffer) instead of holding every file of a large tree in memory at once.
 * A file's text is kept only when it holds a suppression comment or facts (for fingerprints).
 */
export class Linter {
  private readonly config: ResolvedConfig;
  private readonly now: Date;
  private readonly rules: readonly Rule[];
  private readonly facts: Fact[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly texts = new Map<string, string>();
  /** Unit links and cross-file references the extractors found, and what each file declared, for unit views. */
  private readonly links: UnitLink[] = [];
  private readonly references: UnitReference[] = [];
  private readonly scanned = { files: new Set<string>(), declared: new Map<string, Unit[]>() };
  /** Texts of files that hold facts (the only files findings can point into), for fingerprints. */
  private readonly fingerprintTexts = new Map<string, string>();
  /** Values units take from other files, what files define for them, and the texts of both, for resolution. */
  private readonly uses: ValueUse[] = [];
  private readonly definitions: ValueDefinition[] = [];
  private readonly valueTexts = new Map<string, string>();
  /** What package.json files and lockfiles say of installed versions (src/packages/). */
  private readonly manifests: PackageManifest[] = [];

  constructor(options: LintOptions = {}) {
    this.config = resolveConfig(options.config);
    this.now = options.now ?? new Date();
    this.rules = options.rules ?? allRules;
  }

  get resolvedConfig(): ResolvedConfig {
    return this.config;
  }

  /** Extracts one file and keeps what the rules need; returns the extraction (the repository context looks at it). */
  add(source: SourceInput): FileExtraction {
    const extraction = extractIsolated(source, this.config);
    this.addExtraction(source.file, extraction);
    return extraction;
  }

  /** The result of `extractFile` for one file, computed here or elsewhere (a worker thread). */
  addExtraction(file: string, result: FileExtraction): void {
    pushAll(this.facts, result.facts);
    pushAll(this.diagnostics, result.diagnostics);
    this.scanned.files.add(file);
    if (result.links) pushAll(this.links, result.links);
    if (result.references) pushAll(this.references, result.references);
    if (result.units) this.scanned.declared.set(file, result.units);
    if (result.uses) pushAll(this.uses, result.uses);
    if (result.definitions) pushAll(this.definitions, result.definitions);
    if (result.manifest) this.manifests.push(result.manifest);
    if (result.text !== undefined && (result.uses || result.definitions)) {
      this.valueTexts.set(file, result.text);
      this.fingerprintTexts.set(file, result.text);
    }
    // Findings sit on facts: a file without any has nothing to suppress, and its text is not searched.
    if (result.text !== undefined && result.facts.length > 0 && result.text.includes(SUPPRESSION_MARKER)) this.texts.set(file, result.text);
    // Whole-file findings (file facts) are fingerprinted without text; any other finding points into a fact.
    if (result.text !== undefined && result.facts.some((f) => f.kind !== 'file')) this.fingerprintTexts.set(file, result.text);
  }

  /**
   * Runs the rules over every file added. `reportOnly`: the files findings and diagnostics are
   * kept for (the named files; the rest was read as their context). Findings are sorted by path,
   * position and rule, and diagnostics by path and position, so that the output for a file does
   * not depend on which other files were named with it (pre-commit splits long lists).
   */
  finish(reportOnly?: ReadonlySet<string>): LintResult {
    const { config, now, rules, facts, diagnostics, texts } = this;
    const ruleIds = new Set(rules.map((r) => r.meta.id));
    const findings: Finding[] = [];
    const suppressed: Finding[] = [];
    const suppressionsByFile = new Map<string, ReturnType<typeof parseSuppressions> | undefined>();
    const suppressionsOf = (file: string) => {
      if (!suppressionsByFile.has(file)) {
        const text = texts.get(file);
        const parsed = text !== undefined ? parseSuppressions(text) : undefined;
        if (parsed) {
          for (const d of parsed.directives) {
            for (const id of d.ruleIds) {
              if (!ruleIds.has(id.id)) diagnostics.push({ file, line: id.line, column: id.column, message: `unknown rule id \`${id.id}\` in sslguard-disable comment` });
            }
          }
        }
        suppressionsByFile.set(file, parsed);
      }
      return suppressionsByFile.get(file);
    };
    // Suppressed findings are fingerprinted together with the others, so suppressing one does not renumber its twins.
    const resolved = resolveReferences(this.references, this.scanned);
    pushAll(diagnostics, resolved.diagnostics);
    const links = [...this.links, ...resolved.links];
    const values = resolveValues({
      enabled: config.crossFile !== false,
      facts,
      uses: this.uses,
      definitions: this.definitions,
      texts: this.valueTexts,
      files: this.scanned.files,
      links,
      config,
    });
    pushAll(diagnostics, values.diagnostics);
    // Each connection read with the client version its package installs (Prisma 7 through node-postgres, pg 9's libpq modes).
    const judged = applyClientVersions(values.facts, new VersionIndex(this.manifests));
    for (const finding of fingerprintFindings(runRules(judged, config, now, rules, links, diagnostics), fingerprintSources(this.fingerprintTexts, judged))) {
      const hit = suppressionsOf(finding.file)?.isSuppressed(finding.ruleId, finding.line);
      if (hit) {
        suppressed.push({ ...finding, suppressed: { kind: 'inline', ...(hit.justification ? { justification: hit.justification } : {}) } });
      } else {
        findings.push(finding);
      }
    }
    const kept = (file: string): boolean => !reportOnly || reportOnly.has(file);
    return {
      findings: findings.filter((f) => kept(f.file)),
      suppressed: suppressed.filter((f) => kept(f.file)),
      diagnostics: diagnostics.filter((d) => d.file === '.' || kept(d.file)).sort(compareDiagnostics),
      facts: judged,
    };
  }
}

/** Only a text holding this can suppress a finding. */
export const SUPPRESSION_MARKER = 'sslguard-disable';

/** Each file's text and the offsets of its literal passwords, which fingerprints mask before hashing. */
function fingerprintSources(texts: ReadonlyMap<string, string>, facts: readonly Fact[]): (file: string) => FingerprintSource | undefined {
  const secrets = new Map<string, Array<{ start: number; end: number }>>();
  const add = (file: string, span: { start: number; end: number } | undefined) => {
    if (!span || span.end <= span.start) return;
    let list = secrets.get(file);
    if (!list) secrets.set(file, (list = []));
    list.push({ start: span.start, end: span.end });
  };
  for (const f of facts) {
    if (f.kind === 'connection' && f.password.present && !f.password.placeholder) add(f.file, f.password.span);
    else if (f.kind === 'setting' && f.category === 'password' && !f.placeholder) add(f.file, f.valueSpan);
  }
  return (file) => {
    const text = texts.get(file);
    return text === undefined ? undefined : { text, secrets: secrets.get(file) ?? [] };
  };
}

export type { FileFact };
