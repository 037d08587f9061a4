import { Kafka, logLevel } from 'kafkajs';
import type { SASLOptions } from 'kafkajs';
import { HttpSchemaRegistry } from '../../reconciler/cluster/registry';
import { CCOMPAT_PATH } from '../../shared/local-stack';

/** True when the broker accepts an authenticated admin metadata request. */
export async function kafkaHealthy(bootstrap: string, sasl: SASLOptions): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'streamplane-local-health',
    brokers: [bootstrap],
    sasl,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** True when Apicurio reports ready and serves the Confluent-compatible API. */
export async function registryHealthy(baseUrl: string): Promise<boolean> {
  try {
    const ready = await fetch(new URL('/health/ready', baseUrl), {
      signal: AbortSignal.timeout(3_000),
    });
    if (!ready.ok) return false;
    await new HttpSchemaRegistry({ url: `${baseUrl}${CCOMPAT_PATH}` }, 3_000).listSubjects();
    return true;
  } catch {
    return false;
  }
}
