// Git's view of one file, asked synchronously (ESLint rules cannot wait). Only env files need it:
// a password in a `.env` that git ignores stays on the machine, which is what the CLI decides from
// its own `git ls-files`. Two git processes per such file and lint run; source files never ask.
import { basename, dirname } from 'node:path';
import { runGitStatusSync } from '../discovery/git-command.js';

export interface FileGitState {
  inGit: boolean;
  tracked?: boolean;
  ignored?: boolean;
}

function git(cwd: string, args: string[]): number | undefined {
  // Hardened like every git run (see discovery/git-command.ts).
  return runGitStatusSync(cwd, args, 10_000);
}

/** Tracked (in the index) and ignored (matched by .gitignore, tracked or not), or outside any work tree. */
export function gitStateOf(absoluteFile: string): FileGitState {
  const cwd = dirname(absoluteFile);
  const name = basename(absoluteFile);
  const ignored = git(cwd, ['check-ignore', '-q', '--no-index', '--', name]);
  // 128: not a work tree (or git failed); undefined: git is not installed.
  if (ignored === undefined || ignored > 1) return { inGit: false };
  const tracked = git(cwd, ['ls-files', '--error-unmatch', '--', name]);
  return { inGit: true, tracked: tracked === 0, ignored: ignored === 0 };
}
