// The plan's vocabulary: typed commands (what to do) and refusals (what must not or cannot be done).
import type { AclBinding } from '../cluster/types';
import type { SchemaFormat } from '../../catalog/model';

/**
 * What a command, refusal or result is about, in the catalog's terms: what status conditions,
 * links to catalog lines and reports group by, without reading it back out of `resource`.
 */
export interface Identity {
  /** The catalog topic it belongs to: the topic itself, its key or value subject, an ACL on it. */
  readonly topic?: string;
  /** The registry subject it acts on. */
  readonly subject?: string;
  /** The catalog app ("orders/order-service") whose access it is. */
  readonly app?: string;
}

/** The identity fields of a command or refusal, alone (for results and events). */
export function identityOf(x: Identity): Identity {
  return {
    ...(x.topic !== undefined ? { topic: x.topic } : {}),
    ...(x.subject !== undefined ? { subject: x.subject } : {}),
    ...(x.app !== undefined ? { app: x.app } : {}),
  };
}

interface Base extends Identity {
  /** Stable within one plan ("c1", "c2", ...), for results and events. */
  readonly id: string;
  /** What it acts on, for people: "topic orders.order-created.v1". */
  readonly resource: string;
}

export interface CreateTopic extends Base {
  readonly kind: 'CreateTopic';
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface IncreasePartitions extends Base {
  readonly kind: 'IncreasePartitions';
  readonly topic: string;
  readonly from: number;
  readonly to: number;
}

export interface ConfigChange {
  readonly key: string;
  /** Absent: the key is not set on the cluster. */
  readonly from?: string;
  /** Absent: the key is reset to the broker default (set out of band). */
  readonly to?: string;
}

export interface AlterTopicConfig extends Base {
  readonly kind: 'AlterTopicConfig';
  readonly topic: string;
  readonly changes: readonly ConfigChange[];
  /** The complete config set to store (AlterConfigs replaces it; unlisted keys reset). */
  readonly config: Readonly<Record<string, string>>;
}

export interface CreateAcl extends Base {
  readonly kind: 'CreateAcl';
  readonly acl: AclBinding;
}

export interface DeleteAcl extends Base {
  readonly kind: 'DeleteAcl';
  readonly acl: AclBinding;
  /**
   * `not-granted`: an app's ACL the catalog does not grant; `app-removed`: the principal is in the
   * platform's namespace but belongs to no app any more, so all its ACLs go.
   */
  readonly reason: 'not-granted' | 'app-removed';
}

export interface RegisterSchema extends Base {
  readonly kind: 'RegisterSchema';
  readonly subject: string;
  /** The topic whose key or value schema this is; absent for a referenced-only subject. */
  readonly topic?: string;
  readonly schemaType: SchemaFormat;
  readonly path: string;
  readonly schema: string;
  /** Versions are resolved at apply time, after the referenced subjects are registered. */
  readonly references: readonly { readonly name: string; readonly subject: string }[];
  readonly reason: 'new' | 'changed' | 'references';
}

export interface SetSubjectCompatibility extends Base {
  readonly kind: 'SetSubjectCompatibility';
  readonly subject: string;
  readonly from?: string;
  readonly to: string;
}

export interface DeleteTopic extends Base {
  readonly kind: 'DeleteTopic';
  readonly topic: string;
}

export type Command =
  | CreateTopic
  | IncreasePartitions
  | AlterTopicConfig
  | CreateAcl
  | DeleteAcl
  | RegisterSchema
  | SetSubjectCompatibility
  | DeleteTopic;

export type CommandKind = Command['kind'];

/** One step of a plan: its commands' kinds and the kinds that must have finished first. */
export interface Stage {
  readonly kinds: readonly CommandKind[];
  readonly after: readonly CommandKind[];
}

/**
 * The one order of command kinds. A plan lists its commands stage by stage, in this order (within
 * a stage, in the planner's order: a subject's level and schema as the registry needs them), and
 * results come back in plan order. The executor starts a stage as soon as the stages of its
 * `after` kinds have finished, so independent stages run side by side:
 * - ACLs are added before any is removed, so access that moves (a new prefix replacing an old one)
 *   never lapses;
 * - ACLs are written before new topics: a broker publishes metadata in commit order and creates
 *   new topics' logs before applying what was committed behind them, so ACLs written after a
 *   thousand new topics would reach its authorizer (and DescribeAcls) seconds later;
 * - subjects live on another server and depend on no Kafka command;
 * - deletions go last: nothing else in a plan depends on them.
 */
export const COMMAND_STAGES: readonly Stage[] = [
  {
    kinds: ['CreateTopic'],
    after: ['CreateAcl', 'DeleteAcl', 'IncreasePartitions', 'AlterTopicConfig'],
  },
  { kinds: ['IncreasePartitions'], after: [] },
  { kinds: ['AlterTopicConfig'], after: [] },
  { kinds: ['CreateAcl'], after: [] },
  { kinds: ['DeleteAcl'], after: ['CreateAcl'] },
  { kinds: ['RegisterSchema', 'SetSubjectCompatibility'], after: [] },
  { kinds: ['DeleteTopic'], after: ['CreateTopic'] },
];

const STAGE_OF = new Map(
  COMMAND_STAGES.flatMap((stage, i) => stage.kinds.map((k) => [k, i] as const)),
);

/** The position of a kind's stage in COMMAND_STAGES. */
export function stageOf(kind: CommandKind): number {
  return STAGE_OF.get(kind) as number;
}

/** Commands in plan order: stage by stage, each stage's commands in the order given. */
export function inPlanOrder<C extends { readonly kind: CommandKind }>(commands: readonly C[]): C[] {
  const stages: C[][] = COMMAND_STAGES.map(() => []);
  for (const c of commands) (stages[stageOf(c.kind)] as C[]).push(c);
  return stages.flat();
}

export type RefusalKind =
  | 'partition-decrease'
  | 'replication-factor-change'
  | 'not-in-catalog'
  | 'no-principal'
  | 'schema-rollback';

export interface Refusal extends Identity {
  readonly kind: RefusalKind;
  readonly resource: string;
  readonly reason: string;
  /** Drift the catalog must resolve (counts as drift); false for deliberate non-actions. */
  readonly drift: boolean;
  /**
   * The two numbers of a refused change: partitions or replication factor (the catalog's and the
   * cluster's), schema version (the catalog's schema's and the subject's latest).
   */
  readonly desired?: number;
  readonly actual?: number;
}

export interface Plan {
  readonly environment: string;
  readonly commands: readonly Command[];
  readonly refusals: readonly Refusal[];
  /** Topics outside the catalog's domains, including internal ones: never touched. */
  readonly unmanaged: readonly string[];
  /** Commands plus refusals that are drift. */
  readonly drift: number;
  readonly inSync: boolean;
}

/**
 * The same command across plans and results (a plan's ids are its own): its kind and what it
 * acts on.
 */
export function commandKey(c: { readonly kind: string; readonly resource: string }): string {
  return `${c.kind} ${c.resource}`;
}
