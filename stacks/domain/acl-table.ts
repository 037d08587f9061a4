// The Kafka ACLs one domain stack manages, one instance per grant, keyed by catalog/access.ts's
// aclKey ("orders/order-service|TOPIC|LITERAL|orders.order-created.v1|WRITE"). Always ALLOW,
// always host "*", always the app's own service account: never a wildcard principal. Created with
// the cluster key that may alter ACLs (see AccessManagerKey), not the domain's topic manager.
import { Construct } from 'constructs';
import { aclKey } from '../../catalog/access';
import type { AclGrant } from '../../catalog/access';
import { KafkaAcl } from '../.gen/providers/confluent/kafka-acl';
import type { ConfluentProvider } from '../.gen/providers/confluent/provider';
import { CatalogStack, Entries, each } from '../synth';
import type { Principals } from './principals';

export interface AclEntry {
  readonly app: string;
  readonly resource_type: string;
  readonly resource_name: string;
  readonly pattern_type: string;
  readonly operation: string;
}

export class AclTable extends Construct {
  private readonly entries = new Entries<AclEntry>();

  constructor(
    scope: Construct,
    id: string,
    private readonly principals: Principals,
    /** The provider configured with that key (the provider's own key wins over a resource's). */
    provider: ConfluentProvider,
  ) {
    super(scope, id);
    const acl = new KafkaAcl(this, 'acl', {
      provider,
      resourceType: each.value('resource_type'),
      resourceName: each.value('resource_name'),
      patternType: each.value('pattern_type'),
      operation: each.value('operation'),
      principal: principals.principal('each.value.app'),
      host: '*',
      permission: 'ALLOW',
    });
    acl.overrideLogicalId('acl');
    CatalogStack.ofConstruct(this).bindEntries(acl, this.entries);
  }

  add(grant: AclGrant): void {
    this.principals.use(grant.app);
    this.entries.add(aclKey(grant), {
      app: grant.app,
      resource_type: grant.resourceType,
      resource_name: grant.resourceName,
      pattern_type: grant.patternType,
      operation: grant.operation,
    });
  }
}
