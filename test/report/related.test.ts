import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/model.js';
import type { Report, ReporterOptions } from '../../src/report/types.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatStylish } from '../../src/report/stylish.js';
import { formatGithub } from '../../src/report/github.js';
import { rules } from '../../rules/index.js';
import { multitool, multitoolAnalysed, multitoolProblems } from '../helpers/sarif-multitool.js';

// A finding's trace across files (Finding.related) in every output format, from hand-built
// findings: the value written in `.env`, used by a compose service. One related message carries a
// literal password, as a careless producer might build it: every reporter must mask it.

const SECRET = 'Xq9-very-Secret-77';

const traced: Finding = {
  ruleId: 'no-ssl-disabled',
  severity: 'error',
  message: 'Connection to db.abcd1234.supabase.co uses sslmode=disable: credentials and data cross the network in plaintext.',
  file: 'docker-compose.yml',
  line: 12,
  column: 22,
  endLine: 12,
  endColumn: 36,
  environment: 'production',
  environmentReason: 'compose file docker-compose.yml, service `api`',
  fingerprint: `${'a'.repeat(32)}:1`,
  related: [
    { file: 'deploy/env[prod]/.env', line: 3, column: 14, endLine: 3, endColumn: 97, message: 'value of DATABASE_URL written here' },
    {
      file: 'docker-compose.yml',
      line: 12,
      column: 7,
      endLine: 12,
      endColumn: 36,
      message: `used by compose service \`api\` (postgresql://app:${SECRET}@db.abcd1234.supabase.co:5432/postgres)`,
    },
  ],
};

const plain: Finding = {
  ruleId: 'require-sslmode',
  severity: 'warning',
  message: 'Connection to db.abcd1234.supabase.co sets no sslmode.',
  file: '.env.example',
  line: 1,
  column: 14,
  endLine: 1,
  endColumn: 70,
  environment: 'unknown',
  related: [],
};

function report(findings: Finding[], extra: Partial<Report['stats']> = {}): Report {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { findings, suppressed: [], diagnostics: [], stats: { filesScanned: 3, errors, warnings: findings.length - errors, suppressed: 0, durationMs: 5, ...extra } };
}

const options: ReporterOptions = { color: false, version: '0.1.0', rules: rules.map((r) => r.meta) };
const MASKED_USE = 'used by compose service `api` (postgresql://app:****@db.abcd1234.supabase.co:5432/postgres)';

describe('related locations in JSON', () => {
  it('writes `related` with positions and masked messages, only on findings that have a trace', () => {
    const out = formatJson(report([traced, plain]), options);
    expect(out).not.toContain(SECRET);
    const [first, second] = JSON.parse(out).findings;
    expect(first.related).toEqual([
      { file: 'deploy/env[prod]/.env', line: 3, column: 14, endLine: 3, endColumn: 97, message: 'value of DATABASE_URL written here' },
      { file: 'docker-compose.yml', line: 12, column: 7, endLine: 12, endColumn: 36, message: MASKED_USE },
    ]);
    expect('related' in second).toBe(false);
  });
});

describe('related locations in SARIF', () => {
  it('become relatedLocations with ids, regions and messages, linked from the result message', () => {
    const out = formatSarif(report([traced, plain]), options);
    expect(out).not.toContain(SECRET);
    const results = JSON.parse(out).runs[0].results;
    const first = results.find((r: any) => r.ruleId === 'no-ssl-disabled');
    const second = results.find((r: any) => r.ruleId === 'require-sslmode');
    expect(first.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'deploy/env%5Bprod%5D/.env', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 14, endLine: 3, endColumn: 97 } },
        message: { text: 'value of DATABASE_URL written here' },
      },
      {
        id: 2,
        physicalLocation: { artifactLocation: { uri: 'docker-compose.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 7, endLine: 12, endColumn: 36 } },
        message: { text: MASKED_USE },
      },
    ]);
    // GitHub shows a related location only where the message links to it; brackets in link text are escaped.
    expect(first.message.text).toBe(
      `${traced.message} value of DATABASE_URL written here: [deploy/env\\[prod\\]/.env:3:14](1). ${MASKED_USE}: [docker-compose.yml:12:7](2).`,
    );
    expect(second.relatedLocations).toBeUndefined();
    expect(second.message.text).toBe(plain.message);
  });

  it('passes the SARIF Multitool without errors or warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-related-'));
    const file = join(dir, 'related.sarif');
    writeFileSync(file, formatSarif(report([traced, plain]), options));
    const validation = multitool([file], dir);
    expect(multitoolProblems(validation)).toEqual([]);
    expect(multitoolAnalysed(validation)).toEqual(['related.sarif']);
  });
});

