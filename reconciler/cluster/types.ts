// The reconciler's own vocabulary for cluster resources, independent of any client library, so
// the planner stays pure and the Kafka client can be swapped (kafkajs has had no release since 2023).
import { GRANT } from '../../catalog/access';

/** Wider than catalog/access.ts's AclResourceType: a cluster holds ACLs the catalog never grants. */
export type BindingResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID' | 'CLUSTER' | 'OTHER';
export type BindingPatternType = 'LITERAL' | 'PREFIXED' | 'OTHER';
export type AclPermission = 'ALLOW' | 'DENY';

/** One ACL as the broker stores it. */
export interface AclBinding {
  readonly principal: string;
  readonly host: string;
  readonly resourceType: BindingResourceType;
  readonly resourceName: string;
  readonly patternType: BindingPatternType;
  /** READ, WRITE, DESCRIBE, ALL, ... */
  readonly operation: string;
  readonly permission: AclPermission;
}

export function describeAcl(a: AclBinding): string {
  const host = a.host === GRANT.host ? '' : ` from ${a.host}`;
  const pattern = a.patternType === 'PREFIXED' ? '*' : '';
  return `${a.permission} ${a.principal} ${a.operation} ${a.resourceType}:${a.resourceName}${pattern}${host}`;
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
  /** Replicas of partition 0; the same for every partition of topics the platform creates. */
  readonly replicationFactor: number;
}

export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

/** Why one item of a batch failed. `retriable` errors are worth another attempt. */
export interface ItemError {
  readonly message: string;
  /** Kafka error type (e.g. "POLICY_VIOLATION") or HTTP status, when known. */
  readonly code?: string;
  readonly retriable: boolean;
}

/** Aligned with the request's items: undefined = done. */
export type BatchResult = (ItemError | undefined)[];
