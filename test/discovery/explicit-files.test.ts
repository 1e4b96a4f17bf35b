import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/walk.js';
import { openRepository } from '../../src/discovery/git.js';
import { DATABASE_ENV, git, isolateGit, makeTree, removeTrees, requireGit } from './fixture.js';

beforeAll(() => {
  requireGit();
  isolateGit();
});
afterAll(removeTrees);

// A pre-commit hook names files; git is then asked about those files only (no listing of the
// untracked files of the whole tree). Their git state must be what a directory scan reports.
const FILES = {
  '.gitignore': '.env*\n!.env.example\nsecrets/\n',
  '.env.example': DATABASE_ENV,
  '.env.production': DATABASE_ENV,
  '.env.local': DATABASE_ENV,
  'app/.env.example': DATABASE_ENV,
  'secrets/prod.env': DATABASE_ENV,
  'secrets/forced.env': DATABASE_ENV,
  'deploy/[prod]*.env': DATABASE_ENV,
};
const NAMED = ['.env.example', '.env.production', '.env.local', 'app/.env.example', 'secrets/prod.env', 'secrets/forced.env', 'deploy/[prod]*.env'];

describe('named files in a work tree', () => {
  it('get the tracked and ignored state a directory scan gives them', async () => {
    const dir = await makeTree(FILES);
    git(dir, 'init', '-q');
    git(dir, 'add', '.gitignore', '.env.example', 'deploy');
    git(dir, 'add', '-f', '.env.production', 'secrets/forced.env');
    git(dir, 'commit', '-q', '-m', 'init');

    const filesOnly = await discover(NAMED, { cwd: dir });
    const withTree = await discover(['.', ...NAMED], { cwd: dir });
    // Where each file is to git (`repository`) has a test of its own below.
    const state = (files: typeof filesOnly.files) => Object.fromEntries(files.map((f) => [f.rel, { ...f.git, repository: undefined }]));
    expect(state(filesOnly.files)).toEqual(state(withTree.files));
    expect(state(filesOnly.files)).toEqual({
      '.env.example': { inGit: true, tracked: true, ignored: false },
      '.env.production': { inGit: true, tracked: true, ignored: true },
      '.env.local': { inGit: true, tracked: false, ignored: true },
      'app/.env.example': { inGit: true, tracked: false, ignored: false },
      'secrets/prod.env': { inGit: true, tracked: false, ignored: true },
      'secrets/forced.env': { inGit: true, tracked: true, ignored: true },
      // Glob characters in a name are the name, not a pattern.
      'deploy/[prod]*.env': { inGit: true, tracked: true, ignored: false },
    });
  });

  it('are asked about from the real top level when a `.git` there is not a repository (an empty directory)', async () => {
    const dir = await makeTree({ '.gitignore': '.env*\n!.env.example\n', 'app/.env.example': DATABASE_ENV, 'app/.env.local': DATABASE_ENV, 'app/.git': null });
    git(dir, 'init', '-q');
    git(dir, 'add', '.gitignore', 'app/.env.example');
    git(dir, 'commit', '-q', '-m', 'init');
    const { files } = await discover(['app/.env.example', 'app/.env.local'], { cwd: dir });
    expect(files.map((f) => [f.rel, f.git])).toEqual([
      ['app/.env.example', { inGit: true, tracked: true, ignored: false, repository: { root: '.', path: 'app/.env.example' } }],
      ['app/.env.local', { inGit: true, tracked: false, ignored: true, repository: { root: '.', path: 'app/.env.local' } }],
    ]);
  });

  it('ask git for the index only, not for the untracked files of the tree', async () => {
    const dir = await makeTree({ ...FILES, 'untracked/.env.example': DATABASE_ENV });
    git(dir, 'init', '-q');
    git(dir, 'add', '.gitignore', '.env.example');
    git(dir, 'commit', '-q', '-m', 'init');
    const { state } = await openRepository(dir, ['.env.example'], 'files');
    expect(state?.committable).toEqual(['.env.example']);
    const whole = await openRepository(dir, ['.env.example'], 'tree');
    expect(whole.state?.committable).toContain('untracked/.env.example');
  });

  it('start no git process for files whose kinds need no git state (source, compose, MCP configs)', async () => {
    const dir = await makeTree({ ...FILES, 'src/db.ts': 'export {};\n', 'docker-compose.yml': 'services: {}\n', '.mcp.json': '{}\n' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'init');
    const pathVariable = process.env.PATH;
    // Without git on the PATH, asking it would be reported ("git was not found").
    process.env.PATH = path.join(dir, 'no-git-here');
    try {
      const quiet = await discover(['src/db.ts', 'docker-compose.yml', '.mcp.json'], { cwd: dir });
      expect(quiet.diagnostics).toEqual([]);
      expect(quiet.files.map((f) => [f.rel, f.git])).toEqual([
        ['.mcp.json', { inGit: true }],
        ['docker-compose.yml', { inGit: true }],
        ['src/db.ts', { inGit: true }],
      ]);
      // An env file among them: git is asked (and found missing here).
      const asked = await discover(['src/db.ts', '.env.example'], { cwd: dir });
      expect(asked.diagnostics.map((d) => d.message)).toEqual(['git was not found: .gitignore files are read directly and whether files are tracked is unknown']);
    } finally {
      process.env.PATH = pathVariable;
    }
  });
});
