import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { formatGithub } from '../../src/report/github.js';
import { escapeData, escapeProperty, workflowCommand } from '../../src/report/workflow-commands.js';
import type { Finding } from '../../src/model.js';

/** The runner's side: split a workflow command and unescape it, as GitHub documents. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const unProp = (s: string) => unData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const properties: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unProp(pair.slice(eq + 1));
  }
  return { command: m[1]!, properties, message: unData(m[3]!) };
}

function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-github-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function github(cwd: string, args: string[] = ['.']) {
  let out = '';
  const code = await main(['--format', 'github', ...args], { cwd, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {}, now: new Date('2026-11-26T00:00:00Z') });
  return { code, out };
}

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'no-ssl-disabled',
  severity: 'error',
  message: 'Connection to db.exemplar.io uses sslmode=disable.',
  file: 'deploy/.env.example',
  line: 3,
  column: 79,
  endLine: 3,
  endColumn: 86,
  environment: 'unknown',
  ...over,
});

describe('GitHub workflow-command escaping', () => {
  it('escapes data and properties per the runner rules', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext%3A a%2Cb');
    // `%` is escaped first, so an already escaped-looking input survives a round trip.
    expect(escapeProperty('%3A')).toBe('%253A');
    expect(workflowCommand('notice', {}, 'plain')).toBe('::notice::plain');
  });
});

describe('--format github', () => {
  it('writes one ::error or ::warning command per finding, with file, range and title', async () => {
    const dir = tempRepo({
      'deploy/.env.example': [
        'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable',
        'ANALYTICS_URL=postgresql://reader@analytics.abcd1234.supabase.co:5432/postgres',
        '',
      ].join('\n'),
    });
    const { code, out } = await github(dir);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=deploy\/\.env\.example,line=1,endLine=1,col=79,endColumn=86,title=sslguard%3A no-ssl-disabled::Connection to db\.abcd1234\.supabase\.co/);
    const warning = parseCommand(lines[1]!);
    expect(warning.command).toBe('warning');
    expect(warning.properties).toEqual({ file: 'deploy/.env.example', line: '2', endLine: '2', col: '15', endColumn: '79', title: 'sslguard: require-sslmode' });
    expect(warning.message).toContain('analytics.abcd1234.supabase.co');
  });

  it('escapes file names and messages so that the runner reads them back exactly', async () => {
    const dir = tempRepo({ 'ops,eu:west/.env.example': 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n' });
    const { out } = await github(dir);
    expect(out).toContain('file=ops%2Ceu%3Awest/.env.example,');
    expect(parseCommand(out.trimEnd()).properties.file).toBe('ops,eu:west/.env.example');

    const tricky = finding({ message: 'line one\nline two: 100% sure, really' });
    const parsed = parseCommand(formatGithub({ findings: [tricky], suppressed: [], diagnostics: [], stats: { filesScanned: 1, errors: 1, warnings: 0, suppressed: 0, durationMs: 1 } }, { color: false, version: '0.1.0' }).trimEnd());
    expect(parsed.message).toBe('line one\nline two: 100% sure, really');
  });

  it('leaves out columns for a multi-line range (GitHub rejects them there)', () => {
    const out = formatGithub({ findings: [finding({ line: 4, endLine: 6, column: 7, endColumn: 2, severity: 'warning' })], suppressed: [], diagnostics: [], stats: { filesScanned: 1, errors: 0, warnings: 1, suppressed: 0, durationMs: 1 } }, { color: false, version: '0.1.0' });
    expect(out).toBe('::warning file=deploy/.env.example,line=4,endLine=6,title=sslguard%3A no-ssl-disabled::Connection to db.exemplar.io uses sslmode=disable.\n');
  });

  it('reports unreadable files as notices, skips suppressed findings, and prints nothing on a clean tree', async () => {
    const dir = tempRepo({
      'charts/agent/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      '.env.example': '# sslguard-disable-next-line no-ssl-disabled -- local tunnel\nDATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n',
    });
    const { code, out } = await github(dir);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n').map(parseCommand);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.command).toBe('notice');
    expect(lines[0]!.properties).toMatchObject({ file: 'charts/agent/templates/deployment.yaml', line: '4', title: 'sslguard: file not fully scanned' });
    expect((await github(tempRepo({ '.env.example': 'DATABASE_URL=postgresql://postgres:postgres@localhost:54322/postgres\n' }))).out).toBe('');
  });
});
