import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/text/glob.js';

/** What picomatch (the matcher before) says, with the same rule for patterns without a slash. */
function picomatchSays(pattern: string, path: string): boolean {
  const p = pattern.includes('/') ? pattern.replace(/^\.?\//, '') : `**/${pattern}`;
  return picomatch.makeRe(p, { dot: true }).test(path);
}

describe('globMatcher', () => {
  it('matches the config globs of the README and the tests', () => {
    expect(globMatcher('infra/live/**')('infra/live/eu/app.yaml')).toBe(true);
    expect(globMatcher('infra/live/**')('infra/lives/app.yaml')).toBe(false);
    expect(globMatcher('**/*.dev.env')('apps/api/.env.dev.env')).toBe(true);
    expect(globMatcher('*.dev.env')('apps/api/x.dev.env')).toBe(true);
    expect(globMatcher('apps/*/k8s/prod/**')('apps/api/k8s/prod/deploy.yaml')).toBe(true);
    expect(globMatcher('apps/*/k8s/prod/**')('apps/api/web/k8s/prod/deploy.yaml')).toBe(false);
    expect(globMatcher('deploy/{eu,us}/*.yaml')('deploy/us/values.yaml')).toBe(true);
    expect(globMatcher('deploy/[!e]*/*.yaml')('deploy/eu/values.yaml')).toBe(false);
    expect(globMatcher('./k8s/prod?/**')('k8s/prod1/a.yaml')).toBe(true);
  });

  // `[!a]` is left out: picomatch reads it as the class of `!` and `a`; here it is the negation, as
  // in .gitignore and the shell.
  it('agrees with picomatch on generated patterns and paths', () => {
    const seg = fc.constantFrom('a', 'b', 'ab', '.a', '*', '**', '?', 'a*', '*b', '[ab]', '[^a]', '{a,b}', 'a?b');
    const pattern = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const path = fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', '.a', 'aab', 'c'), { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(pattern, path, (p, t) => {
        // picomatch lets a trailing `/**` match nothing after a literal segment (`a/**` matches `a`)
        // but not after a wildcard one (`a/*/**` does not match `a/b`); here it always may.
        fc.pre(!/(?:^|\/)[^/]*[*?[][^/]*\/\*\*$/.test(p));
        expect(globMatcher(p)(t)).toBe(picomatchSays(p, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers hostile globs over long names at once (picomatch backtracked for minutes)', () => {
    // picomatch: 7 stars against 60 characters took 15 s; each star more multiplies it by the length.
    const stars = `${'*a'.repeat(12)}*b`;
    const name = 'a'.repeat(5000);
    expect(globMatcher(stars)(name)).toBe(false);
    expect(globMatcher(`${'**/a/'.repeat(12)}b`)(Array.from({ length: 2000 }, () => 'a').join('/'))).toBe(false);
  });
});
