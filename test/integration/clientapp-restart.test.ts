// Events published before a broker restart are all consumed after it. The restart happens on a
// private broker (temp dir, free ports) so the shared stack and other test files are untouched;
// the schema registry is the shared one, under this file's own subject prefix.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { topics } from '../../clientapp/generated/topics';
import { connectConsumer, connectProducer } from '../../clientapp/kafka';
import type { IncomingEvent } from '../../clientapp/kafka';
import { createCodec } from '../../clientapp/registry';
import { sampleEvents } from '../../clientapp/samples';
import { freePort } from '../../scripts/local/ports';
import { down, up } from '../../scripts/local/stack';
import { clientappFixture } from '../support/clientapp-fixture';
import { localStack, topicPrefix } from '../support/local';

const TOPIC = 'orders.order-created.v1';
const orderCreated = topics[TOPIC];
const principals = [
  { domain: 'orders', app: 'order-service' },
  { domain: 'payments', app: 'payment-service' },
];

describe('clientapp across a broker restart', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-clientapp-'));
  });
  afterAll(async () => {
    await down({ root });
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('consumes after the restart everything produced before it', async () => {
    const ports = { kafka: await freePort(), controller: await freePort() };
    await up({ root, ports, services: ['kafka'], principals });
    const prefix = topicPrefix(__filename);
    const fx = await clientappFixture({
      topic: TOPIC,
      prefix,
      partitions: 3,
      root,
      registryUrl: localStack().registryUrl,
    });

    const producerConfig = fx.configFor('orders/order-service');
    const producer = await connectProducer({
      topic: orderCreated,
      namePrefix: prefix,
      config: producerConfig,
      codec: createCodec(producerConfig, prefix),
    });
    const deliveries = await producer.send(sampleEvents(TOPIC, 25, 'restart'));
    await producer.close();

    expect(await down({ root, services: ['kafka'] })).toEqual(['kafka']);
    expect((await up({ root, ports, services: ['kafka'], principals })).started).toEqual(['kafka']);

    const consumerConfig = fx.configFor('payments/payment-service');
    const consumer = await connectConsumer({
      topic: orderCreated,
      namePrefix: prefix,
      config: consumerConfig,
      codec: createCodec(consumerConfig, prefix),
      group: 'payments.payment-service.it-restart',
    });
    const seen: IncomingEvent<unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer.failed.catch(reject);
      consumer
        .start(async (e) => {
          seen.push(e);
          if (seen.length === deliveries.length) resolve();
        })
        .catch(reject);
    });
    await consumer.close();
    const key = (x: { partition: number; offset: string }): string => `${x.partition}@${x.offset}`;
    expect(seen.map(key).sort()).toEqual(deliveries.map(key).sort());
  }, 180_000);
});
