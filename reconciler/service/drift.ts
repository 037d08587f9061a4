// Drift as data: every planned command and every refusal that is drift, as what differs between
// the catalog (desired) and the cluster (actual). Observe mode publishes one event per item and
// the metrics count them by kind. Built from the plan alone, which holds no credentials.
import type { Command, CommandKind, Plan, Refusal } from '../plan/commands';
import { describeAcl } from '../cluster/types';

export const DRIFT_KINDS = [
  'topic-missing',
  'topic-extra',
  'partitions',
  'replication-factor',
  'config',
  'acl-missing',
  'acl-extra',
  'subject',
  'principal-missing',
] as const;

export type DriftKind = (typeof DRIFT_KINDS)[number];

/** One difference. An absent `desired` means "should not be there", an absent `actual` "is not there". */
export interface Difference {
  readonly field: string;
  readonly desired?: string | number;
  readonly actual?: string | number;
}

export interface DriftItem {
  readonly kind: DriftKind;
  /** "topic orders.order-created.v1", "acl ALLOW User:… READ TOPIC:…", "subject …-value". */
  readonly resource: string;
  /** The command enforce mode would run, or "Refused" when the reconciler will not change it. */
  readonly command: CommandKind | 'Refused';
  readonly differences: readonly Difference[];
  /** True when only the catalog can resolve it (enforce refuses). */
  readonly refused?: boolean;
  readonly message?: string;
}

/** In plan order: commands first, then the refusals that count as drift. */
export function driftItems(plan: Plan): DriftItem[] {
  return [
    ...plan.commands.map(fromCommand),
    ...plan.refusals.filter((r) => r.drift).map(fromRefusal),
  ];
}

function fromCommand(c: Command): DriftItem {
  const item = (kind: DriftKind, differences: Difference[], message?: string): DriftItem => ({
    kind,
    resource: c.resource,
    command: c.kind,
    differences,
    ...(message ? { message } : {}),
  });
  switch (c.kind) {
    case 'CreateTopic':
      return item('topic-missing', [
        { field: 'topic', desired: c.topic },
        { field: 'partitions', desired: c.partitions },
        { field: 'replication.factor', desired: c.replicationFactor },
        ...Object.keys(c.config)
          .sort()
          .map((key) => ({ field: key, desired: c.config[key] as string })),
      ]);
    case 'DeleteTopic':
      return item(
        'topic-extra',
        [{ field: 'topic', actual: c.topic }],
        'the catalog marks it delete: true',
      );
    case 'IncreasePartitions':
      return item('partitions', [{ field: 'partitions', desired: c.to, actual: c.from }]);
    case 'AlterTopicConfig':
      return item(
        'config',
        c.changes.map((ch) => ({
          field: ch.key,
          ...(ch.to !== undefined ? { desired: ch.to } : {}),
          ...(ch.from !== undefined ? { actual: ch.from } : {}),
        })),
      );
    case 'CreateAcl':
      return item('acl-missing', [{ field: 'acl', desired: describeAcl(c.acl) }]);
    case 'DeleteAcl':
      return item(
        'acl-extra',
        [{ field: 'acl', actual: describeAcl(c.acl) }],
        c.reason === 'app-removed'
          ? `${c.acl.principal} belongs to no app in the catalog any more: all its ACLs go`
          : `the catalog does not grant it to ${c.acl.principal}`,
      );
    case 'RegisterSchema':
      return item(
        'subject',
        [{ field: 'schema', desired: c.path }],
        c.reason === 'new'
          ? 'not registered'
          : c.reason === 'changed'
            ? `the latest registered version differs from ${c.path}`
            : 'the latest registered version refers to other versions of its references',
      );
    case 'SetSubjectCompatibility':
      return item('subject', [
        {
          field: 'compatibility',
          desired: c.to,
          ...(c.from !== undefined ? { actual: c.from } : {}),
        },
      ]);
  }
}

/** A refused change with the planner's two numbers (the catalog's and the cluster's). */
function refusedNumbers(kind: DriftKind, field: string, r: Refusal): DriftItem {
  return {
    kind,
    resource: r.resource,
    command: 'Refused',
    differences:
      r.desired !== undefined && r.actual !== undefined
        ? [{ field, desired: r.desired, actual: r.actual }]
        : [],
    refused: true,
    message: r.reason,
  };
}

function fromRefusal(r: Refusal): DriftItem {
  switch (r.kind) {
    case 'partition-decrease':
      return refusedNumbers('partitions', 'partitions', r);
    case 'replication-factor-change':
      return refusedNumbers('replication-factor', 'replication.factor', r);
    // The catalog's schema is an older version (desired) than the subject's latest (actual).
    case 'schema-rollback':
      return refusedNumbers('subject', 'version', r);
    case 'no-principal':
    case 'not-in-catalog':
      // not-in-catalog is never drift (filtered above); an app without a principal has no ACLs.
      return {
        kind: 'principal-missing',
        resource: r.resource,
        command: 'Refused',
        differences: [],
        refused: true,
        message: r.reason,
      };
  }
}
