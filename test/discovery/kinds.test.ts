import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyPath, fileKindOf, needsGitState, pathNeedsGitState, type PathKind } from '../../src/discovery/kinds.js';

describe('classifyPath', () => {
  const table: Array<[string, PathKind[]]> = [
    // env files
    ['.env', ['env']],
    ['.env.local', ['env']],
    ['.env.production', ['env']],
    ['apps/web/.env.production.local', ['env']],
    ['config/database.env', ['env']],
    ['.envrc', ['env']],
    ['.env.vault', ['env']],
    // env templates are still read as env
    ['.env.example', ['env-template', 'env']],
    ['.env.local.example', ['env-template', 'env']],
    ['.env.sample', ['env-template', 'env']],
    ['.env.template', ['env-template', 'env']],
    ['.env.dist', ['env-template', 'env']],
    ['.env.defaults', ['env-template', 'env']],
    ['.env.default', ['env-template', 'env']],
    ['example.env', ['env-template', 'env']],
    ['deploy/sample.env', ['env-template', 'env']],
    // not env files
    ['env', []],
    ['environment.ts', ['source']],
    ['.env.json', ['json']],
    ['.env.d.ts', []],
    ['.envrc.bak', []],
    ['README.md', []],
    // compose (also yaml) and yaml
    ['docker-compose.yml', ['compose', 'yaml']],
    ['docker-compose.prod.yaml', ['compose', 'yaml']],
    ['docker-compose-dev.yml', ['compose', 'yaml']],
    ['deploy/compose.yaml', ['compose', 'yaml']],
    ['compose.override.yml', ['compose', 'yaml']],
    ['composer.yml', ['yaml']],
    ['k8s/production/deployment.yaml', ['yaml']],
    ['.github/workflows/ci.yml', ['workflow', 'yaml']],
    ['backend.env.example', ['env-template', 'env']],
    ['docker-compose.yml.orig', []],
    // json, jsonc, mcp (also json), package.json
    ['tsconfig.json', ['json']],
    ['.vscode/settings.jsonc', ['json']],
    ['.mcp.json', ['mcp', 'json']],
    ['.cursor/mcp.json', ['mcp', 'json']],
    ['apps/web/.vscode/mcp.json', ['mcp', 'json']],
    ['mcp.json', ['json']],
    ['claude_desktop_config.json', ['mcp', 'json']],
    ['cline_mcp_settings.json', ['mcp', 'json']],
    ['mcp_config.json', ['mcp', 'json']],
    ['.gemini/settings.json', ['mcp', 'json']],
    ['.vscode/settings.json', ['json']],
    ['package.json', ['package-json', 'manifest', 'json']],
    ['packages/api/package.json', ['package-json', 'manifest', 'json']],
    ['package-lock.json', ['manifest']],
    ['apps/web/pnpm-lock.yaml', ['manifest']],
    ['yarn.lock', ['manifest']],
    ['mcp/uv.lock', ['manifest']],
    ['poetry.lock', ['manifest']],
    ['pyproject.toml', ['manifest']],
    ['requirements-dev.txt', ['manifest']],
    // source
    ['src/db.ts', ['source']],
    ['src/App.tsx', ['source']],
    ['scripts/migrate.mts', ['source']],
    ['scripts/seed.cts', ['source']],
    ['server.js', ['source']],
    ['ui/Form.jsx', ['source']],
    ['knexfile.mjs', ['source']],
    ['drizzle.config.cjs', ['source']],
    ['types/pg.d.ts', []],
    ['types/env.d.mts', []],
    ['public/vendor.min.js', []],
    ['lib/bundle.min.mjs', []],
    // certificates and keys
    ['certs/ca.crt', ['certificate']],
    ['certs/rds-combined-ca-bundle.pem', ['certificate']],
    ['certs/server.cer', ['certificate']],
    ['certs/root.der', ['certificate']],
    ['certs/CLIENT.PEM', ['certificate']],
    ['certs/client.key', ['private-key']],
    ['certs/client.p12', ['certificate', 'private-key']],
    ['certs/client.pfx', ['certificate', 'private-key']],
    ['certs/client.csr', []],
    ['', []],
  ];
  it.each(table)('%s → %j', (rel, kinds) => {
    expect(classifyPath(rel)).toEqual(kinds);
  });
});

const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUJ0Yx
-----END CERTIFICATE-----
`;
const KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEG
-----END PRIVATE KEY-----
`;

describe('fileKindOf', () => {
  const table: Array<[string, string | undefined, ReturnType<typeof fileKindOf>]> = [
    ['.env', undefined, 'env'],
    ['.env.production', 'DATABASE_URL=postgres://db.internal/app\n', 'env'],
    ['.env.example', undefined, 'env-template'],
    ['example.env', undefined, 'env-template'],
    // a PEM key inside an env value does not make the env file a key file
    ['.env', `TLS_KEY="${KEY_PEM}"`, 'env'],
    ['certs/ca.pem', CERT_PEM, 'certificate'],
    ['certs/ca.pem', CERT_PEM + CERT_PEM, 'certificate'],
    ['certs/client.pem', CERT_PEM + KEY_PEM, 'private-key'],
    ['certs/client.pem', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n', 'private-key'],
    ['certs/client.pem', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQ\n-----END EC PRIVATE KEY-----\n', 'private-key'],
    ['certs/client.pem', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHD\n-----END ENCRYPTED PRIVATE KEY-----\n', 'private-key'],
    ['certs/server.crt', KEY_PEM, 'private-key'],
    ['certs/bundle.pem', undefined, 'certificate'],
    ['certs/root.der', '0\u0082\u0003', 'certificate'],
    ['certs/client.key', undefined, 'private-key'],
    ['certs/client.key', KEY_PEM, 'private-key'],
    // content decides over the extension in both directions
    ['certs/mislabelled.key', CERT_PEM, 'certificate'],
    ['certs/client.p12', undefined, 'private-key'],
    ['certs/client.pfx', '0\u0082\u0009', 'private-key'],
    ['docker-compose.yml', undefined, undefined],
    ['src/db.ts', KEY_PEM, undefined],
    ['package.json', undefined, undefined],
    ['README.md', KEY_PEM, undefined],
  ];
  it.each(table)('%s (%#) → %s', (rel, head, kind) => {
    expect(fileKindOf(rel, head)).toBe(kind);
  });
});

describe('pathNeedsGitState', () => {
  it('answers as needsGitState(classifyPath(rel)) for names built from the parts that decide it', () => {
    const part = fc.constantFrom('.env', 'env', '.envrc', '.local', '.example', '.sample', '.template', '.pem', '.PEM', '.crt', '.key', '.p12', '.pfx', '.der', '.cer', '.ts', '.json', '.yml', '.bak', 'prod', 'db', 'certs/', 'config/', '.env/', 'a.pem/', '/', '.');
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const rel = parts.join('');
        expect(pathNeedsGitState(rel)).toBe(needsGitState(classifyPath(rel)));
      }),
      { numRuns: 3000 },
    );
  });

  it('turns away source, compose and JSON paths, and keeps env files, templates, certificates and keys', () => {
    expect(['src/db.ts', 'docker-compose.yml', 'package.json', 'envs/db.ts', 'docs/.env.md'].map(pathNeedsGitState)).toEqual([false, false, false, false, false]);
    expect(['.env', 'apps/api/.env.production', '.env.example', 'prod.env', '.envrc', 'certs/ca.pem', 'tls/server.key', 'bundle.p12'].map(pathNeedsGitState)).toEqual([true, true, true, true, true, true, true, true]);
  });
});
