// Public API: the pure core (lint text without touching the file system), the file-system scan,
// the rule catalogue, and the fact model's types.
export { lintSources, runRules, createFactSet, resolveConfig } from './engine/lint.js';
export type { SourceInput, LintOptions, LintResult } from './engine/lint.js';
export { scan } from './engine/scan.js';
export type { ScanOptions, ScanResult } from './engine/scan.js';
export { extractFile } from './extract/index.js';
export { rules } from '../rules/index.js';
export type { Rule, RuleMeta, RuleExample, FactSet, RuleContext } from './engine/rule.js';
export type * from './model.js';
export type { ResolvedConfig } from './config/types.js';
export { main } from './cli.js';
