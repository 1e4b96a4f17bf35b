import type { Reporter } from './types.js';
import { TOOL_NAME } from '../version.js';
import { relatedOf } from './related.js';

/**
 * The JSON contract (version 1). Fields may be added, never renamed or removed: user scripts and
 * the other integrations parse it.
 */
export const formatJson: Reporter = (report, options) => {
  const out = {
    version: 1,
    tool: { name: TOOL_NAME, version: options.version },
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      environment: f.environment,
      ...(f.environmentReason ? { environmentReason: f.environmentReason } : {}),
      ...(f.consumer ? { consumer: f.consumer } : {}),
      ...(f.effectiveTls ? { effectiveTls: f.effectiveTls } : {}),
      ...(f.related?.length ? { related: relatedOf(f) } : {}),
    })),
    diagnostics: report.diagnostics.map((d) => ({
      file: d.file,
      ...(d.line !== undefined ? { line: d.line } : {}),
      ...(d.column !== undefined ? { column: d.column } : {}),
      message: d.message,
    })),
    stats: { ...report.stats },
  };
  return JSON.stringify(out, null, 2) + '\n';
};
