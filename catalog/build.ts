// Drafts → the immutable Catalog. Tolerant of what the rules already reported (unresolved
// references are skipped), so capacity can be measured on the very model the stacks get.
import type { App, Domain, SchemaFile, Subject, Topic, TopicSchema } from './model';
import { Catalog } from './model';
import {
  appId,
  appPrincipal,
  appResourcePrefix,
  keySubject,
  referenceSubject,
  valueSubject,
} from './naming';
import { qualify } from './rules/access';
import type { RuleContext } from './rules/context';
import { schemaPath } from './rules/schemas';
import { fullName } from './rules/topics';
import { dependencies } from './schemas/resolve';
import { PLAIN_KEY_TYPES } from './format/key-types';

export function buildCatalog(ctx: RuleContext): Catalog {
  const { platform } = ctx;
  const schemaFiles = new Map<string, SchemaFile>();
  for (const [path, r] of ctx.schemas) {
    if (r.problems.length > 0) continue;
    schemaFiles.set(path, {
      path,
      domain: r.parsed.domain,
      format: r.parsed.format,
      text: r.parsed.text,
      references: r.references,
    });
  }
  const appIds = new Set(
    ctx.domains.flatMap((d) => [...d.apps.keys()].map((a) => appId(d.domain, a))),
  );
  const subjects = new Map<string, Subject>();
  /** Registers a topic subject and, before it, the subjects of everything it references. */
  const addSubject = (
    name: string,
    file: string,
    compatibility: Subject['compatibility'],
  ): boolean => {
    const schema = schemaFiles.get(file);
    if (!schema) return false;
    for (const dep of schema.references.length > 0 ? dependencies(file, ctx.schemas) : []) {
      const depSchema = schemaFiles.get(dep);
      const subject = referenceSubject(dep);
      if (depSchema && !subjects.has(subject)) {
        subjects.set(subject, {
          name: subject,
          schema: depSchema,
          compatibility: platform.defaults.compatibility,
          referenceOnly: true,
        });
      }
    }
    if (!subjects.has(name))
      subjects.set(name, { name, schema, compatibility, referenceOnly: false });
    return true;
  };

  const domains: Domain[] = ctx.domains.map((d) => {
    const domain = d.domain;
    const apps: App[] = [...d.apps].map(([name, a]) => ({
      id: appId(domain, name),
      domain,
      name,
      description: a.description,
      transactional: a.transactional,
      principal: appPrincipal(domain, name),
      prefix: appResourcePrefix(domain, name),
    }));
    const topics: Topic[] = [...d.topics].map(([key, t]) => {
      const name = fullName(ctx, domain, key, t.version, t.name);
      const cleanupPolicy = t.cleanupPolicy ?? platform.defaults.cleanupPolicy;
      // Compacted-only topics keep the latest value per key for ever unless told otherwise.
      const retentionMs =
        t.retention ?? (cleanupPolicy === 'compact' ? undefined : platform.defaults.retention);
      const compatibility = t.schema?.compatibility ?? platform.defaults.compatibility;
      let schema: TopicSchema | undefined;
      if (t.schema) {
        const value =
          t.schema.value &&
          !t.delete &&
          addSubject(valueSubject(name), schemaPath(domain, t.schema.value), compatibility);
        const keyRef = t.schema.key;
        const plainKey =
          keyRef && (PLAIN_KEY_TYPES as readonly string[]).includes(keyRef) ? keyRef : undefined;
        const key =
          keyRef &&
          !plainKey &&
          !t.delete &&
          addSubject(keySubject(name), schemaPath(domain, keyRef), compatibility);
        // Plain assignments, not conditional spreads: this runs once per topic.
        const s = {} as { -readonly [K in keyof TopicSchema]: TopicSchema[K] };
        if (value) s.value = valueSubject(name);
        if (key) s.key = keySubject(name);
        if (plainKey) s.plainKey = plainKey;
        s.compatibility = compatibility;
        schema = s;
      }
      // Built in the order the model has always had (some consumers print it as JSON).
      const topic = {
        name,
        domain,
        key,
        version: t.version,
        description: t.description,
        partitions: t.partitions ?? platform.defaults.partitions,
      } as { -readonly [K in keyof Topic]: Topic[K] };
      if (retentionMs !== undefined) topic.retentionMs = retentionMs;
      if (t.retentionSize !== undefined) topic.retentionBytes = t.retentionSize;
      topic.cleanupPolicy = cleanupPolicy;
      topic.config = t.config;
      if (schema) topic.schema = schema;
      topic.producers = appIdsOf(t.producers, domain, appIds);
      topic.consumers = appIdsOf(t.consumers, domain, appIds);
      topic.deletionProtection = t.deletionProtection;
      topic.delete = t.delete;
      topic.environments = t.environments;
      topic.source = { file: d.file, line: d.source.keyLine(['topics', key]) };
      return topic;
    });
    return {
      name: domain,
      description: d.header?.description ?? '',
      team: d.header?.owners.team ?? '',
      ...(d.header?.owners.contact ? { contact: d.header.owners.contact } : {}),
      file: d.file,
      apps,
      topics,
    };
  });
  return new Catalog(platform, domains, schemaFiles, [...subjects.values()]);
}

/** App ids of a producers/consumers list, once each, without those that do not resolve. */
function appIdsOf(refs: readonly string[], domain: string, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const ref of refs) {
    const id = qualify(ref, domain);
    if (known.has(id) && !out.includes(id)) out.push(id);
  }
  return out;
}
