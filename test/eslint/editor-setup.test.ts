// The README's editor settings: valid JSONC, and every kind of file the config processor reads has
// a language id in `eslint.validate` (VS Code's ESLint extension lints no other file).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { CONFIG_FILE_GLOBS } from '../../src/eslint/plugin.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const at = readme.indexOf('### Editor setup');
const block = /```jsonc\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;

/** The language VS Code gives each kind of file the processor reads (the association in the snippet for env files). */
const LANGUAGE_OF_GLOB: Record<string, string> = {
  '**/.env': 'dotenv',
  '**/.env.*': 'dotenv',
  '**/*.env': 'dotenv',
  '**/.envrc': 'dotenv',
  '**/*.yml': 'yaml',
  '**/*.yaml': 'yaml',
  '**/.mcp.json': 'json',
  '**/mcp.json': 'jsonc',
  '**/claude_desktop_config.json': 'json',
  '**/cline_mcp_settings.json': 'json',
  '**/mcp_config.json': 'json',
  '**/.gemini/settings.json': 'jsonc',
  '**/package.json': 'json',
  '**/Dockerfile': 'dockerfile',
  '**/Dockerfile.*': 'dockerfile',
  '**/*.Dockerfile': 'dockerfile',
  '**/Containerfile': 'dockerfile',
  '**/*.prisma': 'prisma',
};

describe('README editor setup', () => {
  const errors: ParseError[] = [];
  const settings = parse(block, errors) as { 'eslint.validate': string[]; 'files.associations': Record<string, string> };

  it('is valid JSONC', () => {
    expect(errors).toEqual([]);
  });

  it('validates JS, TS and the language of every file the processor reads', () => {
    expect(Object.keys(LANGUAGE_OF_GLOB).sort()).toEqual([...CONFIG_FILE_GLOBS].sort());
    const validate = new Set(settings['eslint.validate']);
    for (const id of ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'dockercompose', ...Object.values(LANGUAGE_OF_GLOB)]) {
      expect(validate.has(id), id).toBe(true);
    }
  });

  it('associates the env file names the processor reads with dotenv', () => {
    const envGlobs = CONFIG_FILE_GLOBS.filter((g) => LANGUAGE_OF_GLOB[g] === 'dotenv').map((g) => g.replace('**/', ''));
    expect(Object.keys(settings['files.associations']).sort()).toEqual(envGlobs.sort());
    expect(new Set(Object.values(settings['files.associations']))).toEqual(new Set(['dotenv']));
  });
});
