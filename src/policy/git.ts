// What git would do with a file. Shared by the rules about committed secrets.

import type { FileFact } from '../model.js';
import type { FactSet } from '../engine/rule.js';

/**
 * Git would commit the file: it is tracked, or it is not matched by .gitignore (so `git add .`
 * picks it up, inside a work tree or once the directory becomes one).
 */
export function wouldCommit(f: FileFact): boolean {
  return f.tracked === true || f.ignored === false;
}

/** Tracked although .gitignore matches it: ignoring does not untrack, only `git rm --cached` does. */
export function isTrackedButIgnored(f: FileFact): boolean {
  return f.tracked === true && f.ignored === true;
}

/** A file git would never commit (ignored and not tracked): secrets in it stay on this machine. */
export function isKeptOutOfGit(facts: FactSet, file: string): boolean {
  return facts.ofKind('file').some((f) => f.file === file && f.ignored === true && f.tracked !== true);
}

/**
 * The fix commands for a file, in the repository's own terms: `git rm --cached certs/dev.key` from
 * its root, or `git -C keyrepo rm --cached certs/dev.key` when the scan ran elsewhere; the
 * `.gitignore` entry is the path inside the repository, the file the root's `.gitignore`.
 */
export function gitFix(f: FileFact): { rm: string; entry: string; gitignore: string } {
  const repo = f.repository;
  if (!repo) return { rm: `git rm --cached ${f.file}`, entry: f.file, gitignore: '.gitignore' };
  const here = repo.root === '.' || repo.root === '';
  return {
    rm: here ? `git rm --cached ${repo.path}` : `git -C ${repo.root} rm --cached ${repo.path}`,
    entry: repo.path,
    gitignore: here ? '.gitignore' : `${repo.root}/.gitignore`,
  };
}
