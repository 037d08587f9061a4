// Drafts → the immutable Catalog. Tolerant of what the rules already reported (unresolved
// references are skipped), so capacity can be measured on the very model the stacks get.
import type { App, Domain, SchemaFile, Subject, Topic, TopicSchema } from './model';
import { Catalog } from './model';
import { appId, appPrincipal, keySubject, referenceSubject, valueSubject } from './naming';
import { qualify } from './rules/access';
import type { RuleContext } from './rules/context';
import { schemaPath } from './rules/schemas';
import { fullName } from './rules/topics';
import { dependencies } from './schemas/resolve';
import { PLAIN_KEY_TYPES } from './format/domain-file';

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
    for (const dep of dependencies(file, ctx.schemas)) {
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
        schema = {
          ...(value ? { value: valueSubject(name) } : {}),
          ...(key ? { key: keySubject(name) } : {}),
          ...(plainKey ? { plainKey } : {}),
          compatibility,
        };
      }
      const refs = (list: string[]): string[] =>
        list.map((r) => qualify(r, domain)).filter((id) => appIds.has(id));
      const line = d.source.keyLine(['topics', key]);
      return {
        name,
        domain,
        key,
        version: t.version,
        description: t.description,
        partitions: t.partitions ?? platform.defaults.partitions,
        ...(retentionMs !== undefined ? { retentionMs } : {}),
        ...(t.retentionSize !== undefined ? { retentionBytes: t.retentionSize } : {}),
        cleanupPolicy,
        config: t.config,
        ...(schema ? { schema } : {}),
        producers: [...new Set(refs(t.producers))],
        consumers: [...new Set(refs(t.consumers))],
        deletionProtection: t.deletionProtection,
        delete: t.delete,
        environments: t.environments,
        source: { file: d.file, line },
      };
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
