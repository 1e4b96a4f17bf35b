// Tests, fixtures, mocks, examples' test suites and seed scripts are the test environment: their
// strings are data unless they reach a database client, and a file there is never staging because
// its name says `test`. This decides it from the path alone, so every layer agrees.

/** Directory names that hold tests, fixtures and mocks. */
const TEST_DIRECTORIES = new Set([
  'test', 'tests', '__tests__', 'spec', 'specs', '__specs__', 'e2e', 'e2e-tests', 'integration-tests', 'integration_tests',
  'fixtures', '__fixtures__', 'fixture', 'mocks', '__mocks__', 'mock', 'testdata', 'test-data', 'test_data',
  'test-utils', 'test_utils', 'testutils', 'testutil', 'test-helpers', 'testing', 'cypress', 'playwright', 'seeds', 'seeders',
  // Examples, samples and docs show a shape to copy; they run against whatever the reader points them at.
  'example', 'examples', 'sample', 'samples', 'demo', 'demos', 'docs', 'doc', 'documentation',
]);

/** Packages of test helpers: `medusa-test-utils`, `testcontainers`, `test-helpers`. */
const TEST_PACKAGE = /(?:^|[-_.])(?:test|tests|testing)[-_](?:utils?|helpers?|kit|support|setup|harness)$|^testcontainers$/;

/** File names of tests and test set-up: `x.test.ts`, `x.spec.js`, `x_test.py`, `jest.setup.js`, `setupTests.ts`, `seed.ts`. */
const TEST_FILE = /(?:[.\-_](?:test|spec|e2e|e2e-spec|int-spec|test-d)\.[^.]+$)|(?:^(?:test_[^/]*|conftest)\.py$)|(?:^(?:jest|vitest|playwright|cypress|karma|ava|mocha)[.\-](?:setup|config|global-setup|teardown)[^/]*$)|(?:^setup-?tests\.[^.]+$)|(?:^(?:test|tests|verify|smoke|e2e)[-_][^/]*\.[cm]?[jt]sx?$)|(?:^(?:seed|seeds|seeder)(?:[.\-_][^/]*)?\.[^.]+$)/i;

/** A file name of a test or test set-up. */
export function testFileReason(base: string): boolean {
  return TEST_FILE.test(base);
}

/** A directory name of tests, fixtures, mocks, examples or docs. */
export function isTestDirectory(name: string): boolean {
  const dir = name.toLowerCase();
  return TEST_DIRECTORIES.has(dir) || TEST_PACKAGE.test(dir);
}

/** Why `file` (a POSIX path inside the scanned directory) is test code, or undefined when it is not. */
export function testPathReason(file: string): string | undefined {
  const parts = file.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (testFileReason(base)) return `test file \`${base}\``;
  for (let i = parts.length - 2; i >= 0; i--) {
    if (isTestDirectory(parts[i]!)) return `test directory \`${parts.slice(0, i + 1).join('/')}\``;
  }
  return undefined;
}

export function isTestPath(file: string): boolean {
  return testPathReason(file) !== undefined;
}
