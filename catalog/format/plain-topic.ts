// A topic of a domain file, read without zod when it is plainly valid. A cold validation of
// 10,000 topics spent a good part of its time in zod's per-topic parse, though almost every topic
// is valid. For a valid topic this makes what zod makes of it (`topic` in domain-file.ts, which
// stays the one definition of the shape and of TopicSpec): the same keys in the same order,
// defaults and units applied. Anything it is not sure of is left to zod, which then reports
// exactly what it reports today: this module never produces a finding of its own.
import { APP_REF } from './domain-file';
import type { OverrideSpec, TopicSpec } from './domain-file';
import { CLEANUP_POLICIES, COMPATIBILITY_LEVELS, KEBAB } from './common';
import type { CleanupPolicy, Compatibility } from './common';
import { parseDuration, parseSize } from '../units';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Json = Record<string, unknown>;

const TOPIC_KEYS = new Set([
  'name',
  'version',
  'description',
  'partitions',
  'retention',
  'retentionSize',
  'cleanupPolicy',
  'config',
  'schema',
  'producers',
  'consumers',
  'environments',
  'deletionProtection',
  'delete',
]);
const SCHEMA_KEYS = new Set(['value', 'key', 'compatibility']);
const OVERRIDE_KEYS = new Set(['partitions', 'retention', 'retentionSize', 'config']);
const COMPATIBILITY: ReadonlySet<Compatibility> = new Set(COMPATIBILITY_LEVELS);
const CLEANUP: ReadonlySet<CleanupPolicy> = new Set(CLEANUP_POLICIES);

/** Thrown inside the checks: zod must decide. */
const UNSURE = Symbol('unsure');

function unsure(): never {
  throw UNSURE;
}

/** What zod's `topicKey` (kebabName) accepts: the key itself, else undefined. */
export function plainTopicKey(key: unknown): string | undefined {
  return typeof key === 'string' && key.length <= 64 && KEBAB.test(key) ? key : undefined;
}

/** What `topic.safeParse(value)` makes of a plainly valid topic; undefined when zod must decide. */
export function plainTopic(value: unknown): TopicSpec | undefined {
  try {
    return topic(value);
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

function topic(value: unknown): TopicSpec {
  const v = object(value, TOPIC_KEYS);
  // Shape order, as zod builds its result: optional keys only when present, defaults otherwise.
  const out = {} as Mutable<TopicSpec>;
  if ('name' in v) out.name = text(v.name);
  out.version = 'version' in v ? int(v.version, 1, 999) : 1;
  if (!('description' in v)) unsure();
  out.description = text(v.description);
  if ('partitions' in v) out.partitions = int(v.partitions, 1);
  if ('retention' in v) out.retention = unit(v.retention, parseDuration);
  if ('retentionSize' in v) out.retentionSize = unit(v.retentionSize, parseSize);
  if ('cleanupPolicy' in v) out.cleanupPolicy = oneOf(v.cleanupPolicy, CLEANUP);
  out.config = 'config' in v ? config(v.config) : {};
  if ('schema' in v) {
    const s = object(v.schema, SCHEMA_KEYS);
    const schema = {} as Mutable<NonNullable<TopicSpec['schema']>>;
    if ('value' in s) schema.value = text(s.value);
    if ('key' in s) schema.key = text(s.key);
    if ('compatibility' in s) schema.compatibility = oneOf(s.compatibility, COMPATIBILITY);
    out.schema = schema;
  }
  out.producers = 'producers' in v ? appRefs(v.producers) : [];
  out.consumers = 'consumers' in v ? appRefs(v.consumers) : [];
  out.environments = 'environments' in v ? environments(v.environments) : {};
  out.deletionProtection = 'deletionProtection' in v ? bool(v.deletionProtection) : true;
  out.delete = 'delete' in v ? bool(v.delete) : false;
  return out;
}

/**
 * A plain object with only `keys` (a strict object's unknown keys are zod's to report), or with
 * any keys for a record but "__proto__" (which a record cannot hold as its own key).
 */
function object(value: unknown, keys: ReadonlySet<string> | 'any'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) unsure();
  for (const k of Object.keys(value))
    if (keys === 'any' ? k === '__proto__' : !keys.has(k)) unsure();
  return value as Json;
}

function text(value: unknown): string {
  return typeof value === 'string' && value.length >= 1 ? value : unsure();
}

function int(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
    ? value
    : unsure();
}

function bool(value: unknown): boolean {
  return typeof value === 'boolean' ? value : unsure();
}

function oneOf<T extends string>(value: unknown, allowed: ReadonlySet<T>): T {
  return typeof value === 'string' && allowed.has(value as T) ? (value as T) : unsure();
}

/** A duration or size: a string, or a finite number, that its parser reads. */
function unit(value: unknown, parse: (text: string) => number | undefined): number {
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) unsure();
  return parse(String(value)) ?? unsure();
}

/** Kafka config values: strings, and finite numbers and booleans as strings. */
function config(value: unknown): Record<string, string> {
  const v = object(value, 'any');
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const c = v[k];
    if (
      typeof c === 'string' ||
      typeof c === 'boolean' ||
      (typeof c === 'number' && Number.isFinite(c))
    )
      out[k] = String(c);
    else unsure();
  }
  return out;
}

function appRefs(value: unknown): string[] {
  if (!Array.isArray(value)) unsure();
  const out: string[] = [];
  for (const item of value as unknown[])
    out.push(typeof item === 'string' && APP_REF.test(item) ? item : unsure());
  return out;
}

function environments(value: unknown): Record<string, OverrideSpec> {
  const v = object(value, 'any');
  const out: Record<string, OverrideSpec> = {};
  for (const k of Object.keys(v)) {
    const o = object(v[k], OVERRIDE_KEYS);
    const spec = {} as Mutable<OverrideSpec>;
    if ('partitions' in o) spec.partitions = int(o.partitions, 1);
    if ('retention' in o) spec.retention = unit(o.retention, parseDuration);
    if ('retentionSize' in o) spec.retentionSize = unit(o.retentionSize, parseSize);
    if ('config' in o) spec.config = config(o.config);
    out[k] = spec;
  }
  return out;
}
