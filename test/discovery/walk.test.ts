import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_SKIPPED_DIRS, discover, UsageError, type DiscoveredFile } from '../../src/discovery/walk.js';
import { COMPOSE, DATABASE_ENV, POOL_TS, commitAll, git, isolateGit, makeTree, removeTrees, requireGit, writeTree } from './fixture.js';

beforeAll(() => {
  requireGit();
  isolateGit();
});
afterAll(removeTrees);

const rels = (files: DiscoveredFile[]): string[] => files.map((f) => f.rel);
const byRel = (files: DiscoveredFile[], rel: string): DiscoveredFile => {
  const file = files.find((f) => f.rel === rel);
  if (!file) throw new Error(`${rel} not discovered; got ${rels(files).join(', ')}`);
  return file;
};

/** A project whose .gitignore files ignore at the root and re-include one level down. */
const LAYERED: Record<string, string | null> = {
  '.gitignore': '.env.local\n*.pem\nsecrets/\n',
  '.env': DATABASE_ENV,
  '.env.local': DATABASE_ENV,
  'docker-compose.yml': COMPOSE,
  'src/db.ts': POOL_TS,
  'src/README.md': '# db\n',
  'secrets/prod.env': DATABASE_ENV,
  'certs/.gitignore': '!ca.pem\nclient.key\n',
  'certs/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'certs/other.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'certs/client.key': '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n',
  'certs/client.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'config/.gitignore': '/prod.env\n',
  'config/prod.env': DATABASE_ENV,
  'config/staging.env': DATABASE_ENV,
  'config/nested/prod.env': DATABASE_ENV,
};
const LAYERED_VISIBLE = ['.env', 'certs/ca.pem', 'certs/client.crt', 'config/nested/prod.env', 'config/staging.env', 'docker-compose.yml', 'src/db.ts'];

