// The fast synthesis path writes exactly what cdktf itself would: stableJson renders the text of
// json-stable-stringify, and each domain stack's file is cdktf's rendering of that stack.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aclKey, produceGrants } from '../../catalog/access';
import { loadCatalog } from '../../catalog/loader';
import { buildStacks } from '../app';
import { Aspects } from 'cdktf';
import { KafkaTopic } from '../.gen/providers/confluent/kafka-topic';
import { ConfluentProvider } from '../.gen/providers/confluent/provider';
import { createApp } from './app';
import { CatalogStack } from './catalog-stack';
import { each } from './entries';
import { literalAttributes } from './refs';
import { Rendered, stableJson, stableJsonAt, stableJsonParts } from './stable-json';
import type { SortedMap } from './stable-json';
import { terraformValidate } from '../../scripts/providers/terraform';
import { REPO_ROOT } from '../../shared/repo-root';
import { catalogFixture } from '../../test/support/catalog-fixture';
import { seededRandom } from '../../test/support/seeded-random';
import { synthesizeSample } from '../../test/unit/stacks/synthesized';
import type { Json } from '../../test/unit/stacks/synthesized';

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

  test('text rendered beforehand is written at the indentation it is rendered for', () => {
    const inner = { b: [1, {}], a: { z: 'x' } };
    const rendered = new Rendered((indent) => stableJsonAt(inner, indent));
    expect(stableJson({ r: { s: rendered }, t: [rendered] })).toBe(
      cdktfText({ r: { s: inner }, t: [inner] }),
    );
  });

  // Maps of plain data are written by JSON.stringify where that gives the same text (keys sorted
  // by copying, empty objects and arrays broken over two lines): held to json-stable-stringify on
  // seeded random data, keys chosen to hit what differs (index-like keys, quotes, line breaks,
  // brackets in strings, `__proto__`, `toJSON`, U+2028), at every nesting depth.
  test('maps of random plain data: the same text as json-stable-stringify', () => {
    const random = seededRandom(18);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const words = ['a', 'b', 'z', 'B', '10', '9', '0', '01', '-1', 'é', 'x"y', 'a\nb', '[]', '{}'];
    words.push('": [],', '\u2028', ' ', '', 'toJSON', '__proto__', 'a\\', '"k": {}');
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.4)
        return pick([
          1,
          0,
          -0,
          1.5,
          1e21,
          NaN,
          true,
          false,
          null,
          undefined,
          Symbol('s'),
          ...words,
        ]);
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) {
        Object.defineProperty(object, pick(words), {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    };
    for (let n = 0; n < 3000; n++) {
      const items = new Map<string, unknown>();
      for (let i = Math.floor(random() * 4); i >= 0; i--) items.set(`${pick(words)}${i}`, value(0));
      const map: SortedMap = {
        sortedKeys: () => [...items.keys()].sort(),
        get: (k) => items.get(k),
      };
      let mine: unknown = map;
      let theirs: unknown = Object.fromEntries(items);
      for (let d = Math.floor(random() * 5); d > 0; d--) {
        mine = { x: mine, a: [1] };
        theirs = { x: theirs, a: [1] };
      }
      expect(stableJson(mine)).toBe(cdktfText(theirs));
    }
  });

  // A stack's file is written in parts, by JSON.stringify where it gives the same text, with text
  // rendered beforehand (strings or bytes) put in at its indentation.
  test('parts of random plain data with rendered text: the same bytes as json-stable-stringify', () => {
    const random = seededRandom(1818);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const words = ['a', 'b', 'Z', '10', '9', 'x"y', 'a\nb', '[]', '{}', '\u0000', '\u00000"', ''];
    words.push('"\\u00000"', 'é', '__proto__', 'toJSON');
    // [what is written, what json-stable-stringify is given]
    const value = (depth: number): [unknown, unknown] => {
      const r = random();
      if (depth > 4 || r < 0.3) {
        const leaf = pick([1, -0, 1e21, NaN, true, null, undefined, Symbol('s'), ...words]);
        return [leaf, leaf];
      }
      if (r < 0.45) {
        const [, plain] = value(depth + 1);
        // Text is rendered for values that are written (entries), never for left-out ones.
        if (plain === undefined || typeof plain === 'symbol') return [plain, plain];
        const bytes = random() < 0.5;
        const rendered = new Rendered((indent) => {
          const text = stableJsonAt(plain, indent);
          return bytes ? Buffer.from(text) : text;
        });
        return [rendered, plain];
      }
      if (r < 0.6) {
        const items = Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
        return [items.map(([m]) => m), items.map(([, t]) => t)];
      }
      const mine: Record<string, unknown> = {};
      const theirs: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) {
        const key = pick(words);
        const [m, t] = value(depth + 1);
        for (const [object, v] of [
          [mine, m],
          [theirs, t],
        ] as const)
          Object.defineProperty(object, key, { value: v, enumerable: true, configurable: true });
      }
      return [mine, theirs];
    };
    for (let n = 0; n < 3000; n++) {
      const [mine, theirs] = value(0);
      expect(Buffer.concat(stableJsonParts({ v: mine })).toString('utf8')).toBe(
        cdktfText({ v: theirs }),
      );
    }
  });

  test('refuses cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => stableJson(cyclic)).toThrow(/circular/);
  });
});

