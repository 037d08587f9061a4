// The diff: desired (catalog) against actual (cluster) into ordered commands and refusals.
// Pure and deterministic: the same inputs always give the same plan, so it is unit-tested alone.
import type { AclBinding } from '../cluster/types';
import { aclKey } from '../../catalog/access';
import { byCodePoint } from '../../catalog/order';
import { describeAcl } from '../cluster/types';
import type { ActualState, ActualSubject } from '../state/actual';
import type { DesiredAcl, DesiredState, DesiredSubject } from '../state/desired';
import type { Command, ConfigChange, Plan, Refusal } from './commands';
import { inPlanOrder } from './commands';

type Draft = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export function plan(desired: DesiredState, actual: ActualState): Plan {
  const drafts: Draft[] = [];
  const refusals: Refusal[] = [];

  const toDelete = new Set(desired.deletions);
  for (const t of desired.topics) {
    const a = actual.topics.get(t.name);
    // A topic in sync (all of them on a no-op pass) is three comparisons and no allocation.
    if (
      a &&
      a.partitions === t.partitions &&
      a.replicationFactor === t.replicationFactor &&
      configInSync(t.config, a.config, actual.topicDefaults)
    )
      continue;
    const resource = `topic ${t.name}`;
    if (!a) {
      drafts.push({
        kind: 'CreateTopic',
        resource,
        topic: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        config: t.config,
      });
      continue;
    }
    if (a.partitions < t.partitions) {
      drafts.push({
        kind: 'IncreasePartitions',
        resource,
        topic: t.name,
        from: a.partitions,
        to: t.partitions,
      });
    } else if (a.partitions > t.partitions) {
      refusals.push({
        kind: 'partition-decrease',
        resource,
        topic: t.name,
        drift: true,
        desired: t.partitions,
        actual: a.partitions,
        reason:
          `has ${a.partitions} partitions, the catalog says ${t.partitions}: Kafka cannot remove ` +
          `partitions (keep ${a.partitions} in ${t.source.file}:${t.source.line}, or create a new topic version)`,
      });
    }
    if (a.replicationFactor !== t.replicationFactor) {
      refusals.push({
        kind: 'replication-factor-change',
        resource,
        topic: t.name,
        drift: true,
        desired: t.replicationFactor,
        actual: a.replicationFactor,
        reason:
          `replication factor is ${a.replicationFactor}, the catalog says ${t.replicationFactor}: ` +
          'changing it is a partition reassignment, which the reconciler does not do',
      });
    }
    const changes = configChanges(t.config, a.config, actual.topicDefaults);
    if (changes.length > 0) {
      drafts.push({
        kind: 'AlterTopicConfig',
        resource,
        topic: t.name,
        changes,
        config: t.config,
      });
    }
  }

  const wanted = topicNames(desired);
  for (const [name] of actual.topics) {
    if (wanted.has(name)) continue;
    if (toDelete.has(name)) {
      drafts.push({ kind: 'DeleteTopic', resource: `topic ${name}`, topic: name });
    } else {
      refusals.push({
        kind: 'not-in-catalog',
        resource: `topic ${name}`,
        topic: name,
        drift: false,
        reason:
          'is in a catalog domain but not in the catalog: kept, never deleted (a topic is ' +
          'deleted only when the catalog marks it delete: true with deletionProtection: false)',
      });
    }
  }

  const { creates, deletes } = aclChanges(desired, actual);
  for (const app of desired.unmappedApps) {
    refusals.push({
      kind: 'no-principal',
      resource: `app ${app}`,
      app,
      drift: true,
      reason: 'has no principal in the connection settings: its ACLs cannot be planned',
    });
  }

  const subjects = subjectChanges(desired.subjects, actual.subjects, refusals);
  const ordered = inPlanOrder(drafts.concat(creates, deletes, subjects));
  const commands = ordered.map((d, i) => ({ ...d, id: `c${i + 1}` }) as Command);
  const drift = commands.length + refusals.filter((r) => r.drift).length;
  return {
    environment: desired.environment,
    commands,
    refusals: refusals.sort((a, b) => byCodePoint(a.resource, b.resource)),
    unmanaged: actual.unmanagedTopics,
    drift,
    inSync: drift === 0,
  };
}

