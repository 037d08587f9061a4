// Topic conditions come from what commands, refusals and results say they are about (their typed
// topic), never from the text of a resource name, and keep their transition time until their
// status changes.
import type { CommandResult } from '../../../reconciler/apply/executor';
import type { Command, Plan, Refusal } from '../../../reconciler/plan/commands';
import type { DesiredState } from '../../../reconciler/state/desired';
import type { PassReport } from '../../../reconciler/reconcile';
import type { TopicStatus } from '../../../reconciler/service/status';
import { topicStatuses } from '../../../reconciler/service/status';
import { StatusStore } from '../../../reconciler/service/status-store';

const TOPIC = 'orders.a.v1';

const desired = {
  environment: 'local',
  topics: [
    {
      name: TOPIC,
      partitions: 3,
      replicationFactor: 1,
      config: {},
      deletionProtection: true,
      source: { file: 'topics/orders.yaml', line: 9 },
    },
  ],
  deletions: [],
  acls: [],
  subjects: [],
  scope: { prefixes: ['orders.'], principals: new Set<string>(), namespace: () => false },
  unmappedApps: [],
} satisfies DesiredState;

function planOf(commands: Command[], refusals: Refusal[] = []): Plan {
  return {
    environment: 'local',
    commands,
    refusals,
    unmanaged: [],
    drift: commands.length + refusals.length,
    inSync: commands.length + refusals.length === 0,
  };
}

// A subject named apart from its topic: only the typed `topic` ties it to the topic.
const register: Command = {
  id: 'c1',
  kind: 'RegisterSchema',
  resource: 'subject orders.events-value',
  subject: 'orders.events-value',
  topic: TOPIC,
  schemaType: 'AVRO',
  path: 'schemas/orders/a.avsc',
  schema: '"string"',
  references: [],
  reason: 'new',
};

const conditionOf = (statuses: ReturnType<typeof topicStatuses>, type: string) =>
  statuses[0]?.conditions.find((c) => c.type === type);

describe('topic statuses', () => {
  it('group commands by their topic, not by the text of what they act on', () => {
    const statuses = topicStatuses(desired, planOf([register]), 'enforce');
    expect(statuses[0]?.state).toBe('pending');
    expect(conditionOf(statuses, 'SchemaInSync')).toMatchObject({
      status: 'False',
      reason: 'Pending',
      message: 'subject orders.events-value',
    });
    // The same command about no topic of the catalog leaves the topic ready.
    const { topic: _t, ...unrelated } = register;
    expect(topicStatuses(desired, planOf([unrelated as Command]), 'enforce')[0]?.state).toBe(
      'ready',
    );
  });

  it('match refusals by their topic', () => {
    const refusal: Refusal = {
      kind: 'schema-rollback',
      resource: 'subject orders.events-value',
      subject: 'orders.events-value',
      topic: TOPIC,
      reason: 'is an older version',
      drift: true,
    };
    const statuses = topicStatuses(desired, planOf([], [refusal]), 'enforce');
    expect(statuses[0]?.state).toBe('drifted');
    expect(conditionOf(statuses, 'SchemaInSync')).toMatchObject({
      status: 'False',
      reason: 'Refused',
    });
    const { topic: _t, ...elsewhere } = refusal;
    expect(topicStatuses(desired, planOf([], [elsewhere]), 'enforce')[0]?.state).toBe('ready');
  });

  it('mark a topic failed when a failed command of the last pass is still planned', () => {
    const failed: CommandResult = {
      id: 'c7',
      kind: 'RegisterSchema',
      resource: register.resource,
      topic: TOPIC,
      outcome: 'failed',
      attempts: 1,
      durationMs: 3,
    };
    expect(topicStatuses(desired, planOf([register]), 'enforce', [failed])[0]?.state).toBe(
      'failed',
    );
    expect(topicStatuses(desired, planOf([]), 'enforce', [failed])[0]?.state).toBe('ready');
  });
});

