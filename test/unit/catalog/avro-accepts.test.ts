// avro-accepts.ts decides without avsc that avsc accepts a schema. It may leave any schema to
// avsc, but what it accepts avsc must accept, with the same names registered: held to that on
// seeded random schemas (valid and broken, with the names and values avsc treats specially) and
// on the checker's whole path (a file that references another).
import avro from 'avsc';
import { avroAccepts } from '../../../catalog/schemas/avro-accepts';
import { AvroChecker } from '../../../catalog/schemas/avro';
import type { AvroSource } from '../../../catalog/schemas/avro';
import { seededRandom } from '../../support/seeded-random';

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];
const NAMES = [
  'A',
  'B',
  'a.b.C',
  '.D',
  'x.y',
  'int',
  'com.int',
  'constructor',
  'toString',
  '1A',
  'A-B',
  '',
  'Money',
  'com.acme.Money',
  '__proto__',
  'ns.',
];
const NAMESPACES = [undefined, undefined, 'com.acme', '', 'a.b', '1x', 5, 'toString'];
const DEFAULTS = [
  null,
  true,
  0,
  1,
  2147483648,
  1.5,
  'x',
  'A',
  {},
  [],
  { a: 1 },
  9007199254740991,
  'constructor',
];

function generator(rnd: () => number): () => unknown {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const gen = (d: number): unknown => {
    const r = rnd();
    if (d > 3 || r < 0.3) return rnd() < 0.7 ? pick(PRIMITIVES) : pick(NAMES);
    if (r < 0.45)
      return Array.from({ length: rnd() < 0.05 ? 0 : 1 + Math.floor(rnd() * 3) }, () =>
        rnd() < 0.05 ? [pick(PRIMITIVES)] : gen(d + 1),
      );
    if (r < 0.55)
      return { type: pick(PRIMITIVES), ...(rnd() < 0.5 ? { logicalType: 'date' } : {}) };
    if (r < 0.62)
      return {
        type: 'enum',
        name: pick(NAMES),
        ...(rnd() < 0.3 ? { namespace: pick(NAMESPACES) } : {}),
        symbols:
          rnd() < 0.1
            ? []
            : Array.from({ length: 1 + Math.floor(rnd() * 3) }, () =>
                pick(['A', 'B', 'constructor', '1', 'toString', 5]),
              ),
        ...(rnd() < 0.3 ? { default: pick(['A', 'B', 'X', 'constructor']) } : {}),
      };
    if (r < 0.67) return rnd() < 0.9 ? { type: 'array', items: gen(d + 1) } : { type: 'array' };
    if (r < 0.72)
      return rnd() < 0.9 ? { type: 'map', values: gen(d + 1) } : { type: 'map', values: '' };
    if (r < 0.74) return { type: 'fixed', name: pick(NAMES), size: 4 };
    if (r < 0.76) return { type: pick(['Money', 'A', 'unknown']) };
    if (r < 0.77) return pick([null, 5, true, {}]);
    const fields = Array.from({ length: Math.floor(rnd() * 4) }, () => {
      if (rnd() < 0.03) return null;
      return {
        name: pick(['a', 'b', 'a', '1x', 'class', '__proto__', 'constructor', 5]),
        ...(rnd() < 0.97 ? { type: gen(d + 1) } : {}),
        ...(rnd() < 0.4 ? { default: pick(DEFAULTS) } : {}),
        ...(rnd() < 0.05 ? { order: pick(['ascending', 'ignore', 'up']) } : {}),
      };
    });
    return {
      type: rnd() < 0.1 ? 'error' : 'record',
      ...(rnd() < 0.95 ? { name: pick(NAMES) } : {}),
      ...(rnd() < 0.3 ? { namespace: pick(NAMESPACES) } : {}),
      ...(rnd() < 0.05 ? { aliases: ['X'] } : {}),
      fields: rnd() < 0.05 ? 'no' : fields,
    };
  };
  return () => gen(0);
}