describe('discover inside a git work tree', () => {
  it('respects .gitignore, nested .gitignore and re-inclusion, and reports git state', async () => {
    const dir = await makeTree(LAYERED);
    git(dir, 'init', '-q');
    git(dir, 'add', 'docker-compose.yml', 'src/db.ts', '.gitignore');
    git(dir, 'commit', '-q', '-m', 'initial');
    const { files, diagnostics } = await discover(['.'], { cwd: dir });
    expect(rels(files)).toEqual(LAYERED_VISIBLE);
    expect(diagnostics).toEqual([]);
    expect(byRel(files, 'docker-compose.yml')).toMatchObject({
      abs: path.join(dir, 'docker-compose.yml'),
      kinds: ['compose', 'yaml'],
      explicit: false,
      git: { inGit: true, tracked: true, ignored: false },
      size: COMPOSE.length,
    });
    // An untracked .env no rule ignores: about to be committed by `git add -A`.
    expect(byRel(files, '.env').git).toEqual({ inGit: true, tracked: false, ignored: false, repository: { root: '.', path: '.env' } });
    expect(byRel(files, '.env').mode & 0o170000).toBe(0o100000);
  });

  it('reports a force-added file as tracked and ignored, and still scans it', async () => {
    const dir = await makeTree({ '.gitignore': '.env*\n!.env.example\n', '.env.production': DATABASE_ENV, '.env.example': 'DATABASE_URL=\n', '.env.development': DATABASE_ENV });
    git(dir, 'init', '-q');
    git(dir, 'add', '.gitignore', '.env.example');
    git(dir, 'add', '-f', '.env.production');
    git(dir, 'commit', '-q', '-m', 'oops');
    const { files } = await discover([], { cwd: dir });
    expect(rels(files)).toEqual(['.env.example', '.env.production']);
    expect(byRel(files, '.env.production').git).toMatchObject({ inGit: true, tracked: true, ignored: true });
    expect(byRel(files, '.env.example')).toMatchObject({ kinds: ['env-template', 'env'], git: { inGit: true, tracked: true, ignored: false } });
  });

  it('scans an explicitly named ignored file, with its git state', async () => {
    const dir = await makeTree({ '.gitignore': '.env.local\n', '.env.local': DATABASE_ENV, 'app/.env': DATABASE_ENV });
    commitAll(dir);
    const named = await discover(['.env.local'], { cwd: dir });
    expect(named.files).toEqual([
      {
        abs: path.join(dir, '.env.local'),
        rel: '.env.local',
        kinds: ['env'],
        scopePath: '.env.local',
        explicit: true,
        git: { inGit: true, tracked: false, ignored: true, repository: { root: '.', path: '.env.local' } },
        size: DATABASE_ENV.length,
        mode: expect.any(Number),
      },
    ]);
    // Named twice (once through the directory): reported once, as explicit.
    const both = await discover(['.', '.env.local', './app/.env', 'app/.env'], { cwd: dir });
    expect(both.files.map((f) => [f.rel, f.explicit, f.git.tracked, f.git.ignored])).toEqual([
      ['.env.local', true, false, true],
      ['app/.env', true, true, false],
    ]);
  });

  it('turns off .gitignore filtering with noIgnore, keeping ignored state', async () => {
    const dir = await makeTree(LAYERED);
    commitAll(dir);
    const { files, diagnostics } = await discover(['.'], { cwd: dir, noIgnore: true });
    expect(diagnostics).toEqual([]);
    expect(rels(files)).toEqual([
      '.env',
      '.env.local',
      'certs/ca.pem',
      'certs/client.crt',
      'certs/client.key',
      'certs/other.pem',
      'config/nested/prod.env',
      'config/prod.env',
      'config/staging.env',
      'docker-compose.yml',
      'secrets/prod.env',
      'src/db.ts',
    ]);
    expect(files.filter((f) => f.git.ignored).map((f) => f.rel)).toEqual(['.env.local', 'certs/client.key', 'certs/other.pem', 'config/prod.env', 'secrets/prod.env']);
    expect(files.filter((f) => f.git.tracked).map((f) => f.rel)).toEqual(LAYERED_VISIBLE);
    expect(files.every((f) => f.git.inGit)).toBe(true);
  });

  it('honours .git/info/exclude', async () => {
    const dir = await makeTree({ '.env': DATABASE_ENV, 'local.env': DATABASE_ENV });
    git(dir, 'init', '-q');
    await fsp.appendFile(path.join(dir, '.git/info/exclude'), 'local.env\n');
    const { files } = await discover(['.'], { cwd: dir });
    expect(rels(files)).toEqual(['.env']);
  });

  it('always skips dependency and build directories, even tracked and with noIgnore', async () => {
    const tree: Record<string, string | null> = { '.env': DATABASE_ENV };
    for (const name of ALWAYS_SKIPPED_DIRS.filter((d) => d !== '.git')) tree[`${name}/pkg/.env`] = DATABASE_ENV;
    tree['packages/api/node_modules/pg/lib/defaults.js'] = 'module.exports = { ssl: false };\n';
    tree['packages/api/src/db.ts'] = POOL_TS;
    const dir = await makeTree(tree);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'vendored');
    for (const noIgnore of [false, true]) {
      const { files } = await discover(['.'], { cwd: dir, noIgnore });
      expect(rels(files)).toEqual(['.env', 'packages/api/src/db.ts']);
    }
    // A skipped directory named on the command line is what the user asked for.
    const vendored = await discover(['vendor'], { cwd: dir });
    expect(rels(vendored.files)).toEqual(['vendor/pkg/.env']);
  });

  it('applies config ignorePatterns everywhere, explicit files included', async () => {
    const dir = await makeTree({ '.env': DATABASE_ENV, 'fixtures/bad.env': DATABASE_ENV, 'test/certs/ca.pem': 'x', 'certs/ca.pem': 'x' });
    commitAll(dir);
    const options = { cwd: dir, ignorePatterns: ['fixtures/', 'test/**/*.pem'] };
    expect(rels((await discover(['.'], options)).files)).toEqual(['.env', 'certs/ca.pem']);
    expect(rels((await discover(['fixtures/bad.env', 'test/certs/ca.pem'], options)).files)).toEqual([]);
  });

  it('scans a subdirectory, and paths are relative to cwd', async () => {
    const dir = await makeTree({ '.gitignore': 'packages/api/.env.local\n', 'packages/api/.env': DATABASE_ENV, 'packages/api/.env.local': DATABASE_ENV, 'packages/web/.env': DATABASE_ENV });
    commitAll(dir);
    expect(rels((await discover(['packages/api'], { cwd: dir })).files)).toEqual(['packages/api/.env']);
    const fromInside = await discover(['.', '../web/.env'], { cwd: path.join(dir, 'packages/api') });
    expect(fromInside.files.map((f) => [f.rel, f.git])).toEqual([
      ['../web/.env', { inGit: true, tracked: true, ignored: false, repository: { root: '../..', path: 'packages/web/.env' } }],
      ['.env', { inGit: true, tracked: true, ignored: false, repository: { root: '../..', path: 'packages/api/.env' } }],
    ]);
  });

  it('skips files deleted from the work tree and the contents of submodules and nested repositories', async () => {
    const library = await makeTree({ '.env': DATABASE_ENV, 'docker-compose.yml': COMPOSE });
    commitAll(library);
    const dir = await makeTree({ '.env.example': 'DATABASE_URL=\n', 'src/db.ts': POOL_TS });
    commitAll(dir);
    git(dir, 'submodule', 'add', '-q', library, 'libs/shared');
    git(dir, 'commit', '-q', '-m', 'submodule');
    await writeTree(dir, { 'tools/scratch/.env': DATABASE_ENV });
    git(path.join(dir, 'tools/scratch'), 'init', '-q');
    await fsp.rm(path.join(dir, 'src/db.ts'));
    for (const noIgnore of [false, true]) {
      const { files, diagnostics } = await discover(['.'], { cwd: dir, noIgnore });
      expect(rels(files)).toEqual(['.env.example']);
      expect(diagnostics).toEqual([]);
    }
    // Named directly, the submodule is a repository of its own.
    const inside = await discover(['libs/shared'], { cwd: dir });
    expect(inside.files.map((f) => [f.rel, f.git.tracked])).toEqual([
      ['libs/shared/.env', true],
      ['libs/shared/docker-compose.yml', true],
    ]);
  });

  it('treats a directory named .env as a directory', async () => {
    const dir = await makeTree({ '.env/config': 'not an env file', '.env/db.env': DATABASE_ENV, 'certs.pem/README': 'x' });
    commitAll(dir);
    expect(rels((await discover(['.'], { cwd: dir })).files)).toEqual(['.env/db.env']);
    expect(rels((await discover(['.env'], { cwd: dir })).files)).toEqual(['.env/db.env']);
  });

  it('does not hang on symlink loops and does not follow links out of the scanned directory', async () => {
    const outside = await makeTree({ 'shared.env': DATABASE_ENV, 'etc/db.env': DATABASE_ENV });
    const dir = await makeTree({ 'envs/production.env': DATABASE_ENV, 'app/.env.example': 'DATABASE_URL=\n' });
    await fsp.symlink('..', path.join(dir, 'app/parent'));
    await fsp.symlink('.', path.join(dir, 'loop'));
    await fsp.symlink(path.join(outside, 'shared.env'), path.join(dir, 'app/.env'));
    await fsp.symlink('../envs/production.env', path.join(dir, 'app/.env.production'));
    git(dir, 'init', '-q');
    const { files, diagnostics } = await discover(['.'], { cwd: dir });
    // The in-root link repeats envs/production.env: reported once, under the real name.
    expect(rels(files)).toEqual(['app/.env.example', 'envs/production.env']);
    expect(diagnostics).toEqual([
      { file: 'app/.env', message: `symbolic link points outside the scanned directory (to ${path.join(outside, 'shared.env')}), not followed` },
    ]);
    // Scanning only app/, the link to envs/ leaves the scanned directory too.
    const appOnly = await discover(['app'], { cwd: dir });
    expect(rels(appOnly.files)).toEqual(['app/.env.example']);
    expect(appOnly.diagnostics.map((d) => d.file)).toEqual(['app/.env', 'app/.env.production']);
  });

  it('falls back to .gitignore files with one diagnostic when git is not installed', async () => {
    const dir = await makeTree({ '.gitignore': '.env.local\n', '.env': DATABASE_ENV, '.env.local': DATABASE_ENV, 'api/.env': DATABASE_ENV });
    commitAll(dir);
    const pathVariable = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-git-here');
    try {
      const { files, diagnostics } = await discover(['.', 'api/.env'], { cwd: dir });
      expect(files.map((f) => [f.rel, f.git])).toEqual([
        ['.env', { inGit: false, ignored: false }],
        ['api/.env', { inGit: false, ignored: false }],
      ]);
      expect(diagnostics).toEqual([{ file: '.', message: expect.stringMatching(/^git was not found/) }]);
    } finally {
      process.env.PATH = pathVariable;
    }
  });
});

