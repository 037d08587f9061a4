// One failing fixture per rule, asserting the exact file, line, column and rule id.
import { validateCatalog } from '../../../catalog/validate';
import { catalogFixture, lines } from '../../support/catalog-fixture';

interface Case {
  name: string;
  files: Record<string, string | null>;
  expect: { rule: string; file: string; line: number; col: number; severity?: 'error' | 'warning' };
  message?: RegExp;
  hint?: RegExp;
}

/** A small valid domain; each case changes one thing in it. */
const shop = (topic: string[] = [], apps: string[] = [], head: string[] = []): string =>
  lines(
    'domain: shop', //                                   1
    'description: A test shop', //                       2
    'owners: { team: "@acme/shop" }', //                 3
    ...(head.length ? head : []),
    'apps:', //                                          4
    '  cart: { description: Cart service }', //          5
    '  till: { description: Till }', //                  6
    ...apps,
    'topics:', //                                        7 (+apps)
    '  basket-changed:', //                              8
    '    description: A basket changed', //              9
    '    schema: { value: basket.avsc }', //             10
    '    producers: [cart]', //                          11
    '    consumers: [till]', //                          12
    ...topic,
  );

const basket = JSON.stringify(
  {
    type: 'record',
    name: 'Basket',
    namespace: 'com.acme.shop',
    fields: [{ name: 'id', type: 'string' }],
  },
  null,
  2,
);
const shopFiles = (
  domain: string,
  extra: Record<string, string | null> = {},
): Record<string, string | null> => ({
  'topics/shop.yaml': domain,
  'schemas/shop/basket.avsc': basket,
  '.github/CODEOWNERS': null,
  ...extra,
});

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    files: shopFiles(lines('domain: shop', 'description: [unclosed', 'owners: x')),
    expect: { rule: 'yaml-syntax', file: 'topics/shop.yaml', line: 3, col: 1 },
  },
  {
    name: 'duplicate key',
    files: shopFiles(
      lines('domain: shop', 'description: a', 'description: b', 'owners: { team: "@acme/shop" }'),
    ),
    expect: { rule: 'duplicate-key', file: 'topics/shop.yaml', line: 3, col: 1 },
  },
  {
    name: 'unknown key with a suggestion',
    files: shopFiles(shop(['    retension: 7d'])),
    expect: { rule: 'unknown-key', file: 'topics/shop.yaml', line: 13, col: 5 },
    hint: /did you mean "retention"/,
  },
  {
    name: 'transactional declared on a topic',
    files: shopFiles(shop(['    transactional: true'])),
    expect: { rule: 'unknown-key', file: 'topics/shop.yaml', line: 13, col: 5 },
    hint: /on the app/,
  },
  {
    name: 'missing required key',
    files: shopFiles(lines('domain: shop', 'owners: { team: "@acme/shop" }')),
    expect: { rule: 'missing-key', file: 'topics/shop.yaml', line: 1, col: 1 },
    message: /description/,
  },
  {
    name: 'wrong type',
    files: shopFiles(shop(['    partitions: six'])),
    expect: { rule: 'invalid-type', file: 'topics/shop.yaml', line: 13, col: 17 },
    message: /expected int|expected number/,
  },
  {
    name: 'partitions below 1',
    files: shopFiles(shop(['    partitions: 0'])),
    expect: { rule: 'out-of-range', file: 'topics/shop.yaml', line: 13, col: 17 },
  },
  {
    name: 'partitions above the platform limit',
    files: shopFiles(shop(['    partitions: 49'])),
    expect: { rule: 'partitions-limit', file: 'topics/shop.yaml', line: 13, col: 17 },
    message: /48/,
  },
  {
    name: 'malformed duration',
    files: shopFiles(shop(['    retention: 7 days'])),
    expect: { rule: 'invalid-duration', file: 'topics/shop.yaml', line: 13, col: 16 },
  },
  {
    name: 'retention out of bounds',
    files: shopFiles(shop(['    retention: 91d'])),
    expect: { rule: 'retention-bounds', file: 'topics/shop.yaml', line: 13, col: 16 },
    message: /1h to 90d/,
  },
  {
    name: 'infinite retention not allowed',
    files: shopFiles(shop(['    retention: infinite'])),
    expect: { rule: 'retention-bounds', file: 'topics/shop.yaml', line: 13, col: 16 },
  },
  {
    name: 'invalid compatibility level',
    files: shopFiles(
      shop(['    cleanupPolicy: delete']).replace(
        '{ value: basket.avsc }',
        '{ value: basket.avsc, compatibility: BACKWARDS }',
      ),
    ),
    expect: { rule: 'invalid-value', file: 'topics/shop.yaml', line: 10, col: 50 },
    hint: /did you mean "BACKWARD"/,
  },
  {
    name: 'invalid cleanup policy',
    files: shopFiles(shop(['    cleanupPolicy: compacted'])),
    expect: { rule: 'invalid-value', file: 'topics/shop.yaml', line: 13, col: 20 },
  },
  {
    name: 'file name does not match the domain',
    files: shopFiles(shop().replace('domain: shop', 'domain: shops')),
    expect: { rule: 'file-name-mismatch', file: 'topics/shop.yaml', line: 1, col: 9 },
  },
  {
    name: 'topic name not kebab-case',
    files: shopFiles(shop(['  Basket_Emptied:', '    description: x'])),
    expect: { rule: 'invalid-name', file: 'topics/shop.yaml', line: 13, col: 3 },
  },
  {
    name: 'explicit name outside the domain prefix',
    files: shopFiles(shop(['    name: orders.sneaky'])),
    expect: { rule: 'topic-outside-domain', file: 'topics/shop.yaml', line: 13, col: 11 },
  },
  {
    name: 'explicit name that is not a valid Kafka topic name',
    files: shopFiles(shop(['    name: "shop.bad name"'])),
    expect: { rule: 'topic-name-convention', file: 'topics/shop.yaml', line: 13, col: 11 },
  },
  {
    name: 'full topic name declared by two domains',
    files: shopFiles(
      shop([
        '  basket-copy:',
        '    name: shop.basket-changed.v1',
        '    description: x',
        '    producers: [cart]',
        '    consumers: [till]',
        '    schema: { value: basket.avsc }',
      ]),
    ),
    expect: { rule: 'duplicate-topic', file: 'topics/shop.yaml', line: 14, col: 11 },
  },
  {
    name: 'producer that is not an app',
    files: shopFiles(shop().replace('producers: [cart]', 'producers: [crat]')),
    expect: { rule: 'unknown-app', file: 'topics/shop.yaml', line: 11, col: 17 },
    hint: /did you mean "cart"/,
  },
  {
    name: 'consumer in an unknown domain',
    files: shopFiles(shop().replace('consumers: [till]', 'consumers: [till, billing/x]')),
    expect: { rule: 'unknown-domain', file: 'topics/shop.yaml', line: 12, col: 23 },
  },
  {
    name: 'consumer app missing in another domain',
    files: shopFiles(
      shop().replace('consumers: [till]', 'consumers: [till, payments/payment-svc]'),
    ),
    expect: { rule: 'unknown-app', file: 'topics/shop.yaml', line: 12, col: 23 },
    hint: /payment-service/,
  },
  {
    name: 'override for an undeclared environment',
    files: shopFiles(shop(['    environments: { dve: { partitions: 1 } }'])),
    expect: { rule: 'unknown-environment', file: 'topics/shop.yaml', line: 13, col: 21 },
    hint: /did you mean "dev"/,
  },
  {
    name: 'config key not allow-listed',
    files: shopFiles(shop(['    config: { unclean.leader.election.enable: true }'])),
    expect: { rule: 'config-not-allowed', file: 'topics/shop.yaml', line: 13, col: 15 },
  },
  {
    name: 'config key reserved for a field',
    files: shopFiles(shop(['    config: { retention.ms: 1000 }'])),
    expect: { rule: 'config-reserved', file: 'topics/shop.yaml', line: 13, col: 15 },
  },
  {
    name: 'config value malformed',
    files: shopFiles(shop(['    config: { message.timestamp.type: Created }'])),
    expect: { rule: 'config-invalid-value', file: 'topics/shop.yaml', line: 13, col: 39 },
  },
  {
    name: 'min.insync.replicas above an environment replication factor',
    files: shopFiles(shop(['    config: { min.insync.replicas: 2 }'])),
    expect: { rule: 'min-isr-above-replication', file: 'topics/shop.yaml', line: 13, col: 36 },
    message: /local \(1\)/,
  },
  {
    name: 'deleting a protected topic',
    files: shopFiles(shop(['    delete: true'])),
    expect: { rule: 'delete-protected', file: 'topics/shop.yaml', line: 13, col: 13 },
  },
  {
    name: 'schema file missing',
    files: shopFiles(shop().replace('basket.avsc', 'baskt.avsc')),
    expect: { rule: 'schema-missing', file: 'topics/shop.yaml', line: 10, col: 22 },
    hint: /did you mean "basket.avsc"/,
  },
  {
    name: 'schema outside the domain folder',
    files: shopFiles(shop().replace('basket.avsc', '../orders/order-status.avsc')),
    expect: { rule: 'schema-outside-domain', file: 'topics/shop.yaml', line: 10, col: 22 },
  },
  {
    name: 'schema file not valid JSON',
    files: shopFiles(shop(), {
      'schemas/shop/basket.avsc': '{\n  "type": "record",\n  "name": "Basket",\n}',
    }),
    expect: { rule: 'schema-invalid', file: 'schemas/shop/basket.avsc', line: 4, col: 1 },
  },
  {
    name: 'Avro schema invalid',
    files: shopFiles(shop(), {
      'schemas/shop/basket.avsc':
        '{\n  "type": "record",\n  "name": "Basket",\n  "namespace": "com.acme.shop",\n  "fields": [{ "name": "id", "type": "strnig" }]\n}',
    }),
    expect: {
      rule: 'schema-reference-unresolved',
      file: 'schemas/shop/basket.avsc',
      line: 5,
      col: 39,
    },
    hint: /did you mean "string"/,
  },
  {
    // Primitive types are shared between schema checks (avro.ts): a default is still checked.
    name: 'Avro default of the wrong type',
    files: shopFiles(shop(), {
      'schemas/shop/basket.avsc':
        '{\n  "type": "record",\n  "name": "Basket",\n  "namespace": "com.acme.shop",\n  "fields": [\n    { "name": "count", "type": "int" },\n    { "name": "at", "type": { "type": "long", "logicalType": "timestamp-millis" }, "default": "soon" }\n  ]\n}',
    }),
    expect: { rule: 'schema-invalid', file: 'schemas/shop/basket.avsc', line: 7, col: 96 },
  },
  {
    // No file cycle: shop's basket uses orders' Money, orders' order-status uses shop's Coupon.
    name: "two domains referencing each other's schemas",
    files: shopFiles(shop(), {
      'schemas/shop/basket.avsc':
        '{\n  "type": "record",\n  "name": "Basket",\n  "namespace": "com.acme.shop",\n' +
        '  "fields": [{ "name": "total", "type": "com.acme.orders.types.Money" }]\n}',
      'schemas/shop/coupon.avsc':
        '{ "type": "record", "name": "Coupon", "namespace": "com.acme.shop", "fields": [] }',
      'schemas/orders/order-status.avsc':
        '{\n  "type": "record",\n  "name": "OrderStatus",\n  "namespace": "com.acme.orders",\n' +
        '  "fields": [\n    { "name": "orderId", "type": "string" },\n' +
        '    { "name": "coupon", "type": ["null", "com.acme.shop.Coupon"], "default": null }\n  ]\n}',
    }),
    // Both references are reported; the first in file order is asserted here.
    expect: {
      rule: 'schema-domain-cycle',
      file: 'schemas/orders/order-status.avsc',
      line: 7,
      col: 43,
    },
    message:
      /^orders references schemas\/shop\/coupon\.avsc of shop, and shop depends on orders in turn \(orders → shop → orders\)$/,
  },
  {
    name: 'Avro namespace outside the domain',
    files: shopFiles(shop(), {
      'schemas/shop/basket.avsc':
        '{\n  "type": "record",\n  "name": "Basket",\n  "namespace": "com.acme.orders",\n  "fields": []\n}',
    }),
    expect: { rule: 'avro-namespace', file: 'schemas/shop/basket.avsc', line: 4, col: 16 },
  },
  {
    name: 'JSON Schema invalid',
    files: shopFiles(shop().replace('basket.avsc', 'basket.json'), {
      'schemas/shop/basket.json':
        '{\n  "type": "object",\n  "properties": { "id": { "type": "strin" } }\n}',
    }),
    expect: { rule: 'schema-invalid', file: 'schemas/shop/basket.json', line: 3, col: 35 },
  },
  {
    name: 'JSON Schema $ref unresolved',
    files: shopFiles(shop().replace('basket.avsc', 'basket.json'), {
      'schemas/shop/basket.json':
        '{\n  "type": "object",\n  "properties": { "total": { "$ref": "money.json" } }\n}',
    }),
    expect: {
      rule: 'schema-reference-unresolved',
      file: 'schemas/shop/basket.json',
      line: 3,
      col: 39,
    },
  },
  {
    name: 'Protobuf syntax error',
    files: shopFiles(shop().replace('basket.avsc', 'basket.proto'), {
      'schemas/shop/basket.proto':
        'syntax = "proto3";\npackage shop;\nmessage Basket {\n  string id = 1\n}\n',
    }),
    expect: { rule: 'schema-invalid', file: 'schemas/shop/basket.proto', line: 5, col: 1 },
  },
  {
    name: 'Protobuf import unresolved',
    files: shopFiles(shop().replace('basket.avsc', 'basket.proto'), {
      'schemas/shop/basket.proto':
        'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Basket {\n  string id = 1;\n}\n',
    }),
    expect: {
      rule: 'schema-reference-unresolved',
      file: 'schemas/shop/basket.proto',
      line: 3,
      col: 9,
    },
  },
  {
    name: 'Protobuf unknown type',
    files: shopFiles(shop().replace('basket.avsc', 'basket.proto'), {
      'schemas/shop/basket.proto':
        'syntax = "proto3";\npackage shop;\nmessage Basket {\n  Money total = 1;\n}\n',
    }),
    expect: { rule: 'schema-invalid', file: 'schemas/shop/basket.proto', line: 4, col: 3 },
  },
  {
    name: 'schema folder of no domain',
    files: shopFiles(shop(), { 'schemas/ghost/thing.avsc': basket }),
    expect: { rule: 'schema-unknown-domain', file: 'schemas/ghost/thing.avsc', line: 1, col: 1 },
  },
  {
    name: 'a file in topics/ that is not a domain file',
    files: shopFiles(shop(), { 'topics/README.md': 'hello' }),
    expect: { rule: 'unexpected-file', file: 'topics/README.md', line: 1, col: 1 },
  },
  {
    name: 'partitions beyond the cluster capacity',
    files: shopFiles(shop(), {
      'topics/bulk.yaml': lines(
        'domain: bulk',
        'description: Many partitions',
        'owners: { team: "@acme/bulk" }',
        'apps: { loader: { description: Loads } }',
        'topics:',
        ...Array.from(
          { length: 90 },
          (_, i) =>
            `  t${i}: { description: x, partitions: 48, producers: [loader], consumers: [loader] }`,
        ),
      ),
    }),
    expect: { rule: 'capacity-partitions', file: 'platform.yaml', line: 51, col: 22 },
    message: /dev" needs 4\d{3} partitions; a basic cluster holds 4096/,
  },
  {
    name: 'ACLs beyond the cluster capacity',
    files: shopFiles(shop(), {
      'topics/bulk.yaml': lines(
        'domain: bulk',
        'description: Many ACLs',
        'owners: { team: "@acme/bulk" }',
        'apps:',
        ...Array.from({ length: 60 }, (_, i) => `  a${i}: { description: x }`),
        'topics:',
        ...Array.from(
          { length: 10 },
          (_, i) =>
            `  t${i}: { description: x, partitions: 1, producers: [${Array.from({ length: 60 }, (_, j) => `a${j}`).join(', ')}], consumers: [a0] }`,
        ),
      ),
    }),
    expect: { rule: 'capacity-acls', file: 'platform.yaml', line: 51, col: 22 },
  },
  {
    name: 'warning: topic without schema',
    files: shopFiles(shop().replace('    schema: { value: basket.avsc }\n', ''), {
      'schemas/shop/basket.avsc': null,
    }),
    expect: { rule: 'no-schema', file: 'topics/shop.yaml', line: 8, col: 3, severity: 'warning' },
  },
  {
    name: 'warning: topic without consumers',
    files: shopFiles(
      shop()
        .replace('consumers: [till]', 'consumers: []')
        .replace('  till: { description: Till }\n', ''),
    ),
    expect: {
      rule: 'no-consumers',
      file: 'topics/shop.yaml',
      line: 7,
      col: 3,
      severity: 'warning',
    },
  },
  {
    name: 'CODEOWNERS out of date',
    files: { ...shopFiles(shop()), '.github/CODEOWNERS': '* @someone\n' },
    expect: { rule: 'codeowners-stale', file: '.github/CODEOWNERS', line: 1, col: 1 },
  },
];

