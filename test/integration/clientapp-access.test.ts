// What a developer sees when the catalog does not allow what the app tries, or the connection
// is wrong: one line naming the app, the topic and the grant to add. Real broker, real ACLs.
import { freePort } from '../../scripts/local/ports';
import type { ClientConfig } from '../../clientapp/config';
import { ClientError } from '../../clientapp/errors';
import { topics } from '../../clientapp/generated/topics';
import { connectConsumer, connectProducer } from '../../clientapp/kafka';
import { createCodec } from '../../clientapp/registry';
import { sampleEvents } from '../../clientapp/samples';
import { clientappFixture } from '../support/clientapp-fixture';
import type { Fixture } from '../support/clientapp-fixture';
import { topicPrefix } from '../support/local';

const TOPIC = 'orders.order-created.v1';
const orderCreated = topics[TOPIC];

describe('clientapp access errors', () => {
  let fx: Fixture;
  const prefix = topicPrefix(__filename);
  const full = `${prefix}${TOPIC}`.replace(/\./g, '\\.');

  beforeAll(async () => {
    fx = await clientappFixture({ topic: TOPIC, prefix });
  });
  afterAll(() => fx.cleanup());

  const produce = async (config: ClientConfig, retries = 2): Promise<void> => {
    const p = await connectProducer({
      topic: orderCreated,
      namePrefix: prefix,
      config,
      codec: createCodec(config, prefix),
      retries,
    });
    try {
      await p.send(sampleEvents(TOPIC, 1, 'it'));
    } finally {
      await p.close();
    }
  };

  const consume = async (app: string, group: string): Promise<void> => {
    const config = fx.configFor(app);
    const c = await connectConsumer({
      topic: orderCreated,
      namePrefix: prefix,
      config,
      codec: createCodec(config, prefix),
      group,
      retries: 2,
    });
    try {
      await Promise.race([c.start(async () => undefined), c.failed]);
      await c.failed;
    } finally {
      await c.close();
    }
  };

  it('tells an app that is not a producer of the topic where to add it', async () => {
    // order-projector consumes this topic (so it may see it) but does not produce it.
    const denied = produce(fx.configFor('orders/order-projector'));
    await expect(denied).rejects.toBeInstanceOf(ClientError);
    await expect(denied).rejects.toThrow(
      new RegExp(
        `^orders/order-projector is not a producer of ${full}: ` +
          'add it to producers of order-created in topics/orders\\.yaml$',
      ),
    );
  });

  it('denies an app of another domain that is not a consumer of the topic', async () => {
    const denied = consume('shipping/tracking-api', 'shipping.tracking-api.it');
    await expect(denied).rejects.toThrow(
      new RegExp(
        `^shipping/tracking-api is not a consumer of ${full}: ` +
          'add it to consumers of order-created in topics/orders\\.yaml$',
      ),
    );
  });

  it('refuses a consumer group outside the app prefix, naming the prefix', async () => {
    const denied = consume('payments/payment-service', 'someone-else.group');
    await expect(denied).rejects.toThrow(
      /^payments\/payment-service may not use consumer group someone-else\.group: its groups must start with "payments\.payment-service\."$/,
    );
  }, 30_000);

  it('reports a wrong password as an authentication failure', async () => {
    const config = fx.configFor('orders/order-service');
    const wrong = {
      ...config,
      kafka: { ...config.kafka, sasl: { ...config.kafka.sasl, password: 'nope' } },
    };
    const denied = produce(wrong, 0);
    await expect(denied).rejects.toThrow(/^authentication failed for orders\.order-service at /);
    // The password never appears in what the developer sees.
    await expect(denied).rejects.not.toThrow(/nope/);
  });

  it('reports an unreachable broker by its address', async () => {
    const port = await freePort();
    const config = fx.configFor('orders/order-service');
    const gone = { ...config, kafka: { ...config.kafka, brokers: [`127.0.0.1:${port}`] } };
    await expect(produce(gone, 0)).rejects.toThrow(
      new RegExp(`^cannot reach the Kafka broker at 127\\.0\\.0\\.1:${port}: is it running\\?`),
    );
  }, 30_000);
});
