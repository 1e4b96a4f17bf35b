import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepositoryCandidate, openRepository } from '../../src/discovery/git.js';
import { GREP_PATTERN } from '../../src/extract/prefilter.js';
import { COMPOSE, DATABASE_ENV, commitAll, git, isolateGit, makeTree, removeTrees, requireGit, writeTree } from './fixture.js';

beforeAll(() => {
  requireGit();
  isolateGit();
});
afterAll(removeTrees);

/** What `run` returns, and the git commands it started (GIT_TRACE's log). */
async function tracingGit<T>(run: () => Promise<T>): Promise<T & { commands: string }> {
  const log = path.join(await makeTree({}), 'git-trace.log');
  const previous = process.env.GIT_TRACE;
  process.env.GIT_TRACE = log;
  try {
    const result = await run();
    return { ...result, commands: await fsp.readFile(log, 'utf8') };
  } finally {
    if (previous === undefined) delete process.env.GIT_TRACE;
    else process.env.GIT_TRACE = previous;
  }
}

describe('openRepository', () => {
  it('answers tracked and ignored for every path from one listing', async () => {
    const dir = await makeTree({
      '.gitignore': '.env*\n!.env.example\nlogs/\n',
      '.env.example': 'DATABASE_URL=\n',
      '.env.production': DATABASE_ENV,
      '.env.local': DATABASE_ENV,
      'docker-compose.yml': COMPOSE,
      'logs/app.env': DATABASE_ENV,
      'café menu.env': DATABASE_ENV,
      'odd\nname.env': DATABASE_ENV,
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '.gitignore', '.env.example', 'docker-compose.yml');
    git(dir, 'add', '-f', '.env.production');
    git(dir, 'commit', '-q', '-m', 'initial');

    const opened = await openRepository(dir, ['.env.local', 'logs/app.env', 'docker-compose.yml']);
    expect(opened.diagnostics).toEqual([]);
    const state = opened.state!;
    expect(state.root).toBe(dir);
    expect([...state.committable].sort()).toEqual(['.env.example', '.env.production', '.gitignore', 'café menu.env', 'docker-compose.yml', 'odd\nname.env']);
    expect(['.env.production', '.env.example', 'café menu.env', '.env.local'].map((rel) => [rel, state.isTracked(rel), state.isIgnored(rel)])).toEqual([
      ['.env.production', true, true],
      ['.env.example', true, false],
      ['café menu.env', false, false],
      ['.env.local', false, true],
    ]);
    expect(state.isIgnored('logs/app.env')).toBe(true);
    expect(state.isIgnored('docker-compose.yml')).toBe(false);
  });

  it('asks about the ignore state of tracked env files, certificates and keys by name, not by matching every tracked path', async () => {
    const dir = await makeTree({
      '.gitignore': 'secrets/\n*.pem\n!ca.pem\nbuild/\n',
      '.env.example': 'DATABASE_URL=\n',
      'secrets/.env': DATABASE_ENV,
      'certs/client.pem': 'not a real certificate\n',
      'certs/ca.pem': 'not a real certificate\n',
      'build/docker-compose.yml': COMPOSE,
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '-f', '.');
    git(dir, 'commit', '-q', '-m', 'initial');
    const { state, commands } = await tracingGit(() => openRepository(dir));
    expect(['secrets/.env', 'certs/client.pem', 'certs/ca.pem', '.env.example'].map((rel) => [rel, state!.isIgnored(rel)])).toEqual([
      ['secrets/.env', true],
      ['certs/client.pem', true],
      ['certs/ca.pem', false],
      ['.env.example', false],
    ]);
    // Nothing sslguard reports about a compose file depends on it: not asked, so not ignored.
    expect(state!.isIgnored('build/docker-compose.yml')).toBe(false);
    expect(commands).toContain('check-ignore --no-index --stdin -z');
    expect(commands).not.toMatch(/ls-files[^\n]* -i /);
  });

  it('matches every tracked path against the ignore rules when check-ignore refuses a path below a symbolic link', async () => {
    const outside = await makeTree({ '.env': DATABASE_ENV });
    const dir = await makeTree({ '.gitignore': 'config/\n', 'config/.env': DATABASE_ENV, 'app/.env': DATABASE_ENV });
    git(dir, 'init', '-q');
    git(dir, 'add', '-f', '.');
    git(dir, 'commit', '-q', '-m', 'initial');
    await fsp.rm(path.join(dir, 'config'), { recursive: true });
    await fsp.symlink(outside, path.join(dir, 'config'));
    const { state, diagnostics, commands } = await tracingGit(() => openRepository(dir));
    expect(diagnostics).toEqual([]);
    expect(commands).toMatch(/ls-files -z --cached -i --exclude-standard/);
    expect(state!.isIgnored('config/.env')).toBe(true);
    expect(state!.isIgnored('app/.env')).toBe(false);
  });

  it('lists submodules and untracked nested repositories as nested', async () => {
    const library = await makeTree({ 'docker-compose.yml': COMPOSE });
    commitAll(library);
    const dir = await makeTree({ '.env.example': 'DATABASE_URL=\n' });
    commitAll(dir);
    git(dir, 'submodule', 'add', '-q', library, 'libs/db');
    await writeTree(dir, { 'scratch/.env': DATABASE_ENV });
    git(path.join(dir, 'scratch'), 'init', '-q');
    const { state } = await openRepository(dir);
    expect([...state!.nestedRepositories].sort()).toEqual(['libs/db', 'scratch']);
    expect(state!.isInNestedRepository('libs/db/docker-compose.yml')).toBe(true);
    expect(state!.isInNestedRepository('libs/dbx/.env')).toBe(false);
    expect(state!.committable).not.toContain('libs/db');
  });

  it('is no repository for a stray .git file, without a diagnostic', async () => {
    const dir = await makeTree({ '.git': 'gitdir: /nonexistent/worktree\n', '.env': DATABASE_ENV });
    const opened = await openRepository(dir);
    expect(opened.state).toBeUndefined();
    expect(opened.diagnostics).toEqual([]);
  });

  it('reports a missing git executable instead of throwing', async () => {
    const dir = await makeTree({ '.env': DATABASE_ENV });
    git(dir, 'init', '-q');
    const pathVariable = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-git-here');
    try {
      expect(await openRepository(dir)).toEqual({ state: undefined, diagnostics: [], gitMissing: true });
    } finally {
      process.env.PATH = pathVariable;
    }
  });
});

describe('openRepository with a content query (git grep)', () => {
  /** A committed tree where each file probes one way the search could answer wrongly. */
  async function probeTree(): Promise<string> {
    const dir = await makeTree({
      'plain.ts': 'export const answer = 42;\n',
      'sub/plain.ts': 'export const b = 2;\n',
      'driver.ts': "import pg from 'pg';\n",
      'mentions.ts': '// uses sslmode\n',
      'pem.ts': 'const ca = `-----BEGIN CERTIFICATE-----`;\n',
      'accent.ts': 'export const café = 1;\n',
      'assumed.ts': 'export const c = 3;\n',
      'sparse.ts': 'export const d = 4;\n',
      'linked.ts': 'export const e = 5;\n',
      'odd dir/naïve [1].ts': 'export const f = 6;\n',
      'odd dir/tab\tname.ts': 'export const g = 7;\n',
    });
    await fsp.writeFile(path.join(dir, 'latin1.ts'), Buffer.from('export const n = "\xe9";\n', 'latin1'));
    await fsp.writeFile(path.join(dir, 'binary.ts'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    await fsp.writeFile(path.join(dir, 'utf16.ts'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('const a = 1;\n', 'utf16le')]));
    await fsp.writeFile(path.join(dir, 'bom.ts'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('const a = 1;\n')]));
    await fsp.symlink('plain.ts', path.join(dir, 'symlink.ts'));
    commitAll(dir);
    git(dir, 'update-index', '--assume-unchanged', 'assumed.ts');
    git(dir, 'update-index', '--skip-worktree', 'sparse.ts');
    await fsp.writeFile(path.join(dir, 'untracked.ts'), 'export const u = 0;\n');
    // A tracked file edited after the commit: git searches the work tree, not the index.
    await fsp.writeFile(path.join(dir, 'linked.ts'), 'export const e = process.env.PGSSLMODE;\n');
    return dir;
  }

  it('vouches only for tracked regular ASCII files it read without a match', async () => {
    const dir = await probeTree();
    const { state } = await openRepository(dir, [], 'tree', { content: { pattern: GREP_PATTERN, dirs: [''] } });
    const unmatched = await state!.contentScan!;
    expect(unmatched).toBeTypeOf('function');
    const files = ['plain.ts', 'sub/plain.ts', 'odd dir/naïve [1].ts', 'odd dir/tab\tname.ts', 'driver.ts', 'mentions.ts', 'pem.ts', 'accent.ts', 'latin1.ts', 'binary.ts', 'utf16.ts', 'bom.ts'];
    const others = ['symlink.ts', 'assumed.ts', 'sparse.ts', 'untracked.ts', 'linked.ts'];
    expect(Object.fromEntries([...files, ...others].map((rel) => [rel, unmatched!(rel)]))).toEqual({
      'plain.ts': true,
      'sub/plain.ts': true,
      // Names git would quote without -z, and glob characters (pathspecs are literal).
      'odd dir/naïve [1].ts': true,
      'odd dir/tab\tname.ts': true,
      // A trigger, or bytes that are not plain ASCII (the scanner reads those to report their encoding).
      'driver.ts': false,
      'mentions.ts': false,
      'pem.ts': false,
      'accent.ts': false,
      'latin1.ts': false,
      'binary.ts': false,
      'utf16.ts': false,
      'bom.ts': false,
      // Not searched in the work tree: a link, index copies (assume-unchanged, skip-worktree), untracked.
      'symlink.ts': false,
      'assumed.ts': false,
      'sparse.ts': false,
      'untracked.ts': false,
      // Edited since the commit: the edit has a trigger.
      'linked.ts': false,
    });
  });

  it('answers only for the directories it searched', async () => {
    const dir = await probeTree();
    const { state } = await openRepository(dir, [], 'tree', { content: { pattern: GREP_PATTERN, dirs: ['sub'] } });
    const unmatched = (await state!.contentScan)!;
    expect([unmatched('sub/plain.ts'), unmatched('plain.ts')]).toEqual([true, false]);
    const odd = (await (await openRepository(dir, [], 'tree', { content: { pattern: GREP_PATTERN, dirs: ['odd dir', 'sub'] } })).state!.contentScan)!;
    expect([odd('odd dir/naïve [1].ts'), odd('sub/plain.ts'), odd('plain.ts')]).toEqual([true, true, false]);
  });

  it('gives no answer when git grep fails, and the listing stands', async () => {
    const dir = await probeTree();
    const opened = await openRepository(dir, [], 'tree', { content: { pattern: '(unclosed', dirs: [''] } });
    expect(opened.diagnostics).toEqual([]);
    expect(opened.state!.committable).toContain('plain.ts');
    expect(await opened.state!.contentScan).toBeUndefined();
  });
});

describe('findRepositoryCandidate', () => {
  it('finds the nearest directory holding .git, without starting git', async () => {
    const dir = await makeTree({ 'packages/api/src/db.ts': '', 'tools/inner/.git': null, 'tools/inner/x/.env': '' });
    await fsp.mkdir(path.join(dir, '.git'));
    const cache = new Map<string, string | null>();
    expect(await findRepositoryCandidate(path.join(dir, 'packages/api/src'), cache)).toBe(dir);
    expect(await findRepositoryCandidate(path.join(dir, 'tools/inner/x'), cache)).toBe(path.join(dir, 'tools/inner'));
    expect(cache.get(path.join(dir, 'packages/api'))).toBe(dir);
  });
});
