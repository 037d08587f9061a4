// What each kind of access needs, in Kafka ACL terms, and who holds it: the single answer used by
// the stacks (CatalogAccess.byOwner, grantProduce/grantConsume), the reconciler's plan
// (CatalogAccess.acls), the local stack and the status page (topic, byApp). Nothing broader: no
// ALL, no wildcard principal, no cluster-wide grant. Since Kafka 3.0 (KIP-679) WRITE on a
// topic implies idempotent writes, so no cluster-level IDEMPOTENT_WRITE is ever needed.
import type { App, Subject } from './model';
import { subjectClosure } from './references';

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

/** An ACL as a cluster holds it: a principal's permission from a host (reconciler/cluster/types.ts). */
export interface AclBindingShape {
  readonly principal: string;
  readonly host: string;
  readonly permission: string;
  readonly resourceType: string;
  readonly patternType: string;
  readonly resourceName: string;
  readonly operation: string;
}

/**
 * The one key of an ACL, a grant's or a cluster's binding: its holder (a grant's app id, a
 * binding's principal), resource type, pattern, resource name and operation,
 * "orders/order-service|TOPIC|LITERAL|orders.order-created.v1|WRITE". A binding other than what
 * GRANT makes (another host, DENY) adds "|<permission>|<host>", so it never equals a grant's.
 * Terraform instance keys and `imports/<env>.json` are grants' keys: their form stays.
 */
