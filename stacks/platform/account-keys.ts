// API keys for service accounts: one Kafka key (on the environment's cluster) and one schema
// registry key per account. Secrets exist only as sensitive attributes of these resources.
import { Construct } from 'constructs';
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { ApiKey } from '../.gen/providers/confluent/api-key';
import type { DataConfluentSchemaRegistryCluster } from '../.gen/providers/confluent/data-confluent-schema-registry-cluster';
import type { KafkaCluster } from '../.gen/providers/confluent/kafka-cluster';
import type { ServiceAccount } from '../.gen/providers/confluent/service-account';
import { CatalogStack, Entries, expression, instanceAttribute } from '../synth';

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
  /** `readinessWait(spec)`: whether to wait for Confluent Cloud to propagate a new key. */
  readonly readiness: { readonly disableWaitForReady?: boolean };
}

export class AccountKeys extends Construct {
  readonly kafkaKeys: ApiKey;
  readonly registryKeys: ApiKey;

  constructor(scope: Construct, id: string, props: AccountKeysProps) {
    super(scope, id);
    // Plain entries, one per account (CatalogStack.bindEntries); each key reads its own account.
    const entries = new Entries<{ account: string }>();
    for (const key of props.keys) entries.add(key, { account: key });
    const account = (attr: string): string => expression(props.accounts, attr, 'each.key');
    const make = (suffix: string, resource: KafkaCluster | DataConfluentSchemaRegistryCluster) => {
      const key = new ApiKey(this, suffix, {
        displayName: account('display_name'),
        owner: { id: account('id'), apiVersion: account('api_version'), kind: account('kind') },
        managedResource: {
          id: resource.id,
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          environment: [{ id: props.environmentId }],
        },
        ...(props.dependsOn ? { dependsOn: props.dependsOn } : {}),
        lifecycle: { preventDestroy: props.preventDestroy },
        ...props.readiness,
      });
      key.overrideLogicalId(`${id.replace(/_keys$/, '')}_${suffix}`);
      CatalogStack.ofConstruct(this).bindEntries(key, entries);
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
