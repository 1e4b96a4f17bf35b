import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigSync, validateConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG, DEFAULT_POLICY } from '../../src/config/types.js';
import { lintSources, type SourceInput } from '../../src/engine/lint.js';
import { main } from '../../src/cli.js';
import { rules } from '../../rules/index.js';

const RULES = rules.map((r) => r.meta.id);
const NOW = new Date('2026-11-26T00:00:00Z');

function configError(raw: unknown, source = '.sslguard.json'): string {
  try {
    validateConfig(raw, source, RULES);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('no ConfigError');
}

/** require-verify-full findings of one file under a config written as in `.sslguard.json`. */
function judged(source: SourceInput, raw: unknown = {}) {
  const config = validateConfig(raw, '.sslguard.json', RULES);
  return lintSources([source], { config, now: NOW })
    .findings.filter((f) => f.ruleId === 'require-verify-full')
    .map((f) => ({ severity: f.severity, at: `${f.line}:${f.column}-${f.endLine}:${f.endColumn}`, messageId: f.messageId, message: f.message }));
}

/** Line and 1-based column span of the first `needle` in `text`. */
function spanOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, at).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  return `${line}:${column}-${line}:${column + needle.length}`;
}

const DEPLOYMENT = (sslmode: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: orders',
    '  namespace: production',
    'spec:',
    '  replicas: 3',
    '  selector:',
    '    matchLabels: { app: orders }',
    '  template:',
    '    metadata:',
    '      labels: { app: orders }',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: ghcr.io/acme/orders:2.3.1',
    '          env:',
    '            - name: DATABASE_URL',
    `              value: postgres://orders@orders.cluster-c1xyzabc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=${sslmode}&sslrootcert=/etc/ssl/rds/global-bundle.pem`,
    '',
  ].join('\n');

const ENV = (sslmode: string) => `DATABASE_URL=postgresql://app:\${DB_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=${sslmode}&sslrootcert=/etc/ssl/certs/supabase-ca.crt\n`;

describe('policy config: loading and validation', () => {
  it('defaults to the guide decision tree', () => {
    expect(DEFAULT_POLICY).toEqual({ production: 'verify-full', staging: 'verify-ca', development: 'require', unknown: 'verify-full' });
    expect(validateConfig({}, 'x', RULES).policy).toEqual(DEFAULT_POLICY);
  });

  it('sets the environments a config names and keeps the defaults of the others', () => {
    expect(validateConfig({ policy: { staging: 'verify-full', unknown: 'require' } }, 'x', RULES).policy).toEqual({
      production: 'verify-full',
      staging: 'verify-full',
      development: 'require',
      unknown: 'require',
    });
    // The defaults object itself is never changed by a config.
    expect(DEFAULT_CONFIG.policy).toEqual(DEFAULT_POLICY);
  });

  it('rejects unknown environments, unknown modes and modes below require, naming the key', () => {
    expect(configError({ policy: { producton: 'verify-full' } })).toBe(
      '.sslguard.json: policy.producton: unknown environment (did you mean production?): the environments are "production", "staging", "development", "unknown"',
    );
    expect(configError({ policy: { qa: 'verify-ca' } })).toBe(
      '.sslguard.json: policy.qa: unknown environment: the environments are "production", "staging", "development", "unknown"',
    );
    expect(configError({ policy: { production: 'verify_full' } })).toBe(
      '.sslguard.json: policy.production: minimum sslmode must be one of "require", "verify-ca", "verify-full", not the string "verify_full" (did you mean verify-full?)',
    );
    expect(configError({ policy: { staging: 2 } })).toBe(
      '.sslguard.json: policy.staging: minimum sslmode must be one of "require", "verify-ca", "verify-full", not number 2',
    );
    expect(configError({ policy: { development: 'prefer' } })).toBe(
      '.sslguard.json: policy.development: "prefer" cannot be a minimum: a connection that leaves the machine always needs at least "require" (no-ssl-disabled), ' +
        'and a local one is never judged; use one of "require", "verify-ca", "verify-full"',
    );
    expect(configError({ policy: ['verify-full'] })).toBe('.sslguard.json: policy: must be an object of environment → minimum sslmode, not an array');
    expect(configError({ polcy: {} })).toBe('.sslguard.json: polcy: unknown key (did you mean policy?)');
  });

  it('names the file and the key path for YAML configs and package.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-policy-'));
    writeFileSync(join(dir, '.sslguard.yml'), 'policy:\n  staging: verify-full\n  unknown: disable\n');
    expect(() => loadConfigSync({ cwd: dir, knownRuleIds: RULES })).toThrow(/^\.sslguard\.yml: policy\.unknown: "disable" cannot be a minimum/);
    const pkg = mkdtempSync(join(tmpdir(), 'sslguard-policy-'));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'api', sslguard: { policy: { production: 'full' } } }));
    expect(() => loadConfigSync({ cwd: pkg, knownRuleIds: RULES })).toThrow(
      'package.json: sslguard.policy.production: minimum sslmode must be one of "require", "verify-ca", "verify-full", not the string "full"',
    );
  });

  it('makes the CLI exit 2 with that message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sslguard-policy-'));
    writeFileSync(join(dir, '.sslguard.json'), '{ "policy": { "staging": "verify_ca" } }\n');
    writeFileSync(join(dir, '.env.staging'), ENV('require'));
    let err = '';
    let out = '';
    const code = await main(['--format', 'json', '.'], { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {}, now: NOW });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      'sslguard: .sslguard.json: policy.staging: minimum sslmode must be one of "require", "verify-ca", "verify-full", not the string "verify_ca" (did you mean verify-ca?)\n',
    );
  });
});

