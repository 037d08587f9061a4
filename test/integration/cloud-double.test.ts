// The Confluent Cloud double, spoken to over HTTP exactly as terraform-provider-confluent does
// (Basic auth, JSON bodies): its control plane, its Kafka REST v3 on the real local broker and its
// schema registry API on the real local registry, with Confluent's RBAC deciding every data-plane
// call. What the double creates is checked in the real broker and registry.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';
import type { Admin } from 'kafkajs';
import { startCloudDouble } from '../../scripts/cloud-double/server';
import type { CloudDouble, CloudDoubleOptions } from '../../scripts/cloud-double/server';
import { ADMIN_USER, saslFor } from '../../scripts/local/stack';
import { adminKafka, credentials, localStack, topicPrefix } from '../support/local';

const prefix = topicPrefix(__filename);
/** What the test's ResourceOwner owns (topics and subjects). */
const OWNED = `${prefix}owned.`;
/** The test's names outside that prefix. */
const OTHER = `${prefix}other.`;

interface Credential {
  readonly key: string;
  readonly secret: string;
}

interface Reply<T> {
  readonly status: number;
  readonly body: T;
  readonly contentType: string | null;
}

interface CloudErrors {
  errors?: { status?: string; detail?: string }[];
}
interface KafkaRestError {
  error_code?: number;
  message?: string;
}
interface Meta {
  self: string;
  resource_name: string;
  next?: string;
}
interface Environment {
  id: string;
  display_name: string;
  metadata: Meta;
}
interface Cluster {
  id: string;
  metadata: Meta;
  spec: { config: { kind: string }; http_endpoint: string; environment: { id: string } };
  status: { phase: string };
}
interface Registry {
  id: string;
  metadata: Meta;
  spec: { http_endpoint: string; package: string; environment: { id: string } };
  status: { phase: string };
}
interface ApiKey {
  id: string;
  spec: {
    secret?: string;
    owner: { id: string; api_version: string; kind: string };
    resource: { id: string; api_version: string; kind: string };
  };
}
interface RoleBinding {
  id: string;
  principal: string;
  role_name: string;
  crn_pattern: string;
}
interface List<T> {
  kind: string;
  metadata: { next?: string | null };
  data: T[];
}
interface Topic {
  topic_name: string;
  partitions_count: number;
}
interface TopicConfig {
  name: string;
  value: string;
  source: string;
}
interface Acl {
  resource_type: string;
  resource_name: string;
  pattern_type: string;
  principal: string;
  host: string;
  operation: string;
  permission: string;
}
interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

let double: CloudDouble;
let admin: Admin;

const doubleOptions = (stateFile?: string): CloudDoubleOptions => ({
  port: 0,
  ...(stateFile ? { stateFile } : {}),
  kafka: { brokers: [localStack().bootstrap], sasl: saslFor(credentials(), ADMIN_USER) },
  registryUrl: localStack().registryUrl,
});

/** One HTTP call as the provider makes it: Basic auth, JSON in and out. */
async function call<T = unknown>(
  method: string,
  url: string,
  auth?: Credential,
  body?: unknown,
): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (auth) {
    headers.Authorization = `Basic ${Buffer.from(`${auth.key}:${auth.secret}`).toString('base64')}`;
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
    contentType: res.headers.get('content-type'),
  };
}

/** A control-plane call with the organization's Cloud API key. */
const cloud = <T = unknown>(method: string, path: string, body?: unknown) =>
  call<T>(method, `${double.url}${path}`, double.cloudApiKey, body);

const wrong = (c: Credential): Credential => ({ key: c.key, secret: `${c.secret}x` });

function expectCloudError(reply: Reply<unknown>, status: number): void {
  expect(reply.status).toBe(status);
  expect(reply.contentType).toMatch(/json/);
  const errors = (reply.body as CloudErrors).errors;
  expect(Array.isArray(errors) && errors.length > 0).toBe(true);
  expect(typeof errors?.[0]?.detail).toBe('string');
}