describe('discover outside a git work tree', () => {
  it('reads every .gitignore from the scan root down, like git does', async () => {
    const dir = await makeTree(LAYERED);
    const { files, diagnostics } = await discover(['.'], { cwd: dir });
    expect(rels(files)).toEqual(LAYERED_VISIBLE);
    expect(diagnostics).toEqual([]);
    expect(files.every((f) => f.git.inGit === false && f.git.tracked === undefined && f.git.ignored === false)).toBe(true);
  });

  it('gives the same answer as git for the same tree', async () => {
    const plain = await makeTree(LAYERED);
    const repository = await makeTree(LAYERED);
    git(repository, 'init', '-q');
    for (const noIgnore of [false, true]) {
      const outside = await discover(['.'], { cwd: plain, noIgnore });
      const inside = await discover(['.'], { cwd: repository, noIgnore });
      expect(outside.files.map((f) => [f.rel, f.git.ignored])).toEqual(inside.files.map((f) => [f.rel, f.git.ignored]));
    }
  });

  it('with noIgnore reports ignored files, marked ignored', async () => {
    const dir = await makeTree({ '.gitignore': '*.local\nbuild-output/\n', '.env': DATABASE_ENV, '.env.local': DATABASE_ENV, 'build-output/.env': DATABASE_ENV, 'node_modules/x/.env': DATABASE_ENV });
    const { files } = await discover(['.'], { cwd: dir, noIgnore: true });
    expect(files.map((f) => [f.rel, f.git])).toEqual([
      ['.env', { inGit: false, ignored: false }],
      ['.env.local', { inGit: false, ignored: true }],
      ['build-output/.env', { inGit: false, ignored: true }],
    ]);
  });

  it('scans an explicitly named ignored file and marks it ignored', async () => {
    const dir = await makeTree({ '.gitignore': 'secrets/\n', 'secrets/prod.env': DATABASE_ENV });
    const { files } = await discover(['secrets/prod.env'], { cwd: dir });
    expect(files.map((f) => [f.rel, f.explicit, f.git])).toEqual([['secrets/prod.env', true, { inGit: false, ignored: true }]]);
  });

  it('does not follow directory links out of the root or around a loop', async () => {
    const outside = await makeTree({ 'db.env': DATABASE_ENV });
    const dir = await makeTree({ 'config/.env': DATABASE_ENV });
    await fsp.symlink(outside, path.join(dir, 'external'));
    await fsp.symlink('..', path.join(dir, 'config/up'));
    await fsp.symlink('self', path.join(dir, 'self'));
    const { files, diagnostics } = await discover(['.'], { cwd: dir });
    expect(rels(files)).toEqual(['config/.env']);
    expect(diagnostics).toEqual([
      { file: 'external', message: `symbolic link points outside the scanned directory (to ${outside}), not followed` },
      { file: 'self', message: 'symbolic link loop, not followed' },
    ]);
  });

  it('skips always-skipped directories and sorts by path', async () => {
    const dir = await makeTree({ 'z.env': '', 'a/.env': '', 'B.env': '', 'coverage/.env': '', '.venv/lib/x.env': '', 'a/target/.env': '' });
    expect(rels((await discover(['.'], { cwd: dir })).files)).toEqual(['B.env', 'a/.env', 'z.env']);
  });
});

