// "files done / total" on stderr for long scans at a terminal. Silent for the first second (most
// scans end before it), throttled, overwritten in place with `\r`, and erased at the end so the
// report starts on a clean line. Never in CI or when stderr is not a terminal: logs would fill
// with carriage returns.

export interface ProgressOptions {
  write: (s: string) => void;
  enabled: boolean;
  /** Show nothing until the scan has run this long. */
  delayMs?: number;
  /** At most one redraw per interval. */
  intervalMs?: number;
  clock?: () => number;
}

export interface Progress {
  update(done: number, total: number): void;
  /** Erases the line if anything was drawn; safe to call more than once. */
  end(): void;
}

/** `CI` set to anything but an empty string, `false` or `0` (the convention of CI services and ci-info). */
export function isCI(env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export function progressWanted(stderrIsTTY: boolean, env: Record<string, string | undefined>): boolean {
  return stderrIsTTY && !isCI(env);
}

const CLEAR_LINE = '\r\u001b[K';

export function createProgress(options: ProgressOptions): Progress {
  const clock = options.clock ?? (() => performance.now());
  const delay = options.delayMs ?? 1000;
  const interval = options.intervalMs ?? 100;
  const started = clock();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      if (!options.enabled) return;
      const now = clock();
      if (now - started < delay || now - lastDraw < interval) return;
      lastDraw = now;
      drawn = true;
      options.write(`${CLEAR_LINE}sslguard: ${done}/${total} files`);
    },
    end() {
      if (!drawn) return;
      drawn = false;
      options.write(CLEAR_LINE);
    },
  };
}
