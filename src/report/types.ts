import type { Diagnostic, Finding } from '../model.js';

export interface ScanStats {
  filesScanned: number;
  errors: number;
  warnings: number;
  suppressed: number;
  durationMs: number;
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
}

export type Reporter = (report: Report, options: ReporterOptions) => string;
