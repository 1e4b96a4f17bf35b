import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Fail loudly when git is absent: discovery inside work trees cannot be tested without it. */
export function requireGit(): void {
  try {
    execFileSync('git', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('git is required by the discovery tests and was not found: run `apt-get install -y git`');
  }
}

/**
 * Keep this machine's git config and any hook environment out of the test repositories. The
 * process environment is changed (not just the test's git calls) so sslguard's own git processes
 * see the same isolation.
 */
export function isolateGit(): void {
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_PREFIX']) {
    delete process.env[name];
  }
}

const created: string[] = [];

/** A fresh real directory holding `files` (path → content; content `null` makes a directory). */
export async function makeTree(files: Record<string, string | null>): Promise<string> {
  const dir = await fsp.realpath(await fsp.mkdtemp(path.join(os.tmpdir(), 'sslguard-discovery-')));
  created.push(dir);
  await writeTree(dir, files);
  return dir;
}

export async function writeTree(dir: string, files: Record<string, string | null>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (content === null) {
      await fsp.mkdir(abs, { recursive: true });
      continue;
    }
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await fsp.writeFile(abs, content);
  }
}

export async function removeTrees(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fsp.rm(dir, { recursive: true, force: true })));
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=sslguard test', '-c', 'user.email=test@sslguard.invalid', '-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], {
    cwd,
    stdio: 'pipe',
    encoding: 'utf8',
  });
}

/** `git init`, add everything git would add, commit. */
export function commitAll(dir: string, message = 'initial'): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

export const DATABASE_ENV = 'DATABASE_URL=postgresql://app:s3cret@db.prod.internal:5432/app?sslmode=require\n';
export const COMPOSE = `services:
  api:
    image: ghcr.io/acme/api:1.4.2
    environment:
      DATABASE_URL: postgres://api:\${DB_PASSWORD}@db:5432/api?sslmode=disable
  db:
    image: postgres:16
`;
export const POOL_TS = `import { Pool } from 'pg';
export const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });
`;
