import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { rules } from '../../rules/index.js';
import { ruleDocsUrl, toolVersion } from '../../src/version.js';
import { fullDescription, pathToUriReference } from '../../src/report/sarif.js';
import { primaryLocationLineHashes } from '../../src/engine/line-hash.js';
import { CLASSIFIED_RULE_IDS, classifyRule } from '../../src/report/rule-classification.js';
import { multitool } from '../helpers/sarif-multitool.js';

const root = join(import.meta.dirname, '..', '..');
const NOW = new Date('2026-11-26T00:00:00Z');
const SECRET = 'Xq9-very-Secret-77';

async function sarifOf(cwd: string, args: string[] = ['.']): Promise<{ code: number; log: any; text: string }> {
  let out = '';
  let err = '';
  const code = await main(['--format', 'sarif', ...args], { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {}, now: NOW });
  if (err) throw new Error(err);
  return { code, log: JSON.parse(out), text: out };
}

function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sslguard-sarif-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const PROD_DISABLED = 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres?sslmode=disable\n';

/** A repository that exercises every part of the log: results, a suppression, a diagnostic, a path needing URI encoding. */
function richRepo(): string {
  return tempRepo({
    'my configs/.env.example': `${PROD_DISABLED}# sslguard-disable-next-line no-ssl-disabled -- replica on the VPC peering link, ADR-12\nREPLICA_URL=postgresql://reader@10.0.3.7:5432/app?sslmode=disable\n`,
    'deploy/.env.staging': `DATABASE_URL=postgresql://admin:${SECRET}@db.abcd1234.supabase.co/postgres?sslmode=require\n`,
    'charts/agent/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
  });
}

