// Drift as events on the real local stack: the service in observe mode finds a topic with fewer
// partitions and another retention than the catalog wants, a missing and an extra ACL and a
// subject at the wrong level, publishes one event per drift (desired vs actual) to the events
// topic, counts them by kind in /metrics, and changes nothing.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';
import { loadDesired } from '../../reconciler/catalog-source';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import type { AclBinding } from '../../reconciler/cluster/types';
import { createLogger } from '../../reconciler/log';
import { reconcilePass } from '../../reconciler/reconcile';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService } from '../../reconciler/service';
import { KafkaIo, ioTopics, wireRegistry } from '../../reconciler/service/kafka-io';
import { loadEnvironment } from '../../reconciler/catalog-source';
import { catalogFixture, ioTopicSpecs, removeDomainResources } from '../support/reconciler-fixture';
import type { DomainSpec, Fixture } from '../support/reconciler-fixture';
import { until } from '../support/wait';
import { allowBinding } from '../support/acl';

jest.setTimeout(90_000);

const operator = generateToken();

const ORDER = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: { id: { type: 'string' } },
  required: ['id'],
});

/** reconciler-event.json as deployed before drift events: what the registries already hold. */
const EVENT_SCHEMA_V1 = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ReconcilerEvent',
  description: 'The outcome of one command of a reconciliation pass',
  type: 'object',
  properties: {
    reconciliationId: { type: 'string' },
    environment: { type: 'string' },
    command: { type: 'string' },
    resource: { type: 'string' },
    outcome: { type: 'string', enum: ['succeeded', 'failed', 'skipped'] },
    error: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
  },
  required: ['reconciliationId', 'environment', 'command', 'resource', 'outcome', 'at'],
});

type Decoded = Record<string, unknown>;

