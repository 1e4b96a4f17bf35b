import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockAfter } from '../helpers/readme.js';

// The README's hook snippets, run as written by a real `git commit` in a real repository. The
// project's node_modules is laid out as npm would after `npm install --save-dev sslguard husky
// lint-staged`: packages as links (sslguard links to this checkout) and `.bin` entries.

const root = join(import.meta.dirname, '..', '..');
const BAD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';
const GOOD = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=verify-full&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n';


function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
    NO_COLOR: '1',
    CI: 'true',
    // npx must use the project's packages, never download.
    npm_config_offline: 'true',
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'HUSKY']) delete e[name];
  return e;
}

function sh(cwd: string, command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd, env: env(), encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

function project(packages: string[]): { dir: string; git: (...a: string[]) => { code: number | null; output: string }; write: (rel: string, text: string) => void; commits: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-hooks-'));
  const bin: Record<string, string> = { sslguard: 'sslguard/bin/sslguard.js', husky: 'husky/bin.js', 'lint-staged': 'lint-staged/bin/lint-staged.js' };
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const name of ['sslguard', ...packages]) {
    symlinkSync(name === 'sslguard' ? root : join(root, 'node_modules', name), join(dir, 'node_modules', name));
    symlinkSync(join('..', bin[name]!), join(dir, 'node_modules', '.bin', name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'agent', private: true, devDependencies: Object.fromEntries(['sslguard', ...packages].map((p) => [p, '*'])) }, null, 2) + '\n');
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  const git = (...a: string[]) => sh(dir, 'git', a);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init', '--no-verify');
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const commits = () => Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, env: env(), encoding: 'utf8' }).trim());
  return { dir, git, write, commits };
}

describe('README: a plain .git/hooks/pre-commit', () => {
  it('refuses a commit whose staged content has findings, even when the work tree is fixed, and accepts a clean one', () => {
    if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
    const p = project([]);
    const hookPath = join(p.dir, '.git', 'hooks', 'pre-commit');
    writeFileSync(hookPath, blockAfter('### A plain `.git/hooks/pre-commit`', 'sh'));
    chmodSync(hookPath, 0o755);

    p.write('config/.env.example', BAD);
    p.git('add', 'config/.env.example');
    p.write('config/.env.example', GOOD);
    const refused = p.git('commit', '-m', 'add database config');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/config\/\.env\.example\s+1:79\s+error\s+.*sslmode=disable.*no-ssl-disabled/);
    expect(p.commits()).toBe(1);

    p.git('add', 'config/.env.example');
    const accepted = p.git('commit', '-m', 'add database config');
    expect(accepted.code).toBe(0);
    expect(p.commits()).toBe(2);
  });
});

describe('README: husky + lint-staged', () => {
  it('runs sslguard on the staged files through husky and lint-staged on git commit', () => {
    const p = project(['husky', 'lint-staged']);
    // The README's shell lines, except the install that the linked node_modules stands for.
    const setup = blockAfter('### husky + lint-staged', 'sh')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('npm install'));
    expect(setup).toEqual(['npx husky init', 'echo "npx lint-staged" > .husky/pre-commit']);
    for (const line of setup) {
      const r = sh(p.dir, 'sh', ['-c', line]);
      expect(r.code, r.output).toBe(0);
    }
    const pkg = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8'));
    Object.assign(pkg, JSON.parse(blockAfter('### husky + lint-staged', 'json')));
    writeFileSync(join(p.dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    expect(p.git('config', 'core.hooksPath').output.trim()).toBe('.husky/_');
    p.git('add', '-A');
    expect(p.git('commit', '-qm', 'husky').code).toBe(0);

    p.write('deploy/.env.example', BAD);
    p.write('docs/setup.md', 'Run the agent against Supabase.\n');
    p.git('add', '-A');
    // An unstaged fix is hidden while lint-staged runs: the staged content is what is judged.
    p.write('deploy/.env.example', GOOD);
    const refused = p.git('commit', '-m', 'deploy config');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/deploy\/\.env\.example\s+1:79\s+error\s+.*no-ssl-disabled/);
    expect(p.commits()).toBe(2);
    // lint-staged restored the unstaged fix.
    expect(readFileSync(join(p.dir, 'deploy', '.env.example'), 'utf8')).toBe(GOOD);

    p.git('add', '-A');
    const accepted = p.git('commit', '-m', 'deploy config');
    expect(accepted.code, accepted.output).toBe(0);
    expect(p.commits()).toBe(3);
  });
});
