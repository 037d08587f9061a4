// The Kafka ACLs one domain stack manages, one instance per grant, keyed by catalog/access.ts's
// aclKey ("orders/order-service|TOPIC|LITERAL|orders.order-created.v1|WRITE"). Always ALLOW,
// always host "*", always the app's own service account: never a wildcard principal. Created with
// the cluster key that may alter ACLs (see AccessManagerKey), not the domain's topic manager.
import { Construct } from 'constructs';
import { GRANT, aclKey } from '../../catalog/access';
import type { AclGrant } from '../../catalog/access';
import { KafkaAcl } from '../.gen/providers/confluent/kafka-acl';
import type { ConfluentProvider } from '../.gen/providers/confluent/provider';
import { CatalogStack, Entries, each, shared } from '../synth';
import type { BlockMove } from '../synth';
import { index } from '../shared/terraform-text';
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
  /** Key → the key the same grant had before prefixes ended at a separator. */
  private readonly legacy = new Map<string, string>();

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
      host: GRANT.host,
      permission: GRANT.permission,
      // A changed grant is a replacement: the new ACL exists before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });
    acl.overrideLogicalId('acl');
    const stack = CatalogStack.ofConstruct(this);
    stack.bindEntries(acl, this.entries);
    stack.addMoves(() => this.migrations());
  }

  /**
   * Group and transactional-id prefixes once had no trailing separator ("orders.order-service",
   * now "orders.order-service."). Moving each such instance to its new key makes Terraform
   * replace it in place, and create_before_destroy adds the new ACL before removing the old, so
   * no app loses access during the upgrade. A move whose old instance is not in state is a no-op.
   */
  private migrations(): BlockMove[] {
    const address = (key: string): string => `confluent_kafka_acl.acl${index(key)}`;
    return [...this.legacy]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, old]) => ({ from: address(old), to: address(key) }));
  }

  /** A grant of this table by its aclKey, with its instance's address. */
  instance(key: string): { address: string; entry: AclEntry } | undefined {
    const entry = this.entries.get(key);
    return entry && { address: `confluent_kafka_acl.acl${index(key)}`, entry };
  }

  /** Adds a grant (once, by its aclKey) and returns it. */
  add(grant: AclGrant): AclGrant {
    this.addInstances(instancesOf([grant]));
    return grant;
  }

  /** Adds grants (each once, by its aclKey), such as a domain's (CatalogAccess.byOwner). */
  addAll(grants: readonly AclGrant[]): readonly AclGrant[] {
    this.addInstances(instancesOf(grants));
    return grants;
  }

  private addInstances(instances: readonly AclInstance[]): void {
    for (const { app, key, entry, legacy } of instances) {
      this.principals.use(app);
      if (legacy !== undefined) this.legacy.set(key, legacy);
      this.entries.add(key, entry);
    }
  }
}

interface AclInstance {
  readonly app: string;
  readonly key: string;
  readonly entry: AclEntry;
  /** For an app's prefix, the key the grant had before. */
  readonly legacy?: string;
}

/** Grants' instance keys and entries: the same grants reach every environment's stack. */
const instancesOf = shared((grants: readonly AclGrant[]): readonly AclInstance[] =>
  Object.freeze(
    grants.map((grant) => {
      const prefix = grant.patternType === 'PREFIXED' && grant.resourceType !== 'TOPIC';
      return Object.freeze({
        app: grant.app,
        key: aclKey(grant),
        // Keys in sort order, as the file has them: the writer copies an object that has not.
        entry: Object.freeze({
          app: grant.app,
          operation: grant.operation,
          pattern_type: grant.patternType,
          resource_name: grant.resourceName,
          resource_type: grant.resourceType,
        }),
        ...(prefix
          ? { legacy: aclKey({ ...grant, resourceName: grant.resourceName.replace(/\.$/, '') }) }
          : {}),
      });
    }),
  ),
);
