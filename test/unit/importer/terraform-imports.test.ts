// Terraform adoption at synthesis: what an import found (imports/<env>.json) becomes `import`
// blocks in the domain stacks that declare it, at the instances' addresses, with the ids the
// Confluent provider's importers read; what no stack declares gets no block.
import { consumeGrants, aclKey, produceGrants } from '../../../catalog/access';
import { loadCatalog } from '../../../catalog/loader';
import type { Adoption } from '../../../importer/adoption';
import { buildStacks } from '../../../stacks/app';
import { REPO_ROOT } from '../../../shared/repo-root';

type Json = Record<string, unknown>;

const loaded = loadCatalog(REPO_ROOT);
if (!loaded.catalog) throw new Error('the sample catalog does not load');
const catalog = loaded.catalog;
const topic = 'orders.order-created.v1';
const service = catalog.app('orders/order-service');
const consumer = catalog.app('payments/payment-service');
const adoption: Adoption = {
  topics: [topic, 'orders.not-declared.v1'],
  acls: [...produceGrants(topic, service), ...consumeGrants(topic, consumer)].map(aclKey),
  subjects: [`${topic}-value`, 'orders.types.money'],
};
const built = buildStacks(catalog, {
  environments: ['sandbox'],
  outdir: '/nonexistent',
  adoption: (env) => (env === 'sandbox' ? adoption : { topics: [], acls: [], subjects: [] }),
});
const stack = (domain: string): Json => {
  const s = built.environments.get('sandbox')?.domains.get(domain);
  if (!s) throw new Error(`no stack for ${domain}`);
  return s.toTerraform() as Json;
};
const imports = (domain: string) =>
  (stack(domain).import ?? []) as { to: string; id: string; provider?: string }[];
const instances = (tf: Json, to: string): boolean => {
  const m = /^(\w+)\.(\w+)\[(".*")\]$/.exec(to);
  if (!m) return false;
  const block = ((tf.resource as Json)[m[1] as string] as Json)[m[2] as string] as Json;
  return JSON.parse(m[3] as string) in (block.for_each as Json);
};

const KAFKA = '${nonsensitive(data.terraform_remote_state.platform.outputs';

test('topics, their ACLs, subject configs and schemas are imported where they are declared', () => {
  const orders = imports('orders');
  const tf = stack('orders');
  for (const b of orders)
    expect({ to: b.to, declared: instances(tf, b.to) }).toEqual({ to: b.to, declared: true });
  const topicImport = orders.find((b) => b.to.startsWith('confluent_kafka_topic.'));
  expect(topicImport?.to).toMatch(
    /^confluent_kafka_topic\.(protected_)?topic\["orders\.order-created\.v1"\]$/,
  );
  expect(topicImport?.id).toMatch(
    new RegExp(
      `^\\$\\{nonsensitive\\(data\\.terraform_remote_state\\.platform\\.outputs\\.[a-z_]+\\.kafka_id\\)\\}/${topic.replace(/\./g, '\\.')}$`,
    ),
  );
  expect(orders.some((b) => b.id.includes('not-declared'))).toBe(false);

  const write = orders.find((b) => b.to.includes('|WRITE"]'));
  expect(write?.provider).toBe('confluent.acls');
  expect(write?.id).toContain(
    `/TOPIC#${topic}#LITERAL#User:\${nonsensitive(local.app_accounts["orders/order-service"])}#*#WRITE#ALLOW`,
  );
  expect(write?.id.startsWith(KAFKA)).toBe(true);
  // transactional ids of the producer live in its own domain's stack (orders, here too)
  expect(orders.filter((b) => b.to.includes('TRANSACTIONAL_ID'))).toHaveLength(2);

  expect(orders.map((b) => b.to)).toEqual(
    expect.arrayContaining([
      `confluent_subject_config.subject_config["${topic}-value"]`,
      'confluent_subject_config.subject_config["orders.types.money"]',
    ]),
  );
  const schema = orders.find(
    (b) => b.to.startsWith('confluent_schema.') && b.to.includes(`${topic}-value`),
  );
  expect(schema?.id).toMatch(/schema_registry_id\)\}\/orders\.order-created\.v1-value\/latest$/);
});

test("a consumer's group ACL is imported in its own domain's stack; other stacks get none", () => {
  const payments = imports('payments');
  expect(payments.map((b) => b.to)).toEqual([
    `confluent_kafka_acl.acl[${JSON.stringify(aclKey(consumeGrants(topic, consumer)[2] as never))}]`,
  ]);
  expect(stack('shipping').import).toBeUndefined();
});
