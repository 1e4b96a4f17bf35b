// Env files in ESLint carry git's view of them, as in the CLI: a password in a `.env` that git
// ignores is not reported, one in a file git would commit is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linter } from 'eslint';
import plugin from '../../src/eslint/plugin.js';
import { gitStateOf } from '../../src/eslint/git-state.js';

let repo: string;
let outside: string;
const ENV = 'DATABASE_URL=postgresql://app:S3cr3t-Passw0rd@orders-db.internal.acme.io:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/acme/ca.crt\n';

function git(args: string[]): void {
  try {
    execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git not found: apt-get install -y git');
    throw e;
  }
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'sslguard-eslint-git-'));
  outside = mkdtempSync(join(tmpdir(), 'sslguard-eslint-nogit-'));
  git(['init', '-q']);
  writeFileSync(join(repo, '.gitignore'), '.env\n');
  writeFileSync(join(repo, '.env'), ENV);
  writeFileSync(join(repo, 'app.env'), ENV);
  writeFileSync(join(repo, 'tracked.env'), ENV);
  git(['add', '.gitignore', 'tracked.env']);
  writeFileSync(join(outside, '.env'), ENV);
});

afterAll(() => {
  for (const dir of [repo, outside]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gitStateOf', () => {
  it('asks git whether an env file is ignored or tracked, and says when there is no work tree', () => {
    expect(gitStateOf(join(repo, '.env'))).toEqual({ inGit: true, tracked: false, ignored: true });
    expect(gitStateOf(join(repo, 'app.env'))).toEqual({ inGit: true, tracked: false, ignored: false });
    expect(gitStateOf(join(repo, 'tracked.env'))).toEqual({ inGit: true, tracked: true, ignored: false });
    expect(gitStateOf(join(outside, '.env'))).toEqual({ inGit: false });
  });

  it('decides no-plaintext-password in ESLint as in the CLI', () => {
    const lint = (dir: string, name: string) =>
      new Linter({ configType: 'flat', cwd: dir })
        .verify(ENV, [plugin.configs.recommended, plugin.configs.configFiles], { filename: join(dir, name) })
        .map((m) => m.ruleId);
    expect(lint(repo, '.env')).toEqual([]);
    expect(lint(repo, 'app.env')).toEqual(['sslguard/no-plaintext-password']);
    expect(lint(repo, 'tracked.env')).toEqual(['sslguard/no-plaintext-password']);
    expect(lint(outside, '.env')).toEqual(['sslguard/no-plaintext-password']);
  });
});
