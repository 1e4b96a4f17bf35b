// Worker-thread side of the parse pool: runs `extractFile` (isolated) for the source files the main thread
// hands over. It loads the TypeScript parser as soon as it starts, so that the half second the
// compiler takes to load passes while the main thread is still reading files.
import { parentPort, workerData } from 'node:worker_threads';
import type { ResolvedConfig } from '../config/types.js';
import { extractIsolated } from './isolate.js';
import type { ParseRequest, ParseResponse } from './parse-pool.js';

const config = (workerData as { config: ResolvedConfig }).config;

// A one-line source file with a trigger goes through the same path as any other, which loads the
// parser without reaching into the extractor's internals.
extractIsolated({ file: 'sslguard-warm-up.ts', text: 'const ssl = true;\n' }, config);

parentPort!.on('message', (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    const source = { file: request.file, bytes: new Uint8Array(request.bytes), git: request.git, ...(request.mode !== undefined ? { mode: request.mode } : {}) };
    response = { id: request.id, result: extractIsolated(source, config) };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
