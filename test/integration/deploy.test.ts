// `cdktf deploy`, proven: the sample catalog's confluent-double environment deployed with the
// cdktf CLI, the real terraform CLI and the real Confluent provider, to the Confluent Cloud
// double, whose data plane is a private real Kafka broker and registry. The tests run in order,
// each on what the previous one left.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AclBinding } from '../../reconciler/cluster/types';
import { aclKey, userPrincipal } from '../../catalog/access';
import type { Catalog } from '../../catalog/model';
import { desiredState } from '../../reconciler/state/desired';
import type { DesiredState } from '../../reconciler/state/desired';
import { SANDBOX_ENV, openSandbox } from '../support/sandbox';
import type { Sandbox } from '../support/sandbox';

const PLATFORM = `platform-${SANDBOX_ENV}`;
const SELECT = [PLATFORM, `domain-*-${SANDBOX_ENV}`];
const CDKTF = ['--skip-provider-lock', '--auto-approve'];

let sb: Sandbox;
let catalog: Catalog;

beforeAll(async () => {
  sb = await openSandbox({ protectedEnvironment: true });
}, 240_000);

afterAll(async () => {
  await sb?.close();
}, 120_000);

/** The synthesized stacks, platform first, each after the stacks it depends on. */
function stacksInOrder(c: Catalog): string[] {
  return [PLATFORM, ...c.domains.map((d) => `domain-${d.name}-${SANDBOX_ENV}`)];
}

async function accounts(): Promise<Record<string, string>> {
  const out = await sb.terraform(PLATFORM, ['output', '-json', 'app_accounts']);
  expect(out.stderr).toBe('');
  return JSON.parse(out.stdout) as Record<string, string>;
}