/**
 * What to change so the topic behaves as the catalog says. A key the topic leaves to the broker
 * whose default is the catalog's value is in sync: the topic already behaves so (an adopted or
 * hand-made topic needs no write), and a later change of the broker default shows as drift.
 */
export function configChanges(
  desired: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
  inherited: Readonly<Record<string, string>> = {},
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const key of Object.keys(desired).sort()) {
    const to = desired[key] as string;
    const from = actual[key];
    if (from === undefined && inherited[key] === to) continue;
    if (from !== to) changes.push({ key, to, ...(from !== undefined ? { from } : {}) });
  }
  for (const key of Object.keys(actual).sort()) {
    if (!(key in desired)) changes.push({ key, from: actual[key] as string });
  }
  return changes;
}

/** Whether configChanges would find nothing to change, without sorting or allocating. */
function configInSync(
  desired: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
  inherited: Readonly<Record<string, string>> = {},
): boolean {
  for (const key in desired) {
    const to = desired[key];
    const from = actual[key];
    if (from !== to && !(from === undefined && inherited[key] === to)) return false;
  }
  for (const key in actual) if (!(key in desired)) return false;
  return true;
}

/** The catalog's topic names, made once per DesiredState (a service's passes share one). */
const namesOf = new WeakMap<DesiredState, ReadonlySet<string>>();

function topicNames(desired: DesiredState): ReadonlySet<string> {
  let names = namesOf.get(desired);
  if (!names) namesOf.set(desired, (names = new Set(desired.topics.map((t) => t.name))));
  return names;
}

/** The catalog's ACLs by key, made once per DesiredState (a service's passes share one). */
const wantedAcls = new WeakMap<DesiredState, ReadonlyMap<string, DesiredAcl>>();

function aclsByKey(desired: DesiredState): ReadonlyMap<string, DesiredAcl> {
  let want = wantedAcls.get(desired);
  if (!want) wantedAcls.set(desired, (want = new Map(desired.acls.map((a) => [aclKey(a), a]))));
  return want;
}

function aclChanges(
  desired: DesiredState,
  actual: ActualState,
): { creates: Draft[]; deletes: Draft[] } {
  const want = aclsByKey(desired);
  // Each actual ACL keyed once: 30,000 of them on a no-op pass over 10,000 topics.
  const have = new Set<string>();
  const stray: (readonly [string, AclBinding])[] = [];
  for (const a of actual.acls) {
    const key = aclKey(a);
    have.add(key);
    if (!want.has(key)) stray.push([key, a]);
  }
  const creates: Draft[] = [];
  // Only the missing ones are sorted: a no-op pass over 30,000 ACLs sorts nothing.
  const missing =
    have.size === want.size && stray.length === 0
      ? []
      : [...want].filter(([key]) => !have.has(key));
  for (const [, a] of missing.sort(([x], [y]) => byCodePoint(x, y))) {
    const { app, ...acl } = a;
    creates.push({
      kind: 'CreateAcl',
      resource: `acl ${describeAcl(acl)}`,
      acl,
      app,
      ...aclTopic(acl),
    });
  }
  // The app of a principal the catalog grants something to (a removed app has none).
  const appOf = new Map(stray.length ? desired.acls.map((a) => [a.principal, a.app]) : []);
  const deletes: Draft[] = stray
    .sort(([x], [y]) => byCodePoint(x, y))
    .map(([, acl]) => {
      const app = appOf.get(acl.principal);
      return {
        kind: 'DeleteAcl',
        resource: `acl ${describeAcl(acl)}`,
        acl,
        ...(app !== undefined ? { app } : {}),
        ...aclTopic(acl),
        reason: desired.scope.principals.has(acl.principal) ? 'not-granted' : 'app-removed',
      };
    });
  return { creates, deletes };
}

/** The topic an ACL names literally; a prefix names none. */
function aclTopic(acl: AclBinding): { topic?: string } {
  return acl.resourceType === 'TOPIC' && acl.patternType === 'LITERAL'
    ? { topic: acl.resourceName }
    : {};
}

/**
 * Subjects in catalog order (references first); a changed reference re-registers its users.
 * In sync means the catalog's schema is the subject's latest version, as the registry compares
 * schemas. A schema the subject already has as an older version is a rollback, which no registry
 * does (registering returns the old id and adds nothing): refused, with the two ways out.
 */
