// A process that loads a catalog nobody changed since the last load gets that load back from disk
// (catalog/snapshot.ts): the same model, warnings and positions as a load from nothing, and only
// while every file answers as it did then, under the same code. A load with an error is never
// kept.
import {
  appendFileSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { loadCatalog } from '../../../catalog/loader';
import type { LoadResult } from '../../../catalog/loader';
import { SnapshotFile } from '../../../catalog/snapshot';
import { loadRemembered, validateCatalog } from '../../../catalog/validate';
import { catalogFixture } from '../../support/catalog-fixture';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fixture(files: Record<string, string | null> = {}): string {
  const root = catalogFixture(files);
  roots.push(root);
  return root;
}

const kept = (root: string): boolean => SnapshotFile.forRoot(root).lookup() !== undefined;

/** Everything a caller reads of a load, compared as data. */
function view(r: LoadResult): unknown {
  const c = r.catalog;
  return {
    errorCount: r.errorCount,
    diagnostics: r.diagnostics,
    platform: c?.platform,
    domains: c?.domains,
    subjects: c?.subjects,
    schemas: c && [...c.schemas],
    environments: c?.environments.map((e) => {
      const env = c.for(e);
      return { ...env, access: undefined, acls: env.acls, totals: c.totals(e) };
    }),
    positions: [
      r.locate('topics/orders.yaml', ['topics', 'order-created', 'partitions']),
      r.locate('topics/payments.yaml', ['apps'], true),
      r.locate('platform.yaml', ['environments']),
      r.locate('schemas/orders/order-created.avsc', []),
    ],
  };
}

/** A topic nobody reads: a warning, which a kept load must show again. */
const UNREAD = `
  order-audit:
    description: Audit trail nobody reads yet
    partitions: 1
    producers: [order-service]
`;

test('an unchanged catalog comes back whole: the same as a load from nothing', () => {
  const root = fixture();
  appendFileSync(join(root, 'topics/orders.yaml'), UNREAD);
  expect(kept(root)).toBe(false);
  const first = loadRemembered(root);
  expect(first.catalog).toBeDefined();
  expect(first.diagnostics.map((d) => d.severity)).toContain('warning');
  expect(kept(root)).toBe(true);
  const again = loadRemembered(root);
  expect(again).not.toBe(first);
  expect(view(again)).toEqual(view(first));
  expect(view(again)).toEqual(view(loadCatalog(root)));
  // Frozen as a loaded model is.
  expect(Object.isFrozen(again.catalog?.domains[0]?.topics[0])).toBe(true);
  // Files rewritten with the same bytes (a checkout, a touch) are the same files.
  const file = join(root, 'topics/orders.yaml');
  writeFileSync(file, readFileSync(file));
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  expect(kept(root)).toBe(true);
});

test('validate reports the same from a kept load', () => {
  const root = fixture();
  const first = validateCatalog(root);
  expect(kept(root)).toBe(true);
  const again = validateCatalog(root);
  expect(again.diagnostics).toEqual(first.diagnostics);
  expect(again.summary).toEqual(first.summary);
  expect(again.errorCount).toBe(0);
});

test.each([
  [
    'a byte of a domain file, same size',
    (root: string) => {
      const file = join(root, 'topics/orders.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('partitions: 6', 'partitions: 7'));
    },
  ],
  [
    'a schema file',
    (root: string) => appendFileSync(join(root, 'schemas/payments/money.json'), ' '),
  ],
  ['platform.yaml', (root: string) => appendFileSync(join(root, 'platform.yaml'), '\n# note\n')],
  [
    'a new domain file',
    (root: string) =>
      writeFileSync(
        join(root, 'topics/extra.yaml'),
        'domain: extra\ndescription: More\nowners:\n  team: "@acme/x"\n',
      ),
  ],
  ['a removed schema', (root: string) => rmSync(join(root, 'schemas/payments/refund-issued.json'))],
  [
    'a link leaving the catalog',
    (root: string) => symlinkSync('/etc', join(root, 'schemas/orders/outside')),
  ],
])('%s changed: loaded again', (_name, change) => {
  const root = fixture();
  loadRemembered(root);
  expect(kept(root)).toBe(true);
  change(root);
  expect(kept(root)).toBe(false);
  const again = loadRemembered(root);
  // What a load from nothing finds now is what the reload found.
  expect(view(again)).toEqual(view(loadCatalog(root)));
});

test('a load with an error is not kept, and its findings come afresh each time', () => {
  const root = fixture();
  loadRemembered(root);
  expect(kept(root)).toBe(true);
  const file = join(root, 'topics/orders.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('partitions: 6', 'partitions: many'));
  const first = loadRemembered(root);
  expect(first.errorCount).toBeGreaterThan(0);
  expect(kept(root)).toBe(false);
  const again = loadRemembered(root);
  expect(again.diagnostics).toEqual(first.diagnostics);
  expect(again.catalog).toBeUndefined();
});

test('a snapshot that cannot be read, or that other code wrote, is not used', () => {
  const root = fixture();
  loadRemembered(root);
  const snapshot = SnapshotFile.forRoot(root);
  writeFileSync(snapshot.path, 'not a snapshot');
  expect(kept(root)).toBe(false);
  expect(loadRemembered(root).catalog).toBeDefined();
  expect(kept(root)).toBe(true);
  // Another salt: what another version of the catalog code made.
  const stored = deserialize(readFileSync(snapshot.path)) as Record<string, unknown>;
  writeFileSync(snapshot.path, serialize({ ...stored, salt: 'other code' }));
  expect(kept(root)).toBe(false);
});
