// Cross-file step of the pure core: `docker run --env-file <path>` in an MCP server's arguments
// gives the server's container every variable of that file. The file is used only when it is
// among the scanned files and was read as an env file; a path outside the scanned root, an ignored
// file or an odd name is never read, and a diagnostic says that its variables went unjudged.
import type { Unit, UnitReference } from '../model.js';
import { classifyPath } from '../discovery/kinds.js';
import { unitOf } from '../extract/sink.js';
import { describeUnit } from '../policy/connection.js';
import type { Resolution } from './link-images.js';

export function linkEnvFiles(references: readonly UnitReference[], scanned: ReadonlySet<string>): Resolution {
  const out: Resolution = { links: [], diagnostics: [] };
  for (const ref of references) {
    if (ref.kind !== 'env-file') continue;
    if (scanned.has(ref.path) && classifyPath(ref.path).includes('env')) {
      out.links.push({ unit: ref.unit, inherits: unitOf(ref.path, 'env-file', ref.path) });
      continue;
    }
    if (ref.optional) continue;
    out.diagnostics.push({
      file: ref.file,
      line: ref.line,
      column: ref.column,
      message: unscannedEnvFile(ref.written, ref.unit),
    });
  }
  return out;
}

/** The diagnostic for an env file a unit loads (`--env-file`, `envFile`, compose `env_file:`) that was not scanned. */
export function unscannedEnvFile(written: string, unit: Unit): string {
  return (
    `\`${written}\` is not among the scanned env files (outside the scanned root, ignored, missing, or not named like an env file): ` +
    `the variables it sets for ${describeUnit(unit)} are not judged`
  );
}
