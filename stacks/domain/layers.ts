// Schemas are registered after the subjects they reference. Inside one stack a for_each block
// cannot order its own instances, so a domain's subjects are split into layers: layer 0
// references nothing in the domain, layer n references layer n-1 at most. References to another
// domain's subjects are ordered by the stack dependency instead (that stack deploys first).
import type { Subject } from '../../catalog/model';
import { referenceClosure } from '../../catalog/references';

/** Layer of every subject (the catalog has already refused reference cycles). */
export function subjectLayers(subjects: readonly Subject[]): Map<string, number> {
  const byName = new Map(subjects.map((s) => [s.name, s] as const));
  const layers = new Map<string, number>();
  const layerOf = (s: Subject, seen: Set<string>): number => {
    const known = layers.get(s.name);
    if (known !== undefined) return known;
    if (seen.has(s.name)) throw new Error(`schema reference cycle through ${s.name}`);
    seen.add(s.name);
    let layer = 0;
    for (const r of s.schema.references) {
      const target = byName.get(r.subject);
      if (target && target.schema.domain === s.schema.domain) {
        layer = Math.max(layer, layerOf(target, seen) + 1);
      }
    }
    layers.set(s.name, layer);
    return layer;
  };
  for (const s of subjects) layerOf(s, new Set());
  return layers;
}

/** The subjects a client of a topic reads: its key and value subjects and, transitively, their references. */
export function readSubjects(
  roots: readonly string[],
  subjects: ReadonlyMap<string, Subject>,
): string[] {
  const references = (name: string): string[] =>
    (subjects.get(name)?.schema.references ?? []).map((r) => r.subject);
  return referenceClosure(roots, references).sort();
}
