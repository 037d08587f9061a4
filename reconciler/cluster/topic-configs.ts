// Reads the dynamic (topic-level) configs of many topics, for kafkajs' admin client, faster than
// its describeConfigs can:
//   - in concurrent batches over both connections kafkajs keeps to the broker (the second one,
//     otherwise only for consumers' fetches, stays idle in an admin client). A broker answers
//     one connection's requests one after the other; two connections let it work on two batches
//     at once, and the batches let our decoding of one answer overlap its work on the next;
//   - decoding only the entries whose source is the topic itself (a few per topic, of the ~37
//     configs the broker lists for each): no object or string for the broker's defaults;
//   - without kafkajs' grouping of the resources by broker, which copies the group's array for
//     every resource (quadratic: 10,000 topics copied 50 million elements).
// Same request and same errors as kafkajs' describeConfigs: the broker it picks (the one its
// metadata names controller), the version it negotiated (1 or 2, the versions whose layout is
// decoded here; any other goes through kafkajs unchanged), the first failed resource's error,
// and NOT_CONTROLLER retried after a metadata refresh as kafkajs' retrier does.
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */

/** kafkajs' ConfigSource.TOPIC_CONFIG. */
const TOPIC_CONFIG = 1;
/** kafkajs' ConfigResourceTypes.TOPIC. */
const TOPIC = 2;

/** A topic's dynamic configs, by name; a sensitive value the broker withholds is null. */
export type DynamicConfigs = Map<string, Record<string, string>>;

/** What kafkajs' protocol/error exports, for the errors a response carries. */
interface ProtocolErrors {
  failure(code: number): boolean;
  createErrorFromCode(code: number): Error;
}
const errors = (): ProtocolErrors => require('kafkajs/src/protocol/error') as ProtocolErrors;

/** A DescribeConfigs answer: each topic's own configs, and the first failed resource's error. */
export interface DecodedConfigs {
  readonly configs: DynamicConfigs;
  /** kafkajs' error code of the first resource that failed, as kafkajs' parse throws it. */
  readonly errorCode?: number;
}

/**
 * Each topic's configs whose source is the topic (kafkajs: configSource TOPIC_CONFIG), from a
 * DescribeConfigs v1 or v2 response body.
 */
export function decodeDynamicConfigs(raw: Buffer): DecodedConfigs {
  // Lengths are read byte by byte: 10,000 topics' answers hold about 370,000 entries to step over.
  const int16 = (at: number): number =>
    (((raw[at] as number) << 24) >> 16) | (raw[at + 1] as number);
  const int32 = (at: number): number => raw.readInt32BE(at);
  /** Where the (nullable) string starting at `at` ends. */
  const after = (at: number): number => {
    const length = int16(at);
    return length > 0 ? at + 2 + length : at + 2;
  };
  const text = (at: number): string | null => {
    const length = int16(at);
    return length < 0 ? null : raw.toString('utf8', at + 2, at + 2 + length);
  };
  const configs: DynamicConfigs = new Map();
  let at = 4; // throttle_time_ms: the broker already throttled (v2), or nothing to honour (v1)
  const count = int32(at);
  at += 4;
  let errorCode: number | undefined;
  // The previous topic's entries (count included) and what they held: topics configured alike
  // carry byte-identical entries, which read the same, so they are compared whole, not walked.
  let previous = { from: 0, to: 0, dynamic: {} as Record<string, string> };
  for (let i = 0; i < count; i++) {
    const code = int16(at);
    if (errorCode === undefined && code !== 0 && errors().failure(code)) errorCode = code;
    at = after(at + 2) + 1; // error_message, resource_type
    const name = text(at) as string;
    at = after(at);
    const from = at;
    const length = previous.to - previous.from;
    if (
      length > 4 &&
      from + length <= raw.length &&
      raw.compare(raw, from, from + length, previous.from, previous.to) === 0
    ) {
      at = from + length;
      configs.set(name, { ...previous.dynamic });
      continue;
    }
    const entries = int32(at);
    at += 4;
    const dynamic: Record<string, string> = {};
    for (let j = 0; j < entries; j++) {
      const nameAt = at;
      const valueAt = after(nameAt);
      at = after(valueAt);
      // read_only, config_source, is_sensitive: only the topic's own entries are decoded.
      if (raw[at + 1] === TOPIC_CONFIG) dynamic[text(nameAt) as string] = text(valueAt) as string;
      at += 3;
      const synonyms = int32(at);
      at += 4;
      for (let k = 0; k < synonyms; k++) at = after(after(at)) + 1;
    }
    configs.set(name, dynamic);
    previous = { from, to: at, dynamic };
  }
  return errorCode === undefined ? { configs } : { configs, errorCode };
}

