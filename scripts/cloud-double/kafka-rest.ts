// The clusters' REST endpoint: the Kafka REST v3 subset the provider uses for topics and ACLs
// (`/kafka/v3/clusters/{id}/topics…`, `/acls`), served on the real local broker through the
// project's Kafka admin interface. What a request creates exists in the real Kafka afterwards.
// Authentication is a Kafka API key of that cluster; authorization is the key owner's role
// bindings (access.ts), as on Confluent Cloud.
import type { KafkaAdmin } from '../../reconciler/cluster/kafka-admin';
import type {
  AclBinding,
  BindingPatternType,
  BindingResourceType,
  ItemError,
} from '../../reconciler/cluster/types';
import { allowed, crn } from './access';
import type { Action } from './access';
import { forbidden, object, requireResourceKey } from './control-plane';
import { HttpError, route } from './http';
import type { Request, Route } from './http';
import type { ClusterRecord, Store } from './store';

const CLUSTER = '^/kafka/v3/clusters/(?<cluster>[^/]+)';
const TOPIC = `${CLUSTER}/topics/(?<topic>[^/]+)`;

export function kafkaRestRoutes(store: Store, admin: KafkaAdmin, base: string): Route[] {
  const s = store.state;
  /** The cluster a request addresses, after checking its key; `can` asks about one resource. */
  const open = (req: Request) => {
    const cluster = s.clusters[req.params.cluster ?? ''];
    if (!cluster) throw kafkaError(404, 40403, `Cluster ${req.params.cluster ?? ''} not found`);
    const key = requireResourceKey(s, req, cluster.id);
    const kafkaCrn = crn.kafka(s, cluster.environmentId, cluster.id);
    const clusterCrn = crn.cluster(s, cluster.environmentId, cluster.id);
    return {
      cluster,
      can: (action: Action, resource: string): boolean =>
        allowed(s, key.ownerId, action, resource === '' ? clusterCrn : `${kafkaCrn}/${resource}`),
      must(action: Action, resource: string, what: string): void {
        if (!this.can(action, resource)) throw forbidden(what, action);
      },
    };
  };
  const topicView = (c: ClusterRecord, name: string, partitions: number, rf: number) => {
    const self = `${base}/kafka/v3/clusters/${c.id}/topics/${encodeURIComponent(name)}`;
    return {
      kind: 'KafkaTopic',
      metadata: { self, resource_name: `crn:///kafka=${c.id}/topic=${name}` },
      cluster_id: c.id,
      topic_name: name,
      is_internal: false,
      replication_factor: rf,
      partitions_count: partitions,
      partitions: { related: `${self}/partitions` },
      configs: { related: `${self}/configs` },
      partition_reassignments: { related: `${self}/partitions/-/reassignment` },
      authorized_operations: [],
    };
  };
  const describe = async (name: string) => {
    const t = (await admin.describeTopics()).find((d) => d.name === name);
    if (!t) throw kafkaError(404, 40403, 'This server does not host this topic-partition.');
    return t;
  };

  return [
    route('GET', new RegExp(`${CLUSTER}$`), (req) => {
      const { cluster } = open(req);
      return ok({
        kind: 'KafkaCluster',
        metadata: {
          self: `${base}/kafka/v3/clusters/${cluster.id}`,
          resource_name: `crn:///kafka=${cluster.id}`,
        },
        cluster_id: cluster.id,
      });
    }),
    route('GET', new RegExp(`${CLUSTER}/topics$`), async (req) => {
      const { cluster, can } = open(req);
      // Confluent lists only the topics the caller may see: never a 403 for the list itself.
      const data = (await admin.describeTopics())
        .filter((t) => !t.name.startsWith('_') && can('topic:read', `topic=${t.name}`))
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((t) => topicView(cluster, t.name, t.partitions, t.replicationFactor));
      return ok({ kind: 'KafkaTopicList', metadata: { self: req.path }, data });
    }),
    route('POST', new RegExp(`${CLUSTER}/topics$`), async (req) => {
      const c = open(req);
      const b = object(req.body);
      const name = b.topic_name;
      if (typeof name !== 'string' || name === '')
        throw kafkaError(400, 40002, 'topic_name is required');
      c.must('topic:manage', `topic=${name}`, `create topic ${name}`);
      if ((await admin.describeTopics()).some((t) => t.name === name)) {
        throw kafkaError(400, 40002, `Topic '${name}' already exists.`);
      }
      const partitions = typeof b.partitions_count === 'number' ? b.partitions_count : 6;
      const config: Record<string, string> = {};
      for (const e of Array.isArray(b.configs) ? b.configs : []) {
        const entry = object(e);
        if (typeof entry.name === 'string' && typeof entry.value === 'string')
          config[entry.name] = entry.value;
      }
      const [failed] = await admin.createTopics([
        // -1: the broker's default replication factor (the local broker has one node).
        { name, partitions, replicationFactor: -1, config },
      ]);
      if (failed) throw fromKafka(failed);
      return { status: 201, body: topicView(c.cluster, name, partitions, 1) };
    }),
    route('GET', new RegExp(`${TOPIC}$`), async (req) => {
      const c = open(req);
      const name = req.params.topic ?? '';
      c.must('topic:read', `topic=${name}`, `describe topic ${name}`);
      const t = await describe(name);
      return ok(topicView(c.cluster, t.name, t.partitions, t.replicationFactor));
    }),
    route('PATCH', new RegExp(`${TOPIC}$`), async (req) => {
      const c = open(req);
      const name = req.params.topic ?? '';
      c.must('topic:manage', `topic=${name}`, `alter topic ${name}`);
      const t = await describe(name);
      const count = object(req.body).partitions_count;
      if (typeof count !== 'number') throw kafkaError(400, 40002, 'partitions_count is required');
      if (count < t.partitions) {
        throw kafkaError(
          400,
          40002,
          `Topic currently has ${t.partitions} partitions, which is higher than the requested ${count}.`,
        );
      }
      if (count > t.partitions) {
        const [failed] = await admin.createPartitions([{ topic: name, count }]);
        if (failed) throw fromKafka(failed);
      }
      return ok(topicView(c.cluster, name, count, t.replicationFactor));
    }),
    route('DELETE', new RegExp(`${TOPIC}$`), async (req) => {
      const c = open(req);
      const name = req.params.topic ?? '';
      c.must('topic:manage', `topic=${name}`, `delete topic ${name}`);
      await describe(name);
      const [failed] = await admin.deleteTopics([name]);
      if (failed) throw fromKafka(failed);
      return { status: 204 };
    }),
    route('GET', new RegExp(`${TOPIC}/configs$`), async (req) => {
      const c = open(req);
      const name = req.params.topic ?? '';
      c.must('topic:read', `topic=${name}`, `describe configs of ${name}`);
      await describe(name);
      const configs = (await admin.describeTopicConfigs([name])).get(name) ?? {};
      const self = `${base}/kafka/v3/clusters/${c.cluster.id}/topics/${encodeURIComponent(name)}/configs`;
      const data = Object.entries(configs)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => ({
          kind: 'KafkaTopicConfig',
          metadata: { self: `${self}/${key}` },
          cluster_id: c.cluster.id,
          topic_name: name,
          name: key,
          value,
          is_default: false,
          is_read_only: false,
          is_sensitive: false,
          source: 'DYNAMIC_TOPIC_CONFIG',
          synonyms: [],
        }));
      return ok({ kind: 'KafkaTopicConfigList', metadata: { self }, data });
    }),
    route('POST', new RegExp(`${TOPIC}/configs:alter$`), async (req) => {
      const c = open(req);
      const name = req.params.topic ?? '';
      c.must('topic:manage', `topic=${name}`, `alter configs of ${name}`);
      await describe(name);
      // Incremental, as IncrementalAlterConfigs: given keys are set (or deleted), others kept.
      const current = { ...((await admin.describeTopicConfigs([name])).get(name) ?? {}) };
      const { data } = object(req.body);
      for (const e of Array.isArray(data) ? (data as unknown[]) : []) {
        const entry = object(e);
        if (typeof entry.name !== 'string') continue;
        if (entry.operation === 'DELETE') delete current[entry.name];
        else if (typeof entry.value === 'string') current[entry.name] = entry.value;
      }
      const [failed] = await admin.alterTopicConfigs([{ topic: name, config: current }]);
      if (failed) throw fromKafka(failed);
      return { status: 204 };
    }),
    route('POST', new RegExp(`${CLUSTER}/acls$`), async (req) => {
      const c = open(req);
      c.must('acl:manage', '', 'create ACLs');
      const acl = aclOf(object(req.body));
      const [failed] = await admin.createAcls([acl]);
      if (failed) throw fromKafka(failed);
      return { status: 201 };
    }),
    route('GET', new RegExp(`${CLUSTER}/acls$`), async (req) => {
      const c = open(req);
      c.must('acl:read', '', 'describe ACLs');
      const found = await admin.describeAcls(filterOf(req.query));
      return ok({
        kind: 'KafkaAclList',
        metadata: { self: req.path },
        data: found.map((a) => aclView(c.cluster.id, base, a)),
      });
    }),
    route('DELETE', new RegExp(`${CLUSTER}/acls$`), async (req) => {
      const c = open(req);
      c.must('acl:manage', '', 'delete ACLs');
      const found = await admin.describeAcls(filterOf(req.query));
      const failed = (await admin.deleteAcls(found)).find((e) => e !== undefined);
      if (failed) throw fromKafka(failed);
      return ok({ data: found.map((a) => aclView(c.cluster.id, base, a)) });
    }),
  ];
}

