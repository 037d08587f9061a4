// The PR check's second half: rules that compare the catalog with its previous version (a git
// revision) to refuse changes that would lose data or break running apps. No cluster needed.
import type { Diagnostics } from './diagnostics';
import type { LoadResult } from './loader';
import type { Catalog, Topic } from './model';
import { incompatibilities, loosened, schemaPosition } from './schemas/compatibility';
import type { SchemaHistory } from './history';

export function checkChangeSafety(
  base: Catalog,
  head: Catalog,
  locate: LoadResult['locate'],
  d: Diagnostics,
  history?: SchemaHistory,
): void {
  const headTopics = new Map(head.topics.map((t) => [t.name, t]));
  // Partitions per environment and topic, indexed once (a search per topic would be quadratic).
  const partitions = (c: Catalog, env: string): Map<string, number> =>
    new Map(c.for(env).topics.map((t) => [t.name, t.partitions]));
  const envs = head.environments.filter((env) => base.environments.includes(env));
  const basePartitions = new Map(envs.map((env) => [env, partitions(base, env)]));
  const headPartitions = new Map(envs.map((env) => [env, partitions(head, env)]));
  for (const before of base.topics) {
    if (before.delete) continue;
    const after = headTopics.get(before.name);
    if (!after) {
      removedTopic(before, head, locate, d);
      continue;
    }
    const at = (path: (string | number)[]): ReturnType<typeof locate> =>
      locate(after.source.file, ['topics', after.key, ...path]);
    // One finding per place the decrease is written, naming every environment it breaks.
    const decreases = new Map<
      string,
      { path: (string | number)[]; envs: string[]; was: number; now: number }
    >();
    for (const env of envs) {
      const was = basePartitions.get(env)?.get(before.name);
      const now = headPartitions.get(env)?.get(after.name);
      if (was === undefined || now === undefined || now >= was) continue;
      const path =
        after.environments[env]?.partitions !== undefined
          ? ['environments', env, 'partitions']
          : ['partitions'];
      const entry = decreases.get(path.join('.')) ?? { path, envs: [], was, now };
      entry.envs.push(env);
      decreases.set(path.join('.'), entry);
    }
    for (const { path, envs, was, now } of decreases.values()) {
      d.error(
        at(path),
        'partitions-decreased',
        `partitions of "${after.name}" in ${envs.join(', ')} go from ${was} to ${now}: Kafka cannot remove partitions`,
        `keep ${was}, or create a new topic version (version: ${after.version + 1}) and migrate producers and consumers`,
      );
    }
    // Adding "delete" to a compacted topic deletes old segments, latest values per key included.
    const deletes = (p: string): boolean => p.split(',').includes('delete');
    const compacts = (p: string): boolean => p.split(',').includes('compact');
    if (
      compacts(before.cleanupPolicy) &&
      !deletes(before.cleanupPolicy) &&
      deletes(after.cleanupPolicy)
    ) {
      d.error(
        at(['cleanupPolicy']),
        'cleanup-policy-compact-to-delete',
        `"${after.name}" changes from ${before.cleanupPolicy} to ${after.cleanupPolicy}: the latest value per key would be deleted with old segments`,
        'keep "compact", or create a new topic version with the new policy and migrate to it',
      );
    } else if (compacts(before.cleanupPolicy) && !compacts(after.cleanupPolicy)) {
      d.error(
        at(['cleanupPolicy']),
        'cleanup-policy-compact-to-delete',
        `"${after.name}" changes from ${before.cleanupPolicy} to ${after.cleanupPolicy}: the latest value per key would be deleted with old segments`,
        'keep compaction, or create a new topic version',
      );
    }
    const lost =
      before.schema && after.schema
        ? loosened(before.schema.compatibility, after.schema.compatibility)
        : [];
    if (lost.length > 0 && before.schema && after.schema) {
      d.error(
        at(['schema', 'compatibility']),
        'compatibility-loosened',
        `compatibility of "${after.name}" goes from ${before.schema.compatibility} to ${after.schema.compatibility}, dropping the ${lost.join(' and ')} guarantee`,
        `keep ${before.schema.compatibility} (or stricter); consumers rely on it`,
      );
    }
  }
  checkSchemas(base, head, d, history);
}

function removedTopic(
  before: Topic,
  head: Catalog,
  locate: LoadResult['locate'],
  d: Diagnostics,
): void {
  const successor = head.domain(before.domain)?.topics.find((t) => t.key === before.key);
  const at = successor
    ? locate(successor.source.file, ['topics', successor.key], true)
    : locate(before.source.file, ['topics'], true);
  const change = successor
    ? `renamed from "${before.name}" to "${successor.name}"`
    : `"${before.name}" was removed from the catalog`;
  if (before.deletionProtection) {
    d.error(
      at,
      'protected-topic-removed',
      `${change} while its deletionProtection is on`,
      successor
        ? `keep the old version declared next to the new one until its consumers have moved (add it back as its own entry with "name: ${before.name}")`
        : 'put it back; to delete it, first set "deletionProtection: false", then "delete: true", each in its own change',
    );
  } else {
    // Terraform destroys what the catalog no longer declares: removal must be said explicitly.
    d.error(
      at,
      'topic-removed',
      `${change} without being marked for deletion`,
      successor
        ? `keep the old version declared next to the new one (add it back with "name: ${before.name}"), and mark it "delete: true" once its consumers have moved`
        : 'put it back with "delete: true" to delete it from the clusters; remove the entry after that has been deployed',
    );
  }
}

function checkSchemas(base: Catalog, head: Catalog, d: Diagnostics, history?: SchemaHistory): void {
  const baseSubjects = new Map(base.subjects.map((s) => [s.name, s]));
  for (const subject of head.subjects) {
    const before = baseSubjects.get(subject.name);
    if (!before) continue;
    const problems = incompatibilities(
      subject.compatibility,
      before.schema,
      base.schemas,
      subject.schema,
      head.schemas,
      // Called only when the schema changed: reading the history costs a git call.
      () => history?.earlier(before.schema, base.schemas) ?? [],
    );
    for (const p of problems) {
      d.error(
        schemaPosition(p, subject.schema, head.schemas),
        'schema-incompatible',
        `${subject.name} is not ${subject.compatibility} compatible with ${p.version ? `its version ${p.version}` : 'its previous version'}: ${p.message}`,
        p.hint,
      );
    }
  }
}
