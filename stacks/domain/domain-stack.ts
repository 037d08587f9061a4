// domain-<domain>-<env>: one domain's topics, ACLs, subject reads and schemas, applied with the
// domain's own topic-manager keys (scoped by the platform stack to the domain's prefixes).
import type { Construct } from 'constructs';
import type { OwnedAccess } from '../../catalog/access';
import type { Domain, EnvironmentCatalog } from '../../catalog/model';
import { PlatformOutputs } from '../platform/platform-outputs';
import type { DomainManagerKeys } from '../platform/platform-outputs';
import type { PlatformStack } from '../platform/platform-stack';
import { CatalogStack } from '../synth';
import { domainStackName } from '../shared/names';
import { confluentProvider, readinessWait } from '../shared/provider';
import { configureState } from '../shared/state';
import { AclTable } from './acl-table';
import { Principals } from './principals';
import { RegistryReads } from './registry-reads';
import { SchemaTable } from './schema-table';
import { TopicTable } from './topic';

export interface DomainStackProps {
  readonly env: EnvironmentCatalog;
  readonly domain: Domain;
  readonly platform: PlatformStack;
  /** Number of schema layers the domain's subjects need (see layers.ts). */
  readonly schemaLayers: number;
}

export class DomainStack extends CatalogStack {
  readonly domain: string;
  readonly topics: TopicTable;
  readonly acls: AclTable;
  readonly reads: RegistryReads;
  readonly schemas: SchemaTable;
  /** The platform stack's outputs and the apps' principals, as this stack reads them. */
  readonly outputs: PlatformOutputs;
  readonly principals: Principals;

  constructor(scope: Construct, props: DomainStackProps) {
    const { env, domain, platform } = props;
    super(scope, domainStackName(domain.name, env.name), `domain:${domain.name}`);
    this.domain = domain.name;
    configureState(this, { platform: env.platform, env: env.name, spec: env.spec });
    const outputs = new PlatformOutputs(this, 'platform', platform);
    this.outputs = outputs;
    const manager = (attribute: keyof DomainManagerKeys): string =>
      outputs.domainManager(domain.name, attribute);
    confluentProvider(this, env.spec, {
      kafkaId: outputs.cluster('kafka_id'),
      kafkaRestEndpoint: outputs.cluster('kafka_rest_endpoint'),
      kafkaApiKey: manager('kafka_api_key'),
      kafkaApiSecret: manager('kafka_api_secret'),
      schemaRegistryId: outputs.cluster('schema_registry_id'),
      schemaRegistryRestEndpoint: outputs.cluster('schema_registry_rest_endpoint'),
      schemaRegistryApiKey: manager('schema_registry_api_key'),
      schemaRegistryApiSecret: manager('schema_registry_api_secret'),
    });
    const principals = new Principals(this, 'principals', {
      accountId: (app) => outputs.appAccount(app),
    });
    this.principals = principals;
    this.topics = new TopicTable(this, 'topics', { protectedEnvironment: env.spec.protected });
    const aclProvider = confluentProvider(this, env.spec, {
      alias: 'acls',
      kafkaId: outputs.cluster('kafka_id'),
      kafkaRestEndpoint: outputs.cluster('kafka_rest_endpoint'),
      kafkaApiKey: outputs.accessManager('kafka_api_key'),
      kafkaApiSecret: outputs.accessManager('kafka_api_secret'),
    });
    this.acls = new AclTable(this, 'acls', principals, aclProvider);
    this.reads = new RegistryReads(this, 'reads', {
      principals,
      registryCrn: outputs.cluster('schema_registry_crn'),
      readiness: readinessWait(env.spec),
    });
    this.schemas = new SchemaTable(this, 'schemas', { layers: props.schemaLayers });
  }

  /**
   * The access this domain holds (the catalog's CatalogAccess.byOwner): ACLs on its topics and
   * its apps' prefixes, its apps' subject reads. Returns what it added.
   */
  grant(owned: OwnedAccess): OwnedAccess {
    return {
      acls: this.acls.addAll(owned.acls),
      subjectReads: this.reads.addAll(owned.subjectReads),
    };
  }
}