describe('SARIF output', () => {
  it('describes the tool and every rule with help, level, tags and security-severity', async () => {
    const { log } = await sarifOf(richRepo());
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const run = log.runs[0];
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver).toMatchObject({ name: 'sslguard', version: toolVersion(), semanticVersion: toolVersion(), informationUri: 'https://github.com/sslguard/sslguard' });
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(rules.map((r) => r.meta.id));
    for (const [i, rule] of rules.entries()) {
      const d = run.tool.driver.rules[i];
      expect(d.shortDescription.text).toBe(rule.meta.description);
      // Code scanning takes at most 1,024 characters; the whole rationale is in the help.
      expect(d.fullDescription.text).toBe(fullDescription(rule.meta.rationale));
      expect(d.fullDescription.text.length, rule.meta.id).toBeLessThanOrEqual(1024);
      if (rule.meta.rationale.length <= 1024) expect(d.fullDescription.text).toBe(rule.meta.rationale);
      else expect(rule.meta.rationale.startsWith(d.fullDescription.text.replace(/ \(More in the rule help\.\)$/, ''))).toBe(true);
      expect(d.helpUri).toBe(ruleDocsUrl(rule.meta.id));
      expect(d.defaultConfiguration.level).toBe(rule.meta.defaultSeverity);
      expect(d.help.text).toContain(rule.meta.rationale);
      expect(d.help.markdown).toContain(rule.meta.rationale);
      expect(d.help.markdown).toContain('#### Bad');
      expect(d.help.markdown).toContain('#### Good');
      expect(d.help.markdown).toContain(`](${ruleDocsUrl(rule.meta.id)})`);
      expect(d.properties.tags).toContain('security');
      expect(d.properties['security-severity']).toMatch(/^(10\.0|\d\.\d)$/);
    }
    const severity = (id: string) => Number(run.tool.driver.rules.find((r: any) => r.id === id).properties['security-severity']);
    expect(severity('no-ssl-disabled')).toBeGreaterThanOrEqual(7);
    expect(severity('absolute-cert-path')).toBeLessThan(4);
    expect(run.tool.driver.rules.find((r: any) => r.id === 'no-reject-unauthorized').properties.tags).toContain('external/cwe/cwe-295');
  });

  it('gives every catalogue rule an explicit security-severity', () => {
    expect([...CLASSIFIED_RULE_IDS].sort()).toEqual(rules.map((r) => r.meta.id).sort());
  });

  it("the README's security-severity table lists every rule with its score, level and CWEs, highest first", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| Rule | `security-severity` | Code scanning | CWE | Why |'));
    const lines = table.split('\n').slice(2);
    const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith('|'))).map((l) => l.split('|').map((c) => c.trim()));
    const level = (score: number) => (score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low');
    expect(rows.map((r) => r[1]!.replace(/`/g, '')).sort()).toEqual(rules.map((r) => r.meta.id).sort());
    for (const [, id, score, scanning, cwe] of rows) {
      const rule = rules.find((r) => r.meta.id === id!.replace(/`/g, ''))!;
      const c = classifyRule(rule.meta);
      expect(score, id).toBe(c.securitySeverity);
      expect(scanning, id).toBe(level(Number(c.securitySeverity)));
      expect(cwe, id).toBe(c.cwe.length ? c.cwe.join(', ') : '–');
    }
    const scores = rows.map((r) => Number(r[2]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('writes results at exact ranges relative to %SRCROOT%, with fingerprints, suppressions and notifications', async () => {
    const { code, log } = await sarifOf(richRepo());
    expect(code).toBe(1);
    const run = log.runs[0];
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    for (const r of run.results) expect(ids[r.ruleIndex]).toBe(r.ruleId);

    const disabled = run.results.filter((r: any) => r.ruleId === 'no-ssl-disabled');
    expect(disabled).toHaveLength(2);
    const [active, suppressed] = disabled;
    expect(active).toMatchObject({
      level: 'error',
      message: { text: expect.stringContaining('sslmode=disable') },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'my%20configs/.env.example', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 79, endLine: 1, endColumn: 86 } } }],
    });
    expect(active.suppressions).toBeUndefined();
    // The client that reads the connection is unknown: judged with libpq's meaning.
    expect(active.properties).toMatchObject({ environment: 'unknown', consumer: 'unknown', effectiveTls: 'plaintext' });
    expect(active.partialFingerprints['sslguard/v2']).toMatch(/^[0-9a-f]{32}:1$/);
    expect(suppressed.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 59, endLine: 3, endColumn: 66 });
    // Accepted: code scanning closes the alert, with the comment's reason as the justification.
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'replica on the VPC peering link, ADR-12' }]);

    const invocation = run.invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: expect.stringContaining('Helm template') },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'charts/agent/templates/deployment.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: expect.any(Number) } } }],
      },
    ]);
  });

  it('keeps fingerprints when unrelated lines move, so code scanning does not reopen alerts', async () => {
    const before = await sarifOf(tempRepo({ '.env.example': PROD_DISABLED }));
    const after = await sarifOf(tempRepo({ '.env.example': `# Supabase project for the agent\nLOG_LEVEL=info\n\n${PROD_DISABLED}` }));
    const fp = (log: any) => log.runs[0].results.map((r: any) => [r.ruleId, r.partialFingerprints['sslguard/v2'], r.partialFingerprints.primaryLocationLineHash]);
    expect(after.log.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(4);
    // Both: ours, and GitHub's own line hash, which a REST upload would otherwise lack.
    expect(fp(before.log)).toEqual([['no-ssl-disabled', expect.stringMatching(/^[0-9a-f]{32}:1$/), expect.stringMatching(/^[0-9a-f]{1,16}:1$/)]]);
    expect(fp(after.log)).toEqual(fp(before.log));
    // Through the whole scan, the flagged line's text is part of the identity: two different lines differ.
    const two = await sarifOf(tempRepo({ '.env.example': `${PROD_DISABLED}${PROD_DISABLED.replace('DATABASE_URL', 'REPLICA_URL')}` }));
    const [a, b] = fp(two.log).map((r: any) => r[1]);
    expect(a.split(':')[0]).not.toBe(b.split(':')[0]);
  });

  it("writes primaryLocationLineHash as the upload action computes it, so the action keeps it and a REST upload has it", async () => {
    const text = `# Supabase\r\n\tLOG_LEVEL=info\r\n${PROD_DISABLED.replace('\n', '\r\n')}const x = 1;\n`;
    const { log } = await sarifOf(tempRepo({ '.env.example': text }));
    const [result] = log.runs[0].results;
    // What github/codeql-action's upload computes from the file itself (it keeps an equal value and
    // warns about a different one).
    expect(result.partialFingerprints.primaryLocationLineHash).toBe(primaryLocationLineHashes(text).get(3));
  });

  it('hashes lines with passwords masked: no line hash is computed from a secret', async () => {
    const line = `DATABASE_URL=postgresql://admin:${SECRET}@db.abcd1234.supabase.co/postgres?sslmode=require\n`;
    const { log } = await sarifOf(tempRepo({ '.env.example': line }));
    const hashes = log.runs[0].results.map((r: any) => r.partialFingerprints.primaryLocationLineHash);
    expect(hashes.length).toBeGreaterThan(0);
    const masked = primaryLocationLineHashes(line.replace(SECRET, '****')).get(1);
    for (const h of hashes) {
      expect(h).toBe(masked);
      expect(h).not.toBe(primaryLocationLineHashes(line).get(1));
    }
  });

  it('--quiet keeps errors only; suppressed findings stay in the log', async () => {
    const dir = tempRepo({ '.env.example': 'DATABASE_URL=postgresql://agent@db.abcd1234.supabase.co:5432/postgres\n' });
    expect((await sarifOf(dir)).log.runs[0].results.map((r: any) => r.level)).toEqual(['warning']);
    expect((await sarifOf(dir, ['--quiet', '.'])).log.runs[0].results).toEqual([]);
  });

  it('never contains a password, not even in rule help examples', async () => {
    const { text } = await sarifOf(richRepo());
    expect(text).not.toContain(SECRET);
    for (const rule of rules) {
      for (const e of rule.meta.examples.bad) {
        const literal = /postgres(?:ql)?:\/\/[^:/@\s]+:([^@\s${}<>[\]*]{6,})@/.exec(e.code)?.[1];
        if (literal && !/^(password|postgres|changeme)$/i.test(literal)) expect(text).not.toContain(`:${literal}@`);
      }
    }
  });

  it('percent-encodes paths as URI references', () => {
    expect(pathToUriReference('my configs/.env.example')).toBe('my%20configs/.env.example');
    expect(pathToUriReference('../deploy/#prod/ünï.env')).toBe('../deploy/%23prod/%C3%BCn%C3%AF.env');
    expect(pathToUriReference('k8s/100%/app.yaml')).toBe('k8s/100%25/app.yaml');
  });
});

