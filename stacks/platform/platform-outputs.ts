// What domain stacks read from their platform stack: three outputs, each one map shared by every
// domain stack, read through one remote state per domain stack. cdktf's automatic cross-stack
// references would make one output per referenced attribute (per app and per domain) and one
// cross-stack token resolution per reference in every domain stack, so both would grow with the
// catalog. The secrets and runtime stacks (one per environment) keep cdktf's.
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import type { TerraformResource, TerraformStack } from 'cdktf';
import { address, remoteStateOutputs } from '../synth';
import { index } from '../shared/terraform-text';

/** The cluster and registry a domain stack's provider talks to. */
export interface ClusterConnection {
  readonly kafka_id: string;
  readonly kafka_rest_endpoint: string;
  readonly schema_registry_id: string;
  readonly schema_registry_rest_endpoint: string;
  /** CRN of the schema registry, the root of subject role bindings. */
  readonly schema_registry_crn: string;
}

/** A domain's topic-manager API keys. */
export interface DomainManagerKeys {
  readonly kafka_api_key: string;
  readonly kafka_api_secret: string;
  readonly schema_registry_api_key: string;
  readonly schema_registry_api_secret: string;
}

/**
 * The Kafka key domain stacks create ACLs with. Creating or deleting an ACL needs ALTER on the
 * cluster, which on Confluent Cloud only the administrator roles hold (CloudClusterAdmin): a
 * domain's topic manager owns its prefixes but cannot grant access to them with ACLs. So ACLs go
 * through the platform manager's key; what they grant is still exactly catalog/access.ts's.
 */
export interface AccessManagerKey {
  readonly kafka_api_key: string;
  readonly kafka_api_secret: string;
}

/** Output names: the platform stack writes them, domain stacks read them. */
export const CLUSTER_CONNECTION = 'cluster_connection';
export const DOMAIN_MANAGERS = 'domain_managers';
export const APP_ACCOUNTS = 'app_accounts';
export const ACCESS_MANAGER = 'access_manager';

export interface PlatformOutputsProps {
  readonly connection: ClusterConnection;
  /** for_each blocks keyed by domain: the domains' topic managers' Kafka and registry keys. */
  readonly domainKafkaKeys: TerraformResource;
  readonly domainRegistryKeys: TerraformResource;
  /** The for_each block of app service accounts, keyed by app id. */
  readonly appAccounts: TerraformResource;
  readonly accessManager: AccessManagerKey;
}

/**
 * Declares the outputs in the platform stack. All sensitive, as cdktf's cross-stack outputs
 * were: `domain_managers` holds API secrets, and `cdktf output` shows what it showed before.
 */
export function addPlatformOutputs(stack: TerraformStack, props: PlatformOutputsProps): void {
  new TerraformOutput(stack, CLUSTER_CONNECTION, { value: props.connection, sensitive: true });
  // `{ for key, val in <block>: key => <value> }` over a for_each block of plain entries.
  const byKey = (block: TerraformResource, value: string): string =>
    `\${{ for key, val in ${address(block)}: key => ${value} }}`;
  const registry = address(props.domainRegistryKeys);
  const managers: Record<keyof DomainManagerKeys, string> = {
    kafka_api_key: 'val.id',
    kafka_api_secret: 'val.secret',
    schema_registry_api_key: `${registry}[key].id`,
    schema_registry_api_secret: `${registry}[key].secret`,
  };
  const object = Object.entries(managers)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  new TerraformOutput(stack, DOMAIN_MANAGERS, {
    value: byKey(props.domainKafkaKeys, `{ ${object} }`),
    sensitive: true,
  });
  new TerraformOutput(stack, APP_ACCOUNTS, {
    value: byKey(props.appAccounts, 'val.id'),
    sensitive: true,
  });
  new TerraformOutput(stack, ACCESS_MANAGER, { value: props.accessManager, sensitive: true });
}

/**
 * The platform stack's outputs as a domain stack reads them: one `terraform_remote_state` named
 * `platform`, and literal expressions into it (not tokens: see `each` in synth/entries.ts). The
 * stack depends on the platform stack, so `cdktf deploy '*'` applies the platform first.
 */
export class PlatformOutputs extends Construct {
  private readonly outputs: string;

  /** @param platform the environment's platform stack, which writes the outputs. */
  constructor(scope: Construct, id: string, platform: TerraformStack) {
    super(scope, id);
    this.outputs = remoteStateOutputs(this, 'platform', platform);
  }

  cluster(attribute: keyof ClusterConnection): string {
    return `\${${this.outputs}.${CLUSTER_CONNECTION}.${attribute}}`;
  }

  domainManager(domain: string, attribute: keyof DomainManagerKeys): string {
    return `\${${this.outputs}.${DOMAIN_MANAGERS}${index(domain)}.${attribute}}`;
  }

  accessManager(attribute: keyof AccessManagerKey): string {
    return `\${${this.outputs}.${ACCESS_MANAGER}.${attribute}}`;
  }

  /** The service account id of an app (`sa-…`). */
  appAccount(appId: string): string {
    return `\${${this.outputs}.${APP_ACCOUNTS}${index(appId)}}`;
  }
}
