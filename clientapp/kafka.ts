// The project's own small producer/consumer interfaces, on librdkafka (node-rdkafka). The rest
// of the client app sees only these types, so the Kafka library stays a one-file change.
// kafkajs (no release since 2023) reached a quarter of kcat's produce rate on the same broker;
// librdkafka is what kcat itself runs on (see bench/client.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { CODES, KafkaConsumer, Producer, features } from 'node-rdkafka';
import type {
  ConsumerGlobalConfig,
  DeliveryReport,
  LibrdKafkaError,
  Message,
  ProducerGlobalConfig,
  TopicPartitionOffset,
} from 'node-rdkafka';
import type { ClientConfig } from './config';
import { principalOf, resourcePrefixOf } from './config';
import { ClientError, ConfigError, explain, groupDenied, KafkaFailure } from './errors';
import type { ErrorContext, Role } from './errors';
import type { Codec } from './codec';
import type { TopicBinding } from './topic';

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
  topic: TopicBinding<V>;
  codec: Codec;
  /** Prefix for topic names (tests and benchmarks isolate themselves with one). */
  namePrefix?: string;
  /** Connection attempts after the first (5 s each) before giving up; default 5. */
  retries?: number;
  /** Print librdkafka's own warnings and errors. */
  verbose?: boolean;
}

export const topicName = (opts: { topic: TopicBinding<unknown>; namePrefix?: string }): string =>
  `${opts.namePrefix ?? ''}${opts.topic.name}`;

/** One connection attempt: TCP, SASL and the topic's metadata. */
const CONNECT_ATTEMPT_MS = 5000;

/** librdkafka error codes by number → their names without "ERR_", e.g. TOPIC_AUTHORIZATION_FAILED. */
const CODE_NAMES = new Map(
  Object.entries(CODES.ERRORS).map(([name, code]) => [code, name.replace(/^ERR_/, '')]),
);

/** Broker refusals librdkafka reports only in a message (fatal errors, log lines). */
const BROKER_REASONS: [RegExp, string][] = [
  [/Broker: Cluster authorization failed/, 'CLUSTER_AUTHORIZATION_FAILED'],
  [/Broker: Topic authorization failed/, 'TOPIC_AUTHORIZATION_FAILED'],
  [/Broker: Group authorization failed/, 'GROUP_AUTHORIZATION_FAILED'],
  [/SASL authentication error|Authentication failed/i, '_AUTHENTICATION'],
];

const reasonIn = (message: string): string | undefined =>
  BROKER_REASONS.find(([re]) => re.test(message))?.[1];

/** A librdkafka error as the library-neutral failure errors.ts explains. */
function failure(err: unknown): unknown {
  const e = err as Partial<LibrdKafkaError> | undefined;
  if (!e || typeof e.code !== 'number') return err;
  const message = e.message ?? '';
  return new KafkaFailure(reasonIn(message) ?? CODE_NAMES.get(e.code) ?? String(e.code), message);
}

/**
 * What librdkafka reported on the side while a call was failing: it holds the real cause. A
 * refused SASL login or a fatal producer error shows only in the client's log.
 */
class ErrorLog {
  private readonly seen: unknown[] = [];
  private readonly watchers = new Set<(f: KafkaFailure) => void>();

  constructor(client: Producer | KafkaConsumer, verbose: boolean) {
    // Both clients emit these; their typings' overloads do not unify.
    const events = client as unknown as NodeJS.EventEmitter;
    events.on('event.error', (err: LibrdKafkaError) => this.add(failure(err)));
    events.on('event.log', (log: { severity: number; fac: string; message: string }) => {
      if (verbose) console.error(`librdkafka ${log.fac}: ${log.message}`);
      const reason = log.severity <= 3 ? reasonIn(log.message) : undefined;
      if (reason) this.add(new KafkaFailure(reason, log.message));
    });
  }