const RESOURCE_TYPES: readonly BindingResourceType[] = [
  'TOPIC',
  'GROUP',
  'TRANSACTIONAL_ID',
  'CLUSTER',
];
const PATTERN_TYPES: readonly BindingPatternType[] = ['LITERAL', 'PREFIXED'];

function aclOf(b: Record<string, unknown>): AclBinding {
  const text = (key: string): string => {
    const v = b[key];
    if (typeof v !== 'string' || v === '') throw kafkaError(400, 40002, `${key} is required`);
    return v;
  };
  const resourceType = text('resource_type') as BindingResourceType;
  const patternType = text('pattern_type') as BindingPatternType;
  const permission = text('permission');
  if (!RESOURCE_TYPES.includes(resourceType))
    throw kafkaError(400, 40002, `unknown resource_type ${resourceType}`);
  if (!PATTERN_TYPES.includes(patternType))
    throw kafkaError(400, 40002, `unknown pattern_type ${patternType}`);
  if (permission !== 'ALLOW' && permission !== 'DENY')
    throw kafkaError(400, 40002, `unknown permission ${permission}`);
  return {
    resourceType,
    resourceName: text('resource_name'),
    patternType,
    principal: text('principal'),
    host: text('host'),
    operation: text('operation'),
    permission,
  };
}

