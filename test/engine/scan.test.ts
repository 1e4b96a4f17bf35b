import { execFileSync } from 'node:child_process';
import { existsSync, promises as fsp, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileReader, scan, type ScanResult } from '../../src/engine/scan.js';
import { lintSources, resolveConfig } from '../../src/engine/lint.js';
import { discover } from '../../src/discovery/walk.js';
import { GREP_PATTERN, isPrefiltered } from '../../src/extract/prefilter.js';
import { POOL_TS, commitAll, git, isolateGit, makeTree, removeTrees, requireGit } from '../discovery/fixture.js';

beforeAll(() => {
  requireGit();
  isolateGit();
});
afterAll(removeTrees);

const root = path.join(import.meta.dirname, '..', '..');
const config = resolveConfig();
const NOW = new Date('2026-01-15T00:00:00Z');

/** Everything but the timing, which differs between two runs. */
function comparable(result: ScanResult): Omit<ScanResult, 'durationMs'> {
  const { durationMs: _timing, ...rest } = result;
  return rest;
}

const REMOTE_DISABLED = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';

describe('FileReader', () => {
  it('grows its buffer for a large file and never shows a previous file through it', async () => {
    const dir = await makeTree({ 'big.ts': 'x'.repeat(3 * 1024 * 1024), 'small.ts': 'const a = 1;\n' });
    const reader = new FileReader(8 * 1024 * 1024);
    const big = reader.read(path.join(dir, 'big.ts'));
    if ('error' in big) throw new Error(big.error);
    expect(big.bytes.length).toBe(3 * 1024 * 1024);
    const small = reader.read(path.join(dir, 'small.ts'));
    if ('error' in small) throw new Error(small.error);
    expect(small.bytes.toString('utf8')).toBe('const a = 1;\n');
    expect(small.mode & 0o170000).toBe(0o100000);
  });

  it('refuses a file above the limit with its size, and a symbolic link (O_NOFOLLOW)', async () => {
    const dir = await makeTree({ 'a.env': REMOTE_DISABLED });
    await fsp.symlink(path.join(dir, 'a.env'), path.join(dir, 'link.env'));
    const reader = new FileReader(10);
    expect(reader.read(path.join(dir, 'a.env'))).toEqual({
      error: `file is ${REMOTE_DISABLED.length} bytes, above the 10-byte limit (maxFileSize), not scanned`,
      code: 'too-large',
    });
    expect(new FileReader(1000).read(path.join(dir, 'link.env'))).toMatchObject({ code: 'ELOOP' });
  });

  it('does not block on a named pipe', async () => {
    const dir = await makeTree({});
    execFileSync('mkfifo', [path.join(dir, 'pipe.env')]);
    expect(new FileReader(1000).read(path.join(dir, 'pipe.env'))).toEqual({ error: 'not a regular file, not scanned', code: 'not-a-file' });
  });
});

