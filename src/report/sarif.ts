import type * as Sarif from 'sarif';
import type { Diagnostic, Finding } from '../model.js';
import type { RuleMeta, RuleExample } from '../engine/rule.js';
import type { Reporter } from './types.js';
import { HOMEPAGE, TOOL_NAME, ruleDocsUrl } from '../version.js';
import { FINGERPRINT_KEY } from '../engine/fingerprint.js';
import { maskSecrets } from '../connection/mask.js';
import { classifyRule } from './rule-classification.js';
import { position, relatedOf } from './related.js';

// SARIF 2.1.0 as GitHub code scanning reads it: rules with help and `security-severity`,
// results at exact UTF-16 ranges relative to %SRCROOT%, fingerprints (GitHub's
// `primaryLocationLineHash`, as its upload action computes it, and our own), inline suppressions
// as accepted (GitHub closes those alerts), and the files sslguard could not read as tool
// execution notifications. Written as plain objects against @types/sarif: the
// format is data, no library is needed to produce it.

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** Relative POSIX path → URI reference: each segment percent-encoded (spaces, `#`, `%`, non-ASCII). */
export function pathToUriReference(file: string): string {
  return file
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function fenceLanguage(file: string): string {
  if (/\.[mc]?tsx?$/.test(file)) return 'ts';
  if (/\.[mc]?jsx?$/.test(file)) return 'js';
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.jsonc?$/.test(file)) return 'jsonc';
  if (/(^|\/)\.env|\.env$|\.envrc$/.test(file)) return 'sh';
  return '';
}

/** Example code is masked too: help text reaches the same places as results do. */
function exampleMarkdown(example: RuleExample): string {
  const code = maskSecrets(example.code.replace(/\n$/, ''));
  return code.trim() === '' ? `\`${example.file}\`` : `\`${example.file}\`\n\n\`\`\`${fenceLanguage(example.file)}\n${code}\n\`\`\``;
}

function exampleText(example: RuleExample): string {
  const code = maskSecrets(example.code.replace(/\n$/, ''));
  return code.trim() === '' ? `  ${example.file}` : `  ${example.file}:\n${code.split('\n').map((l) => `    ${l}`).join('\n')}`;
}

/** Code scanning rejects a `fullDescription` longer than this; the whole rationale is in `help`. */
export const FULL_DESCRIPTION_LIMIT = 1024;

/** The rationale, cut after its last whole sentence that fits the limit (the rest is in `help`). */
export function fullDescription(rationale: string): string {
  if (rationale.length <= FULL_DESCRIPTION_LIMIT) return rationale;
  const more = ' (More in the rule help.)';
  const room = rationale.slice(0, FULL_DESCRIPTION_LIMIT - more.length);
  const end = Math.max(room.lastIndexOf('. '), room.lastIndexOf('.\n'), room.lastIndexOf(': '));
  return `${end > 0 ? room.slice(0, end + 1) : `${room.slice(0, room.length - 1)}…`}${more}`;
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const { securitySeverity, cwe } = classifyRule(meta);
  const url = ruleDocsUrl(meta.id);
  const bad = meta.examples.bad;
  const good = meta.examples.good;
  const markdown = [
    `**${meta.description}**`,
    meta.rationale,
    ...(bad.length ? ['#### Bad', ...bad.map(exampleMarkdown)] : []),
    ...(good.length ? ['#### Good', ...good.map(exampleMarkdown)] : []),
    `Suppress one finding with \`# sslguard-disable-next-line ${meta.id} -- reason\` on the line before it (\`//\` in code and JSONC). [Rule documentation](${url})`,
  ].join('\n\n');
  const text = [
    meta.description,
    meta.rationale,
    ...(bad.length ? ['Bad:', ...bad.map(exampleText)] : []),
    ...(good.length ? ['Good:', ...good.map(exampleText)] : []),
    `Documentation: ${url}`,
  ].join('\n\n');
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: fullDescription(meta.rationale) },
    helpUri: url,
    help: { text, markdown },
    defaultConfiguration: { level: meta.defaultSeverity },
    properties: {
      tags: ['security', 'tls', 'postgres', ...cwe.map((n) => `external/cwe/cwe-${n}`)],
      precision: 'high',
      'security-severity': securitySeverity,
    },
  };
}

/** A rule sslguard was not told about (a plugin's): enough for the log to stay valid and useful. */
function minimalDescriptor(id: string, severity: Finding['severity']): Sarif.ReportingDescriptor {
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: `sslguard rule ${id}.` },
    defaultConfiguration: { level: severity },
    properties: { tags: ['security'], 'security-severity': classifyRule({ id, defaultSeverity: severity }).securitySeverity },
  };
}

