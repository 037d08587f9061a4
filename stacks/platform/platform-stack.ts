// platform-<env>: what the platform team owns in one Confluent Cloud environment — the
// environment, its Kafka cluster, the schema registry, every service account and its API keys.
// Domain stacks read from it through its outputs (platform-outputs.ts), secrets and runtime stacks
// through cdktf's cross-stack references.
import { TerraformLocal, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { isTerraformKind } from '../../catalog/format/platform-file';
import type { EnvironmentCatalog } from '../../catalog/model';
import { userPrincipal } from '../../catalog/access';
import { domainPrefix } from '../../catalog/naming';
import { DataConfluentSchemaRegistryCluster } from '../.gen/providers/confluent/data-confluent-schema-registry-cluster';
import { Environment } from '../.gen/providers/confluent/environment';
import { KafkaCluster } from '../.gen/providers/confluent/kafka-cluster';
import type { KafkaClusterConfig } from '../.gen/providers/confluent/kafka-cluster';
import { RoleBinding } from '../.gen/providers/confluent/role-binding';
import { ServiceAccount } from '../.gen/providers/confluent/service-account';
import { CatalogStack, Entries, address, each, expression } from '../synth';
import { displayName, platformStackName } from '../shared/names';
import { confluentProvider, readinessWait } from '../shared/provider';
import { configureState } from '../shared/state';
import { AccountKeys } from './account-keys';
import type { ApiKeyPair } from './account-keys';
import { addPlatformOutputs } from './platform-outputs';

export interface PlatformStackProps {
  readonly env: EnvironmentCatalog;
}

/** Confluent Cloud endpoints and ids a Kafka client or a domain stack needs. */
export interface ClusterEndpoints {
  readonly clusterId: string;
  readonly bootstrapEndpoint: string;
  readonly restEndpoint: string;
  readonly registryId: string;
  readonly registryEndpoint: string;
  /** CRN of the schema registry, the root of subject role bindings. */
  readonly registryCrn: string;
}

export class PlatformStack extends CatalogStack {
  readonly environment: Environment;
  readonly cluster: KafkaCluster;
  readonly registry: DataConfluentSchemaRegistryCluster;
  readonly endpoints: ClusterEndpoints;
  /** One service account per app, keyed by app id ("orders/order-service"). */
  readonly appAccounts: ServiceAccount;
  /** App id → `User:sa-…`: the reconciler's principal map. */
  readonly appPrincipals: Record<string, string>;
  readonly appKeys: AccountKeys;
  /** One topic-manager account per domain, keyed by domain. */
  readonly domainManagers: ServiceAccount;
  readonly domainKeys: AccountKeys;
  /** The platform manager and the reconciler, keyed "platform-manager" and "reconciler". */
  readonly platformAccounts: ServiceAccount;
  readonly reconcilerKeys: { readonly kafka: ApiKeyPair; readonly registry: ApiKeyPair };

  constructor(scope: Construct, props: PlatformStackProps) {
    const { env } = props;
    super(scope, platformStackName(env.name));
    const spec = env.spec;
    const cluster = spec.cluster;
    if (!isTerraformKind(spec.kind) || !cluster || !spec.cloud || !spec.region) {
      throw new Error(`environment "${env.name}" is not a complete Confluent environment`);
    }
    configureState(this, { platform: env.platform, env: env.name, spec });
    confluentProvider(this, spec);
    const name = (what: string): string => displayName(env.platform.platform.name, env.name, what);
    const lifecycle = { preventDestroy: spec.protected };

    this.environment = new Environment(this, 'environment', {
      displayName: `${env.platform.platform.name}-${env.name}`,
      streamGovernance: { package: spec.streamGovernance },
      lifecycle,
    });
    const types: Record<typeof cluster.type, Partial<KafkaClusterConfig>> = {
      basic: { basic: [{}] },
      standard: { standard: [{}] },
      dedicated: { dedicated: { cku: cluster.cku ?? 1 } },
    };
    this.cluster = new KafkaCluster(this, 'cluster', {
      displayName: `${env.platform.platform.name}-${env.name}`,
      availability: cluster.availability,
      cloud: spec.cloud,
      region: spec.region,
      environment: { id: this.environment.id },
      ...types[cluster.type],
      lifecycle,
    });
    // Stream Governance provisions the registry with the environment's first cluster.
    this.registry = new DataConfluentSchemaRegistryCluster(this, 'registry', {
      environment: { id: this.environment.id },
      dependsOn: [this.cluster],
    });
    this.endpoints = {
      clusterId: this.cluster.id,
      bootstrapEndpoint: this.cluster.bootstrapEndpoint,
      restEndpoint: this.cluster.restEndpoint,
      registryId: this.registry.id,
      registryEndpoint: this.registry.restEndpoint,
      registryCrn: this.registry.resourceName,
    };

    // The for_each maps below are plain entries (CatalogStack.bindEntries): one instance per app
    // and domain, so they hold no token. References into this stack are literal expressions.
    const clusterCrn = expression(this.cluster, 'rbac_crn');
    const kafkaCrn = `${clusterCrn}/kafka=${expression(this.cluster, 'id')}`;
    const registryCrn = expression(this.registry, 'resource_name');

    // The platform manager administers the cluster and every subject; the reconciler only reads.
    const platformAccounts = new Entries<{ name: string; description: string }>();
    platformAccounts.add('platform-manager', {
      name: name('platform-manager'),
      description: 'Platform team: administers the cluster and the schema registry',
    });
    platformAccounts.add('reconciler', {
      name: name('reconciler'),
      description: 'Reconciler: reads the cluster and the registry to report drift',
    });
    this.platformAccounts = new ServiceAccount(this, 'platform_account', {
      displayName: each.value('name'),
      description: each.value('description'),
    });
    this.bindEntries(this.platformAccounts, platformAccounts);
    const subjects = `${registryCrn}/subject=*`;
    const fixed = new Entries<{ account: string; role: string; crn: string }>();
    fixed.add('platform-manager|cluster', {
      account: 'platform-manager',
      role: 'CloudClusterAdmin',
      crn: clusterCrn,
    });
    fixed.add('platform-manager|subjects', {
      account: 'platform-manager',
      role: 'ResourceOwner',
      crn: subjects,
    });
    fixed.add('reconciler|cluster', {
      account: 'reconciler',
      role: 'Operator',
      crn: clusterCrn,
    });
    fixed.add('reconciler|subjects', {
      account: 'reconciler',
      role: 'DeveloperRead',
      crn: subjects,
    });
    const fixedBindings = new RoleBinding(this, 'platform_account_role', {
      principal: userPrincipal(expression(this.platformAccounts, 'id', 'each.value.account')),
      roleName: each.value('role'),
      crnPattern: each.value('crn'),
      ...readinessWait(spec),
    });
    this.bindEntries(fixedBindings, fixed);

    // A topic manager per domain, owning only what starts with the domain's prefix.
    const domains = new Entries<{ name: string }>();
    for (const d of env.domains) domains.add(d, { name: name(`${d}.topic-manager`) });
    this.domainManagers = new ServiceAccount(this, 'domain_manager', {
      displayName: each.value('name'),
      description: `Topic manager of one domain: owns its topics, groups, transactional ids and subjects`,
    });
    this.bindEntries(this.domainManagers, domains);
    const scoped = new Entries<{ domain: string; crn: string }>();
    for (const d of env.domains) {
      const prefix = domainPrefix(d);
      scoped.add(`${d}|topic`, { domain: d, crn: `${kafkaCrn}/topic=${prefix}*` });
      scoped.add(`${d}|group`, { domain: d, crn: `${kafkaCrn}/group=${prefix}*` });
      scoped.add(`${d}|transactional-id`, {
        domain: d,
        crn: `${kafkaCrn}/transactional-id=${prefix}*`,
      });
      scoped.add(`${d}|subject`, {
        domain: d,
        crn: `${registryCrn}/subject=${prefix}*`,
      });
    }
    const domainBindings = new RoleBinding(this, 'domain_manager_role', {
      principal: userPrincipal(expression(this.domainManagers, 'id', 'each.value.domain')),
      roleName: 'ResourceOwner',
      crnPattern: each.value('crn'),
      ...readinessWait(spec),
    });
    this.bindEntries(domainBindings, scoped);

    // One account per app: its access comes from the domain stacks (ACLs, subject reads).
    const apps = new Entries<{ name: string; description: string }>();
    for (const a of env.apps) {
      apps.add(a.id, { name: name(a.principal), description: `App ${a.id}: ${a.description}` });
    }
    this.appAccounts = new ServiceAccount(this, 'app', {
      displayName: each.value('name'),
      description: each.value('description'),
    });
    this.bindEntries(this.appAccounts, apps);
    const principals = new TerraformLocal(
      this,
      'app_principals',
      `\${{ for key, val in ${address(this.appAccounts)}: key => "${userPrincipal('${val.id}')}" }}`,
    );
    principals.overrideLogicalId('app_principals');
    this.appPrincipals = principals.asStringMap;

    const keyProps = {
      cluster: this.cluster,
      registry: this.registry,
      environmentId: this.environment.id,
      preventDestroy: spec.protected,
      readiness: readinessWait(spec),
    };
    this.domainKeys = new AccountKeys(this, 'domain_manager_keys', {
      ...keyProps,
      accounts: this.domainManagers,
      keys: domains.keys(),
      dependsOn: [domainBindings],
    });
    // An app's keys follow the catalog even in protected environments: removing the app from the
    // catalog is the explicit statement, and prevent_destroy would keep its keys (and block the
    // deploy) instead.
    this.appKeys = new AccountKeys(this, 'app_keys', {
      ...keyProps,
      accounts: this.appAccounts,
      keys: apps.keys(),
      preventDestroy: false,
    });
    const fixedKeys = new AccountKeys(this, 'platform_account_keys', {
      ...keyProps,
      accounts: this.platformAccounts,
      keys: platformAccounts.keys(),
      dependsOn: [fixedBindings],
    });
    this.reconcilerKeys = {
      kafka: fixedKeys.kafka('reconciler'),
      registry: fixedKeys.registry('reconciler'),
    };
    const manager = fixedKeys.kafka('platform-manager');

    // What the domain stacks read (sensitive, like every value that leaves this stack for another).
    addPlatformOutputs(this, {
      connection: {
        kafka_id: this.cluster.id,
        kafka_rest_endpoint: this.cluster.restEndpoint,
        schema_registry_id: this.registry.id,
        schema_registry_rest_endpoint: this.registry.restEndpoint,
        schema_registry_crn: this.registry.resourceName,
      },
      domainKafkaKeys: this.domainKeys.kafkaKeys,
      domainRegistryKeys: this.domainKeys.registryKeys,
      appAccounts: this.appAccounts,
      accessManager: { kafka_api_key: manager.id, kafka_api_secret: manager.secret },
    });

    // Identifiers only: every secret stays in state and reaches other stacks as sensitive values.
    new TerraformOutput(this, 'environment_id', { value: this.environment.id });
    new TerraformOutput(this, 'kafka_cluster_id', { value: this.cluster.id });
    new TerraformOutput(this, 'bootstrap_endpoint', { value: this.cluster.bootstrapEndpoint });
    new TerraformOutput(this, 'schema_registry_endpoint', { value: this.registry.restEndpoint });
  }
}
