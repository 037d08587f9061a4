// A topic's grants return what they added (as aws-cdk's grant* do), and what they return is what
// the domain stacks' ACL tables and subject reads hold.
import { consumeGrants, produceGrants, aclKey } from '../../../catalog/access';
import { loadCatalog } from '../../../catalog/loader';
import { buildStacks } from '../../../stacks/app';
import { REPO_ROOT } from '../../../shared/repo-root';
import type { Json } from './synthesized';

const loaded = loadCatalog(REPO_ROOT);
if (!loaded.catalog) throw new Error('the sample catalog does not load');
const catalog = loaded.catalog;
const built = buildStacks(catalog, { environments: ['dev'], outdir: '/nonexistent' });
const env = built.environments.get('dev');
if (!env) throw new Error('no dev environment');
const stackOf = (domain: string) => {
  const s = env.domains.get(domain);
  if (!s) throw new Error(`no stack for ${domain}`);
  return s;
};
const forEachOf = (domain: string, type: string, block: string): Record<string, Json> =>
  ((stackOf(domain).toTerraform().resource as Json)[type][block].for_each as Record<
    string,
    Json
  >) ?? {};

describe('TopicAccess grants', () => {
  const topic = catalog.for('dev').topics.find((t) => t.producers.length > 0 && t.schema?.value);
  if (!topic) throw new Error('no produced topic with a value schema');
  const subjects = [topic.schema?.value as string, 'extra.subject-value'];
  const access = stackOf(topic.domain).topics.addTopic(topic, { access: stackOf, subjects });
  const producer = catalog.app(topic.producers[0] as string);

  test('grantProduce returns the produce grants and subject reads it added', () => {
    const grant = access.grantProduce(producer);
    expect(grant).toEqual({
      app: producer.id,
      acls: produceGrants(topic.name, producer),
      subjectReads: subjects,
    });
    const acls = forEachOf(topic.domain, 'confluent_kafka_acl', 'acl');
    for (const g of grant.acls) {
      const holder = g.resourceType === 'TOPIC' ? topic.domain : producer.domain;
      expect(Object.keys(forEachOf(holder, 'confluent_kafka_acl', 'acl'))).toContain(aclKey(g));
    }
    expect(Object.keys(acls).length).toBeGreaterThan(0);
    const reads = forEachOf(producer.domain, 'confluent_role_binding', 'subject_read');
    expect(reads[`${producer.id}|extra.subject-value`]).toEqual({
      app: producer.id,
      subject: 'extra.subject-value',
    });
  });

  test('grantConsume returns the consume grants', () => {
    const consumer = [...catalog.apps.values()].find((a) => a.domain !== topic.domain) ?? producer;
    const grant = access.grantConsume(consumer);
    expect(grant.acls).toEqual(consumeGrants(topic.name, consumer));
    const group = grant.acls.find((g) => g.resourceType === 'GROUP');
    if (!group) throw new Error('no group grant');
    expect(Object.keys(forEachOf(consumer.domain, 'confluent_kafka_acl', 'acl'))).toContain(
      aclKey(group),
    );
  });
});
