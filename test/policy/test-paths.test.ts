import { describe, expect, it } from 'vitest';
import { isTestPath, testPathReason } from '../../src/policy/test-paths.js';

describe('test code', () => {
  it('is told by directory and file name', () => {
    for (const file of [
      'src/url.test.ts', 'src/url.spec.js', 'test/db.ts', 'packages/a/__tests__/x.ts', 'e2e/login.ts', 'fixtures/app/.env',
      'src/__mocks__/pg.ts', 'packages/medusa-test-utils/src/database.ts', 'jest.setup.js', 'vitest.setup.ts', 'src/setupTests.ts',
      'prisma/seed.ts', 'db/seeds/users.ts', 'examples/cnpg/secret.yaml', 'docs/compose.yml', 'scripts/verify-cli.mjs',
      'test-exact-supabase.js', 'api/conftest.py', 'api/test_db.py', 'integration-tests/db.ts', 'testcontainers/pg.ts',
    ]) expect(isTestPath(file), file).toBe(true);
  });

  it('is not a build config, a source file or a directory that only contains the word', () => {
    for (const file of ['vite.config.ts', 'src/db.ts', 'src/testimonials/db.ts', 'src/latest.ts', 'contest/app.ts', 'src/attestation.ts', 'config/database.js', 'charts/app/values.yaml']) {
      expect(isTestPath(file), file).toBe(false);
    }
  });

  it('says why', () => {
    expect(testPathReason('packages/db/test/pool.ts')).toBe('test directory `packages/db/test`');
    expect(testPathReason('src/url.test.ts')).toBe('test file `url.test.ts`');
  });
});
