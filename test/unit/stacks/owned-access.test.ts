// The catalog's access grouped by owner and by app is what the stacks create and what each app
// holds: a domain stack's ACLs and subject reads are exactly CatalogAccess.byOwner of its
// domain, and the owners together hold every grant the catalog makes, once.
import { aclKey } from '../../../catalog/access';
import { buildStacks } from '../../../stacks/app';
import { loadCatalog } from '../../../catalog/loader';
import { REPO_ROOT } from '../../../shared/repo-root';
import type { Json } from './synthesized';

const loaded = loadCatalog(REPO_ROOT);
if (!loaded.catalog) throw new Error('the sample catalog does not load');
const catalog = loaded.catalog;
const env = catalog.for('dev');
const built = buildStacks(catalog, { environments: ['dev'], outdir: '/nonexistent' });
const stacks = built.environments.get('dev')?.domains;
if (!stacks) throw new Error('no dev environment');

const forEachOf = (domain: string, type: string, block: string): string[] => {
  const resource = (stacks.get(domain)?.toTerraform().resource ?? {}) as Json;
  return Object.keys((resource[type]?.[block]?.for_each as Json | undefined) ?? {}).sort();
};

describe('CatalogAccess by owner', () => {
  test.each(catalog.domains.map((d) => d.name))(
    'the %s stack holds exactly what the catalog says the domain owns',
    (domain) => {
      const owned = env.access.byOwner(domain);
      expect(forEachOf(domain, 'confluent_kafka_acl', 'acl')).toEqual(
        owned.acls.map(aclKey).sort(),
      );
      expect(forEachOf(domain, 'confluent_role_binding', 'subject_read')).toEqual(
        owned.subjectReads.map((r) => `${r.app}|${r.subject}`).sort(),
      );
    },
  );

  test('the owners together hold every grant of the catalog, each once', () => {
    const held = catalog.domains.flatMap((d) => env.access.byOwner(d.name).acls.map(aclKey));
    expect(new Set(held).size).toBe(held.length);
    expect(held.sort()).toEqual(env.acls.map(aclKey).sort());
  });

  test('a topic ACL is owned by the topic’s domain, an app prefix by the app’s domain', () => {
    for (const d of catalog.domains) {
      for (const g of env.access.byOwner(d.name).acls) {
        if (g.resourceType === 'TOPIC')
          expect(env.topics.find((t) => t.name === g.resourceName)?.domain).toBe(d.name);
        else expect(catalog.app(g.app).domain).toBe(d.name);
      }
    }
  });
});

describe('CatalogAccess by app and topic', () => {
  test('an app holds the grants of its roles and reads its topics’ subjects', () => {
    for (const app of catalog.apps.values()) {
      const access = env.access.byApp(app.id);
      expect(access.acls.map(aclKey).sort()).toEqual(
        env.acls
          .filter((g) => g.app === app.id)
          .map(aclKey)
          .sort(),
      );
      const roles = env.topics.flatMap((t) => [
        ...(t.producers.includes(app.id) ? [`produce ${t.name}`] : []),
        ...(t.consumers.includes(app.id) ? [`consume ${t.name}`] : []),
      ]);
      expect(access.topics.map((g) => `${g.role} ${g.topic}`).sort()).toEqual(roles.sort());
      for (const g of access.topics) {
        const topic = env.topics.find((t) => t.name === g.topic);
        for (const subject of [topic?.schema?.value, topic?.schema?.key])
          if (subject) expect(access.subjectReads).toContain(subject);
      }
    }
  });

  test('a topic’s grants name its apps and nothing else; unknown names have none', () => {
    const topic = env.topics.find((t) => t.producers.length > 0 && t.consumers.length > 0);
    if (!topic) throw new Error('no topic with producers and consumers');
    const grants = env.access.topic(topic.name);
    expect(grants.map((g) => g.app).sort()).toEqual(
      [...topic.producers, ...topic.consumers].sort(),
    );
    for (const g of grants)
      for (const a of g.acls)
        expect(a.resourceType === 'TOPIC' ? a.resourceName : catalog.app(g.app).prefix).toBe(
          a.resourceType === 'TOPIC' ? topic.name : a.resourceName,
        );
    expect(env.access.topic('no.such.topic.v1')).toEqual([]);
    expect(env.access.byApp('no/such-app').acls).toEqual([]);
  });
});
