// The Confluent provider as every stack configures it. The Cloud API key and secret are never
// in the configuration: the provider reads CONFLUENT_CLOUD_API_KEY / CONFLUENT_CLOUD_API_SECRET.
import type { Construct } from 'constructs';
import { ConfluentProvider } from '../.gen/providers/confluent/provider';
import type { ConfluentProviderConfig } from '../.gen/providers/confluent/provider';

export function confluentProvider(
  scope: Construct,
  config: Omit<ConfluentProviderConfig, 'cloudApiKey' | 'cloudApiSecret'> = {},
): ConfluentProvider {
  return new ConfluentProvider(scope, 'confluent', config);
}
