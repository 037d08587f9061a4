// The double's control plane: the Confluent Cloud API endpoints the stacks use (org/v2
// environments and organizations, cmk/v2 clusters, srcm/v3 schema registry clusters, iam/v2
// service accounts, API keys and role bindings), with the documented JSON shapes: ids of the
// documented forms, `metadata.self`/`resource_name`, `status.phase`, 404 for what does not exist.
// Every request needs the Cloud API key (Basic auth), as on Confluent Cloud.
import { userPrincipal } from '../../catalog/access';
import type { Action } from './access';
import { KNOWN_ROLES, crn } from './access';
import { HttpError, route } from './http';
import type { Request, Route } from './http';
import { newApiKey, newId, now } from './store';
import type {
  ApiKeyRecord,
  ClusterRecord,
  DoubleState,
  EnvironmentRecord,
  RegistryRecord,
  RoleBindingRecord,
  ServiceAccountRecord,
  Store,
} from './store';

export interface Endpoints {
  /** The double's own base URL (control plane, and the clusters' REST endpoint). */
  readonly base: string;
  /** The cluster's bootstrap address: the real local broker. */
  readonly bootstrap: string;
}

/** Where a registry's Confluent API is served (proxied to the real registry). */
export const registryPath = (lsrc: string): string => `/schema-registry/${lsrc}`;

const ID = '(?<id>[^/]+)';

