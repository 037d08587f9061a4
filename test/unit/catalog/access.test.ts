import fc from 'fast-check';
import {
  GRANT,
  aclKey,
  consumeGrants,
  produceGrants,
  userPrincipal,
} from '../../../catalog/access';
import { loadCatalog } from '../../../catalog/loader';
import { Catalog } from '../../../catalog/model';
import type { App, Domain, Topic } from '../../../catalog/model';
import { appResourcePrefix, domainPrefix } from '../../../catalog/naming';
import { REPO_ROOT } from '../../../shared/repo-root';

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
      prefix: `d.app-${i}.`,
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

describe('granted prefixes', () => {
  const app = (domain: string, name: string): App => ({
    id: `${domain}/${name}`,
    domain,
    name,
    description: '',
    transactional: true,
    principal: `${domain}.${name}`,
    prefix: appResourcePrefix(domain, name),
  });

  it('give an app none of the groups or transactional ids of an app whose name extends its own', () => {
    const service = app('payments', 'payment-service');
    const reports = app('payments', 'payment-service-reports');
    const prefixed = [
      ...consumeGrants('payments.x.v1', service),
      ...produceGrants('payments.x.v1', service),
    ].filter((g) => g.patternType === 'PREFIXED');
    expect(prefixed.map((g) => `${g.resourceType}:${g.resourceName}`)).toEqual([
      'GROUP:payments.payment-service.',
      'TRANSACTIONAL_ID:payments.payment-service.',
      'TRANSACTIONAL_ID:payments.payment-service.',
    ]);
    for (const g of prefixed) {
      expect('payments.payment-service-reports.main'.startsWith(g.resourceName)).toBe(false);
      expect(`${reports.prefix}main`.startsWith(g.resourceName)).toBe(false);
      expect('payments.payment-service.main'.startsWith(g.resourceName)).toBe(true);
    }
  });

  it('all end at a separator that names cannot contain, in the sample catalog too', () => {
    const catalog = loadCatalog(REPO_ROOT).catalog!;
    const prefixed = catalog.acls.filter((g) => g.patternType === 'PREFIXED');
    expect(prefixed.length).toBeGreaterThan(0);
    for (const g of prefixed)
      expect(g.resourceName).toMatch(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.$/);
    // No granted prefix is the start of another app's prefix or another domain's.
    const apps = [...catalog.apps.values()];
    for (const g of prefixed) {
      for (const other of apps.filter((a) => a.id !== g.app))
        expect(other.prefix.startsWith(g.resourceName)).toBe(false);
    }
    for (const d of catalog.domains) {
      for (const other of catalog.domains.filter((o) => o !== d))
        expect(domainPrefix(other.name).startsWith(domainPrefix(d.name))).toBe(false);
    }
  });
});

describe('the ACL key', () => {
  const grant = {
    app: 'orders/order-service',
    resourceType: 'TOPIC',
    patternType: 'LITERAL',
    resourceName: 'orders.order-created.v1',
    operation: 'WRITE',
  } as const;
  const binding = { ...grant, principal: userPrincipal('orders.order-service'), ...GRANT };

  it("keeps the grants' form, which Terraform addresses and adoption files hold", () => {
    expect(aclKey(grant)).toBe('orders/order-service|TOPIC|LITERAL|orders.order-created.v1|WRITE');
  });

  it("keys a cluster's binding by its principal, and tells apart what a grant never makes", () => {
    const { app: _app, ...onCluster } = binding;
    expect(aclKey(onCluster)).toBe(
      'User:orders.order-service|TOPIC|LITERAL|orders.order-created.v1|WRITE',
    );
    // A binding that also names its app is still the binding on the cluster.
    expect(aclKey(binding)).toBe(aclKey(onCluster));
    const keys = new Set(
      [
        onCluster,
        { ...onCluster, permission: 'DENY' },
        { ...onCluster, host: '10.0.0.1' },
        { ...onCluster, operation: 'READ' },
        { ...onCluster, patternType: 'PREFIXED' },
        { ...onCluster, resourceType: 'GROUP' },
      ].map(aclKey),
    );
    expect(keys.size).toBe(6);
  });
});
