// The reconciler against the real local broker and registry: apply from empty, no-op second
// apply, drift detected (observe) and corrected (enforce), refusals, unmanaged resources.
import { randomBytes } from 'node:crypto';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import type { Connection } from '../../reconciler/cluster/connection';
import { localConnection } from '../../reconciler/cluster/connection';
import { aclKey } from '../../catalog/access';
import type { AclBinding } from '../../reconciler/cluster/types';
import { loadDesired } from '../../reconciler/catalog-source';
import { readAndPlan, reconcilePass } from '../../reconciler/reconcile';
import type { Fixture, DomainSpec } from '../support/reconciler-fixture';
import { catalogFixture } from '../support/reconciler-fixture';
import { userPrincipal } from '../../catalog/access';
import { allowBinding } from '../support/acl';

const MONEY = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Money',
  type: 'object',
  properties: { amount: { type: 'string' }, currency: { type: 'string' } },
  required: ['amount', 'currency'],
});
const PAYMENT = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Payment',
  type: 'object',
  properties: { id: { type: 'string' }, amount: { $ref: 'money.json' } },
  required: ['id'],
});

const base = (): DomainSpec => ({
  apps: { writer: { transactional: true }, reader: {} },
  topics: [
    {
      key: 'payments',
      partitions: 3,
      retention: '1d',
      config: { 'min.insync.replicas': 1, 'segment.ms': 3600000 },
      schema: 'payment.json',
      producers: ['writer'],
      consumers: ['reader'],
    },
    { key: 'audit', partitions: 1, cleanupPolicy: 'compact', producers: ['writer'] },
    { key: 'scratch', partitions: 1, producers: ['writer'], deletionProtection: false },
  ],
  schemas: { 'money.json': MONEY, 'payment.json': PAYMENT },
});