export function controlPlaneRoutes(store: Store, endpoints: Endpoints): Route[] {
  const s = store.state;
  const changed = <T>(value: T): T => {
    store.save();
    return value;
  };
  const cloud = (req: Request): void => requireCloudKey(s, req);

  const environment = (e: EnvironmentRecord) => ({
    api_version: 'org/v2',
    kind: 'Environment',
    id: e.id,
    display_name: e.displayName,
    stream_governance_config: { package: e.streamGovernance },
    metadata: meta(`${endpoints.base}/org/v2/environments/${e.id}`, crn.environment(s, e.id), e),
  });
  const envRef = (id: string) => ({
    id,
    related: `${endpoints.base}/org/v2/environments/${id}`,
    resource_name: crn.environment(s, id),
  });
  const cluster = (c: ClusterRecord) => ({
    api_version: 'cmk/v2',
    kind: 'Cluster',
    id: c.id,
    metadata: meta(
      `${endpoints.base}/cmk/v2/clusters/${c.id}`,
      crn.kafka(s, c.environmentId, c.id),
      c,
    ),
    spec: {
      display_name: c.displayName,
      availability: c.availability,
      cloud: c.cloud,
      region: c.region,
      config: c.config,
      kafka_bootstrap_endpoint: `SASL_SSL://${endpoints.bootstrap}`,
      http_endpoint: endpoints.base,
      api_endpoint: endpoints.base,
      environment: envRef(c.environmentId),
    },
    status: {
      phase: 'PROVISIONED',
      ...(c.config.kind === 'Dedicated' ? { cku: c.config.cku ?? 1 } : {}),
    },
  });
  const registry = (r: RegistryRecord) => ({
    api_version: 'srcm/v3',
    kind: 'Cluster',
    id: r.id,
    metadata: meta(
      `${endpoints.base}/srcm/v3/clusters/${r.id}`,
      crn.registry(s, r.environmentId, r.id),
      { createdAt: r.createdAt, updatedAt: r.createdAt },
    ),
    spec: {
      display_name: 'Stream Governance Package',
      package: r.package,
      http_endpoint: `${endpoints.base}${registryPath(r.id)}`,
      private_http_endpoint: '',
      catalog_http_endpoint: `${endpoints.base}${registryPath(r.id)}`,
      cloud: r.cloud,
      region: r.region,
      environment: envRef(r.environmentId),
    },
    status: { phase: 'PROVISIONED' },
  });
  const account = (a: ServiceAccountRecord) => ({
    api_version: 'iam/v2',
    kind: 'ServiceAccount',
    id: a.id,
    display_name: a.displayName,
    description: a.description,
    metadata: meta(
      `${endpoints.base}/iam/v2/service-accounts/${a.id}`,
      crn.serviceAccount(s, a.id),
      a,
    ),
  });
  const apiKey = (k: ApiKeyRecord, withSecret: boolean) => {
    const resource = k.resourceId ? resourceOf(s, k.resourceId) : undefined;
    return {
      api_version: 'iam/v2',
      kind: 'ApiKey',
      id: k.id,
      spec: {
        display_name: k.displayName,
        description: k.description,
        ...(withSecret ? { secret: k.secret } : {}),
        owner: {
          id: k.ownerId,
          api_version: 'iam/v2',
          kind: 'ServiceAccount',
          related: `${endpoints.base}/iam/v2/service-accounts/${k.ownerId}`,
          resource_name: crn.serviceAccount(s, k.ownerId),
        },
        resource: resource
          ? {
              id: k.resourceId,
              api_version: resource.apiVersion,
              kind: 'Cluster',
              environment: resource.environmentId,
              related: '',
              resource_name: resource.crn,
            }
          : { id: 'cloud', api_version: '', kind: 'Cloud' },
      },
      metadata: meta(
        `${endpoints.base}/iam/v2/api-keys/${k.id}`,
        `${crn.organization(s)}/api-key=${k.id}`,
        k,
      ),
    };
  };
  const binding = (b: RoleBindingRecord) => ({
    api_version: 'iam/v2',
    kind: 'RoleBinding',
    id: b.id,
    principal: b.principal,
    role_name: b.roleName,
    crn_pattern: b.crnPattern,
    metadata: meta(`${endpoints.base}/iam/v2/role-bindings/${b.id}`, '', {
      createdAt: b.createdAt,
      updatedAt: b.createdAt,
    }),
  });
  const list = (apiVersion: string, kind: string, data: unknown[]) => ({
    api_version: apiVersion,
    kind: `${kind}List`,
    metadata: {},
    data,
  });

  return [
    // Organizations
    route('GET', /^\/org\/v2\/organizations$/, (req) => {
      cloud(req);
      return ok(list('org/v2', 'Organization', [organization(s, endpoints)]));
    }),
    route('GET', new RegExp(`^/org/v2/organizations/${ID}$`), (req) => {
      cloud(req);
      if (req.params.id !== s.organizationId) notFound(`organization ${req.params.id}`);
      return ok(organization(s, endpoints));
    }),

    // Environments
    route('GET', /^\/org\/v2\/environments$/, (req) => {
      cloud(req);
      return ok(list('org/v2', 'Environment', Object.values(s.environments).map(environment)));
    }),
    route('POST', /^\/org\/v2\/environments$/, (req) => {
      cloud(req);
      const b = object(req.body);
      const name = requiredString(b, 'display_name');
      const t = now();
      const e: EnvironmentRecord = {
        id: newId('env', 5),
        displayName: name,
        streamGovernance: governance(b) ?? 'ESSENTIALS',
        createdAt: t,
        updatedAt: t,
      };
      s.environments[e.id] = e;
      return changed({ status: 201, body: environment(e) });
    }),
    route('GET', new RegExp(`^/org/v2/environments/${ID}$`), (req) => {
      cloud(req);
      return ok(environment(find(s.environments, req.params.id, 'environment')));
    }),
    route('PATCH', new RegExp(`^/org/v2/environments/${ID}$`), (req) => {
      cloud(req);
      const e = find(s.environments, req.params.id, 'environment');
      const b = object(req.body);
      if (typeof b.display_name === 'string') e.displayName = b.display_name;
      e.streamGovernance = governance(b) ?? e.streamGovernance;
      e.updatedAt = now();
      return changed(ok(environment(e)));
    }),
    route('DELETE', new RegExp(`^/org/v2/environments/${ID}$`), (req) => {
      cloud(req);
      const e = find(s.environments, req.params.id, 'environment');
      if (Object.values(s.clusters).some((c) => c.environmentId === e.id)) {
        throw new HttpError(
          409,
          cloudError(409, `environment ${e.id} still has Kafka clusters: delete them first`),
        );
      }
      delete s.environments[e.id];
      for (const r of Object.values(s.registries)) {
        if (r.environmentId === e.id) delete s.registries[r.id];
      }
      return changed({ status: 204 });
    }),

    // Kafka clusters
    route('GET', /^\/cmk\/v2\/clusters$/, (req) => {
      cloud(req);
      const env = req.query.get('environment');
      if (!env)
        throw new HttpError(400, cloudError(400, 'the environment query parameter is required'));
      const data = Object.values(s.clusters).filter((c) => c.environmentId === env);
      return ok(list('cmk/v2', 'Cluster', data.map(cluster)));
    }),
    route('POST', /^\/cmk\/v2\/clusters$/, (req) => {
      cloud(req);
      const spec = object(object(req.body).spec);
      const environmentId = requiredString(object(spec.environment), 'id');
      find(s.environments, environmentId, 'environment');
      const config = object(spec.config);
      if (!['Basic', 'Standard', 'Dedicated', 'Enterprise'].includes(String(config.kind))) {
        throw new HttpError(400, cloudError(400, `unknown cluster kind ${String(config.kind)}`));
      }
      const t = now();
      const c: ClusterRecord = {
        id: newId('lkc'),
        environmentId,
        displayName: requiredString(spec, 'display_name'),
        availability: requiredString(spec, 'availability'),
        cloud: requiredString(spec, 'cloud'),
        region: requiredString(spec, 'region'),
        config,
        createdAt: t,
        updatedAt: t,
      };
      s.clusters[c.id] = c;
      // Stream Governance provisions the environment's registry with its first cluster.
      if (!Object.values(s.registries).some((r) => r.environmentId === environmentId)) {
        const r: RegistryRecord = {
          id: newId('lsrc'),
          environmentId,
          package: s.environments[environmentId]?.streamGovernance ?? 'ESSENTIALS',
          cloud: c.cloud,
          region: c.region,
          createdAt: t,
        };
        s.registries[r.id] = r;
      }
      return changed({ status: 202, body: cluster(c) });
    }),
    route('GET', new RegExp(`^/cmk/v2/clusters/${ID}$`), (req) => {
      cloud(req);
      return ok(cluster(inEnvironment(find(s.clusters, req.params.id, 'cluster'), req)));
    }),
    route('PATCH', new RegExp(`^/cmk/v2/clusters/${ID}$`), (req) => {
      cloud(req);
      const c = inEnvironment(find(s.clusters, req.params.id, 'cluster'), req);
      const spec = object(object(req.body).spec);
      if (typeof spec.display_name === 'string') c.displayName = spec.display_name;
      if (spec.config !== undefined) c.config = object(spec.config);
      c.updatedAt = now();
      return changed(ok(cluster(c)));
    }),
    route('DELETE', new RegExp(`^/cmk/v2/clusters/${ID}$`), (req) => {
      cloud(req);
      const c = inEnvironment(find(s.clusters, req.params.id, 'cluster'), req);
      delete s.clusters[c.id];
      return changed({ status: 204 });
    }),

    // Schema registry clusters (read-only: Stream Governance creates them)
    route('GET', /^\/srcm\/v3\/clusters$/, (req) => {
      cloud(req);
      const env = req.query.get('environment');
      const data = Object.values(s.registries).filter((r) => !env || r.environmentId === env);
      return ok(list('srcm/v3', 'Cluster', data.map(registry)));
    }),
    route('GET', new RegExp(`^/srcm/v3/clusters/${ID}$`), (req) => {
      cloud(req);
      return ok(registry(find(s.registries, req.params.id, 'schema registry cluster')));
    }),

    // Service accounts
    route('GET', /^\/iam\/v2\/service-accounts$/, (req) => {
      cloud(req);
      return ok(list('iam/v2', 'ServiceAccount', Object.values(s.serviceAccounts).map(account)));
    }),
    route('POST', /^\/iam\/v2\/service-accounts$/, (req) => {
      cloud(req);
      const b = object(req.body);
      const name = requiredString(b, 'display_name');
      if (Object.values(s.serviceAccounts).some((a) => a.displayName === name)) {
        throw new HttpError(409, cloudError(409, `Service name "${name}" is already in use`));
      }
      const t = now();
      const a: ServiceAccountRecord = {
        id: newId('sa'),
        displayName: name,
        description: typeof b.description === 'string' ? b.description : '',
        createdAt: t,
        updatedAt: t,
      };
      s.serviceAccounts[a.id] = a;
      return changed({ status: 201, body: account(a) });
    }),
    route('GET', new RegExp(`^/iam/v2/service-accounts/${ID}$`), (req) => {
      cloud(req);
      return ok(account(find(s.serviceAccounts, req.params.id, 'service account')));
    }),
    route('PATCH', new RegExp(`^/iam/v2/service-accounts/${ID}$`), (req) => {
      cloud(req);
      const a = find(s.serviceAccounts, req.params.id, 'service account');
      const b = object(req.body);
      if (typeof b.description === 'string') a.description = b.description;
      if (typeof b.display_name === 'string') a.displayName = b.display_name;
      a.updatedAt = now();
      return changed(ok(account(a)));
    }),
    route('DELETE', new RegExp(`^/iam/v2/service-accounts/${ID}$`), (req) => {
      cloud(req);
      const a = find(s.serviceAccounts, req.params.id, 'service account');
      delete s.serviceAccounts[a.id];
      // Confluent deletes an account's keys and role bindings with it.
      for (const k of Object.values(s.apiKeys)) if (k.ownerId === a.id) delete s.apiKeys[k.id];
      for (const b of Object.values(s.roleBindings)) {
        if (b.principal === userPrincipal(a.id)) delete s.roleBindings[b.id];
      }
      return changed({ status: 204 });
    }),

    // API keys
    route('POST', /^\/iam\/v2\/api-keys$/, (req) => {
      cloud(req);
      const spec = object(object(req.body).spec);
      const ownerId = requiredString(object(spec.owner), 'id');
      find(s.serviceAccounts, ownerId, 'service account');
      const resourceId =
        spec.resource === undefined ? undefined : requiredString(object(spec.resource), 'id');
      if (resourceId !== undefined && !resourceOf(s, resourceId))
        notFound(`resource ${resourceId}`);
      const t = now();
      const k: ApiKeyRecord = {
        ...newApiKey(),
        displayName: typeof spec.display_name === 'string' ? spec.display_name : '',
        description: typeof spec.description === 'string' ? spec.description : '',
        ownerId,
        ...(resourceId !== undefined ? { resourceId } : {}),
        createdAt: t,
        updatedAt: t,
      };
      s.apiKeys[k.id] = k;
      return changed({ status: 202, body: apiKey(k, true) });
    }),
    route('GET', new RegExp(`^/iam/v2/api-keys/${ID}$`), (req) => {
      cloud(req);
      return ok(apiKey(find(s.apiKeys, req.params.id, 'API key'), false));
    }),
    route('PATCH', new RegExp(`^/iam/v2/api-keys/${ID}$`), (req) => {
      cloud(req);
      const k = find(s.apiKeys, req.params.id, 'API key');
      const spec = object(object(req.body).spec);
      if (typeof spec.display_name === 'string') k.displayName = spec.display_name;
      if (typeof spec.description === 'string') k.description = spec.description;
      k.updatedAt = now();
      return changed(ok(apiKey(k, false)));
    }),
    route('DELETE', new RegExp(`^/iam/v2/api-keys/${ID}$`), (req) => {
      cloud(req);
      const k = find(s.apiKeys, req.params.id, 'API key');
      delete s.apiKeys[k.id];
      return changed({ status: 204 });
    }),

    // Role bindings
    route('GET', /^\/iam\/v2\/role-bindings$/, (req) => {
      cloud(req);
      const principal = req.query.get('principal');
      const role = req.query.get('role_name');
      const pattern = req.query.get('crn_pattern');
      const data = Object.values(s.roleBindings).filter(
        (b) =>
          (!principal || b.principal === principal) &&
          (!role || b.roleName === role) &&
          (!pattern || b.crnPattern.startsWith(pattern)),
      );
      return ok(list('iam/v2', 'RoleBinding', data.map(binding)));
    }),
    route('POST', /^\/iam\/v2\/role-bindings$/, (req) => {
      cloud(req);
      const b = object(req.body);
      const principal = requiredString(b, 'principal');
      const roleName = requiredString(b, 'role_name');
      const crnPattern = requiredString(b, 'crn_pattern');
      if (!KNOWN_ROLES.includes(roleName)) {
        throw new HttpError(400, cloudError(400, `unknown role "${roleName}"`));
      }
      const account = /^User:(sa-[a-z0-9]+)$/.exec(principal)?.[1];
      if (!account || !s.serviceAccounts[account]) {
        throw new HttpError(400, cloudError(400, `principal ${principal} does not exist`));
      }
      const org = crn.organization(s);
      if (crnPattern !== org && !crnPattern.startsWith(`${org}/`)) {
        throw new HttpError(
          400,
          cloudError(400, `crn_pattern ${crnPattern} is not in this organization`),
        );
      }
      const existing = Object.values(s.roleBindings).find(
        (r) => r.principal === principal && r.roleName === roleName && r.crnPattern === crnPattern,
      );
      if (existing) return ok(binding(existing));
      const r: RoleBindingRecord = {
        id: newId('rb', 5),
        principal,
        roleName,
        crnPattern,
        createdAt: now(),
      };
      s.roleBindings[r.id] = r;
      return changed({ status: 201, body: binding(r) });
    }),
    route('GET', new RegExp(`^/iam/v2/role-bindings/${ID}$`), (req) => {
      cloud(req);
      return ok(binding(find(s.roleBindings, req.params.id, 'role binding')));
    }),
    route('DELETE', new RegExp(`^/iam/v2/role-bindings/${ID}$`), (req) => {
      cloud(req);
      const b = find(s.roleBindings, req.params.id, 'role binding');
      delete s.roleBindings[b.id];
      return changed({ status: 204 });
    }),
  ];
}