/** The parts of kafkajs' Cluster, Broker and Connection used here (kafkajs 2.2). */
export interface ClusterInternals {
  refreshMetadata(): Promise<void>;
  findControllerBroker(): Promise<BrokerInternals>;
}

interface Connection {
  send(request: ProtocolRequest): Promise<unknown>;
}

interface BrokerInternals {
  lookupRequest(apiKey: number, definition: unknown): (args: unknown) => ProtocolRequest;
  connectionPool?: { getConnection?(index: number): Promise<Connection> };
}

interface ProtocolRequest {
  request: { apiVersion: number };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

/** kafkajs' private cluster factory (kafkajs 2.2: a symbol-keyed property of each Kafka). */
const CREATE_CLUSTER = 'private:Kafka:createCluster';

/**
 * The cluster of the client `kafka` creates next (its admin's), once it is created; undefined
 * from another kafkajs, whose callers keep to its public API.
 */
export function nextCluster(kafka: object): () => ClusterInternals | undefined {
  const owner = kafka as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(owner).find((s) => s.description === CREATE_CLUSTER);
  const create = key && owner[key];
  let cluster: ClusterInternals | undefined;
  if (!key || typeof create !== 'function') return () => undefined;
  owner[key] = (...args: unknown[]): unknown => {
    const made = create.apply(kafka, args) as ClusterInternals;
    cluster ??= made;
    return made;
  };
  return () => cluster;
}

/** Topics per request: enough requests to keep both connections busy, few enough to stay cheap. */
const BATCH = 1250;

/**
 * The dynamic configs of `topics` through `cluster`; undefined when the broker's negotiated
 * version is not one decoded here (the caller then asks kafkajs).
 */
export async function describeDynamicConfigs(
  cluster: ClusterInternals,
  topics: readonly string[],
  batch = BATCH,
): Promise<DynamicConfigs | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(cluster, topics, batch);
    } catch (err) {
      // As kafkajs' describeConfigs: the controller moved, so find it again (twice at most).
      if ((err as { type?: string }).type !== 'NOT_CONTROLLER' || attempt >= 2) throw err;
      await cluster.refreshMetadata();
    }
  }
}

async function send(
  cluster: ClusterInternals,
  topics: readonly string[],
  batch: number,
): Promise<DynamicConfigs | undefined> {
  await cluster.refreshMetadata();
  const broker = await cluster.findControllerBroker();
  const apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as { DescribeConfigs: number };
  const definition = require('kafkajs/src/protocol/requests/describeConfigs') as unknown;
  const request = broker.lookupRequest(apiKeys.DescribeConfigs, definition);
  const pool = broker.connectionPool;
  const version = request({ resources: [], includeSynonyms: false }).request.apiVersion;
  if ((version !== 1 && version !== 2) || typeof pool?.getConnection !== 'function')
    return undefined;
  const parts: (readonly string[])[] = [];
  for (let i = 0; i < topics.length; i += batch) parts.push(topics.slice(i, i + batch));
  const getConnection = pool.getConnection.bind(pool) as (index: number) => Promise<Connection>;
  // Each answer is decoded as it arrives, while the broker works on the next ones.
  const answers = await Promise.all(
    parts.map(async (part, i) => {
      const connection = await getConnection(i % 2);
      const { request: encoded } = request({
        resources: part.map((name) => ({ type: TOPIC, name })),
        includeSynonyms: false,
      });
      return (await connection.send({
        request: encoded,
        response: {
          decode: async (raw: Buffer) => decodeDynamicConfigs(raw),
          parse: async (decoded) => decoded,
        },
      })) as DecodedConfigs;
    }),
  );
  // One request's answer as kafkajs gives it: the first failure in request order fails all.
  const failed = answers.find((a) => a.errorCode !== undefined)?.errorCode;
  if (failed !== undefined) throw errors().createErrorFromCode(failed);
  const result: DynamicConfigs = new Map();
  for (const { configs } of answers) for (const [name, config] of configs) result.set(name, config);
  return result;
}
