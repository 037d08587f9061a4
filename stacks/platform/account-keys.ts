// API keys for service accounts: one Kafka key (on the environment's cluster) and one schema
// registry key per account. Secrets exist only as sensitive attributes of these resources.
import { Construct } from 'constructs';
import { propertyAccess, Token } from 'cdktf';
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { ApiKey } from '../.gen/providers/confluent/api-key';
import type { DataConfluentSchemaRegistryCluster } from '../.gen/providers/confluent/data-confluent-schema-registry-cluster';
import type { KafkaCluster } from '../.gen/providers/confluent/kafka-cluster';
import type { ServiceAccount } from '../.gen/providers/confluent/service-account';
import { Entries } from '../shared/entries';
import { instanceAttribute } from '../shared/refs';

/** A key id and its secret (a sensitive token: never render it in plain outputs). */
export interface ApiKeyPair {
  readonly id: string;
  readonly secret: string;
}

export interface AccountKeysProps {
  readonly cluster: KafkaCluster;
  readonly registry: DataConfluentSchemaRegistryCluster;
  readonly environmentId: string;
  /** A for_each service account block… */
  readonly accounts: ServiceAccount;
  /** …and the keys of its instances that get API keys. */
  readonly keys: readonly string[];
  /** Role bindings the keys need before anyone uses them. */
  readonly dependsOn?: ITerraformDependable[];
  readonly preventDestroy: boolean;
}

export class AccountKeys extends Construct {
  readonly kafkaKeys: ApiKey;
  readonly registryKeys: ApiKey;

  constructor(scope: Construct, id: string, props: AccountKeysProps) {
    super(scope, id);
    const entries = new Entries<{ account: string }>();
    for (const key of props.keys) entries.add(key, { account: key });
    const make = (suffix: string, resource: KafkaCluster | DataConfluentSchemaRegistryCluster) => {
      const it = entries.iterator();
      const owner = (attr: string): string =>
        Token.asString(propertyAccess(props.accounts.fqn, [it.key, attr]));
      const key = new ApiKey(this, suffix, {
        forEach: it,
        displayName: Token.asString(propertyAccess(props.accounts.fqn, [it.key, 'display_name'])),
        owner: { id: owner('id'), apiVersion: owner('api_version'), kind: owner('kind') },
        managedResource: {
          id: resource.id,
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          environment: [{ id: props.environmentId }],
        },
        ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
        lifecycle: { preventDestroy: props.preventDestroy },
      });
      key.overrideLogicalId(`${id.replace(/_keys$/, '')}_${suffix}`);
      return key;
    };
    this.kafkaKeys = make('kafka_key', props.cluster);
    this.registryKeys = make('registry_key', props.registry);
  }

  kafka(key: string): ApiKeyPair {
    return pair(this.kafkaKeys, key);
  }

  registry(key: string): ApiKeyPair {
    return pair(this.registryKeys, key);
  }
}

function pair(resource: TerraformResource, key: string): ApiKeyPair {
  return {
    id: instanceAttribute(resource, key, 'id'),
    secret: instanceAttribute(resource, key, 'secret'),
  };
}
