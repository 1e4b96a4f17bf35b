import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, displayName, loadConfig, mergeRuleOverrides, validateConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

const RULES = ['no-ssl-disabled', 'require-verify-full', 'no-reject-unauthorized-false', 'cert-expiry'] as const;

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'sslguard-config-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const write = (name: string, text: string): void => writeFileSync(join(cwd, name), text);
const load = (configFile?: string) => loadConfig({ cwd, knownRuleIds: RULES, ...(configFile ? { configFile } : {}) });

async function loadError(configFile?: string): Promise<string> {
  try {
    await load(configFile);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function validateError(raw: unknown): string {
  try {
    validateConfig(raw, '.sslguard.json', RULES);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: finding the file', () => {
  it('uses defaults when there is no config file', async () => {
    expect(await load()).toEqual({ config: DEFAULT_CONFIG });
  });

  it('reads .sslguard.json (with comments and trailing commas)', async () => {
    write('.sslguard.json', '{\n  // CI runs against the docker db\n  "rules": { "require-verify-full": "warning", },\n  "certExpiryDays": 14\n}\n');
    const { config, file } = await load();
    expect(file).toBe(join(cwd, '.sslguard.json'));
    expect(config).toEqual({ ...DEFAULT_CONFIG, rules: { 'require-verify-full': 'warning' }, certExpiryDays: 14 });
  });

  it('prefers .sslguard.json over .sslguard.yaml over .sslguard.yml over package.json', async () => {
    write('package.json', JSON.stringify({ name: 'app', sslguard: { certExpiryDays: 4 } }));
    expect((await load()).config.certExpiryDays).toBe(4);
    write('.sslguard.yml', 'certExpiryDays: 3\n');
    expect((await load()).config.certExpiryDays).toBe(3);
    write('.sslguard.yaml', 'certExpiryDays: 2\n');
    expect((await load()).config.certExpiryDays).toBe(2);
    write('.sslguard.json', '{ "certExpiryDays": 1 }');
    expect(await load()).toMatchObject({ config: { certExpiryDays: 1 }, file: join(cwd, '.sslguard.json') });
  });

  it('reads a YAML config with every key, keeping environment globs in order', async () => {
    write(
      '.sslguard.yaml',
      [
        '# sslguard policy for the platform repo',
        'rules:',
        '  no-ssl-disabled: error',
        '  cert-expiry: off',
        'localHosts: [db, "*.svc.cluster.local", "::1"]',
        'environments:',
        '  "deploy/prod-*/**": production',
        '  "deploy/**": staging',
        '  "*.local.yml": development',
        'ignorePatterns:',
        '  - fixtures/**',
        'certExpiryDays: 0',
        'maxFileSize: 1048576',
        'policy:',
        '  staging: verify-full',
        '  unknown: require',
        '',
      ].join('\n'),
    );
    const { config, file } = await load();
    expect(file).toBe(join(cwd, '.sslguard.yaml'));
    expect(config).toEqual({
      rules: { 'no-ssl-disabled': 'error', 'cert-expiry': 'off' },
      localHosts: ['db', '*.svc.cluster.local', '::1'],
      environments: [
        { pattern: 'deploy/prod-*/**', environment: 'production' },
        { pattern: 'deploy/**', environment: 'staging' },
        { pattern: '*.local.yml', environment: 'development' },
      ],
      ignorePatterns: ['fixtures/**'],
      certExpiryDays: 0,
      maxFileSize: 1048576,
      policy: { production: 'verify-full', staging: 'verify-full', development: 'require', unknown: 'require' },
    });
  });

  it('treats an empty YAML file as defaults', async () => {
    write('.sslguard.yml', '# nothing yet\n');
    expect(await load()).toEqual({ config: DEFAULT_CONFIG, file: join(cwd, '.sslguard.yml') });
  });

  it('reads the sslguard key of package.json and names it in errors', async () => {
    write('package.json', JSON.stringify({ name: 'api', sslguard: { localHosts: ['pg'] } }, null, 2));
    expect(await load()).toEqual({ config: { ...DEFAULT_CONFIG, localHosts: ['pg'] }, file: join(cwd, 'package.json') });
    write('package.json', JSON.stringify({ name: 'api', sslguard: { rules: { 'no-ssl-disable': 'off' } } }));
    expect(await loadError()).toBe('package.json: sslguard.rules.no-ssl-disable: unknown rule id (did you mean no-ssl-disabled?)');
  });

  it('ignores package.json without the key, and a broken one that does not mention sslguard', async () => {
    write('package.json', '{ "name": "api", "scripts": {} }');
    expect(await load()).toEqual({ config: DEFAULT_CONFIG });
    write('package.json', '{ "name": "api", ');
    expect(await load()).toEqual({ config: DEFAULT_CONFIG });
    write('package.json', '{ "name": "api", "sslguard": { "rules": } }');
    expect(await loadError()).toMatch(/^package\.json:1:41: invalid JSON \(ValueExpected\)$/);
  });

  it('reads an explicit --config file, JSON or YAML by extension, relative or absolute', async () => {
    mkdirSync(join(cwd, 'ci'));
    write('ci/sslguard.yml', 'rules:\n  cert-expiry: warning\n');
    write('.sslguard.json', '{ "certExpiryDays": 99 }');
    expect(await load('ci/sslguard.yml')).toEqual({
      config: { ...DEFAULT_CONFIG, rules: { 'cert-expiry': 'warning' } },
      file: join(cwd, 'ci/sslguard.yml'),
    });
    write('ci/strict.json', '{ "maxFileSize": 4096 }');
    expect((await load(join(cwd, 'ci/strict.json'))).config.maxFileSize).toBe(4096);
  });

  it('rejects a missing explicit file, and code or unknown file types', async () => {
    expect(await loadError('missing.yml')).toBe('missing.yml: config file not found');
    write('sslguard.config.js', 'export default { rules: {} }');
    expect(await loadError('sslguard.config.js')).toMatch(/^sslguard\.config\.js: unsupported config file type `\.js`/);
  });

  it('names the file and position of broken JSON and YAML', async () => {
    write('.sslguard.json', '{\n  "rules": {\n    "cert-expiry": "off"\n  \n}\n');
    expect(await loadError()).toMatch(/^\.sslguard\.json:6:1: invalid JSON \(/);
    rmSync(join(cwd, '.sslguard.json'));
    write('.sslguard.yaml', 'rules:\n  cert-expiry: off\n  cert-expiry: error\n');
    expect(await loadError()).toMatch(/^\.sslguard\.yaml:3:3: invalid YAML \(Map keys must be unique/);
  });

  it('names the file in validation errors of a loaded file', async () => {
    write('.sslguard.yml', 'certExpiryDays: -1\n');
    expect(await loadError()).toBe('.sslguard.yml: certExpiryDays: must be a non-negative integer number of days, not number -1');
  });
});

describe('validateConfig', () => {
  it('fills defaults for an empty object and accepts $schema', () => {
    expect(validateConfig({}, 'x', RULES)).toEqual(DEFAULT_CONFIG);
    expect(validateConfig({ $schema: 'https://exemplar.io/sslguard.schema.json' }, 'x', RULES)).toEqual(DEFAULT_CONFIG);
  });

  it('does not share arrays with the defaults', () => {
    const a = validateConfig({}, 'x', RULES);
    a.localHosts.push('db');
    a.rules['cert-expiry'] = 'off';
    expect(DEFAULT_CONFIG.localHosts).toEqual([]);
    expect(DEFAULT_CONFIG.rules).toEqual({});
  });

  it('rejects a configuration that is not an object', () => {
    expect(validateError([])).toBe('.sslguard.json: (root): the configuration must be an object, not an array');
    expect(validateError('rules')).toBe('.sslguard.json: (root): the configuration must be an object, not the string "rules"');
  });

  it('rejects unknown top-level keys with a suggestion', () => {
    expect(validateError({ localhosts: [] })).toBe('.sslguard.json: localhosts: unknown key (did you mean localHosts?)');
    expect(validateError({ plugins: [] })).toBe('.sslguard.json: plugins: unknown key');
  });

  it('checks rules', () => {
    expect(validateError({ rules: { 'no-ssl-disable': 'off' } })).toBe(
      '.sslguard.json: rules.no-ssl-disable: unknown rule id (did you mean no-ssl-disabled?)',
    );
    expect(validateError({ rules: { 'totally-different': 'off' } })).toBe('.sslguard.json: rules.totally-different: unknown rule id');
    expect(validateError({ rules: { 'cert-expiry': 'warn' } })).toBe(
      '.sslguard.json: rules.cert-expiry: severity must be "off", "warning" or "error", not the string "warn" (did you mean warning?)',
    );
    expect(validateError({ rules: { 'cert-expiry': 2 } })).toMatch(/rules\.cert-expiry: severity must be .*not number 2$/);
    expect(validateError({ rules: ['cert-expiry'] })).toMatch(/^\.sslguard\.json: rules: must be an object/);
    expect(validateConfig({ rules: { 'cert-expiry': 'off', 'no-ssl-disabled': 'warning' } }, 'x', RULES).rules).toEqual({
      'cert-expiry': 'off',
      'no-ssl-disabled': 'warning',
    });
  });

  it('checks localHosts', () => {
    expect(validateConfig({ localHosts: ['postgres', '*.internal', '10.0.0.5'] }, 'x', RULES).localHosts).toEqual(['postgres', '*.internal', '10.0.0.5']);
    expect(validateError({ localHosts: 'db' })).toBe('.sslguard.json: localHosts: must be an array of strings, not the string "db"');
    expect(validateError({ localHosts: ['db', 5432] })).toBe('.sslguard.json: localHosts[1]: must be a string, not number 5432');
    expect(validateError({ localHosts: [''] })).toBe('.sslguard.json: localHosts[0]: must not be empty');
    expect(validateError({ localHosts: ['db*'] })).toBe(
      '.sslguard.json: localHosts[0]: must be a host name, an IP address or `*.suffix`, not "db*"',
    );
    expect(validateError({ localHosts: ['db host'] })).toMatch(/localHosts\[0\]: must be a host name/);
  });

  it('checks environments and keeps their order', () => {
    expect(validateConfig({ environments: { 'infra/live/**': 'production', '**/*.dev.env': 'development' } }, 'x', RULES).environments).toEqual([
      { pattern: 'infra/live/**', environment: 'production' },
      { pattern: '**/*.dev.env', environment: 'development' },
    ]);
    expect(validateError({ environments: { 'k8s/prod/**': 'prod' } })).toBe(
      '.sslguard.json: environments["k8s/prod/**"]: environment must be one of "production", "staging", "development", "unknown", not the string "prod"',
    );
    expect(validateError({ environments: { staging: 'stagin' } })).toMatch(/environments\.staging: .* \(did you mean staging\?\)$/);
    expect(validateError({ environments: { '': 'staging' } })).toBe('.sslguard.json: environments[""]: the glob must not be empty');
    expect(validateError({ environments: [['a', 'production']] })).toMatch(/^\.sslguard\.json: environments: must be an object/);
  });

  it('checks ignorePatterns', () => {
    expect(validateConfig({ ignorePatterns: ['vendor/**', 'test/fixtures/**'] }, 'x', RULES).ignorePatterns).toEqual(['vendor/**', 'test/fixtures/**']);
    expect(validateError({ ignorePatterns: 'vendor/**' })).toMatch(/^\.sslguard\.json: ignorePatterns: must be an array of strings/);
    expect(validateError({ ignorePatterns: [null] })).toBe('.sslguard.json: ignorePatterns[0]: must be a string, not null');
  });

  it('checks certExpiryDays', () => {
    expect(validateConfig({ certExpiryDays: 0 }, 'x', RULES).certExpiryDays).toBe(0);
    expect(validateConfig({ certExpiryDays: 60 }, 'x', RULES).certExpiryDays).toBe(60);
    expect(validateError({ certExpiryDays: 1.5 })).toBe('.sslguard.json: certExpiryDays: must be a non-negative integer number of days, not number 1.5');
    expect(validateError({ certExpiryDays: '30' })).toMatch(/certExpiryDays: .*not the string "30"$/);
  });

  it('checks maxFileSize', () => {
    expect(validateConfig({ maxFileSize: 1 }, 'x', RULES).maxFileSize).toBe(1);
    expect(validateError({ maxFileSize: 0 })).toBe('.sslguard.json: maxFileSize: must be a positive integer number of bytes, not number 0');
    expect(validateError({ maxFileSize: Infinity })).toMatch(/maxFileSize: must be a positive integer/);
  });
});

describe('mergeRuleOverrides', () => {
  const base = validateConfig({ rules: { 'cert-expiry': 'off', 'no-ssl-disabled': 'error' }, certExpiryDays: 7 }, 'x', RULES);

  it('applies flags in order on top of the config without changing it', () => {
    const merged = mergeRuleOverrides(base, ['cert-expiry=warning', 'require-verify-full = off', 'cert-expiry=error'], RULES);
    expect(merged).toEqual({ ...base, rules: { 'cert-expiry': 'error', 'no-ssl-disabled': 'error', 'require-verify-full': 'off' } });
    expect(base.rules).toEqual({ 'cert-expiry': 'off', 'no-ssl-disabled': 'error' });
  });

  it('rejects bad syntax, unknown ids and bad severities', () => {
    const error = (flag: string): string => {
      try {
        mergeRuleOverrides(base, [flag], RULES);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(error('cert-expiry')).toBe('--rule cert-expiry: expected <rule-id>=off|warning|error');
    expect(error('=off')).toBe('--rule =off: expected <rule-id>=off|warning|error');
    expect(error('no-ssl-disable=off')).toBe('--rule no-ssl-disable=off: unknown rule id (did you mean no-ssl-disabled?)');
    expect(error('cert-expiry=warn')).toBe('--rule cert-expiry=warn: severity must be "off", "warning" or "error", not the string "warn" (did you mean warning?)');
  });
});

describe('displayName', () => {
  it('names a config file relative inside the working directory (a directory named `..cache` included) and as given outside it', () => {
    const cwd = join(tmpdir(), 'project');
    expect(displayName(cwd, join(cwd, 'config', '.sslguard.json'))).toBe('config/.sslguard.json');
    expect(displayName(cwd, join(cwd, '..cache', '.sslguard.json'))).toBe('..cache/.sslguard.json');
    expect(displayName(cwd, join(tmpdir(), 'elsewhere', '.sslguard.json'))).toBe(join(tmpdir(), 'elsewhere', '.sslguard.json'));
  });
});
