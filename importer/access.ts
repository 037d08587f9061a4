// ACLs → apps and their roles: WRITE on a topic makes a producer, READ a consumer, WRITE on the
// app's transactional-id prefix a transactional app. The catalog's own grants for those roles
// (catalog/access.ts) are then compared with what the cluster has, so every ACL the catalog
// would not reproduce, and every one it would add, is reported instead of silently changing.
import { GRANT, aclKey, consumeGrants, produceGrants, userPrincipal } from '../catalog/access';
import type { AclGrant } from '../catalog/access';
import type { App } from '../catalog/model';
import { appPrincipal, appResourcePrefix } from '../catalog/naming';
import type { AclBinding } from '../reconciler/cluster/types';
import { describeAcl } from '../reconciler/cluster/types';
import type { AppName } from './principals';
import { idOf } from './principals';
import type { Report } from './report';

export interface TopicRoles {
  readonly producers: Set<string>;
  readonly consumers: Set<string>;
}

export interface AccessImport {
  /** App id → app (only apps with at least one ACL that maps to a role or prefix). */
  readonly apps: Map<string, App & { readonly livePrincipal: string; readonly mapped: boolean }>;
  /** Topic name → its producers and consumers (app ids). */
  readonly roles: Map<string, TopicRoles>;
  /** catalog/access.ts aclKey of each live ACL the catalog grants as it is: Terraform adopts them. */
  readonly adopted: string[];
}

export interface AccessInput {
  readonly acls: readonly AclBinding[];
  /** Imported topics. */
  readonly topics: ReadonlySet<string>;
  /** Is this resource name one this import is about (a selected domain's prefix)? */
  readonly inScope: (resourceName: string) => boolean;
  readonly appOf: (principal: string) => AppName | undefined;
}

/**
 * Group and transactional-id prefixes that are an app's own: the catalog's "<domain>.<app>." and
 * the earlier "<domain>.<app>" (clusters set up before the separator; the reconciler migrates
 * them, and the report says so through the comparison with the catalog's grants).
 */
function ownPrefix(name: string, app: AppName): boolean {
  return (
    name === appResourcePrefix(app.domain, app.app) || name === appPrincipal(app.domain, app.app)
  );
}

