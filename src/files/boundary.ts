// Where a path the user names may lead. A path written inside the working directory or its
// repository (`sslguard linked-dir/.env`, `--config .sslguard.yaml`, `-o report.sarif`) names
// something of the repository, and the repository is untrusted: a symbolic link in it must not
// turn the path into one outside (`linked-dir` → `/home/me/.ssh`). Such a path must resolve inside
// the working directory or the repository, or it is refused. A path written outside both
// (`../other/.env`, `/etc/sslguard.yaml`) is the user's own choice and is taken as it resolves.
import fs from 'node:fs';
import path from 'node:path';

export interface Boundary {
  /** The working directory and its repository's top level, as written (lexically) and resolved. */
  readonly lexical: readonly string[];
  readonly real: readonly string[];
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}

/** The nearest directory at or above `dir` (not resolving links) that holds a `.git` entry. */
function repositoryAbove(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      fs.lstatSync(path.join(current, '.git'));
      return current;
    } catch {
      // none here: keep climbing
    }
    if (path.dirname(current) === current) return undefined;
  }
}

/** The working directory `cwd` and the repository it lies in (found on disk, as git finds it). */
export function workingBoundary(cwd: string): Boundary {
  const lexicalCwd = path.resolve(cwd);
  const realCwd = realpathOrSelf(lexicalCwd);
  const lexical = [lexicalCwd, realCwd];
  const real = [realCwd];
  for (const start of [lexicalCwd, realCwd]) {
    const repository = repositoryAbove(start);
    if (repository === undefined) continue;
    lexical.push(repository);
    const resolved = realpathOrSelf(repository);
    lexical.push(resolved);
    real.push(resolved);
  }
  return { lexical: [...new Set(lexical)], real: [...new Set(real)] };
}

/** Written inside the working directory or its repository. */
export function namedInside(boundary: Boundary, abs: string): boolean {
  return boundary.lexical.some((dir) => isInside(abs, dir));
}

/** Resolves inside the working directory or its repository. */
export function resolvesInside(boundary: Boundary, real: string): boolean {
  return boundary.real.some((dir) => isInside(real, dir));
}

/**
 * The resolved path of `abs` when it was written inside the boundary but a symbolic link leads it
 * out; undefined when it may be used. `abs` need not exist: its deepest existing ancestor is
 * resolved (what a write would create goes there).
 */
export function leavesBoundary(boundary: Boundary, abs: string): string | undefined {
  if (!namedInside(boundary, abs)) return undefined;
  let existing = abs;
  let rest = '';
  for (;;) {
    try {
      const real = fs.realpathSync.native(existing);
      const resolved = rest === '' ? real : path.join(real, rest);
      return resolvesInside(boundary, resolved) ? undefined : resolved;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A link loop or an unreadable directory: git and the reader report what they find.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    const parent = path.dirname(existing);
    if (parent === existing) return undefined;
    rest = rest === '' ? path.basename(existing) : path.join(path.basename(existing), rest);
    existing = parent;
  }
}
