// Drift items come from the real planner's plans: every command and every refusal that is drift
// becomes one item saying what differs, desired vs actual.
import type { AclBinding } from '../../../reconciler/cluster/types';
import { plan } from '../../../reconciler/plan/planner';
import type { PassReport } from '../../../reconciler/reconcile';
import { driftItems } from '../../../reconciler/service/drift';
import { driftEvent } from '../../../reconciler/service/kafka-io';
import type { ActualState, ActualTopic } from '../../../reconciler/state/actual';
import type { DesiredState, DesiredSubject } from '../../../reconciler/state/desired';

const acl = (over: Partial<AclBinding> = {}): AclBinding => ({
  principal: 'User:orders.svc',
  host: '*',
  resourceType: 'TOPIC',
  resourceName: 'orders.a.v1',
  patternType: 'LITERAL',
  operation: 'WRITE',
  permission: 'ALLOW',
  ...over,
});

const topic = (name: string, partitions: number, config: Record<string, string> = {}) => ({
  name,
  partitions,
  replicationFactor: 1,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000', ...config },
  deletionProtection: true,
  source: { file: 'topics/orders.yaml', line: 9 },
});

const subject: DesiredSubject = {
  name: 'orders.a.v1-value',
  format: 'JSON',
  path: 'schemas/orders/a.json',
  text: '{"type":"object"}',
  references: [],
  compatibility: 'BACKWARD',
};

function desired(over: Partial<DesiredState> = {}): DesiredState {
  return {
    environment: 'local',
    topics: [topic('orders.a.v1', 3)],
    deletions: [],
    acls: [{ ...acl(), app: 'orders/svc' }],
    subjects: [],
    scope: {
      prefixes: ['orders.'],
      principals: new Set(['User:orders.svc']),
      namespace: () => false,
    },
    unmappedApps: [],
    ...over,
  };
}

function actual(topics: ActualTopic[], over: Partial<ActualState> = {}): ActualState {
  return {
    topics: new Map(topics.map((t) => [t.name, t])),
    unmanagedTopics: [],
    acls: [acl()],
    subjects: new Map(),
    ...over,
  };
}

const inSync: ActualTopic = {
  name: 'orders.a.v1',
  partitions: 3,
  replicationFactor: 1,
  config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
};

