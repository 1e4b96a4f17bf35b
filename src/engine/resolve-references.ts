// The core's one cross-file step, run after every file is extracted and before the rules: turns
// the references extractors recorded (`build:`, `--env-file`) into unit links. Each kind of
// reference has its own module; a new kind (issue 5: compose `env_file:`, Helm values → chart
// templates, k8s `envFrom`) adds a module here and every rule sees the links through unit views.
import type { Unit, UnitReference } from '../model.js';
import { linkImages, type Resolution } from './link-images.js';
import { linkEnvFiles } from './link-env-files.js';
import { unitOf } from '../extract/sink.js';

export interface ScannedSet {
  /** Every scanned file (POSIX, relative to the working directory). */
  files: ReadonlySet<string>;
  /** Units each file declared, in file order. */
  declared: ReadonlyMap<string, readonly Unit[]>;
}

export function resolveReferences(references: readonly UnitReference[], scanned: ScannedSet): Resolution {
  if (references.length === 0) return { links: [], diagnostics: [] };
  const images = linkImages(references, scanned.declared);
  const envFiles = linkEnvFiles(references, scanned.files);
  // A Helm values override inherits the chart's `values.yaml` beside it, when that was scanned.
  const helm = references.filter((r) => r.kind === 'helm-values' && scanned.files.has(r.path)).map((r) => ({ unit: r.unit, inherits: unitOf(r.path, 'helm-values', r.path) }));
  return { links: [...images.links, ...envFiles.links, ...helm], diagnostics: [...images.diagnostics, ...envFiles.diagnostics] };
}
