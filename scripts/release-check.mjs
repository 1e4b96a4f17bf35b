#!/usr/bin/env node
// `prepublishOnly`: refuses to publish a version whose tag, changelog, README snippets or action
// bundle do not match it. What users copy names a tag (`uses: sslguard/sslguard@v0.1.0`,
// `rev: v0.1.0`, `#v0.1.0`) and rule help links point at `blob/v<version>/docs/rules.md`: the tag
// must exist, on the commit being published.
//
//   node scripts/release-check.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The tags README snippets name: `owner/repo@vX`, `rev: vX`, `…#vX`. */
export function readmeTags(readme) {
  return [...readme.matchAll(/(?:sslguard\/sslguard@|\brev:\s*|sslguard\/sslguard#)(v\d+\.\d+\.\d+[^\s`'")]*)/g)].map((m) => m[1]);
}

/** What is wrong with releasing `version` (empty: nothing). Pure, for the tests. */
export function releaseProblems({ version, changelog, readme, headTags, dirty }) {
  const problems = [];
  const tag = `v${version}`;
  const section = new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm');
  if (!section.test(changelog)) problems.push(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section: move the Unreleased notes under it`);
  if (/^## \[Unreleased\]\s*\n+###/m.test(changelog)) problems.push('CHANGELOG.md still has notes under [Unreleased]');
  if (!headTags.includes(tag)) problems.push(`the tag ${tag} does not point at HEAD: \`git tag ${tag}\` on the commit being published, and push it`);
  for (const named of new Set(readmeTags(readme))) if (named !== tag) problems.push(`README.md names ${named}; package.json is ${version}`);
  if (dirty) problems.push('the work tree has uncommitted changes');
  return problems;
}

function git(args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Whether action/ is what the sources build (the same check test/action/bundle.test.ts makes). */
function actionProblems() {
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.json')], { encoding: 'utf8' });
  if (tsc.status !== 0) return [`tsc failed: ${tsc.stdout}${tsc.stderr}`];
  const out = mkdtempSync(path.join(tmpdir(), 'sslguard-release-action-'));
  try {
    const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--action', '--outdir', path.join(out, 'action')], { encoding: 'utf8' });
    if (built.status !== 0) return [`building the action failed: ${built.stderr}`];
    const committed = path.join(root, 'action');
    const fresh = path.join(out, 'action');
    const a = listFiles(committed);
    const b = listFiles(fresh);
    const stale = a.join('\n') !== b.join('\n') || b.some((f) => !readFileSync(path.join(committed, f)).equals(readFileSync(path.join(fresh, f))));
    return stale ? ['action/ is not what the sources build: `npm run build:action` and commit it'] : [];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const problems = [
    ...releaseProblems({
      version,
      changelog: readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
      readme: readFileSync(path.join(root, 'README.md'), 'utf8'),
      headTags: git(['tag', '--points-at', 'HEAD']).split('\n').filter(Boolean),
      dirty: git(['status', '--porcelain']).trim() !== '',
    }),
    // The tests set this: they must not rebuild dist/src under the other tests' feet.
    ...(process.env.SSLGUARD_RELEASE_CHECK_NO_BUILD === '1' ? [] : actionProblems()),
  ];
  if (problems.length) {
    process.stderr.write(`sslguard ${version} is not ready to publish:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}