describe('policy: each environment\'s minimum decides require-verify-full', () => {
  it('production (namespace): verify-ca is an error by default and passes with "production": "verify-ca"', () => {
    const text = DEPLOYMENT('verify-ca');
    const source = { file: 'k8s/orders.yaml', text };
    expect(judged(source)).toEqual([
      {
        severity: 'error',
        at: spanOf(text, 'verify-ca'),
        messageId: 'production',
        message: expect.stringMatching(/^production \(namespace `production` in k8s\/orders\.yaml\) requires sslmode=verify-full; this connection uses verify-ca, /),
      },
    ]);
    expect(judged(source, { policy: { production: 'verify-ca' } })).toEqual([]);
    // require stays below a verify-ca minimum, and the message names that minimum.
    const weaker = { file: 'k8s/orders.yaml', text: DEPLOYMENT('require') };
    expect(judged(weaker, { policy: { production: 'verify-ca' } })).toEqual([
      {
        severity: 'error',
        at: spanOf(weaker.text, 'require'),
        messageId: 'staging',
        message: expect.stringMatching(/^production \(namespace `production` in k8s\/orders\.yaml\) requires at least sslmode=verify-ca; this connection uses require, /),
      },
    ]);
  });

  it('staging (file name): verify-ca passes by default and is an error with "staging": "verify-full"', () => {
    const text = ENV('verify-ca');
    const source = { file: 'deploy/.env.staging', text };
    expect(judged(source)).toEqual([]);
    expect(judged(source, { policy: { staging: 'verify-full' } })).toEqual([
      {
        severity: 'error',
        at: spanOf(text, 'verify-ca'),
        messageId: 'production',
        message: expect.stringMatching(/^staging \(file name `\.env\.staging`\) requires sslmode=verify-full; this connection uses verify-ca, /),
      },
    ]);
  });

  it('development (directory): require passes by default and is an error with "development": "verify-ca"', () => {
    const text = ENV('require');
    const source = { file: 'deploy/dev/app.env', text };
    expect(judged(source)).toEqual([]);
    expect(judged(source, { policy: { development: 'verify-ca' } })).toEqual([
      {
        severity: 'error',
        at: spanOf(text, 'require'),
        messageId: 'staging',
        message: expect.stringMatching(/^development \(directory `deploy\/dev`\) requires at least sslmode=verify-ca; this connection uses require, /),
      },
    ]);
  });

  it('unknown: require is a warning by default, passes with "unknown": "require", and config globs move the file', () => {
    const text = ENV('require');
    const source = { file: 'apps/api/.env', text };
    expect(judged(source)).toEqual([
      {
        severity: 'warning',
        at: spanOf(text, 'require'),
        messageId: 'unknown',
        message: expect.stringMatching(/^Environment unknown \(no environment could be inferred\): this connection uses require, /),
      },
    ]);
    expect(judged(source, { policy: { unknown: 'require' } })).toEqual([]);
    expect(judged(source, { policy: { unknown: 'verify-ca' } }).map((f) => f.severity)).toEqual(['warning']);
    // Mapped to production by a glob, the same file is held to production's minimum, as an error.
    expect(judged(source, { environments: { 'apps/api/**': 'production' }, policy: { unknown: 'require' } })).toEqual([
      {
        severity: 'error',
        at: spanOf(text, 'require'),
        messageId: 'production',
        message: expect.stringMatching(/^production \(config maps `apps\/api\/\*\*` to production\) requires sslmode=verify-full; /),
      },
    ]);
  });

  it('never judges local connections, whatever the minimum', () => {
    const local = { file: '.env.production', text: 'DATABASE_URL=postgresql://postgres:postgres@localhost:54322/postgres?sslmode=require\n' };
    expect(judged(local, { policy: { production: 'verify-full' } })).toEqual([]);
  });

  it('a severity set for the rule wins over the policy\'s error / warning', () => {
    const source = { file: 'k8s/orders.yaml', text: DEPLOYMENT('require') };
    expect(judged(source, { rules: { 'require-verify-full': 'warning' } }).map((f) => f.severity)).toEqual(['warning']);
    expect(judged(source, { rules: { 'require-verify-full': 'off' } })).toEqual([]);
  });
});
