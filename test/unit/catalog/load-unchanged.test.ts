// A long-running process gets the catalog it loaded last only while every file answers as it
// did: any change of a listing or of a file's bytes (even one of the same size, written within
// the same clock tick) loads the catalog again.
import { appendFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadUnchanged } from '../../../catalog/validate';
import { catalogFixture } from '../../support/catalog-fixture';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function fixture(): string {
  const root = catalogFixture();
  roots.push(root);
  return root;
}

test('the same files: the same catalog, not loaded again', () => {
  const root = fixture();
  const first = loadUnchanged(root);
  expect(first.catalog).toBeDefined();
  expect(loadUnchanged(root)).toBe(first);
});

test.each([
  [
    'a byte of a domain file, same size',
    (root: string) => {
      const file = join(root, 'topics/orders.yaml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace('partitions: 6', 'partitions: 7'));
    },
  ],
  [
    'a schema file',
    (root: string) => appendFileSync(join(root, 'schemas/payments/money.json'), '\n'),
  ],
  ['platform.yaml', (root: string) => appendFileSync(join(root, 'platform.yaml'), '\n# note\n')],
  [
    'a new domain file',
    (root: string) => writeFileSync(join(root, 'topics/extra.yaml'), 'domain: [unclosed\n'),
  ],
  ['a removed schema', (root: string) => rmSync(join(root, 'schemas/payments/refund-issued.json'))],
  [
    'a link leaving the catalog',
    (root: string) => symlinkSync('/etc', join(root, 'schemas/orders/outside')),
  ],
])('%s changed: loaded again', (_name, change) => {
  const root = fixture();
  const first = loadUnchanged(root);
  change(root);
  const second = loadUnchanged(root);
  expect(second).not.toBe(first);
  // What a load from nothing finds now is what the reload found.
  const fresh = loadUnchanged(fixtureLike(root));
  expect(second.errorCount).toBe(fresh.errorCount);
  expect(second.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.rule}`)).toEqual(
    fresh.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.rule}`),
  );
  expect(loadUnchanged(root)).toBe(second);
});

/** A copy of a catalog root under another path (nothing remembered for it in this process). */
function fixtureLike(root: string): string {
  const copy = catalogFixture();
  roots.push(copy);
  for (const p of ['platform.yaml', 'topics', 'schemas']) {
    rmSync(join(copy, p), { recursive: true, force: true });
  }
  // Links stay links (verbatimSymlinks), so a link leaving the catalog stays one.
  for (const p of ['platform.yaml', 'topics', 'schemas'])
    cpSync(join(root, p), join(copy, p), { recursive: true, verbatimSymlinks: true });
  return copy;
}