export function aclKey(a: AclGrant | AclBindingShape): string {
  const holder = 'principal' in a ? a.principal : a.app;
  const key = `${holder}|${a.resourceType}|${a.patternType}|${a.resourceName}|${a.operation}`;
  if (!('principal' in a) || (a.host === GRANT.host && a.permission === GRANT.permission))
    return key;
  return `${key}|${a.permission}|${a.host}`;
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

/** What one app may do with one topic: the ACLs its role needs and the subjects it reads. */
export interface TopicGrant {
  readonly topic: string;
  /** The topic's domain, which holds its ACLs (aclOwner). */
  readonly owner: string;
  /** App id, "domain/app". */
  readonly app: string;
  readonly role: 'produce' | 'consume';
  /** The role's ACLs, the app's consumer-group or transactional-id prefix included. */
  readonly acls: readonly AclGrant[];
  /** The topic's key and value subjects and, transitively, what they reference (sorted). */
  readonly subjectReads: readonly string[];
}

/** Schema registry read access: one app, one subject. */
export interface SubjectRead {
  readonly app: string;
  readonly subject: string;
}

/** Everything one domain holds: the ACLs on what it owns and the subject reads of its apps. */
export interface OwnedAccess {
  readonly acls: readonly AclGrant[];
  readonly subjectReads: readonly SubjectRead[];
}

/** Everything one app is granted. */
export interface AppAccess {
  /** Its roles, topic by topic, in the catalog's order. */
  readonly topics: readonly TopicGrant[];
  /** Its ACLs, each once. */
  readonly acls: readonly AclGrant[];
  /** The subjects it reads, each once, sorted. */
  readonly subjectReads: readonly string[];
}

/** What each CatalogAccess has derived so far, by key. */
const derived = new WeakMap<CatalogAccess, Map<string, unknown>>();

const NOTHING: OwnedAccess = Object.freeze({ acls: [], subjectReads: [] });

/** A topic as far as access goes. */
export interface AccessTopic {
  readonly name: string;
  readonly domain: string;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly schema?: { readonly value?: string; readonly key?: string };
}

/** The subjects a reader of the topic needs: its key and value subjects and their references. */
export function subjectsToRead(topic: AccessTopic, subjects: readonly Subject[]): string[] {
  const roots = [topic.schema?.value, topic.schema?.key].filter((s): s is string => !!s);
  return subjectClosure(subjects, roots)
    .map((s) => s.name)
    .sort();
}

/** One app's role on one topic, as the catalog grants it. */
export function topicGrant(
  topic: AccessTopic,
  app: App,
  role: TopicGrant['role'],
  subjectReads: readonly string[],
): TopicGrant {
  const acls = role === 'produce' ? produceGrants(topic.name, app) : consumeGrants(topic.name, app);
  return Object.freeze({
    topic: topic.name,
    owner: topic.domain,
    app: app.id,
    role,
    acls,
    subjectReads,
  });
}

/**
 * The domain that holds an ACL: a topic's ACLs stay with the topic's domain, the app-scoped
 * ones (consumer-group and transactional-id prefixes) with the app's domain, which owns them.
 */
export function aclOwner(grant: AclGrant, topicGrant: Pick<TopicGrant, 'owner'>, app: App): string {
  return grant.resourceType === 'TOPIC' ? topicGrant.owner : app.domain;
}

/**
 * A catalog's access, derived once and asked for by topic, owner (domain) or app: what the
 * domain stacks create, what the local tooling grants and what the status page shows. Access
 * does not vary by environment (only topic sizes do).
 */
export class CatalogAccess {
  constructor(
    private readonly topics: readonly AccessTopic[],
    private readonly apps: ReadonlyMap<string, App>,
    private readonly subjects: readonly Subject[],
  ) {
    // Frozen as the model is; what it derives lives beside it (`derived`), so two accesses of
    // equal catalogs stay equal whatever either was asked.
    Object.freeze(this);
  }

  private app(id: string): App {
    const app = this.apps.get(id);
    if (!app) throw new Error(`no app "${id}" in the catalog`);
    return app;
  }

  /** Every app's role on every topic, in the catalog's order (producers, then consumers). */
  get grants(): readonly TopicGrant[] {
    return this.cached('grants', () => {
      const out: TopicGrant[] = [];
      for (const t of this.topics) {
        const reads = Object.freeze(subjectsToRead(t, this.subjects));
        for (const id of t.producers) out.push(topicGrant(t, this.app(id), 'produce', reads));
        for (const id of t.consumers) out.push(topicGrant(t, this.app(id), 'consume', reads));
      }
      return Object.freeze(out);
    });
  }

  /** Every ACL, each once, in the catalog's order, without making the topic grants. */
  get acls(): readonly AclGrant[] {
    // Streamed: 10,000 topics make ~80,000 grants, and the reconciler needs only these.
    return this.cached('acls', () => Object.freeze(uniqueGrants(this.streamAcls())));
  }

  private *streamAcls(): Generator<AclGrant> {
    for (const t of this.topics) {
      for (const id of t.producers) yield* produceGrants(t.name, this.app(id));
      for (const id of t.consumers) yield* consumeGrants(t.name, this.app(id));
    }
  }

  /** The roles apps have on one topic. */
  topic(name: string): readonly TopicGrant[] {
    return this.index('topic', (g) => [g.topic]).get(name) ?? [];
  }

  /** What one domain holds: ACLs on its topics and its apps' prefixes, its apps' subject reads. */
  byOwner(domain: string): OwnedAccess {
    return this.owners().get(domain) ?? NOTHING;
  }

  private owners(): ReadonlyMap<string, OwnedAccess> {
    return this.cached('owners', () => {
      const acls = new Map<string, AclGrant[]>();
      const reads = new Map<string, Map<string, SubjectRead>>();
      const add = <T>(index: Map<string, T>, domain: string, empty: () => T): T => {
        let found = index.get(domain);
        if (found === undefined) index.set(domain, (found = empty()));
        return found;
      };
      for (const g of this.grants) {
        const app = this.app(g.app);
        for (const a of g.acls) add(acls, aclOwner(a, g, app), () => []).push(a);
        const own = add(reads, app.domain, () => new Map<string, SubjectRead>());
        for (const subject of g.subjectReads)
          own.set(`${g.app}|${subject}`, Object.freeze({ app: g.app, subject }));
      }
      const owners = new Map<string, OwnedAccess>();
      for (const domain of new Set([...acls.keys(), ...reads.keys()]))
        owners.set(
          domain,
          Object.freeze({
            acls: Object.freeze(uniqueGrants(acls.get(domain) ?? [])),
            subjectReads: Object.freeze([...(reads.get(domain)?.values() ?? [])]),
          }),
        );
      return owners;
    });
  }

  /** Everything one app is granted (nothing for an app without roles). */
  byApp(id: string): AppAccess {
    return this.cached(`app ${id}`, () => {
      const topics = this.index('app', (g) => [g.app]).get(id) ?? [];
      return Object.freeze({
        topics,
        acls: Object.freeze(uniqueGrants(topics.flatMap((g) => g.acls))),
        subjectReads: Object.freeze([...new Set(topics.flatMap((g) => g.subjectReads))].sort()),
      });
    });
  }

  private index(
    name: string,
    keys: (g: TopicGrant) => readonly string[],
  ): ReadonlyMap<string, readonly TopicGrant[]> {
    return this.cached(`index ${name}`, () => {
      const index = new Map<string, TopicGrant[]>();
      for (const g of this.grants)
        for (const key of keys(g)) {
          const list = index.get(key);
          if (list) list.push(g);
          else index.set(key, [g]);
        }
      return index;
    });
  }

  private cached<T>(key: string, make: () => T): T {
    let cache = derived.get(this);
    if (!cache) derived.set(this, (cache = new Map()));
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  }
}