function subjectChanges(
  subjects: readonly DesiredSubject[],
  actual: ReadonlyMap<string, ActualSubject>,
  refusals: Refusal[],
): Draft[] {
  const out: Draft[] = [];
  const registering = new Set<string>();
  for (const s of subjects) {
    const a = actual.get(s.name);
    const resource = `subject ${s.name}`;
    const topicOf = s.topic !== undefined ? { topic: s.topic } : {};
    // The registry's own comparison, when the text differs from the latest version; void when a
    // reference is registered now (the schema will pin its new version, so it is a new schema).
    const held = s.references.some((r) => registering.has(r.subject)) ? undefined : a?.registeredAs;
    if (a && held && held.version !== a.version) refusals.push(rollbackRefusal(s, a, held));
    const reason = held
      ? undefined
      : !a
        ? 'new'
        : a.schemaType !== s.format || !sameSchema(s.format, s.text, a.schema)
          ? 'changed'
          : !sameReferences(s, a, actual, registering)
            ? 'references'
            : undefined;
    const register: Draft | undefined = reason
      ? {
          kind: 'RegisterSchema',
          resource,
          subject: s.name,
          ...topicOf,
          schemaType: s.format,
          path: s.path,
          schema: s.text,
          references: s.references,
          reason,
        }
      : undefined;
    if (register) registering.add(s.name);
    const compat: Draft | undefined =
      a?.compatibility !== s.compatibility
        ? {
            kind: 'SetSubjectCompatibility',
            resource,
            subject: s.name,
            ...topicOf,
            to: s.compatibility,
            ...(a?.compatibility ? { from: a.compatibility } : {}),
          }
        : undefined;
    // An existing subject gets its level first (the new version is checked against it); a new
    // subject must exist before a registry like Apicurio accepts a level for it.
    const ordered = a ? [compat, register] : [register, compat];
    for (const d of ordered) if (d) out.push(d);
  }
  return out;
}

function rollbackRefusal(
  s: DesiredSubject,
  a: ActualSubject,
  held: { version: number; id: number },
): Refusal {
  const newer =
    a.version === held.version + 1
      ? `version ${a.version}`
      : `versions ${held.version + 1} to ${a.version}`;
  return {
    kind: 'schema-rollback',
    resource: `subject ${s.name}`,
    subject: s.name,
    ...(s.topic !== undefined ? { topic: s.topic } : {}),
    drift: true,
    desired: held.version,
    actual: a.version,
    reason:
      `schema ${s.path} is version ${held.version} of the subject (id ${held.id}), latest is ` +
      `version ${a.version}: a schema registry never makes an old version latest again ` +
      '(registering it returns its id and adds no version). To roll back, either change the ' +
      'file into a schema the subject does not have yet, which registers as the new latest ' +
      'version (Confluent counts a changed doc; registries comparing the canonical form, like ' +
      `Apicurio, need a change in the fields), or delete ${newer} of ${s.name} in the registry ` +
      `(DELETE /subjects/${s.name}/versions/<version>), which makes version ${held.version} ` +
      'latest again',
  };
}

function sameReferences(
  s: DesiredSubject,
  a: ActualSubject,
  actual: ReadonlyMap<string, ActualSubject>,
  registering: ReadonlySet<string>,
): boolean {
  if (s.references.length !== a.references.length) return false;
  const key = (r: { name: string; subject: string }): string => `${r.name}|${r.subject}`;
  const have = new Map(a.references.map((r) => [key(r), r] as const));
  return s.references.every((r) => {
    const h = have.get(key(r));
    // Pinned to the referenced subject's latest version, unless that one changes now.
    return (
      h !== undefined && !registering.has(r.subject) && h.version === actual.get(r.subject)?.version
    );
  });
}

/** Formatting and key order do not make a different schema (the registry agrees). */
export function sameSchema(format: string, a: string, b: string): boolean {
  if (format === 'PROTOBUF') return squash(a) === squash(b);
  try {
    return stable(JSON.parse(a)) === stable(JSON.parse(b));
  } catch {
    return a.trim() === b.trim();
  }
}

const squash = (s: string): string =>
  s
    .replace(/\/\/.*$/gm, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};=,()<>[\]])\s*/g, '$1')
    .trim();

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
