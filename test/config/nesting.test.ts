import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigSync } from '../../src/config/load.js';
import { main } from '../../src/cli.js';

// Config files are read before anything else, from any repository sslguard is pointed at: a file
// built to exhaust the parsers must end in a config error (exit 2), not in a stack overflow.

const RULES = ['no-ssl-disabled', 'cert-expiry'] as const;
const DEEP = 10_000;

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'sslguard-config-nesting-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function loadError(): string {
  try {
    loadConfigSync({ cwd, knownRuleIds: RULES });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

async function cli(): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['.'], { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: {} });
  return { code, stdout, stderr };
}

describe('deeply nested config files', () => {
  it('refuses 10,000 nested JSON arrays at the first bracket past the limit', () => {
    writeFileSync(join(cwd, '.sslguard.json'), '['.repeat(DEEP) + ']'.repeat(DEEP));
    expect(loadError()).toBe('.sslguard.json:1:129: JSON nested more than 128 levels deep, not read (a configuration nests a few levels)');
  });

  it('refuses 10,000 nested JSON objects under "rules", with comments and a BOM before them', () => {
    const text = '\uFEFF// team defaults\n{\n  "rules": ' + '{"a":'.repeat(DEEP) + '"off"' + '}'.repeat(DEEP) + '\n}\n';
    writeFileSync(join(cwd, '.sslguard.json'), text);
    // Line 3 starts with `  "rules": `; the 128th `{"a":` from there opens level 129.
    expect(loadError()).toBe(`.sslguard.json:3:${12 + 127 * 5}: JSON nested more than 128 levels deep, not read (a configuration nests a few levels)`);
  });

  it('refuses 10,000 nested YAML flow sequences and 10,000 block sequences', () => {
    writeFileSync(join(cwd, '.sslguard.yaml'), 'ignorePatterns: ' + '['.repeat(DEEP) + ']'.repeat(DEEP) + '\n');
    expect(loadError()).toBe('.sslguard.yaml:1:145: YAML nested more than 128 levels deep, not read (a configuration nests a few levels)');
    // Block sequences in compact form: each `- ` opens a level two columns further right.
    writeFileSync(join(cwd, '.sslguard.yaml'), 'localHosts:\n' + '- '.repeat(DEEP) + 'db\n');
    expect(loadError()).toBe('.sslguard.yaml:2:129: YAML nested more than 128 levels deep, not read (a configuration nests a few levels)');
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const levels = 'abcdefghi'.split('');
    const lines = levels.map((name, i) => `${name}: &${name} [${Array(9).fill(i === 0 ? '"lol"' : `*${levels[i - 1]}`).join(', ')}]`);
    writeFileSync(join(cwd, '.sslguard.yml'), lines.join('\n') + '\n');
    expect(loadError()).toMatch(/^\.sslguard\.yml: invalid YAML \(Excessive alias count/);
  });

  it('still reads a config nested right up to the limit (a broken one, so the validation error proves it was parsed)', () => {
    writeFileSync(join(cwd, '.sslguard.json'), '{"localHosts": ' + '['.repeat(127) + ']'.repeat(127) + '}');
    expect(loadError()).toMatch(/^\.sslguard\.json: localHosts\[0\]: /);
  });

  it('a package.json nested too deeply configures nothing unless it mentions sslguard', () => {
    writeFileSync(join(cwd, 'package.json'), '{"name": "deep", "x": ' + '['.repeat(DEEP) + ']'.repeat(DEEP) + '}');
    expect(loadConfigSync({ cwd, knownRuleIds: RULES }).file).toBeUndefined();
    writeFileSync(join(cwd, 'package.json'), '{"name": "deep", "sslguard": {"rules": ' + '['.repeat(DEEP) + ']'.repeat(DEEP) + '}}');
    expect(loadError()).toMatch(/^package\.json:1:\d+: JSON nested more than 128 levels deep/);
  });

  it('the CLI exits with 2 and one line naming the file, no stack trace', async () => {
    writeFileSync(join(cwd, '.sslguard.json'), '['.repeat(DEEP) + ']'.repeat(DEEP));
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('sslguard: .sslguard.json:1:129: JSON nested more than 128 levels deep, not read (a configuration nests a few levels)\n');
  });
});
