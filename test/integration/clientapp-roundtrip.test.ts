// The sample client app on the real local stack: typed events from orders/order-service to
// payments/payment-service (another domain), each with its own SCRAM user and the catalog's ACLs.
import { ClientError, SchemaValidationError, UnknownSchemaError } from '../../clientapp/errors';
import type { OrderCreated } from '../../clientapp/generated/orders/order-created';
import { topics } from '../../clientapp/generated/topics';
import { connectConsumer, connectProducer } from '../../clientapp/kafka';
import type { IncomingEvent } from '../../clientapp/kafka';
import { createCodec } from '../../clientapp/registry';
import { roundTrip } from '../../clientapp/round-trip';
import { sampleEvents } from '../../clientapp/samples';
import { clientappFixture } from '../support/clientapp-fixture';
import type { Fixture } from '../support/clientapp-fixture';
import { adminKafka, topicPrefix } from '../support/local';

const TOPIC = 'orders.order-created.v1';
const PRODUCER = 'orders/order-service';
const CONSUMER = 'payments/payment-service';
const orderCreated = topics[TOPIC];

describe('clientapp round trip', () => {
  let fx: Fixture;
  const prefix = topicPrefix(__filename);

  beforeAll(async () => {
    fx = await clientappFixture({ topic: TOPIC, prefix, partitions: 3 });
  });
  afterAll(() => fx.cleanup());

  const producer = (app = PRODUCER) =>
    connectProducer({
      topic: orderCreated,
      namePrefix: prefix,
      config: fx.configFor(app),
      codec: createCodec(fx.configFor(app), prefix),
    });

  it('delivers every published event exactly once to the consumer', async () => {
    const result = await roundTrip({
      count: 40,
      namePrefix: prefix,
      configFor: fx.configFor,
      group: `payments.payment-service.it-${prefix}`,
    });
    const published = result.published.map((d) => `${d.partition}@${d.offset}`);
    const consumed = result.consumed.map((e) => `${e.partition}@${e.offset}`);
    expect(new Set(published).size).toBe(40);
    expect(consumed).toHaveLength(40);
    expect(new Set(consumed)).toEqual(new Set(published));
    // Decoded and typed: the value is the OrderCreated that was sent for that key.
    for (const e of result.consumed as IncomingEvent<OrderCreated>[]) {
      expect(e.value.orderId).toBe(e.key);
      expect(e.value.total.currency).toBe('EUR');
    }
  }, 60_000);

  it('keeps each key in order: same partition, ascending offsets, in the order sent', async () => {
    const keys = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
    const base = sampleEvents(TOPIC, 1, 'it')[0]!.value;
    const events = Array.from({ length: 30 }, (_, i) => {
      const key = keys[i % keys.length]!;
      return { key, value: { ...base, orderId: key, note: `seq ${Math.floor(i / keys.length)}` } };
    });
    const p = await producer();
    const deliveries = await p.send(events);
    await p.close();
    expect(new Set(deliveries.map((d) => d.partition)).size).toBeGreaterThan(1);

    const config = fx.configFor(CONSUMER);
    const consumer = await connectConsumer({
      topic: orderCreated,
      namePrefix: prefix,
      config,
      codec: createCodec(config, prefix),
      group: `payments.payment-service.it-order-${prefix}`,
    });
    const wanted = new Set(deliveries.map((d) => `${d.partition}@${d.offset}`));
    const seen: IncomingEvent<OrderCreated>[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer.failed.catch(reject);
      void consumer.start(async (e) => {
        if (wanted.has(`${e.partition}@${e.offset}`)) seen.push(e);
        if (seen.length === wanted.size) resolve();
      });
    });
    await consumer.close();

    for (const key of keys) {
      const mine = seen.filter((e) => e.key === key);
      expect(new Set(mine.map((e) => e.partition)).size).toBe(1);
      const offsets = mine.map((e) => BigInt(e.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(mine.map((e) => e.value.note)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `seq ${n}`));
    }
  }, 60_000);

  it('closes mid-stream with its position committed: the group resumes after the last handled event', async () => {
    // What Ctrl-C / SIGTERM does in the sample: close() while events are still arriving.
    const p = await producer();
    const sent = await p.send(sampleEvents(TOPIC, 300, 'close'));
    await p.close();
    const mine = new Set(sent.map((d) => `${d.partition}@${d.offset}`));
    const group = `${CONSUMER.replace('/', '.')}.it-close`;
    const consume = async (stopAfter: number): Promise<string[]> => {
      const c = await connectConsumer({
        topic: orderCreated,
        namePrefix: prefix,
        config: fx.configFor(CONSUMER),
        codec: createCodec(fx.configFor(CONSUMER), prefix),
        group,
      });
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        c.failed.catch(reject);
        void c.start(async (e) => {
          const id = `${e.partition}@${e.offset}`;
          if (!mine.has(id)) return;
          seen.push(id);
          if (seen.length === stopAfter) resolve();
        });
      });
      await c.close();
      return seen;
    };
    const first = await consume(100);
    const rest = await consume(300 - first.length);
    // Nothing handled twice, nothing skipped.
    expect(first.filter((id) => rest.includes(id))).toEqual([]);
    expect(new Set([...first, ...rest])).toEqual(mine);
  }, 60_000);

  it('rejects a payload that does not match its schema before sending anything', async () => {
    const admin = adminKafka().admin();
    await admin.connect();
    const ends = async (): Promise<string[]> =>
      (await admin.fetchTopicOffsets(`${prefix}${TOPIC}`)).map((p) => p.high);
    const before = await ends();

    const valid = sampleEvents(TOPIC, 1, 'it')[0]!.value;
    const line = valid.lines[0]!;
    // @ts-expect-error quantity is an Avro int: the compiler already refuses a string here.
    const wrong: OrderCreated = { ...valid, lines: [{ ...line, quantity: 'two' }] };
    const p = await producer();
    try {
      const sent = p.send([{ key: 'bad', value: wrong }]);
      await expect(sent).rejects.toBeInstanceOf(SchemaValidationError);
      await expect(sent).rejects.toThrow(/orders\.order-created\.v1 does not match its schema/);
    } finally {
      await p.close();
    }
    expect(await ends()).toEqual(before);
    await admin.disconnect();
  }, 30_000);

  it('says to apply the catalog when the subject is not registered', async () => {
    const config = fx.configFor(PRODUCER);
    const codec = createCodec(config, `${prefix}unregistered.`);
    const value = sampleEvents(TOPIC, 1, 'it')[0]!.value;
    const encoding = codec.encode(orderCreated, value);
    await expect(encoding).rejects.toBeInstanceOf(UnknownSchemaError);
    await expect(encoding).rejects.toThrow(
      /subject .*unregistered\.orders\.order-created\.v1-value is not registered .*run the reconciler/,
    );
    await expect(encoding).rejects.toBeInstanceOf(ClientError);
  });
});
