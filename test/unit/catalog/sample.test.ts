import { appId } from '../../../catalog/naming';
import { loadCatalog } from '../../../catalog/loader';
import { validateCatalog } from '../../../catalog/validate';
import { REPO_ROOT } from '../../../shared/repo-root';

describe('the sample catalog', () => {
  const result = validateCatalog(REPO_ROOT);

  it('validates with no errors and no warnings', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.summary).toMatchObject({ domains: 4, topics: 10, apps: 8, schemas: 12 });
  });

  const catalog = loadCatalog(REPO_ROOT).catalog!;

  it('applies per-environment overrides and defaults once, in for(env)', () => {
    const local = catalog.for('local').topics.find((t) => t.name === 'orders.order-created.v1')!;
    const dev = catalog.for('dev').topics.find((t) => t.name === 'orders.order-created.v1')!;
    const prod = catalog.for('prod').topics.find((t) => t.name === 'orders.order-created.v1')!;
    expect(local).toMatchObject({ partitions: 1, replicationFactor: 1 });
    expect(local.config).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': '1209600000',
      'min.insync.replicas': '1',
    });
    expect(dev.config).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': '86400000',
      'min.insync.replicas': '2',
    });
    expect(prod).toMatchObject({ partitions: 6, replicationFactor: 3 });
    // The platform default retention (7d) fills in where a topic says nothing.
    const shipped = catalog.for('prod').topics.find((t) => t.name === 'payments.refund-issued.v1')!;
    expect(shipped.config['retention.ms']).toBe(String(7 * 86_400_000));
    // A compacted-only topic gets no retention unless it asks for one.
    const status = catalog.for('prod').topics.find((t) => t.name === 'orders.order-status.v1')!;
    expect(status.config).toEqual({
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '60000',
    });
    expect(catalog.for('prod')).toBe(catalog.for('prod'));
  });

  it("counts each environment's totals without resolving it, as for(env) would", () => {
    const partitions = catalog.environments.map((env) => catalog.totals(env).partitions);
    expect(new Set(partitions).size).toBeGreaterThan(1); // overrides make them differ
    for (const env of catalog.environments) {
      const resolved = catalog.for(env);
      expect(catalog.totals(env)).toEqual({
        topics: resolved.topics.length,
        partitions: resolved.topics.reduce((n, t) => n + t.partitions, 0),
        acls: resolved.acls.length,
      });
    }
  });

  it('is immutable', () => {
    const env = catalog.for('prod');
    expect(Object.isFrozen(env.topics[0])).toBe(true);
    expect(() => {
      (env.topics as unknown as unknown[]).push({});
    }).toThrow();
    expect(Object.isFrozen(catalog.domains[0]!.topics[0]!.config)).toBe(true);
  });

  it('derives exactly the ACLs producers and consumers need', () => {
    const acls = catalog
      .for('prod')
      .acls.filter((a) => a.app === appId('orders', 'order-service'))
      .map((a) => `${a.resourceType}:${a.patternType}:${a.resourceName}:${a.operation}`)
      .sort();
    expect(acls).toEqual([
      'TOPIC:LITERAL:orders.order-created.v1:DESCRIBE',
      'TOPIC:LITERAL:orders.order-created.v1:WRITE',
      'TOPIC:LITERAL:orders.order-status.v1:DESCRIBE',
      'TOPIC:LITERAL:orders.order-status.v1:WRITE',
      // order-service is transactional
      'TRANSACTIONAL_ID:PREFIXED:orders.order-service.:DESCRIBE',
      'TRANSACTIONAL_ID:PREFIXED:orders.order-service.:WRITE',
    ]);
    const consumer = catalog
      .for('prod')
      .acls.filter((a) => a.app === 'shipping/tracking-api')
      .map((a) => `${a.resourceType}:${a.patternType}:${a.resourceName}:${a.operation}`)
      .sort();
    expect(consumer).toEqual([
      'GROUP:PREFIXED:shipping.tracking-api.:READ',
      'TOPIC:LITERAL:orders.order-status.v1:DESCRIBE',
      'TOPIC:LITERAL:orders.order-status.v1:READ',
      'TOPIC:LITERAL:shipping.shipment-dispatched.v1:DESCRIBE',
      'TOPIC:LITERAL:shipping.shipment-dispatched.v1:READ',
    ]);
  });

  it('orders subjects so that references come before the schemas using them', () => {
    const names = catalog.for('prod').subjects.map((s) => s.name);
    expect(names.indexOf('orders.types.money')).toBeLessThan(
      names.indexOf('orders.order-created.v1-value'),
    );
    expect(names.indexOf('payments.money')).toBeLessThan(
      names.indexOf('payments.payment-authorized.v1-value'),
    );
    expect(names.indexOf('shipping.address')).toBeLessThan(
      names.indexOf('shipping.shipment-dispatched.v1-value'),
    );
    const created = catalog
      .for('prod')
      .subjects.find((s) => s.name === 'orders.order-created.v1-value')!;
    expect(created.schema.references).toEqual([
      {
        name: 'com.acme.orders.types.Money',
        subject: 'orders.types.money',
        file: 'schemas/orders/types/money.avsc',
      },
    ]);
    const shipped = catalog
      .for('prod')
      .subjects.find((s) => s.name === 'shipping.shipment-dispatched.v1-value')!;
    expect(shipped.schema.format).toBe('PROTOBUF');
    expect(shipped.schema.references.map((r) => r.name)).toEqual(['address.proto']);
    expect(
      catalog.for('prod').subjects.find((s) => s.name === 'payments.payment-authorized.v1-value')!
        .compatibility,
    ).toBe('FULL');
  });
});