describe('catalog rules', () => {
  it.each(cases)('$name', ({ files, expect: want, message, hint }) => {
    const root = catalogFixture(files);
    const result = validateCatalog(root, { codeowners: files['.github/CODEOWNERS'] !== null });
    const found = result.diagnostics.find((d) => d.rule === want.rule);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ ...want, severity: want.severity ?? 'error' }),
    );
    if (message) expect(found?.message).toMatch(message);
    if (hint) expect(found?.hint).toMatch(hint);
    if ((want.severity ?? 'error') === 'error') expect(result.errorCount).toBeGreaterThan(0);
    else expect(result.errorCount).toBe(0);
  });

  it('reports every error of a file in one pass', () => {
    const root = catalogFixture(
      shopFiles(
        shop(['    partitions: 0', '    retension: 7d', '    cleanupPolicy: nope']).replace(
          'producers: [cart]',
          'producers: [crat]',
        ),
      ),
    );
    const rules = validateCatalog(root, { codeowners: false }).diagnostics.map(
      (d) => `${d.line}:${d.rule}`,
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        '11:unknown-app',
        '13:out-of-range',
        '14:unknown-key',
        '15:invalid-value',
      ]),
    );
  });

  it('a missing platform.yaml is one clear error', () => {
    const root = catalogFixture({ 'platform.yaml': null });
    const result = validateCatalog(root);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ rule: 'missing-file', file: 'platform.yaml', line: 1, col: 1 }),
    );
  });

  it('a platform.yaml mistake is positioned too', () => {
    const root = catalogFixture({
      'platform.yaml': lines(
        'platform: { name: acme, team: "@acme/p" }',
        'limits: {}',
        'environments: {}',
      ),
    });
    const rules = validateCatalog(root).diagnostics.map((d) => `${d.file}:${d.line}:${d.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining(['platform.yaml:2:missing-key', 'platform.yaml:3:missing-key']),
    );
  });
});
