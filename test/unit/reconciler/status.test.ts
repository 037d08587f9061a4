// Topic conditions come from what commands, refusals and results say they are about (their typed
// topic), never from the text of a resource name.
import type { CommandResult } from '../../../reconciler/apply/executor';
import type { Command, Plan, Refusal } from '../../../reconciler/plan/commands';
import type { DesiredState } from '../../../reconciler/state/desired';
import { topicStatuses } from '../../../reconciler/service/status';

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
