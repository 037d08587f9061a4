// The reconciler's two clients of a cluster, and how one connection opens them.
import type { Connection } from './connection';
import { ConnectionError } from './connection';
import type { KafkaAdmin } from './kafka-admin';
import { LeanAdmin } from './lean-admin';
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
  // A cluster's reads without kafkajs, everything else (and any read it cannot make) with it.
  const admin = new LeanAdmin(connection.kafka);
  try {
    await admin.connect();
  } catch (err) {
    throw new ConnectionError(
      `cannot connect to Kafka (${connection.label}): ${(err as Error).message}`,
    );
  }
  return clientsOf(admin, new HttpSchemaRegistry(connection.registry));
}

function clientsOf(admin: KafkaAdmin, registry: SchemaRegistryApi): OpenClients {
  return { admin, registry, close: () => admin.disconnect() };
}

/**
 * Clients that start reading the cluster now, for a command that loads its catalog meanwhile
 * (LeanAdmin.readAhead: metadata, ACLs and the configs of the topics named with `prefixes`; the
 * registry's subjects).
 * `ready` gives them once connected, or undefined when the lean connections cannot open: the
 * command then opens its clients with openClients, which reports why as it always has. `close`
 * closes them at once, connecting or not.
 */
export function openReadingAhead(
  connection: Connection,
  prefixes: readonly string[],
): {
  ready: Promise<OpenClients | undefined>;
  /** Resolves once every request read ahead is on its way (or the reading ahead gave up). */
  sent: Promise<void>;
  close(): Promise<void>;
} {
  const admin = new LeanAdmin(connection.kafka);
  const connected = admin.connectLean();
  const sent = admin.readAhead(prefixes);
  const registry = new HttpSchemaRegistry(connection.registry);
  registry.readAhead();
  return {
    sent,
    ready: connected.then(
      (ok) => (ok ? clientsOf(admin, registry) : undefined),
      () => undefined,
    ),
    close: () => admin.disconnect(),
  };
}