describe('reconciler plan and apply', () => {
  let fx: Fixture;
  let connection: Connection;
  let clients: OpenClients;
  const unmanaged = `itunmanaged-${randomBytes(4).toString('hex')}.kept`;
  const foreignAcl = (topic: string): AclBinding =>
    allowBinding(userPrincipal('someone-else'), 'TOPIC', topic, 'READ');

  const desired = () => loadDesired(fx.root, 'local', connection.naming);
  const enforce = () => reconcilePass(desired(), clients, { mode: 'enforce' });
  const observe = () => reconcilePass(desired(), clients, { mode: 'observe' });
  const mine = async (): Promise<AclBinding[]> =>
    (await clients.admin.describeAcls()).filter((a) => a.resourceName.startsWith(`${fx.domain}.`));

  beforeAll(async () => {
    fx = catalogFixture();
    fx.write(base());
    connection = localConnection();
    clients = await openClients(connection);
    await clients.admin.createTopics([
      {
        name: unmanaged,
        partitions: 2,
        replicationFactor: 1,
        config: { 'retention.ms': '3600000' },
      },
    ]);
  });

  afterAll(async () => {
    const topics = (await clients.admin.describeTopics())
      .map((t) => t.name)
      .filter((n) => n.startsWith(`${fx.domain}.`) || n === unmanaged);
    await clients.admin.deleteTopics(topics);
    await clients.admin.deleteAcls(await mine());
    await clients.close();
    fx.cleanup();
  });

  it('applies from empty exactly the catalog: topics, configs, ACLs and schemas', async () => {
    const report = await enforce();
    expect(report.error).toBeUndefined();
    expect(report.state).toBe('succeeded');
    expect(report.counts.failed).toBe(0);

    const want = desired();
    const topics = (await clients.admin.describeTopics()).filter((t) =>
      t.name.startsWith(`${fx.domain}.`),
    );
    expect(topics.map((t) => t.name).sort()).toEqual(want.topics.map((t) => t.name).sort());
    for (const t of want.topics) {
      expect(topics.find((a) => a.name === t.name)?.partitions).toBe(t.partitions);
    }
    const configs = await clients.admin.describeTopicConfigs(want.topics.map((t) => t.name));
    for (const t of want.topics) expect(configs.get(t.name)).toEqual(t.config);
    expect(configs.get(fx.topic('payments'))).toMatchObject({
      'retention.ms': '86400000',
      'min.insync.replicas': '1',
      'segment.ms': '3600000',
    });

    const acls = (await mine()).map(aclKey).sort();
    expect(acls).toEqual(want.acls.map(({ app: _app, ...a }) => aclKey(a)).sort());
    expect(acls.length).toBeGreaterThan(0);

    const payment = await clients.registry.latest(`${fx.topic('payments')}-value`);
    expect(payment?.schemaType).toBe('JSON');
    expect(payment?.references).toEqual([
      { name: 'money.json', subject: `${fx.domain}.money`, version: 1 },
    ]);
    expect(await clients.registry.compatibility(`${fx.topic('payments')}-value`)).toBe('BACKWARD');
  });

  it('finds nothing to do right after', async () => {
    const { plan } = await readAndPlan(desired(), clients);
    expect(plan.commands).toEqual([]);
    expect(plan.inSync).toBe(true);
    const again = await enforce();
    expect(again.counts.commands).toBe(0);
    expect(again.state).toBe('succeeded');
  });

  it('never touches an unmanaged topic or a foreign principal', async () => {
    const { plan } = await readAndPlan(desired(), clients);
    expect(plan.unmanaged).toContain(unmanaged);
    expect(plan.commands.some((c) => c.resource.includes(unmanaged))).toBe(false);
    const [topic] = (await clients.admin.describeTopics()).filter((t) => t.name === unmanaged);
    expect(topic?.partitions).toBe(2);
    expect((await clients.admin.describeTopicConfigs([unmanaged])).get(unmanaged)).toEqual({
      'retention.ms': '3600000',
    });
  });

  it('detects out-of-band config and ACL changes (observe) and corrects them (enforce)', async () => {
    const topic = fx.topic('payments');
    // Someone edits the topic in a console: one value changed, one key added.
    await clients.admin.alterTopicConfigs([
      {
        topic,
        config: {
          'cleanup.policy': 'delete',
          'retention.ms': '172800000',
          'min.insync.replicas': '1',
          'segment.ms': '3600000',
          'max.message.bytes': '2000000',
        },
      },
    ]);
    const stray: AclBinding = {
      ...foreignAcl(topic),
      principal: fx.principal('reader'),
      operation: 'WRITE',
    };
    await clients.admin.createAcls([stray, foreignAcl(topic)]);

    const observed = await observe();
    expect(observed.results).toEqual([]); // observe never acts
    const kinds = observed.plan?.commands.map((c) => c.kind);
    expect(kinds).toEqual(['AlterTopicConfig', 'DeleteAcl']);
    const alter = observed.plan?.commands[0];
    expect(alter?.kind === 'AlterTopicConfig' && alter.changes).toEqual([
      { key: 'retention.ms', from: '172800000', to: '86400000' },
      { key: 'max.message.bytes', from: '2000000' },
    ]);
    expect(observed.drift).toBe(2);

    const enforced = await enforce();
    expect(enforced.state).toBe('succeeded');
    expect(enforced.counts).toMatchObject({ commands: 2, succeeded: 2 });
    const config = (await clients.admin.describeTopicConfigs([topic])).get(topic);
    expect(config).toEqual(desired().topics.find((t) => t.name === topic)?.config);
    const keys = (await clients.admin.describeAcls()).map(aclKey);
    expect(keys).not.toContain(aclKey(stray));
    expect(keys).toContain(aclKey(foreignAcl(topic))); // not a catalog principal: kept
    await clients.admin.deleteAcls([foreignAcl(topic)]);
  });

  it('refuses a partition decrease and keeps a topic removed from the catalog', async () => {
    const spec = base();
    spec.topics = spec.topics
      .filter((t) => t.key !== 'audit')
      .map((t) => (t.key === 'payments' ? { ...t, partitions: 1 } : t));
    fx.write(spec);

    const report = await enforce();
    expect(report.state).toBe('succeeded');
    const refusals = report.plan?.refusals ?? [];
    expect(refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'partition-decrease',
          resource: `topic ${fx.topic('payments')}`,
          drift: true,
        }),
        expect.objectContaining({
          kind: 'not-in-catalog',
          resource: `topic ${fx.topic('audit')}`,
          drift: false,
        }),
      ]),
    );
    const names = (await clients.admin.describeTopics()).map((t) => [t.name, t.partitions]);
    expect(names).toContainEqual([fx.topic('payments'), 3]);
    expect(names).toContainEqual([fx.topic('audit'), 1]);
    // The audit topic's ACLs go with it from the catalog; the topic itself stays.
    expect((await mine()).some((a) => a.resourceName === fx.topic('audit'))).toBe(false);
  });

  it('deletes only a topic the catalog marks delete: true', async () => {
    const spec = base();
    spec.topics = spec.topics.map((t) => (t.key === 'scratch' ? { ...t, delete: true } : t));
    fx.write(spec);
    const report = await enforce();
    expect(
      report.plan?.commands.filter((c) => c.kind === 'DeleteTopic').map((c) => c.resource),
    ).toEqual([`topic ${fx.topic('scratch')}`]);
    expect(report.state).toBe('succeeded');
    const names = (await clients.admin.describeTopics()).map((t) => t.name);
    expect(names).not.toContain(fx.topic('scratch'));
    expect(names).toContain(fx.topic('audit'));
  });
});
