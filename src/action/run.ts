import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Finding } from '../model.js';
import { loadConfig, ConfigError } from '../config/load.js';
import { UsageError } from '../discovery/walk.js';
import { scan } from '../engine/scan.js';
import { applyBaseline, BaselineError, BaselineLocation, readBaseline } from '../engine/baseline.js';
import { rules } from '../../rules/index.js';
import { buildReport, type Report } from '../report/types.js';
import { formatStylish } from '../report/stylish.js';
import { formatSarif } from '../report/sarif.js';
import { diagnosticAnnotation, findingAnnotation } from '../report/github.js';
import { workflowCommand } from '../report/workflow-commands.js';
import { toolVersion } from '../version.js';
import { FileAccessError, writeNamedFile } from '../files/access.js';
import { workingBoundary } from '../files/boundary.js';
import { ANNOTATION_LIMIT, buildSummary, type AnnotationCounts } from './summary.js';
import { appendOutput, appendSummary } from './workflow-files.js';

// The GitHub Action (action.yml runs action/index.js, the bundle of main.ts): scan the workspace,
// print the report to the log, annotate, write the job summary, SARIF and step outputs, and exit
// per `fail-on`. Inputs arrive as the runner passes them to a JavaScript action: INPUT_<NAME>, the
// name upper-cased with spaces as underscores and hyphens kept (`fail-on` is `INPUT_FAIL-ON`).

export interface ActionIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  now?: Date;
}

export type FailOn = 'error' | 'warning' | 'none';

export interface ActionInputs {
  paths: string[];
  config?: string;
  failOn: FailOn;
  annotate: boolean;
  sarifFile?: string;
  /** A baseline file (relative to the workspace): only findings it does not record are reported. */
  baseline?: string;
}

class InputError extends Error {}

/** YAML booleans as the toolkit's `getBooleanInput` accepts them. */
function booleanInput(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = (raw ?? '').trim();
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input \`${name}\` must be true or false, not "${value}"`);
}

/** An input as the runner names it in the environment (what the toolkit's `getInput` reads). */
function input(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function readInputs(env: Record<string, string | undefined>): ActionInputs {
  // One path per line, so that paths may contain spaces.
  const paths = input(env, 'paths')
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const failOn = input(env, 'fail-on') || 'error';
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'none') {
    throw new InputError(`input \`fail-on\` must be error, warning or none, not "${failOn}"`);
  }
  const config = input(env, 'config');
  const sarifFile = input(env, 'sarif-file');
  const baseline = input(env, 'baseline');
  return {
    paths: paths.length ? paths : ['.'],
    ...(config ? { config } : {}),
    failOn,
    annotate: booleanInput('annotate', input(env, 'annotate'), true),
    ...(sarifFile ? { sarifFile } : {}),
    ...(baseline ? { baseline } : {}),
  };
}

function firstOf(findings: readonly Finding[], severity: Finding['severity']): Finding[] {
  return findings.filter((f) => f.severity === severity).slice(0, ANNOTATION_LIMIT);
}

/** Runs the action and returns the exit code: 0, 1 (findings at or above fail-on) or 2 (bad input or config). */
export async function runAction(io: ActionIo): Promise<number> {
  const { env } = io;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  let inputs: ActionInputs;
  try {
    inputs = readInputs(env);
    const knownRuleIds = rules.map((r) => r.meta.id);
    const { config } = await loadConfig({ cwd: workspace, ...(inputs.config ? { configFile: inputs.config } : {}), knownRuleIds });
    const baselineAt = inputs.baseline ? new BaselineLocation(workspace, inputs.baseline) : undefined;
    const baseline = baselineAt ? readBaseline(baselineAt) : undefined;
    const result = await scan({ paths: inputs.paths, cwd: workspace, config, ...(io.now ? { now: io.now } : {}) });
    // Findings the baseline records are neither annotated, listed, written to SARIF nor counted.
    const { fresh, baselined } = baseline && baselineAt ? applyBaseline(result.findings, baseline, baselineAt) : { fresh: result.findings, baselined: [] as Finding[] };
    const report: Report = buildReport(result, fresh, baselineAt ? { baselined } : {});
    const options = { color: !('NO_COLOR' in env), version: toolVersion(), rules: rules.map((r) => r.meta) };

    // The log: the full report, with workflow commands switched off around it so that a file name
    // or message from the scanned repository cannot act as a command.
    const token = randomUUID();
    io.stdout(`::stop-commands::${token}\n${formatStylish(report, options)}::${token}::\n`);

    const annotations: AnnotationCounts = {
      enabled: inputs.annotate,
      errors: { shown: 0, total: report.stats.errors },
      warnings: { shown: 0, total: report.stats.warnings },
    };
    if (inputs.annotate) {
      const errors = firstOf(report.findings, 'error');
      const warnings = firstOf(report.findings, 'warning');
      annotations.errors.shown = errors.length;
      annotations.warnings.shown = warnings.length;
      const lines = [...errors, ...warnings].map(findingAnnotation);
      lines.push(...report.diagnostics.slice(0, ANNOTATION_LIMIT).map(diagnosticAnnotation));
      if (lines.length) io.stdout(`${lines.join('\n')}\n`);
    }

    if (inputs.sarifFile) {
      // The workspace is the pull request's checkout: a link it committed at this path is refused,
      // not written through (see files/access.ts).
      try {
        writeNamedFile(path.resolve(workspace, inputs.sarifFile), formatSarif(report, options), { boundary: workingBoundary(workspace), mkdir: true });
      } catch (error) {
        if (error instanceof FileAccessError) throw new InputError(`input \`sarif-file\` ${inputs.sarifFile}: ${error.message}`);
        throw error;
      }
    }

    if (env.GITHUB_STEP_SUMMARY) {
      const blobUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}` : undefined;
      appendSummary(
        env.GITHUB_STEP_SUMMARY,
        buildSummary(report, { failOn: inputs.failOn, annotations, ...(inputs.sarifFile ? { sarifFile: inputs.sarifFile } : {}), ...(blobUrl ? { blobUrl } : {}) }),
      );
    }

    if (env.GITHUB_OUTPUT) {
      appendOutput(env.GITHUB_OUTPUT, 'findings', String(report.stats.errors + report.stats.warnings));
      appendOutput(env.GITHUB_OUTPUT, 'errors', String(report.stats.errors));
      appendOutput(env.GITHUB_OUTPUT, 'warnings', String(report.stats.warnings));
      appendOutput(env.GITHUB_OUTPUT, 'sarif-file', inputs.sarifFile ?? '');
    }

    if (inputs.failOn === 'none') return 0;
    const failing = inputs.failOn === 'warning' ? report.stats.errors + report.stats.warnings : report.stats.errors;
    return failing > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError || error instanceof UsageError || error instanceof BaselineError) {
      io.stdout(`${workflowCommand('error', { title: 'sslguard' }, error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
