// The schema registry client for one app's credentials, and the codec on top of it.
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Codec } from './codec';
import type { ClientConfig } from './config';
import { principalOf } from './config';

export function createCodec(config: ClientConfig, namePrefix = ''): Codec {
  const registry = new SchemaRegistry({
    host: config.registry.url,
    clientId: principalOf(config.app),
    ...(config.registry.auth ? { auth: config.registry.auth } : {}),
  });
  return new Codec(registry, { namePrefix, registryUrl: config.registry.url });
}