async function registry(path: string): Promise<unknown> {
  const res = await fetch(`${sb.stack.registryUrl}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function planJson(stack: string): Promise<{
  code: number;
  changes: { address: string; previous_address?: string; change: { actions: string[] } }[];
  output: string;
}> {
  const plan = await sb.terraform(stack, ['plan', '-input=false', '-no-color', '-out=test.plan']);
  if (plan.code !== 0) return { code: plan.code, changes: [], output: plan.stdout + plan.stderr };
  const show = await sb.terraform(stack, ['show', '-json', 'test.plan']);
  const parsed = JSON.parse(show.stdout) as {
    resource_changes?: {
      address: string;
      previous_address?: string;
      change: { actions: string[] };
    }[];
  };
  return { code: 0, changes: parsed.resource_changes ?? [], output: plan.stdout };
}

const keyOf = (a: AclBinding): string =>
  aclKey({
    principal: a.principal,
    host: a.host,
    resourceType: a.resourceType,
    resourceName: a.resourceName,
    patternType: a.patternType,
    operation: a.operation,
    permission: a.permission,
  });

/** The broker and the registry hold exactly what the catalog implies (compared both ways). */
async function expectDeployedAsCatalog(): Promise<void> {
  const env = catalog.for(SANDBOX_ENV);

  // Principals: one service account per app, created by the platform stack.
  const byApp = await accounts();
  expect(Object.keys(byApp).sort()).toEqual(env.apps.map((a) => a.id).sort());
  const sa = sb.double.store.state.serviceAccounts;
  for (const app of env.apps) {
    const id = byApp[app.id] ?? '';
    expect(id).toMatch(/^sa-[a-z0-9]+$/);
    expect(sa[id]?.displayName).toBe(
      `${catalog.platform.platform.name}-${SANDBOX_ENV}.${app.principal}`,
    );
  }
  const desired: DesiredState = desiredState(env, {
    kind: 'mapped',
    principals: Object.fromEntries(env.apps.map((a) => [a.id, userPrincipal(byApp[a.id] ?? '')])),
  });

  const admin = sb.admin();
  await admin.connect();
  try {
    // Topics, both ways: nothing missing, nothing extra (the broker is private to this test).
    const topics = (await admin.describeTopics()).filter((t) => !t.name.startsWith('_'));
    expect(topics.map((t) => t.name).sort()).toEqual(desired.topics.map((t) => t.name).sort());
    const configs = await admin.describeTopicConfigs(topics.map((t) => t.name));
    for (const t of desired.topics) {
      expect({
        topic: t.name,
        partitions: topics.find((a) => a.name === t.name)?.partitions,
      }).toEqual({
        topic: t.name,
        partitions: t.partitions,
      });
      expect({ topic: t.name, config: configs.get(t.name) }).toEqual({
        topic: t.name,
        config: t.config,
      });
    }
    // ACLs, both ways, on the apps' service accounts.
    const acls = (await admin.describeAcls()).map(keyOf).sort();
    expect(acls).toEqual([...new Set(desired.acls.map(keyOf))].sort());
  } finally {
    await admin.disconnect();
  }

  // Subjects, both ways, with their schemas and compatibility levels.
  const subjects = ((await registry('/subjects')) as string[]).sort();
  expect(subjects).toEqual(desired.subjects.map((s) => s.name).sort());
  for (const s of desired.subjects) {
    const latest = (await registry(`/subjects/${encodeURIComponent(s.name)}/versions/latest`)) as {
      schema: string;
    };
    const same =
      s.format === 'PROTOBUF'
        ? latest.schema.trim() === s.text.trim()
        : sameJson(latest.schema, s.text);
    expect({ subject: s.name, same }).toEqual({ subject: s.name, same: true });
    const config = (await registry(`/config/${encodeURIComponent(s.name)}`)) as {
      compatibilityLevel: string;
    };
    expect({ subject: s.name, level: config.compatibilityLevel }).toEqual({
      subject: s.name,
      level: s.compatibility,
    });
  }
}

test('cdktf deploy from empty: the broker and registry hold exactly what the catalog implies, for the service accounts the platform stack created', async () => {
  const deployed = await sb.cdktf(['deploy', ...SELECT, ...CDKTF]);
  expect(deployed.code === 0 ? '' : deployed.stdout + deployed.stderr).toBe('');
  catalog = sb.synth();
  await expectDeployedAsCatalog();
}, 900_000);

test('a plan right after the deploy is empty for every stack (no false diffs)', async () => {
  for (const stack of stacksInOrder(catalog)) {
    const plan = await sb.terraform(stack, [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
    ]);
    expect({
      stack,
      code: plan.code,
      output: plan.code === 0 ? '' : plan.stdout + plan.stderr,
    }).toEqual({
      stack,
      code: 0,
      output: '',
    });
  }
}, 600_000);

test('a partition increase is applied in place, not by replacing the topic', async () => {
  const topic = 'orders.order-created.v1';
  const before = catalog.for(SANDBOX_ENV).topics.find((t) => t.name === topic)?.partitions ?? 0;
  sb.editYaml('topics/orders.yaml', (doc) => {
    const t = (
      doc.topics as Record<string, { environments: Record<string, { partitions: number }> }>
    )['order-created'];
    if (!t?.environments.sandbox) throw new Error('the sample lost its sandbox override');
    t.environments.sandbox.partitions = before + 1;
  });
  catalog = sb.synth();
  const stack = `domain-orders-${SANDBOX_ENV}`;
  const plan = await planJson(stack);
  expect(plan.code).toBe(0);
  const changed = plan.changes.filter((c) => !c.change.actions.every((a) => a === 'no-op'));
  expect(changed.map((c) => [c.address, c.change.actions])).toEqual([
    [`confluent_kafka_topic.protected_topic["${topic}"]`, ['update']],
  ]);
  const apply = await sb.terraform(stack, ['apply', '-input=false', '-no-color', 'test.plan']);
  expect(apply.code === 0 ? '' : apply.stdout + apply.stderr).toBe('');
  const admin = sb.admin();
  await admin.connect();
  try {
    const after = (await admin.describeTopics()).find((t) => t.name === topic);
    expect(after?.partitions).toBe(before + 1);
  } finally {
    await admin.disconnect();
  }
}, 600_000);

test('deletionProtection: false moves a topic out of the protected block without recreating it', async () => {
  const topic = 'orders.order-status.v1';
  sb.editYaml('topics/orders.yaml', (doc) => {
    const t = (doc.topics as Record<string, Record<string, unknown>>)['order-status'];
    if (!t) throw new Error('the sample lost order-status');
    t.deletionProtection = false;
  });
  catalog = sb.synth();
  const stack = `domain-orders-${SANDBOX_ENV}`;
  const plan = await planJson(stack);
  expect(plan.code).toBe(0);
  const moved = plan.changes.find((c) => c.address === `confluent_kafka_topic.topic["${topic}"]`);
  expect(moved).toMatchObject({
    previous_address: `confluent_kafka_topic.protected_topic["${topic}"]`,
    change: { actions: ['no-op'] },
  });
  const destructive = plan.changes.filter((c) =>
    c.change.actions.some((a) => a === 'delete' || a === 'create'),
  );
  expect(destructive.map((c) => c.address)).toEqual([]);
  const apply = await sb.terraform(stack, ['apply', '-input=false', '-no-color', 'test.plan']);
  expect(apply.code === 0 ? '' : apply.stdout + apply.stderr).toBe('');
}, 600_000);

test('a catalog change deploys in place: a new schema version, a consumer added and one removed, a config changed', async () => {
  sb.editYaml('topics/orders.yaml', (doc) => {
    const topics = doc.topics as Record<string, Record<string, unknown>>;
    const created = topics['order-created'];
    const status = topics['order-status'];
    if (!created || !status) throw new Error('the sample lost its orders topics');
    created.consumers = ['payments/payment-service'];
    created.retention = '10d';
    status.consumers = [...(status.consumers as string[]), 'payments/payment-service'];
  });
  const schema = join(sb.root, 'schemas/orders/order-created.avsc');
  const avro = JSON.parse(readFileSync(schema, 'utf8')) as { fields: unknown[] };
  avro.fields.push({ name: 'channel', type: ['null', 'string'], default: null });
  writeFileSync(schema, JSON.stringify(avro, null, 2));
  catalog = sb.synth();
  for (const stack of stacksInOrder(catalog)) {
    const plan = await planJson(stack);
    expect({ stack, code: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({
      stack,
      code: 0,
      output: '',
    });
    // Nothing that exists is replaced; only access that the catalog dropped is deleted.
    const replaced = plan.changes.filter(
      (c) => c.change.actions.includes('delete') && c.change.actions.includes('create'),
    );
    expect(replaced.map((c) => c.address)).toEqual([]);
    const deleted = plan.changes.filter((c) => c.change.actions.join() === 'delete');
    for (const c of deleted) expect(c.address).toMatch(/^confluent_(kafka_acl|role_binding)\./);
    const apply = await sb.terraform(stack, ['apply', '-input=false', '-no-color', 'test.plan']);
    expect({ stack, output: apply.code === 0 ? '' : apply.stdout + apply.stderr }).toEqual({
      stack,
      output: '',
    });
  }
  await expectDeployedAsCatalog();
  const versions = (await registry(
    `/subjects/${encodeURIComponent('orders.order-created.v1-value')}/versions`,
  )) as number[];
  expect(versions).toEqual([1, 2]);
  for (const stack of stacksInOrder(catalog)) {
    const plan = await sb.terraform(stack, [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
    ]);
    expect({ stack, code: plan.code }).toEqual({ stack, code: 0 });
  }
}, 900_000);

test('in a protected environment, a plan that would destroy a protected topic or the cluster fails', async () => {
  // A protected topic removed from the catalog.
  const original = sb.editYaml;
  let saved: unknown;
  original('topics/payments.yaml', (doc) => {
    const topics = doc.topics as Record<string, unknown>;
    saved = topics['payment-authorized'];
    delete topics['payment-authorized'];
  });
  sb.synth();
  const topicPlan = await sb.terraform(`domain-payments-${SANDBOX_ENV}`, [
    'plan',
    '-input=false',
    '-no-color',
  ]);
  expect(topicPlan.code).toBe(1);
  expect(topicPlan.stderr).toContain('Instance cannot be destroyed');
  expect(topicPlan.stderr).toContain(
    'confluent_kafka_topic.protected_topic["payments.payment-authorized.v1"]',
  );
  original('topics/payments.yaml', (doc) => {
    (doc.topics as Record<string, unknown>)['payment-authorized'] = saved;
  });
  catalog = sb.synth();

  // The platform's and domain managers' keys, by a destroy plan of the platform stack. App keys
  // are not protected: removing an app from the catalog must take its keys (its access) away.
  const destroyPlan = await sb.terraform(PLATFORM, [
    'plan',
    '-destroy',
    '-input=false',
    '-no-color',
  ]);
  expect(destroyPlan.code).toBe(1);
  expect(destroyPlan.stderr).toContain('Instance cannot be destroyed');
  expect(destroyPlan.stderr).toContain('confluent_api_key.platform_account_kafka_key');
  expect(destroyPlan.stderr).toContain('confluent_api_key.domain_manager_kafka_key');
  expect(destroyPlan.stderr).not.toContain('confluent_api_key.app_kafka_key');

  // The cluster, by a change that replaces it (a cluster cannot move regions).
  sb.editYaml('platform.yaml', (doc) => {
    const sandbox = (doc.environments as Record<string, Record<string, unknown>>)[SANDBOX_ENV];
    if (!sandbox) throw new Error('no sandbox environment');
    sandbox.region = 'eu-central-1';
  });
  sb.synth();
  const replace = await sb.terraform(PLATFORM, ['plan', '-input=false', '-no-color']);
  expect(replace.code).toBe(1);
  expect(replace.stderr).toContain('Instance cannot be destroyed');
  expect(replace.stderr).toContain('confluent_kafka_cluster.cluster');
  sb.editYaml('platform.yaml', (doc) => {
    const sandbox = (doc.environments as Record<string, Record<string, unknown>>)[SANDBOX_ENV];
    if (sandbox) sandbox.region = 'eu-west-1';
  });
  catalog = sb.synth();
  // Nothing was destroyed meanwhile.
  for (const stack of [PLATFORM, `domain-payments-${SANDBOX_ENV}`]) {
    const after = await sb.terraform(stack, [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
    ]);
    expect({ stack, code: after.code }).toEqual({ stack, code: 0 });
  }
}, 600_000);

test("cdktf destroy '*' removes everything in dependency order, without -target", async () => {
  sb.editYaml('platform.yaml', (doc) => {
    const envs = doc.environments as Record<string, Record<string, unknown>>;
    const sandbox = envs[SANDBOX_ENV];
    if (!sandbox) throw new Error('no sandbox environment');
    sandbox.protected = false;
  });
  const destroyed = await sb.cdktf(['destroy', '*', ...CDKTF]);
  expect(destroyed.code === 0 ? '' : destroyed.stdout + destroyed.stderr).toBe('');
  const admin = sb.admin();
  await admin.connect();
  try {
    expect((await admin.describeTopics()).filter((t) => !t.name.startsWith('_'))).toEqual([]);
    expect(await admin.describeAcls()).toEqual([]);
  } finally {
    await admin.disconnect();
  }
  // The provider deletes the schema version it manages: the one version registered by an earlier
  // apply (order-created's v1, before the change above) stays, as it would on Confluent Cloud.
  expect(await registry('/subjects')).toEqual(['orders.order-created.v1-value']);
  expect(
    await registry(`/subjects/${encodeURIComponent('orders.order-created.v1-value')}/versions`),
  ).toEqual([1]);
  const s = sb.double.store.state;
  expect({
    environments: Object.keys(s.environments),
    clusters: Object.keys(s.clusters),
    serviceAccounts: Object.keys(s.serviceAccounts),
    roleBindings: Object.keys(s.roleBindings),
    resourceKeys: Object.values(s.apiKeys).filter((k) => k.resourceId !== undefined),
  }).toEqual({
    environments: [],
    clusters: [],
    serviceAccounts: [],
    roleBindings: [],
    resourceKeys: [],
  });
}, 900_000);

function sameJson(a: string, b: string): boolean {
  return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
}
