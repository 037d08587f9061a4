// The Kafka topic configs the catalog knows how to check. The platform file chooses which of
// them domain teams may set; a key outside this table cannot be allow-listed at all.

export interface ConfigKey {
  /** undefined when the value is fine, else what is wrong with it. */
  check(value: string): string | undefined;
  /** Keys the catalog sets from its own fields: using them in `config:` is an error. */
  readonly reservedFor?: string;
}

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): string | undefined =>
    /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max
      ? undefined
      : `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`;

const oneOf =
  (...allowed: string[]) =>
  (v: string): string | undefined =>
    allowed.includes(v) ? undefined : `must be one of: ${allowed.join(', ')}`;

const ratio = (v: string): string | undefined =>
  /^\d*\.?\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 1
    ? undefined
    : 'must be a number from 0 to 1';

export const KNOWN_TOPIC_CONFIGS: Readonly<Record<string, ConfigKey>> = {
  'min.insync.replicas': { check: integer(1, 16) },
  'max.message.bytes': { check: integer(0, 20_971_520) },
  'segment.bytes': { check: integer(1_048_576) },
  'segment.ms': { check: integer(1) },
  'min.compaction.lag.ms': { check: integer(0) },
  'max.compaction.lag.ms': { check: integer(1) },
  'delete.retention.ms': { check: integer(0) },
  'min.cleanable.dirty.ratio': { check: ratio },
  'message.timestamp.type': { check: oneOf('CreateTime', 'LogAppendTime') },
  'message.timestamp.difference.max.ms': { check: integer(0) },
  'message.timestamp.before.max.ms': { check: integer(0) },
  'message.timestamp.after.max.ms': { check: integer(0) },
  'compression.type': { check: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  'confluent.value.schema.validation': { check: oneOf('true', 'false') },
  'confluent.key.schema.validation': { check: oneOf('true', 'false') },
  'retention.ms': { check: integer(-1), reservedFor: 'retention' },
  'retention.bytes': { check: integer(-1), reservedFor: 'retentionSize' },
  'cleanup.policy': {
    check: oneOf('delete', 'compact', 'compact,delete'),
    reservedFor: 'cleanupPolicy',
  },
};
