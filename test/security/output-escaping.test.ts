// Issue 19, "Terminal and CI output": names and values from the scanned repository cannot write
// workflow commands into a GitHub Actions log nor terminal sequences into a terminal. The attack
// is a committed file whose name holds a newline and `::error file=x::FORGED`, another whose name
// holds ESC sequences (window title, clear screen), and a compose service named the same way;
// the real CLI prints them in each human-readable format, and the Action's entry point in its
// log, annotations and job summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../src/report/printable.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');
const actionEntry = join(root, 'dist', 'src', 'action', 'main.js');
const URL = 'postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable';

const FORGED_DIR = 'x\n::error file=x::FORGED\n';
const ESC_DIR = 'y\u001b]0;owned\u0007\u001b[2J\u001b[31m\u202e';
const SERVICE = 'api\n::error file=y::FORGED-SERVICE\n\u001b[2J';

let base: string;
let repo: string;

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-output-')));
  repo = join(base, 'repo');
  const files: Record<string, string> = {
    [`${FORGED_DIR}/.env.example`]: `DATABASE_URL=${URL}\n`,
    [`${ESC_DIR}/.env.example`]: `DATABASE_URL=${URL}\n`,
    'docker-compose.yml': `services:\n  ${JSON.stringify(SERVICE)}:\n    image: node:20\n    environment:\n      PGSSLMODE: disable\n      DATABASE_URL: postgresql://agent@db.abcd1234.supabase.co:5432/postgres\n`,
    // A diagnostic that quotes repository text: a YAML error.
    [`${FORGED_DIR}/k8s.yaml`]: 'apiVersion: v1\nkind: ConfigMap\n\u001b[2J: [\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, name)), { recursive: true });
    writeFileSync(join(repo, name), text);
  }
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'hostile names');
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** What a runner or a terminal would act on: a line that starts a workflow command sslguard did not write, or a control character. */
function expectInert(out: string, commandsAllowed: RegExp | undefined): void {
  for (const line of out.split(/\r\n|\r|\n/)) {
    if (/^\s*::/.test(line)) expect(line, 'a workflow command').toMatch(commandsAllowed ?? /^$/);
  }
  expect(out).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
}

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(1);
  return r.stdout + r.stderr;
}

describe('hostile file and service names', () => {
  it('the repository really holds them (the attack reaches the scan)', () => {
    const json = JSON.parse(cli('--format', 'json')) as { findings: Array<{ file: string; message: string }> };
    const files = json.findings.map((f) => f.file);
    expect(files).toContain(`${FORGED_DIR}/.env.example`);
    expect(files).toContain(`${ESC_DIR}/.env.example`);
    expect(json.findings.some((f) => f.message.includes('FORGED-SERVICE'))).toBe(true);
  });

  it('stylish (the default) shows them escaped', () => {
    const out = cli();
    expectInert(out, undefined);
    expect(out).toContain(printable(`${FORGED_DIR}/.env.example`));
    expect(out).toContain('y\\u001b]0;owned\\u0007\\u001b[2J\\u001b[31m\\u202e/.env.example');
  });

  it('stylish with colour keeps only its own colour sequences', () => {
    const out = cli('--color');
    expect(out.replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(out.split('\n').some((l) => /^::/.test(l))).toBe(false);
  });

  it('--format github writes one command per annotation, the names inside it', () => {
    const out = cli('--format', 'github');
    expectInert(out, /^::(?:error|warning|notice) [^\n]*$/);
    // The forged line is part of the file property, escaped, never a command of its own.
    expect(out).toContain('file=x%0A%3A%3Aerror file=x%3A%3AFORGED%0A/.env.example');
    expect(out.split('\n').filter((l) => l.startsWith('::error file=x::'))).toEqual([]);
  });

  it("the Action's log, annotations and job summary", () => {
    const state = realpathSync(mkdtempSync(join(base, 'runner-')));
    const summary = join(state, 'summary.md');
    const output = join(state, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const r = spawnSync(process.execPath, [actionEntry], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_ACTIONS: 'true', CI: 'true', NO_COLOR: '1', GITHUB_WORKSPACE: repo, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
    });
    const log = r.stdout + r.stderr;
    // Outside the stop-commands block sslguard writes only its annotations.
    const outside = log.replace(/::stop-commands::(\S+)\n[\s\S]*?::\1::\n/, '');
    expectInert(outside, /^::(?:error|warning|notice) [^\n]*$/);
    expectInert(log.replace(/^::stop-commands::\S+$|^::[0-9a-f-]+::$|^::(?:error|warning|notice) .*$/gm, ''), undefined);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('FORGED');
    expect(md).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(md).not.toMatch(/^::/m);
  });
});

describe('printable', () => {
  it('escapes C0 and C1 controls, DEL, line separators and bidirectional controls, and nothing else', () => {
    expect(printable('a\nb\rc\td\u0000e\u001bf\u007fg\u009bh\u2028i\u202ej\u2066k')).toBe('a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u009bh\\u2028i\\u202ej\\u2066k');
    expect(printable('postgres://ü@db.example.com/ß?x=€ 🙂')).toBe('postgres://ü@db.example.com/ß?x=€ 🙂');
    expect(printable('a\nb\u001b', { lineBreaks: true })).toBe('a\nb\\u001b');
  });
});
