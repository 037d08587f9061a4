// What each kind of access needs, in Kafka ACL terms: the single answer used by the stacks'
// grantProduce/grantConsume, the reconciler's plan and the local stack. Nothing broader: no
// ALL, no wildcard principal, no cluster-wide grant. Since Kafka 3.0 (KIP-679) WRITE on a
// topic implies idempotent writes, so no cluster-level IDEMPOTENT_WRITE is ever needed.
import type { App } from './model';

/**
 * The one place a Kafka user principal is written: "orders.order-service" →
 * "User:orders.order-service" (the local stack's app users, the reconciler's own user) and
 * "sa-abc123" → "User:sa-abc123" (Confluent Cloud service accounts).
 */
export function userPrincipal(name: string): string {
  return `User:${name}`;
}

/** Every grant allows, from any host: decided here, once. */
export const GRANT = Object.freeze({ host: '*', permission: 'ALLOW' } as const);

/** How a cluster names the principals of catalog apps. */
export type PrincipalNaming =
  /** Users named after the app, `User:<domain>.<app>` (the local stack's SCRAM users). */
  | { readonly kind: 'app-users' }
  /** A principal per app id ("orders/order-service" → "User:sa-abc123", from `cdktf output`). */
  | { readonly kind: 'mapped'; readonly principals: Readonly<Record<string, string>> };

/** The principal of an app on a cluster; undefined when a principal map does not name it. */
export function principalOf(naming: PrincipalNaming, app: App): string | undefined {
  return naming.kind === 'app-users' ? userPrincipal(app.principal) : naming.principals[app.id];
}

// An app user: "<domain>.<app>", both names as the catalog's grammar allows them (no dots).
const APP_USER = /^User:([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)$/;

/**
 * The principals the platform owns on a cluster: their ACLs are exactly what the catalog grants,
 * so one that belongs to no app any more (an app removed from the catalog) loses all of them.
 * With app users, every `User:<domain>.<name>` of a domain the catalog declares: declaring the
 * domain is the catalog's explicit claim on the names under it (a domain removed from the catalog
 * releases them, and nothing of it is deleted). With a principal map, the principals it lists.
 */
export function ownsPrincipal(
  naming: PrincipalNaming,
  domains: Iterable<string>,
): (principal: string) => boolean {
  if (naming.kind === 'mapped') {
    const mapped = new Set(Object.values(naming.principals));
    return (principal) => mapped.has(principal);
  }
  const owned = new Set(domains);
  return (principal) => {
    const m = APP_USER.exec(principal);
    return m !== null && owned.has(m[1] as string);
  };
}

export type AclResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
export type AclPatternType = 'LITERAL' | 'PREFIXED';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE';

export interface AclGrant {
  /** App id, "domain/app". */
  readonly app: string;
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  readonly operation: AclOperation;
}

function grant(
  app: App,
  resourceType: AclResourceType,
  resourceName: string,
  patternType: AclPatternType,
  operation: AclOperation,
): AclGrant {
  return Object.freeze({ app: app.id, resourceType, resourceName, patternType, operation });
}

/** Producer: WRITE and DESCRIBE on the topic; transactional apps also their transactional ids. */
export function produceGrants(topic: string, app: App): AclGrant[] {
  const grants = [
    grant(app, 'TOPIC', topic, 'LITERAL', 'WRITE'),
    grant(app, 'TOPIC', topic, 'LITERAL', 'DESCRIBE'),
  ];
  if (app.transactional) grants.push(...transactionGrants(app));
  return grants;
}

/** Consumer: READ and DESCRIBE on the topic, READ on the app's consumer-group prefix. */
export function consumeGrants(topic: string, app: App): AclGrant[] {
  return [
    grant(app, 'TOPIC', topic, 'LITERAL', 'READ'),
    grant(app, 'TOPIC', topic, 'LITERAL', 'DESCRIBE'),
    grant(app, 'GROUP', app.prefix, 'PREFIXED', 'READ'),
  ];
}

/** Transactional producers: WRITE and DESCRIBE on the app's transactional-id prefix. */
export function transactionGrants(app: App): AclGrant[] {
  return [
    grant(app, 'TRANSACTIONAL_ID', app.prefix, 'PREFIXED', 'WRITE'),
    grant(app, 'TRANSACTIONAL_ID', app.prefix, 'PREFIXED', 'DESCRIBE'),
  ];
}

/**
 * How many grants the producers and consumers of these topics need, which is the length of
 * uniqueGrants over their produce/consume grants, without making 80,000 of them to count (the
 * capacity rule needs only the number). Per topic: WRITE and DESCRIBE per producer, READ and
 * DESCRIBE per consumer, DESCRIBE once for an app that is both. Per app: one group prefix if it
 * consumes anything, two transactional-id prefixes if it produces transactionally. Undefined
 * when two topics share a name (the rules report that); count uniqueGrants then.
 */
export function grantCount(
  topics: Iterable<{
    readonly name: string;
    readonly producers: readonly string[];
    readonly consumers: readonly string[];
  }>,
  app: (id: string) => App,
): number | undefined {
  const names = new Set<string>();
  const consumerApps = new Set<string>();
  const transactionalApps = new Set<string>();
  let count = 0;
  for (const t of topics) {
    if (names.has(t.name)) return undefined;
    names.add(t.name);
    const producers = new Set(t.producers);
    for (const id of producers) {
      count += 2;
      if (app(id).transactional) transactionalApps.add(id);
    }
    for (const id of new Set(t.consumers)) {
      count += producers.has(id) ? 1 : 2;
      consumerApps.add(id);
    }
  }
  return count + consumerApps.size + 2 * transactionalApps.size;
}

export function aclKey(g: AclGrant): string {
  return `${g.app}|${g.resourceType}|${g.patternType}|${g.resourceName}|${g.operation}`;
}

/** Union without duplicates, in first-seen order (deterministic: the catalog's order). */
export function uniqueGrants(grants: Iterable<AclGrant>): AclGrant[] {
  const byKey = new Map<string, AclGrant>();
  for (const g of grants) {
    const key = aclKey(g);
    if (!byKey.has(key)) byKey.set(key, g);
  }
  return [...byKey.values()];
}
