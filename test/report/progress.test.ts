import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgress, isCI, progressWanted } from '../../src/report/progress.js';
import { main } from '../../src/cli.js';

function fakeClock(step: number) {
  let t = 0;
  return () => (t += step);
}

describe('progress display', () => {
  it('stays silent for the first second, then redraws in place at most every 100 ms and erases itself', () => {
    let now = 0;
    const writes: string[] = [];
    const p = createProgress({ write: (s) => writes.push(s), enabled: true, clock: () => now });
    now = 400;
    p.update(10, 300);
    expect(writes).toEqual([]);
    now = 1000;
    p.update(120, 300);
    now = 1050;
    p.update(150, 300);
    now = 1100;
    p.update(180, 300);
    p.end();
    p.end();
    expect(writes).toEqual(['\r\u001b[Ksslguard: 120/300 files', '\r\u001b[Ksslguard: 180/300 files', '\r\u001b[K']);
  });

  it('writes nothing at all for a quick scan or when disabled', () => {
    const writes: string[] = [];
    const quick = createProgress({ write: (s) => writes.push(s), enabled: true, clock: fakeClock(1) });
    for (let i = 1; i <= 50; i++) quick.update(i, 50);
    quick.end();
    const off = createProgress({ write: (s) => writes.push(s), enabled: false, clock: fakeClock(500) });
    for (let i = 1; i <= 50; i++) off.update(i, 50);
    off.end();
    expect(writes).toEqual([]);
  });

  it('is wanted only on a terminal outside CI', () => {
    expect(progressWanted(true, {})).toBe(true);
    expect(progressWanted(false, {})).toBe(false);
    expect(progressWanted(true, { CI: 'true' })).toBe(false);
    expect(progressWanted(true, { CI: '1' })).toBe(false);
    expect(isCI({ CI: 'false' })).toBe(false);
    expect(isCI({ CI: '' })).toBe(false);
  });
});

describe('progress in the CLI', () => {
  function tree(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-progress-'));
    for (let i = 0; i < 12; i++) {
      mkdirSync(join(dir, `svc${i}`));
      writeFileSync(join(dir, `svc${i}`, '.env.example'), 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n');
    }
    return dir;
  }

  async function run(env: Record<string, string>, stderrIsTTY: boolean) {
    let out = '';
    let err = '';
    // Each clock reading advances 300 ms: the scan "takes" several seconds.
    const code = await main(['--format', 'json', '.'], { cwd: tree(), stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, stderrIsTTY, env, clock: fakeClock(300) });
    return { code, out, err };
  }

  it('shows files done / total on a terminal for a long scan, then clears the line; stdout stays clean', async () => {
    const { code, out, err } = await run({}, true);
    expect(code).toBe(1);
    expect(err).toMatch(/^\r\u001b\[Ksslguard: \d+\/12 files/);
    expect(err.endsWith('\r\u001b[K')).toBe(true);
    expect(JSON.parse(out).findings).toHaveLength(12);
  });

  it('shows nothing in CI or when stderr is not a terminal', async () => {
    expect((await run({ CI: 'true' }, true)).err).toBe('');
    expect((await run({}, false)).err).toBe('');
  });
});