describe('transition times', () => {
  const compat: Command = {
    id: 'c2',
    kind: 'SetSubjectCompatibility',
    resource: register.resource,
    subject: 'orders.events-value',
    topic: TOPIC,
    to: 'FULL',
  };
  const rollback: Refusal = {
    kind: 'schema-rollback',
    resource: register.resource,
    topic: TOPIC,
    reason: 'is an older version',
    drift: true,
  };
  const schema = (s: readonly TopicStatus[]) =>
    s[0]?.conditions.find((c) => c.type === 'SchemaInSync');
  const exists = (s: readonly TopicStatus[]) => s[0]?.conditions.find((c) => c.type === 'Exists');

  it('move only when a condition status or the topic state changes', () => {
    let previous: TopicStatus[] = [];
    const observe = (at: string, p: Plan, mode: 'enforce' | 'observe' = 'enforce') =>
      (previous = topicStatuses(desired, p, mode, [], { at, previous }));

    observe('t1', planOf([register]));
    expect(schema(previous)).toMatchObject({ status: 'False', lastTransitionTime: 't1' });
    expect(previous[0]).toMatchObject({ state: 'pending', since: 't1' });
    observe('t2', planOf([register])); // the same outcome
    observe('t3', planOf([register, compat])); // another message: no transition
    expect(schema(previous)).toMatchObject({ status: 'False', lastTransitionTime: 't1' });
    expect(previous[0]?.since).toBe('t1');
    observe('t4', planOf([register]), 'observe'); // another reason (Drifted): no transition
    expect(schema(previous)).toMatchObject({ reason: 'Drifted', lastTransitionTime: 't1' });
    expect(previous[0]).toMatchObject({ state: 'drifted', since: 't4' });
    observe('t5', planOf([]));
    expect(schema(previous)).toMatchObject({ status: 'True', lastTransitionTime: 't5' });
    expect(exists(previous)?.lastTransitionTime).toBe('t1');
    expect(previous[0]).toMatchObject({ state: 'ready', since: 't5' });
    observe('t6', planOf([], [rollback]));
    expect(schema(previous)).toMatchObject({ status: 'False', reason: 'Refused' });
    expect(schema(previous)?.lastTransitionTime).toBe('t6');
    // A topic that leaves the catalog and comes back starts afresh.
    previous = topicStatuses({ ...desired, topics: [] }, planOf([]), 'enforce', [], {
      at: 't7',
      previous,
    });
    observe('t8', planOf([]));
    expect(exists(previous)?.lastTransitionTime).toBe('t8');
  });

  it('are kept by the status store across passes with the same outcome', () => {
    let now = Date.parse('2025-01-01T10:00:00.000Z');
    const store = new StatusStore('enforce', () => now);
    const report = (p: Plan): PassReport => ({
      id: 'r',
      environment: 'local',
      mode: 'enforce',
      state: 'succeeded',
      startedAt: new Date(now).toISOString(),
      durationMs: 1,
      plan: p,
      results: [],
      drift: p.drift,
      counts: { commands: 0, succeeded: 0, failed: 0, skipped: 0 },
      roundTrips: { admin: 0, registry: 0 },
    });
    const at = (minutes: number) =>
      new Date(Date.parse('2025-01-01T10:00:00.000Z') + minutes * 60_000).toISOString();

    store.passed(report(planOf([register])), desired);
    now += 60_000;
    store.passed(report(planOf([register])), desired);
    let snap = store.snapshot(true);
    expect(snap.observedAt).toBe(at(1));
    expect(schema(snap.topics)?.lastTransitionTime).toBe(at(0));
    now += 60_000;
    store.compared(planOf([]), desired, new Date(now).toISOString());
    snap = store.snapshot(true);
    expect(schema(snap.topics)).toMatchObject({ status: 'True', lastTransitionTime: at(2) });
    expect(exists(snap.topics)?.lastTransitionTime).toBe(at(0));
    expect(store.snapshot(true)).toBe(snap); // served from memory until something changes
  });
});
