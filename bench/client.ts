// Client app throughput on the local stack: 1 KB Avro OrderCreated events through the registry
// serde (encode + validate + Confluent framing), produced idempotently with acks=all, then
// consumed and decoded. kcat (librdkafka) on the same broker and the same settings is the
// reference; the target is at least half of its produce rate. Figures are printed, not asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFromLocalStack } from '../clientapp/config';
import { topics } from '../clientapp/generated/topics';
import type { OrderCreated } from '../clientapp/generated/orders/order-created';
import { connectConsumer, connectProducer } from '../clientapp/kafka';
import type { OutgoingEvent } from '../clientapp/kafka';
import { adminClient, localTarget, setupTopic } from '../clientapp/local-setup';
import { createCodec } from '../clientapp/registry';
import { sampleEvents } from '../clientapp/samples';
import { ADMIN_USER, readCredentials } from '../scripts/local/stack';

const TOPIC = 'orders.order-created.v1';
const COUNT = Number(process.env.BENCH_CLIENT_COUNT ?? 20_000);
const BATCH = Number(process.env.BENCH_CLIENT_BATCH ?? 2000);
/** Sends in flight at once: encoding the next batch overlaps the broker's round trip. */
const IN_FLIGHT = Number(process.env.BENCH_CLIENT_IN_FLIGHT ?? 4);
const PARTITIONS = 3;
/** Produce rounds per client: this machine is shared, so the best and the median are shown. */
const ROUNDS = Number(process.env.BENCH_CLIENT_ROUNDS ?? 3);
const WARM_UP = 2000;
const EVENT_BYTES = 1024;

interface Figures {
  messages: number;
  bytes: number;
  ms: number;
}

const rate = (f: Figures): string =>
  `${Math.round(f.messages / (f.ms / 1000))
    .toString()
    .padStart(7)} msg/s  ${(f.bytes / 2 ** 20 / (f.ms / 1000)).toFixed(1).padStart(6)} MB/s`;

const bestOf = (runs: Figures[]): Figures => [...runs].sort((a, b) => a.ms - b.ms)[0]!;
const medianOf = (runs: Figures[]): Figures =>
  [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
/** Best and median of the rounds. */
const rates = (runs: Figures[]): string =>
  `best ${rate(bestOf(runs))}, median ${rate(medianOf(runs))}`;

/** OrderCreated events whose encoding is 1 KB: the note carries the padding. */
function events(run: string, padding: number): OutgoingEvent<OrderCreated>[] {
  return sampleEvents(TOPIC, COUNT, run).map((e) => ({
    ...e,
    value: { ...e.value, note: 'x'.repeat(padding) },
  }));
}

async function clientapp(
  prefix: string,
): Promise<{ produce: Figures[]; consume: Figures; size: number }> {
  const topic = topics[TOPIC];
  const pc = configFromLocalStack('orders/order-service');
  const producer = await connectProducer({
    topic,
    namePrefix: prefix,
    config: pc,
    codec: createCodec(pc, prefix),
  });
  const codec = createCodec(pc, prefix);
  const run = randomBytes(3).toString('hex');
  const bare = (await codec.encode(topic, events(run, 0)[0]!.value)).length;
  // A long string's length prefix takes one byte more than an empty one's.
  const batch = events(run, EVENT_BYTES - bare - 1);
  const size = (await codec.encode(topic, batch[0]!.value)).length;
  // Warm-up: schema id, connections, producer id, and the JIT on the encode path.
  await producer.send(batch.slice(0, WARM_UP));
  const produce: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < batch.length; i += BATCH) {
      const sent = producer.send(batch.slice(i, i + BATCH));
      pending.add(sent);
      void sent.finally(() => pending.delete(sent)).catch(() => undefined);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
    produce.push({ messages: COUNT, bytes: COUNT * size, ms: performance.now() - start });
  }
  await producer.close();

  const cc = configFromLocalStack('payments/payment-service');
  const consumer = await connectConsumer({
    topic,
    namePrefix: prefix,
    config: cc,
    codec: createCodec(cc, prefix),
    group: `payments.payment-service.bench-${prefix}`,
  });
  const total = WARM_UP + ROUNDS * COUNT;
  let seen = 0;
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    consumer.failed.catch(reject);
    consumer
      .start(async () => {
        if (++seen === total) resolve();
      })
      .catch(reject);
  });
  const consume = { messages: total, bytes: total * size, ms: performance.now() - start };
  await consumer.close();
  return { produce, consume, size };
}

