#!/usr/bin/env node
// Writes corpus/repos.json from the repo/commit/why fields of corpus/expected/*.json, so that a
// label file and its repository's pin never disagree. Run after adding or re-pinning a label file.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const entries = readdirSync(join(dir, 'expected'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const label = JSON.parse(readFileSync(join(dir, 'expected', f), 'utf8'));
    const name = f.slice(0, -'.json'.length);
    for (const field of ['repo', 'commit', 'why']) if (typeof label[field] !== 'string') throw new Error(`${f}: no "${field}"`);
    if (!/^[0-9a-f]{40}$/.test(label.commit)) throw new Error(`${f}: commit is not 40 hex digits`);
    return { name, repo: label.repo, commit: label.commit, why: label.why, ...(label.heldOut ? { heldOut: true } : {}) };
  });
writeFileSync(join(dir, 'repos.json'), JSON.stringify(entries, null, 2) + '\n');
console.log(`${entries.length} repositories in corpus/repos.json`);
