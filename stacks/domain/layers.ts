// Schemas are registered after the subjects they reference. Inside one stack a for_each block
// cannot order its own instances, so a domain's subjects are split into layers: layer 0
// references nothing in the domain, layer n references layer n-1 at most. References to another
// domain's subjects are ordered by the stack dependency instead (that stack deploys first).
import type { Subject } from '../../catalog/model';
import { subjectClosure } from '../../catalog/references';
import { shared } from '../synth';

export interface SubjectLayers {
  /** Layer of every subject (the catalog has already refused reference cycles). */
  readonly layers: ReadonlyMap<string, number>;
  /** How many layers each domain's subjects use. */
  readonly counts: ReadonlyMap<string, number>;
}

/**
 * The layers of a catalog's subjects, worked out once for every environment (they share the
 * catalog's frozen subjects).
 */
export const subjectLayers = shared((subjects: readonly Subject[]): SubjectLayers => {
  const domainOf = new Map(subjects.map((s) => [s.name, s.schema.domain] as const));
  const layers = new Map<string, number>();
  // References first: a subject's references have their layers by the time it is reached.
  for (const s of subjectClosure(
    subjects,
    subjects.map((s) => s.name),
  )) {
    let layer = 0;
    for (const r of s.schema.references) {
      if (domainOf.get(r.subject) === s.schema.domain)
        layer = Math.max(layer, (layers.get(r.subject) ?? 0) + 1);
    }
    layers.set(s.name, layer);
  }
  // Layers per domain in one pass (a filter per domain is quadratic on big catalogs).
  const counts = new Map<string, number>();
  for (const s of subjects) {
    const count = (layers.get(s.name) ?? 0) + 1;
    counts.set(s.schema.domain, Math.max(counts.get(s.schema.domain) ?? 0, count));
  }
  return Object.freeze({ layers, counts });
});