  private add(f: unknown): void {
    if (this.seen.length < 20) this.seen.push(f);
    if (f instanceof KafkaFailure) for (const w of this.watchers) w(f);
  }

  /** Calls `watcher` with each failure from now on. */
  watch(watcher: (f: KafkaFailure) => void): void {
    this.watchers.add(watcher);
  }

  /** The failure with what librdkafka said meanwhile, so `explain` can find the cause. */
  with(err: unknown): unknown {
    const main = failure(err);
    if (main && typeof main === 'object' && this.seen.length > 0) {
      Object.assign(main, { errors: [...this.seen] });
    }
    return main;
  }

  has(type: string): boolean {
    return this.seen.some((f) => f instanceof KafkaFailure && f.type === type);
  }
}

/** librdkafka is built by `npm ci`; without OpenSSL's headers it silently lacks SCRAM and TLS. */
function checkBuild(kafka: ClientConfig['kafka']): void {
  const needed = [
    ...(kafka.sasl.mechanism.startsWith('scram') ? ['sasl_scram'] : []),
    ...(kafka.ssl ? ['ssl'] : []),
  ].filter((f) => !features.includes(f));
  if (needed.length > 0) {
    throw new ConfigError(
      `this build of librdkafka lacks ${needed.join(' and ')}: install OpenSSL's headers ` +
        '(apt-get install libssl-dev), then `npm rebuild node-rdkafka`',
    );
  }
}

function baseConfig(opts: ClientOptions<unknown>, role: Role): ProducerGlobalConfig {
  const { kafka, app } = opts.config;
  checkBuild(kafka);
  return {
    'client.id': `${principalOf(app)}-${role}`,
    'bootstrap.servers': kafka.brokers.join(','),
    'security.protocol': kafka.ssl ? 'sasl_ssl' : 'sasl_plaintext',
    'sasl.mechanisms': kafka.sasl.mechanism.toUpperCase(),
    'sasl.username': kafka.sasl.username,
    'sasl.password': kafka.sasl.password,
    'socket.connection.setup.timeout.ms': CONNECT_ATTEMPT_MS,
    'allow.auto.create.topics': false,
    // librdkafka logs to stderr by default; errors reach us as events and become ClientErrors.
    // Errors and warnings only, and through 'event.log' (ErrorLog), never straight to stderr.
    log_level: 4,
  };
}

/**
 * A connected client and its error log. Each attempt is a new client with its own deadline:
 * librdkafka retries a refused login by itself until the deadline, and cannot be stopped sooner.
 */
async function connected<C extends Producer | KafkaConsumer>(
  create: () => C,
  opts: ClientOptions<unknown>,
): Promise<{ client: C; errors: ErrorLog }> {
  const topic = topicName(opts);
  for (let attempt = 0; ; attempt++) {
    const client = create();
    const errors = new ErrorLog(client, opts.verbose ?? false);
    try {
      await new Promise<void>((resolve, reject) => {
        // A refused login is final: say so now. The attempt still runs to its deadline in the
        // background, and node-rdkafka disconnects the client when it fails.
        errors.watch((f) => f.type === '_AUTHENTICATION' && reject(f));
        client.connect({ topic, timeout: CONNECT_ATTEMPT_MS }, (err) =>
          err ? reject(err) : resolve(),
        );
      });
      return { client, errors };
    } catch (err) {
      // A wrong password stays wrong: no point in asking again.
      if (attempt >= (opts.retries ?? 5) || errors.has('_AUTHENTICATION')) throw errors.with(err);
    }
  }
}

function disconnect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve) => {
    if (!client.isConnected()) {
      resolve();
      return;
    }
    client.disconnect(() => resolve());
  });
}

