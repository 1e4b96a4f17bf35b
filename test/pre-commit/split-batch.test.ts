import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { classifyPath } from '../../src/discovery/kinds.js';
import { main } from '../../src/cli.js';

// pre-commit hands a long file list to several processes (its xargs splits at about 128 KiB of
// arguments, whatever `require_serial` says). Each process must judge its files with the rest of
// the repository, so that the findings of all batches together are those of one run over every
// file, and those a scan of the whole repository reports for them.

const root = join(import.meta.dirname, '..', '..');
const hooks = parseYaml(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8'));
const hook = hooks.find((h: any) => h.id === 'sslguard');

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) delete env[name];
  return env;
}

function write(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

const key = (f: Finding): string => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.message}`;

async function sslguard(cwd: string, args: string[]): Promise<Finding[]> {
  let out = '';
  await main(['--format', 'json', ...args], { cwd, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
  return JSON.parse(out).findings;
}

describe('pre-commit over 3,000 files (the real pre-commit, which splits the list)', () => {
  it('gives every batch the repository context: all batches together report what one run and a full scan report', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-split-'));
    execFileSync('git', ['init', '-q'], { cwd: dir, env: gitEnv() });
    write(dir, 'package.json', '{ "name": "shop", "private": true }\n');
    // Sorted first: the .env and the compose file that interpolates it…
    write(dir, '.env', 'DATABASE_URL=postgres://app@db:5432/app?sslmode=disable\nREPLICA_URL=postgres://app@replica.acme-corp.io:5432/app?sslmode=require\n');
    write(dir, 'docker-compose.yml', 'services:\n  api:\n    build: .\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n  db:\n    image: postgres:16\n');
    write(dir, 'Dockerfile', 'FROM node:20\nENV PGSSLMODE=require\n');
    // …3,000 files of long names in between, so that pre-commit's batches fall between them…
    for (let i = 0; i < 3000; i++) {
      const n = String(i).padStart(4, '0');
      write(dir, `packages/storefront-checkout-service-${n}/src/handlers/order-confirmation-handler-${n}.ts`, `export const handler${i} = () => ${i};\n`);
    }
    // …and sorted last, the code that reads the .env's values with node-postgres.
    write(dir, 'zz-api/src/db.ts', "import { Pool } from 'pg';\nexport const replica = new Pool({ connectionString: process.env.REPLICA_URL });\n");
    const config = {
      repos: [
        {
          repo: 'local',
          hooks: [
            {
              id: 'sslguard',
              name: 'sslguard',
              entry: `${process.execPath} ${join(root, 'bin', 'sslguard.js')} --format json`,
              language: 'system',
              files: hook.files,
              require_serial: true,
              verbose: true,
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, '.pre-commit-config.yaml'), JSON.stringify(config));
    const files = execFileSync('git', ['ls-files', '--others', '-z'], { cwd: dir, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && classifyPath(f).length > 0);
    // Every file above and the pre-commit config itself (YAML).
    expect(files.length).toBe(3006);
    execFileSync('git', ['add', '-A'], { cwd: dir, env: gitEnv() });

    const run = spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...gitEnv(), PRE_COMMIT_HOME: join(dir, '.pre-commit-home'), NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) throw new Error((run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pre-commit not found: apt-get install -y pre-commit' : run.error.message);
    expect(run.stdout).toMatch(/^sslguard\.+Failed$/m);
    // One JSON report per process pre-commit started.
    const reports = run.stdout.match(/^\{$[\s\S]*?^\}$/gm) ?? [];
    expect(reports.length).toBeGreaterThan(1);
    const batches = reports.map((r) => JSON.parse(r) as { findings: Finding[]; stats: { filesScanned: number } });
    expect(batches.reduce((n, b) => n + b.stats.filesScanned, 0)).toBe(files.length);
    const split = batches.flatMap((b) => b.findings).map(key).sort();

    const oneRun = (await sslguard(dir, files)).map(key).sort();
    const named = new Set(files);
    const fullScan = (await sslguard(dir, ['.'])).filter((f) => named.has(f.file)).map(key).sort();
    expect(split).toEqual(oneRun);
    expect(split).toEqual(fullScan);
    // What only the context says: the .env's replica URL is read by node-postgres in zz-api/, in another batch.
    expect(split.some((k) => k.startsWith('.env:2:') && k.includes('pg-sslmode-alias'))).toBe(true);
  });
});
