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

  private addInstances({ apps, legacy, entries }: AclInstances): void {
    for (const app of apps) this.principals.use(app);
    for (const [key, old] of legacy) this.legacy.set(key, old);
    this.entries.addAll(entries);
  }
}

/** Grants as a table's instances. */
interface AclInstances {
  /** Their apps, each once. */
  readonly apps: readonly string[];
  /** For an app's prefix, its instance key and the key the grant had before. */
  readonly legacy: readonly (readonly [string, string])[];
  /** Instance keys and entries. */
  readonly entries: readonly (readonly [string, AclEntry])[];
}

/** Grants' instances: the same grants reach every environment's stack (and share its entries). */
const instancesOf = shared((grants: readonly AclGrant[]): AclInstances => {
  const apps = new Set<string>();
  const legacy: (readonly [string, string])[] = [];
  const entries: (readonly [string, AclEntry])[] = [];
  for (const grant of grants) {
    apps.add(grant.app);
    const key = aclKey(grant);
    if (grant.patternType === 'PREFIXED' && grant.resourceType !== 'TOPIC') {
      const old = aclKey({ ...grant, resourceName: grant.resourceName.replace(/\.$/, '') });
      legacy.push(Object.freeze([key, old] as const));
    }
    // Keys in sort order, as the file has them: the writer copies an object that has not.
    const entry: AclEntry = Object.freeze({
      app: grant.app,
      operation: grant.operation,
      pattern_type: grant.patternType,
      resource_name: grant.resourceName,
      resource_type: grant.resourceType,
    });
    entries.push(Object.freeze([key, entry] as const));
  }
  return Object.freeze({
    apps: Object.freeze([...apps]),
    legacy: Object.freeze(legacy),
    entries: Object.freeze(entries),
  });
});
