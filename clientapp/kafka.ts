// The project's own small producer/consumer interfaces. kafkajs (no release since 2023) stays
// behind this file, so swapping the client library touches nothing else.
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, KafkaConfig, Message, Producer } from 'kafkajs';
import type { ClientConfig } from './config';
import { principalOf } from './config';
import { explain, groupDenied } from './errors';
import type { ErrorContext, Role } from './errors';
import type { Codec } from './codec';
import type { Topic } from './topic';

export interface OutgoingEvent<V> {
  /** Events with the same key keep their order (same partition). */
  key: string;
  value: V;
}

export interface Delivery {
  key: string;
  partition: number;
  offset: string;
}

export interface IncomingEvent<V> {
  key: string;
  value: V;
  partition: number;
  offset: string;
}

export interface EventProducer<V> {
  /** Encodes, validates and sends; resolves once every event is acknowledged by all replicas. */
  send(events: readonly OutgoingEvent<V>[]): Promise<Delivery[]>;
  close(): Promise<void>;
}

export interface EventConsumer<V> {
  /** Calls `handle` for each event in partition order; offsets are committed after it returns. */
  start(handle: (event: IncomingEvent<V>) => Promise<void>): Promise<void>;
  /** Rejects when consumption fails for good (e.g. a denied group); never resolves otherwise. */
  readonly failed: Promise<never>;
  close(): Promise<void>;
}

export interface ClientOptions<V> {
  config: ClientConfig;
  topic: Topic<V>;
  codec: Codec;
  /** Prefix for topic names (tests and benchmarks isolate themselves with one). */
  namePrefix?: string;
  /** Connection retries before giving up (kafkajs default: 5). */
  retries?: number;
  /** Print kafkajs's own warnings and errors. */
  verbose?: boolean;
}

function kafkaFor(opts: ClientOptions<unknown>, role: Role): Kafka {
  const { config } = opts;
  const kafkaConfig: KafkaConfig = {
    clientId: `${principalOf(config.app)}-${role}`,
    brokers: config.kafka.brokers,
    ssl: config.kafka.ssl,
    // The union kafkajs expects cannot be narrowed from a runtime string; zod checked it.
    sasl: config.kafka.sasl as KafkaConfig['sasl'],
    connectionTimeout: 3000,
    retry: { retries: opts.retries ?? 5 },
    logLevel: opts.verbose ? logLevel.WARN : logLevel.NOTHING,
  };
  return new Kafka(kafkaConfig);
}

function context(opts: ClientOptions<unknown>, role: Role, group?: string): ErrorContext {
  return {
    app: opts.config.app,
    role,
    topic: opts.topic,
    topicName: topicName(opts),
    principal: opts.config.kafka.sasl.username,
    bootstrap: opts.config.kafka.brokers.join(','),
    registryUrl: opts.config.registry.url,
    ...(group ? { group } : {}),
  };
}

export const topicName = (opts: { topic: Topic<unknown>; namePrefix?: string }): string =>
  `${opts.namePrefix ?? ''}${opts.topic.name}`;

/** Partition count; also an early check that the app may see the topic at all. */
async function partitionsOf(kafka: Kafka, topic: string): Promise<number> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

export async function connectProducer<V>(opts: ClientOptions<V>): Promise<EventProducer<V>> {
  const ctx = context(opts, 'producer');
  const topic = topicName(opts);
  const kafka = kafkaFor(opts, 'producer');
  let producer: Producer | undefined;
  try {
    const partitions = await partitionsOf(kafka, topic);
    // Idempotent (no duplicates on retry, acks from all in-sync replicas) with one request in
    // flight, so a retry can never reorder a key's events.
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkajsProducer(producer, opts, topic, partitions, ctx);
  } catch (err) {
    await producer?.disconnect().catch(() => undefined);
    throw explain(err, ctx);
  }
}

class KafkajsProducer<V> implements EventProducer<V> {
  // The Java client's partitioner (murmur2 of the key), so we know each event's partition.
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: { partitionId: number; leader: number }[];