function artifactLocation(file: string): Sarif.ArtifactLocation {
  return { uri: pathToUriReference(file), uriBaseId: SRCROOT };
}

/** Link text of an embedded link in a plain text message: `\`, `[` and `]` escaped (SARIF 2.1.0 §3.11.6). */
function linkText(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/**
 * The trace across files as `relatedLocations` (ids from 1), linked from the message: GitHub code
 * scanning shows related locations only where the message embeds a link to them (`[text](id)`).
 */
function traceOf(finding: Finding): { text: string; locations: Sarif.Location[] } {
  const related = relatedOf(finding);
  const locations = related.map((r, i) => ({
    id: i + 1,
    physicalLocation: {
      artifactLocation: artifactLocation(r.file),
      region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
    },
    message: { text: r.message },
  }));
  const text = related.map((r, i) => ` ${r.message.replace(/\.$/, '')}: [${linkText(position(r))}](${i + 1}).`).join('');
  return { text, locations };
}

function result(finding: Finding, ruleIndex: number, baselineUsed: boolean): Sarif.Result {
  const trace = traceOf(finding);
  const out: Sarif.Result = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: finding.message + trace.text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.file),
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
        },
      },
    ],
    ...(trace.locations.length ? { relatedLocations: trace.locations } : {}),
    ...(finding.fingerprint || finding.lineHash
      ? {
          partialFingerprints: {
            ...(finding.lineHash ? { primaryLocationLineHash: finding.lineHash } : {}),
            ...(finding.fingerprint ? { [FINGERPRINT_KEY]: finding.fingerprint } : {}),
          },
        }
      : {}),
    properties: {
      environment: finding.environment,
      ...(finding.environmentReason ? { environmentReason: finding.environmentReason } : {}),
      ...(finding.consumer ? { consumer: finding.consumer } : {}),
      ...(finding.effectiveTls ? { effectiveTls: finding.effectiveTls } : {}),
    },
  };
  if (finding.suppressed) {
    // Code scanning closes an alert whose suppression is accepted (GitHub's SARIF documentation names
    // the field `suppressions[].state`; SARIF 2.1.0 and its schema call it `status`). The comment
    // that suppressed it is the accepted decision; its text after `--` is the justification.
    out.suppressions = [{ kind: 'inSource', status: 'accepted', ...(finding.suppressed.justification ? { justification: finding.suppressed.justification } : {}) }];
  } else if (baselineUsed) {
    // Findings a baseline covers are left out of the log rather than written with
    // `baselineState: "unchanged"`: GitHub code scanning does not read `baselineState`, so every
    // result it receives becomes an alert, and a baseline exists to keep known findings from
    // alerting. What remains is new relative to the baseline; other
    // viewers (VS Code's SARIF viewer) show that state. The count is in the run's properties.
    out.baselineState = 'new';
  }
  return out;
}

function notification(d: Diagnostic): Sarif.Notification {
  // `.` stands for the scan as a whole (git missing): no file to point at.
  const located = d.file !== '.' && d.file !== '';
  return {
    level: 'warning',
    message: { text: maskSecrets(d.message) },
    ...(located
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(d.file),
                ...(d.line !== undefined ? { region: { startLine: d.line, ...(d.column !== undefined ? { startColumn: d.column } : {}) } } : {}),
              },
            },
          ],
        }
      : {}),
  };
}

function toSarif(report: Parameters<Reporter>[0], options: Parameters<Reporter>[1]): Sarif.Log {
  const descriptors: Sarif.ReportingDescriptor[] = (options.rules ?? []).map(ruleDescriptor);
  // Present only when a baseline was applied (see ScanStats.baselined).
  const baselined = report.stats.baselined;
  const indexOf = new Map(descriptors.map((d, i) => [d.id, i]));
  const all = [...report.findings, ...report.suppressed].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
  );
  const results = all.map((f) => {
    let index = indexOf.get(f.ruleId);
    if (index === undefined) {
      index = descriptors.push(minimalDescriptor(f.ruleId, f.severity)) - 1;
      indexOf.set(f.ruleId, index);
    }
    return result(f, index, baselined !== undefined);
  });
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.version,
            semanticVersion: options.version,
            informationUri: HOMEPAGE,
            rules: descriptors,
          },
        },
        // Diagnostics are per-file ("not scanned") and never stop the scan, so the run succeeded.
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.diagnostics.map(notification) }],
        columnKind: 'utf16CodeUnits',
        results,
        ...(baselined !== undefined ? { properties: { baselined } } : {}),
      },
    ],
  };
}

export const formatSarif: Reporter = (report, options) => JSON.stringify(toSarif(report, options), null, 2) + '\n';
