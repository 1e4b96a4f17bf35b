import picomatch from 'picomatch';

const cache = new Map<string, RegExp>();

/** Glob → RegExp with gitignore-like semantics for patterns without a slash (they match at any depth). */
export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const p = pattern.includes('/') ? pattern.replace(/^\.?\//, '') : `**/${pattern}`;
    re = picomatch.makeRe(p, { dot: true });
    cache.set(pattern, re);
  }
  return re;
}
