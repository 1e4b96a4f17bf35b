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
