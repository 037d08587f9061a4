// Bad input is refused at its line: one failing fixture per input rule (file, line, column,
// rule id), from the input gate (size, encoding, line endings, depth, links) to positions of
// schema-level findings (Avro, JSON Schema, Protobuf) and cross-field rules.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCatalog } from '../../../catalog/validate';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture, lines } from '../../support/catalog-fixture';

interface Want {
  rule: string;
  file: string;
  line: number;
  col: number;
}

const sample = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

function findings(root: string): { all: string[]; errors: number } {
  const r = validateCatalog(root, { codeowners: false, cache: false });
  return {
    all: r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.rule}`),
    errors: r.errorCount,
  };
}

function expectFinding(root: string, want: Want): void {
  const { all, errors } = findings(root);
  expect(all).toContain(`${want.file}:${want.line}:${want.col} ${want.rule}`);
  expect(errors).toBeGreaterThan(0);
}

const status = sample('schemas/orders/order-status.avsc');
const address = sample('schemas/shipping/address.proto');
const shipping = sample('topics/shipping.yaml');
const pa = sample('schemas/payments/payment-authorized.json');

const cases: { name: string; files: Record<string, string | Buffer | null>; want: Want }[] = [
  {
    name: 'Avro: an invalid enum symbol, at the symbol',
    files: {
      'schemas/orders/order-status.avsc': status.replace('"PAID"', '"PA ID"'),
    },
    want: { rule: 'schema-invalid', file: 'schemas/orders/order-status.avsc', line: 9, col: 74 },
  },
  {
    name: 'Avro: a duplicate enum symbol, at the second one',
    files: {
      'schemas/orders/order-status.avsc': status.replace('"SHIPPED"', '"PAID"'),
    },
    want: { rule: 'schema-invalid', file: 'schemas/orders/order-status.avsc', line: 9, col: 82 },
  },
  {
    name: 'Avro: a duplicate field name, at the second one',
    files: {
      'schemas/orders/order-status.avsc': status.replace(
        '"name": "updatedAt"',
        '"name": "orderId"',
      ),
    },
    want: { rule: 'schema-invalid', file: 'schemas/orders/order-status.avsc', line: 11, col: 16 },
  },
  {
    name: 'Avro: a named type without a name',
    files: {
      'schemas/orders/order-status.avsc': status.replace(
        '"type": "enum", "name": "Status", ',
        '"type": "enum", ',
      ),
    },
    want: { rule: 'schema-invalid', file: 'schemas/orders/order-status.avsc', line: 9, col: 15 },
  },
  {
    name: 'Protobuf: a duplicate field number, at the second field',
    files: { 'schemas/shipping/address.proto': address.replace('city = 4', 'city = 3') },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 9, col: 10 },
  },
  {
    name: 'Protobuf: a duplicate field name, at the second field',
    files: {
      'schemas/shipping/address.proto': address.replace('string city = 4', 'string line2 = 4'),
    },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 9, col: 10 },
  },
  {
    name: 'Protobuf: an unknown type, where it is used',
    files: {
      'schemas/shipping/address.proto': address.replace('string city = 4', 'Town city = 4'),
    },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 9, col: 3 },
  },
  {
    name: 'Protobuf: a syntax error, at its token',
    files: {
      'schemas/shipping/address.proto': address.replace('string city = 4;', 'string city = 4 4;'),
    },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 9, col: 19 },
  },
  {
    name: 'Avro: a reference cycle, at the reference that closes it',
    files: {
      'schemas/orders/types/money.avsc': sample('schemas/orders/types/money.avsc').replace(
        '"fields": [',
        '"fields": [\n    { "name": "order", "type": "com.acme.orders.OrderCreated" },',
      ),
    },
    want: {
      rule: 'schema-reference-cycle',
      file: 'schemas/orders/types/money.avsc',
      line: 7,
      col: 33,
    },
  },
  {
    name: 'JSON Schema: a $ref cycle, at the $ref',
    files: {
      'schemas/payments/money.json': sample('schemas/payments/money.json').replace(
        /^\{/,
        '{\n  "allOf": [{ "$ref": "refund-issued.json" }],',
      ),
    },
    want: { rule: 'schema-reference-cycle', file: 'schemas/payments/money.json', line: 2, col: 24 },
  },
  {
    name: 'Protobuf: an import cycle, at the import',
    files: {
      'schemas/shipping/address.proto': address.replace(
        'package acme.shipping;',
        'package acme.shipping;\nimport "shipment-dispatched.proto";',
      ),
    },
    want: {
      rule: 'schema-reference-cycle',
      file: 'schemas/shipping/address.proto',
      line: 4,
      col: 9,
    },
  },
  {
    name: 'JSON: a key twice in one object, at the second',
    files: {
      'schemas/payments/payment-authorized.json': pa.replace(
        '"type": "object",',
        '"type": "object",\n  "type": "array",',
      ),
    },
    want: {
      rule: 'duplicate-key',
      file: 'schemas/payments/payment-authorized.json',
      line: 5,
      col: 4,
    },
  },
  {
    name: 'JSON Schema: an unsupported $schema, at its value',
    files: { 'schemas/payments/payment-authorized.json': pa.replace('draft-07', 'draft-99') },
    want: {
      rule: 'schema-invalid',
      file: 'schemas/payments/payment-authorized.json',
      line: 2,
      col: 15,
    },
  },
  {
    name: 'JSON Schema: a local $ref to nothing, at the $ref',
    files: {
      'schemas/payments/payment-authorized.json': pa.replace(
        '"$ref": "money.json"',
        '"$ref": "#/definitions/nope"',
      ),
    },
    want: {
      rule: 'schema-invalid',
      file: 'schemas/payments/payment-authorized.json',
      line: 8,
      col: 26,
    },
  },
  {
    name: 'Protobuf: a field number out of range, at the number',
    files: { 'schemas/shipping/address.proto': address.replace('city = 4', 'city = 19500') },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 9, col: 17 },
  },
  {
    name: 'Protobuf: a proto3 enum not starting at zero',
    files: { 'schemas/shipping/address.proto': `${address}\nenum Kind {\n  HOME = 1;\n}\n` },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 14, col: 10 },
  },
  {
    name: 'Protobuf: a block never closed, where it opens',
    files: { 'schemas/shipping/address.proto': address.replace(/\}\s*$/, '\n') },
    want: { rule: 'schema-invalid', file: 'schemas/shipping/address.proto', line: 5, col: 17 },
  },
  {
    name: 'JSON Schema: the root must be an object or a boolean',
    files: { 'schemas/payments/money.json': '\n  ["not", "a", "schema"]\n' },
    want: { rule: 'json-schema-root', file: 'schemas/payments/money.json', line: 2, col: 3 },
  },
  {
    name: 'YAML: an unclosed quote, where it opens',
    files: {
      'topics/shipping.yaml': shipping.replace(
        'description: A parcel left the warehouse',
        'description: "A parcel left the warehouse',
      ),
    },
    want: { rule: 'yaml-syntax', file: 'topics/shipping.yaml', line: 15, col: 18 },
  },
  {
    name: 'YAML: CR-only line endings keep their lines',
    files: {
      'topics/shipping.yaml': shipping
        .replace('partitions: 3', 'partitions: three')
        .replace(/\n/g, '\r'),
    },
    want: { rule: 'invalid-type', file: 'topics/shipping.yaml', line: 16, col: 17 },
  },
  {
    name: 'YAML: CRLF line endings keep their columns',
    files: {
      'topics/shipping.yaml': shipping
        .replace('partitions: 3', 'partitions: three')
        .replace(/\n/g, '\r\n'),
    },
    want: { rule: 'invalid-type', file: 'topics/shipping.yaml', line: 16, col: 17 },
  },
  {
    name: 'platform.yaml: retention minimum above maximum, at the minimum',
    files: {
      'platform.yaml': sample('platform.yaml').replace('min: 1h, max: 90d', 'min: 100d, max: 90d'),
    },
    want: { rule: 'retention-range', file: 'platform.yaml', line: 20, col: 21 },
  },
  {
    name: 'platform.yaml: a default partition count above the limit',
    files: {
      'platform.yaml': sample('platform.yaml').replace('  partitions: 3\n', '  partitions: 64\n'),
    },
    want: { rule: 'partitions-limit', file: 'platform.yaml', line: 13, col: 15 },
  },
  {
    name: 'a domain file with the extension .yml',
    files: { 'topics/billing.yml': 'domain: billing\n' },
    want: { rule: 'unexpected-file', file: 'topics/billing.yml', line: 1, col: 1 },
  },
  {
    name: 'a directory named like a domain file',
    files: { 'topics/billing.yaml/readme.txt': 'x\n' },
    want: { rule: 'unexpected-file', file: 'topics/billing.yaml', line: 1, col: 1 },
  },
  {
    name: 'invalid UTF-8, at the byte',
    files: {
      'topics/shipping.yaml': Buffer.concat([
        Buffer.from('domain: shipping\ndescription: Sh'),
        Buffer.from([0xe9]),
        Buffer.from(shipping.slice(shipping.indexOf('\n', 18))),
      ]),
    },
    want: { rule: 'encoding', file: 'topics/shipping.yaml', line: 2, col: 16 },
  },
  {
    name: 'UTF-16 is not UTF-8',
    files: { 'schemas/shipping/address.proto': Buffer.from(`\ufeff${address}`, 'utf16le') },
    want: { rule: 'encoding', file: 'schemas/shipping/address.proto', line: 1, col: 1 },
  },
  {
    name: 'two topic names differing only by "." and "_", at the second',
    files: {
      'topics/shipping.yaml': lines(
        shipping.trimEnd(),
        '  parcel-scanned:',
        '    name: shipping.shipment-dispatched_v1',
        '    description: A parcel was scanned',
        '    schema: { value: shipment-dispatched.proto }',
        '    producers: [shipment-service]',
        '    consumers: [tracking-api]',
      ),
    },
    want: { rule: 'topic-name-collision', file: 'topics/shipping.yaml', line: 24, col: 11 },
  },
  {
    name: 'a schema file too large (5 MB of Protobuf), refused before parsing',
    files: {
      'schemas/shipping/address.proto':
        'syntax = "proto3";\nmessage Big {\n' +
        Array.from({ length: 250_000 }, (_, i) => `  string f${i} = ${i + 1};\n`).join('') +
        '}\n',
    },
    want: { rule: 'file-too-large', file: 'schemas/shipping/address.proto', line: 1, col: 1 },
  },
  {
    name: 'too many fields in one Protobuf message, at the first one too many',
    files: {
      'schemas/shipping/address.proto':
        'syntax = "proto3";\npackage acme.shipping;\nmessage Address {\n' +
        Array.from({ length: 1200 }, (_, i) => `  string f${i} = ${i + 1};\n`).join('') +
        '}\n',
    },
    want: { rule: 'too-many-fields', file: 'schemas/shipping/address.proto', line: 1004, col: 10 },
  },
  {
    name: 'too many fields in one Avro record',
    files: {
      'schemas/orders/order-status.avsc': status.replace(
        '"fields": [',
        `"fields": [\n${Array.from({ length: 1000 }, (_, i) => `{ "name": "f${i}", "type": "int" },`).join('\n')}\n`,
      ),
    },
    want: { rule: 'too-many-fields', file: 'schemas/orders/order-status.avsc', line: 1007, col: 5 },
  },
  {
    name: 'an Avro name too long',
    files: {
      'schemas/orders/order-status.avsc': status.replace('"Status"', `"S${'x'.repeat(300)}"`),
    },
    want: { rule: 'name-too-long', file: 'schemas/orders/order-status.avsc', line: 9, col: 41 },
  },
  {
    name: 'a Protobuf name too long',
    files: { 'schemas/shipping/address.proto': address.replace('line1', `l${'x'.repeat(300)}`) },
    want: { rule: 'name-too-long', file: 'schemas/shipping/address.proto', line: 6, col: 10 },
  },
  {
    name: 'a topic name too long',
    files: {
      'topics/shipping.yaml': shipping.replace('shipment-dispatched:', `${'a'.repeat(70)}:`),
    },
    want: { rule: 'name-too-long', file: 'topics/shipping.yaml', line: 14, col: 3 },
  },
  {
    name: 'YAML nested deeper than the limit (no stack overflow)',
    files: { 'topics/shipping.yaml': `${shipping}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
    want: { rule: 'nesting-too-deep', file: 'topics/shipping.yaml', line: 23, col: 35 },
  },
  {
    name: 'Avro nested thousands of levels (no stack overflow)',
    files: {
      'schemas/orders/order-status.avsc': `${'{"type": "array", "items": '.repeat(5000)}"int"${'}'.repeat(5000)}`,
    },
    want: {
      rule: 'nesting-too-deep',
      file: 'schemas/orders/order-status.avsc',
      line: 1,
      col: 1729,
    },
  },
  {
    name: 'JSON Schema nested thousands of levels',
    files: { 'schemas/payments/money.json': `${'['.repeat(5000)}${']'.repeat(5000)}` },
    want: { rule: 'nesting-too-deep', file: 'schemas/payments/money.json', line: 1, col: 65 },
  },
  {
    name: 'Protobuf nested thousands of levels',
    files: {
      'schemas/shipping/address.proto': `syntax = "proto3";\n${'message A { '.repeat(3000)}${'}'.repeat(3000)}\n`,
    },
    want: { rule: 'nesting-too-deep', file: 'schemas/shipping/address.proto', line: 2, col: 395 },
  },
];

