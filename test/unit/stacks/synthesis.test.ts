// The fast synthesis path writes exactly what cdktf itself would: stableJson renders the text of
// json-stable-stringify, and each domain stack's file is cdktf's rendering of that stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stableJson } from '../../../stacks/shared/stable-json';
import type { SortedMap } from '../../../stacks/shared/stable-json';
import { synthesizeSample } from './synthesized';

// cdktf's own serializer (a dependency of cdktf, not of this project).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stableStringify = require('cdktf/node_modules/json-stable-stringify') as (
  value: unknown,
  options: { space: number },
) => string;

const cdktfText = (value: unknown): string => stableStringify(value, { space: 2 });

describe('stableJson', () => {
  const cases: Record<string, unknown> = {
    scalars: { s: 'a "quoted" ${x}\n', n: 3, f: 1.5, t: true, nul: null },
    'unsorted keys at every level': { b: { z: 1, a: [{ y: 2, x: 1 }] }, a: 0, '10': 1, '9': 2 },
    'empty objects and arrays': { o: {}, a: [], nested: { o: {}, a: [[], {}] } },
    'undefined members': { keep: 1, drop: undefined, arr: [undefined, 1] },
    'toJSON values': { when: new Date(0), custom: { toJSON: () => ({ b: 1, a: [] }) } },
    'unicode keys and values': { 'é/ü|x': 'ß→', 'a b': '\u0001' },
    'a bare array': [{ b: 1, a: 2 }, 'x', []],
  };
  test.each(Object.entries(cases))('%s: the same text as json-stable-stringify', (_, value) => {
    expect(stableJson(value)).toBe(cdktfText(value));
  });

  test('a SortedMap is written as the object of its entries, in key order', () => {
    const items = new Map<string, unknown>([
      ['b|2', { z: [], a: 'x' }],
      ['a/1', { n: 1 }],
      ['B', {}],
    ]);
    const map: SortedMap = { sortedKeys: () => [...items.keys()].sort(), get: (k) => items.get(k) };
    expect(stableJson({ for_each: map, count: 1 })).toBe(
      cdktfText({ for_each: Object.fromEntries(items), count: 1 }),
    );
  });

  test('refuses cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => stableJson(cyclic)).toThrow(/circular/);
  });
});

describe('synthesized domain stacks', () => {
  const s = synthesizeSample();
  const domainStacks = [...s.built.environments.values()].flatMap((e) => [...e.domains.values()]);

  test.each(domainStacks.map((d) => [d.node.id, d] as const))(
    '%s: the file is cdktf’s rendering of the stack, entries included',
    (name, domainStack) => {
      const written = readFileSync(join(s.outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
      expect(written).toBe(cdktfText(domainStack.toTerraform()));
      expect(
        Object.keys(JSON.parse(written).resource.confluent_kafka_acl.acl.for_each).length,
      ).toBeGreaterThan(0);
    },
  );
});
