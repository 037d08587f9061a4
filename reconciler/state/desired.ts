// What the catalog wants on one cluster, in cluster terms: topics, ACL bindings with real
// principals, subjects. Also the scope: what the reconciler may touch at all.
import { GRANT, ownsPrincipal, principalOf } from '../../catalog/access';
import type { PrincipalNaming } from '../../catalog/access';
import type { EnvironmentCatalog, SchemaFormat } from '../../catalog/model';
import { domainPrefix } from '../../catalog/naming';
import type { AclBinding } from '../cluster/types';

export interface DesiredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
  readonly deletionProtection: boolean;
  readonly source: { readonly file: string; readonly line: number };
}

export interface DesiredSubject {
  readonly name: string;
  /** The topic whose key or value schema it is; absent for a subject only referenced. */
  readonly topic?: string;
  readonly format: SchemaFormat;
  readonly path: string;
  readonly text: string;
  readonly references: readonly { readonly name: string; readonly subject: string }[];
  readonly compatibility: string;
}

export interface DesiredAcl extends AclBinding {
  /** Catalog app id, for reports. */
  readonly app: string;
}

export interface Scope {
  /** Each managed domain's prefix, "orders.". */
  readonly prefixes: readonly string[];
  /** Principals of the catalog's apps. */
  readonly principals: ReadonlySet<string>;
  /**
   * The principal namespace the platform owns (catalog/access.ts ownsPrincipal): a principal in
   * it that is no app's any more belongs to a removed app. Only owned principals' ACLs (apps'
   * and namespace's) may be deleted.
   */
  readonly namespace: (principal: string) => boolean;
}

export interface DesiredState {
  readonly environment: string;
  readonly topics: readonly DesiredTopic[];
  /** Topics the catalog marks `delete: true` (never protected ones). */
  readonly deletions: readonly string[];
  readonly acls: readonly DesiredAcl[];
  /** References first. */
  readonly subjects: readonly DesiredSubject[];
  readonly scope: Scope;
  /** Apps without a principal on this cluster: their ACLs cannot be planned. */
  readonly unmappedApps: readonly string[];
}

/**
 * The desired state of one environment of a catalog, made once per catalog and naming: a catalog
 * is immutable, and its loader hands out the same one while no file changes (catalog/validate.ts
 * loadUnchanged), so passes over an unchanged catalog share one DesiredState.
 */
export function desiredState(env: EnvironmentCatalog, naming: PrincipalNaming): DesiredState {
  const key = JSON.stringify(naming);
  let byNaming = made.get(env);
  if (!byNaming) made.set(env, (byNaming = new Map()));
  let desired = byNaming.get(key);
  if (!desired) byNaming.set(key, (desired = build(env, naming)));
  return desired;
}

const made = new WeakMap<EnvironmentCatalog, Map<string, DesiredState>>();

function build(env: EnvironmentCatalog, naming: PrincipalNaming): DesiredState {
  const apps = new Map(env.apps.map((a) => [a.id, a] as const));
  const principals = new Map<string, string>();
  const unmapped: string[] = [];
  for (const app of env.apps) {
    const p = principalOf(naming, app);
    if (p) principals.set(app.id, p);
    else unmapped.push(app.id);
  }
  const acls: DesiredAcl[] = [];
  for (const g of env.acls) {
    const principal = principals.get(g.app);
    if (!principal || !apps.has(g.app)) continue;
    acls.push({
      app: g.app,
      principal,
      host: GRANT.host,
      resourceType: g.resourceType,
      resourceName: g.resourceName,
      patternType: g.patternType,
      operation: g.operation,
      permission: GRANT.permission,
    });
  }
  const topicOfSubject = new Map<string, string>();
  for (const t of env.topics)
    for (const subject of [t.schema?.key, t.schema?.value])
      if (subject !== undefined) topicOfSubject.set(subject, t.name);
  const domains = new Set([
    ...env.apps.map((a) => a.domain),
    ...env.topics.map((t) => t.domain),
    ...env.deletions.map((t) => t.domain),
  ]);
  return {
    environment: env.name,
    topics: env.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      config: t.config,
      deletionProtection: t.deletionProtection,
      source: t.source,
    })),
    deletions: env.deletions.map((t) => t.name),
    acls,
    subjects: env.subjects.map((s) => {
      const topic = topicOfSubject.get(s.name);
      return {
        name: s.name,
        ...(topic !== undefined ? { topic } : {}),
        format: s.schema.format,
        path: s.schema.path,
        text: s.schema.text,
        references: s.schema.references.map((r) => ({ name: r.name, subject: r.subject })),
        compatibility: s.compatibility,
      };
    }),
    scope: {
      prefixes: [...domains].sort().map(domainPrefix),
      principals: new Set(principals.values()),
      namespace: ownsPrincipal(naming, env.domains),
    },
    unmappedApps: unmapped,
  };
}

/** A principal whose ACLs are the catalog's to decide: an app's, or a removed app's. */
export function isOwnedPrincipal(scope: Scope, principal: string): boolean {
  return scope.principals.has(principal) || scope.namespace(principal);
}

/** A resource name inside one of the catalog's domains (never `__consumer_offsets` & co). */
export function isManagedName(scope: Scope, name: string): boolean {
  return !name.startsWith('_') && scope.prefixes.some((p) => name.startsWith(p));
}

/** ACLs the reconciler owns: an owned principal on a managed topic, group or transactional id. */
export function isManagedAcl(scope: Scope, a: AclBinding): boolean {
  return (
    isOwnedPrincipal(scope, a.principal) &&
    (a.resourceType === 'TOPIC' ||
      a.resourceType === 'GROUP' ||
      a.resourceType === 'TRANSACTIONAL_ID') &&
    isManagedName(scope, a.resourceName)
  );
}
