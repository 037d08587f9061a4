// The reference closure: one walk of the reference graph, used by validation, the stacks, the
// local stack and type generation.
import { loadCatalog } from '../../../catalog/loader';
import {
  readReferenceClosure,
  referenceClosure,
  subjectClosure,
} from '../../../catalog/references';
import { REPO_ROOT } from '../../../shared/repo-root';

const graph: Record<string, string[]> = {
  order: ['line', 'money'],
  line: ['money', 'sku'],
  money: ['currency'],
  currency: [],
  sku: [],
  other: ['sku'],
};

describe('referenceClosure', () => {
  const refs = (n: string): string[] => graph[n] ?? [];

  test('roots and everything they reference, each once, after what it references', () => {
    expect(referenceClosure(['order'], refs)).toEqual([
      'currency',
      'money',
      'sku',
      'line',
      'order',
    ]);
  });

  test('several roots share what they reference; unknown nodes are kept, without references', () => {
    expect(referenceClosure(['other', 'order', 'nowhere'], refs)).toEqual([
      'sku',
      'other',
      'currency',
      'money',
      'line',
      'order',
      'nowhere',
    ]);
  });

  test('a cycle ends', () => {
    expect(referenceClosure(['a'], (n) => (n === 'a' ? ['b'] : ['a']))).toEqual(['b', 'a']);
  });
});

describe('readReferenceClosure (a graph read as it is walked, e.g. a registry)', () => {
  test('reads each node once, a level at a time, and orders as referenceClosure does', async () => {
    const levels: string[][] = [];
    const values = await readReferenceClosure(
      ['order'],
      async (level) => {
        levels.push([...level]);
        return level.map((n) => (graph[n] ? { n, refs: graph[n] } : undefined));
      },
      (v) => v.refs,
    );
    expect(values.map((v) => v.n)).toEqual(referenceClosure(['order'], (n) => graph[n] ?? []));
    expect(levels).toEqual([['order'], ['line', 'money'], ['sku', 'currency']]);
  });

  test('nodes answered with undefined are left out and not followed; keys dedupe nodes', async () => {
    const values = await readReferenceClosure(
      [{ id: 'order' }, { id: 'order' }, { id: 'gone' }],
      async (level) => level.map((r) => (r.id === 'gone' ? undefined : r.id)),
      (id) => (id === 'order' ? [{ id: 'gone' }, { id: 'money' }] : []),
      (r) => r.id,
    );
    expect(values).toEqual(['money', 'order']);
  });
});

describe('subjectClosure on the sample catalog', () => {
  const loaded = loadCatalog(REPO_ROOT);
  if (!loaded.catalog) throw new Error('the sample catalog does not load');
  const catalog = loaded.catalog;

  test('a subject with a reference: the referenced subject first', () => {
    const withRef = catalog.subjects.find((s) => s.schema.references.length > 0);
    if (!withRef) throw new Error('the sample has no schema reference');
    const names = subjectClosure(catalog.subjects, [withRef.name]).map((s) => s.name);
    expect(names[names.length - 1]).toBe(withRef.name);
    for (const r of withRef.schema.references) {
      expect(names.indexOf(r.subject)).toBeGreaterThanOrEqual(0);
      expect(names.indexOf(r.subject)).toBeLessThan(names.indexOf(withRef.name));
    }
  });

  test('names that are not subjects are left out', () => {
    expect(subjectClosure(catalog.subjects, ['no.such.subject-value'])).toEqual([]);
  });
});