async function created<T>(reply: Promise<Reply<T>>, status: number): Promise<T> {
  const r = await reply;
  if (r.status !== status)
    throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const unique = (name: string): string => `${name}-${prefix.split('.')[2] ?? ''}`;

const newEnvironment = (name: string) =>
  created(
    cloud<Environment>('POST', '/org/v2/environments', {
      display_name: unique(name),
      stream_governance_config: { package: 'ESSENTIALS' },
    }),
    201,
  );

const newCluster = (env: string, name: string) =>
  created(
    cloud<Cluster>('POST', '/cmk/v2/clusters', {
      spec: {
        display_name: unique(name),
        availability: 'SINGLE_ZONE',
        cloud: 'AWS',
        region: 'us-east-1',
        config: { kind: 'Basic' },
        environment: { id: env, related: '', resource_name: '' },
      },
    }),
    202,
  );

const registriesOf = async (env: string): Promise<Registry[]> =>
  (
    await created(
      cloud<List<Registry>>('GET', `/srcm/v3/clusters?environment=${env}&page_size=99`),
      200,
    )
  ).data;

const newAccount = (name: string) =>
  created(
    cloud<{ id: string }>('POST', '/iam/v2/service-accounts', {
      display_name: unique(name),
      description: 'cloud-double test',
    }),
    201,
  );

async function newKey(owner: string, resource: string): Promise<Credential & { body: ApiKey }> {
  const body = await created(
    cloud<ApiKey>('POST', '/iam/v2/api-keys', {
      spec: {
        display_name: `${owner}-${resource}`,
        description: 'cloud-double test',
        owner: { id: owner, kind: 'ServiceAccount', related: '', resource_name: '' },
        resource: { id: resource, kind: 'Cluster', related: '', resource_name: '' },
      },
    }),
    202,
  );
  return { key: body.id, secret: body.spec.secret ?? '', body };
}

const bind = (account: string, role: string, crnPattern: string) =>
  created(
    cloud<RoleBinding>('POST', '/iam/v2/role-bindings', {
      principal: `User:${account}`,
      role_name: role,
      crn_pattern: crnPattern,
    }),
    201,
  );

/** The provider's rbac_crn: the cluster's resource_name cut at the last `/kafka=`. */
const rbacCrn = (c: Cluster): string =>
  c.metadata.resource_name.slice(0, c.metadata.resource_name.lastIndexOf('/kafka='));

// Two environments, each with a cluster (and so a registry), shared by every test below.
let orgCrn: string;
let envA: Environment;
let envB: Environment;
let clusterA: Cluster;
let clusterB: Cluster;
let registryA: Registry;
let registryB: Registry;

beforeAll(async () => {
  double = await startCloudDouble(doubleOptions());
  admin = adminKafka().admin();
  await admin.connect();
  envA = await newEnvironment('env-a');
  envB = await newEnvironment('env-b');
  clusterA = await newCluster(envA.id, 'kafka-a');
  clusterB = await newCluster(envB.id, 'kafka-b');
  [registryA] = (await registriesOf(envA.id)) as [Registry];
  [registryB] = (await registriesOf(envB.id)) as [Registry];
  orgCrn = envA.metadata.resource_name.slice(
    0,
    envA.metadata.resource_name.indexOf('/environment='),
  );
}, 60_000);

afterAll(async () => {
  // The data plane is the shared, long-lived stack: remove every topic, ACL and subject of this run.
  if (admin) {
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    const acls = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const filters = acls.resources
      .filter((r) => r.resourceName.startsWith(prefix))
      .flatMap((r) =>
        r.acls.map((a) => ({
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          resourcePatternType: r.resourcePatternType,
          principal: a.principal,
          host: a.host,
          operation: a.operation,
          permissionType: a.permissionType,
        })),
      );
    if (filters.length > 0) await admin.deleteAcls({ filters });
    await admin.disconnect();
  }
  const registry = localStack().registryUrl;
  const subjects = (await (await fetch(`${registry}/subjects`)).json()) as string[];
  for (const s of subjects.filter((x) => x.startsWith(prefix))) {
    const name = encodeURIComponent(s);
    await fetch(`${registry}/subjects/${name}`, { method: 'DELETE' });
    await fetch(`${registry}/subjects/${name}?permanent=true`, { method: 'DELETE' });
  }
  await double?.close();
}, 60_000);

describe('control plane', () => {
  it('answers 401 without the Cloud API key, with a wrong secret, or with a Kafka API key', async () => {
    const account = await newAccount('sa-auth');
    const kafkaKey = await newKey(account.id, clusterA.id);
    const path = `${double.url}/org/v2/environments`;
    expectCloudError(await call('GET', path), 401);
    expectCloudError(await call('GET', path, wrong(double.cloudApiKey)), 401);
    expectCloudError(await call('GET', path, { key: 'NOSUCHKEY', secret: 'x' }), 401);
    expectCloudError(await call('GET', path, kafkaKey), 401);
    expectCloudError(await call('POST', path, kafkaKey, { display_name: 'x' }), 401);
    expect((await cloud('GET', '/org/v2/environments')).status).toBe(200);
  });

  it('answers 404 with an errors array for what does not exist', async () => {
    expectCloudError(await cloud('GET', '/org/v2/environments/env-nope0'), 404);
    expectCloudError(await cloud('GET', `/cmk/v2/clusters/lkc-nope00?environment=${envA.id}`), 404);
    // A cluster asked for in another environment does not exist there.
    expectCloudError(
      await cloud('GET', `/cmk/v2/clusters/${clusterA.id}?environment=${envB.id}`),
      404,
    );
    expectCloudError(await cloud('GET', '/srcm/v3/clusters/lsrc-nope00'), 404);
    expectCloudError(await cloud('GET', '/iam/v2/service-accounts/sa-nope00'), 404);
    expectCloudError(await cloud('GET', '/iam/v2/api-keys/NOSUCHKEY0000000'), 404);
    expectCloudError(await cloud('GET', '/iam/v2/role-bindings/rb-nope0'), 404);
    expectCloudError(await cloud('DELETE', '/iam/v2/service-accounts/sa-nope00'), 404);
    expectCloudError(
      await cloud('POST', '/cmk/v2/clusters', {
        spec: {
          display_name: 'x',
          availability: 'SINGLE_ZONE',
          cloud: 'AWS',
          region: 'us-east-1',
          config: { kind: 'Basic' },
          environment: { id: 'env-nope0' },
        },
      }),
      404,
    );
    expectCloudError(
      await cloud('POST', '/iam/v2/api-keys', {
        spec: { owner: { id: 'sa-nope00' }, resource: { id: clusterA.id } },
      }),
      404,
    );
  });

  it("gives ids and CRNs Confluent's shapes", async () => {
    expect(orgCrn).toMatch(
      /^crn:\/\/confluent\.cloud\/organization=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(envA.id).toMatch(/^env-[a-z0-9]+$/);
    expect(envA.metadata.resource_name).toBe(`${orgCrn}/environment=${envA.id}`);
    expect(clusterA.id).toMatch(/^lkc-[a-z0-9]+$/);
    expect(clusterA.metadata.resource_name).toBe(
      `${orgCrn}/environment=${envA.id}/cloud-cluster=${clusterA.id}/kafka=${clusterA.id}`,
    );
    expect(rbacCrn(clusterA)).toBe(`${orgCrn}/environment=${envA.id}/cloud-cluster=${clusterA.id}`);
    expect(registryA.id).toMatch(/^lsrc-[a-z0-9]+$/);
    expect(registryA.metadata.resource_name).toBe(
      `${orgCrn}/environment=${envA.id}/schema-registry=${registryA.id}`,
    );
    const account = await newAccount('sa-shapes');
    expect(account.id).toMatch(/^sa-[a-z0-9]+$/);
    const rb = await bind(account.id, 'CloudClusterAdmin', rbacCrn(clusterA));
    expect(rb.id).toMatch(/^rb-[a-z0-9]+$/);
    expect(rb).toMatchObject({
      principal: `User:${account.id}`,
      role_name: 'CloudClusterAdmin',
      crn_pattern: rbacCrn(clusterA),
    });
    const key = await newKey(account.id, clusterA.id);
    expect(key.key).toMatch(/^[A-Z0-9]{16}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9+/]{64}$/);

    // What the provider waits on and reads back after a create.
    const got = await created(
      cloud<Cluster>('GET', `/cmk/v2/clusters/${clusterA.id}?environment=${envA.id}`),
      200,
    );
    expect(got.status.phase).toBe('PROVISIONED');
    expect(got.spec.config.kind).toBe('Basic');
    expect(got.spec.http_endpoint).toBe(double.url);
    expect(got.spec.environment.id).toBe(envA.id);
    // data confluent_organization: the first environment's resource_name names the organization.
    const envs = await created(cloud<List<Environment>>('GET', '/org/v2/environments'), 200);
    expect(envs.data.map((e) => e.id)).toEqual(expect.arrayContaining([envA.id, envB.id]));
    expect(envs.data[0]?.metadata.resource_name.startsWith(`${orgCrn}/environment=`)).toBe(true);
  });

  it("provisions the environment's schema registry with its first cluster, and only one", async () => {
    const env = await newEnvironment('env-sr');
    const before = await created(
      cloud<List<Registry>>('GET', `/srcm/v3/clusters?environment=${env.id}&page_size=99`),
      200,
    );
    expect(before.data).toEqual([]);
    const first = await newCluster(env.id, 'kafka-sr-1');
    const afterFirst = await registriesOf(env.id);
    expect(afterFirst).toHaveLength(1);
    const [r] = afterFirst as [Registry];
    expect(r.status.phase).toBe('PROVISIONED');
    expect(r.spec.environment.id).toBe(env.id);
    expect(r.spec.package).toBe('ESSENTIALS');
    expect(r.spec.http_endpoint).toBe(`${double.url}/schema-registry/${r.id}`);
    const second = await newCluster(env.id, 'kafka-sr-2');
    expect((await registriesOf(env.id)).map((x) => x.id)).toEqual([r.id]);
    // The provider panics on `"next": null`: the last page has no next, or an empty one.
    const list = await created(
      cloud<List<Registry>>('GET', `/srcm/v3/clusters?environment=${env.id}&page_size=99`),
      200,
    );
    expect(list.metadata.next ?? '').toBe('');
    expect((await cloud('GET', `/srcm/v3/clusters/${r.id}?environment=${env.id}`)).status).toBe(
      200,
    );

    // Deleting: clusters first (the environment refuses while it has some), then the environment.
    expectCloudError(await cloud('DELETE', `/org/v2/environments/${env.id}`), 409);
    for (const c of [first, second]) {
      expect((await cloud('DELETE', `/cmk/v2/clusters/${c.id}?environment=${env.id}`)).status).toBe(
        204,
      );
      expectCloudError(await cloud('GET', `/cmk/v2/clusters/${c.id}?environment=${env.id}`), 404);
    }
    expect((await cloud('DELETE', `/org/v2/environments/${env.id}`)).status).toBe(204);
    expectCloudError(await cloud('GET', `/org/v2/environments/${env.id}`), 404);
    expectCloudError(await cloud('GET', `/srcm/v3/clusters/${r.id}`), 404);
  });

  it('returns an API key secret when it creates the key, never when it reads it', async () => {
    const account = await newAccount('sa-keys');
    const kafkaKey = await newKey(account.id, clusterA.id);
    expect(kafkaKey.secret).not.toBe('');
    expect(kafkaKey.body.spec.owner).toMatchObject({
      id: account.id,
      api_version: 'iam/v2',
      kind: 'ServiceAccount',
    });
    // The provider's post-create wait is chosen by the resource's kind and api_version.
    expect(kafkaKey.body.spec.resource).toMatchObject({
      id: clusterA.id,
      api_version: 'cmk/v2',
      kind: 'Cluster',
    });
    const srKey = await newKey(account.id, registryA.id);
    expect(srKey.body.spec.resource).toMatchObject({
      id: registryA.id,
      api_version: 'srcm/v3',
      kind: 'Cluster',
    });

    const read = await created(cloud<ApiKey>('GET', `/iam/v2/api-keys/${kafkaKey.key}`), 200);
    expect(read.id).toBe(kafkaKey.key);
    expect(read.spec).not.toHaveProperty('secret');
    expect(JSON.stringify(read)).not.toContain(kafkaKey.secret);
    expect(read.spec.resource).toMatchObject({ id: clusterA.id, api_version: 'cmk/v2' });
    const patched = await created(
      cloud<ApiKey>('PATCH', `/iam/v2/api-keys/${kafkaKey.key}`, {
        spec: { display_name: 'renamed' },
      }),
      200,
    );
    expect(patched.spec).not.toHaveProperty('secret');

    // The Kafka key sync probe: the new key lists the cluster's topics (200), right away.
    expect(
      (await call('GET', `${double.url}/kafka/v3/clusters/${clusterA.id}/topics`, kafkaKey)).status,
    ).toBe(200);
    expect((await cloud('DELETE', `/iam/v2/api-keys/${kafkaKey.key}`)).status).toBe(204);
    expectCloudError(await cloud('GET', `/iam/v2/api-keys/${kafkaKey.key}`), 404);
    expect(
      (await call('GET', `${double.url}/kafka/v3/clusters/${clusterA.id}/topics`, kafkaKey)).status,
    ).toBe(401);
  });

  it("deletes a service account's API keys and role bindings with it", async () => {
    const account = await newAccount('sa-gone');
    const key = await newKey(account.id, clusterA.id);
    const srKey = await newKey(account.id, registryA.id);
    const rb = await bind(
      account.id,
      'ResourceOwner',
      `${clusterA.metadata.resource_name}/topic=${OWNED}*`,
    );
    const other = await newAccount('sa-stays');
    const otherKey = await newKey(other.id, clusterA.id);
    const otherRb = await bind(
      other.id,
      'DeveloperRead',
      `${clusterA.metadata.resource_name}/topic=${OWNED}*`,
    );
    const topics = `${double.url}/kafka/v3/clusters/${clusterA.id}/topics`;
    expect((await call('GET', topics, key)).status).toBe(200);

    expect((await cloud('DELETE', `/iam/v2/service-accounts/${account.id}`)).status).toBe(204);
    expectCloudError(await cloud('GET', `/iam/v2/service-accounts/${account.id}`), 404);
    expectCloudError(await cloud('GET', `/iam/v2/api-keys/${key.key}`), 404);
    expectCloudError(await cloud('GET', `/iam/v2/api-keys/${srKey.key}`), 404);
    expectCloudError(await cloud('GET', `/iam/v2/role-bindings/${rb.id}`), 404);
    const left = await created(
      cloud<List<RoleBinding>>(
        'GET',
        `/iam/v2/role-bindings?principal=${encodeURIComponent(`User:${account.id}`)}`,
      ),
      200,
    );
    expect(left.data).toEqual([]);
    expect((await call('GET', topics, key)).status).toBe(401);
    // Another account's keys and bindings are untouched.
    expect((await cloud('GET', `/iam/v2/api-keys/${otherKey.key}`)).status).toBe(200);
    expect((await cloud('GET', `/iam/v2/role-bindings/${otherRb.id}`)).status).toBe(200);
    expect((await call('GET', topics, otherKey)).status).toBe(200);
  });

  it('refuses a role binding for an unknown principal, an unknown role or a CRN outside the organization', async () => {
    const account = await newAccount('sa-rb');
    const good = rbacCrn(clusterA);
    const post = (principal: string, role: string, crnPattern: string) =>
      cloud('POST', '/iam/v2/role-bindings', {
        principal,
        role_name: role,
        crn_pattern: crnPattern,
      });
    expectCloudError(await post('User:sa-nope00', 'CloudClusterAdmin', good), 400);
    expectCloudError(await post(`User:${account.id}`, 'NoSuchRole', good), 400);
    const elsewhere = 'crn://confluent.cloud/organization=00000000-0000-0000-0000-000000000000';
    expectCloudError(
      await post(`User:${account.id}`, 'CloudClusterAdmin', `${elsewhere}/environment=${envA.id}`),
      400,
    );
    // An organization whose id merely starts with ours is another organization.
    expectCloudError(
      await post(`User:${account.id}`, 'CloudClusterAdmin', `${orgCrn}0/environment=${envA.id}`),
      400,
    );
    expectCloudError(await post(`User:${account.id}`, 'CloudClusterAdmin', ''), 400);
    const none = await created(
      cloud<List<RoleBinding>>(
        'GET',
        `/iam/v2/role-bindings?principal=${encodeURIComponent(`User:${account.id}`)}`,
      ),
      200,
    );
    expect(none.data).toEqual([]);
    const rb = await bind(account.id, 'CloudClusterAdmin', good);
    expect((await cloud('DELETE', `/iam/v2/role-bindings/${rb.id}`)).status).toBe(204);
    expectCloudError(await cloud('DELETE', `/iam/v2/role-bindings/${rb.id}`), 404);
  });

  it('keeps its ids and keys across a restart on the same state file, which only its owner reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamplane-cloud-double-state-'));
    const file = join(dir, 'state.json');
    try {
      const first = await startCloudDouble(doubleOptions(file));
      let ids: { env: string; cluster: string; registry: string; account: string; rb: string };
      let kafkaKey: Credential;
      let cloudKey: Credential;
      try {
        cloudKey = first.cloudApiKey;
        const as = <T>(method: string, path: string, body?: unknown) =>
          call<T>(method, `${first.url}${path}`, cloudKey, body);
        const env = await created(
          as<Environment>('POST', '/org/v2/environments', { display_name: unique('persisted') }),
          201,
        );
        const c = await created(
          as<Cluster>('POST', '/cmk/v2/clusters', {
            spec: {
              display_name: 'persisted',
              availability: 'SINGLE_ZONE',
              cloud: 'AWS',
              region: 'us-east-1',
              config: { kind: 'Dedicated', cku: 2 },
              environment: { id: env.id },
            },
          }),
          202,
        );
        const sa = await created(
          as<{ id: string }>('POST', '/iam/v2/service-accounts', { display_name: 'p' }),
          201,
        );
        const k = await created(
          as<ApiKey>('POST', '/iam/v2/api-keys', {
            spec: { owner: { id: sa.id }, resource: { id: c.id } },
          }),
          202,
        );
        kafkaKey = { key: k.id, secret: k.spec.secret ?? '' };
        const rb = await created(
          as<RoleBinding>('POST', '/iam/v2/role-bindings', {
            principal: `User:${sa.id}`,
            role_name: 'CloudClusterAdmin',
            crn_pattern: rbacCrn(c),
          }),
          201,
        );
        const [r] = (
          await created(as<List<Registry>>('GET', `/srcm/v3/clusters?environment=${env.id}`), 200)
        ).data as [Registry];
        ids = { env: env.id, cluster: c.id, registry: r.id, account: sa.id, rb: rb.id };
      } finally {
        await first.close();
      }
      // It holds API secrets.
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const second = await startCloudDouble(doubleOptions(file));
      try {
        expect(second.cloudApiKey).toEqual(cloudKey);
        expect(second.store.state.organizationId).toBe(first.store.state.organizationId);
        const as = <T>(path: string) => call<T>('GET', `${second.url}${path}`, cloudKey);
        expect((await as<Environment>(`/org/v2/environments/${ids.env}`)).body.display_name).toBe(
          unique('persisted'),
        );
        const c = await as<Cluster & { status: { cku?: number } }>(
          `/cmk/v2/clusters/${ids.cluster}?environment=${ids.env}`,
        );
        expect(c.status).toBe(200);
        expect(c.body.status.cku).toBe(2);
        // Endpoints name the address it serves on now, whichever port 0 picked.
        expect(c.body.spec.http_endpoint).toBe(second.url);
        expect((await as(`/srcm/v3/clusters/${ids.registry}`)).status).toBe(200);
        expect((await as(`/iam/v2/service-accounts/${ids.account}`)).status).toBe(200);
        expect((await as(`/iam/v2/role-bindings/${ids.rb}`)).status).toBe(200);
        // The Kafka key still authenticates, and its binding still authorizes.
        const topics = await call<List<Topic>>(
          'GET',
          `${second.url}/kafka/v3/clusters/${ids.cluster}/topics`,
          kafkaKey,
        );
        expect(topics.status).toBe(200);
        expect(statSync(file).mode & 0o777).toBe(0o600);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Kafka REST v3 on the real broker', () => {
  /** ResourceOwner of `OWNED*` topics on cluster A. */
  let owner: Credential;
  let ownerAccount: string;
  /** The same account's key of cluster B. */
  let ownerOnB: Credential;
  /** CloudClusterAdmin of cluster A. */
  let clusterAdmin: Credential;
  let rest: string;
  const topic = `${OWNED}orders`;

  const topicsOf = async (name: string) =>
    (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]?.partitions.length;
  const brokerConfigs = async (name: string): Promise<Record<string, string>> => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    });
    return Object.fromEntries(
      (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    );
  };
  const exists = async (name: string): Promise<boolean> =>
    (await admin.listTopics()).includes(name);

  beforeAll(async () => {
    rest = `${clusterA.spec.http_endpoint}/kafka/v3/clusters/${clusterA.id}`;
    const o = await newAccount('sa-topic-owner');
    ownerAccount = o.id;
    await bind(o.id, 'ResourceOwner', `${clusterA.metadata.resource_name}/topic=${OWNED}*`);
    owner = await newKey(o.id, clusterA.id);
    ownerOnB = await newKey(o.id, clusterB.id);
    const a = await newAccount('sa-cluster-admin');
    await bind(a.id, 'CloudClusterAdmin', rbacCrn(clusterA));
    clusterAdmin = await newKey(a.id, clusterA.id);
  });

  it('answers 401 to a key of another cluster, a registry key or a wrong secret, and 404 to an unknown cluster', async () => {
    const srKey = await newKey(ownerAccount, registryA.id);
    for (const auth of [ownerOnB, srKey, wrong(owner), { key: 'NOSUCHKEY0000000', secret: 'x' }]) {
      const r = await call<KafkaRestError>('GET', `${rest}/topics`, auth);
      expect(r.status).toBe(401);
      expect(r.contentType).toMatch(/json/);
      expect(r.body.error_code).toBe(401);
    }
    expect((await call('GET', `${rest}/topics`)).status).toBe(401);
    expect(
      (await call('POST', `${rest}/topics`, ownerOnB, { topic_name: `${OWNED}b` })).status,
    ).toBe(401);
    expect(await exists(`${OWNED}b`)).toBe(false);
    // The key is cluster B's: it works there.
    expect(
      (await call('GET', `${double.url}/kafka/v3/clusters/${clusterB.id}/topics`, ownerOnB)).status,
    ).toBe(200);
    const unknown = await call<KafkaRestError>(
      'GET',
      `${double.url}/kafka/v3/clusters/lkc-nope00/topics`,
      owner,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe(40403);
  });

  it('lets a ResourceOwner of a prefix create a topic with that prefix, in the real broker', async () => {
    const r = await call<Topic>('POST', `${rest}/topics`, owner, {
      topic_name: topic,
      partitions_count: 3,
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '86400000' },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ topic_name: topic, partitions_count: 3 });
    expect(await topicsOf(topic)).toBe(3);
    expect(await brokerConfigs(topic)).toMatchObject({
      'cleanup.policy': 'compact',
      'retention.ms': '86400000',
    });

    // What the provider reads right after: the topic, then its dynamic configs.
    const got = await call<Topic>('GET', `${rest}/topics/${topic}`, owner);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ topic_name: topic, partitions_count: 3 });
    const configs = await call<List<TopicConfig>>('GET', `${rest}/topics/${topic}/configs`, owner);
    expect(configs.status).toBe(200);
    const dynamic = configs.body.data.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG');
    expect(Object.fromEntries(dynamic.map((c) => [c.name, c.value]))).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '86400000',
    });
  });

  it('refuses a ResourceOwner topics outside its prefix, and ACLs (403)', async () => {
    const outside = `${OTHER}orders`;
    const r = await call<KafkaRestError>('POST', `${rest}/topics`, owner, {
      topic_name: outside,
      partitions_count: 1,
      configs: [],
    });
    expect(r.status).toBe(403);
    expect(r.body.error_code).toBe(40301);
    expect(await exists(outside)).toBe(false);
    // A name that shares the prefix but not at its `.` is outside too.
    const near = `${OWNED.slice(0, -1)}x`;
    expect((await call('POST', `${rest}/topics`, owner, { topic_name: near })).status).toBe(403);
    expect(await exists(near)).toBe(false);

    // ACLs need ALTER on the cluster: CloudClusterAdmin, not ResourceOwner of topics.
    const acl = {
      resource_type: 'TOPIC',
      resource_name: topic,
      pattern_type: 'LITERAL',
      principal: `User:${ownerAccount}`,
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    };
    expect((await call('POST', `${rest}/acls`, owner, acl)).status).toBe(403);
    expect((await call('GET', `${rest}/acls?resource_type=ANY`, owner)).status).toBe(403);
    const inBroker = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    expect(inBroker.resources).toEqual([]);
  });

  it('answers 400 with error_code 40002 to creating an existing topic', async () => {
    await admin.createTopics({ topics: [{ topic: `${OWNED}existing`, numPartitions: 2 }] });
    const r = await call<KafkaRestError>('POST', `${rest}/topics`, owner, {
      topic_name: `${OWNED}existing`,
      partitions_count: 5,
      configs: [],
    });
    expect(r.status).toBe(400);
    expect(r.body.error_code).toBe(40002);
    expect(r.body.message).toContain('already exists');
    expect(await topicsOf(`${OWNED}existing`)).toBe(2);
  });

  it('increases partitions, refuses a decrease with 400 and leaves the broker as it was', async () => {
    const more = await call<Topic>('PATCH', `${rest}/topics/${topic}`, owner, {
      partitions_count: 4,
    });
    expect(more.status).toBe(200);
    expect(more.body.partitions_count).toBe(4);
    expect(await topicsOf(topic)).toBe(4);
    const fewer = await call<KafkaRestError>('PATCH', `${rest}/topics/${topic}`, owner, {
      partitions_count: 2,
    });
    expect(fewer.status).toBe(400);
    expect(fewer.body.error_code).toBe(40002);
    expect(await topicsOf(topic)).toBe(4);
    expect((await call<Topic>('GET', `${rest}/topics/${topic}`, owner)).body.partitions_count).toBe(
      4,
    );
  });

  it('alters configs incrementally: keys not mentioned keep their values', async () => {
    const r = await call('POST', `${rest}/topics/${topic}/configs:alter`, owner, {
      data: [
        { name: 'retention.ms', value: '86400001' },
        { name: 'retention.bytes', value: '1000000' },
      ],
    });
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(r.status).toBeLessThan(300);
    expect(await brokerConfigs(topic)).toMatchObject({
      'cleanup.policy': 'compact',
      'retention.ms': '86400001',
      'retention.bytes': '1000000',
    });
    // DELETE resets one key to its default and keeps the others.
    await call('POST', `${rest}/topics/${topic}/configs:alter`, owner, {
      data: [{ name: 'retention.bytes', operation: 'DELETE' }],
    });
    const configs = await call<List<TopicConfig>>('GET', `${rest}/topics/${topic}/configs`, owner);
    const dynamic = configs.body.data.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG');
    expect(Object.fromEntries(dynamic.map((c) => [c.name, c.value]))).toEqual({
      'cleanup.policy': 'compact',
      'retention.ms': '86400001',
    });
    expect(await brokerConfigs(topic)).toMatchObject({ 'cleanup.policy': 'compact' });
  });

  it('lists only the topics the key may read', async () => {
    const hidden = `${OTHER}hidden`;
    await admin.createTopics({ topics: [{ topic: hidden, numPartitions: 1 }] });
    const mine = await call<List<Topic>>('GET', `${rest}/topics`, owner);
    expect(mine.status).toBe(200);
    const names = mine.body.data.map((t) => t.topic_name);
    expect(names).toEqual(expect.arrayContaining([topic, `${OWNED}existing`]));
    expect(names.every((n) => n.startsWith(OWNED))).toBe(true);
    // A direct read of a topic it may not see: 403, not its description.
    expect((await call('GET', `${rest}/topics/${hidden}`, owner)).status).toBe(403);

    const all = await call<List<Topic>>('GET', `${rest}/topics`, clusterAdmin);
    expect(all.body.data.map((t) => t.topic_name)).toEqual(expect.arrayContaining([topic, hidden]));
    // A key without any binding lists nothing, and still gets 200 (the provider's key sync).
    const bare = await newKey((await newAccount('sa-bare')).id, clusterA.id);
    const none = await call<List<Topic>>('GET', `${rest}/topics`, bare);
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);
  });

  it('lets a CloudClusterAdmin create, read back by the 7 filters and delete an ACL on the real broker', async () => {
    const acl: Acl = {
      resource_type: 'TOPIC',
      resource_name: OWNED,
      pattern_type: 'PREFIXED',
      principal: `User:${ownerAccount}`,
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    };
    const query = new URLSearchParams({ ...acl }).toString();
    const brokerAcls = async () =>
      (
        await admin.describeAcls({
          resourceType: AclResourceTypes.TOPIC,
          resourceName: OWNED,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          operation: AclOperationTypes.ANY,
          permissionType: AclPermissionTypes.ANY,
        })
      ).resources.flatMap((r) => r.acls.map((a) => ({ name: r.resourceName, ...a })));

    expect((await call('POST', `${rest}/acls`, clusterAdmin, acl)).status).toBe(201);
    expect(await brokerAcls()).toEqual([
      expect.objectContaining({ name: OWNED, principal: `User:${ownerAccount}`, host: '*' }),
    ]);

    const read = await call<List<Acl>>('GET', `${rest}/acls?${query}`, clusterAdmin);
    expect(read.status).toBe(200);
    expect(read.body.kind).toBe('KafkaAclList');
    expect(read.body.data).toHaveLength(1);
    expect(read.body.data[0]).toMatchObject(acl);
    // Every filter counts: another operation, principal or pattern type matches nothing.
    for (const change of [
      { operation: 'WRITE' },
      { principal: 'User:sa-other0' },
      { pattern_type: 'LITERAL' },
      { resource_name: `${OWNED}orders` },
    ]) {
      const q = new URLSearchParams({ ...acl, ...change }).toString();
      const r = await call<List<Acl>>('GET', `${rest}/acls?${q}`, clusterAdmin);
      expect(r.body.data).toEqual([]);
    }

    const deleted = await call<List<Acl>>('DELETE', `${rest}/acls?${query}`, clusterAdmin);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual([expect.objectContaining(acl)]);
    expect(await brokerAcls()).toEqual([]);
    expect((await call<List<Acl>>('GET', `${rest}/acls?${query}`, clusterAdmin)).body.data).toEqual(
      [],
    );
  });

  it('deletes a topic, after which it reads as 404 (what the provider polls for)', async () => {
    expect((await call('DELETE', `${rest}/topics/${OWNED}existing`, owner)).status).toBe(204);
    expect(await exists(`${OWNED}existing`)).toBe(false);
    const gone = await call<KafkaRestError>('GET', `${rest}/topics/${OWNED}existing`, owner);
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe(40403);
  });
});

