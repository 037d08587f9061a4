// What each kind of access needs, in Kafka ACL terms: the single answer used by the stacks'
// grantProduce/grantConsume, the reconciler's plan and the local stack. Nothing broader: no
// ALL, no wildcard principal, no cluster-wide grant. Since Kafka 3.0 (KIP-679) WRITE on a
// topic implies idempotent writes, so no cluster-level IDEMPOTENT_WRITE is ever needed.
import type { App } from './model';

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
    grant(app, 'GROUP', app.principal, 'PREFIXED', 'READ'),
  ];
}

/** Transactional producers: WRITE and DESCRIBE on the app's transactional-id prefix. */
export function transactionGrants(app: App): AclGrant[] {
  return [
    grant(app, 'TRANSACTIONAL_ID', app.principal, 'PREFIXED', 'WRITE'),
    grant(app, 'TRANSACTIONAL_ID', app.principal, 'PREFIXED', 'DESCRIBE'),
  ];
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
