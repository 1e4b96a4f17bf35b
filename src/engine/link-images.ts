// Cross-file step of the pure core: a compose service whose `build:` names a Dockerfile among the
// scanned files runs that image, so the environment its Dockerfile sets (`ENV PGSSLMODE=disable`)
// applies to the service's connections. The compose extractor records the reference (it cannot see
// other files), the Dockerfile extractor declares its stages in order; this step links the service's
// unit to the stage it runs (`build.target`, else the last stage). Nothing is read here.
import type { Diagnostic, Unit, UnitLink, UnitReference } from '../model.js';
import { describeUnit } from '../policy/connection.js';

export interface Resolution {
  links: UnitLink[];
  diagnostics: Diagnostic[];
}

/**
 * `declared`: the units each scanned file declared, in file order (Dockerfile stages). A Dockerfile
 * that was not scanned (outside the scanned paths, ignored) links nothing: the service is judged on
 * its own environment, as before.
 */
export function linkImages(references: readonly UnitReference[], declared: ReadonlyMap<string, readonly Unit[]>): Resolution {
  const out: Resolution = { links: [], diagnostics: [] };
  for (const ref of references) {
    if (ref.kind !== 'dockerfile') continue;
    const stages = (declared.get(ref.path) ?? []).filter((u) => u.kind === 'dockerfile-stage');
    if (stages.length === 0) continue;
    const stage = ref.target === undefined ? stages.at(-1) : stages.find((u) => u.name === ref.target!.toLowerCase());
    if (!stage) {
      out.diagnostics.push({
        file: ref.file,
        line: ref.line,
        column: ref.column,
        message: `build target \`${ref.target}\` is not a stage of ${ref.path}: its environment is not applied to ${describeUnit(ref.unit)}`,
      });
      continue;
    }
    out.links.push({ unit: ref.unit, inherits: stage });
  }
  return out;
}