/** A REST ACL filter (query parameters; absent or ANY matches everything). */
function filterOf(q: URLSearchParams): Partial<AclBinding> {
  const value = (key: string): string | undefined => {
    const v = q.get(key);
    return v === null || v === '' || v === 'ANY' ? undefined : v;
  };
  const f: Partial<Record<keyof AclBinding, string>> = {};
  const set = (k: keyof AclBinding, v: string | undefined): void => {
    if (v !== undefined) f[k] = v;
  };
  set('resourceType', value('resource_type'));
  set('resourceName', value('resource_name'));
  set('patternType', value('pattern_type') === 'MATCH' ? undefined : value('pattern_type'));
  set('principal', value('principal'));
  set('host', value('host'));
  set('operation', value('operation'));
  set('permission', value('permission'));
  return f as Partial<AclBinding>;
}

function aclView(cluster: string, base: string, a: AclBinding) {
  return {
    kind: 'KafkaAcl',
    metadata: { self: `${base}/kafka/v3/clusters/${cluster}/acls` },
    cluster_id: cluster,
    resource_type: a.resourceType,
    resource_name: a.resourceName,
    pattern_type: a.patternType,
    principal: a.principal,
    host: a.host,
    operation: a.operation,
    permission: a.permission,
  };
}

const ok = (body: unknown) => ({ status: 200, body });

export function kafkaError(status: number, code: number, message: string): HttpError {
  return new HttpError(status, { error_code: code, message });
}

function fromKafka(e: ItemError): HttpError {
  if (e.code === 'UNKNOWN_TOPIC_OR_PARTITION') return kafkaError(404, 40403, e.message);
  if (e.retriable) return kafkaError(503, 50301, e.message);
  return kafkaError(400, 40002, e.message);
}