describe('bad input is refused at its line', () => {
  it.each(cases)('$name', ({ files, want }) => {
    const root = catalogFixture(
      Object.fromEntries(
        Object.entries(files).map(([k, v]) => [k, typeof v === 'string' || v === null ? v : '']),
      ),
    );
    for (const [k, v] of Object.entries(files))
      if (Buffer.isBuffer(v)) writeFileSync(join(root, k), v);
    expectFinding(root, want);
  });

  it('a UTF-8 byte order mark is tolerated', () => {
    const root = catalogFixture({ 'topics/shipping.yaml': `\ufeff${shipping}` });
    expect(findings(root).errors).toBe(0);
  });

  describe('symbolic links', () => {
    it('refuses a schema linked from outside the repository', () => {
      const outside = join(tmpdir(), `streamplane-outside-${process.pid}.proto`);
      writeFileSync(outside, address);
      const root = catalogFixture({ 'schemas/shipping/address.proto': null });
      symlinkSync(outside, join(root, 'schemas/shipping/address.proto'));
      expectFinding(root, {
        rule: 'symlink-outside',
        file: 'schemas/shipping/address.proto',
        line: 1,
        col: 1,
      });
    });

    it("refuses a schema linked from another domain's folder", () => {
      const root = catalogFixture({ 'schemas/shipping/address.proto': null });
      symlinkSync('../orders/order-status.avsc', join(root, 'schemas/shipping/address.proto'));
      expectFinding(root, {
        rule: 'symlink-outside',
        file: 'schemas/shipping/address.proto',
        line: 1,
        col: 1,
      });
    });

    it('refuses a domain folder linked from outside, and a link loop does not hang', () => {
      const outside = join(tmpdir(), `streamplane-outside-${process.pid}`);
      mkdirSync(outside, { recursive: true });
      const root = catalogFixture();
      symlinkSync(outside, join(root, 'schemas/elsewhere'));
      symlinkSync('..', join(root, 'schemas/orders/loop'));
      const { all } = findings(root);
      expect(all).toContain('schemas/elsewhere:1:1 symlink-outside');
      expect(all).toContain('schemas/orders/loop:1:1 symlink-outside');
    });

    it('reports a link to nothing', () => {
      const root = catalogFixture({ 'schemas/shipping/address.proto': null });
      symlinkSync('nowhere.proto', join(root, 'schemas/shipping/address.proto'));
      expectFinding(root, {
        rule: 'unreadable',
        file: 'schemas/shipping/address.proto',
        line: 1,
        col: 1,
      });
    });

    it('accepts a link that stays inside its domain folder', () => {
      const root = catalogFixture();
      mkdirSync(join(root, 'schemas/shipping/v1'));
      symlinkSync('../address.proto', join(root, 'schemas/shipping/v1/address.proto'));
      const { all } = findings(root);
      expect(all.filter((f) => f.includes('symlink'))).toEqual([]);
    });
  });
});
