// The Confluent Cloud double: control plane, Kafka REST and schema registry on one port of
// 127.0.0.1. For tests and local experiments only (a `confluent-double` environment); its data
// plane is the real local Kafka broker and registry.
import { KafkajsAdmin } from '../../reconciler/cluster/kafka-admin';
import type { KafkaConnection } from '../../reconciler/cluster/kafka-admin';
import { controlPlaneRoutes, cloudError } from './control-plane';
import { serve } from './http';
import type { Log, Route } from './http';
import { kafkaRestRoutes } from './kafka-rest';
import { registryRoutes } from './registry';
import { Store, newApiKey, now } from './store';

export interface CloudDoubleOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the control plane's state persists (undefined: memory only). */
  readonly stateFile?: string;
  /** The real broker, reached as a super user (the double is the cluster's REST proxy). */
  readonly kafka: KafkaConnection;
  /** The real registry's Confluent-compatible API. */
  readonly registryUrl: string;
  readonly log?: Log;
}

export interface CloudDouble {
  readonly url: string;
  readonly port: number;
  /** The organization's Cloud API key (what CONFLUENT_CLOUD_API_KEY/SECRET hold). */
  readonly cloudApiKey: { readonly key: string; readonly secret: string };
  readonly store: Store;
  close(): Promise<void>;
}

/** The owner recorded for the Cloud API key: the organization's admin user. */
const ADMIN_OWNER = 'u-admin';

export async function startCloudDouble(options: CloudDoubleOptions): Promise<CloudDouble> {
  const store = new Store(options.stateFile);
  const s = store.state;
  let cloud = Object.values(s.apiKeys).find((k) => k.resourceId === undefined);
  if (!cloud) {
    const t = now();
    cloud = {
      ...newApiKey(),
      displayName: 'cloud',
      description: 'Cloud API key (OrganizationAdmin) of the double',
      ownerId: ADMIN_OWNER,
      createdAt: t,
      updatedAt: t,
    };
    s.apiKeys[cloud.id] = cloud;
    store.save();
  }
  const admin = new KafkajsAdmin({ ...options.kafka, clientId: 'streamplane-cloud-double' });
  await admin.connect();
  const log = options.log ?? (() => undefined);
  // The routes name the double's own address, known once it listens: until then, none.
  let table: Route[] = [];
  const server = await serve(
    () => table,
    options.port,
    log,
    (req) => ({
      status: 404,
      body: cloudError(404, `the double does not serve ${req.method} ${req.path}`),
    }),
  );
  table = [
    ...controlPlaneRoutes(store, { base: server.url, bootstrap: options.kafka.brokers[0] ?? '' }),
    ...kafkaRestRoutes(store, admin, server.url),
    ...registryRoutes(store, options.registryUrl),
  ];
  return {
    url: server.url,
    port: server.port,
    cloudApiKey: { key: cloud.id, secret: cloud.secret },
    store,
    close: async () => {
      await server.close();
      await admin.disconnect();
    },
  };
}
