import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepositoryCandidate, openRepository } from '../../src/discovery/git.js';
import { COMPOSE, DATABASE_ENV, commitAll, git, isolateGit, makeTree, removeTrees, requireGit, writeTree } from './fixture.js';

beforeAll(() => {
  requireGit();
  isolateGit();
});
afterAll(removeTrees);

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
