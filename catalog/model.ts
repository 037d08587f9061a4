// The typed, immutable catalog every consumer shares: stacks, reconciler, client app.
// Built once by the loader; `for(env)` applies per-environment overrides and defaults, once.
import { CatalogAccess, grantCount } from './access';
import type { AclGrant } from './access';
import type { CleanupPolicy, Compatibility } from './format/common';
import type { EnvironmentSpec, PlatformFile } from './format/platform-file';
import type { OverrideSpec } from './format/domain-file';
import { INFINITE } from './units';

export type SchemaFormat = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

export interface App {
  /** "orders/order-service" */
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly description: string;
  readonly transactional: boolean;
  /** "orders.order-service": its user name where principals are named after apps (local). */
  readonly principal: string;
  /** "orders.order-service.": how its consumer groups and transactional ids start. */
  readonly prefix: string;
}

export interface SchemaReference {
  /** The name the schema uses for it: Avro full name, Protobuf import path, JSON Schema $ref. */
  readonly name: string;
  readonly subject: string;
  /** Path of the referenced schema file, e.g. "schemas/orders/types/money.avsc". */
  readonly file: string;
}

export interface SchemaFile {
  /** "schemas/orders/order-created.avsc" */
  readonly path: string;
  readonly domain: string;
  readonly format: SchemaFormat;
  readonly text: string;
  readonly references: readonly SchemaReference[];
}

export interface Subject {
  readonly name: string;
  readonly schema: SchemaFile;
  readonly compatibility: Compatibility;
  /** Set when the subject only exists because another schema references it. */
  readonly referenceOnly: boolean;
}

export interface TopicSchema {
  readonly value?: string; // subject name
  readonly key?: string; // subject name
  /** A key that is not registered: "string", "long", … */
  readonly plainKey?: string;
  readonly compatibility: Compatibility;
}

/** A topic as declared, before any environment is applied. */
export interface Topic {
  readonly name: string;
  readonly domain: string;
  /** Its key in the domain file, e.g. "order-created". */
  readonly key: string;
  readonly version: number;
  readonly description: string;
  readonly partitions: number;
  readonly retentionMs?: number;
  readonly retentionBytes?: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly config: Readonly<Record<string, string>>;
  readonly schema?: TopicSchema;
  /** App ids. */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly deletionProtection: boolean;
  /** Marked for deletion from the clusters. */
  readonly delete: boolean;
  readonly environments: Readonly<Record<string, OverrideSpec>>;
  readonly source: SourceRef;
}

export interface Domain {
  readonly name: string;
  readonly description: string;
  readonly team: string;
  readonly contact?: string;
  readonly file: string;
  readonly apps: readonly App[];
  readonly topics: readonly Topic[];
}

/** A topic as it must exist in one environment. */
export interface EnvironmentTopic {
  readonly name: string;
  readonly domain: string;
  readonly key: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Every topic config the catalog sets (cleanup.policy, retention.ms, … and allowed extras). */
  readonly config: Readonly<Record<string, string>>;
  readonly schema?: TopicSchema;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly deletionProtection: boolean;
  readonly source: SourceRef;
}

export interface EnvironmentCatalog {
  readonly name: string;
  readonly spec: EnvironmentSpec;
  /** The whole platform file (its name, state settings, the other environments). */
  readonly platform: PlatformFile;
  readonly topics: readonly EnvironmentTopic[];
  /** Topics the catalog explicitly marks for deletion (never protected ones). */
  readonly deletions: readonly EnvironmentTopic[];
  readonly apps: readonly App[];
  /** Every domain the catalog declares: it owns the names under `<domain>.` (access.ts). */
  readonly domains: readonly string[];
  /** References first, so registering in this order always succeeds. */
  readonly subjects: readonly Subject[];
  readonly acls: readonly AclGrant[];
  /** The same grants by topic, owner (domain) and app (catalog/access.ts). */
  readonly access: CatalogAccess;
  readonly totals: EnvironmentTotals;
}

export interface EnvironmentTotals {
  /** Topics to exist (those marked `delete: true` excluded). */
  readonly topics: number;
  readonly partitions: number;
  readonly acls: number;
}

export class Catalog {
  private readonly resolved = new Map<string, EnvironmentCatalog>();
  readonly apps: ReadonlyMap<string, App>;
  readonly topics: readonly Topic[];

