// The live state an import reads: every topic with its dynamic configs, every ACL, and the
// registry's subjects (latest version and level in force), through the reconciler's own
// cluster interfaces. Read-only: an import never changes the cluster it reads.
import type { KafkaAdmin } from '../reconciler/cluster/kafka-admin';
import type { RegisteredSchema, SchemaRegistryApi } from '../reconciler/cluster/registry';
import type { AclBinding } from '../reconciler/cluster/types';
import { readReferenceClosure } from '../catalog/references';
import { inheritedDefaults } from '../reconciler/state/actual';
import { mapLimit } from '../reconciler/util/limit';

export interface LiveTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Dynamic (topic-level) configs only: what differs from the broker's defaults. */
  readonly config: Readonly<Record<string, string>>;
}

export interface LiveSubject extends RegisteredSchema {
  /** The level in force (the subject's own, else the registry's global one). */
  readonly compatibility?: string;
}

export interface LiveState {
  readonly topics: readonly LiveTopic[];
  readonly acls: readonly AclBinding[];
  /** Every subject's name, also those not read (outside the imported domains). */
  readonly subjectNames: readonly string[];
  /** Subjects read: those of the imported topics and everything they reference. */
  readonly subjects: ReadonlyMap<string, LiveSubject>;
}

export interface ReadOptions {
  /** Topics to import (domain selection happens before any per-topic read). */
  readonly wantTopic: (name: string) => boolean;
  /** Subjects worth reading for a topic name (TopicNameStrategy: value and key). */
  readonly subjectsOf: (topic: string) => readonly string[];
  readonly registryConcurrency?: number;
}

export async function readLive(
  admin: KafkaAdmin,
  registry: SchemaRegistryApi,
  opts: ReadOptions,
): Promise<LiveState> {
  const [described, acls, subjectNames] = await Promise.all([
    admin.describeTopics(),
    admin.describeAcls(),
    registry.listSubjects(),
  ]);
  const wanted = described.filter((t) => opts.wantTopic(t.name));
  const configs = await admin.describeTopicConfigs(wanted.map((t) => t.name));
  const topics = await withInheritedPolicy(
    admin,
    wanted.map((t) => ({ ...t, config: configs.get(t.name) ?? {} })),
  );
  const existing = new Set(subjectNames);
  // A referenced subject may itself reference others: the closure, a level at a time.
  const read = await readReferenceClosure(
    topics.flatMap((t) => opts.subjectsOf(t.name)).filter((s) => existing.has(s)),
    (level) =>
      mapLimit(
        level,
        opts.registryConcurrency ?? 16,
        async (name): Promise<LiveSubject | undefined> => {
          const [latest, compatibility] = await Promise.all([
            registry.latest(name),
            registry.compatibility(name),
          ]);
          return latest ? { ...latest, ...(compatibility ? { compatibility } : {}) } : undefined;
        },
      ),
    (s) => s.references.map((r) => r.subject),
  );
  const subjects = new Map(read.map((s) => [s.subject, s] as const));
  return { topics, acls, subjectNames, subjects };
}

/**
 * The catalog states every topic's cleanup policy and (when it deletes) its retention, so a topic
 * that leaves them to the broker is imported with the broker's values: what it does today, which
 * the reconciler then finds in sync without writing anything to the topic.
 */
async function withInheritedPolicy<T extends { name: string; config: Record<string, string> }>(
  admin: KafkaAdmin,
  topics: T[],
): Promise<T[]> {
  const keys = ['cleanup.policy', 'retention.ms'];
  const inherited = await inheritedDefaults(
    admin,
    topics.map((t) => ({ name: t.name, config: t.config, keys })),
  );
  if (Object.keys(inherited).length === 0) return topics;
  return topics.map((t) => {
    const config = { ...t.config };
    const policy = inherited['cleanup.policy'];
    if (config['cleanup.policy'] === undefined && policy !== undefined)
      config['cleanup.policy'] = policy;
    const retention = inherited['retention.ms'];
    if (
      config['retention.ms'] === undefined &&
      retention !== undefined &&
      config['cleanup.policy']?.includes('delete')
    )
      config['retention.ms'] = retention;
    return { ...t, config };
  });
}
