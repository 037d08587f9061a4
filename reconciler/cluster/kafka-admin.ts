// The Kafka Admin API the reconciler needs, behind its own interface; kafkajs implements it.
// Every method is one batched request (plus kafkajs' metadata refresh), never one per topic.
import { ConfigResourceTypes, ConfigSource, Kafka, logLevel } from 'kafkajs';
import type { Admin, KafkaConfig, SASLOptions } from 'kafkajs';
import { shareMetadataRefreshes } from './admin-metadata';
import { installDescribeConfigsDecoder } from './describe-configs-decoder';
import { describeDynamicConfigs, nextCluster } from './topic-configs';
import type { ClusterInternals } from './topic-configs';
import { toItemError, TransientError } from './errors';
import { ALLOW, ANY, DENY, nameOf, OPERATIONS, PATTERN, RESOURCE, toKafkajs } from './acl-codes';
import { RoundTrips } from './round-trips';
import type {
  AclBinding,
  BindingPatternType,
  BindingResourceType,
  BatchResult,
  ItemError,
  NewTopic,
  TopicDescription,
} from './types';

export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Every topic with its partition count and replication factor: one metadata request. */
  describeTopics(): Promise<TopicDescription[]>;
  /** Non-default (dynamic) configs of these topics: one DescribeConfigs request for all. */
  describeTopicConfigs(topics: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /**
   * The values these topics take for the keys they do not set themselves (broker and cluster
   * defaults, the same for every topic of a cluster): one DescribeConfigs request.
   */
  describeTopicDefaults(topics: readonly string[]): Promise<Record<string, string>>;
  /** Every ACL matching the filter (all ACLs by default): one DescribeAcls request. */
  describeAcls(filter?: Partial<AclBinding>): Promise<AclBinding[]>;
  createTopics(topics: readonly NewTopic[]): Promise<BatchResult>;
  createPartitions(items: readonly { topic: string; count: number }[]): Promise<BatchResult>;
  /** Replaces each topic's whole dynamic config set: keys not given return to their default. */
  alterTopicConfigs(
    items: readonly { topic: string; config: Readonly<Record<string, string>> }[],
  ): Promise<BatchResult>;
  createAcls(acls: readonly AclBinding[]): Promise<BatchResult>;
  deleteAcls(acls: readonly AclBinding[]): Promise<BatchResult>;
  deleteTopics(topics: readonly string[]): Promise<BatchResult>;
  /** Cheap reachability check (one metadata request for no topics). */
  ping(): Promise<void>;
  /** Protocol requests sent so far, by API name. */
  readonly roundTrips: RoundTrips;
}

export { RoundTrips };

export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly sasl?: SASLOptions;
  readonly ssl?: boolean;
  readonly clientId?: string;
}

export class KafkajsAdmin implements KafkaAdmin {
  readonly roundTrips: RoundTrips;
  private readonly admin: Admin;
  /** The admin's kafkajs cluster, for requests its public API makes slow (see topic-configs.ts). */
  private readonly cluster: () => ClusterInternals | undefined;