export async function connectProducer<V>(opts: ClientOptions<V>): Promise<EventProducer<V>> {
  const ctx = context(opts, 'producer');
  const topic = topicName(opts);
  const create = (): Producer =>
    new Producer(
      {
        ...baseConfig(opts, 'producer'),
        // Idempotent: no duplicates on retry, acks from all in-sync replicas, and each
        // partition's order kept even with several requests in flight.
        'enable.idempotence': true,
        'linger.ms': 5,
        dr_cb: true,
      },
      {
        'request.required.acks': -1,
        'message.timeout.ms': 60_000,
        // The Java client's partitioner (murmur2 of the key), so other clients agree.
        partitioner: 'murmur2_random',
      },
    );
  try {
    const { client, errors } = await connected(create, opts);
    return new RdkafkaProducer(client, opts, topic, ctx, errors);
  } catch (err) {
    throw explain(err, ctx);
  }
}

interface PendingSend {
  remaining: number;
  deliveries: Delivery[];
  error?: unknown;
  done: (err?: unknown) => void;
}

class RdkafkaProducer<V> implements EventProducer<V> {
  private closed = false;

  constructor(
    private readonly producer: Producer,
    private readonly opts: ClientOptions<V>,
    private readonly topic: string,
    private readonly ctx: ErrorContext,
    private readonly errors: ErrorLog,
  ) {
    producer.setPollInterval(5);
    producer.on('delivery-report', (err: LibrdKafkaError | null, report: DeliveryReport) => {
      const [send, index] = report.opaque as [PendingSend, number];
      if (err) send.error ??= err;
      else {
        send.deliveries[index] = {
          key: send.deliveries[index]!.key,
          partition: report.partition,
          offset: String(report.offset),
        };
      }
      if (--send.remaining === 0) send.done(send.error);
    });
  }

  async send(events: readonly OutgoingEvent<V>[]): Promise<Delivery[]> {
    // Every event is encoded (and validated) before the first one is sent.
    const encode = await this.opts.codec.encoder(this.opts.topic);
    const values = events.map((e) => encode(e.value));
    if (events.length === 0) return [];
    const deliveries: Delivery[] = events.map((e) => ({ key: e.key, partition: -1, offset: '' }));
    try {
      await new Promise<void>((resolve, reject) => {
        const send: PendingSend = {
          remaining: events.length,
          deliveries,
          done: (err) => (err ? reject(err) : resolve()),
        };
        void this.enqueue(send, events, values).catch((err: unknown) => {
          // Events not enqueued will never report: fail the whole send now.
          send.remaining = Number.POSITIVE_INFINITY;
          reject(err);
        });
      });
    } catch (err) {
      throw explain(this.errors.with(err), this.ctx);
    }
    return deliveries;
  }

  private async enqueue(
    send: PendingSend,
    events: readonly OutgoingEvent<V>[],
    values: readonly Buffer[],
  ): Promise<void> {
    for (let i = 0; i < events.length; i++) {
      for (;;) {
        try {
          this.producer.produce(this.topic, null, values[i]!, events[i]!.key, null, [send, i]);
          break;
        } catch (err) {
          // A full local queue drains as the broker acknowledges: wait, then try again.
          if ((err as LibrdKafkaError).code !== CODES.ERRORS.ERR__QUEUE_FULL) throw err;
          await sleep(5);
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.producer.flush(10_000, () => resolve()));
    await disconnect(this.producer);
  }
}

export interface ConsumerOptions<V> extends ClientOptions<V> {
  /** Must start with the app's prefix ("payments.payment-service."): all its ACLs allow. */
  group: string;
  fromBeginning?: boolean;
}

/** Failures no retry will fix: consumption stops and `failed` rejects. */
const FATAL_FOR_CONSUMER = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  '_AUTHENTICATION',
  '_FATAL',
]);

