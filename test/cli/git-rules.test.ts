import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { main } from '../../src/cli.js';

// The git-state rules on real repositories made in temp dirs: what git tracks, ignores, or would
// commit decides gitignore-certs and gitignore-env; the file mode decides key-permissions.

function git(dir: string, ...args: string[]): void {
  try {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git is not installed: apt-get install -y git');
    throw error;
  }
}

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-git-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  git(dir, 'init', '-q');
  return dir;
}

async function findings(cwd: string, paths: string[] = ['.']) {
  let out = '';
  const code = await main(['--format', 'json', ...paths], { cwd, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
  const report = JSON.parse(out);
  return { code, list: report.findings.map((f: any) => `${f.ruleId} ${f.severity} ${f.file}`).sort() as string[], report };
}

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('git-state rules on real repositories', () => {
  it('a committed private key is an error; a world-readable one not yet committed also a permissions warning (git records no such bits)', async () => {
    const dir = repo({ 'certs/client.key': key, 'certs/local.key': key, 'src/app.ts': 'export const x = 1;\n' });
    chmodSync(join(dir, 'certs/client.key'), 0o644);
    chmodSync(join(dir, 'certs/local.key'), 0o644);
    git(dir, 'add', 'certs/client.key', 'src/app.ts');
    git(dir, 'commit', '-qm', 'add key');
    const r = await findings(dir);
    expect(r.list).toEqual(['gitignore-certs error certs/client.key', 'gitignore-certs error certs/local.key', 'key-permissions warning certs/local.key']);
    expect(r.code).toBe(1);
    expect(JSON.stringify(r.report)).not.toContain(key.split('\n')[1]!);
  });

  it('an ignored, untracked key with mode 600 is fine; tracked although ignored is reported', async () => {
    const dir = repo({ '.gitignore': 'certs/*.key\n', 'certs/client.key': key });
    chmodSync(join(dir, 'certs/client.key'), 0o600);
    git(dir, 'add', '.gitignore');
    git(dir, 'commit', '-qm', 'ignore keys');
    expect((await findings(dir)).list).toEqual([]);
    // Named explicitly (as a pre-commit hook would), the ignored key is read but still not reported.
    expect((await findings(dir, ['certs/client.key'])).list).toEqual([]);
    git(dir, 'add', '-f', 'certs/client.key');
    const r = await findings(dir);
    expect(r.list).toEqual(['gitignore-certs error certs/client.key']);
    expect(r.report.findings[0].message).toContain('git rm --cached');
  });

  it('an untracked .env that git would commit is an error; .env.example never is', async () => {
    const dir = repo({ '.env': 'LOG_LEVEL=debug\nSESSION_SECRET=Zq8-vR2xT6mK9pW4\n', '.env.example': 'LOG_LEVEL=info\n' });
    expect((await findings(dir)).list).toEqual(['gitignore-env error .env']);
    writeFileSync(join(dir, '.gitignore'), '.env\n');
    expect((await findings(dir)).list).toEqual([]);
  });

  it('a committed CA certificate is a warning, not an error', async () => {
    const dir = repo({ 'certs/ca.crt': '' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'ca');
    const r = await findings(dir);
    expect(r.list).toEqual(['gitignore-certs warning certs/ca.crt']);
    expect(r.code).toBe(0);
  });
});

describe('fix commands in the repository’s own terms', () => {
  it('say `git -C <repo>` and the path inside it when the scan runs from outside the work tree', async () => {
    const dir = repo({ 'certs/dev.key': key, '.env': 'JWT_SECRET=9fQ2vX7pL4mR8tZ1\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'oops');
    const parent = join(dir, '..');
    const name = basename(dir);
    const r = await findings(parent, [name]);
    const messages = r.report.findings.map((f: any) => f.message).join('\n');
    expect(messages).toContain(`run \`git -C ${name} rm --cached .env\``);
    expect(messages).toContain(`Add \`certs/dev.key\` to ${name}/.gitignore and run \`git -C ${name} rm --cached certs/dev.key\``);
    const inside = (await findings(dir)).report.findings.map((f: any) => f.message).join('\n');
    expect(inside).toContain('run `git rm --cached certs/dev.key`');
  });
});
