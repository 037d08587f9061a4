// Kafka's wire values of ACL resource types, pattern types, operations and permissions, and back
// to the names AclBinding uses. kafkajs' own tables (small plain modules, loaded without the rest
// of kafkajs), so kafkajs and the lean read path (lean-admin.ts) name every value alike.
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol tables have no types */
import type { AclBinding, BindingPatternType, BindingResourceType } from './types';

type Table = Readonly<Record<string, number>>;
const resourceTypes = require('kafkajs/src/protocol/aclResourceTypes') as Table;
const patternTypes = require('kafkajs/src/protocol/resourcePatternTypes') as Table;
const operations = require('kafkajs/src/protocol/aclOperationTypes') as Table;
const permissions = require('kafkajs/src/protocol/aclPermissionTypes') as Table;
/* eslint-enable @typescript-eslint/no-require-imports */

export const RESOURCE: Readonly<Record<Exclude<BindingResourceType, 'OTHER'>, number>> = {
  TOPIC: resourceTypes.TOPIC as number,
  GROUP: resourceTypes.GROUP as number,
  CLUSTER: resourceTypes.CLUSTER as number,
  TRANSACTIONAL_ID: resourceTypes.TRANSACTIONAL_ID as number,
};
export const PATTERN: Readonly<Record<Exclude<BindingPatternType, 'OTHER'>, number>> = {
  LITERAL: patternTypes.LITERAL as number,
  PREFIXED: patternTypes.PREFIXED as number,
};
export const OPERATIONS: Table = operations;
/** ANY, the wildcard of every filter field. */
export const ANY = {
  resource: resourceTypes.ANY as number,
  pattern: patternTypes.ANY as number,
  operation: operations.ANY as number,
  permission: permissions.ANY as number,
};
export const ALLOW = permissions.ALLOW as number;
export const DENY = permissions.DENY as number;

/** Wire value → name, built once per table: describing 30,000 ACLs looks up 90,000 names. */
const names = new Map<Table, Map<number, string>>();
export const nameOf = (table: Table, value: number): string | undefined => {
  let byValue = names.get(table);
  if (!byValue) {
    byValue = new Map();
    // The first name of a value wins, as a search through the table's entries would find it.
    for (const [name, v] of Object.entries(table)) if (!byValue.has(v)) byValue.set(v, name);
    names.set(table, byValue);
  }
  return byValue.get(value);
};

/**
 * kafkajs wire values for one binding; the binding itself is the exact filter to delete it. The
 * one mapping to kafkajs' ACL types (the local tooling and the lean writes use it too).
 */
export function toKafkajs(a: AclBinding) {
  if (a.resourceType === 'OTHER' || a.patternType === 'OTHER')
    throw new Error(`cannot express ${a.resourceType}/${a.patternType} ACLs`);
  const operation = OPERATIONS[a.operation];
  if (operation === undefined) throw new Error(`unknown ACL operation ${a.operation}`);
  return {
    resourceType: RESOURCE[a.resourceType],
    resourceName: a.resourceName,
    resourcePatternType: PATTERN[a.patternType],
    principal: a.principal,
    host: a.host,
    operation,
    permissionType: a.permission === 'ALLOW' ? ALLOW : DENY,
  };
}
