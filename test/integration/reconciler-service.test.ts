// The reconciler service on the real local stack: API auth, async reconciliations, one leader
// among two replicas, and events/errors/summary messages that decode through the registry.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { openClients } from '../../reconciler/cluster/clients';
import type { OpenClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { createLogger } from '../../reconciler/log';
import { generateToken, hashToken } from '../../reconciler/service/auth';
import { startService } from '../../reconciler/service';
import type { RunningService } from '../../reconciler/service';
import { wireRegistry } from '../../reconciler/service/kafka-io';
import type { Reconciliation } from '../../reconciler/service/store';
import { catalogFixture, ioTopicSpecs, removeDomainResources } from '../support/reconciler-fixture';
import type { Fixture } from '../support/reconciler-fixture';
import { sleep, until } from '../support/wait';

jest.setTimeout(90_000);

const operator = generateToken();
const reader = generateToken();

describe('reconciler service', () => {
  let fx: Fixture;
  let a: RunningService;
  let b: RunningService | undefined;
  let clients: OpenClients;
  const connection = localConnection();

  const start = (): Promise<RunningService> =>
    startService({
      root: fx.root,
      environment: 'local',
      mode: 'enforce',
      intervalMs: 600_000, // passes on request only, so counts are exact
      host: '127.0.0.1',
      port: 0,
      tokens: [
        { name: 'ops', role: 'operator', sha256: hashToken(operator) },
        { name: 'dash', role: 'reader', sha256: hashToken(reader) },
      ],
      connection,
      ioDomain: fx.domain,
      log: createLogger({ level: 'silent' }),
    });

  const call = async (
    svc: RunningService,
    method: string,
    path: string,
    token?: string,
    body?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${svc.url}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : { text } };
  };

  const finished = (svc: RunningService, id: string): Promise<Reconciliation> =>
    until(() => {
      const r = svc.controller.store.get(id);
      return r && (r.state === 'succeeded' || r.state === 'failed') && !r.forwarded ? r : undefined;
    }, 60_000);

  beforeAll(async () => {
    fx = catalogFixture();
    const io = ioTopicSpecs();
    const incompatible = JSON.stringify({
      type: 'record',
      name: 'Order',
      namespace: `com.acme.${fx.domain}`,
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'int' }, // new required field: not BACKWARD compatible
      ],
    });
    fx.write({
      apps: { reconciler: {}, shop: {} },
      topics: [
        ...io.topics,
        { key: 'orders', partitions: 1, schema: 'order.avsc', producers: ['shop'] },
      ],
      schemas: { ...io.schemas, 'order.avsc': incompatible },
    });
    clients = await openClients(connection);
    // An older version already in the registry makes the catalog's schema fail to register.
    await clients.registry.register(`${fx.topic('orders')}-value`, {
      schemaType: 'AVRO',
      references: [],
      schema: JSON.stringify({
        type: 'record',
        name: 'Order',
        namespace: `com.acme.${fx.domain}`,
        fields: [{ name: 'id', type: 'string' }],
      }),
    });
    a = await start();
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await removeDomainResources(clients.admin, fx.domain);
    await clients.close();
    fx.cleanup();
  });

  it('serves probes and metrics without a token', async () => {
    expect((await call(a, 'GET', '/healthz')).status).toBe(200);
    const ready = await call(a, 'GET', '/readyz');
    expect(ready).toEqual({ status: 200, json: { ready: true, kafka: 'ok', registry: 'ok' } });
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE reconciler_pass_duration_seconds histogram');
  });

  it('answers 401 without a valid token, 403 to a reader that writes, 400 on a bad body', async () => {
    expect((await call(a, 'GET', '/api/v1/status')).status).toBe(401);
    expect((await call(a, 'GET', '/api/v1/status', 'sprc_wrong')).status).toBe(401);
    expect((await call(a, 'GET', '/api/v1/status', reader)).status).toBe(200);
    expect((await call(a, 'POST', '/api/v1/reconciliations', reader, '{}')).status).toBe(403);
    const bad = await call(a, 'POST', '/api/v1/reconciliations', operator, '{"dryRun":"yes"}');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/dryRun: .*boolean/);
    const unknown = await call(a, 'POST', '/api/v1/reconciliations', operator, '{"force":true}');
    expect(unknown).toMatchObject({
      status: 400,
      json: { message: expect.stringMatching(/force/) },
    });
    const huge = JSON.stringify({ reason: 'x'.repeat(20_000) });
    expect((await call(a, 'POST', '/api/v1/reconciliations', operator, huge)).status).toBe(413);
  });

  it('runs a reconciliation asynchronously and reports each command', async () => {
    await until(() => a.isLeader() || undefined);
    const posted = await call(a, 'POST', '/api/v1/reconciliations', operator, '{"reason":"it"}');
    expect(posted.status).toBe(202);
    const id = posted.json.id as string;
    const rec = await finished(a, id);
    const got = await call(a, 'GET', `/api/v1/reconciliations/${id}`, reader);
    expect(got.json.state).toBe(rec.state);
    // Everything applied except the incompatible schema, whose failure is reported.
    expect(rec.state).toBe('failed');
    const failed = rec.results?.filter((r) => r.outcome === 'failed') ?? [];
    expect(failed.map((r) => r.resource)).toEqual([`subject ${fx.topic('orders')}-value`]);
    // The first pass (on start-up) created the topics; this one had only the schema left.
    const all = a.controller.store.recent().flatMap((r) => r.results ?? []);
    expect(all.some((r) => r.kind === 'CreateTopic' && r.outcome === 'succeeded')).toBe(true);

    const status = await call(a, 'GET', '/api/v1/status', reader);
    const topics = status.json.topics as { topic: string; state: string }[];
    expect(topics.find((t) => t.topic === fx.topic('orders'))?.state).toBe('failed');
    expect(topics.find((t) => t.topic === fx.topic('reconciler-events'))?.state).toBe('ready');
    expect((await call(a, 'GET', '/api/v1/reconciliations/nope', reader)).status).toBe(404);
  });

  it('publishes events, errors and a summary that decode through the registry', async () => {
    const kafka = new Kafka({
      clientId: 'it-reconciler-io',
      brokers: connection.kafka.brokers as string[],
      ...(connection.kafka.sasl ? { sasl: connection.kafka.sasl } : {}),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `it-${randomUUID()}` });
    const registry = wireRegistry(connection);
    const seen: Record<string, Record<string, unknown>[]> = {};
    const topics = ['reconciler-events', 'reconciler-errors', 'reconciler-summary'].map(fx.topic);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        (seen[topic] ??= []).push(await registry.decode(message.value as Buffer));
      },
    });
    try {
      await until(() => topics.every((t) => (seen[t]?.length ?? 0) > 0) || undefined);
    } finally {
      await consumer.disconnect();
    }
    const [events, errors, summary] = topics.map((t) => seen[t] ?? []);
    expect(events?.[0]).toMatchObject({ environment: 'local', outcome: expect.any(String) });
    expect(errors?.[0]).toMatchObject({
      command: 'RegisterSchema',
      resource: `subject ${fx.topic('orders')}-value`,
      outcome: 'failed',
      error: expect.any(String),
    });
    expect(summary?.[0]).toMatchObject({ environment: 'local', mode: 'enforce', state: 'failed' });
  });

  it('lets exactly one of two replicas apply; the other forwards requests to it', async () => {
    b = await start();
    const services = [a, b];
    // Stable for a second: one leader after the rebalance.
    const leader = await until(async () => {
      const leaders = services.filter((s) => s.isLeader());
      if (leaders.length !== 1) return undefined;
      await sleep(1000);
      return services.filter((s) => s.isLeader()).length === 1 ? leaders[0] : undefined;
    });
    const follower = services.find((s) => s !== leader) as RunningService;
    const passesBefore = await passes(follower);

    const viaFollower = await call(follower, 'POST', '/api/v1/reconciliations', operator, '{}');
    expect(viaFollower.status).toBe(202);
    expect(viaFollower.json.forwarded).toBe(true);
    const viaLeader = await call(leader, 'POST', '/api/v1/reconciliations', operator, '{}');
    // The leader ran both: the forwarded one arrived through the requests topic.
    await finished(leader, viaLeader.json.id as string);
    await finished(leader, viaFollower.json.id as string);
    expect(await passes(follower)).toBe(passesBefore);
    expect(follower.controller.store.get(viaFollower.json.id as string)?.state).toBe('accepted');

    // The leader leaves: the other replica takes over.
    await leader.close();
    await until(() => follower.isLeader() || undefined, 30_000);
  }, 90_000);
});

/** Passes a replica ran itself (interval, API or Kafka requests), from its metrics. */
async function passes(svc: RunningService): Promise<number> {
  return (await svc.metrics.render())
    .split('\n')
    .filter((l) => l.startsWith('reconciler_passes_total{'))
    .reduce((n, l) => n + Number(l.split(' ')[1]), 0);
}
