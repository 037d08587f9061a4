// Helper threads (catalog/parallel.ts) parse and check parts of a large catalog: nothing about
// the result may tell whether they did, findings included.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCatalog } from '../../../bench/generate-catalog';
import { DiskFiles } from '../../../catalog/files';
import { loadCatalog } from '../../../catalog/loader';
import type { LoadResult } from '../../../catalog/loader';
import { ParseCacheFile } from '../../../catalog/parse-cache';
import { VerdictFile } from '../../../catalog/schemas/verdicts';

const HELPED = 'items done by helper threads';

/** A generated catalog with problems spread over it: at both ends of each phase's list. */
function brokenCatalog(): string {
  const { root } = generateCatalog(12, 40);
  const edit = (path: string, change: (text: string) => string): void => {
    const file = join(root, path);
    writeFileSync(file, change(readFileSync(file, 'utf8')));
  };
  // Domain files: an unknown key, a YAML error, a consumer that does not exist.
  edit('topics/domain-0.yaml', (t) => t.replace('partitions: 2', 'partitons: 2'));
  edit('topics/domain-9.yaml', (t) => t.replace('description: Event 7', 'description: "Event 7'));
  edit('topics/domain-5.yaml', (t) => t.replace('- writer', '- scribe'));
  // Schemas: invalid Avro, a reference to nothing, a type referenced by a broken schema.
  edit('schemas/domain-0/event-1.avsc', (t) => t.replace('"int"', '"integer"'));
  edit('schemas/domain-11/event-39.avsc', (t) => t.replace('"long"', '"com.acme.Nothing"'));
  edit('schemas/domain-11/types/money.avsc', (t) => t.replace('"long"', '"lung"'));
  return root;
}

const load = (root: string, parallel: false | { threads: number; minWork: number }): LoadResult =>
  loadCatalog(new DiskFiles(root), { parallel, phases: new Map() });

describe('helper threads', () => {
  it('give the very same findings and model as one thread', () => {
    const root = brokenCatalog();
    try {
      const one = load(root, false);
      expect(one.errorCount).toBeGreaterThanOrEqual(6);
      const phases = new Map<string, number>();
      const many = loadCatalog(new DiskFiles(root), {
        parallel: { threads: 1, minWork: 0, waitForHelpers: true },
        phases,
      });
      expect(phases.get(HELPED)).toBeGreaterThan(0);
      expect(many.diagnostics).toEqual(one.diagnostics);
      expect(many.model?.topics).toEqual(one.model?.topics);
      expect(many.model?.schemas).toEqual(one.model?.schemas);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('fill the parse cache and the verdicts as one thread does', () => {
    const { root } = generateCatalog(6, 40);
    try {
      const remember = (parallel: false | { threads: number; minWork: number }): void => {
        const parseCache = ParseCacheFile.forRoot(root);
        const verdicts = VerdictFile.forRoot(root);
        loadCatalog(new DiskFiles(root), { parallel, parseCache, verdicts });
        parseCache.save();
        verdicts.save();
      };
      const stored = (): [Buffer, string] => [
        readFileSync(ParseCacheFile.forRoot(root).path),
        readFileSync(VerdictFile.forRoot(root).path, 'utf8'),
      ];
      remember({ threads: 1, minWork: 0 });
      const helped = stored();
      rmSync(join(root, 'node_modules'), { recursive: true, force: true });
      remember(false);
      expect(stored()).toEqual(helped);
      // A second run knows every file: no helper starts.
      const phases = new Map<string, number>();
      loadCatalog(new DiskFiles(root), {
        parallel: { threads: 1, minWork: 1 },
        parseCache: ParseCacheFile.forRoot(root),
        verdicts: VerdictFile.forRoot(root),
        phases,
      });
      expect(phases.has(HELPED)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  it('start only for enough work', () => {
    const { root } = generateCatalog(2, 5);
    try {
      const phases = new Map<string, number>();
      loadCatalog(new DiskFiles(root), { parallel: { threads: 1 }, phases });
      expect(phases.has(HELPED)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('start as many as STREAMPLANE_HELPER_THREADS says, whatever the load, when the caller does not', () => {
    const { root } = generateCatalog(4, 20);
    const before = process.env.STREAMPLANE_HELPER_THREADS;
    const helped = (value: string | undefined): boolean => {
      if (value === undefined) delete process.env.STREAMPLANE_HELPER_THREADS;
      else process.env.STREAMPLANE_HELPER_THREADS = value;
      const phases = new Map<string, number>();
      loadCatalog(new DiskFiles(root), { parallel: { minWork: 0 }, phases });
      return phases.has(HELPED);
    };
    try {
      expect(helped('0')).toBe(false);
      expect(helped('1')).toBe(true);
      // Not a count: the load average decides, as without it.
      expect(helped('x')).toBe(helped(undefined));
    } finally {
      if (before === undefined) delete process.env.STREAMPLANE_HELPER_THREADS;
      else process.env.STREAMPLANE_HELPER_THREADS = before;
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
