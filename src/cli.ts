import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Finding, Severity } from './model.js';
import { loadConfig, mergeRuleOverrides, ConfigError } from './config/load.js';
import { UsageError } from './discovery/walk.js';
import { scan } from './engine/scan.js';
import { scanStaged } from './engine/staged.js';
import { applyBaseline, BaselineError, BaselineLocation, createBaseline, readBaseline, writeBaseline } from './engine/baseline.js';
import { createProgress, progressWanted } from './report/progress.js';
import { rules } from '../rules/index.js';
import { formatJson } from './report/json.js';
import { formatStylish } from './report/stylish.js';
import { formatSarif } from './report/sarif.js';
import { formatGithub } from './report/github.js';
import { buildReport, type Report, type Reporter } from './report/types.js';
import { printable } from './report/printable.js';
import { toolVersion } from './version.js';
import { FileAccessError, writeNamedFile } from './files/access.js';
import { workingBoundary } from './files/boundary.js';

const REPORTERS: Record<string, Reporter> = { stylish: formatStylish, json: formatJson, sarif: formatSarif, github: formatGithub };

export const HELP = `Usage: sslguard [options] [paths...]
       sslguard verify <connection-string | --from FILE[:VAR]>   (check a live server; see sslguard verify --help)

Lints Postgres TLS configuration in .env files, docker-compose files, Kubernetes
manifests, MCP client configs and TS/JS source. Paths default to the current directory.

Options:
  -f, --format <name>     Output format: ${Object.keys(REPORTERS).join(', ')} (default: stylish)
  -o, --output <file>     Write the report to a file instead of stdout
  -c, --config <file>     Config file (default: .sslguard.json|yaml|yml or "sslguard" in package.json)
      --rule <id=level>   Set a rule's severity: off, warning or error (repeatable)
      --fail-on <level>   Exit 1 when a finding is at or above: error (default) or warning
      --quiet             Report errors only
      --no-color          Never colour the output (colour is used only on a terminal)
      --no-ignore         Do not apply .gitignore (node_modules, .git and build folders stay skipped)
      --no-cross-file     Judge each file alone: do not follow \${VAR}, secretKeyRef or process.env values
                          into the files that define them (what the ESLint plugin sees)
      --max-file-size <n> Skip files above n bytes, with a diagnostic (default: config maxFileSize, 2 MiB)
      --staged            Scan the staged content of staged files (what \`git commit\` records)
      --baseline <file>   Report only findings this baseline does not record (they do not count for
                          the exit code); paths in it are relative to its own directory
      --write-baseline <file>
                          Record the current findings in a baseline file (exit 0). With --baseline,
                          only drop the fixed ones from it: new findings are reported, not recorded
      --list-rules        List the rules with their default severity and where each looks
      --print-config <file>
                          Print the effective config as JSON, how the file's environment is
                          inferred (config glob, file name, directory, namespace, …) and the
                          minimum sslmode that applies to it; scans nothing else (exit 0)
  -v, --version           Print the version
  -h, --help              Print this help

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or config error.
`;

export interface CliIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
  now?: Date;
  /** stderr is a terminal: long scans show progress there. */
  stderrIsTTY?: boolean;
  /** Milliseconds clock for the progress display (tests pass a fake one). */
  clock?: () => number;
}

function defaultIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

function listRules(): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  const indent = ' '.repeat(width + 11);
  // Where each rule looks, one indented line per place, under the rule's own line.
  const looks = (r: (typeof rules)[number]): string => (r.meta.looksAt ?? []).map((l) => `\n${indent}looks at: ${l}`).join('');
  return rules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.description}${looks(r)}`).join('\n') + '\n';
}

function baselineSummary(entries: readonly { file: string; count: number }[]): string {
  const findings = entries.reduce((n, e) => n + e.count, 0);
  const files = new Set(entries.map((e) => e.file)).size;
  return `${findings} finding${findings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
}

/**
 * `--output FILE`: a link there (committed by the repository to point at a file of the user's) is
 * refused, not written through; see files/access.ts.
 */
function writeOutput(cwd: string, file: string, text: string): void {
  try {
    writeNamedFile(resolve(cwd, file), text, { boundary: workingBoundary(cwd) });
  } catch (error) {
    if (error instanceof FileAccessError) throw new UsageError(`--output ${file}: ${error.message}`);
    throw error;
  }
}