  constructor(
    connection: KafkaConnection,
    extra: Partial<KafkaConfig> = {},
    /** Where its requests are counted (a lean-admin.ts admin counts its own and these together). */
    roundTrips = new RoundTrips(),
  ) {
    this.roundTrips = roundTrips;
    // Describing 1,000 topics' configs: about 90 ms of kafkajs' decoding, 17 ms with this one.
    installDescribeConfigsDecoder();
    const kafka = new Kafka({
      clientId: connection.clientId ?? 'streamplane-reconciler',
      brokers: [...connection.brokers],
      ...(connection.sasl ? { sasl: connection.sasl } : {}),
      ...(connection.ssl ? { ssl: true } : {}),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 30_000,
      // The executor retries with its own backoff and records attempts; keep kafkajs' short.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      ...extra,
    });
    // One cluster read sent four full Metadata requests; two now (see admin-metadata.ts).
    shareMetadataRefreshes(kafka, 1000);
    this.cluster = nextCluster(kafka);
    this.admin = kafka.admin();
    this.admin.on(this.admin.events.REQUEST, (e) => this.roundTrips.add(e.payload.apiName));
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async ping(): Promise<void> {
    await this.call(() => this.admin.describeCluster());
  }

  async describeTopics(): Promise<TopicDescription[]> {
    const { topics } = await this.call(() => this.admin.fetchTopicMetadata());
    return topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: t.partitions.find((p) => p.partitionId === 0)?.replicas.length ?? 0,
    }));
  }

  async describeTopicConfigs(
    topics: readonly string[],
  ): Promise<Map<string, Record<string, string>>> {
    const result = new Map<string, Record<string, string>>();
    if (topics.length === 0) return result;
    const cluster = this.cluster();
    const direct = cluster && (await this.call(() => describeDynamicConfigs(cluster, topics)));
    if (direct) return direct;
    const { resources } = await this.call(() =>
      this.admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      }),
    );
    for (const r of resources) {
      const dynamic: Record<string, string> = {};
      for (const e of r.configEntries) {
        if (e.configSource === ConfigSource.TOPIC_CONFIG) dynamic[e.configName] = e.configValue;
      }
      result.set(r.resourceName, dynamic);
    }
    return result;
  }

  async describeTopicDefaults(topics: readonly string[]): Promise<Record<string, string>> {
    const defaults: Record<string, string> = {};
    if (topics.length === 0) return defaults;
    const { resources } = await this.call(() =>
      this.admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      }),
    );
    for (const r of resources) {
      for (const e of r.configEntries) {
        if (e.configSource === ConfigSource.TOPIC_CONFIG || e.configValue === null) continue;
        defaults[e.configName] ??= e.configValue;
      }
    }
    return defaults;
  }

  async describeAcls(filter: Partial<AclBinding> = {}): Promise<AclBinding[]> {
    const res = await this.call(() =>
      this.admin.describeAcls({
        resourceType:
          filter.resourceType && filter.resourceType !== 'OTHER'
            ? RESOURCE[filter.resourceType]
            : ANY.resource,
        ...(filter.resourceName !== undefined ? { resourceName: filter.resourceName } : {}),
        resourcePatternType:
          filter.patternType && filter.patternType !== 'OTHER'
            ? PATTERN[filter.patternType]
            : ANY.pattern,
        ...(filter.principal !== undefined ? { principal: filter.principal } : {}),
        ...(filter.host !== undefined ? { host: filter.host } : {}),
        operation: filter.operation
          ? (OPERATIONS[filter.operation] ?? ANY.operation)
          : ANY.operation,
        permissionType: filter.permission
          ? filter.permission === 'ALLOW'
            ? ALLOW
            : DENY
          : ANY.permission,
      }),
    );
    return res.resources.flatMap((r) =>
      r.acls.map((a): AclBinding => ({
        principal: a.principal,
        host: a.host,
        resourceType: (nameOf(RESOURCE, r.resourceType) ?? 'OTHER') as BindingResourceType,
        resourceName: r.resourceName,
        patternType: (nameOf(PATTERN, r.resourcePatternType) ?? 'OTHER') as BindingPatternType,
        operation: nameOf(OPERATIONS, a.operation) ?? `UNKNOWN(${a.operation})`,
        permission: a.permissionType === ALLOW ? 'ALLOW' : 'DENY',
      })),
    );
  }

  async createTopics(topics: readonly NewTopic[]): Promise<BatchResult> {
    try {
      await this.admin.createTopics({
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
        })),
      });
      return topics.map(() => undefined);
    } catch (err) {
      // The one request whose response keeps per-topic errors: map them back.
      const errors = (err as { errors?: { topic?: string; type?: string }[] }).errors;
      if (!Array.isArray(errors)) throw this.transient(err);
      const byTopic = new Map(errors.map((e) => [e.topic, e] as const));
      return topics.map((t) => {
        const e = byTopic.get(t.name);
        if (!e || e.type === 'TOPIC_ALREADY_EXISTS') return undefined; // idempotent
        return toItemError(e);
      });
    }
  }

  createPartitions(items: readonly { topic: string; count: number }[]): Promise<BatchResult> {
    return this.batch(items, (part) =>
      this.admin.createPartitions({ topicPartitions: part.map((i) => ({ ...i })) }),
    );
  }

  alterTopicConfigs(
    items: readonly { topic: string; config: Readonly<Record<string, string>> }[],
  ): Promise<BatchResult> {
    return this.batch(items, (part) =>
      this.admin.alterConfigs({
        validateOnly: false,
        resources: part.map((i) => ({
          type: ConfigResourceTypes.TOPIC,
          name: i.topic,
          configEntries: Object.entries(i.config).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
  }

  createAcls(acls: readonly AclBinding[]): Promise<BatchResult> {
    return this.batch(acls, (part) => this.admin.createAcls({ acl: part.map(toKafkajs) }));
  }

  deleteAcls(acls: readonly AclBinding[]): Promise<BatchResult> {
    return this.batch(acls, (part) => this.admin.deleteAcls({ filters: part.map(toKafkajs) }));
  }

  deleteTopics(topics: readonly string[]): Promise<BatchResult> {
    return this.batch(
      topics,
      (part) => this.admin.deleteTopics({ topics: [...part] }),
      (e) => e.code === 'UNKNOWN_TOPIC_OR_PARTITION', // already gone: idempotent
    );
  }

  /**
   * kafkajs reports only the first failing item of these requests. On a refusal, split the batch
   * in halves until each failure is pinned to its item: extra requests only when something fails.
   * A transient failure (broker gone) is thrown whole so the caller retries the batch.
   */
  private async batch<T>(
    items: readonly T[],
    send: (part: readonly T[]) => Promise<unknown>,
    isSuccess: (e: ItemError) => boolean = () => false,
  ): Promise<BatchResult> {
    if (items.length === 0) return [];
    try {
      await send(items);
      return items.map(() => undefined);
    } catch (err) {
      const e = toItemError(err);
      if (e.retriable) throw new TransientError(e.message, err);
      if (items.length === 1) return [isSuccess(e) ? undefined : e];
      const mid = Math.ceil(items.length / 2);
      const left = await this.batch(items.slice(0, mid), send, isSuccess);
      const right = await this.batch(items.slice(mid), send, isSuccess);
      return [...left, ...right];
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.transient(err);
    }
  }

  private transient(err: unknown): Error {
    const e = toItemError(err);
    return e.retriable ? new TransientError(e.message, err) : (err as Error);
  }
}