function kcat(prefix: string, size: number): { produce: Figures[]; consume: Figures } | string {
  if (spawnSync('kcat', ['-V']).error) {
    try {
      execFileSync('apt-get', ['install', '-y', 'kcat'], { stdio: 'ignore' });
    } catch {
      return 'kcat is not installed and `apt-get install -y kcat` failed: no reference figures';
    }
  }
  const target = localTarget();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamplane-bench-kcat-'));
  try {
    // The admin's password goes in a 0600 config file, never on a command line.
    const config = path.join(dir, 'kcat.conf');
    const password = readCredentials(target.credentialsFile).users[ADMIN_USER] ?? '';
    fs.writeFileSync(
      config,
      [
        `bootstrap.servers=${target.bootstrap}`,
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanisms=SCRAM-SHA-512',
        `sasl.username=${ADMIN_USER}`,
        `sasl.password=${password}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const topic = `${prefix}kcat`;
    const input = path.join(dir, 'messages');
    const payload = 'x'.repeat(size);
    fs.writeFileSync(
      input,
      Array.from({ length: COUNT }, (_, i) => `order-${i}:${payload}`).join('\n') + '\n',
    );
    const produce: Figures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      execFileSync(
        'kcat',
        [
          ...['-F', config, '-P', '-t', topic, '-K:', '-l', input],
          ...['-X', 'acks=all', '-X', 'enable.idempotence=true'],
        ],
        { stdio: 'ignore' },
      );
      produce.push({ messages: COUNT, bytes: COUNT * size, ms: performance.now() - start });
    }
    const start = performance.now();
    execFileSync(
      'kcat',
      ['-F', config, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\\n'],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
        maxBuffer: 64 * 2 ** 20,
      },
    );
    const consumed = ROUNDS * COUNT;
    const consume = { messages: consumed, bytes: consumed * size, ms: performance.now() - start };
    return { produce, consume };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const prefix = `bench.${randomBytes(4).toString('hex')}.`;
  const target = localTarget();
  await setupTopic({ topic: TOPIC, namePrefix: prefix, partitions: PARTITIONS });
  const admin = adminClient(target).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: `${prefix}kcat`, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    console.log(`  ${COUNT} events, ${PARTITIONS} partitions, local broker ${target.bootstrap}`);
    const app = await clientapp(prefix);
    console.log(`  event size ${app.size} bytes (Avro + 5-byte header)`);
    console.log(
      `  clientapp produce  ${rates(app.produce)}   (node-rdkafka, idempotent, acks=all, registry serde)`,
    );
    console.log(`  clientapp consume  ${rate(app.consume)}   (decode + commit per batch)`);
    const ref = kcat(prefix, app.size);
    if (typeof ref === 'string') {
      console.log(`  note: ${ref}`);
      return;
    }
    console.log(`  kcat      produce  ${rates(ref.produce)}   (librdkafka, idempotent, acks=all)`);
    console.log(`  kcat      consume  ${rate(ref.consume)}`);
    const ratio = (pick: (f: Figures[]) => Figures): number =>
      pick(ref.produce).ms / pick(app.produce).ms;
    const median = ratio(medianOf);
    console.log(
      `  produce rate vs kcat: median ${(median * 100).toFixed(0)}%, best ${(ratio(bestOf) * 100).toFixed(0)}% ` +
        `(target >= 50%: ${median >= 0.5 ? 'met' : 'NOT met'})`,
    );
  } finally {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    await admin.disconnect();
  }
}
