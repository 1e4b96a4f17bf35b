// The `sslguard/config` processor: ESLint reports sslguard's findings in env, YAML, JSON and Prisma
// files at their real positions, with the same messages as the CLI's core.
import { describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import plugin from '../../src/eslint/plugin.js';
import { PLACEHOLDER } from '../../src/eslint/processor.js';
import { lintSources } from '../../src/engine/lint.js';

const cwd = process.cwd();
const config: Linter.Config[] = [plugin.configs.recommended, plugin.configs.configFiles];

function eslint(file: string, text: string) {
  const linter = new Linter({ configType: 'flat', cwd });
  return linter.verify(text, config, { filename: `${cwd}/${file}` });
}

function cli(file: string, text: string) {
  return lintSources([{ file, text }]).findings;
}

const ENV = `# Orders service, production
DATABASE_URL=postgresql://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require
NODE_TLS_REJECT_UNAUTHORIZED=0
`;

const COMPOSE = `services:
  api:
    image: ghcr.io/acme/api:1.4.2
    environment:
      DATABASE_URL: postgres://app@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=disable
`;

const MCP = `{
  "mcpServers": {
    "postgres": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-postgres", "postgresql://readonly@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=require"]
    }
  }
}
`;

describe('sslguard/config processor', () => {
  it.each([
    ['deploy/.env.production', ENV],
    ['docker-compose.yml', COMPOSE],
    ['.cursor/mcp.json', MCP],
  ])('reports the findings of %s at their real positions, as the core does', (file, text) => {
    // ESLint orders messages at one position by rule; the CLI by rule id: compare in the CLI's order.
    const messages = eslint(file, text).sort((a, b) => a.line - b.line || a.column - b.column || (a.ruleId! < b.ruleId! ? -1 : 1));
    expect(messages.length).toBeGreaterThan(0);
    const expected = cli(file, text)
      .filter((f) => plugin.rules[f.ruleId])
      .map((f) => ({ ruleId: `sslguard/${f.ruleId}`, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message }));
    expect(messages.map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message }))).toEqual(expected);
    for (const m of messages) expect(m.suggestions).toBeUndefined();
  });

  it('puts each finding where the CLI does: the sslmode value and the NODE_TLS value of the env file', () => {
    expect(eslint('deploy/.env.production', ENV).map((m) => [m.ruleId, m.messageId, m.severity, m.line, m.column, m.endLine, m.endColumn])).toEqual([
      ['sslguard/require-verify-full', 'production', 2, 2, 106, 2, 113],
      ['sslguard/no-reject-unauthorized', 'nodeTls', 2, 3, 30, 3, 31],
    ]);
  });

  it('lets ESLint rules be turned off as usual', () => {
    const linter = new Linter({ configType: 'flat', cwd });
    const messages = linter.verify(ENV, [...config, { rules: { 'sslguard/require-verify-full': 'off' } }], { filename: `${cwd}/deploy/.env.production` });
    expect(messages.map((m) => m.ruleId)).toEqual(['sslguard/no-reject-unauthorized']);
  });

  it('hands ESLint nothing to lint for files sslguard does not read, and lints source as code', () => {
    const processor = plugin.processors.config;
    expect(processor.preprocess!('# notes\n', `${cwd}/notes.txt`)).toEqual([]);
    expect(processor.preprocess!('export const x = 1;\n', `${cwd}/src/a.ts`)).toEqual([]);
    const blocks = processor.preprocess!('PGSSLMODE=disable\n', `${cwd}/.env`);
    expect(blocks).toEqual([{ text: PLACEHOLDER, filename: 'sslguard.js' }]);
    expect(processor.postprocess!([[]], `${cwd}/.env`)).toEqual([]);
  });
});

describe('sslguard/config processor on a Dockerfile', () => {
  it('reports the ENV of a build stage', () => {
    const text = 'FROM node:20-slim\nENV PGSSLMODE=disable DATABASE_URL=postgresql://app@db.abcdefghijklmnop.supabase.co:5432/postgres\nCMD ["node", "server.js"]\n';
    const messages = eslint('Dockerfile', text);
    expect(messages.map((m) => [m.ruleId, m.line, m.column, m.endLine, m.endColumn])).toEqual(
      cli('Dockerfile', text).filter((f) => plugin.rules[f.ruleId]).map((f) => [`sslguard/${f.ruleId}`, f.line, f.column, f.endLine, f.endColumn]),
    );
    expect(messages.map((m) => m.ruleId)).toContain('sslguard/no-ssl-disabled');
  });
});
