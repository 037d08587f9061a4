// Opens the admin client and the registry client for one connection.
import type { Clients } from '../apply/executor';
import type { Connection } from './connection';
import { ConnectionError } from './connection';
import { KafkajsAdmin } from './kafka-admin';
import { HttpSchemaRegistry } from './registry';

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
