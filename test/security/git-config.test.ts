// "No code from the scanned repository runs", for every way a repository's git configuration can
// name a program: fsmonitor, hooks, textconv, filters, the pager, core.sshCommand, a promisor
// remote's uploadpack (a partial clone's lazy fetch) and a configuration file pulled in with
// include.path. Each vector plants a command that appends to a marker file, shows with git itself
// that the command is live, then runs every git-starting path of sslguard on the repository: the
// CLI on the tree, on named files and with --staged, the ESLint plugin's git state through the real
// ESLint CLI, and the Action's entry point. The marker must stay absent.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'sslguard.js');
const actionEntry = join(root, 'dist', 'src', 'action', 'main.js');
const plugin = join(root, 'dist', 'src', 'eslint', 'plugin.js');
const eslintBin = join(dirname(createRequire(import.meta.url).resolve('eslint/package.json')), 'bin', 'eslint.js');
const HOST = 'db.abcd1234.supabase.co';

let base: string;
beforeAll(() => {
  if (!existsSync(actionEntry) || !existsSync(plugin)) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
  base = realpathSync(mkdtempSync(join(tmpdir(), 'sslguard-gitconfig-')));
});
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

/** git as a user runs it: none of sslguard's hardening. */
function git(cwd: string, args: string[], options: { allowFailure?: boolean; input?: string } = {}): SpawnSyncReturns<string> {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git not found: apt-get install -y git');
  if (r.status !== 0 && !options.allowFailure) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r;
}

interface Planted {
  repo: string;
  marker: string;
  /** A command line that appends its arguments to the marker file. */
  hook: string;
}

/**
 * A committed repository: a tracked env file and TS file with findings, `.env.staging` staged
 * (for --staged), and `.gitattributes` routing every file through a diff and filter driver named
 * `evil` (inert until a vector defines it).
 */
function repository(name: string): Planted {
  const dir = join(base, name);
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  const marker = join(dir, 'ran');
  const hook = join(dir, 'hook.sh');
  writeFileSync(hook, `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 0\n`);
  chmodSync(hook, 0o755);
  writeFileSync(join(repo, '.env.production'), `DATABASE_URL=postgresql://app@${HOST}:5432/postgres?sslmode=disable\n`);
  mkdirSync(join(repo, 'src'));
  writeFileSync(join(repo, 'src', 'db.ts'), "import { Pool } from 'pg';\nexport const pool = new Pool({ ssl: { rejectUnauthorized: false } });\n");
  writeFileSync(join(repo, '.gitattributes'), '* diff=evil filter=evil\n');
  // ESLint's own configuration (the user's, not under test): the plugin's env-file config.
  writeFileSync(
    join(repo, 'eslint.config.mjs'),
    `import sslguard from ${JSON.stringify(pathToFileURL(plugin).href)};\nexport default [sslguard.configs.recommended, sslguard.configs.configFiles];\n`,
  );
  git(repo, ['init', '-q']);
  writeFileSync(join(repo, '.git', 'info', 'exclude'), 'eslint.config.mjs\n');
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-qm', 'init']);
  writeFileSync(join(repo, '.env.staging'), `DATABASE_URL=postgresql://app@${HOST}:5432/postgres?sslmode=disable\n`);
  return { repo, marker, hook };
}

/** Deletes a loose object, as a partial clone lacks it until it fetches it. */
function dropObject(repo: string, id: string): void {
  rmSync(join(repo, '.git', 'objects', id.slice(0, 2), id.slice(2)));
}

/**
 * A partial clone whose promisor remote is `url`: the staged `.env.staging` blob and the tracked
 * `src/db.ts` blob (marked assume-unchanged, so git grep searches the index's copy) are missing,
 * and reading either makes git fetch them.
 */
function partialClone(repo: string, url: string, config: Record<string, string>): string {
  git(repo, ['add', '.env.staging']);
  const staged = git(repo, ['rev-parse', ':.env.staging']).stdout.trim();
  const tracked = git(repo, ['rev-parse', ':src/db.ts']).stdout.trim();
  git(repo, ['update-index', '--assume-unchanged', 'src/db.ts']);
  dropObject(repo, staged);
  dropObject(repo, tracked);
  git(repo, ['config', 'core.repositoryformatversion', '1']);
  git(repo, ['config', 'extensions.partialClone', 'origin']);
  git(repo, ['config', 'remote.origin.url', url]);
  git(repo, ['config', 'remote.origin.promisor', 'true']);
  for (const [key, value] of Object.entries(config)) git(repo, ['config', key, value]);
  return staged;
}

function ran(p: Planted): string {
  return existsSync(p.marker) ? readFileSync(p.marker, 'utf8') : '';
}

/** Shows that git itself starts the planted command, then clears the marker. */
function expectLive(p: Planted, demonstrate: () => void): void {
  demonstrate();
  expect(ran(p), 'the planted command is live for git itself').not.toBe('');
  rmSync(p.marker);
}

