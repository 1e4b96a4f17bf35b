import type { Diagnostic, Finding } from '../model.js';
import type { RuleMeta } from '../engine/rule.js';

export interface ScanStats {
  filesScanned: number;
  errors: number;
  warnings: number;
  suppressed: number;
  durationMs: number;
  /**
   * Findings a baseline covers (`--baseline` / `--write-baseline`): left out of `findings` and of
   * `errors`/`warnings`. Present only when a baseline was applied, so reports of plain scans keep
   * their shape.
   */
  baselined?: number;
}

/** Everything a reporter may print: findings, diagnostics and counts. Reporters never see facts or raw files. */
export interface Report {
  findings: Finding[];
  suppressed: Finding[];
  diagnostics: Diagnostic[];
  stats: ScanStats;
}

export interface ReporterOptions {
  color: boolean;
  version: string;
  /**
   * Metadata of every rule that ran (reporters never import the catalogue): SARIF describes each
   * rule in `tool.driver.rules`. Findings of a rule missing here still get a minimal descriptor.
   */
  rules?: readonly RuleMeta[];
}

export type Reporter = (report: Report, options: ReporterOptions) => string;
