// A live topic → the numbers a catalog entry holds: its key and version under the naming
// convention (or an explicit `name:` when it predates it), partitions, retention, cleanup policy
// and the configs the catalog knows. Configs it does not know are reported, not carried.
import type { CleanupPolicy } from '../catalog/format/common';
import type { PlatformFile } from '../catalog/format/platform-file';
import { KNOWN_TOPIC_CONFIGS } from '../catalog/kafka-configs';
import { topicName } from '../catalog/naming';
import { INFINITE } from '../catalog/units';
import type { LiveTopic } from './live';
import type { Report } from './report';

export interface ImportedTopic {
  readonly domain: string;
  readonly key: string;
  readonly version: number;
  readonly name: string;
  /** The name does not follow the convention: the entry says `name:`. */
  readonly explicitName: boolean;
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** undefined: not set on the topic (the catalog's default applies). */
  readonly retentionMs?: number;
  readonly retentionBytes?: number;
  readonly config: Readonly<Record<string, string>>;
}

const KEBAB_WORD = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Key and version of a conventional name; undefined when the name is not conventional. */
export function parseTopicName(
  template: string,
  domain: string,
  name: string,
): { key: string; version: number } | undefined {
  const source = template
    .split(/(\{domain\}|\{name\}|\{version\})/)
    .map((part) =>
      part === '{domain}'
        ? escape(domain)
        : part === '{name}'
          ? `(?<name>${KEBAB_WORD})`
          : part === '{version}'
            ? '(?<version>[1-9][0-9]{0,2})'
            : escape(part),
    )
    .join('');
  const m = new RegExp(`^${source}$`).exec(name);
  const key = m?.groups?.name;
  const version = Number(m?.groups?.version ?? 1);
  if (!key || key.length > 64 || topicName(template, domain, key, version) !== name)
    return undefined;
  return { key, version };
}

/** A kebab-case key for a name that does not follow the convention. */
export function keyFor(domain: string, name: string): string {
  const rest = name.startsWith(`${domain}.`) ? name.slice(domain.length + 1) : name;
  const words = rest
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let key = words.join('-').slice(0, 60).replace(/-+$/, '');
  if (!/^[a-z]/.test(key)) key = `t-${key}`.replace(/-+$/, '');
  return key;
}

function normalizePolicy(raw: string | undefined): CleanupPolicy | undefined {
  if (raw === undefined) return 'delete';
  const parts = new Set(raw.split(',').map((p) => p.trim()));
  if (parts.size === 2 && parts.has('compact') && parts.has('delete')) return 'compact,delete';
  if (parts.size === 1 && (parts.has('compact') || parts.has('delete')))
    return [...parts][0] as CleanupPolicy;
  return undefined;
}

export function importTopic(
  t: LiveTopic,
  domain: string,
  key: { key: string; version: number; explicit: boolean },
  platform: PlatformFile,
  allowExtra: Set<string>,
  report: Report,
): ImportedTopic | undefined {
  const resource = `topic ${t.name}`;
  const cleanupPolicy = normalizePolicy(t.config['cleanup.policy']);
  if (!cleanupPolicy) {
    report.add(
      'not-imported',
      resource,
      `cleanup.policy "${t.config['cleanup.policy']}" is not one the catalog has (delete, compact, compact,delete)`,
    );
    return undefined;
  }
  if (t.config['cleanup.policy'] === undefined)
    report.add(
      'drift',
      resource,
      'cleanup.policy is the broker default (not set on the topic): the catalog states it, so the first apply sets cleanup.policy=delete on the topic (same behaviour)',
    );
  const config: Record<string, string> = {};
  let retentionMs: number | undefined;
  let retentionBytes: number | undefined;
  for (const [k, v] of Object.entries(t.config).sort(([a], [b]) => a.localeCompare(b))) {
    if (k === 'cleanup.policy') continue;
    if (k === 'retention.ms' || k === 'retention.bytes') {
      const n = Number(v);
      if (!/^-?\d+$/.test(v) || n < INFINITE) {
        report.add('not-imported', `${resource} config ${k}=${v}`, 'not a whole number');
        continue;
      }
      if (k === 'retention.ms') retentionMs = n;
      else if (n === INFINITE)
        report.add(
          'drift',
          `${resource} config retention.bytes=-1`,
          'set on the topic to its default (no size limit): the catalog does not set it, so the first apply removes the setting (same behaviour)',
        );
      else retentionBytes = n;
      continue;
    }
    const known = KNOWN_TOPIC_CONFIGS[k];
    if (!known) {
      report.add(
        'not-imported',
        `${resource} config ${k}=${v}`,
        'a config the catalog does not know: the first apply would remove it from the topic; keep the topic out of the catalog or accept the broker default',
      );
      continue;
    }
    const problem = known.check(v);
    if (problem) {
      report.add(
        'not-imported',
        `${resource} config ${k}=${v}`,
        `the catalog refuses it: ${problem}`,
      );
      continue;
    }
    if (!platform.limits.topicConfigs.includes(k)) allowExtra.add(k);
    config[k] = v;
  }
  if (retentionMs === undefined && cleanupPolicy !== 'compact')
    report.add(
      'drift',
      resource,
      'retention.ms is the broker default (not set on the topic): the catalog states the platform default, so the first apply sets retention.ms on the topic',
    );
  if (t.partitions > platform.limits.maxPartitionsPerTopic)
    report.add(
      'drift',
      resource,
      `${t.partitions} partitions, above platform.yaml's maxPartitionsPerTopic (${platform.limits.maxPartitionsPerTopic}): validation refuses it until the platform team raises the limit`,
    );
  return {
    domain,
    key: key.key,
    version: key.version,
    name: t.name,
    explicitName: key.explicit,
    partitions: t.partitions,
    cleanupPolicy,
    ...(retentionMs !== undefined ? { retentionMs } : {}),
    ...(retentionBytes !== undefined ? { retentionBytes } : {}),
    config,
  };
}
