import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type ignoreFactory from 'ignore';
import type { Diagnostic } from '../model.js';
import type { ResolvedConfig } from '../config/types.js';
import { classifyPath } from '../discovery/kinds.js';
import { ignoredPaths, listStaged, readBlobs, relativeToCwd } from '../discovery/staged.js';
import { Linter, scannedCount, type SourceInput } from './lint.js';
import type { FileExtraction } from '../extract/index.js';
import { addRepositoryContext, linterTarget, openContextRepository } from './context.js';
import type { Rule } from './rule.js';
import type { ScanResult } from './scan.js';

const require = createRequire(import.meta.url);

export interface StagedScanOptions {
  /** Limit to staged files under these paths (relative to `cwd`); default `.`. */
  paths: string[];
  cwd: string;
  config: ResolvedConfig;
  now?: Date;
  rules?: readonly Rule[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * Lints what the next commit records: the index content of each staged file, not the work tree
 * (a file fixed on disk but staged bad still fails), so every position refers to the staged
 * text. Staged files are in the index, so the git-state rules see them as tracked; whether an
 * ignore rule matches them is still asked (a force-added `.env`).
 */
export async function scanStaged(options: StagedScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const cwd = await fsp.realpath(path.resolve(options.cwd));
  const listing = await listStaged(cwd, options.paths);
  const ignorePatterns = options.config.ignorePatterns;
  let configIgnore: ignoreFactory.Ignore | undefined;
  if (ignorePatterns.length > 0) configIgnore = (require('ignore') as typeof ignoreFactory)().add(ignorePatterns);

  const candidates = listing.files
    .map((entry) => ({ ...entry, rel: relativeToCwd(listing.root, cwd, entry.relToRoot) }))
    .filter((entry) => classifyPath(entry.relToRoot).length > 0)
    .filter((entry) => !configIgnore || entry.rel.startsWith('../') || !configIgnore.ignores(entry.rel));

  const [blobs, ignored] = await Promise.all([
    readBlobs(listing.root, candidates.map((c) => c.blob), options.config.maxFileSize),
    ignoredPaths(listing.root, candidates.map((c) => c.relToRoot)),
  ]);
  const diagnostics: Diagnostic[] = [];
  const sources: SourceInput[] = [];
  for (const entry of candidates) {
    const content = blobs.get(entry.blob);
    if (!content || 'error' in content) {
      diagnostics.push({ file: entry.rel, message: content?.error ?? 'staged content could not be read, not scanned' });
      continue;
    }
    sources.push({
      file: entry.rel,
      bytes: content.bytes,
      git: { inGit: true, tracked: true, ignored: ignored.has(entry.relToRoot), repository: { root: relativeToCwd(listing.root, cwd, '') || '.', path: entry.relToRoot } },
      // Permissions are a property of the file on this disk (the index only knows 644 or 755).
      ...(await workTreeMode(path.join(listing.root, entry.relToRoot))),
    });
  }
  const linter = new Linter({ config: options.config, ...(options.now ? { now: options.now } : {}), ...(options.rules ? { rules: options.rules } : {}) });
  const named = new Map<string, FileExtraction>();
  for (const [i, source] of sources.entries()) {
    named.set(source.file, linter.add(source));
    options.onProgress?.(i + 1, sources.length);
  }
  // The staged files are judged with the rest of what the commit records: the index's content of
  // the files that define or read their values (src/engine/context.ts).
  if (options.config.crossFile !== false && named.size > 0) {
    const repo = await openContextRepository(listing.root, { cwd: options.cwd, config: options.config, staged: true });
    if (repo) await addRepositoryContext(named, repo, linterTarget(linter));
  }
  const result = linter.finish(new Set(sources.map((s) => s.file)));
  return {
    ...result,
    diagnostics: [...diagnostics, ...result.diagnostics],
    filesScanned: scannedCount(sources.length, result.diagnostics),
    durationMs: Math.round(performance.now() - started),
  };
}

async function workTreeMode(abs: string): Promise<{ mode?: number }> {
  try {
    const stat = await fsp.lstat(abs);
    return stat.isFile() ? { mode: stat.mode } : {};
  } catch {
    // Staged, then deleted from the work tree: the commit still records it; no mode to judge.
    return {};
  }
}
