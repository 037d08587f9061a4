// Terraform adoption, proven on the Confluent Cloud double with the real terraform CLI and the
// real Confluent provider: the platform stack is deployed, the cluster's topics, ACLs and schemas
// are made out of band (as an existing cluster has them), `npm run import` finds them, and the
// first plan of every domain stack imports them: no create, no replacement, no destroy.
import { userPrincipal } from '../../catalog/access';
import { loadCatalog } from '../../catalog/loader';
import { readAdoption } from '../../importer/adoption';
import { importLive } from '../../importer/import';
import { readLive } from '../../importer/live';
import { topicSubjects } from '../../importer/mapping';
import { HttpSchemaRegistry } from '../../reconciler/cluster/registry';
import { reconcilePass } from '../../reconciler/reconcile';
import { desiredState } from '../../reconciler/state/desired';
import { buildStacks } from '../../stacks/app';
import { SANDBOX_ENV, openSandbox } from '../support/sandbox';
import type { Sandbox } from '../support/sandbox';

const PLATFORM = `platform-${SANDBOX_ENV}`;

let sb: Sandbox;

beforeAll(async () => {
  sb = await openSandbox();
}, 240_000);

afterAll(async () => {
  await sb?.close();
}, 120_000);

interface Change {
  address: string;
  mode: string;
  change: { actions: string[]; importing?: { id: string } };
}

test('the first plan after an import adopts every topic, ACL, subject config and schema', async () => {
  const deployed = await sb.cdktf(['deploy', PLATFORM, '--skip-provider-lock', '--auto-approve']);
  expect(deployed.code === 0 ? '' : deployed.stdout + deployed.stderr).toBe('');
  const out = await sb.terraform(PLATFORM, ['output', '-json', 'app_accounts']);
  const accounts = JSON.parse(out.stdout) as Record<string, string>;
  const principals = Object.fromEntries(
    Object.entries(accounts).map(([app, sa]) => [app, userPrincipal(sa)] as const),
  );

  // The existing cluster: what the catalog describes, made without Terraform.
  const loaded = loadCatalog(sb.root);
  if (!loaded.catalog) throw new Error('the sandbox catalog does not load');
  const env = loaded.catalog.for(SANDBOX_ENV);
  const admin = sb.admin();
  await admin.connect();
  const registry = new HttpSchemaRegistry({ url: sb.stack.registryUrl });
  try {
    const made = await reconcilePass(
      desiredState(env, { kind: 'mapped', principals }),
      { admin, registry },
      { mode: 'enforce' },
    );
    expect(made.state).not.toBe('failed');
    const live = await readLive(admin, registry, {
      wantTopic: (t) => !t.startsWith('_'),
      subjectsOf: topicSubjects,
    });
    const result = importLive(live, {
      environment: SANDBOX_ENV,
      out: sb.root,
      existing: loaded.catalog,
      principals,
      external: true,
    });
    // The catalog already says all of it: the import only lists what Terraform adopts.
    expect(result.files).toEqual([`imports/${SANDBOX_ENV}.json`]);
  } finally {
    await admin.disconnect();
  }
  const adoption = readAdoption(sb.root, SANDBOX_ENV);
  expect([...adoption.topics].sort()).toEqual(env.topics.map((t) => t.name).sort());
  expect(adoption.acls).toHaveLength(env.acls.length);
  expect([...adoption.subjects].sort()).toEqual(env.subjects.map((s) => s.name).sort());

  const catalog = loadCatalog(sb.root).catalog;
  if (!catalog) throw new Error('the sandbox catalog does not load after the import');
  const built = buildStacks(catalog, {
    outdir: sb.outdir,
    environments: [SANDBOX_ENV],
    adoption: (e) => readAdoption(sb.root, e),
  });
  built.app.synth();
  const imported = { topics: 0, acls: 0, schemas: 0, configs: 0 };
  for (const d of catalog.domains) {
    const stack = `domain-${d.name}-${SANDBOX_ENV}`;
    const init = await sb.terraform(stack, ['init', '-input=false', '-no-color']);
    expect(init.code === 0 ? '' : init.stdout + init.stderr).toBe('');
    const plan = await sb.terraform(stack, [
      'plan',
      '-input=false',
      '-no-color',
      '-out=adopt.plan',
    ]);
    expect(plan.code === 0 ? '' : plan.stdout + plan.stderr).toBe('');
    const show = await sb.terraform(stack, ['show', '-json', 'adopt.plan']);
    const changes = (
      (JSON.parse(show.stdout) as { resource_changes?: Change[] }).resource_changes ?? []
    ).filter((c) => c.mode === 'managed');
    for (const c of changes) {
      const adopted = /^confluent_(kafka_topic|kafka_acl|schema|subject_config)\./.test(c.address);
      // Subject-read role bindings are Confluent Cloud RBAC, not cluster state: an existing
      // cluster's apps read schemas with their own keys, so the stacks add them.
      expect({
        address: c.address,
        actions: c.change.actions,
        importing: c.change.importing !== undefined,
      }).toEqual({
        address: c.address,
        actions: adopted ? ['no-op'] : ['create'],
        importing: adopted,
      });
      if (c.address.startsWith('confluent_kafka_topic.')) imported.topics++;
      if (c.address.startsWith('confluent_kafka_acl.')) imported.acls++;
      if (c.address.startsWith('confluent_schema.')) imported.schemas++;
      if (c.address.startsWith('confluent_subject_config.')) imported.configs++;
    }
  }
  expect(imported).toEqual({
    topics: env.topics.length,
    acls: env.acls.length,
    schemas: env.subjects.length,
    configs: env.subjects.length,
  });
}, 1_500_000);
