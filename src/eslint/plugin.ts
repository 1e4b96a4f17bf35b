// The ESLint plugin (`import sslguard from 'sslguard/eslint-plugin'`): the CLI's rules, under the
// same ids, for editors and `eslint` runs. There is no second implementation: each ESLint rule runs
// sslguard's extractors (once per file, shared by all rules) and the one sslguard rule on the file,
// and reports its findings with the rule's own message ids.
import type { ESLint, Linter, Rule as ESLintRule } from 'eslint';
import type { Rule } from '../engine/rule.js';
import { formatMessage } from '../engine/rule.js';
import { rules as allRules } from '../../rules/index.js';
import { ruleDocsUrl, toolVersion } from '../version.js';
import { fileState, findingsOf } from './file-state.js';
import { configProcessor } from './processor.js';
import { SUGGESTION_MESSAGES, suggestionsFor } from './suggestions.js';

/**
 * Rules that judge git state or file permissions: ESLint sees a file's text, not whether git
 * would commit it or who may read it. They stay CLI-only.
 */
export const CLI_ONLY_RULES: readonly string[] = ['gitignore-certs', 'gitignore-env', 'key-permissions'];

/** A finding whose message cannot be rebuilt from its id (a suffix the engine adds) is reported whole under this id. */
const WHOLE_MESSAGE = 'sslguardFinding';

function eslintRule(rule: Rule): ESLintRule.RuleModule {
  const suggestionMessages = SUGGESTION_MESSAGES[rule.meta.id] ?? {};
  return {
    meta: {
      type: 'problem',
      docs: { description: rule.meta.description, url: ruleDocsUrl(rule.meta.id), recommended: true },
      messages: { ...rule.meta.messages, ...suggestionMessages, [WHOLE_MESSAGE]: '{{message}}' },
      hasSuggestions: Object.keys(suggestionMessages).length > 0,
      schema: [],
    },
    create(context) {
      return {
        Program() {
          const state = fileState(context);
          const sourceCode = context.sourceCode;
          for (const finding of findingsOf(state, rule)) {
            const loc = { start: { line: finding.line, column: finding.column - 1 }, end: { line: finding.endLine, column: finding.endColumn - 1 } };
            const template = finding.messageId === undefined ? undefined : rule.meta.messages[finding.messageId];
            const byId = template !== undefined && formatMessage(template, finding.data) === finding.message;
            const message = byId ? { messageId: finding.messageId!, data: finding.data ?? {} } : { messageId: WHOLE_MESSAGE, data: { message: finding.message } };
            // Suggestions edit the linted text: not the placeholder of a processed file.
            const suggest = state.processed
              ? []
              : suggestionsFor(
                  finding,
                  sourceCode.text,
                  sourceCode.getIndexFromLoc(loc.start),
                  sourceCode.getIndexFromLoc(loc.end),
                ).map((s) => ({ messageId: s.messageId, fix: (fixer: ESLintRule.RuleFixer) => fixer.replaceTextRange(s.range, s.text) }));
            context.report({ loc, ...message, ...(suggest.length > 0 ? { suggest } : {}) });
          }
        },
      };
    },
  };
}

const offered = allRules.filter((r) => !CLI_ONLY_RULES.includes(r.meta.id));

/** Files the `sslguard/config` processor reads: env files, YAML, MCP configs and package.json, Dockerfiles, Prisma schemas. */
export const CONFIG_FILE_GLOBS: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/.envrc',
  '**/*.yml',
  '**/*.yaml',
  '**/.mcp.json',
  '**/mcp.json',
  '**/claude_desktop_config.json',
  '**/cline_mcp_settings.json',
  '**/mcp_config.json',
  '**/.gemini/settings.json',
  '**/package.json',
  '**/Dockerfile',
  '**/Dockerfile.*',
  '**/*.Dockerfile',
  '**/Containerfile',
  '**/*.prisma',
];

interface SslguardPlugin {
  meta: { name: string; version: string };
  rules: Record<string, ESLintRule.RuleModule>;
  processors: { config: Linter.Processor };
  configs: {
    /** Every rule the plugin offers at its sslguard default severity, for code ESLint already lints. */
    recommended: Linter.Config;
    /** Routes env, YAML, JSON, Dockerfiles and Prisma files through the `sslguard/config` processor. */
    configFiles: Linter.Config;
  };
}

const plugin: SslguardPlugin = {
  meta: { name: 'sslguard', version: toolVersion() },
  rules: Object.fromEntries(offered.map((r) => [r.meta.id, eslintRule(r)])),
  processors: { config: configProcessor },
  configs: {} as SslguardPlugin['configs'],
};

plugin.configs.recommended = {
  name: 'sslguard/recommended',
  plugins: { sslguard: plugin as unknown as ESLint.Plugin },
  rules: Object.fromEntries(offered.map((r) => [`sslguard/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn'])),
};

plugin.configs.configFiles = {
  name: 'sslguard/config-files',
  files: [...CONFIG_FILE_GLOBS],
  plugins: { sslguard: plugin as unknown as ESLint.Plugin },
  processor: 'sslguard/config',
};

export default plugin;
