// The sample: one app publishes N typed events, another app (of another domain) consumes them
// in its own consumer group, each with its own credentials.
import { randomBytes } from 'node:crypto';
import type { ClientConfig } from './config';
import { loadConfig, resourcePrefixOf } from './config';
import { ClientError } from './errors';
import { topics } from './generated/topics';
import type { TopicName } from './generated/topics';
import { connectConsumer, connectProducer } from './kafka';
import type { Delivery, IncomingEvent } from './kafka';
import { createCodec } from './registry';
import { sampleEvents } from './samples';
import type { TopicBinding } from './topic';

export interface RoundTripOptions {
  count?: number;
  /** App ids, "domain/app". */
  producer?: string;
  consumer?: string;
  /** A catalog topic, by full name ("orders.order-created.v1") or key ("order-created"). */
  topic?: string;
  /** Consumer group; must start with the consumer's prefix ("payments.payment-service."). */
  group?: string;
  namePrefix?: string;
  /** Per-app configuration instead of the environment / local stack. */
  configFor?: (app: string) => ClientConfig;
  timeoutMs?: number;
  retries?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface RoundTripResult {
  topic: string;
  published: Delivery[];
  consumed: IncomingEvent<unknown>[];
  ms: number;
}

export const DEFAULTS = {
  count: 10,
  producer: 'orders/order-service',
  consumer: 'payments/payment-service',
  topic: 'orders.order-created.v1',
} as const;

export function resolveTopic(nameOrKey: string): TopicName {
  const all = Object.keys(topics) as TopicName[];
  const found = all.find((n) => n === nameOrKey) ?? all.filter((n) => topics[n].key === nameOrKey);
  if (typeof found === 'string') return found;
  if (found.length === 1) return found[0]!;
  const why = found.length > 1 ? `is ambiguous (${found.join(', ')})` : 'is not a catalog topic';
  throw new ClientError(`topic "${nameOrKey}" ${why}; known: ${all.join(', ')}`);
}

export async function roundTrip(opts: RoundTripOptions = {}): Promise<RoundTripResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const count = opts.count ?? DEFAULTS.count;
  const name = resolveTopic(opts.topic ?? DEFAULTS.topic);
  const topic = topics[name] as TopicBinding<unknown>;
  const producerApp = opts.producer ?? DEFAULTS.producer;
  const consumerApp = opts.consumer ?? DEFAULTS.consumer;
  const configFor = opts.configFor ?? ((app: string) => loadConfig(app));
  const run = randomBytes(3).toString('hex');
  const common = {
    topic,
    ...(opts.namePrefix ? { namePrefix: opts.namePrefix } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
  };
  const full = `${opts.namePrefix ?? ''}${topic.name}`;

  const producerConfig = configFor(producerApp);
  const producer = await connectProducer({
    ...common,
    config: producerConfig,
    codec: createCodec(producerConfig, opts.namePrefix),
  });
  let published: Delivery[];
  try {
    published = await producer.send(sampleEvents(name, count, run) as never);
  } finally {
    await producer.close();
  }
  for (const d of published) {
    log(`published  ${full} [${d.partition}] @${d.offset}  key=${d.key}`);
  }

  const consumerConfig = configFor(consumerApp);
  const group = opts.group ?? `${resourcePrefixOf(consumerApp)}clientapp-sample`;
  const consumer = await connectConsumer({
    ...common,
    config: consumerConfig,
    codec: createCodec(consumerConfig, opts.namePrefix),
    group,
  });
  const mine = new Set(published.map((d) => `${d.partition}@${d.offset}`));
  const consumed: IncomingEvent<unknown>[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const done = (err?: unknown): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => done(new ClientError('interrupted'));
      const timer = setTimeout(() => {
        done(
          new ClientError(
            `consumed ${consumed.length} of ${count} events in ${timeoutMs / 1000} s`,
          ),
        );
      }, timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      consumer.failed.catch(done);
      consumer
        .start(async (event) => {
          // Events from earlier runs in this group are skipped; ours are counted.
          if (!mine.has(`${event.partition}@${event.offset}`)) return;
          consumed.push(event);
          log(
            `consumed   ${full} [${event.partition}] @${event.offset}  key=${event.key}  ${summary(event.value)}`,
          );
          if (consumed.length >= count) done();
        })
        .catch(done);
    });
  } finally {
    await consumer.close();
  }
  return { topic: full, published, consumed, ms: Date.now() - started };
}

function summary(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
