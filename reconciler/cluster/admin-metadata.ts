// kafkajs' admin client refreshes the whole cluster's metadata (every topic of the cluster)
// before each DescribeAcls, DescribeConfigs, CreateTopics or CreateAcls request, only to find the
// controller: reading a cluster of 1,000 topics fetched the same 50 kB four times, 10,000 topics
// ten times as much. For one admin client (never the client app's producers or consumers):
//   - a refresh that follows another within `windowMs` reuses it. A controller that moved inside
//     that window fails the request as before (NOT_CONTROLLER), and the caller's retry, later,
//     refreshes;
//   - a refresh asked for while the same one is on its way waits for that one: reading a cluster
//     asks for its topics and its ACLs at once, and each asked for its own;
//   - the metadata of every topic (fetchTopicMetadata) is the answer of a refresh, which is the
//     same request, instead of a refresh followed by that request: always a fresh answer (never
//     the window's), one request instead of two.
// A cluster read sends one full Metadata request instead of three.
import type { Kafka } from 'kafkajs';

/** kafkajs' private cluster factory (kafkajs 2.2: a symbol-keyed property of each Kafka). */
const CREATE_CLUSTER = 'private:Kafka:createCluster';

interface BrokerPoolInternals {
  metadata?: unknown;
  metadataExpireAt?: number | null;
  metadataMaxAge?: number;
  refreshMetadata?(topics: string[]): Promise<void>;
}

interface ClusterInternals {
  refreshMetadata(): Promise<void>;
  metadata?(opts?: { topics?: string[] }): Promise<unknown>;
  targetTopics?: Set<string>;
  brokerPool?: BrokerPoolInternals;
}

/** Makes the clusters `kafka` creates from now on (its admin's) share refreshes within `windowMs`. */
export function shareMetadataRefreshes(kafka: Kafka, windowMs: number): void {
  const owner = kafka as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(owner).find((s) => s.description === CREATE_CLUSTER);
  const create = key && owner[key];
  if (!key || typeof create !== 'function') return; // another kafkajs: keep its behaviour
  owner[key] = (...args: unknown[]): unknown => {
    const cluster = create.apply(kafka, args) as ClusterInternals;
    const refresh = cluster.refreshMetadata.bind(cluster);
    cluster.refreshMetadata = async () => {
      const pool = cluster.brokerPool;
      const expires = pool?.metadataExpireAt;
      // When the metadata kafkajs holds was fetched, by any of its paths (connect, the refresh
      // "if necessary" of fetchTopicMetadata, an earlier refresh).
      const fetchedAt =
        pool?.metadata && typeof expires === 'number' ? expires - (pool.metadataMaxAge ?? 0) : -1;
      if (fetchedAt >= 0 && Date.now() - fetchedAt < windowMs) return;
      await refresh();
    };
    shareRequestsOnTheirWay(cluster);
    return cluster;
  };
}

function shareRequestsOnTheirWay(cluster: ClusterInternals): void {
  const pool = cluster.brokerPool;
  const poolRefresh = pool?.refreshMetadata?.bind(pool);
  const metadata = cluster.metadata?.bind(cluster);
  if (!pool || !poolRefresh || !metadata) return; // another kafkajs: keep its behaviour
  let onItsWay: { topics: string; done: Promise<void> } | undefined;
  pool.refreshMetadata = (topics: string[]) => {
    const asked = JSON.stringify(topics ?? []);
    if (onItsWay?.topics === asked) return onItsWay.done;
    const done = poolRefresh(topics).finally(() => {
      if (onItsWay?.done === done) onItsWay = undefined;
    });
    onItsWay = { topics: asked, done };
    return done;
  };
  // An admin asks for no topic in particular (empty targetTopics): its refresh is the metadata of
  // every topic, which is what fetchTopicMetadata without topics asks for.
  cluster.metadata = async (opts = {}) => {
    const everyTopic = (opts.topics ?? []).length === 0 && (cluster.targetTopics?.size ?? 0) === 0;
    if (!everyTopic) return metadata(opts);
    await pool.refreshMetadata?.([]);
    return pool.metadata;
  };
}