describe('scan', () => {
  it('finds what the pure core finds in the same files, one file at a time', async () => {
    const cwd = path.join(root, 'fixtures', 'supabase-agent');
    const result = await scan({ paths: ['.'], cwd, config, now: NOW });
    const { files } = await discover(['.'], { cwd });
    const sources = files.map((f) => ({ file: f.rel, bytes: readFileSync(f.abs), git: f.git, mode: statSync(f.abs).mode }));
    const core = lintSources(sources, { config, now: NOW });
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings).toEqual(core.findings);
    expect(result.facts).toEqual(core.facts);
    expect(result.filesScanned).toBe(files.length);
  });

  it('trusts git for regular files but never follows a tracked file turned into a link out of the tree', async () => {
    // Without the directory check, config/.env.example would be read from here.
    const outside = await makeTree({ 'stolen.env': REMOTE_DISABLED, '.env.example': REMOTE_DISABLED });
    const dir = await makeTree({ 'app/.env.example': REMOTE_DISABLED, 'config/.env.example': REMOTE_DISABLED, 'gone/.env.example': REMOTE_DISABLED, 'src/db.ts': POOL_TS });
    commitAll(dir);
    await fsp.rm(path.join(dir, 'app', '.env.example'));
    await fsp.symlink(path.join(outside, 'stolen.env'), path.join(dir, 'app', '.env.example'));
    await fsp.rm(path.join(dir, 'config'), { recursive: true });
    await fsp.symlink(outside, path.join(dir, 'config'));
    await fsp.rm(path.join(dir, 'gone'), { recursive: true });

    const { files } = await discover(['.'], { cwd: dir, trustIndex: true });
    expect(files.find((f) => f.rel === 'src/db.ts')).toMatchObject({ unverified: true, size: 0, mode: 0 });

    const result = await scan({ paths: ['.'], cwd: dir, config, now: NOW });
    expect(result.diagnostics).toEqual([
      { file: 'config', message: `directory is reached through a symbolic link pointing outside the scanned directory (to ${outside}), not followed` },
      { file: 'app/.env.example', message: 'is a symbolic link in the work tree but a regular file in the git index, not followed' },
    ]);
    // Only src/db.ts was read: the deleted file is silently absent, as without git.
    expect(result.filesScanned).toBe(1);
    expect(result.findings.map((f) => f.file)).toEqual(['src/db.ts']);
  });

  it('leaves unread only the tracked source files git grep read without a trigger', async () => {
    const clean = 'export const answer = 42;\n';
    const files: Record<string, string> = { '.env.example': REMOTE_DISABLED, 'src/db.ts': POOL_TS };
    for (let i = 0; i < 30; i++) files[`src/clean-${i}.ts`] = clean;
    files['src/edited.ts'] = clean;
    files['src/assumed.ts'] = clean;
    const dir = await makeTree(files);
    commitAll(dir);
    // Edited after the commit, and edited behind git's back (assume-unchanged: grep would search the index's copy).
    await fsp.writeFile(path.join(dir, 'src', 'edited.ts'), POOL_TS);
    git(dir, 'update-index', '--assume-unchanged', 'src/assumed.ts');
    await fsp.writeFile(path.join(dir, 'src', 'assumed.ts'), POOL_TS);
    await fsp.writeFile(path.join(dir, 'src', 'latin1.ts'), Buffer.from('export const n = "\xe9";\n', 'latin1'));
    await fsp.writeFile(path.join(dir, 'src', 'binary.ts'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    git(dir, 'add', 'src/latin1.ts', 'src/binary.ts');

    const discovered = await discover(['.'], { cwd: dir, trustIndex: true, contentFilter: { pattern: GREP_PATTERN, appliesTo: isPrefiltered } });
    expect(discovered.unmatched).toBe(30);
    expect(discovered.files.map((f) => f.rel)).toEqual(['.env.example', 'src/assumed.ts', 'src/binary.ts', 'src/db.ts', 'src/edited.ts', 'src/latin1.ts']);

    const result = await scan({ paths: ['.'], cwd: dir, config, now: NOW });
    // 36 files read; the binary one was not scanned.
    expect(result.filesScanned).toBe(35);
    // The same as reading every file: the .gitignore-free walk of the file system reads them all.
    const walked = await scan({ paths: ['.'], cwd: dir, config, now: NOW, noIgnore: true });
    expect(comparable(result)).toEqual(comparable(walked));
    expect([...new Set(result.findings.map((f) => f.file))].sort()).toEqual(['.env.example', 'src/assumed.ts', 'src/db.ts', 'src/edited.ts']);
    expect(result.diagnostics).toEqual([
      { file: 'src/binary.ts', message: 'binary file (NUL bytes), not scanned' },
      { file: 'src/latin1.ts', message: 'invalid UTF-8: undecodable bytes were replaced with U+FFFD' },
    ]);
  });

  it('reads a tracked file the work tree turned into a directory as nothing, silently', async () => {
    const dir = await makeTree({ '.env.example': REMOTE_DISABLED, 'src/db.ts': POOL_TS });
    commitAll(dir);
    await fsp.rm(path.join(dir, '.env.example'));
    await fsp.mkdir(path.join(dir, '.env.example'));
    const result = await scan({ paths: ['.'], cwd: dir, config, now: NOW });
    expect(result.diagnostics).toEqual([]);
    expect(result.filesScanned).toBe(1);
  });

  it('takes the mode of a tracked key file from the file it opened (discovery did not stat it)', async () => {
    const dir = await makeTree({ 'certs/client.key': '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n', '.gitignore': '' });
    commitAll(dir);
    await fsp.chmod(path.join(dir, 'certs', 'client.key'), 0o644);
    const result = await scan({ paths: ['.'], cwd: dir, config, now: NOW });
    // key-permissions leaves tracked keys to gitignore-certs (git records no such bits), so the fact carries the proof.
    expect(result.facts.filter((f) => f.kind === 'file').map((f) => (f as { mode?: number }).mode)).toEqual([0o644]);
  });
});

