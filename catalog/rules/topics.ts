import type { Position } from '../diagnostics';
// Topic rules: naming, limits, configs, per-environment overrides and deletion.
import { KNOWN_TOPIC_CONFIGS } from '../kafka-configs';
import { domainPrefix, topicName, TOPIC_NAME } from '../naming';
import { didYouMean } from '../suggest';
import { formatDuration, INFINITE } from '../units';
import type { TopicSpec } from '../format/domain-file';
import type { DomainDraft, Rule, RuleContext } from './context';

/** Full topic name of a declared topic (explicit name, or the platform convention). */
export function fullName(
  ctx: RuleContext,
  domain: string,
  key: string,
  version: number,
  explicit?: string,
): string {
  return explicit ?? topicName(ctx.platform.naming.topic, domain, key, version);
}

export const topicNames: Rule = (ctx) => {
  // One entry per topic for both maps: this runs for each of 10,000 topics.
  const seen = new Map<string, { draft: DomainDraft; key: string }>();
  const collisions = new Map<string, { draft: DomainDraft; key: string; name: string }>();
  for (const draft of ctx.domains) {
    for (const [key, t] of draft.topics) {
      const name = fullName(ctx, draft.domain, key, t.version, t.name);
      if (!TOPIC_NAME.test(name)) {
        ctx.diagnostics.error(
          nameAt(draft, key, t),
          'topic-name-convention',
          `topic name "${name}" is not a valid Kafka topic name`,
          'use letters, digits, ".", "_" and "-", at most 249 characters',
        );
      } else if (!name.startsWith(domainPrefix(draft.domain))) {
        ctx.diagnostics.error(
          nameAt(draft, key, t),
          'topic-outside-domain',
          `topic "${name}" is outside the domain's prefix "${domainPrefix(draft.domain)}"`,
          `a domain declares topics only under its own prefix; name it "${domainPrefix(draft.domain)}…"`,
        );
      } else if (
        t.name !== undefined &&
        t.name === topicName(ctx.platform.naming.topic, draft.domain, key, t.version)
      ) {
        ctx.diagnostics.warning(
          nameAt(draft, key, t),
          'redundant-name',
          `"name" repeats the conventional name "${name}"`,
          'remove "name:"',
        );
      }
      const first = seen.get(name);
      // Kafka's metrics replace "." with "_": two such names share their metrics.
      const metric = name.replaceAll('.', '_');
      const twin = collisions.get(metric);
      const entry = { draft, key, name };
      if (!first && twin && twin.name !== name) {
        ctx.diagnostics.error(
          nameAt(draft, key, t),
          'topic-name-collision',
          `topic "${name}" differs from "${twin.name}" (${twin.draft.file}, topics.${twin.key}) only by "." versus "_": their metric names collide`,
          'Kafka refuses or warns about such names: choose a name that differs in more than "." and "_"',
        );
      } else if (!twin) collisions.set(metric, entry);
      if (first) {
        ctx.diagnostics.error(
          nameAt(draft, key, t),
          'duplicate-topic',
          `topic "${name}" is also declared in ${first.draft.file} (topics.${first.key})`,
          'full topic names are unique across all domains: change the name or the version',
        );
      } else seen.set(name, entry);
    }
  }
};

/** Where a topic's name comes from: its `name:` or, by convention, its key. */
function nameAt(draft: DomainDraft, key: string, t: TopicSpec): Position {
  return t.name !== undefined
    ? draft.source.locate(['topics', key, 'name'])
    : draft.source.locate(['topics', key], true);
}

export const topicLimits: Rule = (ctx) => {
  const envs = ctx.platform.environments;
  for (const draft of ctx.domains) {
    for (const [key, t] of draft.topics) {
      checkPartitions(ctx, draft, t.partitions ?? ctx.platform.defaults.partitions, key);
      checkRetention(ctx, draft, t.retention, key);
      for (const [env, o] of Object.entries(t.environments)) {
        if (!envs[env]) {
          ctx.diagnostics.error(
            draft.source.locate(['topics', key, 'environments', env], true),
            'unknown-environment',
            `environment "${env}" is not declared in platform.yaml`,
            didYouMean(env, Object.keys(envs)) ?? `declared: ${Object.keys(envs).join(', ')}`,
          );
          continue;
        }
        checkPartitions(ctx, draft, o.partitions, key, env);
        checkRetention(ctx, draft, o.retention, key, env);
      }
    }
  }
};

// Module-level, not closures in the loop: a big catalog runs them 10,000 times. The path of a
// topic's setting (or of its override in `env`) is made only for a finding.
function settingPath(key: string, setting: string, env?: string): string[] {
  return env === undefined
    ? ['topics', key, setting]
    : ['topics', key, 'environments', env, setting];
}