/** Runs the CLI and returns the exit code (never calls process.exit, so tests can run it in-process). */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  // Loaded on demand: a lint run (every commit, in every hook) need not load the live-server client.
  if (argv[0] === 'verify') return (await import('./verify/cli.js')).runVerify(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f', default: 'stylish' },
        output: { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        rule: { type: 'string', multiple: true, default: [] },
        'fail-on': { type: 'string', default: 'error' },
        quiet: { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
        color: { type: 'boolean', default: false },
        'no-ignore': { type: 'boolean', default: false },
        'no-cross-file': { type: 'boolean', default: false },
        'max-file-size': { type: 'string' },
        staged: { type: 'boolean', default: false },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'list-rules': { type: 'boolean', default: false },
        'print-config': { type: 'string' },
        version: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`sslguard: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(`${toolVersion()}\n`);
    return 0;
  }
  if (values['list-rules']) {
    io.stdout(listRules());
    return 0;
  }
  const reporter = REPORTERS[values.format!];
  if (!reporter) {
    io.stderr(`sslguard: unknown --format "${values.format}" (expected ${Object.keys(REPORTERS).join(', ')})\n`);
    return 2;
  }
  const failOn = values['fail-on'];
  if (failOn !== 'error' && failOn !== 'warning') {
    io.stderr(`sslguard: --fail-on must be "error" or "warning", not "${failOn}"\n`);
    return 2;
  }
  const maxFileSize = values['max-file-size'] === undefined ? undefined : Number(values['max-file-size']);
  if (maxFileSize !== undefined && (!/^\d+$/.test(values['max-file-size']!) || !Number.isSafeInteger(maxFileSize) || maxFileSize <= 0)) {
    io.stderr(`sslguard: --max-file-size must be a positive whole number of bytes, not "${values['max-file-size']}"\n`);
    return 2;
  }

  try {
    const knownRuleIds = rules.map((r) => r.meta.id);
    const loaded = await loadConfig({ cwd: io.cwd, ...(values.config ? { configFile: values.config } : {}), knownRuleIds });
    const merged = mergeRuleOverrides(loaded.config, values.rule ?? [], knownRuleIds);
    const sized = maxFileSize === undefined ? merged : { ...merged, maxFileSize };
    const config = values['no-cross-file'] ? { ...sized, crossFile: false } : sized;
    if (values['print-config'] !== undefined) {
      if (positionals.length > 0) throw new UsageError(`--print-config takes one file and no paths to scan (got ${positionals.join(' ')})`);
      // Loaded on demand, like verify: a lint run does not need it.
      const { printConfig } = await import('./config/print-config.js');
      const printed = printConfig({ cwd: io.cwd, file: values['print-config'], config, ...(loaded.file ? { configFile: loaded.file } : {}) });
      const text = JSON.stringify(printed, null, 2) + '\n';
      if (values.output) writeOutput(io.cwd, values.output, text);
      else io.stdout(text);
      return 0;
    }
    const readFrom = values.baseline !== undefined ? new BaselineLocation(io.cwd, values.baseline) : undefined;
    const writeTo = values['write-baseline'] !== undefined ? new BaselineLocation(io.cwd, values['write-baseline']) : undefined;
    // Read before the scan: a missing or broken baseline fails at once, not after a long scan.
    const previous = readFrom ? readBaseline(readFrom) : undefined;
    const progress = createProgress({ write: io.stderr, enabled: progressWanted(io.stderrIsTTY ?? false, io.env), ...(io.clock ? { clock: io.clock } : {}) });
    const common = { paths: positionals.length ? positionals : ['.'], cwd: io.cwd, config, ...(io.now ? { now: io.now } : {}), onProgress: progress.update };
    let result;
    try {
      result = values.staged ? await scanStaged(common) : await scan({ ...common, noIgnore: values['no-ignore'] ?? false });
    } finally {
      progress.end();
    }
    let { fresh, baselined } = previous && readFrom ? applyBaseline(result.findings, previous, readFrom) : { fresh: result.findings, baselined: [] as Finding[] };
    if (writeTo) {
      // Alone it accepts every current finding; with --baseline it prunes, like ESLint's
      // --prune-suppressions: fixed findings leave the file, new ones are reported and not recorded.
      const recorded = createBaseline(previous ? baselined : result.findings, writeTo);
      writeBaseline(writeTo, recorded);
      if (!previous) ({ fresh, baselined } = applyBaseline(result.findings, recorded, writeTo));
      io.stderr(`sslguard: wrote ${writeTo.display} (${baselineSummary(recorded.findings)})\n`);
    }
    const shown: Finding[] = values.quiet ? fresh.filter((f) => f.severity === 'error') : fresh;
    const report: Report = buildReport(result, fresh, { shown, ...(readFrom || writeTo ? { baselined } : {}) });
    const color = !values['no-color'] && !values.output && (values.color || (io.isTTY && !('NO_COLOR' in io.env)));
    const text = reporter(report, { color, version: toolVersion(), rules: rules.map((r) => r.meta) });
    if (values.output) writeOutput(io.cwd, values.output, text);
    else io.stdout(text);
    const threshold: Severity[] = failOn === 'warning' ? ['error', 'warning'] : ['error'];
    return fresh.some((f) => threshold.includes(f.severity)) ? 1 : 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof BaselineError) {
      io.stderr(`sslguard: ${printable(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