export function importAccess(input: AccessInput, report: Report): AccessImport {
  const apps: AccessImport['apps'] = new Map();
  const roles = new Map<string, TopicRoles>();
  const transactional = new Set<string>();
  /** Live ACLs that express a role, per app: compared with the catalog's grants below. */
  const live = new Map<string, { acl: AclBinding; grant: AclGrant }>();
  const notImported = (a: AclBinding, reason: string): void =>
    report.add('not-imported', `acl ${describeAcl(a)}`, reason);

  // Topic ACLs first: an app's group and transactional-id prefixes belong to this import when
  // the app has a role on an imported topic, whichever domain the app is in.
  const ordered = [...input.acls].sort(
    (x, y) => Number(x.resourceType !== 'TOPIC') - Number(y.resourceType !== 'TOPIC'),
  );
  for (const a of ordered) {
    const wildcardName = a.resourceName === '*';
    const appScoped = a.resourceType === 'GROUP' || a.resourceType === 'TRANSACTIONAL_ID';
    const appOfAcl = input.appOf(a.principal);
    const scoped =
      wildcardName ||
      input.inScope(a.resourceName) ||
      input.topics.has(a.resourceName) ||
      (appScoped && appOfAcl !== undefined && apps.has(idOf(appOfAcl)));
    if (!scoped) continue;
    if (a.permission === 'DENY') {
      notImported(a, 'DENY ACLs cannot be expressed: the catalog only grants access');
      continue;
    }
    if (a.principal === userPrincipal('*') || wildcardName) {
      notImported(a, 'wildcard ACL: the catalog grants named apps on named resources only');
      continue;
    }
    if (a.host !== GRANT.host) {
      notImported(a, 'host-restricted ACL: the catalog grants access from any host');
      continue;
    }
    const appName = appOfAcl;
    if (!appName) {
      notImported(
        a,
        `principal ${a.principal} has no app: add "<domain>/<app>": "${a.principal}" to the connection file's principals`,
      );
      continue;
    }
    const id = idOf(appName);
    const role = roleOf(a, appName, input.topics);
    if (typeof role === 'string') {
      notImported(a, role);
      continue;
    }
    if (!apps.has(id)) {
      apps.set(id, {
        id,
        domain: appName.domain,
        name: appName.app,
        description: '',
        transactional: false,
        principal: appPrincipal(appName.domain, appName.app),
        prefix: appResourcePrefix(appName.domain, appName.app),
        livePrincipal: a.principal,
        mapped: appName.mapped,
      });
    }
    const grant: AclGrant = {
      app: id,
      resourceType: a.resourceType as AclGrant['resourceType'],
      resourceName: a.resourceName,
      patternType: a.patternType as AclGrant['patternType'],
      operation: a.operation as AclGrant['operation'],
    };
    live.set(aclKey(grant), { acl: a, grant });
    if (role.topic !== undefined) {
      const r = roles.get(role.topic) ?? { producers: new Set(), consumers: new Set() };
      roles.set(role.topic, r);
      if (a.operation === 'WRITE') r.producers.add(id);
      if (a.operation === 'READ') r.consumers.add(id);
    } else if (a.resourceType === 'TRANSACTIONAL_ID' && a.operation === 'WRITE') {
      transactional.add(id);
    }
  }
  for (const id of transactional) {
    const app = apps.get(id);
    if (app) apps.set(id, { ...app, transactional: true });
  }

  // What the catalog grants for these roles, against what the cluster has.
  const expected = new Map<string, AclGrant>();
  for (const [topic, r] of roles) {
    for (const id of r.producers)
      for (const g of produceGrants(topic, apps.get(id) as App)) expected.set(aclKey(g), g);
    for (const id of r.consumers)
      for (const g of consumeGrants(topic, apps.get(id) as App)) expected.set(aclKey(g), g);
  }
  for (const [key, { acl }] of live) {
    if (!expected.has(key))
      report.add(
        'drift',
        `acl ${describeAcl(acl)}`,
        'the catalog does not grant it for the roles this app has (no READ or WRITE it belongs to, or another prefix): the first apply deletes it',
      );
  }
  for (const [key, g] of expected) {
    if (live.has(key)) continue;
    const app = apps.get(g.app);
    report.add(
      'drift',
      `acl ALLOW ${app?.livePrincipal ?? g.app} ${g.operation} ${g.resourceType}:${g.resourceName}${g.patternType === 'PREFIXED' ? '*' : ''}`,
      `the catalog grants it to ${g.app} for its role: the first apply adds it`,
    );
  }
  const adopted = [...live.keys()].filter((k) => expected.has(k)).sort();
  return { apps, roles, adopted };
}

/** The role an ACL expresses, or why it expresses none. */
function roleOf(
  a: AclBinding,
  app: AppName,
  topics: ReadonlySet<string>,
): { topic?: string } | string {
  switch (a.resourceType) {
    case 'TOPIC':
      if (a.patternType !== 'LITERAL')
        return 'prefixed topic ACL: the catalog grants each topic by its name';
      if (!topics.has(a.resourceName))
        return `topic ${a.resourceName} is not imported (see its own entry)`;
      if (!['READ', 'WRITE', 'DESCRIBE'].includes(a.operation))
        return `operation ${a.operation}: the catalog grants READ, WRITE and DESCRIBE only`;
      return { topic: a.resourceName };
    case 'GROUP':
    case 'TRANSACTIONAL_ID': {
      const what = a.resourceType === 'GROUP' ? 'consumer-group' : 'transactional-id';
      if (a.patternType !== 'PREFIXED' || !ownPrefix(a.resourceName, app))
        return `the catalog grants ${what} access only on the app's own prefix "${appResourcePrefix(app.domain, app.app)}"`;
      const ops = a.resourceType === 'GROUP' ? ['READ'] : ['WRITE', 'DESCRIBE'];
      if (!ops.includes(a.operation))
        return `operation ${a.operation} on a ${what} prefix: the catalog grants ${ops.join(' and ')} only`;
      return {};
    }
    default:
      return `${a.resourceType} ACL: the catalog grants topic, consumer-group and transactional-id access only`;
  }
}
