// The plan's vocabulary: typed commands (what to do) and refusals (what must not or cannot be done).
import type { AclBinding } from '../cluster/types';
import type { SchemaFormat } from '../../catalog/model';

interface Base {
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
  readonly app?: string;
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

export type RefusalKind =
  | 'partition-decrease'
  | 'replication-factor-change'
  | 'not-in-catalog'
  | 'no-principal'
  | 'schema-rollback';

export interface Refusal {
  readonly kind: RefusalKind;
  readonly resource: string;
  readonly reason: string;
  /** Drift the catalog must resolve (counts as drift); false for deliberate non-actions. */
  readonly drift: boolean;
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

/** The topic a command is about, if any: what /status groups conditions by. */
export function topicOf(c: Command): string | undefined {
  switch (c.kind) {
    case 'CreateTopic':
    case 'IncreasePartitions':
    case 'AlterTopicConfig':
    case 'DeleteTopic':
      return c.topic;
    case 'CreateAcl':
    case 'DeleteAcl':
      return c.acl.resourceType === 'TOPIC' && c.acl.patternType === 'LITERAL'
        ? c.acl.resourceName
        : undefined;
    case 'RegisterSchema':
    case 'SetSubjectCompatibility':
      return c.subject.replace(/-(key|value)$/, '');
  }
}