/** The API key of a data-plane request, if it is a key for `resourceId`; otherwise 401. */
export function requireResourceKey(s: DoubleState, req: Request, resourceId: string): ApiKeyRecord {
  const key = req.basic ? s.apiKeys[req.basic.user] : undefined;
  if (!key || key.secret !== req.basic?.password || key.resourceId !== resourceId) {
    throw new HttpError(401, { error_code: 401, message: 'Unauthorized' });
  }
  return key;
}

/** 403 unless the key's owner holds a role that allows `action` on `resourceCrn`. */
export function forbidden(message: string, action: Action): HttpError {
  return new HttpError(403, {
    error_code: 40301,
    message: `${message} (${action}): the API key's service account has no role binding that allows it`,
  });
}

function requireCloudKey(s: DoubleState, req: Request): void {
  const key = req.basic ? s.apiKeys[req.basic.user] : undefined;
  if (!key || key.secret !== req.basic?.password || key.resourceId !== undefined) {
    throw new HttpError(401, cloudError(401, 'Unauthorized: a Cloud API key is required'));
  }
}

function resourceOf(
  s: DoubleState,
  id: string,
): { apiVersion: string; environmentId: string; crn: string } | undefined {
  const c = s.clusters[id];
  if (c)
    return {
      apiVersion: 'cmk/v2',
      environmentId: c.environmentId,
      crn: crn.kafka(s, c.environmentId, c.id),
    };
  const r = s.registries[id];
  if (r) {
    return {
      apiVersion: 'srcm/v3',
      environmentId: r.environmentId,
      crn: crn.registry(s, r.environmentId, r.id),
    };
  }
  return undefined;
}

