// The schema verdict cache: passes are remembered across runs, problems never are.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskFiles } from '../../../catalog/files';
import { loadCatalog } from '../../../catalog/loader';
import type { SchemaVerdicts } from '../../../catalog/schemas/verdicts';
import { VerdictFile } from '../../../catalog/schemas/verdicts';
import { validateCatalog } from '../../../catalog/validate';
import { catalogFixture } from '../../support/catalog-fixture';

class Recorder implements SchemaVerdicts {
  readonly keys = new Set<string>();
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    this.keys.add(key);
  }
}

describe('schema verdict cache', () => {
  it('remembers every schema that passed, and a remembered one is not checked again', () => {
    const root = catalogFixture();
    const verdicts = new Recorder();
    expect(loadCatalog(new DiskFiles(root), { verdicts }).errorCount).toBe(0);
    expect(verdicts.keys.size).toBe(12); // every schema file of the sample

    // Trusting the cache is what makes it fast: a remembered key is not checked again.
    const trusting: SchemaVerdicts = { has: () => true, add: () => undefined };
    writeFileSync(
      join(root, 'schemas/orders/order-status.avsc'),
      '{"type": "record", "name": "X", "namespace": "com.acme.orders", "fields": [{"name": "a", "type": "nope"}]}',
    );
    expect(
      loadCatalog(new DiskFiles(root), { verdicts: trusting }).diagnostics.map((d) => d.rule),
    ).not.toContain('schema-invalid');
  });

  it('checks a schema again when it or anything it references changes', () => {
    const root = catalogFixture();
    const verdicts = new Recorder();
    expect(loadCatalog(new DiskFiles(root), { verdicts }).errorCount).toBe(0);
    const before = new Set(verdicts.keys);
    // Change the referenced type only: the schema using it gets a new key, so it is checked again.
    writeFileSync(
      join(root, 'schemas/orders/types/money.avsc'),
      '{"type": "record", "name": "Money", "namespace": "com.acme.orders.types", "fields": [{"name": "amountMinor", "type": "long"}, {"name": "currency", "type": "string"}, {"name": "note", "type": ["null", "string"], "default": null}]}',
    );
    expect(loadCatalog(new DiskFiles(root), { verdicts }).errorCount).toBe(0);
    // money.avsc, and the two schemas that reference it (order-created, order-status does not).
    expect([...verdicts.keys].filter((k) => !before.has(k)).length).toBeGreaterThanOrEqual(2);

    // Broken, it is reported where it is broken, and the schemas using it are not checked.
    writeFileSync(
      join(root, 'schemas/orders/types/money.avsc'),
      '{"type": "record", "name": "Money", "namespace": "com.acme.orders.types", "fields": [{"name": "amountMinor", "type": "lnog"}]}',
    );
    const files = validateCatalog(root)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.file} ${d.rule}`);
    expect(files).toEqual(['schemas/orders/types/money.avsc schema-reference-unresolved']);
  });

  it('never remembers a problem', () => {
    const root = catalogFixture({
      'schemas/orders/order-status.avsc':
        '{"type": "record", "name": "S", "namespace": "com.acme.orders", "fields": [{"name": "a", "type": "nope"}]}',
    });
    expect(validateCatalog(root).errorCount).toBeGreaterThan(0);
    expect(validateCatalog(root).errorCount).toBeGreaterThan(0);
    const cache = VerdictFile.forRoot(root);
    const verdicts = new Recorder();
    loadCatalog(new DiskFiles(root), { verdicts });
    // Everything but the broken schema is known to the cache file.
    expect([...verdicts.keys].filter((k) => cache.has(k))).toHaveLength(11);
    expect(verdicts.keys.size).toBe(11);
  });

  it('checks schemas with source maps off and leaves them as it found them', () => {
    const root = catalogFixture();
    const seen: boolean[] = [];
    // Called while schemas are checked: record the state then.
    const watching: SchemaVerdicts = {
      has: () => (seen.push(process.sourceMapsEnabled), false),
      add: () => undefined,
    };
    const before = process.sourceMapsEnabled;
    try {
      for (const enabled of [true, false]) {
        process.setSourceMapsEnabled(enabled);
        seen.length = 0;
        expect(loadCatalog(new DiskFiles(root), { verdicts: watching }).errorCount).toBe(0);
        expect(new Set(seen)).toEqual(new Set([false]));
        expect(process.sourceMapsEnabled).toBe(enabled);
      }
    } finally {
      process.setSourceMapsEnabled(before);
    }
  });
});
