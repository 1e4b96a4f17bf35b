// Worker-thread side of the parse pool: runs `extractFile` (isolated) for the source files the main thread
// hands over. It loads the TypeScript parser as soon as it starts, so that the half second the
// compiler takes to load passes while the main thread is still reading files.
import { isAbsolute } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/types.js';
import { CACHE_ENV, enableCompileCache, flushCompileCache } from '../startup/compile-cache.js';
import { extractIsolated } from './isolate.js';
import type { ParseRequest, ParseResponse } from './parse-pool.js';

const config = (workerData as { config: ResolvedConfig }).config;

// The CLI launcher names its code cache in the environment once it has turned it on; the worker,
// a thread of its own, turns it on for itself before the compiler loads. Programs that use
// sslguard as a library get no cache they did not ask for.
const cached = isAbsolute(process.env[CACHE_ENV] ?? '') && enableCompileCache().enabled;

// A one-line source file with a trigger goes through the same path as any other, which loads the
// parser without reaching into the extractor's internals.
extractIsolated({ file: 'sslguard-warm-up.ts', text: 'const ssl = true;\n' }, config);
// Terminated threads run no exit handlers: what the warm-up compiled is written now.
if (cached) flushCompileCache();

parentPort!.on('message', (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    const source = { file: request.file, ...(request.scopePath !== undefined ? { scopePath: request.scopePath } : {}), bytes: new Uint8Array(request.bytes), git: request.git, ...(request.mode !== undefined ? { mode: request.mode } : {}) };
    response = { id: request.id, result: extractIsolated(source, config) };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
