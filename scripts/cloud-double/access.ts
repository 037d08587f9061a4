// Who may do what on the double's data plane: Confluent Cloud's RBAC, reduced to the roles the
// stacks bind. A data-plane request carries a resource API key; its owner's role bindings decide.
// A binding on a CRN covers that resource and everything under it; a pattern ending in `*`
// covers every name with that prefix (as Confluent documents crn_pattern).
import { userPrincipal } from '../../catalog/access';
import type { DoubleState } from './store';

/** What a request does to a Kafka or registry resource. */
export type Action =
  'topic:read' | 'topic:manage' | 'acl:read' | 'acl:manage' | 'subject:read' | 'subject:write';

const ALL: readonly Action[] = [
  'topic:read',
  'topic:manage',
  'acl:read',
  'acl:manage',
  'subject:read',
  'subject:write',
];

/**
 * The actions each role allows. Creating or deleting ACLs needs ALTER on the cluster, which only
 * the administrator roles hold: a ResourceOwner of `orders.*` manages its topics and subjects but
 * cannot grant access to them with ACLs.
 */
const ROLES: Readonly<Record<string, readonly Action[]>> = {
  OrganizationAdmin: ALL,
  EnvironmentAdmin: ALL,
  CloudClusterAdmin: ALL,
  ResourceOwner: ['topic:read', 'topic:manage', 'subject:read', 'subject:write'],
  DeveloperManage: ['topic:read', 'topic:manage', 'subject:read', 'subject:write'],
  DeveloperWrite: ['topic:read', 'subject:read', 'subject:write'],
  DeveloperRead: ['topic:read', 'subject:read'],
  Operator: ['topic:read', 'acl:read'],
};

export const KNOWN_ROLES: readonly string[] = Object.keys(ROLES);

/** Whether a binding's CRN pattern covers a resource's CRN. */
export function covers(pattern: string, crn: string): boolean {
  if (pattern.endsWith('*')) return crn.startsWith(pattern.slice(0, -1));
  return crn === pattern || crn.startsWith(`${pattern}/`);
}

/** Whether the service account may perform `action` on the resource named by `crn`. */
export function allowed(
  state: DoubleState,
  accountId: string,
  action: Action,
  crn: string,
): boolean {
  const principal = userPrincipal(accountId);
  for (const b of Object.values(state.roleBindings)) {
    if (b.principal !== principal) continue;
    if (!(ROLES[b.roleName] ?? []).includes(action)) continue;
    if (covers(b.crnPattern, crn)) return true;
  }
  return false;
}

/** CRNs as the double names them (the shapes of Confluent's `resource_name`). */
export const crn = {
  organization: (s: DoubleState): string =>
    `crn://confluent.cloud/organization=${s.organizationId}`,
  environment: (s: DoubleState, env: string): string => `${crn.organization(s)}/environment=${env}`,
  cluster: (s: DoubleState, env: string, lkc: string): string =>
    `${crn.environment(s, env)}/cloud-cluster=${lkc}`,
  kafka: (s: DoubleState, env: string, lkc: string): string =>
    `${crn.cluster(s, env, lkc)}/kafka=${lkc}`,
  registry: (s: DoubleState, env: string, lsrc: string): string =>
    `${crn.environment(s, env)}/schema-registry=${lsrc}`,
  serviceAccount: (s: DoubleState, sa: string): string =>
    `${crn.organization(s)}/service-account=${sa}`,
};