function checkPartitions(
  ctx: RuleContext,
  draft: DomainDraft,
  n: number | undefined,
  key: string,
  env?: string,
): void {
  const { limits } = ctx.platform;
  if (n !== undefined && n > limits.maxPartitionsPerTopic) {
    ctx.diagnostics.error(
      draft.source.locate(settingPath(key, 'partitions', env)),
      'partitions-limit',
      `${n} partitions is more than the platform allows per topic (${limits.maxPartitionsPerTopic})`,
      'ask the platform team if you really need more; more partitions rarely fix throughput alone',
    );
  }
}

function checkRetention(
  ctx: RuleContext,
  draft: DomainDraft,
  ms: number | undefined,
  key: string,
  env?: string,
): void {
  const { limits } = ctx.platform;
  if (ms === undefined) return;
  if (ms === INFINITE) {
    if (!limits.retention.allowInfinite) {
      ctx.diagnostics.error(
        draft.source.locate(settingPath(key, 'retention', env)),
        'retention-bounds',
        'infinite retention is not allowed on this platform',
        `use a duration up to ${formatDuration(limits.retention.max)}, or cleanupPolicy: compact to keep the latest value per key`,
      );
    }
  } else if (ms < limits.retention.min || ms > limits.retention.max) {
    ctx.diagnostics.error(
      draft.source.locate(settingPath(key, 'retention', env)),
      'retention-bounds',
      `retention ${formatDuration(ms)} is outside the platform's bounds (${formatDuration(limits.retention.min)} to ${formatDuration(limits.retention.max)})`,
      `choose a retention between ${formatDuration(limits.retention.min)} and ${formatDuration(limits.retention.max)}`,
    );
  }
}

export const topicConfigs: Rule = (ctx) => {
  const allowed = new Set(ctx.platform.limits.topicConfigs);
  const envs = Object.entries(ctx.platform.environments);
  for (const draft of ctx.domains) {
    for (const [key, t] of draft.topics) {
      checkConfig(ctx, draft, allowed, t.config, key);
      for (const [env, o] of Object.entries(t.environments)) {
        if (o.config) checkConfig(ctx, draft, allowed, o.config, key, env);
      }
      // The effective min.insync.replicas of each environment must fit its replication factor;
      // one finding per place the value is set, naming every environment it breaks.
      let tooHigh: Map<string, { value: number; envs: string[] }> | undefined;
      for (const [env, spec] of envs) {
        const override = t.environments[env]?.config?.['min.insync.replicas'];
        const minIsr = Number(override ?? t.config['min.insync.replicas'] ?? 1);
        if (!(minIsr > spec.replicationFactor)) continue;
        const path = override !== undefined ? `environments.${env}` : 'config';
        tooHigh ??= new Map();
        const entry = tooHigh.get(path) ?? { value: minIsr, envs: [] };
        entry.envs.push(`${env} (${spec.replicationFactor})`);
        tooHigh.set(path, entry);
      }
      for (const [where, { value, envs: broken }] of tooHigh ?? []) {
        const path =
          where === 'config'
            ? ['topics', key, 'config', 'min.insync.replicas']
            : ['topics', key, ...where.split('.'), 'config', 'min.insync.replicas'];
        ctx.diagnostics.error(
          draft.source.locate(path),
          'min-isr-above-replication',
          `min.insync.replicas ${value} is above the replication factor of ${broken.join(', ')}: producers with acks=all would always fail there`,
          'lower it, or override it per environment: environments: { <env>: { config: { min.insync.replicas: 1 } } }',
        );
      }
    }
  }
};

function checkConfig(
  ctx: RuleContext,
  draft: DomainDraft,
  allowed: ReadonlySet<string>,
  config: Record<string, string>,
  key: string,
  env?: string,
): void {
  for (const [name, value] of Object.entries(config)) {
    const path = (): string[] => [...settingPath(key, 'config', env), name];
    const known = KNOWN_TOPIC_CONFIGS[name];
    if (known?.reservedFor) {
      ctx.diagnostics.error(
        draft.source.locate(path(), true),
        'config-reserved',
        `"${name}" is set through the topic's "${known.reservedFor}" field`,
        `remove it from config and use ${known.reservedFor}:`,
      );
    } else if (!allowed.has(name)) {
      ctx.diagnostics.error(
        draft.source.locate(path(), true),
        'config-not-allowed',
        `topic config "${name}" is not allowed on this platform`,
        didYouMean(name, allowed) ?? `allowed: ${[...allowed].join(', ') || 'none'}`,
      );
    } else {
      const problem = known?.check(value);
      if (problem) {
        ctx.diagnostics.error(
          draft.source.locate(path()),
          'config-invalid-value',
          `${name}: "${value}" ${problem}`,
        );
      }
    }
  }
}

export const topicDeletion: Rule = (ctx) => {
  for (const draft of ctx.domains) {
    for (const [key, t] of draft.topics) {
      if (t.delete && t.deletionProtection) {
        ctx.diagnostics.error(
          draft.source.locate(['topics', key, 'delete']),
          'delete-protected',
          'a topic marked for deletion still has deletionProtection',
          'set "deletionProtection: false" in a change of its own first, then mark it "delete: true"',
        );
      }
    }
  }
};
