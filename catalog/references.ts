// The reference closure: what a schema or subject needs registered (or loaded) before it can be
// used, which is everything it references, transitively. The one walk of the reference graph:
// catalog validation over schema files, the domain stacks' subject reads, the local stack's
// registrations and type generation all call it. The catalog has refused reference cycles
// before anyone asks (a cycle would still end: each node is visited once).
import type { Subject } from './model';

/**
 * `roots` and every node they reference, transitively, each once and after everything it
 * references (the order to register or load them in); roots keep their given order.
 */
export function referenceClosure<K>(roots: Iterable<K>, references: (node: K) => Iterable<K>): K[] {
  const seen = new Set<K>();
  const out: K[] = [];
  const visit = (node: K): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const next of references(node)) visit(next);
    out.push(node);
  };
  for (const root of roots) visit(root);
  return out;
}

/** Subjects by name, made once per list of subjects (a catalog's or an environment's). */
const indexes = new WeakMap<readonly Subject[], ReadonlyMap<string, Subject>>();

function byName(subjects: readonly Subject[]): ReadonlyMap<string, Subject> {
  let index = indexes.get(subjects);
  if (!index) indexes.set(subjects, (index = new Map(subjects.map((s) => [s.name, s] as const))));
  return index;
}

/**
 * The subjects a reader of the `roots` subjects needs: the roots and, transitively, the subjects
 * their schemas reference, references first. Names not among `subjects` are left out.
 */
export function subjectClosure(subjects: readonly Subject[], roots: Iterable<string>): Subject[] {
  const index = byName(subjects);
  const known = [...roots].filter((name) => index.has(name));
  return referenceClosure(known, (name) =>
    (index.get(name)?.schema.references ?? []).map((r) => r.subject).filter((s) => index.has(s)),
  ).map((name) => index.get(name) as Subject);
}
