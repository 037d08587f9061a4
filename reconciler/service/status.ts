// Each managed topic's state with Kubernetes-style conditions, from the latest plan and pass:
// every condition is worded from a typed outcome (what its commands and refusals come to), and
// carries the time its status last changed.
import type { CommandResult } from '../apply/executor';
import type { Command, CommandKind, Plan, Refusal, RefusalKind } from '../plan/commands';
import { commandKey } from '../plan/commands';
import type { Mode } from '../reconcile';
import type { DesiredState } from '../state/desired';

export type TopicState = 'ready' | 'drifted' | 'pending' | 'failed';

export const CONDITION_TYPES = [
  'Exists',
  'PartitionsInSync',
  'ConfigInSync',
  'AclsInSync',
  'SchemaInSync',
] as const;

export type ConditionType = (typeof CONDITION_TYPES)[number];

/**
 * What one condition of a topic comes to: nothing to do; commands enforce mode runs (`pending`)
 * or observe mode only reports (`drifted`); or changes the reconciler refuses (with any commands
 * beside them).
 */
export type ConditionOutcome =
  | { readonly kind: 'in-sync' }
  | { readonly kind: 'pending' | 'drifted'; readonly commands: readonly Command[] }
  | {
      readonly kind: 'refused';
      readonly refusals: readonly Refusal[];
      readonly commands: readonly Command[];
    };

export type ConditionReason = 'InSync' | 'Pending' | 'Drifted' | 'Refused';

const REASON: Readonly<Record<ConditionOutcome['kind'], ConditionReason>> = {
  'in-sync': 'InSync',
  pending: 'Pending',
  drifted: 'Drifted',
  refused: 'Refused',
};

export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False';
  readonly reason: ConditionReason;
  readonly message?: string;
  /** When `status` last changed (Kubernetes' rule: a new reason or message alone is no transition). */
  readonly lastTransitionTime: string;
}

export interface TopicStatus {
  readonly topic: string;
  readonly state: TopicState;
  /** When `state` last changed. */
  readonly since: string;
  readonly conditions: readonly Condition[];
}

const CONDITION_OF: Readonly<Record<CommandKind, ConditionType>> = {
  CreateTopic: 'Exists',
  DeleteTopic: 'Exists',
  IncreasePartitions: 'PartitionsInSync',
  AlterTopicConfig: 'ConfigInSync',
  CreateAcl: 'AclsInSync',
  DeleteAcl: 'AclsInSync',
  RegisterSchema: 'SchemaInSync',
  SetSubjectCompatibility: 'SchemaInSync',
};

const REFUSAL_CONDITION: Readonly<Partial<Record<RefusalKind, ConditionType>>> = {
  'partition-decrease': 'PartitionsInSync',
  'replication-factor-change': 'PartitionsInSync',
  'schema-rollback': 'SchemaInSync',
};

/** A condition from its outcome, with the time of its last transition. */
export function conditionFrom(
  type: ConditionType,
  outcome: ConditionOutcome,
  lastTransitionTime: string,
): Condition {
  if (outcome.kind === 'in-sync')
    return { type, status: 'True', reason: REASON[outcome.kind], lastTransitionTime };
  const refused = outcome.kind === 'refused' ? outcome.refusals.map((r) => r.reason) : [];
  return {
    type,
    status: 'False',
    reason: REASON[outcome.kind],
    message: [...refused, ...outcome.commands.map((c) => c.resource)].join('; '),
    lastTransitionTime,
  };
}

/** The status a condition of this outcome has. */
const statusOf = (o: ConditionOutcome): Condition['status'] =>
  o.kind === 'in-sync' ? 'True' : 'False';

/** When the cluster was compared, and the statuses of the comparison before (for their times). */
export interface Observation {
  readonly at: string;
  readonly previous?: readonly TopicStatus[];
}

export function topicStatuses(
  desired: DesiredState,
  plan: Plan,
  mode: Mode,
  lastResults: readonly CommandResult[] = [],
  observed: Observation = { at: new Date().toISOString() },
): TopicStatus[] {
  const push = <T>(m: Map<string, T[]>, key: string, value: T): void => {
    const list = m.get(key);
    if (list) list.push(value);
    else m.set(key, [value]);
  };
  const byTopic = new Map<string, Command[]>();
  const planned = new Map<string, Command>();
  for (const c of plan.commands) {
    planned.set(commandKey(c), c);
    if (c.topic !== undefined) push(byTopic, c.topic, c);
  }
  const refusedByTopic = new Map<string, Refusal[]>();
  for (const r of plan.refusals)
    if (r.drift && r.topic !== undefined) push(refusedByTopic, r.topic, r);
  // A topic failed when a command of the last pass failed and is still planned.
  const failed = new Set<string>();
  for (const r of lastResults) {
    const t = r.outcome === 'failed' ? planned.get(commandKey(r))?.topic : undefined;
    if (t !== undefined) failed.add(t);
  }
  const before = new Map((observed.previous ?? []).map((s) => [s.topic, s] as const));
  const at = observed.at;

  return desired.topics.map((t) => {
    const commands = byTopic.get(t.name) ?? [];
    const refusals = refusedByTopic.get(t.name) ?? [];
    const previous = before.get(t.name);
    const conditions = CONDITION_TYPES.map((type) => {
      const outcome = outcomeOf(
        commands.filter((c) => CONDITION_OF[c.kind] === type),
        refusals.filter((r) => REFUSAL_CONDITION[r.kind] === type),
        mode,
      );
      const was = previous?.conditions.find((c) => c.type === type);
      const since = was && was.status === statusOf(outcome) ? was.lastTransitionTime : at;
      return conditionFrom(type, outcome, since);
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
    const since = previous && previous.state === state ? previous.since : at;
    return { topic: t.name, state, since, conditions };
  });
}

function outcomeOf(
  commands: readonly Command[],
  refusals: readonly Refusal[],
  mode: Mode,
): ConditionOutcome {
  if (refusals.length > 0) return { kind: 'refused', refusals, commands };
  if (commands.length > 0) return { kind: mode === 'observe' ? 'drifted' : 'pending', commands };
  return { kind: 'in-sync' };
}