describe('schema registry API on the real registry', () => {
  /** ResourceOwner of `subject=OWNED*` on registry A. */
  let owner: Credential;
  /** DeveloperRead of the one subject `OWNED orders-value`. */
  let reader: Credential;
  let sr: string;
  const orders = `${OWNED}orders-value`;
  const payments = `${OWNED}payments-value`;
  const v1 = {
    type: 'record',
    name: 'Order',
    namespace: 'it.streamplane',
    fields: [{ name: 'id', type: 'string' }],
  };
  const v2 = { ...v1, fields: [...v1.fields, { name: 'amount', type: 'int', default: 0 }] };
  const register = (auth: Credential, subject: string, schema: unknown) =>
    call<{ id?: number; error_code?: number }>(
      'POST',
      `${sr}/subjects/${encodeURIComponent(subject)}/versions`,
      auth,
      { schema: JSON.stringify(schema), schemaType: 'AVRO', references: [] },
    );

  beforeAll(async () => {
    sr = registryA.spec.http_endpoint;
    const registryCrn = registryA.metadata.resource_name;
    const o = await newAccount('sa-subject-owner');
    await bind(o.id, 'ResourceOwner', `${registryCrn}/subject=${OWNED}*`);
    owner = await newKey(o.id, registryA.id);
    const r = await newAccount('sa-subject-reader');
    await bind(r.id, 'DeveloperRead', `${registryCrn}/subject=${orders}`);
    reader = await newKey(r.id, registryA.id);
  });

  it("answers 401 to another registry's key, a Kafka key or a wrong secret", async () => {
    const account = await newAccount('sa-sr-auth');
    await bind(account.id, 'ResourceOwner', `${registryB.metadata.resource_name}/subject=*`);
    const otherRegistry = await newKey(account.id, registryB.id);
    const kafkaKey = await newKey(account.id, clusterA.id);
    for (const auth of [otherRegistry, kafkaKey, wrong(owner), undefined]) {
      expect((await call('GET', `${sr}/subjects`, auth)).status).toBe(401);
    }
    expect(
      (await call('GET', `${registryB.spec.http_endpoint}/subjects`, otherRegistry)).status,
    ).toBe(200);
  });

  it('answers a compatibility check against a subject with no versions yet: 200, compatible', async () => {
    for (const path of ['versions', 'versions/latest']) {
      const r = await call<{ is_compatible?: boolean }>(
        'POST',
        `${sr}/compatibility/subjects/${encodeURIComponent(`${OWNED}brand-new-value`)}/${path}?verbose=true`,
        owner,
        { schema: JSON.stringify(v1), schemaType: 'AVRO', references: [] },
      );
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/json/);
      expect(r.body.is_compatible).toBe(true);
    }
  });

  it('lets a ResourceOwner of a prefix register, and a DeveloperRead of a subject only read it', async () => {
    const first = await register(owner, orders, v1);
    expect(first.status).toBe(200);
    expect(first.body.id).toBeGreaterThan(0);
    expect((await register(owner, payments, { ...v1, name: 'Payment' })).status).toBe(200);
    expect((await register(owner, `${OTHER}orders-value`, v1)).status).toBe(403);

    const latest = await call<SchemaVersion>(
      'GET',
      `${sr}/subjects/${encodeURIComponent(orders)}/versions/latest`,
      reader,
    );
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ subject: orders, version: 1, id: first.body.id });
    const denied = await register(reader, orders, v2);
    expect(denied.status).toBe(403);
    expect(denied.body.error_code).toBe(40301);
    expect(
      (await call('GET', `${sr}/subjects/${encodeURIComponent(payments)}/versions/latest`, reader))
        .status,
    ).toBe(403);
    // The refused registration did not reach the registry.
    const versions = await fetch(
      `${localStack().registryUrl}/subjects/${encodeURIComponent(orders)}/versions`,
    );
    expect(await versions.json()).toEqual([1]);

    // An incompatible change is reported as such (not as a new subject's "anything goes").
    const breaking = { ...v1, fields: [...v1.fields, { name: 'qty', type: 'int' }] };
    const compat = await call<{ is_compatible?: boolean }>(
      'POST',
      `${sr}/compatibility/subjects/${encodeURIComponent(orders)}/versions?verbose=true`,
      owner,
      { schema: JSON.stringify(breaking), schemaType: 'AVRO', references: [] },
    );
    expect(compat.status).toBe(200);
    expect(compat.body.is_compatible).toBe(false);
    expect((await register(owner, orders, v2)).status).toBe(200);
  });

  it('lists only the subjects the key may read', async () => {
    const forReader = await call<string[]>('GET', `${sr}/subjects`, reader);
    expect(forReader.status).toBe(200);
    expect(forReader.body).toEqual([orders]);
    const forOwner = await call<string[]>('GET', `${sr}/subjects`, owner);
    expect([...forOwner.body].sort()).toEqual([orders, payments]);
  });

  it('serves GET /schemas?subjectPrefix= with the versions of the readable matching subjects', async () => {
    const q = `subjectPrefix=${encodeURIComponent(OWNED)}`;
    const all = await call<SchemaVersion[]>('GET', `${sr}/schemas?${q}`, owner);
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/json/);
    expect(all.body.map((s) => [s.subject, s.version])).toEqual([
      [orders, 1],
      [orders, 2],
      [payments, 1],
    ]);
    // The provider picks the entry whose id is the latest version's.
    const latest = await call<SchemaVersion>(
      'GET',
      `${sr}/subjects/${encodeURIComponent(orders)}/versions/latest`,
      owner,
    );
    const picked = all.body.find((s) => s.id === latest.body.id && s.subject === orders);
    expect(picked?.version).toBe(2);
    expect(JSON.parse(picked?.schema ?? '{}')).toMatchObject({ name: 'Order' });

    const exact = await call<SchemaVersion[]>(
      'GET',
      `${sr}/schemas?subjectPrefix=${encodeURIComponent(payments)}`,
      owner,
    );
    expect(exact.body.map((s) => s.subject)).toEqual([payments]);
    const latestOnly = await call<SchemaVersion[]>(
      'GET',
      `${sr}/schemas?${q}&latestOnly=true`,
      owner,
    );
    expect(latestOnly.body.map((s) => [s.subject, s.version])).toEqual([
      [orders, 2],
      [payments, 1],
    ]);
    const forReader = await call<SchemaVersion[]>('GET', `${sr}/schemas?${q}`, reader);
    expect(forReader.body.map((s) => [s.subject, s.version])).toEqual([
      [orders, 1],
      [orders, 2],
    ]);
  });
});