describe('discover arguments', () => {
  it('throws a UsageError for a path that does not exist', async () => {
    const dir = await makeTree({ '.env': DATABASE_ENV });
    const attempt = discover(['.', 'does-not-exist.env'], { cwd: dir });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(discover(['missing/dir'], { cwd: dir })).rejects.toThrow('no such file or directory: missing/dir');
  });

  it('returns nothing for a named file sslguard does not read', async () => {
    const dir = await makeTree({ 'README.md': '# app\n' });
    expect(await discover(['README.md'], { cwd: dir })).toEqual({ files: [], diagnostics: [], unmatched: 0 });
  });
});

describe('Yarn Berry files', () => {
  it('skips .yarn/ (releases, plugins, cache) and the generated .pnp.cjs', async () => {
    const dir = await makeTree({
      '.yarn/releases/yarn-4.1.0.cjs': 'const ssl = { rejectUnauthorized: false };\n',
      '.yarn/plugins/@yarnpkg/plugin-x.cjs': 'postgres://u@db.acme-corp.io/app\n',
      '.pnp.cjs': 'const ssl = { rejectUnauthorized: false };\n',
      'src/db.ts': "import pg from 'pg';\n",
    });
    const { files } = await discover([], { cwd: dir });
    expect(files.map((f) => f.rel)).toEqual(['src/db.ts']);
  });
});