/** Every path on which sslguard starts git; none may start the planted command. */
function expectNothingRuns(p: Planted): void {
  const { repo } = p;
  const cli = (args: string[]) => spawnSync(process.execPath, [bin, '--format', 'json', ...args], { cwd: repo, encoding: 'utf8' });
  for (const args of [['.'], ['--staged'], ['.env.production', '.env.staging', 'src/db.ts']]) {
    const r = cli(args);
    expect([0, 1], `sslguard ${args.join(' ')}: ${r.stderr}`).toContain(r.status);
    JSON.parse(r.stdout);
    expect(ran(p), `sslguard ${args.join(' ')}`).toBe('');
  }
  const eslint = spawnSync(process.execPath, [eslintBin, '--format', 'json', '.env.production', '.env.staging'], { cwd: repo, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect([0, 1], `eslint: ${eslint.stderr}`).toContain(eslint.status);
  expect(JSON.parse(eslint.stdout)).toHaveLength(2);
  expect(ran(p), 'eslint').toBe('');
  const state = join(dirname(repo), 'runner');
  mkdirSync(state, { recursive: true });
  const action = spawnSync(process.execPath, [actionEntry], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GITHUB_ACTIONS: 'true', NO_COLOR: '1', GITHUB_WORKSPACE: repo, GITHUB_OUTPUT: join(state, 'output'), INPUT_PATHS: '.' },
  });
  expect([0, 1], `action: ${action.stdout}${action.stderr}`).toContain(action.status);
  expect(ran(p), 'action').toBe('');
}

describe("a repository's git configuration names a program; sslguard never starts it", () => {
  it('core.fsmonitor', () => {
    const p = repository('fsmonitor');
    git(p.repo, ['config', 'core.fsmonitor', p.hook]);
    expectLive(p, () => git(p.repo, ['ls-files', '--others', '--exclude-standard']));
    expectNothingRuns(p);
  });

  it('hooks, in .git/hooks and in core.hooksPath', () => {
    const p = repository('hooks');
    const hooks = join(dirname(p.repo), 'hooks');
    mkdirSync(hooks);
    for (const name of ['post-index-change', 'reference-transaction', 'post-checkout', 'pre-auto-gc']) {
      writeFileSync(join(hooks, name), `#!/bin/sh\n'${p.hook}' ${name}\n`, { mode: 0o755 });
      writeFileSync(join(p.repo, '.git', 'hooks', name), `#!/bin/sh\n'${p.hook}' ${name}\n`, { mode: 0o755 });
    }
    git(p.repo, ['config', 'core.hooksPath', hooks]);
    expectLive(p, () => git(p.repo, ['add', '.env.staging']));
    expectNothingRuns(p);
  });

  it('a textconv driver', () => {
    const p = repository('textconv');
    git(p.repo, ['add', '.env.staging']);
    git(p.repo, ['config', 'diff.evil.textconv', p.hook]);
    expectLive(p, () => git(p.repo, ['diff', '--cached']));
    expectNothingRuns(p);
  });

  it('clean and smudge filters', () => {
    const p = repository('filters');
    git(p.repo, ['config', 'filter.evil.clean', p.hook]);
    git(p.repo, ['config', 'filter.evil.smudge', p.hook]);
    expectLive(p, () => git(p.repo, ['add', '.env.staging'], { allowFailure: true }));
    // Staged through the filter: the index holds what the hook printed (nothing); stage the file as it is.
    git(p.repo, ['-c', 'filter.evil.clean=cat', 'add', '.env.staging']);
    expectNothingRuns(p);
  });

  it('the pager (core.pager and pager.<command>)', () => {
    const p = repository('pager');
    git(p.repo, ['config', 'core.pager', p.hook]);
    for (const command of ['ls-files', 'grep', 'diff', 'cat-file', 'check-ignore', 'rev-parse']) git(p.repo, ['config', `pager.${command}`, p.hook]);
    // git pages only on a terminal: `script` gives it one.
    expectLive(p, () => {
      const r = spawnSync('script', ['-qec', 'git ls-files', '/dev/null'], { cwd: p.repo, encoding: 'utf8' });
      if (r.error) throw new Error(`script (util-linux) not found: apt-get install -y util-linux (${r.error.message})`);
    });
    expectNothingRuns(p);
  });

  it('core.sshCommand, through a partial clone fetching a missing blob from an ssh promisor remote', () => {
    const p = repository('ssh');
    const blob = partialClone(p.repo, 'ssh://git@example.invalid/acme/api.git', { 'core.sshCommand': p.hook });
    expectLive(p, () => git(p.repo, ['cat-file', '-p', blob], { allowFailure: true }));
    expectNothingRuns(p);
  });

  it("a promisor remote's uploadpack command (lazy fetch by cat-file for --staged and by git grep)", () => {
    const p = repository('uploadpack');
    const blob = partialClone(p.repo, join(dirname(p.repo), 'nowhere'), { 'remote.origin.uploadpack': p.hook, 'protocol.file.allow': 'always' });
    expectLive(p, () => git(p.repo, ['cat-file', '--batch-check'], { allowFailure: true, input: `${blob}\n` }));
    expectLive(p, () => git(p.repo, ['grep', '-l', '-e', 'ssl'], { allowFailure: true }));
    expectNothingRuns(p);
  });

  it('a committed file pulled into .git/config with include.path', () => {
    const p = repository('include');
    const blob = partialClone(p.repo, join(dirname(p.repo), 'nowhere'), {});
    writeFileSync(
      join(p.repo, 'tools.gitconfig'),
      `[core]\n\tfsmonitor = ${p.hook}\n\tsshCommand = ${p.hook}\n[remote "origin"]\n\tuploadpack = ${p.hook}\n[protocol "file"]\n\tallow = always\n[diff "evil"]\n\ttextconv = ${p.hook}\n`,
    );
    git(p.repo, ['config', 'include.path', '../tools.gitconfig']);
    expectLive(p, () => git(p.repo, ['ls-files', '--others', '--exclude-standard']));
    expectLive(p, () => git(p.repo, ['cat-file', '-p', blob], { allowFailure: true }));
    expectNothingRuns(p);
  });
});