  constructor(
    readonly platform: PlatformFile,
    readonly domains: readonly Domain[],
    readonly schemas: ReadonlyMap<string, SchemaFile>,
    readonly subjects: readonly Subject[],
  ) {
    this.apps = new Map(domains.flatMap((d) => d.apps.map((a) => [a.id, a] as const)));
    this.topics = domains.flatMap((d) => d.topics);
    deepFreeze(this.platform);
    deepFreeze(this.domains);
    deepFreeze(this.subjects);
  }

  private accessCache?: CatalogAccess;

  /**
   * Who may do what, by topic, owner and app. Access does not vary by environment (topics do
   * not either, only their sizes): derived once, for the topics that are to exist.
   */
  get access(): CatalogAccess {
    this.accessCache ??= new CatalogAccess(
      this.topics.filter((t) => !t.delete),
      this.apps,
      this.subjects,
    );
    return this.accessCache;
  }

  /** Every ACL the catalog grants, each once. */
  get acls(): readonly AclGrant[] {
    return this.access.acls;
  }

  /**
   * What an environment asks of its cluster, without resolving every topic: the capacity rule
   * and the summary need only these, and resolving 10,000 topics per environment is not free.
   */
  totals(environment: string): EnvironmentTotals {
    let totals = this.totalsCache.get(environment);
    if (!totals) {
      let partitions = 0;
      let topics = 0;
      for (const t of this.topics) {
        if (t.delete) continue;
        topics++;
        partitions += t.environments[environment]?.partitions ?? t.partitions;
      }
      totals = Object.freeze({ topics, partitions, acls: this.aclCount() });
      this.totalsCache.set(environment, totals);
    }
    return totals;
  }

  private readonly totalsCache = new Map<string, EnvironmentTotals>();

  private aclCountCache?: number;

  /** acls.length, without making the grants. */
  private aclCount(): number {
    this.aclCountCache ??=
      grantCount(
        this.topics.filter((t) => !t.delete),
        (id) => this.app(id),
      ) ?? this.acls.length;
    return this.aclCountCache;
  }

  get environments(): string[] {
    return Object.keys(this.platform.environments);
  }

  domain(name: string): Domain | undefined {
    return this.domains.find((d) => d.name === name);
  }

  app(id: string): App {
    const app = this.apps.get(id);
    if (!app) throw new Error(`no app "${id}" in the catalog`);
    return app;
  }

  /** The catalog as it applies to one environment; computed once, then cached. */
  for(environment: string): EnvironmentCatalog {
    const cached = this.resolved.get(environment);
    if (cached) return cached;
    const spec = this.platform.environments[environment];
    if (!spec) {
      throw new Error(
        `unknown environment "${environment}" (declared: ${this.environments.join(', ')})`,
      );
    }
    const all = this.topics.map((t) => resolveTopic(t, environment, spec));
    const topics = all.filter((_, i) => !this.topics[i]?.delete);
    const deletions = all.filter((_, i) => this.topics[i]?.delete);
    const access = this.access;
    const env: EnvironmentCatalog = Object.freeze({
      ...deepFreeze({
        name: environment,
        spec,
        platform: this.platform,
        topics,
        deletions,
        apps: [...this.apps.values()],
        domains: this.domains.map((d) => d.name),
        subjects: this.subjects,
        access,
        totals: this.totals(environment),
      }),
      // Derived on first use (once per catalog): the stacks never ask for the ACLs as one list.
      get acls(): readonly AclGrant[] {
        return access.acls;
      },
    });
    this.resolved.set(environment, env);
    return env;
  }
}

function resolveTopic(topic: Topic, environment: string, spec: EnvironmentSpec): EnvironmentTopic {
  const o = topic.environments[environment] ?? {};
  const config: Record<string, string> = { 'cleanup.policy': topic.cleanupPolicy };
  const retention = o.retention ?? topic.retentionMs;
  // A compacted-only topic keeps its latest values forever; retention applies only when asked for.
  if (retention !== undefined) config['retention.ms'] = String(retention);
  const retentionBytes = o.retentionSize ?? topic.retentionBytes;
  if (retentionBytes !== undefined && retentionBytes !== INFINITE)
    config['retention.bytes'] = String(retentionBytes);
  Object.assign(config, topic.config, o.config ?? {});
  return {
    name: topic.name,
    domain: topic.domain,
    key: topic.key,
    partitions: o.partitions ?? topic.partitions,
    replicationFactor: spec.replicationFactor,
    config,
    ...(topic.schema ? { schema: topic.schema } : {}),
    producers: topic.producers,
    consumers: topic.consumers,
    deletionProtection: topic.deletionProtection,
    source: topic.source,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Indexed and for-in loops: no array of values per object (the model has ~100,000 of them).
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    else for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
