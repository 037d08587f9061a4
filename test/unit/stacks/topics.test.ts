// Topics, schemas and compatibility per environment: exactly the catalog's, and protection
// (prevent_destroy) exactly where the environment is protected.
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { KafkaCluster } from '../../../stacks/.gen/providers/confluent/kafka-cluster';
import { forEach, stack, synthesizeSample } from './synthesized';
import type { Json } from './synthesized';

Testing.setupJest();
const s = synthesizeSample();
const ENVS = ['dev', 'staging', 'prod'];

describe.each(ENVS)('%s', (env) => {
  const catalogEnv = s.catalog.for(env);
  const domainStacks = s.catalog.domains.map(
    (d) => [d.name, stack(s, `domain-${d.name}-${env}`)] as const,
  );
  const isProtected = catalogEnv.spec.protected;

  test('topics: names, partitions and complete configs, each in its domain’s stack', () => {
    const actual = new Map<string, Json>();
    for (const [domain, st] of domainStacks) {
      for (const block of ['topic', 'protected_topic']) {
        for (const [name, v] of Object.entries(forEach(st, 'confluent_kafka_topic', block))) {
          expect(name.startsWith(`${domain}.`)).toBe(true);
          expect(actual.has(name)).toBe(false);
          actual.set(name, v);
        }
      }
    }
    expect([...actual.keys()].sort()).toEqual(catalogEnv.topics.map((t) => t.name).sort());
    for (const t of catalogEnv.topics) {
      expect(actual.get(t.name)).toEqual({ partitions: t.partitions, config: { ...t.config } });
    }
    const orders = stack(s, `domain-orders-${env}`);
    const block = orders.resource.confluent_kafka_topic.topic as Json;
    expect(block.topic_name).toBe('${each.key}');
    expect(block.partitions_count).toBe('${each.value.partitions}');
    expect(block.config).toBe('${each.value.config}');
  });

  test('per-environment overrides reach the stacks', () => {
    const created = {
      ...forEach(stack(s, `domain-orders-${env}`), 'confluent_kafka_topic', 'topic'),
      ...forEach(stack(s, `domain-orders-${env}`), 'confluent_kafka_topic', 'protected_topic'),
    }['orders.order-created.v1'];
    expect(created?.partitions).toBe(env === 'dev' ? 1 : 6);
    expect(created?.config['retention.ms']).toBe(env === 'dev' ? '86400000' : '1209600000');
  });

  test(
    isProtected
      ? 'protected: prevent_destroy on environment, cluster, topics, platform API keys'
      : 'not protected: no prevent_destroy anywhere',
    () => {
      const platform = stack(s, `platform-${env}`);
      const keys = platform.resource.confluent_api_key as Record<string, Json>;
      const guarded = [
        platform.resource.confluent_environment.environment,
        platform.resource.confluent_kafka_cluster.cluster,
        ...Object.entries(keys)
          .filter(([name]) => !name.startsWith('app_'))
          .map(([, key]) => key),
      ];
      for (const r of guarded) expect(r.lifecycle?.prevent_destroy === true).toBe(isProtected);
      // An app removed from the catalog loses its keys, protected or not.
      expect(keys.app_kafka_key).toBeDefined();
      expect(keys.app_kafka_key?.lifecycle?.prevent_destroy).not.toBe(true);
      expect(keys.app_registry_key?.lifecycle?.prevent_destroy).not.toBe(true);
      for (const [, st] of domainStacks) {
        const topics = st.resource.confluent_kafka_topic as Record<string, Json>;
        expect(topics.topic?.lifecycle?.prevent_destroy === true).toBe(false);
        if (isProtected) {
          expect(topics.protected_topic?.lifecycle?.prevent_destroy).toBe(true);
          expect(Object.keys(forEach(st, 'confluent_kafka_topic', 'topic'))).toEqual([]); // all protected here
        } else {
          expect(topics.protected_topic).toBeUndefined();
          const moved = (st.moved ?? []) as { to: string }[];
          expect(moved.filter((m) => m.to.startsWith('confluent_kafka_topic.'))).toEqual([]);
        }
      }
    },
  );

  test('schemas: subjects, formats, references (registered first) and compatibility', () => {
    const registered = new Map<string, { layer: number; stack: string; entry: Json }>();
    const compat = new Map<string, string>();
    for (const [domain, st] of domainStacks) {
      for (const [block, r] of Object.entries(
        (st.resource.confluent_schema ?? {}) as Record<string, Json>,
      )) {
        expect(r.depends_on).toContain('confluent_subject_config.subject_config');
        const layer = Number(block.replace('schema_', ''));
        for (const [subject, entry] of Object.entries(r.for_each as Record<string, Json>)) {
          expect(subject.startsWith(`${domain}.`)).toBe(true);
          registered.set(subject, { layer, stack: `domain-${domain}-${env}`, entry });
        }
      }
      for (const [subject, v] of Object.entries(
        forEach(st, 'confluent_subject_config', 'subject_config'),
      )) {
        compat.set(subject, v.level as string);
      }
    }
    expect([...registered.keys()].sort()).toEqual(catalogEnv.subjects.map((x) => x.name).sort());
    for (const subject of catalogEnv.subjects) {
      const r = registered.get(subject.name);
      expect(r?.entry.format).toBe(subject.schema.format);
      expect(r?.entry.schema).toBe(subject.schema.text);
      expect(compat.get(subject.name)).toBe(subject.compatibility);
      expect(r?.entry.references).toEqual(
        subject.schema.references.map((x) => ({ name: x.name, subject_name: x.subject })),
      );
      for (const ref of subject.schema.references) {
        const target = registered.get(ref.subject);
        if (!target || !r) throw new Error(`unregistered reference ${ref.subject}`);
        if (target.stack === r.stack) {
          expect(target.layer).toBeLessThan(r.layer);
          const versions = stack(s, r.stack).locals[`schema_versions_${r.layer}`] as Json;
          expect(versions[ref.subject]).toBe(
            `\${confluent_schema.schema_${target.layer}["${ref.subject}"].version}`,
          );
        } else {
          expect(s.dependencies.get(r.stack)).toContain(target.stack);
        }
      }
    }
    expect(compat.get('payments.payment-authorized.v1-value')).toBe('FULL');
  });

  test('platform: the environment’s cluster type and a topic manager scoped to each domain’s prefixes', () => {
    const platform = s.built.environments.get(env)?.platform;
    if (!platform) throw new Error('no platform stack');
    const cluster = catalogEnv.spec.cluster;
    const type =
      cluster?.type === 'dedicated'
        ? { dedicated: { cku: cluster.cku } }
        : { [cluster?.type ?? '']: [{}] };
    expect(Testing.synth(platform)).toHaveResourceWithProperties(KafkaCluster, {
      availability: cluster?.availability,
      cloud: catalogEnv.spec.cloud,
      region: catalogEnv.spec.region,
      ...type,
    });
    const json = stack(s, `platform-${env}`);
    expect(json.resource.confluent_environment.environment.stream_governance).toEqual({
      package: catalogEnv.spec.streamGovernance,
    });
    const bindings = forEach(json, 'confluent_role_binding', 'domain_manager_role');
    for (const d of s.catalog.domains) {
      for (const kind of ['topic', 'group', 'transactional-id']) {
        expect(bindings[`${d.name}|${kind}`]?.crn).toBe(
          `\${confluent_kafka_cluster.cluster.rbac_crn}/kafka=\${confluent_kafka_cluster.cluster.id}/${kind}=${d.name}.*`,
        );
      }
      expect(bindings[`${d.name}|subject`]?.crn).toBe(
        `\${data.confluent_schema_registry_cluster.registry.resource_name}/subject=${d.name}.*`,
      );
    }
    expect(Object.keys(bindings)).toHaveLength(4 * s.catalog.domains.length);
    expect(json.resource.confluent_role_binding.domain_manager_role.role_name).toBe(
      'ResourceOwner',
    );
    expect(Object.keys(forEach(json, 'confluent_service_account', 'app')).sort()).toEqual(
      catalogEnv.apps.map((a) => a.id).sort(),
    );
  });
});
