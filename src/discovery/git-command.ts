// Every git process sslguard starts goes through here: discovery, --staged, the ESLint plugin's
// git state and, through them, the Action. The scanned repository is untrusted, and so is its
// `.git/config` (and any file it pulls in with `include.path`): nothing it names may run, and no
// git process may reach a remote. Command-line configuration (`-c`) and the environment win over
// every configuration file, so the settings below cannot be undone by the repository.
//
// - No remote, ever: `GIT_ALLOW_PROTOCOL=none` allows no transport at all, which also keeps git
//   from starting `core.sshCommand`, `core.gitProxy`, a `remote.*.uploadpack` command or a
//   promisor remote's fetch (a partial clone's lazy fetch of a missing blob, which `cat-file` and
//   `grep` would otherwise start). The repository's own `protocol.file.allow=always` cannot
//   defeat it, unlike `-c protocol.allow=never`. `GIT_NO_LAZY_FETCH=1` (git 2.44 and later) turns
//   lazy fetching off outright; older gits ignore it and rely on the protocol list.
// - No fsmonitor (`core.fsmonitor` names a program git starts to list changed files).
// - No hooks (`core.hooksPath` to a directory that cannot exist), and no optional index writes
//   (`GIT_OPTIONAL_LOCKS=0`), so no `post-index-change` hook has a reason to run.
// - No pager (`--no-pager`; git pages only on a terminal, and these run on pipes anyway).
// - No textconv, external diff or filters: `grep` and `diff` are called with `--no-textconv` (and
//   `--no-ext-diff`), and `cat-file` without `--textconv`/`--filters`, which never runs a clean or
//   smudge filter; no command used here checks files out or hashes work-tree files.
// - No repository found by walking into a directory that merely looks like one:
//   `safe.bareRepository=explicit` (honoured only from protected configuration, such as `-c`)
//   refuses a bare repository committed inside the scanned tree, whose `config` file is the
//   repository's to write.
//
// The user's own global and system configuration are kept: they are the user's, not the
// repository's, and they hold what a scan needs (`safe.directory` for a checkout another user
// owns, as in CI containers; `core.excludesFile`, part of what git ignores). So no
// `GIT_CONFIG_GLOBAL=/dev/null` or `GIT_CONFIG_NOSYSTEM`.
import { spawn, spawnSync } from 'node:child_process';

/** Options before the subcommand: they apply to every git run. */
export const GIT_HARDENING_OPTIONS: readonly string[] = [
  '--no-pager',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null/sslguard-no-hooks',
  '-c',
  'safe.bareRepository=explicit',
  '-c',
  'protocol.allow=never',
];

/** Environment for every git run: no transport, no lazy fetch, no prompt, no optional lock, untranslated messages. */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Untranslated messages, so the warnings callers parse read the same everywhere.
    LC_ALL: 'C',
    LANGUAGE: 'C',
    GIT_ALLOW_PROTOCOL: 'none',
    GIT_NO_LAZY_FETCH: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    ...extra,
  };
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  /** Exit code; undefined when git could not be started or did not exit by itself (killed, output too large). */
  code: number | undefined;
  /** Set when the `git` executable was not found. */
  missing?: boolean;
}

export interface GitRunOptions {
  /** Written to git's standard input (then closed). */
  input?: string;
  /** Added to the hardened environment. */
  env?: Record<string, string>;
  /** Stop git and fail when its output grows beyond this many bytes. */
  maxBuffer?: number;
}

/** Runs `git <hardening> ...args` in `cwd` and collects its output. Never rejects. */
export function runGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', [...GIT_HARDENING_OPTIONS, ...args], { cwd, env: gitEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let overflow = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (options.maxBuffer !== undefined && size > options.maxBuffer) {
        if (!overflow) child.kill();
        overflow = true;
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ stdout: Buffer.alloc(0), stderr: error.message, code: undefined, ...(error.code === 'ENOENT' ? { missing: true } : {}) }),
    );
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      if (overflow) return resolve({ stdout, stderr: `git output above ${options.maxBuffer} bytes`, code: undefined });
      if (code === null) return resolve({ stdout, stderr: stderr || `git was stopped by ${signal}`, code: undefined });
      resolve({ stdout, stderr, code });
    });
    // git may exit before reading all input (a fatal error); its exit status reports that.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** `runGit` for callers that cannot wait (ESLint rules): the exit code, or undefined when git did not run or finish. */
export function runGitStatusSync(cwd: string, args: readonly string[], timeoutMs: number): number | undefined {
  const run = spawnSync('git', [...GIT_HARDENING_OPTIONS, ...args], { cwd, env: gitEnvironment(), stdio: 'ignore', timeout: timeoutMs });
  return run.error ? undefined : (run.status ?? undefined);
}