export async function connectConsumer<V>(opts: ConsumerOptions<V>): Promise<EventConsumer<V>> {
  const ctx = context(opts, 'consumer', opts.group);
  // Known before asking the cluster: the catalog grants groups by the app's prefix only.
  if (!opts.group.startsWith(resourcePrefixOf(opts.config.app))) {
    throw groupDenied(opts.config.app, opts.group);
  }
  const config: ConsumerGlobalConfig = {
    ...baseConfig(opts, 'consumer'),
    'group.id': opts.group,
    // Offsets are committed by us, after the handler returned (at-least-once).
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
  };
  const create = (): KafkaConsumer =>
    new KafkaConsumer(config, {
      'auto.offset.reset': (opts.fromBeginning ?? true) ? 'earliest' : 'latest',
    });
  let connection: { client: KafkaConsumer; errors: ErrorLog };
  try {
    connection = await connected(create, opts);
    connection.client.subscribe([topicName(opts)]);
  } catch (err) {
    throw explain(err, ctx);
  }
  return new RdkafkaConsumer(connection.client, opts, ctx, connection.errors);
}

class RdkafkaConsumer<V> implements EventConsumer<V> {
  readonly failed: Promise<never>;
  private fail: (err: Error) => void = () => undefined;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** Next offset to commit per partition: one past the last handled event. */
  private readonly handled = new Map<number, number>();
  private closed = false;

  constructor(
    private readonly consumer: KafkaConsumer,
    private readonly opts: ConsumerOptions<V>,
    private readonly ctx: ErrorContext,
    private readonly errors: ErrorLog,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.fail = (err) => {
        this.running = false;
        reject(err);
      };
    });
    this.failed.catch(() => undefined); // observed by whoever awaits it
    // A denied group surfaces here (the coordinator refuses it), not from consume().
    errors.watch((f) => this.check(f));
    consumer.setDefaultConsumeTimeout(200);
  }

  private check(err: unknown): void {
    const f = failure(err);
    if (f instanceof KafkaFailure && FATAL_FOR_CONSUMER.has(f.type)) {
      this.fail(explain(this.errors.with(err), this.ctx));
    }
  }

  start(handle: (event: IncomingEvent<V>) => Promise<void>): Promise<void> {
    if (!this.running && !this.closed) {
      this.running = true;
      this.loop = this.run(handle).catch((err: unknown) => this.fail(explain(err, this.ctx)));
    }
    return Promise.resolve();
  }

  private async run(handle: (event: IncomingEvent<V>) => Promise<void>): Promise<void> {
    const { codec, topic } = this.opts;
    while (this.running) {
      const batch = await this.next();
      const commit = new Map<number, number>();
      for (const m of batch) {
        if (!this.running) break;
        const value = await codec.decode(topic, m.value ?? Buffer.alloc(0)).catch((err) => {
          throw err instanceof ClientError
            ? new ClientError(`${m.topic} [${m.partition}] @${m.offset}: ${err.message}`)
            : err;
        });
        await handle({
          key: m.key?.toString() ?? '',
          value,
          partition: m.partition,
          offset: String(m.offset),
        });
        commit.set(m.partition, m.offset + 1);
      }
      // At-least-once: the offset moves only past events that were handled.
      if (commit.size > 0) {
        for (const [p, o] of commit) this.handled.set(p, o);
        this.consumer.commit(this.offsets(commit));
      }
    }
  }

  private next(): Promise<Message[]> {
    return new Promise((resolve) => {
      this.consumer.consume(500, (err, messages) => {
        if (err) this.check(err); // anything else (a broker restarting) is retried by librdkafka
        resolve(err ? [] : messages);
      });
    });
  }

  private offsets(byPartition: Map<number, number>): TopicPartitionOffset[] {
    const topic = topicName(this.opts);
    return [...byPartition].map(([partition, offset]) => ({ topic, partition, offset }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    await this.loop;
    // Asynchronous commits may still be queued: the last positions are committed for sure.
    if (this.handled.size > 0 && this.consumer.isConnected()) {
      try {
        this.consumer.commitSync(this.offsets(this.handled));
      } catch {
        // Not fatal: at-least-once means these events are delivered again.
      }
    }
    await disconnect(this.consumer);
  }
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
