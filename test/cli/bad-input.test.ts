// The whole CLI over the bad-input corpus: fixtures/bad-input/ (the files that can be committed)
// plus what a test has to make (a 50 MB file, a 100,000-character line, unreadable files, symbolic
// link loops, links out of the tree, directories named like files). Nothing may crash; every file
// gets a diagnostic or a correct result, with its position right whatever the encoding or line
// ending; the exit code stays 1 for findings (2 is for usage and config problems only).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const URL = 'postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable';
const LONG_LINE_PADDING = 'var a="' + 'x'.repeat(100_000 - 100) + '";';
/** Column of `disable` in the bundled line. */
const LONG_LINE_COLUMN = LONG_LINE_PADDING.length + 'var databaseUrl="'.length + URL.indexOf('disable') + 1;
/** Only inside the file outside the scanned tree: must never show up. */
const OUTSIDE_SECRET = 'S3outsideTheTree';

/**
 * Permission checks do not apply to root, and tests run as root in CI: the CLI is then run as
 * `nobody` through setpriv, so that opening a mode-000 file really fails with EACCES.
 */
const asRoot = process.getuid?.() === 0;

/**
 * What `nobody` runs: the checkout itself may lie under a directory only its owner can enter (a
 * private home, a mode-700 temporary directory), so as root the built CLI is installed into the
 * test's own directory, which `nobody` can read: bin/, dist/ and package.json copied, node_modules
 * hard-linked where the file system allows (copied where it does not), and Node itself when
 * `nobody` cannot run it where it is.
 */
let bin = join(root, 'bin', 'sslguard.js');
let node = process.execPath;

function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  chmodSync(to, 0o755);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
      }
    }
  }
}

