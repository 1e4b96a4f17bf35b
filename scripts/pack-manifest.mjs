#!/usr/bin/env node
// `prepack` ends with `strip`, `postpack` runs `restore`: the packed package.json has no `prepare`.
//
// Why: `prepare` builds a clone (`npm ci` in a checkout, `npm install github:sslguard/sslguard#…`,
// pre-commit's install of the hook repository), which needs it; npm runs it for no install from the
// registry or a tarball, yet npm 11 warns about it on every such install ("install scripts not yet
// covered by allowScripts"). npm packs package.json as the file is once `prepack` has run, so the
// script is taken out for the packing and put back afterwards. Hand-written because pinst, the
// library that does this, handles `postinstall` only. A copy of the original is kept beside it until
// `restore`; a `strip` that finds one (an earlier pack that failed half-way) restores it first.
//
//   node scripts/pack-manifest.mjs strip|restore
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = path.join(root, 'package.json');
const saved = path.join(root, 'package.json.prepack');
const command = process.argv[2];

if (command === 'restore' || (command === 'strip' && existsSync(saved))) {
  if (existsSync(saved)) renameSync(saved, manifest);
}
if (command === 'strip') {
  const text = readFileSync(manifest, 'utf8');
  writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (command !== 'restore') {
  process.stderr.write('usage: node scripts/pack-manifest.mjs strip|restore\n');
  process.exit(2);
}