describe('reconciler drift events (observe mode)', () => {
  let fx: Fixture;
  let clients: OpenClients;
  let svc: RunningService | undefined;
  const connection = localConnection();
  const kafka = new Kafka({
    clientId: 'it-reconciler-drift',
    brokers: connection.kafka.brokers as string[],
    ...(connection.kafka.sasl ? { sasl: connection.kafka.sasl } : {}),
    logLevel: logLevel.NOTHING,
  });
  const registry = wireRegistry(connection);
  const consumers: Consumer[] = [];

  /** Everything on `topic` from the beginning, decoded through the registry. */
  async function collect(topic: string): Promise<Decoded[]> {
    const seen: Decoded[] = [];
    const consumer = kafka.consumer({ groupId: `it-${randomUUID()}` });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push((await registry.decode(message.value as Buffer)) as Decoded);
      },
    });
    return seen;
  }

  const orders = (): string => fx.topic('orders');
  const shopRead = (): AclBinding => allowBinding(fx.principal('shop'), 'TOPIC', orders(), 'READ');

  beforeAll(async () => {
    fx = catalogFixture();
    const io = ioTopicSpecs();
    // First the reconciler's own topics and subjects, applied: observe mode creates nothing.
    fx.write({ apps: { reconciler: {} }, topics: io.topics, schemas: io.schemas });
    clients = await openClients(connection);
    const setup = await reconcilePass(loadDesired(fx.root, 'local', connection.naming), clients, {
      mode: 'enforce',
    });
    expect(setup.state).toBe('succeeded');

    // Then the drifted resources, made by hand: 1 partition and 1 day of retention where the
    // catalog wants 3 and 2 days, a READ ACL the catalog does not grant, the schema registered
    // as the catalog has it but at level NONE instead of BACKWARD.
    await clients.admin.createTopics([
      {
        name: orders(),
        partitions: 1,
        replicationFactor: 1,
        config: { 'cleanup.policy': 'delete', 'retention.ms': '86400000' },
      },
    ]);
    await clients.admin.createAcls([shopRead()]);
    await clients.registry.register(`${orders()}-value`, {
      schemaType: 'JSON',
      references: [],
      schema: ORDER,
    });
    await clients.registry.setCompatibility(`${orders()}-value`, 'NONE');

    const spec: DomainSpec = {
      apps: { reconciler: {}, shop: {} },
      topics: [
        ...io.topics,
        {
          key: 'orders',
          partitions: 3,
          retention: '2d',
          schema: 'order.json',
          producers: ['shop'],
        },
      ],
      schemas: { ...io.schemas, 'order.json': ORDER },
    };
    fx.write(spec);
  }, 60_000);

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await svc?.close();
    await removeDomainResources(clients.admin, fx.domain);
    await clients.close();
    fx.cleanup();
  });

  it('publishes each drift with desired vs actual, counts it by kind and changes nothing', async () => {
    svc = await startService({
      root: fx.root,
      environment: 'local',
      mode: 'observe',
      intervalMs: 600_000,
      host: '127.0.0.1',
      port: 0,
      tokens: [{ name: 'ops', role: 'operator', sha256: hashToken(operator) }],
      connection,
      ioDomain: fx.domain,
      log: createLogger({ level: 'silent' }),
    });
    const running = svc;
    await until(() => running.isLeader() || undefined);
    const posted = await fetch(`${running.url}/api/v1/reconciliations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${operator}`, 'Content-Type': 'application/json' },
      body: '{"reason":"drift it"}',
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    const rec = await until(() => {
      const r = running.controller.store.get(id);
      return r?.state === 'succeeded' || r?.state === 'failed' ? r : undefined;
    }, 60_000);
    expect(rec).toMatchObject({ mode: 'observe', state: 'succeeded' });
    expect(rec.drift).toBeGreaterThanOrEqual(5);

    // One event per drift of this pass, all of them (drift events are sent before its summary).
    const events = await collect(fx.topic('reconciler-events'));
    const mine = (): Decoded[] =>
      events.filter((e) => e.reconciliationId === id && e.outcome === 'drifted');
    await until(() => mine().length >= (rec.drift as number) || undefined);
    const drift = mine();
    expect(drift).toHaveLength(rec.drift as number);
    const about = (resource: string, kind: string): Decoded[] =>
      drift.filter((e) => e.resource === resource && e.drift === kind);

    expect(about(`topic ${orders()}`, 'partitions')).toEqual([
      {
        reconciliationId: id,
        environment: 'local',
        command: 'IncreasePartitions',
        resource: `topic ${orders()}`,
        outcome: 'drifted',
        drift: 'partitions',
        differences: [{ field: 'partitions', desired: 3, actual: 1 }],
        at: expect.any(String),
      },
    ]);
    expect(about(`topic ${orders()}`, 'config')).toMatchObject([
      {
        command: 'AlterTopicConfig',
        differences: [{ field: 'retention.ms', desired: '172800000', actual: '86400000' }],
      },
    ]);
    expect(about(`subject ${orders()}-value`, 'subject')).toMatchObject([
      {
        command: 'SetSubjectCompatibility',
        differences: [{ field: 'compatibility', desired: 'BACKWARD', actual: 'NONE' }],
      },
    ]);
    const extra = `ALLOW ${fx.principal('shop')} READ TOPIC:${orders()}`;
    expect(drift.filter((e) => e.drift === 'acl-extra')).toMatchObject([
      { command: 'DeleteAcl', differences: [{ field: 'acl', actual: extra }] },
    ]);
    const missing = drift.filter((e) => e.drift === 'acl-missing');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing).toContainEqual(
      expect.objectContaining({
        differences: [
          { field: 'acl', desired: `ALLOW ${fx.principal('shop')} WRITE TOPIC:${orders()}` },
        ],
      }),
    );
    // The reconciler's own resources were applied first: they are not drift.
    expect(drift.some((e) => (e.resource as string).includes('reconciler-'))).toBe(false);
    // Credentials stay out of events.
    const sasl = connection.kafka.sasl as { password: string };
    expect(sasl.password.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(sasl.password);
    expect(JSON.stringify(events)).not.toContain(operator);

    // The same drift, by kind, on /metrics; the kinds add up to reconciler_drift.
    const res = await fetch(`${running.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const sample = (series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (!line) throw new Error(`no ${series} in /metrics`);
      return Number(line.split(' ')[1]);
    };
    expect(sample('reconciler_drift_items{kind="partitions"}')).toBe(1);
    expect(sample('reconciler_drift_items{kind="config"}')).toBe(1);
    expect(sample('reconciler_drift_items{kind="subject"}')).toBe(1);
    expect(sample('reconciler_drift_items{kind="acl-extra"}')).toBe(1);
    expect(sample('reconciler_drift_items{kind="acl-missing"}')).toBe(missing.length);
    expect(sample('reconciler_drift_items{kind="topic-missing"}')).toBe(0);
    const kinds = text.split('\n').filter((l) => l.startsWith('reconciler_drift_items{'));
    expect(kinds.reduce((n, l) => n + Number(l.split(' ')[1]), 0)).toBe(sample('reconciler_drift'));
    expect(sample('reconciler_drift')).toBe(rec.drift);
    expect(sample('process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Observe mode: the cluster is as it was.
    const topic = (await clients.admin.describeTopics()).find((t) => t.name === orders());
    expect(topic?.partitions).toBe(1);
    expect((await clients.admin.describeTopicConfigs([orders()])).get(orders())).toMatchObject({
      'retention.ms': '86400000',
    });
  });

  it('ships an events schema that registers over the deployed one under BACKWARD', async () => {
    const subject = `${fx.domain}.events-compat-value`;
    await clients.registry.register(subject, {
      schemaType: 'JSON',
      references: [],
      schema: EVENT_SCHEMA_V1,
    });
    await clients.registry.setCompatibility(subject, 'BACKWARD');
    const current = ioTopicSpecs().schemas['reconciler-event.json'] as string;
    await clients.registry.register(subject, {
      schemaType: 'JSON',
      references: [],
      schema: current,
    });
    expect((await clients.registry.latest(subject))?.version).toBe(2);
  });

  it('still publishes the summary when the registry only has the old events schema', async () => {
    // An environment whose events subject was not updated yet: v1 has no "drifted" outcome.
    const old = `${fx.domain}.events-v1-value`;
    await clients.registry.register(old, {
      schemaType: 'JSON',
      references: [],
      schema: EVENT_SCHEMA_V1,
    });
    const topics = ioTopics(loadEnvironment(fx.root, 'local'), fx.domain);
    if (!topics) throw new Error('no reconciler topics in the fixture');
    const io = new KafkaIo({
      connection,
      topics: { ...topics, subjects: { ...topics.subjects, [topics.events]: old } },
      groupId: `it-${randomUUID()}`,
      environment: 'local',
      log: createLogger({ level: 'silent' }),
      onRequest: () => undefined,
      onLeadership: () => undefined,
    });
    const report = await reconcilePass(loadDesired(fx.root, 'local', connection.naming), clients, {
      mode: 'observe',
    });
    expect(report.drift).toBeGreaterThan(0);
    const summaries = await collect(topics.summary);
    await io.start();
    try {
      await expect(io.publishPass(report)).rejects.toThrow(
        new RegExp(`${report.drift} drift event\\(s\\) not published`),
      );
    } finally {
      await io.stop();
    }
    const summary = await until(() => summaries.find((s) => s.reconciliationId === report.id));
    expect(summary).toMatchObject({ mode: 'observe', drift: report.drift });
  });
});