describe('drift items', () => {
  it('are empty when the cluster matches the catalog', () => {
    expect(driftItems(plan(desired(), actual([inSync])))).toEqual([]);
  });

  it('give partitions and each config key as desired vs actual', () => {
    const p = plan(
      desired(),
      actual([
        {
          ...inSync,
          partitions: 1,
          config: { 'cleanup.policy': 'delete', 'retention.ms': '86400000', 'segment.ms': '60000' },
        },
      ]),
    );
    expect(driftItems(p)).toEqual([
      {
        kind: 'partitions',
        resource: 'topic orders.a.v1',
        command: 'IncreasePartitions',
        differences: [{ field: 'partitions', desired: 3, actual: 1 }],
      },
      {
        kind: 'config',
        resource: 'topic orders.a.v1',
        command: 'AlterTopicConfig',
        differences: [
          { field: 'retention.ms', desired: '604800000', actual: '86400000' },
          // Set out of band, not in the catalog: desired is absent.
          { field: 'segment.ms', actual: '60000' },
        ],
      },
    ]);
  });

  it('read refused partition decreases and replication changes back from the planner', () => {
    const p = plan(desired(), actual([{ ...inSync, partitions: 6, replicationFactor: 3 }]));
    const items = driftItems(p);
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'partitions',
        command: 'Refused',
        refused: true,
        differences: [{ field: 'partitions', desired: 3, actual: 6 }],
        message: expect.stringContaining('Kafka cannot remove partitions'),
      }),
      expect.objectContaining({
        kind: 'replication-factor',
        command: 'Refused',
        refused: true,
        differences: [{ field: 'replication.factor', desired: 1, actual: 3 }],
      }),
    ]);
    expect(items).toHaveLength(p.drift);
  });

  it('name missing and extra ACLs, missing and deletable topics, subjects and unmapped apps', () => {
    const foreign = acl({ operation: 'READ' });
    const p = plan(
      desired({
        topics: [topic('orders.a.v1', 3), topic('orders.b.v1', 2)],
        deletions: ['orders.old.v1'],
        subjects: [subject],
        unmappedApps: ['orders/reporting'],
      }),
      actual(
        [inSync, { ...inSync, name: 'orders.old.v1' }, { ...inSync, name: 'orders.kept.v1' }],
        {
          acls: [foreign],
        },
      ),
    );
    const items = driftItems(p);
    const byKind = (kind: string) => items.filter((i) => i.kind === kind);
    expect(byKind('topic-missing')).toEqual([
      {
        kind: 'topic-missing',
        resource: 'topic orders.b.v1',
        command: 'CreateTopic',
        differences: [
          { field: 'topic', desired: 'orders.b.v1' },
          { field: 'partitions', desired: 2 },
          { field: 'replication.factor', desired: 1 },
          { field: 'cleanup.policy', desired: 'delete' },
          { field: 'retention.ms', desired: '604800000' },
        ],
      },
    ]);
    expect(byKind('topic-extra')).toMatchObject([
      { command: 'DeleteTopic', differences: [{ field: 'topic', actual: 'orders.old.v1' }] },
    ]);
    expect(byKind('acl-missing')).toMatchObject([
      {
        command: 'CreateAcl',
        differences: [{ field: 'acl', desired: 'ALLOW User:orders.svc WRITE TOPIC:orders.a.v1' }],
      },
    ]);
    expect(byKind('acl-extra')).toMatchObject([
      {
        command: 'DeleteAcl',
        differences: [{ field: 'acl', actual: 'ALLOW User:orders.svc READ TOPIC:orders.a.v1' }],
        message: 'the catalog does not grant it to User:orders.svc',
      },
    ]);
    expect(byKind('subject')).toEqual([
      {
        kind: 'subject',
        resource: 'subject orders.a.v1-value',
        command: 'RegisterSchema',
        differences: [{ field: 'schema', desired: 'schemas/orders/a.json' }],
        message: 'not registered',
      },
      {
        kind: 'subject',
        resource: 'subject orders.a.v1-value',
        command: 'SetSubjectCompatibility',
        differences: [{ field: 'compatibility', desired: 'BACKWARD' }],
      },
    ]);
    expect(byKind('principal-missing')).toMatchObject([
      { resource: 'app orders/reporting', command: 'Refused', refused: true },
    ]);
    // orders.kept.v1 is not in the catalog: kept and reported, but it is not drift.
    expect(items.map((i) => i.resource)).not.toContain('topic orders.kept.v1');
    expect(items).toHaveLength(p.drift);
  });

  it('give a subject whose level differs its desired and actual compatibility', () => {
    const p = plan(
      desired({ subjects: [subject] }),
      actual([inSync], {
        subjects: new Map([
          [
            subject.name,
            {
              name: subject.name,
              version: 1,
              schema: subject.text,
              schemaType: 'JSON',
              references: [],
              compatibility: 'NONE',
            },
          ],
        ]),
      }),
    );
    expect(driftItems(p)).toEqual([
      {
        kind: 'subject',
        resource: 'subject orders.a.v1-value',
        command: 'SetSubjectCompatibility',
        differences: [{ field: 'compatibility', desired: 'BACKWARD', actual: 'NONE' }],
      },
    ]);
  });

  it('become events with outcome "drifted" and the pass they belong to', () => {
    const p = plan(desired(), actual([{ ...inSync, partitions: 1 }]));
    const report = { id: 'r1', environment: 'local', mode: 'observe', plan: p } as PassReport;
    const [item] = driftItems(p);
    expect(driftEvent(report, item as never, '2026-01-01T00:00:00.000Z')).toEqual({
      reconciliationId: 'r1',
      environment: 'local',
      command: 'IncreasePartitions',
      resource: 'topic orders.a.v1',
      outcome: 'drifted',
      drift: 'partitions',
      differences: [{ field: 'partitions', desired: 3, actual: 1 }],
      at: '2026-01-01T00:00:00.000Z',
    });
  });
});

test('an ACL of an app removed from the catalog is drift that says so', () => {
  const gone = acl({ principal: 'User:orders.old-app', operation: 'READ' });
  const p = plan(
    desired({ scope: { ...desired().scope, namespace: (pr) => pr.startsWith('User:orders.') } }),
    actual([topic('orders.a.v1', 3)], { acls: [acl(), gone] }),
  );
  expect(driftItems(p)).toEqual([
    {
      kind: 'acl-extra',
      resource: 'acl ALLOW User:orders.old-app READ TOPIC:orders.a.v1',
      command: 'DeleteAcl',
      differences: [{ field: 'acl', actual: 'ALLOW User:orders.old-app READ TOPIC:orders.a.v1' }],
      message: 'User:orders.old-app belongs to no app in the catalog any more: all its ACLs go',
    },
  ]);
});