// toTerraform() is cdktf's own rendering (TerraformStack.toTerraform, then the entries); the
// file is written by CatalogStack's faster path.
describe('synthesized platform, domain and secrets stacks', () => {
  const s = synthesizeSample();
  const stacks = [...s.built.environments.values()].flatMap((e) => [
    e.platform,
    ...e.domains.values(),
    ...(e.secrets ? [e.secrets] : []),
  ]);

  test.each(stacks.map((st) => [st.node.id, st] as const))(
    '%s: the file is cdktf’s rendering of the stack, entries included',
    (name, catalogStack) => {
      expect(catalogStack).toBeInstanceOf(CatalogStack);
      const written = readFileSync(join(s.outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
      expect(written).toBe(cdktfText(catalogStack.toTerraform()));
      expect(Object.keys(JSON.parse(written).resource).length).toBeGreaterThan(0);
    },
  );

  test('domain stacks hold their entries', () => {
    for (const env of s.built.environments.values()) {
      for (const d of env.domains.values()) {
        const json = JSON.parse(
          readFileSync(join(s.outdir, 'stacks', d.node.id, 'cdk.tf.json'), 'utf8'),
        ) as Json;
        expect(Object.keys(json.resource.confluent_kafka_acl.acl.for_each).length).toBeGreaterThan(
          0,
        );
      }
    }
  });
});

// Domain stacks prepare only the elements that hold tokens (CatalogStack.prepareStack): a schema
// that references another domain's subject must still get that domain's output, remote state and
// stack dependency. The sample catalog has no such reference, so this one adds it.
describe('a schema referencing another domain’s subject', () => {
  const shipping = readFileSync(join(REPO_ROOT, 'topics', 'shipping.yaml'), 'utf8');
  const root = catalogFixture({
    'topics/shipping.yaml': shipping.replace(
      /\ntopics:\n/,
      [
        '',
        'topics:',
        '  parcel-priced:',
        '    description: A parcel was priced',
        '    schema: { value: parcel-priced.avsc, key: string }',
        '    producers: [shipment-service]',
        '    consumers: [tracking-api]',
        '',
      ].join('\n'),
    ),
    'schemas/shipping/parcel-priced.avsc': JSON.stringify({
      type: 'record',
      name: 'ParcelPriced',
      namespace: 'com.acme.shipping',
      fields: [
        { name: 'parcelId', type: 'string' },
        { name: 'price', type: 'com.acme.orders.types.Money' },
      ],
    }),
  });
  const loaded = loadCatalog(root);
  if (!loaded.catalog) throw new Error('the fixture catalog does not load');
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-xref-'));
  const built = buildStacks(loaded.catalog, { outdir, environments: ['prod'] });
  built.app.synth();
  const read = (name: string): Json =>
    JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Json;

  test('reads the registered version from the other domain’s stack, which deploys first', () => {
    const [shippingStack, orders] = [read('domain-shipping-prod'), read('domain-orders-prod')];
    const entry = shippingStack.resource.confluent_schema.schema_0.for_each[
      'shipping.parcel-priced.v1-value'
    ] as Json;
    expect(entry.references).toEqual([
      { name: 'com.acme.orders.types.Money', subject_name: 'orders.types.money' },
    ]);
    const version = shippingStack.locals.schema_versions_0['orders.types.money'] as string;
    const m = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}$/.exec(version);
    if (!m) throw new Error(`not a remote state output: ${version}`);
    const config = shippingStack.data.terraform_remote_state[m[1] as string].config as Json;
    expect(config.key).toBe('streamplane/prod/domain-orders-prod.tfstate');
    expect(orders.output[m[2] as string]).toEqual({
      sensitive: true,
      value: '${confluent_schema.schema_0["orders.types.money"].version}',
    });
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Json;
    expect(manifest.stacks['domain-shipping-prod'].dependencies).toEqual(
      expect.arrayContaining(['platform-prod', 'domain-orders-prod']),
    );
  });

  test.each(['shipping', 'orders'])('domain-%s-prod is cdktf’s rendering of the stack', (d) => {
    const domainStack = built.environments.get('prod')?.domains.get(d);
    if (!domainStack) throw new Error(`no stack for ${d}`);
    expect(readFileSync(join(outdir, 'stacks', `domain-${d}-prod`, 'cdk.tf.json'), 'utf8')).toBe(
      cdktfText(domainStack.toTerraform()),
    );
  });

  test.each(['domain-shipping-prod', 'domain-orders-prod'])(
    'terraform validate: %s',
    async (name) => {
      const result = await terraformValidate(join(outdir, 'stacks', name));
      expect(result.output).toBe(result.ok ? result.output : '');
      expect(result.ok).toBe(true);
    },
    120_000,
  );
});

test('HCL output is refused rather than written without the entries', () => {
  const loaded = loadCatalog(REPO_ROOT);
  if (!loaded.catalog) throw new Error('the sample catalog does not load');
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const outdir = mkdtempSync(join(tmpdir(), 'streamplane-hcl-'));
    const { app } = buildStacks(loaded.catalog, { outdir, environments: ['dev'] });
    expect(() => app.synth()).toThrow(/HCL output is not supported/);
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
});

test('a stack synthesized again writes the entries added since, not the text rendered before', () => {
  const loaded = loadCatalog(REPO_ROOT);
  if (!loaded.catalog) throw new Error('the sample catalog does not load');
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-again-'));
  const built = buildStacks(loaded.catalog, { outdir, environments: ['staging'] });
  built.app.synth();
  const orders = built.environments.get('staging')?.domains.get('orders');
  if (!orders) throw new Error('no orders stack');
  const app = loaded.catalog.app('orders/order-service');
  const [grant] = produceGrants('orders.extra.v1', app);
  if (!grant) throw new Error('no grant');
  orders.acls.add(grant);
  built.app.synth();
  const written = readFileSync(
    join(outdir, 'stacks', 'domain-orders-staging', 'cdk.tf.json'),
    'utf8',
  );
  expect(written).toBe(cdktfText(orders.toTerraform()));
  expect(written).toContain(aclKey(grant));
});

test('a literal attribute is written after resolution, never over one cdktf rendered', () => {
  const render = (partitions?: number): string => {
    const app = createApp({ outdir: mkdtempSync(join(tmpdir(), 'streamplane-literal-')) });
    const stack = new CatalogStack(app, 'literal');
    new ConfluentProvider(stack, 'confluent');
    const topic = new KafkaTopic(stack, 'topic', {
      topicName: each.key,
      ...(partitions === undefined ? {} : { partitionsCount: partitions }),
    });
    literalAttributes(topic, { partitions_count: each.value('partitions') });
    app.synth();
    return readFileSync(join(app.outdir, 'stacks', 'literal', 'cdk.tf.json'), 'utf8');
  };
  const written = JSON.parse(render()) as Json;
  expect(written.resource.confluent_kafka_topic.topic.partitions_count).toBe(
    '${each.value.partitions}',
  );
  expect(written['//'].metadata.overrides).toBeUndefined();
  expect(() => render(3)).toThrow(/sets partitions_count twice/);
});

test('synthesizing again rewrites a stack file only when its bytes differ', () => {
  const { catalog } = loadCatalog(REPO_ROOT);
  if (!catalog) throw new Error('the sample catalog does not load');
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-rewrite-'));
  const synth = (): void => buildStacks(catalog, { outdir, environments: ['dev'] }).app.synth();
  synth();
  const file = join(outdir, 'stacks', 'domain-orders-dev', 'cdk.tf.json');
  const text = readFileSync(file, 'utf8');
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(file, past, past);
  synth();
  expect(statSync(file).mtime).toEqual(past);
  // The same size, other bytes: found by comparing, and written again.
  writeFileSync(file, text.replace('"orders.', '"ORDERS.'));
  synth();
  expect(readFileSync(file, 'utf8')).toBe(text);
});

// Synthesis resolves what preparing the stack rendered instead of rendering every element again,
// unless something that runs in between could have changed an element: an aspect does here.
test('an element an aspect changes after preparation is written as changed', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'streamplane-aspect-'));
  try {
    const app = createApp({ outdir });
    const stack = new CatalogStack(app, 'aspect');
    new ConfluentProvider(stack, 'confluent');
    const topic = new KafkaTopic(stack, 'topic', { topicName: 'before', partitionsCount: 1 });
    stack.prepareStack = ((prepare) => () => {
      prepare();
      Aspects.of(stack).add({ visit: (node) => node === topic && (topic.topicName = 'after') });
    })(stack.prepareStack.bind(stack));
    app.synth();
    const written = readFileSync(join(outdir, 'stacks', 'aspect', 'cdk.tf.json'), 'utf8');
    expect(JSON.parse(written).resource.confluent_kafka_topic.topic.topic_name).toBe('after');
    expect(written).toBe(cdktfText(stack.toTerraform()));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