describe('SARIF validated by the Microsoft SARIF Multitool', () => {
  it('reports no error and no warning on the fixtures and on a log with suppressions and notifications', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sslguard-multitool-'));
    const targets: Record<string, string> = {
      'supabase-agent': join(root, 'fixtures', 'supabase-agent'),
      'compose-stack': join(root, 'fixtures', 'compose-stack'),
      'k8s-app': join(root, 'fixtures', 'k8s-app'),
      'local-dev': join(root, 'fixtures', 'local-dev'),
      rich: richRepo(),
    };
    const files: string[] = [];
    for (const [name, dir] of Object.entries(targets)) {
      const { log, text } = await sarifOf(dir);
      if (name !== 'local-dev') expect(log.runs[0].results.length).toBeGreaterThan(0);
      const file = join(outDir, `${name}.sarif`);
      writeFileSync(file, text);
      files.push(file);
    }
    const validation = multitool(files, outDir);
    const results: any[] = validation.runs[0].results;
    const problems = results
      .filter((r) => r.level === 'error' || r.level === 'warning')
      .map((r) => `${r.level} ${r.ruleId} ${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}: ${JSON.stringify(r.message)}`);
    expect(problems).toEqual([]);
    // The Multitool silently skips a log it cannot deserialize: prove each one was analysed (the
    // run-level note about version control provenance appears once per analysed log).
    const analysed = new Set(results.filter((r) => r.ruleId === 'SARIF2003').map((r) => r.locations[0].physicalLocation.artifactLocation.uri.replace(/^.*\//, '')));
    expect([...analysed].sort()).toEqual(Object.keys(targets).map((n) => `${n}.sarif`).sort());
  });

  it('does report errors in a broken log (the check can fail)', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'sslguard-multitool-'));
    const file = join(outDir, 'broken.sarif');
    writeFileSync(
      file,
      JSON.stringify({
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'sslguard', version: '0.1.0', informationUri: 'https://github.com/sslguard/sslguard', rules: [{ id: 'no-ssl-disabled' }] } }, results: [{ ruleId: 'no-ssl-disabled', ruleIndex: 4, message: { text: 'x.' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'my configs/.env' }, region: { startLine: 3, endLine: 2 } } }] }] }],
      }),
    );
    const levels = multitool([file], outDir).runs[0].results.filter((r: any) => r.level === 'error').map((r: any) => r.ruleId).sort();
    expect(levels).toEqual(['SARIF1002', 'SARIF1007', 'SARIF1009']);
  });
});
