import { describe, expect, it } from 'vitest';
import { fileFact } from '../../src/discovery/file-facts.js';
import { classifyPath } from '../../src/discovery/kinds.js';
import type { DiscoveredFile } from '../../src/discovery/walk.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';

const WHOLE_FILE = { start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };

function discovered(rel: string, git: DiscoveredFile['git'], mode = 0o100644): DiscoveredFile {
  return { abs: `/repo/${rel}`, rel, kinds: classifyPath(rel), explicit: false, git, size: 120, mode };
}

describe('fileFact', () => {
  it('builds the fact of a committed production env file', () => {
    expect(fileFact(discovered('.env.production', { inGit: true, tracked: true, ignored: false }))).toEqual({
      kind: 'file',
      file: '.env.production',
      format: 'env',
      span: WHOLE_FILE,
      environment: { name: 'production', reason: 'file name `.env.production`' },
      fileKind: 'env',
      tracked: true,
      ignored: false,
      inGit: true,
      mode: 0o644,
    });
  });

  it('marks env templates, and keeps tracked/ignored absent outside git', () => {
    const fact = fileFact(discovered('deploy/staging/.env.example', { inGit: false, ignored: false }));
    expect(fact).toMatchObject({ fileKind: 'env-template', format: 'env', inGit: false, ignored: false, environment: { name: 'staging', reason: 'directory `deploy/staging`' } });
    expect(fact).not.toHaveProperty('tracked');
  });

  it('decides certificate or private key from the PEM head, with permission bits only', () => {
    const key = fileFact(discovered('certs/client.pem', { inGit: true, tracked: false, ignored: true }, 0o100600), '-----BEGIN PRIVATE KEY-----\nMIGH\n');
    expect(key).toMatchObject({ fileKind: 'private-key', format: 'certificate', mode: 0o600, tracked: false, ignored: true, span: WHOLE_FILE });
    const cert = fileFact(discovered('certs/rds-ca-2019-root.pem', { inGit: true, tracked: true, ignored: false }, 0o104755), '-----BEGIN CERTIFICATE-----\nMIIE\n');
    expect(cert).toMatchObject({ fileKind: 'certificate', format: 'certificate', mode: 0o4755 });
    expect(fileFact(discovered('certs/client.p12', { inGit: false }))).toMatchObject({ fileKind: 'private-key', format: 'certificate' });
  });

  it('uses config environment globs', () => {
    const config = { ...DEFAULT_CONFIG, environments: [{ pattern: 'infra/**', environment: 'production' as const }] };
    expect(fileFact(discovered('infra/db/server.key', { inGit: false }), undefined, config)?.environment).toEqual({
      name: 'production',
      reason: 'config maps `infra/**` to production',
    });
  });

  it('is undefined for files whose presence alone does not matter', () => {
    for (const rel of ['docker-compose.yml', 'src/db.ts', '.mcp.json', 'package.json', 'k8s/deployment.yaml']) {
      expect(fileFact(discovered(rel, { inGit: true, tracked: true, ignored: false }))).toBeUndefined();
    }
  });
});
