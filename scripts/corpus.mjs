#!/usr/bin/env node
// npm run corpus [-- name… --verbose --json FILE]: scans every pinned public repository of
// corpus/repos.json with the built CLI and compares the findings with the hand-written labels in
// corpus/expected/<name>.json. Prints per repository the files scanned, seconds, findings, true and
// false positives and misses, then the overall precision and recall. Needs the repositories' work
// trees (DEVELOPERS.md); never part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = process.env.SSLGUARD_CORPUS_DIR ?? join(homedir(), '.cache', 'sslguard-corpus');
const mirrorDir = process.env.SSLGUARD_CORPUS_MIRROR ?? '/work/.mirror';
// SSLGUARD_CORPUS_CLI runs another build (an older checkout's bin/sslguard.js, for before/after figures).
const cli = process.env.SSLGUARD_CORPUS_CLI ?? join(root, 'bin', 'sslguard.js');

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const jsonIndex = args.indexOf('--json');
const jsonOut = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const only = args.filter((a, i) => !a.startsWith('--') && (jsonIndex < 0 || i !== jsonIndex + 1));

const repos = JSON.parse(readFileSync(join(root, 'corpus', 'repos.json'), 'utf8'));

function git(cwd, ...argv) {
  return spawnSync('git', argv, { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

/** The work tree of a repository at its pinned commit, cloned from a fetched mirror when missing. */
function workTree(entry) {
  const dir = join(cacheDir, entry.name);
  if (!existsSync(dir)) {
    const mirror = join(mirrorDir, entry.repo.replace('/', '+'), 'repo');
    const from = existsSync(mirror) ? mirror : `https://github.com/${entry.repo}`;
    const cloned = git(cacheDir, 'clone', '-q', from, dir);
    if (cloned.status !== 0) return { error: `cannot clone ${entry.repo} from ${from}: ${cloned.stderr.trim()}` };
  }
  const head = git(dir, 'rev-parse', 'HEAD').stdout.trim();
  if (head !== entry.commit) {
    const checkout = git(dir, 'checkout', '-q', entry.commit);
    if (checkout.status !== 0) return { error: `${entry.name}: commit ${entry.commit} not in ${dir} (${checkout.stderr.trim()})` };
  }
  return { dir };
}

const key = (f) => `${f.file}:${f.line}:${f.rule}`;

function compare(found, expected) {
  const want = new Map((expected.findings ?? []).map((f) => [key(f), f]));
  const maybe = new Set((expected.acceptable ?? []).map(key));
  const tp = [];
  const fp = [];
  const accepted = [];
  const seen = new Set();
  for (const f of found) {
    const k = `${f.file}:${f.line}:${f.ruleId}`;
    if (want.has(k)) {
      if (!seen.has(k)) tp.push(f);
      seen.add(k);
    } else if (maybe.has(k)) accepted.push(f);
    else fp.push(f);
  }
  const missed = [...want.entries()].filter(([k]) => !seen.has(k)).map(([, f]) => f);
  return { tp, fp, accepted, missed };
}

const rows = [];
const totals = { tp: 0, fp: 0, missed: 0, accepted: 0, seconds: 0, crashes: 0 };
// Repositories labelled after the tuning (`heldOut` in repos.json): their figures are printed apart.
const heldOut = { tp: 0, fp: 0, missed: 0, repositories: 0 };
for (const entry of repos) {
  if (only.length > 0 && !only.includes(entry.name)) continue;
  const expected = JSON.parse(readFileSync(join(root, 'corpus', 'expected', `${entry.name}.json`), 'utf8'));
  const tree = workTree(entry);
  if (tree.error) {
    console.error(tree.error);
    rows.push({ name: entry.name, error: tree.error });
    totals.crashes++;
    continue;
  }
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, '--format', 'json', '.'], { cwd: tree.dir, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, CI: '1' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 1) {
    console.error(`${entry.name}: sslguard exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
    rows.push({ name: entry.name, error: `exit ${run.status}` });
    totals.crashes++;
    continue;
  }
  const report = JSON.parse(run.stdout);
  const result = compare(report.findings, expected);
  totals.tp += result.tp.length;
  totals.fp += result.fp.length;
  totals.missed += result.missed.length;
  totals.accepted += result.accepted.length;
  totals.seconds += seconds;
  if (entry.heldOut) {
    heldOut.tp += result.tp.length;
    heldOut.fp += result.fp.length;
    heldOut.missed += result.missed.length;
    heldOut.repositories++;
  }
  rows.push({
    ...(entry.heldOut ? { heldOut: true } : {}),
    name: entry.name,
    files: report.stats.filesScanned,
    seconds,
    findings: report.findings.length,
    tp: result.tp.length,
    fp: result.fp.length,
    accepted: result.accepted.length,
    missed: result.missed.length,
    diagnostics: report.diagnostics.length,
    falseAlarms: result.fp.map((f) => ({ file: f.file, line: f.line, rule: f.ruleId, message: f.message })),
    misses: result.missed,
  });
  if (verbose) {
    for (const f of result.fp) console.log(`  FP   ${entry.name} ${f.file}:${f.line}:${f.column} ${f.ruleId}  ${f.message.slice(0, 220)}`);
    for (const f of result.missed) console.log(`  MISS ${entry.name} ${f.file}:${f.line} ${f.rule}  (${f.reason})`);
  }
}

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log(`${pad('repository', 28)}${num('files', 7)}${num('seconds', 9)}${num('found', 7)}${num('TP', 5)}${num('FP', 5)}${num('ok?', 5)}${num('miss', 6)}`);
for (const r of rows) {
  if (r.error) console.log(`${pad(r.name, 28)}  ${r.error}`);
  else console.log(`${pad(r.name + (r.heldOut ? ' *' : ''), 28)}${num(r.files, 7)}${num(r.seconds.toFixed(2), 9)}${num(r.findings, 7)}${num(r.tp, 5)}${num(r.fp, 5)}${num(r.accepted, 5)}${num(r.missed, 6)}`);
}
const precision = totals.tp + totals.fp === 0 ? 1 : totals.tp / (totals.tp + totals.fp);
const recall = totals.tp + totals.missed === 0 ? 1 : totals.tp / (totals.tp + totals.missed);
console.log(
  `\n${rows.length} repositories, ${totals.seconds.toFixed(1)} s: ${totals.tp} true, ${totals.fp} false, ${totals.accepted} acceptable either way, ${totals.missed} missed, ${totals.crashes} failed to scan`,
);
console.log(`precision ${precision.toFixed(3)}  recall ${recall.toFixed(3)}`);
if (heldOut.repositories > 0) {
  const p = heldOut.tp + heldOut.fp === 0 ? 1 : heldOut.tp / (heldOut.tp + heldOut.fp);
  const r = heldOut.tp + heldOut.missed === 0 ? 1 : heldOut.tp / (heldOut.tp + heldOut.missed);
  console.log(`held out (*, ${heldOut.repositories} repositories labelled after the tuning): ${heldOut.tp} true, ${heldOut.fp} false, ${heldOut.missed} missed; precision ${p.toFixed(3)}  recall ${r.toFixed(3)}`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ totals, precision, recall, heldOut, rows }, null, 2) + '\n');
