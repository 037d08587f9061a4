// Reads what the cluster has, for the catalog's scope only: a handful of batched admin requests
// whatever the topic count, plus one registry read per catalog subject (the API has no batch).
import type { KafkaAdmin } from '../cluster/kafka-admin';
import type { SchemaFormat } from '../../catalog/model';
import type { RegistryReference, SchemaRegistryApi } from '../cluster/registry';
import type { AclBinding, TopicDescription } from '../cluster/types';
import { mapLimit } from '../util/limit';
import type { DesiredState, DesiredSubject } from './desired';
import { sameSchema } from '../plan/planner';
import { isManagedAcl, isManagedName } from './desired';

export interface ActualTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Non-default (dynamic) configs only. */
  readonly config: Readonly<Record<string, string>>;
}

export interface ActualSubject {
  readonly name: string;
  readonly version: number;
  readonly schema: string;
  readonly schemaType: SchemaFormat;
  readonly references: readonly RegistryReference[];
  /** The level in force (the subject's own, else the global one). */
  readonly compatibility?: string;
  /**
   * When the catalog's schema differs from the latest in text: the version of this subject that
   * the registry says already holds it. The latest one means in sync (the registry ignores the
   * difference); an older one is a rollback, which registering cannot do.
   */
  readonly registeredAs?: { readonly version: number; readonly id: number };
}

export interface ActualState {
  /** Topics inside the catalog's domains. */
  readonly topics: ReadonlyMap<string, ActualTopic>;
  /** Everything else on the cluster: reported, never touched. */
  readonly unmanagedTopics: readonly string[];
  /** ACLs of managed principals on managed resources only. */
  readonly acls: readonly AclBinding[];
  /** Catalog subjects that exist in the registry. */
  readonly subjects: ReadonlyMap<string, ActualSubject>;
  /**
   * What a topic takes for a catalog key it does not set itself (the broker's default), read only
   * for keys some topic leaves unset: a topic whose inherited value is the catalog's is in sync.
   */
  readonly topicDefaults?: Readonly<Record<string, string>>;
}

export interface ReadOptions {
  readonly registryConcurrency?: number;
  /**
   * Dynamic configs already known, by topic: those topics' configs are not described again. A
   * topic created with its configs has exactly them (CreateTopics commits both together), so
   * verifying a pass needs no DescribeConfigs for what it created.
   */
  readonly knownConfigs?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export async function readActual(
  admin: KafkaAdmin,
  registry: SchemaRegistryApi,
  desired: DesiredState,
  opts: ReadOptions = {},
): Promise<ActualState> {
  const [kafka, subjects] = await Promise.all([
    readKafka(admin, desired, opts.knownConfigs ?? new Map()),
    readSubjects(registry, desired, opts.registryConcurrency ?? 16),
  ]);
  return { ...kafka, subjects };
}

async function readKafka(
  admin: KafkaAdmin,
  desired: DesiredState,
  known: ReadonlyMap<string, Readonly<Record<string, string>>>,
): Promise<Omit<ActualState, 'subjects'>> {
  // The configs are described as soon as the topic list is in, while the ACLs are still read.
  const described = admin.describeTopics().then(async (all) => {
    const managed: TopicDescription[] = [];
    const unmanaged: string[] = [];
    for (const t of all) {
      if (isManagedName(desired.scope, t.name)) managed.push(t);
      else unmanaged.push(t.name);
    }
    const unknown = managed.filter((t) => !known.has(t.name)).map((t) => t.name);
    return { managed, unmanaged, configs: await admin.describeTopicConfigs(unknown) };
  });
  const [{ managed, unmanaged, configs }, acls] = await Promise.all([
    described,
    admin.describeAcls(),
  ]);
  const topics = new Map<string, ActualTopic>();
  for (const t of managed)
    topics.set(t.name, {
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      config: configs.get(t.name) ?? known.get(t.name) ?? {},
    });
  const topicDefaults = await inheritedDefaults(admin, unsetKeys(desired, topics));
  return {
    topicDefaults,
    topics,
    unmanagedTopics: unmanaged.sort(),
    acls: acls.filter((a) => isManagedAcl(desired.scope, a)),
  };
}

/** The catalog's topics that exist, with the keys they set: what inheritedDefaults samples. */
function* unsetKeys(
  desired: DesiredState,
  topics: ReadonlyMap<string, ActualTopic>,
): Iterable<UnsetKeys> {
  for (const t of desired.topics) {
    const actual = topics.get(t.name);
    if (actual) yield { name: t.name, config: actual.config, keys: Object.keys(t.config) };
  }
}

/** A topic as far as sampling its broker defaults goes: its own configs and the keys asked for. */
export interface UnsetKeys {
  readonly name: string;
  /** The topic's dynamic (topic-level) configs. */
  readonly config: Readonly<Record<string, string>>;
  /** The keys whose value matters for this topic. */
  readonly keys: Iterable<string>;
}

/**
 * What the broker gives a topic for each key some topic leaves unset. The defaults are the same
 * for every topic of a cluster, so one topic per such key answers it: a single DescribeConfigs
 * request for a few topics, whatever the topic count, and none when every topic sets every key.
 */
export async function inheritedDefaults(
  admin: Pick<KafkaAdmin, 'describeTopicDefaults'>,
  topics: Iterable<UnsetKeys>,
): Promise<Record<string, string>> {
  const sample = new Map<string, string>();
  for (const t of topics)
    for (const key of t.keys) if (!(key in t.config) && !sample.has(key)) sample.set(key, t.name);
  if (sample.size === 0) return {};
  return admin.describeTopicDefaults([...new Set(sample.values())]);
}

async function readSubjects(
  registry: SchemaRegistryApi,
  desired: DesiredState,
  concurrency: number,
): Promise<Map<string, ActualSubject>> {
  const existing = new Set(await registry.listSubjects());
  const wanted = desired.subjects.filter((s) => existing.has(s.name));
  const read = await mapLimit(wanted, concurrency, async (s) => {
    const [latest, compatibility] = await Promise.all([
      registry.latest(s.name),
      registry.compatibility(s.name),
    ]);
    if (!latest) return undefined;
    const subject: ActualSubject = {
      name: s.name,
      version: latest.version,
      schema: latest.schema,
      schemaType: latest.schemaType,
      references: latest.references,
      ...(compatibility ? { compatibility } : {}),
    };
    return subject;
  });
  const subjects = new Map(read.filter((s) => s !== undefined).map((s) => [s.name, s] as const));
  // Only subjects whose latest differs from the catalog: one more read each, none when in sync.
  const changed = desired.subjects.filter((s) => {
    const a = subjects.get(s.name);
    return (
      a !== undefined && (a.schemaType !== s.format || !sameSchema(s.format, s.text, a.schema))
    );
  });
  await mapLimit(changed, concurrency, async (s) => {
    const registeredAs = await lookupDesired(registry, s, subjects);
    const a = subjects.get(s.name);
    if (a && registeredAs) subjects.set(s.name, { ...a, registeredAs });
  });
  return subjects;
}

/** References pinned as a registration would pin them: to each subject's latest version. */
async function lookupDesired(
  registry: SchemaRegistryApi,
  s: DesiredSubject,
  subjects: ReadonlyMap<string, ActualSubject>,
): Promise<{ version: number; id: number } | undefined> {
  const references: RegistryReference[] = [];
  for (const r of s.references) {
    const version = subjects.get(r.subject)?.version;
    if (version === undefined) return undefined;
    references.push({ name: r.name, subject: r.subject, version });
  }
  return registry.lookup(s.name, { schema: s.text, schemaType: s.format, references });
}