function installForNobody(dir: string): void {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  for (const name of ['bin', 'dist', 'package.json']) cpSync(join(root, name), join(dir, name), { recursive: true, preserveTimestamps: true });
  linkTree(join(root, 'node_modules'), join(dir, 'node_modules'));
  bin = join(dir, 'bin', 'sslguard.js');
  const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', node, '-e', '0']);
  if (probe.error) throw new Error(`setpriv not found: apt-get install -y util-linux (${probe.error.message})`);
  if (probe.status !== 0) {
    node = join(dir, 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
}

function runCli(args: string[], cwd: string) {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  const env = {
    ...process.env,
    NO_COLOR: '1',
    // git refuses a repository another user owns unless told it is safe.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'safe.directory',
    GIT_CONFIG_VALUE_0: '*',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const command = asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', node, bin, ...args]] : [process.execPath, [bin, ...args]];
  const r = spawnSync(command[0] as string, command[1] as string[], { cwd, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  findings: Array<{ ruleId: string; file: string; line: number; column: number; endLine: number; endColumn: number; message: string }>;
  diagnostics: Array<{ file: string; line?: number; column?: number; message: string }>;
}

let base: string;

/** The corpus in `dir`: committed files copied, the rest made here. */
function buildTree(dir: string, outside: string, git: boolean): void {
  cpSync(join(root, 'fixtures', 'bad-input'), dir, { recursive: true });
  if (git) {
    const g = (...a: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { cwd: dir, stdio: 'ignore' });
    g('init', '-q');
    g('add', '-A');
    g('commit', '-qm', 'corpus');
  }
  // 50 MB of comments, then one connection string: above the 2 MB default limit.
  mkdirSync(join(dir, 'huge'));
  const filler = '# padding line of a generated file, nothing to see here ..........................\n';
  writeFileSync(join(dir, 'huge', 'huge.env'), filler.repeat(Math.ceil((50 * 1024 * 1024) / filler.length)) + `DATABASE_URL=${URL}\n`, { flag: 'w' });
  // One line of 100,000 characters (a bundled file) with the string near its end.
  mkdirSync(join(dir, 'long-line'));
  writeFileSync(join(dir, 'long-line', 'bundle.js'), `${LONG_LINE_PADDING}var databaseUrl="${URL}";\n`);
  // Unreadable file and directory.
  mkdirSync(join(dir, 'unreadable'));
  writeFileSync(join(dir, 'unreadable', '.env.production'), `DATABASE_URL=${URL}\n`);
  chmodSync(join(dir, 'unreadable', '.env.production'), 0o000);
  mkdirSync(join(dir, 'unreadable-dir'));
  writeFileSync(join(dir, 'unreadable-dir', '.env'), `DATABASE_URL=${URL}\n`);
  chmodSync(join(dir, 'unreadable-dir'), 0o000);
  // Symbolic link loops, a link to the directory itself, links out of the tree.
  mkdirSync(join(dir, 'loops'));
  symlinkSync('.env.b', join(dir, 'loops', '.env.a'));
  symlinkSync('.env.a', join(dir, 'loops', '.env.b'));
  symlinkSync('.', join(dir, 'loops', 'self'));
  mkdirSync(join(dir, 'outside'));
  symlinkSync(join(outside, 'secret.env'), join(dir, 'outside', '.env.production'));
  symlinkSync(outside, join(dir, 'outside', 'linked-dir'));
  // Directories named like files sslguard reads.
  mkdirSync(join(dir, 'dir-named-env', '.env'), { recursive: true });
  writeFileSync(join(dir, 'dir-named-env', '.env', 'README'), 'a directory, not an env file\n');
  mkdirSync(join(dir, 'dir-named-env', 'docker-compose.yml'));
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sslguard-bad-input-'));
  // `nobody` must be able to reach the trees and the CLI.
  chmodSync(base, 0o755);
  if (asRoot) installForNobody(join(base, 'install'));
  const outside = join(base, 'outside-the-tree');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.env'), `DATABASE_URL=postgresql://app:${OUTSIDE_SECRET}@db.abcd1234.supabase.co/postgres?sslmode=disable\n`);
  mkdirSync(join(base, 'plain'));
  buildTree(join(base, 'plain'), outside, false);
  mkdirSync(join(base, 'repo'));
  buildTree(join(base, 'repo'), outside, true);
}, 120_000);

afterAll(() => {
  for (const dir of ['plain', 'repo']) if (base && existsSync(join(base, dir, 'unreadable-dir'))) chmodSync(join(base, dir, 'unreadable-dir'), 0o755);
  if (base) rmSync(base, { recursive: true, force: true });
});

/** `ruleId@line:column-endLine:endColumn`. */
const at = (f: Report['findings'][number]): string => `${f.ruleId}@${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;

// `disable` sits at column 79 of `DATABASE_URL=<URL>`, and at 86 in a compose `DATABASE_URL: <URL>` entry.
const EXPECTED: Record<string, { findings?: string[]; diagnostics?: RegExp[] }> = {
  'bombs/billion-laughs.yaml': { diagnostics: [/^YAML aliases expand to more than 100000 extra nodes \(an alias bomb\?\), document not scanned$/] },
  'deep/.cursor/mcp.json': { diagnostics: [/^JSON nested more than 128 levels deep, not scanned$/] },
  'deep/k8s/nested.yaml': { diagnostics: [/^YAML nested more than 128 levels deep, not scanned$/] },
  'deep/src/nested.ts': { diagnostics: [/^cannot parse: Maximum call stack size exceeded$/] },
  'empty/.mcp.json': { diagnostics: [/^invalid JSON: ValueExpected$/] },
  'empty/package.json': { diagnostics: [/^invalid JSON: ValueExpected$/] },
  'encodings/binary.ts': { diagnostics: [/^binary file \(NUL bytes\), not scanned$/] },
  'encodings/nul.env': { diagnostics: [/^binary file \(NUL bytes\), not scanned$/] },
  // The BOM is not a column; UTF-16 files are decoded; an undecodable byte is reported, the rest read.
  'encodings/bom.env': { findings: ['no-ssl-disabled@1:79-1:86'] },
  'encodings/utf16le.env': { findings: ['no-ssl-disabled@2:79-2:86'] },
  'encodings/utf16be.env': { findings: ['no-ssl-disabled@1:79-1:86'] },
  'encodings/invalid-utf8.env': { findings: ['no-ssl-disabled@2:79-2:86'], diagnostics: [/^invalid UTF-8: undecodable bytes were replaced with U\+FFFD$/] },
  'helm/templates/deployment.yaml': { diagnostics: [/^Helm template, not scanned$/] },
  'line-endings/crlf.env': { findings: ['no-ssl-disabled@3:79-3:86'] },
  'line-endings/cr.env': { findings: ['no-ssl-disabled@3:79-3:86'] },
  'line-endings/compose-crlf.yml': { findings: ['no-ssl-disabled@5:86-5:93'] },
  'line-endings/compose-cr.yml': { findings: ['no-ssl-disabled@5:86-5:93'] },
  'line-endings/crlf.ts': { findings: ['no-reject-unauthorized@5:10-5:35'] },
  'line-endings/cr.ts': { findings: ['no-reject-unauthorized@5:10-5:35'] },
  'line-endings/crlf/.mcp.json': { findings: ['no-ssl-disabled@5:129-5:136'] },
  'line-endings/cr/.mcp.json': { findings: ['no-ssl-disabled@5:129-5:136'] },
  'malformed/.cursor/mcp.json': { findings: ['no-ssl-disabled@5:129-5:136'], diagnostics: [/^invalid JSON: /] },
  'malformed/docker-compose.yml': { diagnostics: [/^invalid YAML, document not scanned: Missing closing "quote$/] },
  'malformed/k8s/deployment.yaml': { diagnostics: [/^invalid YAML, document not scanned: Tabs are not allowed as indentation$/] },
  'malformed/package.json': { findings: ['no-ssl-disabled@1:109-1:116'], diagnostics: [/^invalid JSON: CloseBraceExpected$/] },
  'huge/huge.env': { diagnostics: [/^file is 52428\d\d\d bytes, above the 2097152-byte limit \(maxFileSize\), not scanned$/] },
  'long-line/bundle.js': { findings: [`no-ssl-disabled@1:${LONG_LINE_COLUMN}-1:${LONG_LINE_COLUMN + 7}`] },
  'unreadable/.env.production': { diagnostics: [/^permission denied, not scanned$/] },
  'unreadable-dir': { diagnostics: [/^cannot read directory/] },
  'loops/.env.a': { diagnostics: [/^symbolic link loop, not followed$/] },
  'loops/.env.b': { diagnostics: [/^symbolic link loop, not followed$/] },
  'outside/.env.production': { diagnostics: [/^symbolic link points outside the scanned directory \(to .*outside-the-tree\/secret\.env\), not followed$/] },
  'outside/linked-dir': { diagnostics: [/^symbolic link points outside the scanned directory \(to .*outside-the-tree\), not followed$/] },
};

/** Read correctly as holding nothing sslguard reports. */
const NOTHING = ['empty/.env', 'empty/empty.ts', 'empty/docker-compose.yml', 'loops/self', 'dir-named-env/.env', 'dir-named-env/docker-compose.yml', 'dir-named-env/.env/README', '.gitattributes'];

function entriesOf(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (rel === '.git') continue;
    const st = lstatSync(join(dir, rel));
    if (st.isDirectory() && !(st.mode & 0o444)) out.push(rel);
    else if (st.isDirectory()) out.push(...entriesOf(dir, rel));
    else out.push(rel);
  }
  return out;
}

describe.each(['plain', 'repo'])('the CLI over the bad-input corpus (%s directory)', (kind) => {
  let report: Report;
  let result: ReturnType<typeof runCli>;

  beforeAll(() => {
    result = runCli(['--format', 'json', '--rule', 'gitignore-env=off', '.'], join(base, kind));
    try {
      report = JSON.parse(result.stdout) as Report;
    } catch {
      throw new Error(`no JSON report (exit code ${result.code}): ${result.stderr.slice(0, 2000)}`);
    }
  }, 120_000);

  it('finishes without an internal error, exit code 1 for the findings', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });

  it('gives every file its expected diagnostics and findings, positions included', () => {
    const actual: Record<string, { findings: string[]; diagnostics: string[] }> = {};
    const entry = (file: string) => (actual[file] ??= { findings: [], diagnostics: [] });
    for (const f of report.findings) entry(f.file).findings.push(at(f));
    for (const d of report.diagnostics) entry(d.file).diagnostics.push(d.message);
    // Inside a work tree git reports an unreadable directory, and the diagnostic names the repository.
    const expectations = { ...EXPECTED };
    if (kind === 'repo') {
      delete expectations['unreadable-dir'];
      // Git records a link to a directory as a link: what it points to is no part of the repository.
      delete expectations['outside/linked-dir'];
      expect(actual['outside/linked-dir']).toBeUndefined();
      expect(actual['.']?.diagnostics).toEqual([expect.stringMatching(/^cannot read directory .*\/unreadable-dir\/: Permission denied$/)]);
    }
    for (const [file, expected] of Object.entries(expectations)) {
      const got = actual[file] ?? { findings: [], diagnostics: [] };
      expect(got.findings, file).toEqual(expected.findings ?? []);
      expect(got.diagnostics.length, `${file}: ${got.diagnostics.join(' | ')}`).toBeGreaterThanOrEqual(expected.diagnostics?.length ?? 0);
      for (const pattern of expected.diagnostics ?? []) expect(got.diagnostics.some((m) => pattern.test(m)), `${file}: ${got.diagnostics.join(' | ')}`).toBe(true);
      if (!expected.diagnostics) expect(got.diagnostics, file).toEqual([]);
    }
    for (const file of NOTHING) expect(actual[file], file).toBeUndefined();
  });

  it('covers every entry of the corpus', () => {
    const covered = new Set([...Object.keys(EXPECTED), ...NOTHING]);
    expect(entriesOf(join(base, kind)).filter((rel) => !covered.has(rel))).toEqual([]);
  });

  it('never reads through a link out of the tree', () => {
    expect(result.stdout).not.toContain(OUTSIDE_SECRET);
  });
});

describe('the 50 MB file with a raised limit', () => {
  it('is read, and its one finding is at its last line', () => {
    const r = runCli(['--format', 'json', '--rule', 'gitignore-env=off', '--max-file-size', '60000000', 'huge/huge.env'], join(base, 'plain'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => [f.ruleId, f.column])).toEqual([['no-ssl-disabled', 79]]);
    expect(report.findings[0]!.line).toBeGreaterThan(600_000);
  }, 120_000);

  it('rejects a --max-file-size that is not a positive number of bytes, exit code 2', () => {
    for (const bad of ['0', '-5', '2MB', '1e6']) {
      const r = runCli(['--max-file-size', bad, '.'], join(base, 'plain'));
      expect(r.code, bad).toBe(2);
      // `-5` already fails as an option-like value in the argument parser; the others in sslguard's check.
      expect(r.stderr).toMatch(bad === '-5' ? /--max-file-size/ : /--max-file-size must be a positive whole number of bytes/);
    }
  });
});

describe('relative paths in EXPECTED', () => {
  it('name files of the committed corpus that exist', () => {
    const committed = entriesOf(join(root, 'fixtures', 'bad-input'));
    const generated = ['huge/', 'long-line/', 'unreadable', 'loops/', 'outside/'];
    for (const file of Object.keys(EXPECTED)) {
      if (generated.some((g) => file.startsWith(g))) continue;
      expect(committed, relative(root, file)).toContain(file);
    }
  });
});
