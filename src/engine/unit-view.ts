// Unit views: which facts apply together. A unit's own facts come first, then those of the units it
// inherits through links (a compose service → the YAML anchor it merges, → the Dockerfile stage its
// image is built from, → the stage that one is built `FROM`), nearest first. Links come from the
// extractors (same file) and from the core's resolution of cross-file references (link-images.ts,
// link-env-files.ts); this module only turns them into lookups, so a later resolver (issue 5:
// cross-file resolution) adds links and every rule sees them without change.
import type { Fact, Unit, UnitLink } from '../model.js';

export interface UnitViews {
  /** Own facts, then inherited units' facts, nearest first (each unit once, cycles ignored). */
  inUnit(unitId: string): readonly Fact[];
  /** Units that inherit this one, directly or through others, nearest first. */
  usersOf(unitId: string): readonly Unit[];
}

export function buildUnitViews(byUnit: ReadonlyMap<string, readonly Fact[]>, links: readonly UnitLink[]): UnitViews {
  const parents = new Map<string, Unit[]>();
  const children = new Map<string, Unit[]>();
  for (const { unit, inherits } of links) {
    if (unit.id === inherits.id) continue;
    const p = parents.get(unit.id) ?? [];
    if (!p.some((u) => u.id === inherits.id)) p.push(inherits);
    parents.set(unit.id, p);
    const c = children.get(inherits.id) ?? [];
    if (!c.some((u) => u.id === unit.id)) c.push(unit);
    children.set(inherits.id, c);
  }
  // Breadth-first: a directly inherited unit is nearer than one inherited through it.
  const reach = (start: string, edges: Map<string, Unit[]>): Unit[] => {
    const seen = new Set([start]);
    const out: Unit[] = [];
    let frontier = [start];
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const u of edges.get(id) ?? []) {
          if (seen.has(u.id)) continue;
          seen.add(u.id);
          out.push(u);
          next.push(u.id);
        }
      }
      frontier = next;
    }
    return out;
  };
  const views = new Map<string, readonly Fact[]>();
  const users = new Map<string, readonly Unit[]>();
  return {
    inUnit(unitId) {
      const own = byUnit.get(unitId) ?? [];
      if (!parents.has(unitId)) return own;
      let view = views.get(unitId);
      if (!view) {
        view = [...own, ...reach(unitId, parents).flatMap((u) => byUnit.get(u.id) ?? [])];
        views.set(unitId, view);
      }
      return view;
    },
    usersOf(unitId) {
      if (!children.has(unitId)) return [];
      let list = users.get(unitId);
      if (!list) users.set(unitId, (list = reach(unitId, children)));
      return list;
    },
  };
}
