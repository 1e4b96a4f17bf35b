import type { EnvironmentInfo, Fact, FactOf, Severity, Span, Unit } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';

/** A sample file used as documentation and as a test case for a rule. */
export interface RuleExample {
  /** Path of the sample file (decides the extractor and the inferred environment). */
  file: string;
  code: string;
  /** Only for bad examples: how many findings of this rule the sample yields (default: at least one). */
  findings?: number;
  /** Optional sslguard config to apply (e.g. localHosts). */
  config?: Partial<ResolvedConfig>;
  /** Git state of the sample file, for the rules about what git would commit. */
  git?: { inGit: boolean; tracked?: boolean; ignored?: boolean };
  /** POSIX permission bits of the sample file. */
  mode?: number;
}

export interface RuleMeta {
  /** Stable kebab-case id; never changes once shipped. */
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** Why this matters, in one paragraph. */
  rationale: string;
  /** Message templates by id, with `{{name}}` placeholders (ESLint style). */
  messages: Record<string, string>;
  examples: { good: RuleExample[]; bad: RuleExample[] };
  /** Where the rule looks: the facts and file shapes it judges, one short phrase each (docs and `--list-rules`). */
  looksAt?: string[];
}

export interface ReportDescriptor {
  /** The fact the finding is about; supplies file, environment and (unless `span` is given) position. */
  fact: Fact;
  span?: Span;
  messageId: string;
  data?: Record<string, string | number>;
  /** Overrides the rule's default severity for this finding (e.g. production vs unknown environment). */
  severity?: Severity;
  environment?: EnvironmentInfo;
  /** The client that reads the connection (`node-postgres`, `prisma`, `unknown`), when the rule judged by it. */
  consumer?: string;
  /** The protection that client gives (`optional`, `encrypted-unverified`, …; see src/policy/consumers.ts). */
  effectiveTls?: string;
}

/** Read-only view of every fact of a scan, with indexes rules commonly need. */
export interface FactSet {
  all: readonly Fact[];
  ofKind<K extends Fact['kind']>(kind: K): readonly FactOf<K>[];
  /**
   * Facts that share a unit (same env file, compose service, container, MCP server), then the facts
   * of the units it inherits (a merged YAML anchor, the Dockerfile stage it runs), nearest first.
   */
  inUnit(unitId: string): readonly Fact[];
  /**
   * The units that inherit this unit's facts, directly or not (the compose services that merge an
   * anchor or run an image built from a Dockerfile stage). Absent on fact sets built without links.
   */
  usersOf?(unitId: string): readonly Unit[];
}

export interface RuleContext {
  config: ResolvedConfig;
  /** The time the scan runs at (fixed in tests). */
  now: Date;
  report(descriptor: ReportDescriptor): void;
}

export interface Rule {
  meta: RuleMeta;
  check(facts: FactSet, context: RuleContext): void;
}

/** Identity helper that gives rule modules their type (and one place to add shared defaults). */
export function defineRule(rule: Rule): Rule {
  for (const example of [...rule.meta.examples.good, ...rule.meta.examples.bad]) {
    if (!example.file || typeof example.code !== 'string') throw new Error(`rule ${rule.meta.id}: example without file or code`);
  }
  return rule;
}

/** Fills `{{name}}` placeholders. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => (key in data ? String(data[key]) : `{{${key}}}`));
}
