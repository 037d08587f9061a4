// The change-safety rules, on real commits in a temporary git repository.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCatalog } from '../../../catalog/validate';
import { catalogFixture } from '../../support/catalog-fixture';

function repo(): {
  root: string;
  commit(files: Record<string, string>, message: string): void;
  edit(path: string, f: (s: string) => string): void;
} {
  const root = catalogFixture();
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' }).toString();
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
  return {
    root,
    commit(files, message) {
      for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
      git('add', '-A');
      git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', message);
    },
    edit(path, f) {
      writeFileSync(join(root, path), f(readFileSync(join(root, path), 'utf8')));
    },
  };
}

const rules = (root: string, base = 'main'): string[] =>
  validateCatalog(root, { base }).diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.rule}`,
  );

describe('validate --base (change safety against git)', () => {
  it('an unchanged catalog passes', () => {
    const r = repo();
    expect(validateCatalog(r.root, { base: 'main' }).errorCount).toBe(0);
  });

  it('refuses a partition decrease, at the line that decreases', () => {
    const r = repo();
    r.edit('topics/orders.yaml', (s) =>
      s.replace('    partitions: 6\n    retention: 14d', '    partitions: 4\n    retention: 14d'),
    );
    const found = validateCatalog(r.root, { base: 'main' }).diagnostics.filter(
      (d) => d.rule === 'partitions-decreased',
    );
    // One finding at the line, naming every environment it breaks.
    expect(found).toEqual([
      expect.objectContaining({ file: 'topics/orders.yaml', line: 17, col: 17 }),
    ]);
    expect(found[0]?.message).toContain('in staging, prod go from 6 to 4');
  });

  it('refuses a partition decrease in one environment override', () => {
    const r = repo();
    r.edit('topics/payments.yaml', (s) =>
      s.replace(
        '      local: { partitions: 1 }\n      dev: { partitions: 1, retention: 2d }',
        '      local: { partitions: 1 }\n      dev: { partitions: 1, retention: 2d }\n      staging: { partitions: 2 }',
      ),
    );
    const found = validateCatalog(r.root, { base: 'main' }).diagnostics.filter(
      (d) => d.rule === 'partitions-decreased',
    );
    expect(found).toEqual([
      expect.objectContaining({ file: 'topics/payments.yaml', line: 24, col: 30 }),
    ]);
    expect(found[0]?.message).toContain('in staging go from 6 to 2');
  });

  it('refuses removing a topic without delete: true, protected or not', () => {
    const r = repo();
    r.edit('topics/shipping.yaml', (s) => s.slice(0, s.indexOf('topics:')) + 'topics: {}\n');
    expect(rules(r.root)).toContain('topics/shipping.yaml:13:1 error protected-topic-removed');

    const r2 = repo();
    r2.edit('topics/shipping.yaml', (s) =>
      s.replace(
        '    environments:\n      local: { partitions: 1 }',
        '    deletionProtection: false\n    environments:\n      local: { partitions: 1 }',
      ),
    );
    r2.commit({}, 'unprotect');
    r2.edit('topics/shipping.yaml', (s) => s.slice(0, s.indexOf('topics:')) + 'topics: {}\n');
    expect(rules(r2.root, 'HEAD')).toContain('topics/shipping.yaml:13:1 error topic-removed');
  });

  it('accepts removing a topic once its deletion has been declared', () => {
    const r = repo();
    r.edit('topics/shipping.yaml', (s) =>
      s.replace(
        '    environments:\n      local: { partitions: 1 }',
        '    deletionProtection: false\n    delete: true\n    environments:\n      local: { partitions: 1 }',
      ),
    );
    r.commit({}, 'delete');
    r.edit('topics/shipping.yaml', (s) => s.slice(0, s.indexOf('topics:')) + 'topics: {}\n');
    expect(validateCatalog(r.root, { base: 'HEAD' }).errorCount).toBe(0);
  });

  it('refuses a rename (new version) of a protected topic that drops the old one', () => {
    const r = repo();
    r.edit('topics/shipping.yaml', (s) =>
      s.replace(
        '  shipment-dispatched:           # shipping.shipment-dispatched.v1',
        '  shipment-dispatched:\n    version: 2',
      ),
    );
    const d = validateCatalog(r.root, { base: 'main' }).diagnostics.find(
      (x) => x.rule === 'protected-topic-removed',
    );
    expect(d).toMatchObject({ file: 'topics/shipping.yaml', line: 14, col: 3 });
    expect(d?.message).toContain(
      'renamed from "shipping.shipment-dispatched.v1" to "shipping.shipment-dispatched.v2"',
    );
  });

  it('refuses compact → delete', () => {
    const r = repo();
    r.edit('topics/orders.yaml', (s) =>
      s
        .replace('cleanupPolicy: compact', 'cleanupPolicy: delete')
        .replace('    config: { min.compaction.lag.ms: 60000 }\n', ''),
    );
    expect(rules(r.root)).toContain(
      'topics/orders.yaml:31:20 error cleanup-policy-compact-to-delete',
    );
  });

  it('refuses compact → compact,delete (old values per key are deleted too)', () => {
    const r = repo();
    r.edit('topics/orders.yaml', (s) =>
      s.replace('cleanupPolicy: compact', 'cleanupPolicy: "compact,delete"'),
    );
    expect(rules(r.root)).toContain(
      'topics/orders.yaml:31:20 error cleanup-policy-compact-to-delete',
    );
  });

  it('refuses a loosened compatibility level', () => {
    const r = repo();
    r.edit('topics/payments.yaml', (s) =>
      s.replace('compatibility: FULL', 'compatibility: BACKWARD'),
    );
    const d = validateCatalog(r.root, { base: 'main' }).diagnostics.find(
      (x) => x.rule === 'compatibility-loosened',
    );
    expect(d).toMatchObject({ file: 'topics/payments.yaml', line: 18, col: 75 });
    expect(d?.message).toContain('dropping the forward guarantee');
  });

  it('refuses an incompatible Avro change (a field without default)', () => {
    const r = repo();
    r.edit('schemas/orders/order-created.avsc', (s) =>
      s.replace(
        '{ "name": "note", "type": ["null", "string"], "default": null }',
        '{ "name": "note", "type": ["null", "string"], "default": null },\n    { "name": "channel", "type": "string" }',
      ),
    );
    const d = validateCatalog(r.root, { base: 'main' }).diagnostics.find(
      (x) => x.rule === 'schema-incompatible',
    );
    // The finding points at the new field's name, and names the change type.
    const text = readFileSync(join(r.root, 'schemas/orders/order-created.avsc'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('"channel"')) + 1;
    const col = (text.split('\n')[line - 1] ?? '').indexOf('"channel"') + 1;
    expect(d).toMatchObject({ file: 'schemas/orders/order-created.avsc', line, col });
    expect(d?.message).toMatch(/orders.order-created.v1-value is not BACKWARD compatible/);
    expect(d?.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
  });

  it('accepts a compatible Avro change (a field with a default)', () => {
    const r = repo();
    r.edit('schemas/orders/order-created.avsc', (s) =>
      s.replace(
        '{ "name": "note", "type": ["null", "string"], "default": null }',
        '{ "name": "note", "type": ["null", "string"], "default": null },\n    { "name": "channel", "type": "string", "default": "web" }',
      ),
    );
    expect(validateCatalog(r.root, { base: 'main' }).errorCount).toBe(0);
  });

  it('refuses an incompatible JSON Schema change under FULL (a property no longer required)', () => {
    const r = repo();
    r.edit('schemas/payments/payment-authorized.json', (s) =>
      s.replace('"amount", "method", "authorizedAt"]', '"amount", "authorizedAt"]'),
    );
    const d = validateCatalog(r.root, { base: 'main' }).diagnostics.find(
      (x) => x.rule === 'schema-incompatible',
    );
    // Readers on the previous version require "method": data without it breaks them.
    expect(d?.message).toContain('forward: REQUIRED_ATTRIBUTE_ADDED at #/required/method');
    expect(d).toMatchObject({ file: 'schemas/payments/payment-authorized.json', line: 12 });
  });

  it('refuses an incompatible Protobuf change (a field changes type)', () => {
    const r = repo();
    r.edit('schemas/shipping/shipment-dispatched.proto', (s) =>
      s.replace('string carrier = 3;', 'int64 carrier = 3;'),
    );
    const d = validateCatalog(r.root, { base: 'main' }).diagnostics.find(
      (x) => x.rule === 'schema-incompatible',
    );
    expect(d?.message).toContain(
      'FIELD_SCALAR_KIND_CHANGED at #/ShipmentDispatched/3 (field carrier = 3: string → int64)',
    );
    const line = readFileSync(join(r.root, 'schemas/shipping/shipment-dispatched.proto'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('int64 carrier = 3;'));
    expect(d).toMatchObject({ line: line + 1 });
  });

  it('checks a referenced schema under its own subject', () => {
    const r = repo();
    r.edit('schemas/shipping/address.proto', (s) =>
      s.replace('string city = 4;', 'int32 city = 4;'),
    );
    const found = validateCatalog(r.root, { base: 'main' }).diagnostics.filter(
      (x) => x.rule === 'schema-incompatible',
    );
    expect(found.map((f) => f.message.split(' ')[0])).toEqual(
      expect.arrayContaining(['shipping.address']),
    );
  });
});
