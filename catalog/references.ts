// The reference closure: what a schema or subject needs registered (or loaded) before it can be
// used, which is everything it references, transitively. The one walk of the reference graph:
// catalog validation over schema files, compatibility, the domain stacks' subject reads and
// layers, the local stack's registrations and type generation call referenceClosure; whoever
// walks a registry's references (the client app's codec, JSON Schema messages, the importer)
// calls readReferenceClosure. The catalog has refused reference cycles before anyone asks (a
// cycle would still end: each node is visited once).
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

/**
 * Every node `roots` reach, themselves included: referenceClosure's nodes as a set, for a caller
 * that needs no order (one loop with a stack of its own: faster, and no recursion).
 */
export function reachable<K>(roots: Iterable<K>, references: (node: K) => Iterable<K>): Set<K> {
  const seen = new Set<K>();
  const stack: K[] = [];
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    stack.push(root);
    while (stack.length > 0) {
      for (const next of references(stack.pop() as K)) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/**
 * referenceClosure over a graph known only as it is read (a registry's references): `read` gets
 * one level of unread nodes at a time (so it may read them concurrently) and answers each with
 * its value, or undefined when there is none (left out, and not followed). Every node is read
 * once, by `key`; the values come back references first, roots in their given order.
 */
export async function readReferenceClosure<K, V>(
  roots: Iterable<K>,
  read: (level: readonly K[]) => Promise<readonly (V | undefined)[]>,
  references: (value: V) => Iterable<K>,
  key: (node: K) => string = String,
): Promise<V[]> {
  const values = new Map<string, V | undefined>();
  const unread = (nodes: Iterable<K>): K[] => {
    const level = new Map<string, K>();
    for (const node of nodes) if (!values.has(key(node))) level.set(key(node), node);
    return [...level.values()];
  };
  const rootList = [...roots];
  for (let level = unread(rootList); level.length > 0;) {
    const answers = await read(level);
    level.forEach((node, i) => values.set(key(node), answers[i]));
    level = unread(answers.flatMap((v) => (v === undefined ? [] : [...references(v)])));
  }
  const next = (k: string): string[] => {
    const v = values.get(k);
    return v === undefined ? [] : [...references(v)].map((node) => key(node));
  };
  return referenceClosure(
    rootList.map((node) => key(node)),
    next,
  ).flatMap((k) => {
    const v = values.get(k);
    return v === undefined ? [] : [v];
  });
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
