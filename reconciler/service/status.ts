// Each managed topic's state with Kubernetes-style conditions, from the latest plan and pass.
import type { CommandResult } from '../apply/executor';
import type { Command, Plan, Refusal } from '../plan/commands';
import { commandKey } from '../plan/commands';
import type { Mode } from '../reconcile';
import type { DesiredState } from '../state/desired';

export type TopicState = 'ready' | 'drifted' | 'pending' | 'failed';

export interface Condition {
  readonly type: 'Exists' | 'PartitionsInSync' | 'ConfigInSync' | 'AclsInSync' | 'SchemaInSync';
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message?: string;
}

export interface TopicStatus {
  readonly topic: string;
  readonly state: TopicState;
  readonly conditions: readonly Condition[];
}

const CONDITION_OF: Record<Command['kind'], Condition['type']> = {
  CreateTopic: 'Exists',
  DeleteTopic: 'Exists',
  IncreasePartitions: 'PartitionsInSync',
  AlterTopicConfig: 'ConfigInSync',
  CreateAcl: 'AclsInSync',
  DeleteAcl: 'AclsInSync',
  RegisterSchema: 'SchemaInSync',
  SetSubjectCompatibility: 'SchemaInSync',
};

const REFUSAL_CONDITION: Partial<Record<Refusal['kind'], Condition['type']>> = {
  'partition-decrease': 'PartitionsInSync',
  'replication-factor-change': 'PartitionsInSync',
  'schema-rollback': 'SchemaInSync',
};

export function topicStatuses(
  desired: DesiredState,
  plan: Plan,
  mode: Mode,
  lastResults: readonly CommandResult[] = [],
): TopicStatus[] {
  const byTopic = new Map<string, Command[]>();
  const planned = new Map<string, Command>();
  for (const c of plan.commands) {
    planned.set(commandKey(c), c);
    if (c.topic !== undefined) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), c]);
  }
  const refusedByTopic = new Map<string, Refusal[]>();
  for (const r of plan.refusals)
    if (r.drift && r.topic !== undefined)
      refusedByTopic.set(r.topic, [...(refusedByTopic.get(r.topic) ?? []), r]);
  // A topic failed when a command of the last pass failed and is still planned.
  const failed = new Set<string>();
  for (const r of lastResults) {
    const t = r.outcome === 'failed' ? planned.get(commandKey(r))?.topic : undefined;
    if (t !== undefined) failed.add(t);
  }
  return desired.topics.map((t) => {
    const commands = byTopic.get(t.name) ?? [];
    const refusals = refusedByTopic.get(t.name) ?? [];
    const conditions: Condition[] = (
      ['Exists', 'PartitionsInSync', 'ConfigInSync', 'AclsInSync', 'SchemaInSync'] as const
    ).map((type) => {
      const pending = commands.filter((c) => CONDITION_OF[c.kind] === type);
      const refused = refusals.filter((r) => REFUSAL_CONDITION[r.kind] === type);
      if (pending.length === 0 && refused.length === 0)
        return { type, status: 'True', reason: 'InSync' } as const;
      return {
        type,
        status: 'False',
        reason: refused.length ? 'Refused' : mode === 'observe' ? 'Drifted' : 'Pending',
        message: [...refused.map((r) => r.reason), ...pending.map((c) => c.resource)].join('; '),
      } as const;
    });
    const state: TopicState =
      failed.has(t.name) && commands.length > 0
        ? 'failed'
        : refusals.length > 0
          ? 'drifted'
          : commands.length > 0
            ? mode === 'observe'
              ? 'drifted'
              : 'pending'
            : 'ready';
    return { topic: t.name, state, conditions };
  });
}
