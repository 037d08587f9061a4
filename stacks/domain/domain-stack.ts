// domain-<domain>-<env>: one domain's topics, ACLs, subject reads and schemas, applied with the
// domain's own topic-manager keys (scoped by the platform stack to the domain's prefixes).
import type { Construct } from 'constructs';
import type { Catalog, Domain, EnvironmentCatalog } from '../../catalog/model';
import type { PlatformStack } from '../platform/platform-stack';
import { CatalogStack } from '../shared/catalog-stack';
import { domainStackName } from '../shared/names';
import { confluentProvider } from '../shared/provider';
import { configureState } from '../shared/state';
import { AclTable } from './acl-table';
import { Principals } from './principals';
import { RegistryReads } from './registry-reads';
import { SchemaTable } from './schema-table';
import { TopicTable } from './topic';

export interface DomainStackProps {
  readonly catalog: Catalog;
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

  constructor(scope: Construct, props: DomainStackProps) {
    const { catalog, env, domain, platform } = props;
    super(scope, domainStackName(domain.name, env.name));
    this.domain = domain.name;
    configureState(this, { platform: catalog.platform, env: env.name, spec: env.spec });
    const ep = platform.endpoints;
    const kafka = platform.domainKeys.kafka(domain.name);
    const registry = platform.domainKeys.registry(domain.name);
    confluentProvider(this, {
      kafkaId: ep.clusterId,
      kafkaRestEndpoint: ep.restEndpoint,
      kafkaApiKey: kafka.id,
      kafkaApiSecret: kafka.secret,
      schemaRegistryId: ep.registryId,
      schemaRegistryRestEndpoint: ep.registryEndpoint,
      schemaRegistryApiKey: registry.id,
      schemaRegistryApiSecret: registry.secret,
    });
    this.addDependency(platform);
    const principals = new Principals(this, 'principals', {
      accountId: (app) => platform.appAccountId(app),
    });
    this.topics = new TopicTable(this, 'topics', { protectedEnvironment: env.spec.protected });
    this.acls = new AclTable(this, 'acls', principals);
    this.reads = new RegistryReads(this, 'reads', { principals, registryCrn: ep.registryCrn });
    this.schemas = new SchemaTable(this, 'schemas', { layers: props.schemaLayers });
  }
}
