// kafkajs' admin client refreshes the whole cluster's metadata (every topic of the cluster)
// before each DescribeAcls, DescribeConfigs, CreateTopics or CreateAcls request, only to find the
// controller: reading a cluster of 1,000 topics fetched the same 50 kB four times, 10,000 topics
// ten times as much. For one admin client (never the client app's producers or consumers), a
// refresh that follows another within `windowMs` reuses it. A controller that moved inside that
// window fails the request as before (NOT_CONTROLLER), and the caller's retry, later, refreshes.
import type { Kafka } from 'kafkajs';

/** kafkajs' private cluster factory (kafkajs 2.2: a symbol-keyed property of each Kafka). */
const CREATE_CLUSTER = 'private:Kafka:createCluster';

interface ClusterInternals {
  refreshMetadata(): Promise<void>;
  brokerPool?: { metadata?: unknown; metadataExpireAt?: number | null; metadataMaxAge?: number };
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
    return cluster;
  };
}