describe('related locations in stylish output', () => {
  it('prints one indented line per place under the finding', () => {
    const out = formatStylish(report([traced, plain]), options);
    expect(out).not.toContain(SECRET);
    expect(out.split('\n').slice(0, 7)).toEqual([
      '.env.example',
      '  1:14  warning  Connection to db.abcd1234.supabase.co sets no sslmode.  require-sslmode',
      '',
      'docker-compose.yml',
      `  12:22  error  ${traced.message}  no-ssl-disabled`,
      '         ↳ deploy/env[prod]/.env:3:14  value of DATABASE_URL written here',
      `         ↳ docker-compose.yml:12:7  ${MASKED_USE}`,
    ]);
  });

  it('dims the trace when colour is on', () => {
    const out = formatStylish(report([traced]), { ...options, color: true });
    expect(out).toContain('\u001b[2m↳ deploy/env[prod]/.env:3:14  value of DATABASE_URL written here\u001b[22m');
    expect(out).not.toContain(SECRET);
  });
});

describe('related locations in GitHub annotations', () => {
  it('follow the message, one line per place, in a single workflow command', () => {
    const out = formatGithub(report([traced, plain]), options);
    expect(out).not.toContain(SECRET);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const message = lines[0]!.slice(lines[0]!.indexOf('::', 2) + 2).replace(/%0A/g, '\n').replace(/%25/g, '%');
    expect(message).toBe(`${traced.message}\n↳ deploy/env[prod]/.env:3:14  value of DATABASE_URL written here\n↳ docker-compose.yml:12:7  ${MASKED_USE}`);
    expect(lines[0]).toMatch(/^::error file=docker-compose\.yml,line=12,endLine=12,col=22,endColumn=36,title=sslguard%3A no-ssl-disabled::/);
    expect(lines[1]).toBe(`::warning file=.env.example,line=1,endLine=1,col=14,endColumn=70,title=sslguard%3A require-sslmode::${plain.message}`);
  });
});

describe('a value read by code in many packages', () => {
  it('lists at most 6 places, the reading package nearest the value first, and counts the rest', async () => {
    const { main } = await import('../../src/cli.js');
    const { mkdirSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-related-mono-'));
    const write = (rel: string, text: string) => {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    };
    const reader = "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n";
    write('package.json', '{ "name": "mono", "private": true, "workspaces": ["packages/*"] }\n');
    write('.env.example', 'DATABASE_URL=postgresql://app@db.abcd1234.supabase.co:5432/postgres?sslmode=require\n');
    write('src/db.ts', reader);
    for (let i = 1; i <= 20; i++) {
      write(`packages/p${String(i).padStart(2, '0')}/package.json`, `{ "name": "p${i}" }\n`);
      write(`packages/p${String(i).padStart(2, '0')}/src/db.ts`, reader);
    }
    const run = async (format: string) => {
      let out = '';
      await main(['--format', format, '.'], { cwd: dir, stdout: (s) => (out += s), stderr: () => {}, isTTY: false, env: {} });
      return out;
    };
    const report = JSON.parse(await run('json')) as { findings: Array<{ file: string; message: string; related?: Array<{ file: string }> }> };
    const onEnv = report.findings.filter((f) => f.file === '.env.example' && f.related);
    expect(onEnv.length).toBeGreaterThan(0);
    for (const f of onEnv) {
      expect(f.related!.length).toBe(6);
      expect(f.related![0]!.file).toBe('.env.example');
      // The root package's own reader is kept; 21 readers, 5 listed.
      expect(f.related!.map((r) => r.file)).toContain('src/db.ts');
      expect(f.message).toMatch(/ 16 more places read it too \(not listed\)\.$/);
    }
    const sarif = JSON.parse(await run('sarif'));
    for (const r of sarif.runs[0].results.filter((x: any) => x.relatedLocations)) {
      expect(r.relatedLocations.length).toBeLessThanOrEqual(6);
      expect(r.message.text.length).toBeLessThan(1200);
    }
  });
});
