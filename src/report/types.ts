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

/**
 * The report of a scan: `fresh` are the findings that count (after a baseline), `shown` those
 * printed (`--quiet` drops warnings, which still count); `baselined` is set when a baseline applied.
 */
export function buildReport(
  result: { suppressed: Finding[]; diagnostics: Diagnostic[]; filesScanned: number; durationMs: number },
  fresh: Finding[],
  options: { shown?: Finding[]; baselined?: Finding[] } = {},
): Report {
  return {
    findings: options.shown ?? fresh,
    suppressed: result.suppressed,
    diagnostics: result.diagnostics,
    stats: {
      filesScanned: result.filesScanned,
      errors: fresh.filter((f) => f.severity === 'error').length,
      warnings: fresh.filter((f) => f.severity === 'warning').length,
      suppressed: result.suppressed.length,
      durationMs: result.durationMs,
      ...(options.baselined ? { baselined: options.baselined.length } : {}),
    },
  };
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
