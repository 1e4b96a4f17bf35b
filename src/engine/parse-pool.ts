// Parsing TS/JS off the main thread. Loading the TypeScript compiler costs about half a second,
// more than reading 20,000 files; in a worker that starts before the read loop, the load overlaps
// the reading instead of following it. Only source files that passed the prefilter are sent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/types.js';
import type { FileExtraction } from '../extract/index.js';
import type { SourceInput } from './lint.js';

export interface ParseRequest {
  id: number;
  file: string;
  scopePath?: string;
  bytes: ArrayBuffer;
  git?: SourceInput['git'];
  mode?: number;
}

export type ParseResponse = { id: number; result: FileExtraction } | { id: number; error: string };

interface Pending {
  resolve: (result: FileExtraction) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  /**
   * A pool of `size` workers, or undefined where none can run: from the TypeScript sources (under
   * the test runner there is no compiled worker script) or where a worker cannot be created.
   */
  static start(config: ResolvedConfig, size = 1): ParsePool | undefined {
    const script = new URL('./parse-worker.js', import.meta.url);
    if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return undefined;
    try {
      return new ParsePool(script, config, size);
    } catch {
      return undefined;
    }
  }

  private constructor(script: URL, config: ResolvedConfig, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { config } });
      worker.on('message', (response: ParseResponse) => this.settle(response));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0 || this.pending.size > 0) this.fail(new Error(`parse worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  /** Extraction of one file in a worker. `bytes` is copied, so the caller may reuse its buffer. */
  extract(source: { file: string; scopePath?: string; bytes: Uint8Array; git?: SourceInput['git']; mode?: number }): Promise<FileExtraction> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const copy = new Uint8Array(source.bytes);
    const request: ParseRequest = { id, file: source.file, ...(source.scopePath !== undefined ? { scopePath: source.scopePath } : {}), bytes: copy.buffer, ...(source.git ? { git: source.git } : {}), ...(source.mode !== undefined ? { mode: source.mode } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[id % this.workers.length]!.postMessage(request, [copy.buffer]);
    });
  }

  private settle(response: ParseResponse): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if ('result' in response) pending.resolve(response.result);
    else pending.reject(new Error(response.error));
  }

  /** A worker that died takes its requests with it: every pending one is rejected (the caller redoes them). */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('parse pool closed');
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
