// What the ESLint rules share for one linted file: the path as sslguard names it, the text, the
// configuration, and the extraction, computed once per file and lint run however many sslguard
// rules are enabled (keyed by ESLint's SourceCode object, which all rules of one run share).
import { isAbsolute, relative, sep } from 'node:path';
import type { Rule as ESLintRule } from 'eslint';
import type { Finding } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Rule } from '../engine/rule.js';
import { Linter } from '../engine/lint.js';
import type { TSESTree } from '../extract/js/ast.js';
import { extractFile, type FileExtraction } from '../extract/index.js';
import { classifyPath } from '../discovery/kinds.js';
import { loadConfigSync, validateConfig } from '../config/load.js';
import { rules as allRules } from '../../rules/index.js';
import { gitStateOf } from './git-state.js';
import { takeProcessedText } from './processor.js';

export interface FileState {
  /** POSIX path relative to ESLint's working directory, as the CLI names it. */
  file: string;
  text: string;
  /** The file came through the `sslguard/config` processor: positions refer to `text`, not to the linted block. */
  processed: boolean;
  config: ResolvedConfig;
  now: Date;
  extraction: FileExtraction;
}

const states = new WeakMap<object, FileState>();

function posixPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  const chosen = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return chosen.split(sep).join('/');
}

/**
 * `settings.sslguard` in the ESLint config when given (validated like a config file), else the
 * CLI's own config file (`.sslguard.json|yaml|yml`, `package.json#sslguard`) in ESLint's working
 * directory, so both report alike. Rule severities stay ESLint's to set.
 */
function configFor(context: ESLintRule.RuleContext): ResolvedConfig {
  const ids = allRules.map((r) => r.meta.id);
  const settings = (context.settings as Record<string, unknown> | undefined)?.sslguard;
  const config = settings !== undefined ? validateConfig(settings, 'ESLint settings.sslguard', ids) : loadConfigSync({ cwd: context.cwd, knownRuleIds: ids }).config;
  return { ...config, rules: {} };
}

export function fileState(context: ESLintRule.RuleContext): FileState {
  const sourceCode = context.sourceCode;
  const known = states.get(sourceCode);
  if (known) return known;
  const processedText = takeProcessedText(context.physicalFilename, sourceCode.text);
  const absolute = processedText !== undefined ? context.physicalFilename : context.filename;
  const text = processedText ?? sourceCode.text;
  const file = posixPath(context.cwd, absolute);
  const config = configFor(context);
  const kinds = classifyPath(file);
  // Only env files carry git state into the facts (whether their passwords would be committed).
  const git = kinds.includes('env') ? gitStateOf(absolute) : undefined;
  const state: FileState = {
    file,
    text,
    processed: processedText !== undefined,
    config,
    now: new Date(),
    // ESLint's own tree (typescript-eslint's parser or espree) for the linted text itself; files
    // that came through the processor are read from their real text.
    extraction: extractFile({ file, text, ...(git ? { git } : {}), ...(processedText === undefined ? { program: sourceCode.ast as unknown as TSESTree.Program } : {}) }, config),
  };
  states.set(sourceCode, state);
  return state;
}

/** The findings of one sslguard rule on the file, through the CLI's own pipeline (rules, links, suppressions). */
export function findingsOf(state: FileState, rule: Rule): Finding[] {
  const linter = new Linter({ config: state.config, now: state.now, rules: [rule] });
  linter.addExtraction(state.file, state.extraction);
  return linter.finish().findings;
}
