// The schema registry client for one app's credentials, and the codec on top of it.
import { HttpSchemaRegistry } from '../reconciler/cluster/registry';
import { Codec } from './codec';
import type { ClientConfig } from './config';

export function createCodec(config: ClientConfig, namePrefix = ''): Codec {
  const registry = new HttpSchemaRegistry({
    url: config.registry.url,
    ...(config.registry.auth ?? {}),
  });
  return new Codec(registry, { namePrefix, registryUrl: config.registry.url });
}