  constructor(
    private readonly producer: Producer,
    private readonly opts: ClientOptions<V>,
    private readonly topic: string,
    partitions: number,
    private readonly ctx: ErrorContext,
  ) {
    this.partitionMetadata = Array.from({ length: partitions }, (_, i) => ({
      partitionId: i,
      leader: 0,
    }));
  }

  async send(events: readonly OutgoingEvent<V>[]): Promise<Delivery[]> {
    try {
      const messages: (Message & { partition: number })[] = [];
      for (const e of events) {
        const message = {
          key: e.key,
          value: await this.opts.codec.encode(this.opts.topic, e.value),
        };
        const partition = this.partitioner({
          topic: this.topic,
          partitionMetadata: this.partitionMetadata as never,
          message,
        });
        messages.push({ ...message, partition });
      }
      const results = await this.producer.send({ topic: this.topic, acks: -1, messages });
      // kafkajs keeps each partition's messages in order: offsets follow from the base offset.
      const next = new Map(results.map((r) => [r.partition, BigInt(r.baseOffset ?? '0')]));
      return messages.map((m, i) => {
        const offset = next.get(m.partition) ?? 0n;
        next.set(m.partition, offset + 1n);
        return { key: events[i]!.key, partition: m.partition, offset: offset.toString() };
      });
    } catch (err) {
      throw explain(err, this.ctx);
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

export interface ConsumerOptions<V> extends ClientOptions<V> {
  /** Must start with the app's principal ("payments.payment-service"): that is all its ACLs allow. */
  group: string;
  fromBeginning?: boolean;
}

export async function connectConsumer<V>(opts: ConsumerOptions<V>): Promise<EventConsumer<V>> {
  const ctx = context(opts, 'consumer', opts.group);
  // Known before asking the cluster: the catalog grants groups by the app's prefix only.
  if (!opts.group.startsWith(principalOf(opts.config.app))) {
    throw groupDenied(opts.config.app, opts.group);
  }
  const kafka = kafkaFor(opts, 'consumer');
  let consumer: Consumer | undefined;
  try {
    await partitionsOf(kafka, topicName(opts));
    consumer = kafka.consumer({
      groupId: opts.group,
      allowAutoTopicCreation: false,
      // A denied group or a poison message is not worth restarting for: report it.
      retry: { retries: opts.retries ?? 5, restartOnFailure: async () => false },
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [topicName(opts)],
      fromBeginning: opts.fromBeginning ?? true,
    });
    return new KafkajsConsumer(consumer, opts, ctx);
  } catch (err) {
    await consumer?.disconnect().catch(() => undefined);
    throw explain(err, ctx);
  }
}

class KafkajsConsumer<V> implements EventConsumer<V> {
  readonly failed: Promise<never>;
  private fail: (err: Error) => void = () => undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly opts: ConsumerOptions<V>,
    private readonly ctx: ErrorContext,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failed.catch(() => undefined); // observed by whoever awaits it
    consumer.on(consumer.events.CRASH, (e) => this.fail(explain(e.payload.error, ctx)));
  }

  async start(handle: (event: IncomingEvent<V>) => Promise<void>): Promise<void> {
    const { codec, topic } = this.opts;
    try {
      await this.consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          let last: string | undefined;
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) break;
            const value = await codec.decode(topic, m.value ?? Buffer.alloc(0));
            await handle({
              key: m.key?.toString('utf8') ?? '',
              value,
              partition: batch.partition,
              offset: m.offset,
            });
            last = m.offset;
            await heartbeat();
          }
          // At-least-once: the offset moves only past events that were handled.
          if (last !== undefined) {
            await this.consumer.commitOffsets([
              {
                topic: batch.topic,
                partition: batch.partition,
                offset: (BigInt(last) + 1n).toString(),
              },
            ]);
          }
        },
      });
    } catch (err) {
      throw explain(err, this.ctx);
    }
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
