import fc from 'fast-check';
import { loadCatalog } from '../../../catalog/loader';
import { Catalog } from '../../../catalog/model';
import type { App, Domain, Topic } from '../../../catalog/model';
import { REPO_ROOT } from '../../support/catalog-fixture';

const platform = loadCatalog(REPO_ROOT).catalog!.platform;

/** Domains whose topics pick producers and consumers among a few apps, overlaps included. */
const domains = fc
  .record({
    transactional: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
    topics: fc.array(
      fc.record({
        producers: fc.array(fc.nat(4)),
        consumers: fc.array(fc.nat(4)),
        delete: fc.boolean(),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ transactional, topics }): Domain[] => {
    const apps: App[] = transactional.map((tx, i) => ({
      id: `d/app-${i}`,
      domain: 'd',
      name: `app-${i}`,
      description: '',
      transactional: tx,
      principal: `d.app-${i}`,
    }));
    const ids = (picks: number[]): string[] => picks.map((p) => apps[p % apps.length]!.id);
    return [
      {
        name: 'd',
        description: '',
        team: '@acme/d',
        file: 'topics/d.yaml',
        apps,
        topics: topics.map((t, i): Topic => ({
          name: `d.t${i}.v1`,
          domain: 'd',
          key: `t${i}`,
          version: 1,
          description: '',
          partitions: 1,
          cleanupPolicy: 'delete',
          config: {},
          producers: ids(t.producers),
          consumers: ids(t.consumers),
          deletionProtection: !t.delete,
          delete: t.delete,
          environments: {},
          source: { file: 'topics/d.yaml', line: 1 },
        })),
      },
    ];
  });

describe('ACL totals', () => {
  it('count exactly the grants the catalog derives, without deriving them', () => {
    fc.assert(
      fc.property(domains, (ds) => {
        const counted = new Catalog(platform, structuredClone(ds), new Map(), []).totals(
          'prod',
        ).acls;
        const derived = new Catalog(platform, structuredClone(ds), new Map(), []).acls.length;
        expect(counted).toBe(derived);
      }),
    );
  });
});
