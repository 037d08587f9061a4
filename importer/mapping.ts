// Live state → what the catalog should say, in memory and without I/O (the benchmark runs this
// alone): domains from topic names, apps and roles from ACLs, entries in the catalog's terms,
// schema files, and the report of everything the catalog cannot say.
import type { Compatibility } from '../catalog/format/common';
import type { PlatformFile } from '../catalog/format/platform-file';
import type { Catalog } from '../catalog/model';
import { domainPrefix, keySubject, referenceSubject, valueSubject } from '../catalog/naming';
import { importAccess } from './access';
import type { Adoption } from './adoption';
import type { DomainOf } from './domains';
import type { LiveState } from './live';
import type { AppName } from './principals';
import type { Report } from './report';
import { importSchemas } from './schemas';
import type { TopicSchemaEntry } from './schemas';
import type { ImportedTopic } from './topics';
import { importTopic, keyFor, parseTopicName } from './topics';

export interface ImportedApp {
  readonly domain: string;
  readonly name: string;
  readonly transactional: boolean;
  /** The principal on the imported cluster, e.g. "User:sa-abc123". */
  readonly principal: string;
  /** Named by the connection file's principals (false: by the principal's own shape). */
  readonly mapped: boolean;
}

export interface TopicImport {
  readonly topic: ImportedTopic;
  /** App references as the domain file writes them: "app" or "domain/app". */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly schema?: TopicSchemaEntry;
}

export interface DomainImport {
  readonly name: string;
  readonly apps: Map<string, ImportedApp>;
  readonly topics: Map<string, TopicImport>;
}

export interface ImportPlan {
  readonly environment: string;
  readonly domains: Map<string, DomainImport>;
  /** Schema files: path → text. */
  readonly files: Map<string, { text: string; subject: string }>;
  /** Known topic configs the imported topics use that platform.yaml does not allow yet. */
  readonly allowConfigs: readonly string[];
  /** What exists on the cluster as the catalog declares it: Terraform imports these. */
  readonly adopt: Adoption;
}

export interface MappingInput {
  readonly environment: string;
  readonly live: LiveState;
  readonly platform: PlatformFile;
  readonly domainOf: DomainOf;
  readonly appOf: (principal: string) => AppName | undefined;
  /** Only these domains' topics (all when empty). */
  readonly domains: readonly string[];
  /** The catalog imported into, when there is one: existing topics keep their key. */
  readonly existing?: Catalog;
}

/** Topics worth reading: in a domain, and in a selected one when domains are given. */
export function topicFilter(
  domainOf: DomainOf,
  domains: readonly string[],
): (t: string) => boolean {
  const selected = new Set(domains);
  return (t) => {
    const d = domainOf(t);
    return 'domain' in d ? selected.size === 0 || selected.has(d.domain) : selected.size === 0;
  };
}

export const topicSubjects = (t: string): string[] => [valueSubject(t), keySubject(t)];

export function mapLive(input: MappingInput, report: Report): ImportPlan {
  const { live, platform, existing } = input;
  const selected = new Set(input.domains);
  const existingTopics = new Map(existing?.topics.map((t) => [t.name, t] as const) ?? []);
  const usedKeys = new Map<string, Set<string>>();
  for (const t of existing?.topics ?? [])
    (usedKeys.get(t.domain) ?? usedKeys.set(t.domain, new Set()).get(t.domain))?.add(t.key);

  const allowExtra = new Set<string>();
  const imported: ImportedTopic[] = [];
  for (const t of [...live.topics].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = input.domainOf(t.name);
    if (!('domain' in d)) {
      if (selected.size === 0) report.add('not-imported', `topic ${t.name}`, d.reason);
      continue;
    }
    if (selected.size > 0 && !selected.has(d.domain)) continue;
    const known = existingTopics.get(t.name);
    let key: { key: string; version: number; explicit: boolean };
    if (known) key = { key: known.key, version: known.version, explicit: false };
    else {
      const keys = usedKeys.get(d.domain) ?? usedKeys.set(d.domain, new Set()).get(d.domain);
      const parsed = parseTopicName(platform.naming.topic, d.domain, t.name);
      let k = parsed?.key ?? keyFor(d.domain, t.name);
      let explicit = !parsed;
      // Keys are unique per domain file: a second live name on one key gets its own key.
      if (keys?.has(k)) {
        let n = 2;
        while (keys.has(`${k}-${n}`)) n++;
        k = `${k}-${n}`;
        explicit = true;
      }
      keys?.add(k);
      key = { key: k, version: parsed?.version ?? 1, explicit };
    }
    const entry = importTopic(t, d.domain, key, platform, allowExtra, report);
    if (entry) imported.push(entry);
  }

  const names = new Set(imported.map((t) => t.name));
  const prefixes = [...new Set(imported.map((t) => t.domain)), ...selected].map(domainPrefix);
  const access = importAccess(
    {
      acls: live.acls,
      topics: names,
      inScope: (r) => (selected.size === 0 ? true : prefixes.some((p) => r.startsWith(p))),
      appOf: input.appOf,
    },
    report,
  );
  const schemas = importSchemas(
    imported,
    live.subjects,
    platform.defaults.compatibility as Compatibility,
    report,
  );
  for (const s of live.subjectNames) {
    if (schemas.used.has(s)) continue;
    const inside = selected.size === 0 || prefixes.some((p) => s.startsWith(p));
    if (inside)
      report.add(
        'not-imported',
        `subject ${s}`,
        'belongs to no imported topic (the catalog registers <topic>-value and <topic>-key, and the schemas they reference)',
      );
  }

  const topicSubjectSet = new Set(imported.flatMap((t) => topicSubjects(t.name)));
  const domains = new Map<string, DomainImport>();
  const domain = (name: string): DomainImport => {
    let d = domains.get(name);
    if (!d) domains.set(name, (d = { name, apps: new Map(), topics: new Map() }));
    return d;
  };
  for (const app of access.apps.values()) {
    domain(app.domain).apps.set(app.name, {
      domain: app.domain,
      name: app.name,
      transactional: app.transactional,
      principal: app.livePrincipal,
      mapped: app.mapped,
    });
  }
  const ref = (from: string, id: string): string =>
    id.startsWith(`${from}/`) ? id.slice(from.length + 1) : id;
  for (const t of imported) {
    const roles = access.roles.get(t.name);
    const schema = schemas.topics.get(t.name);
    domain(t.domain).topics.set(t.name, {
      topic: t,
      producers: [...(roles?.producers ?? [])].sort().map((id) => ref(t.domain, id)),
      consumers: [...(roles?.consumers ?? [])].sort().map((id) => ref(t.domain, id)),
      ...(schema ? { schema } : {}),
    });
  }
  // A referenced schema may live in a domain with no imported topic: that domain gets a file.
  for (const path of schemas.files.keys()) domain(path.split('/')[1] as string);
  return {
    environment: input.environment,
    domains,
    files: schemas.files,
    allowConfigs: [...allowExtra].sort(),
    adopt: {
      topics: [...names].sort(),
      acls: access.adopted,
      // Subjects the catalog registers under the same name: the topics' and conventional references.
      subjects: [...schemas.files]
        .filter(
          ([path, f]) => referenceSubject(path) === f.subject || topicSubjectSet.has(f.subject),
        )
        .map(([, f]) => f.subject)
        .sort(),
    },
  };
}
