import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script, no type declarations
import { readmeTags, releaseProblems } from '../../scripts/release-check.mjs';

// scripts/release-check.mjs runs before `npm publish` (prepublishOnly). Its rules, on made-up
// inputs, then on this checkout: the README's snippets name the tag of package.json's version.

const root = join(import.meta.dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

const released = '# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-12-01\n\n### Added\n\n- x\n';
const snippet = 'uses: sslguard/sslguard@v1.2.0\n    rev: v1.2.0\nnpm install --save-dev github:sslguard/sslguard#v1.2.0\n';

describe('release check', () => {
  it('passes a tagged, changelogged, clean release whose snippets name its tag', () => {
    expect(releaseProblems({ version: '1.2.0', changelog: released, readme: snippet, headTags: ['v1.2.0'], dirty: false })).toEqual([]);
  });

  it('refuses a missing tag, a missing or unreleased changelog section, stale snippets and a dirty tree', () => {
    const problems: string[] = releaseProblems({
      version: '1.3.0',
      changelog: '## [Unreleased]\n\n### Fixed\n\n- y\n\n## [1.2.0] - 2026-12-01\n',
      readme: snippet,
      headTags: ['v1.2.0'],
      dirty: true,
    });
    expect(problems).toEqual([
      'CHANGELOG.md has no "## [1.3.0] - YYYY-MM-DD" section: move the Unreleased notes under it',
      'CHANGELOG.md still has notes under [Unreleased]',
      'the tag v1.3.0 does not point at HEAD: `git tag v1.3.0` on the commit being published, and push it',
      'README.md names v1.2.0; package.json is 1.3.0',
      'the work tree has uncommitted changes',
    ]);
  });

  it("this README's snippets name the tag of package.json's version", () => {
    const tags: string[] = readmeTags(readme);
    // The action workflow (uses:), and the hooks' pre-commit and git-dependency snippets.
    expect(tags.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tags)).toEqual(new Set([`v${version}`]));
  });

  it('runs as prepublishOnly and says what is missing', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepublishOnly).toBe('node scripts/release-check.mjs');
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'release-check.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, SSLGUARD_RELEASE_CHECK_NO_BUILD: '1' } });
    // Until the release is tagged on this commit, the check refuses, naming the tag.
    const tagged = spawnSync('git', ['tag', '--points-at', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').includes(`v${version}`);
    if (tagged) expect(r.stderr).not.toContain('does not point at HEAD');
    else {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`sslguard ${version} is not ready to publish:\n`);
      expect(r.stderr).toContain(`the tag v${version} does not point at HEAD`);
    }
  }, 120_000);
});
