import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Microsoft's SARIF Multitool, run directly (its npm `bin` wrapper goes through a shell). It is a
 * self-contained .NET program: invariant globalization spares it the ICU library, which a minimal
 * machine may not have. Returns its own SARIF log of what it found in `files`.
 */
export function multitool(files: string[], outDir: string): any {
  const binary: string = require('@microsoft/sarif-multitool');
  const out = join(outDir, 'validation.sarif');
  const r = spawnSync(binary, ['validate', '--level', 'Error;Warning;Note', '--output', out, ...files], {
    encoding: 'utf8',
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  if (r.error) throw new Error(`cannot run the SARIF Multitool (${binary}): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`SARIF Multitool exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** The Multitool's errors and warnings, one line each (notes are advice, not problems). */
export function multitoolProblems(validation: any): string[] {
  return (validation.runs[0].results as any[])
    .filter((r) => r.level === 'error' || r.level === 'warning')
    .map((r) => `${r.level} ${r.ruleId} ${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}: ${JSON.stringify(r.message)}`);
}

/** Names of the logs the Multitool analysed (it silently skips one it cannot deserialize). */
export function multitoolAnalysed(validation: any): string[] {
  const results: any[] = validation.runs[0].results;
  // The run-level note about version control provenance appears once per analysed log.
  return [...new Set(results.filter((r) => r.ruleId === 'SARIF2003').map((r) => r.locations[0].physicalLocation.artifactLocation.uri.replace(/^.*\//, '') as string))].sort();
}