function organization(s: DoubleState, endpoints: Endpoints) {
  return {
    api_version: 'org/v2',
    kind: 'Organization',
    id: s.organizationId,
    display_name: 'streamplane-double',
    metadata: meta(
      `${endpoints.base}/org/v2/organizations/${s.organizationId}`,
      crn.organization(s),
      {
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      },
    ),
  };
}

function meta(
  self: string,
  resourceName: string,
  times: { createdAt: string; updatedAt?: string },
) {
  return {
    self,
    resource_name: resourceName,
    created_at: times.createdAt,
    updated_at: times.updatedAt ?? times.createdAt,
  };
}

function inEnvironment(c: ClusterRecord, req: Request): ClusterRecord {
  const env = req.query.get('environment');
  if (env && env !== c.environmentId) notFound(`cluster ${c.id} in environment ${env}`);
  return c;
}

function governance(b: Record<string, unknown>): string | undefined {
  const g = b.stream_governance_config;
  if (g === undefined || g === null) return undefined;
  const p = object(g).package;
  return typeof p === 'string' && p !== '' ? p : undefined;
}

const ok = (body: unknown) => ({ status: 200, body });

export function cloudError(status: number, detail: string) {
  return { errors: [{ status: String(status), detail }] };
}

function notFound(what: string): never {
  throw new HttpError(404, cloudError(404, `${what} was not found`));
}

function find<T>(table: Record<string, T>, id: string | undefined, what: string): T {
  const found = id === undefined ? undefined : table[id];
  if (found === undefined) notFound(`${what} ${id ?? ''}`.trim());
  return found;
}

export function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, cloudError(400, 'expected a JSON object'));
  }
  return value as Record<string, unknown>;
}

export function requiredString(b: Record<string, unknown>, key: string): string {
  const v = b[key];
  if (typeof v !== 'string' || v === '') {
    throw new HttpError(400, cloudError(400, `"${key}" is required`));
  }
  return v;
}
