// The reconciler's two clients of a cluster, and how one connection opens them.
import type { Connection } from './connection';
import { ConnectionError } from './connection';
import type { KafkaAdmin } from './kafka-admin';
import { KafkajsAdmin } from './kafka-admin';
import type { SchemaRegistryApi } from './registry';
import { HttpSchemaRegistry } from './registry';

/** What planning and applying talk to: Kafka's admin API and the schema registry. */
export interface Clients {
  readonly admin: KafkaAdmin;
  readonly registry: SchemaRegistryApi;
}

export interface OpenClients extends Clients {
  close(): Promise<void>;
}

export async function openClients(connection: Connection): Promise<OpenClients> {
  const admin = new KafkajsAdmin(connection.kafka);
  try {
    await admin.connect();
  } catch (err) {
    throw new ConnectionError(
      `cannot connect to Kafka (${connection.label}): ${(err as Error).message}`,
    );
  }
  return {
    admin,
    registry: new HttpSchemaRegistry(connection.registry),
    close: () => admin.disconnect(),
  };
}