/** avsc's verdict as the checker asks for it, and the names it registers. */
function avsc(schema: unknown): { ok: true; names: string[] } | { ok: false } {
  const registry: Record<string, avro.Type> = {};
  avro.Type.forSchema(
    { type: 'record', name: 'Money', namespace: 'com.acme', fields: [] },
    { registry },
  );
  avro.Type.forSchema({ type: 'record', name: 'Money', fields: [] }, { registry });
  const before = new Set(Object.keys(registry));
  try {
    avro.Type.forSchema(schema as avro.Schema, {
      registry,
      noAnonymousTypes: true,
      typeHook: (s: avro.Schema) =>
        typeof s === 'object' &&
        s !== null &&
        !Array.isArray(s) &&
        PRIMITIVES.includes((s as { type: string }).type)
          ? avro.Type.forSchema((s as { type: string }).type as avro.Schema)
          : undefined,
    });
  } catch {
    return { ok: false };
  }
  return {
    ok: true,
    names: Object.keys(registry)
      .filter((k) => !before.has(k) && !PRIMITIVES.includes(k))
      .sort(),
  };
}

describe('avroAccepts', () => {
  it('accepts only what avsc accepts, registering the same names', () => {
    const gen = generator(seededRandom(20261130));
    const known = new Set(['com.acme.Money', 'Money']);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const schema = gen();
      const fast = avroAccepts(schema, known);
      if (!fast) continue;
      accepted++;
      // The schema in the comparison names the failing case.
      const verdict = avsc(JSON.parse(JSON.stringify(schema) ?? 'null'));
      expect({ schema, verdict }).toEqual({
        schema,
        verdict: { ok: true, names: [...fast].sort() },
      });
    }
    expect(accepted).toBeGreaterThan(1000); // the generator does reach the accepting path
  });

  it('leaves a schema avsc rejects to avsc, whatever the case', () => {
    const rejected: unknown[] = [
      { type: 'record', name: 'toString', fields: [] },
      { type: 'enum', name: 'E', symbols: ['constructor'] },
      {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'x', type: 'Later' },
          { name: 'y', type: { type: 'record', name: 'Later', fields: [] } },
        ],
      },
      {
        type: 'record',
        name: 'R',
        fields: [{ name: 'n', type: ['string', 'null'], default: null }],
      },
      { type: 'record', name: 'R', fields: [{ name: 'n', type: 'int', default: 2147483648 }] },
      { type: 'record', name: 'Money', namespace: 'com.acme', fields: [] },
      {
        type: 'record',
        name: 'R',
        fields: [{ name: 'u', type: ['int', { type: 'int', logicalType: 'date' }] }],
      },
    ];
    for (const schema of rejected) {
      expect(avsc(schema).ok).toBe(false);
      expect(avroAccepts(schema, new Set(['com.acme.Money']))).toBeUndefined();
    }
  });

  it("through the checker: a file's error is avsc's, and a reference's names are known", () => {
    const files = new Map<string, AvroSource>([
      [
        'money',
        {
          json: {
            type: 'record',
            name: 'Money',
            namespace: 'x',
            fields: [{ name: 'a', type: 'long' }],
          },
          references: [],
        },
      ],
      [
        'ok',
        {
          json: {
            type: 'record',
            name: 'Order',
            namespace: 'x',
            fields: [{ name: 'm', type: 'Money' }],
          },
          references: [{ file: 'money' }],
        },
      ],
      [
        'again',
        {
          json: { type: 'record', name: 'Money', namespace: 'x', fields: [] },
          references: [{ file: 'money' }],
        },
      ],
      [
        'missing',
        {
          json: {
            type: 'record',
            name: 'Order2',
            namespace: 'x',
            fields: [{ name: 'm', type: 'Money' }],
          },
          references: [],
        },
      ],
    ]);
    const checker = new AvroChecker((p) => files.get(p), new Set(['money']));
    expect(() => checker.check('money')).not.toThrow();
    expect(() => checker.check('ok')).not.toThrow();
    expect(() => checker.check('again')).toThrow('duplicate type name: x.Money');
    expect(() => checker.check('missing')).toThrow('undefined type name: x.Money');
  });
});
