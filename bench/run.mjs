#!/usr/bin/env node
// `npm run bench`: sslguard against the I/O floor (ripgrep) and against other linters, on a large
// synthetic monorepo and on one ten times smaller, both git repositories in a temporary directory.
//
//   node bench/run.mjs [--runs N] [--slow-runs N] [--trees small,large] [--skip ID,…] [--keep] [--generator PATH] [--json FILE]
//
// Fast commands (sslguard, rg, --version) run --runs times (default 5) and slow ones (secretlint,
// ESLint: minutes on the large tree) --slow-runs times (default 1 on the large tree, 3 on the small
// one), interleaved round by round so that a change in machine load hits every tool alike. Medians
// are printed with the number of runs behind them. Needs: a build (`npm run bench` runs tsc first),
// `rg` (Debian `ripgrep`) and, for peak memory, GNU time at /usr/bin/time (Debian `time`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'package.json'));

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'slow-runs': { type: 'string' },
    trees: { type: 'string', default: 'small,large,real' },
    keep: { type: 'boolean', default: false },
    generator: { type: 'string', default: path.resolve(repo, '..', 'shared', 'bench', 'make-monorepo.mjs') },
    json: { type: 'string' },
    // Commands left out by id (eslint takes minutes on the large tree): sslguard, sslguard-cold, rg,
    // node, git-grep, five-plain, five-config, five-config-cold, version, secretlint, eslint.
    skip: { type: 'string', default: '' },
  },
});
const runs = Number(opts.runs);
const TREES = {
  large: { args: [], slowRuns: Number(opts['slow-runs'] ?? 1) },
  small: { args: ['--packages', '20', '--vendor', '2000'], slowRuns: Number(opts['slow-runs'] ?? 3) },
  // Shaped like the corpus's TypeScript monorepos: large files that mention Postgres in passing (bench/make-real-shaped.mjs).
  real: { args: [], slowRuns: Number(opts['slow-runs'] ?? 1), generator: path.join(repo, 'bench', 'make-real-shaped.mjs') },
};
const wanted = opts.trees.split(',').map((t) => t.trim());
for (const t of wanted) if (!(t in TREES)) fail(`unknown tree "${t}" (small, large, real)`);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function which(command) {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

if (!existsSync(path.join(repo, 'dist', 'src', 'cli.js'))) fail('dist/ is missing: run `npm run build` first (`npm run bench` does)');
if (!existsSync(opts.generator)) fail(`tree generator not found at ${opts.generator} (pass --generator PATH)`);
const rg = which('rg');
if (!rg) fail('rg not found: install ripgrep (Debian: apt-get install ripgrep)');
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const secretlintBin = path.join(path.dirname(require.resolve('secretlint/package.json')), 'bin', 'secretlint.js');
const eslintBin = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js');

/** The sslguard ESLint plugin, once it is built: `sslguard/eslint-plugin` through the package's exports. */
function findPlugin() {
  try {
    return require.resolve('sslguard/eslint-plugin');
  } catch {
    return undefined;
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'sslguard-bench-'));
const timeOut = path.join(work, 'time.out');

/**
 * The CLI as built now (bin, dist, package.json; node_modules linked), copied with its timestamps:
 * a build started during the bench (which takes minutes) cannot change what is measured.
 */
function snapshotCli() {
  const dir = path.join(work, 'sslguard');
  for (const part of ['bin', 'dist', 'package.json']) {
    cpSync(path.join(repo, part), path.join(dir, part), { recursive: true, preserveTimestamps: true, filter: (from) => !/[\\/]dist[\\/]bundle(?:-test-|\.tmp-)/.test(from) });
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}
const cli = snapshotCli();
const bin = path.join(cli, 'bin', 'sslguard.js');
// The search a full scan asks git for, as that CLI asks it (src/discovery/git.ts), to time it alone.
const { grepArguments } = await import(pathToFileURL(path.join(cli, 'dist', 'src', 'discovery', 'git.js')).href);
const { GREP_PATTERN } = await import(pathToFileURL(path.join(cli, 'dist', 'src', 'extract', 'prefilter.js')).href);
const gitGrepArgs = ['-c', 'core.fsmonitor=false', ...grepArguments(GREP_PATTERN, [])];
const cEnv = { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' };

/** What bin/sslguard.js runs: the bundle unless it is missing or older than dist/src. */
function launcherTarget() {
  const mtime = (rel) => (existsSync(path.join(cli, rel)) ? statSync(path.join(cli, rel)).mtimeMs : undefined);
  const bundled = mtime('dist/bundle/cli.js');
  return bundled !== undefined && mtime('dist/src/cli.js') <= bundled ? 'dist/bundle' : 'dist/src';
}
// sslguard's compile cache (src/startup/compile-cache.ts) for the bench alone: filled by the
// untimed first pass, as it is after a hook's or a CI runner's first run. The `no compile cache`
// rows show a first run (or SSLGUARD_COMPILE_CACHE=0).
const cacheEnv = { ...process.env, SSLGUARD_COMPILE_CACHE: path.join(work, 'compile-cache') };
const noCacheEnv = { ...process.env, SSLGUARD_COMPILE_CACHE: '0' };

/** One run: wall time (ms) from spawn to exit, peak RSS (KB) when GNU time is there, the output. */
function measure(command, args, cwd, env = process.env) {
  const argv = gnuTime ? [gnuTime, ['-f', '%M', '-o', timeOut, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { cwd, env, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw r.error;
  let rssKb;
  if (gnuTime) {
    const lines = readFileSync(timeOut, 'utf8').trim().split('\n');
    rssKb = Number(lines[lines.length - 1]);
  }
  return { ms, rssKb, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function generate(name) {
  const out = path.join(work, name);
  const r = spawnSync(process.execPath, [TREES[name].generator ?? opts.generator, out, ...TREES[name].args, '--git'], { encoding: 'utf8' });
  if (r.status !== 0) fail(`generator failed: ${r.stderr}`);
  const manifest = JSON.parse(readFileSync(path.join(work, `${name}.planted.json`), 'utf8'));
  return { dir: out, manifest };
}

const RG_PATTERN = 'sslmode|rejectUnauthorized|REJECT_UNAUTHORIZED|postgres';

function eslintConfig(dir, plugin) {
  const file = path.join(work, `eslint.config.${path.basename(dir)}.mjs`);
  const parser = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
  writeFileSync(
    file,
    `import parser from ${JSON.stringify(parser)};
import plugin from ${JSON.stringify(pathToFileURL(plugin).href)};
const sslguard = plugin.default ?? plugin;
export default [{
  files: ['**/*.ts'],
  languageOptions: { parser },
  plugins: { sslguard },
  rules: Object.fromEntries(Object.keys(sslguard.rules).map((id) => ['sslguard/' + id, 'error'])),
}];
`,
  );
  return file;
}

/** Every planted problem must have a finding in its file within one line (the generator's line for .cursor/mcp.json is the line before the URL). */
function checkPlanted(manifest, json) {
  const findings = JSON.parse(json).findings;
  const missing = manifest.planted.filter((p) => !findings.some((f) => f.file === p.file && Math.abs(f.line - p.line) <= 1));
  const vendored = findings.filter((f) => f.file.startsWith('node_modules/')).length;
  return { planted: manifest.planted.length, found: manifest.planted.length - missing.length, missing, vendored };
}

function benchTree(name) {
  console.log(`\n== ${name} tree: generating…`);
  const { dir, manifest } = generate(name);
  const sourceFiles = spawnSync('git', ['ls-files', '--', '*.ts', '*.tsx'], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  console.log(`   ${dir}: ${sourceFiles} TS files in ${manifest.packages} packages, ${manifest.vendorFiles} vendored files, ${manifest.planted.length} planted problems`);

  const plantedFiles = [...new Set(manifest.planted.map((p) => p.file))];
  const pick = (pred) => plantedFiles.filter(pred)[0];
  const configFiles = [pick((f) => f.endsWith('.env.example')), pick((f) => f.endsWith('docker-compose.yml')), pick((f) => f.endsWith('deployment.yaml')), pick((f) => f.endsWith('mcp.json')), pick((f) => f.endsWith('values.yaml')), pick((f) => f.endsWith('.ts'))].filter(Boolean).slice(0, 5);
  const listing = spawnSync('git', ['ls-files', 'packages/pkg-0001/src', 'packages/pkg-001/src'], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter((f) => f.endsWith('.ts'));
  const plainFiles = listing.filter((f) => !plantedFiles.includes(f)).slice(0, 5);

  const plugin = findPlugin();
  const fast = [
    { id: 'sslguard', label: 'sslguard full scan', cmd: process.execPath, args: [bin, '--format', 'json', '.'], env: cacheEnv },
    { id: 'sslguard-cold', label: 'sslguard full scan, no compile cache', cmd: process.execPath, args: [bin, '--format', 'json', '.'], env: noCacheEnv },
    { id: 'rg', label: `rg -c '${RG_PATTERN}'`, cmd: rg, args: ['-c', RG_PATTERN, '.'] },
    // Two parts of every full scan, timed alone: a floor for the design, not for the machine.
    { id: 'node', label: "node -e 0 (Node's own start)", cmd: process.execPath, args: ['-e', '0'] },
    { id: 'git-grep', label: "git grep alone (the full scan's content search)", cmd: 'git', args: gitGrepArgs, env: cEnv },
    { id: 'five-plain', label: 'sslguard on 5 TS files of one package', cmd: process.execPath, args: [bin, ...plainFiles], env: cacheEnv },
    { id: 'five-config', label: 'sslguard on 5 files: env, compose, k8s, MCP, TS', cmd: process.execPath, args: [bin, ...configFiles], env: cacheEnv },
    { id: 'five-config-cold', label: 'the same 5 files, no compile cache', cmd: process.execPath, args: [bin, ...configFiles], env: noCacheEnv },
    { id: 'version', label: 'sslguard --version', cmd: process.execPath, args: [bin, '--version'], env: cacheEnv },
  ];
  const slow = [
    {
      id: 'secretlint',
      label: 'secretlint (database-connection-string rule)',
      cmd: process.execPath,
      args: [secretlintBin, '--secretlintrcJSON', JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-database-connection-string' }] }), '--format', 'compact', '**/*'],
    },
    ...(plugin ? [{ id: 'eslint', label: 'ESLint + sslguard plugin on the TS files', cmd: process.execPath, args: [eslintBin, '-c', eslintConfig(dir, plugin), 'packages/**/*.ts'] }] : []),
  ];

  const skipped = new Set(opts.skip.split(',').map((id) => id.trim()));
  if (skipped.has('sslguard')) fail('the sslguard full scan cannot be skipped: its output is checked against the planted problems');
  for (const list of [fast, slow]) list.splice(0, list.length, ...list.filter((tool) => !skipped.has(tool.id)));
  const samples = new Map();
  const record = (tool, result) => {
    if (!samples.has(tool.id)) samples.set(tool.id, []);
    samples.get(tool.id).push(result);
  };
  // One untimed pass: the page cache then holds the tree for every tool alike.
  for (const tool of fast) measure(tool.cmd, tool.args, dir, tool.env);
  let sslguardJson;
  const slowRuns = TREES[name].slowRuns;
  for (let round = 0; round < Math.max(runs, slowRuns); round++) {
    for (const tool of fast) {
      if (round >= runs) continue;
      const r = measure(tool.cmd, tool.args, dir, tool.env);
      if (tool.id === 'sslguard') sslguardJson = r.stdout;
      record(tool, r);
    }
    for (const tool of slow) {
      if (round >= slowRuns) continue;
      process.stdout.write(`   running ${tool.id} (${round + 1}/${slowRuns})…\n`);
      const r = measure(tool.cmd, tool.args, dir);
      if (r.status !== 0 && r.status !== 1) console.log(`   ${tool.id} exited with ${r.status}: ${r.stderr.slice(0, 500)}`);
      record(tool, r);
    }
  }

  const stats = {};
  for (const tool of [...fast, ...slow]) {
    const rs = samples.get(tool.id) ?? [];
    if (rs.length === 0) continue;
    stats[tool.id] = {
      label: tool.label,
      runs: rs.length,
      medianMs: median(rs.map((r) => r.ms)),
      minMs: Math.min(...rs.map((r) => r.ms)),
      ...(gnuTime ? { medianRssMb: median(rs.map((r) => r.rssKb)) / 1024 } : {}),
    };
  }
  const planted = checkPlanted(manifest, sslguardJson);

  console.log('');
  console.log(`   ${'command'.padEnd(50)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'peak RSS'.padStart(9)}  runs`);
  for (const s of Object.values(stats)) {
    const rss = s.medianRssMb === undefined ? '' : `${s.medianRssMb.toFixed(0)} MB`;
    console.log(`   ${s.label.padEnd(50)} ${fmt(s.medianMs).padStart(9)} ${fmt(s.minMs).padStart(9)} ${rss.padStart(9)}  ${s.runs}`);
  }
  if (!plugin) console.log(`   ${'ESLint + sslguard plugin on the TS files'.padEnd(50)} skipped: plugin not built yet (sslguard/eslint-plugin does not resolve)`);
  console.log('');
  const ratio = (a, b) => (stats[a] && stats[b] ? stats[a].medianMs / stats[b].medianMs : undefined);
  const checks = [
    ['sslguard / rg', ratio('sslguard', 'rg'), (x) => x <= 3, '≤ 3×'],
    ['(no compile cache) / rg', ratio('sslguard-cold', 'rg'), (x) => x <= 3, '≤ 3×'],
    ['secretlint / sslguard', ratio('secretlint', 'sslguard'), (x) => x >= 10, '≥ 10×'],
    ['eslint / sslguard', ratio('eslint', 'sslguard'), () => true, 'reported'],
  ];
  const floor = stats.node && stats['git-grep'] && stats.rg ? stats.node.medianMs + stats['git-grep'].medianMs : undefined;
  // The target for real-shaped trees: ripgrep plus Node's own start, which no Node program avoids.
  if (stats.node && stats.rg) checks.push(['sslguard / (rg + node)', stats.sslguard.medianMs / (stats.rg.medianMs + stats.node.medianMs), (x) => x <= 3, '≤ 3×']);
  for (const [label, value, ok, target] of checks) {
    if (value === undefined) console.log(`   ${label.padEnd(24)} n/a`);
    else console.log(`   ${label.padEnd(24)} ${value.toFixed(1).padStart(6)}×   target ${target}: ${ok(value) ? 'met' : 'NOT met'}`);
  }
  if (floor !== undefined) {
    // Run one after the other in every full scan: at this ratio sslguard would have done nothing of its own yet.
    console.log(`   ${'node -e 0 + git grep'.padEnd(24)} ${(floor / stats.rg.medianMs).toFixed(1).padStart(6)}×   rg (${fmt(floor)}), before sslguard lists, reads, parses or reports anything`);
  }
  for (const id of ['five-plain', 'five-config', 'five-config-cold']) {
    if (!stats[id]) continue;
    const ms = stats[id].medianMs;
    // Issue 16's target for a pre-commit hook's call: within 2× Node's own start.
    if (stats.node) {
      const ratio = ms / stats.node.medianMs;
      console.log(`   ${stats[id].label.padEnd(50)} ${fmt(ms)} = ${ratio.toFixed(1)}× node -e 0   target ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'}`);
    } else {
      console.log(`   ${stats[id].label.padEnd(50)} ${fmt(ms)}`);
    }
  }
  if (gnuTime) {
    const mb = stats.sslguard.medianRssMb;
    console.log(`   ${'sslguard full scan peak RSS'.padEnd(50)} ${mb.toFixed(0)} MB   target ≤ 300 MB: ${mb <= 300 ? 'met' : 'NOT met'}`);
  } else {
    console.log('   peak RSS: not measured (GNU time not found at /usr/bin/time; Debian package `time`)');
  }
  console.log(`   planted problems found: ${planted.found}/${planted.planted}${planted.missing.length ? ` — MISSING: ${planted.missing.map((p) => `${p.file}:${p.line} (${p.kind})`).join(', ')}` : ''}; findings under node_modules: ${planted.vendored}`);
  return { tree: name, dir, sourceFiles, vendorFiles: manifest.vendorFiles, stats, planted: { found: planted.found, total: planted.planted, missing: planted.missing, vendored: planted.vendored } };
}

function fmt(ms) {
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

console.log(`sslguard bench: ${os.cpus().length} cores, Node ${process.version}, ${runs} runs of each fast command; bin/sslguard.js runs ${launcherTarget()}`);
const results = [];
try {
  for (const name of ['small', 'large', 'real'].filter((t) => wanted.includes(t))) results.push(benchTree(name));
  const small = results.find((r) => r.tree === 'small');
  const large = results.find((r) => r.tree === 'large');
  if (small && large) {
    const x = large.stats.sslguard.medianMs / small.stats.sslguard.medianMs;
    console.log(`\n== large / small full scan: ${x.toFixed(1)}× (10× the files; target ≤ 11×: ${x <= 11 ? 'met' : 'NOT met'})`);
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ machine: { cores: os.cpus().length, node: process.version }, cli: launcherTarget(), results }, null, 2) + '\n');
} finally {
  if (opts.keep) console.log(`\ntrees kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
