// The parse cache: files that parsed clean are not parsed again, and nothing about the result
// may tell whether they were.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { DiskFiles } from '../../../catalog/files';
import { loadCatalog } from '../../../catalog/loader';
import type {
  ParseCache,
  ParsedDomain,
  ParsedPlatform,
  SchemaOutline,
} from '../../../catalog/parse-cache';
import { ParseCacheFile } from '../../../catalog/parse-cache';
import { validateCatalog } from '../../../catalog/validate';
import { catalogFixture, lines } from '../../support/catalog-fixture';

/** Counts what a cache answers and what it is told to remember. */
class Spy implements ParseCache {
  readonly hits: string[] = [];
  readonly remembered: string[] = [];
  constructor(private readonly inner: ParseCache) {}
  remembers(path: string): boolean {
    return this.inner.remembers(path);
  }
  platform(path: string, text: string): ParsedPlatform | undefined {
    return this.hit(path, this.inner.platform(path, text));
  }
  rememberPlatform(path: string, text: string, parsed: ParsedPlatform): void {
    this.remembered.push(path);
    this.inner.rememberPlatform(path, text, parsed);
  }
  domain(path: string, text: string): ParsedDomain | undefined {
    return this.hit(path, this.inner.domain(path, text));
  }
  schema(path: string, text: string): SchemaOutline | undefined {
    return this.hit(path, this.inner.schema(path, text));
  }
  rememberDomain(path: string, text: string, parsed: ParsedDomain): void {
    this.remembered.push(path);
    this.inner.rememberDomain(path, text, parsed);
  }
  rememberSchema(path: string, text: string, outline: SchemaOutline): void {
    this.remembered.push(path);
    this.inner.rememberSchema(path, text, outline);
  }
  private hit<T>(path: string, value: T | undefined): T | undefined {
    if (value !== undefined) this.hits.push(path);
    return value;
  }
}

// A topic without consumers: its warning is positioned through the lazily parsed document.
const quietTopic = lines(
  '  audit-trail:',
  '    description: Everything that happened to an order',
  '    schema: { value: order-status.avsc }',
  '    producers: [order-service]',
);

describe('parse cache', () => {
  it('gives the very same diagnostics and model as parsing afresh', () => {
    const root = catalogFixture();
    const orders = join(root, 'topics/orders.yaml');
    writeFileSync(orders, readFileSync(orders, 'utf8') + quietTopic);
    const fresh = validateCatalog(root, { cache: false });
    expect(fresh.diagnostics.map((d) => d.rule)).toContain('no-consumers');

    validateCatalog(root); // fills the cache
    const spy = new Spy(ParseCacheFile.forRoot(root));
    const cached = loadCatalog(new DiskFiles(root), { parseCache: spy });
    // Every file came from the cache: platform.yaml, 4 domain files and 12 schemas.
    expect(spy.hits).toHaveLength(17);
    expect(spy.hits).toContain('platform.yaml');
    expect(spy.remembered).toEqual([]);
    expect(cached.diagnostics).toEqual(fresh.diagnostics);
    expect(validateCatalog(root)).toEqual(fresh);
    const model = cached.catalog!;
    for (const env of model.environments) expect(model.for(env)).toEqual(fresh.catalog!.for(env));
    expect(model.domains).toEqual(fresh.catalog!.domains);
  });

  it('parses a changed file afresh and reports it at the same place', () => {
    const root = catalogFixture();
    validateCatalog(root);
    const orders = join(root, 'topics/orders.yaml');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('partitions: 6', 'partitions: 0'));
    const cached = validateCatalog(root);
    expect(cached.errorCount).toBe(1);
    expect(cached.diagnostics).toEqual(validateCatalog(root, { cache: false }).diagnostics);
  });

  it('never remembers a file with a problem', () => {
    const root = catalogFixture();
    const orders = join(root, 'topics/orders.yaml');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('partitions: 6', 'partitoins: 6'));
    const first = new Spy(ParseCacheFile.forRoot(root));
    loadCatalog(new DiskFiles(root), { parseCache: first });
    expect(first.remembered).toHaveLength(16);
    expect(first.remembered).not.toContain('topics/orders.yaml');
  });

  it('never remembers a platform.yaml with a problem, and reports it again', () => {
    const root = catalogFixture();
    const platform = join(root, 'platform.yaml');
    writeFileSync(
      platform,
      readFileSync(platform, 'utf8').replace('partitions: 3', 'partitions: 0'),
    );
    const first = new Spy(ParseCacheFile.forRoot(root));
    const fresh = loadCatalog(new DiskFiles(root), { parseCache: first });
    expect(fresh.errorCount).toBeGreaterThan(0);
    expect(first.remembered).not.toContain('platform.yaml');
    expect(validateCatalog(root).diagnostics).toEqual(validateCatalog(root).diagnostics);
    expect(validateCatalog(root).diagnostics).toEqual(fresh.diagnostics);
  });

  it('ignores a cache written by other catalog code or library versions', () => {
    const root = catalogFixture();
    const cache = ParseCacheFile.forRoot(root);
    // An entry claiming orders.yaml declares no topics, which only a cache could make up.
    const text = readFileSync(join(root, 'topics/orders.yaml'), 'utf8');
    const header = { domain: 'orders', description: 'x', owners: { team: '@acme/orders' } };
    cache.rememberDomain('topics/orders.yaml', text, {
      keys: new Map(),
      header,
      apps: new Map([['order-service', { description: 'x', transactional: false }]]),
      topics: new Map(),
    });
    cache.save();
    const topics = (): number =>
      loadCatalog(new DiskFiles(root), {
        parseCache: ParseCacheFile.forRoot(root),
      }).model!.topics.filter((t) => t.domain === 'orders').length;
    expect(topics()).toBe(0); // the same salt: the entry is trusted

    const stored = deserialize(readFileSync(cache.path)) as Record<string, unknown>;
    writeFileSync(cache.path, serialize({ ...stored, salt: 'other code' }));
    expect(topics()).toBeGreaterThan(0);
    writeFileSync(cache.path, 'not a cache');
    expect(topics()).toBeGreaterThan(0);
  });

  it('keeps the first version of a file a run sees (the head, before --base loads the base)', () => {
    const root = catalogFixture();
    const head = 'topics/orders.yaml';
    const parsed = (team: string): ParsedDomain => ({
      keys: new Map(),
      header: { domain: 'orders', description: 'x', owners: { team } },
      apps: new Map(),
      topics: new Map(),
    });
    const first = ParseCacheFile.forRoot(root);
    first.rememberDomain(head, 'base text', parsed('@acme/base'));
    first.save();
    // The head changed: parsed and remembered; then the base version is found in the cache.
    const second = ParseCacheFile.forRoot(root);
    expect(second.domain(head, 'head text')).toBeUndefined();
    second.rememberDomain(head, 'head text', parsed('@acme/head'));
    expect(second.domain(head, 'base text')?.header.owners.team).toBe('@acme/base');
    second.rememberDomain(head, 'base text', parsed('@acme/base'));
    second.save();
    const third = ParseCacheFile.forRoot(root);
    expect(third.domain(head, 'head text')?.header.owners.team).toBe('@acme/head');
  });
});
