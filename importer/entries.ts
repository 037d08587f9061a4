// An imported topic or app as the domain file writes it: human units, and only what differs
// from platform.yaml's defaults, so the file reads as if a person had written it.
import type { PlatformFile } from '../catalog/format/platform-file';
import { formatDuration, formatSize } from '../catalog/units';
import type { ImportedApp, TopicImport } from './mapping';
import type { ImportedTopic } from './topics';

export type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

/** Config values as YAML numbers when they are whole numbers (the catalog takes both). */
export function configValue(v: string): string | number {
  return /^-?\d{1,15}$/.test(v) ? Number(v) : v;
}

export function configMap(config: Readonly<Record<string, string>>): Record<string, Plain> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, configValue(v)]));
}

/** The retention the topic has in catalog terms (undefined: none, compacted for ever). */
export function effectiveRetention(t: ImportedTopic, platform: PlatformFile): number | undefined {
  return t.retentionMs ?? (t.cleanupPolicy === 'compact' ? undefined : platform.defaults.retention);
}

export function topicEntry(
  imp: TopicImport,
  platform: PlatformFile,
  environment: string,
): Record<string, Plain> {
  const t = imp.topic;
  const e: Record<string, Plain> = {};
  if (t.explicitName) e.name = t.name;
  if (t.version !== 1) e.version = t.version;
  e.description = `Imported from ${environment} (${t.name}): describe it`;
  if (t.partitions !== platform.defaults.partitions) e.partitions = t.partitions;
  const retention = t.retentionMs;
  const defaultRetention = t.cleanupPolicy === 'compact' ? undefined : platform.defaults.retention;
  if (retention !== undefined && retention !== defaultRetention)
    e.retention = formatDuration(retention);
  if (t.retentionBytes !== undefined) e.retentionSize = formatSize(t.retentionBytes);
  if (t.cleanupPolicy !== platform.defaults.cleanupPolicy) e.cleanupPolicy = t.cleanupPolicy;
  if (Object.keys(t.config).length > 0) e.config = configMap(t.config);
  if (imp.schema) {
    const s: Record<string, Plain> = {};
    if (imp.schema.value) s.value = imp.schema.value;
    if (imp.schema.key) s.key = imp.schema.key;
    if (imp.schema.compatibility) s.compatibility = imp.schema.compatibility;
    e.schema = s;
  }
  if (imp.producers.length > 0) e.producers = [...imp.producers];
  if (imp.consumers.length > 0) e.consumers = [...imp.consumers];
  return e;
}

export function appEntry(app: ImportedApp, environment: string): Record<string, Plain> {
  return {
    description: `Imported from ${environment} (principal ${app.principal}): describe it`,
    ...(app.transactional ? { transactional: true } : {}),
  };
}
