// plain-topic.ts reads a topic without zod when it is plainly valid. It may leave any topic to
// zod, but what it reads zod must accept, and it must make the very value zod makes (keys in the
// same order, defaults and units applied): held to that on seeded random topics, valid and not.
import { plainTopic, plainTopicKey } from '../../../catalog/format/plain-topic';
import { topic, topicKey } from '../../../catalog/format/domain-file';
import { seededRandom } from '../../support/seeded-random';

const POOL: unknown[] = [
  null,
  '',
  'x',
  0,
  1,
  -1,
  1.5,
  1000,
  2 ** 53,
  Infinity,
  true,
  false,
  '7d',
  '7 d',
  '7x',
  12,
  'infinite',
  '512MiB',
  '1 GB',
  'delete',
  'compact,delete',
  'BACKWARD',
  'backward',
  [],
  {},
  ['writer'],
  ['payments/reader', 'writer'],
  ['Bad'],
  [1],
  { dev: { partitions: 2 } },
  { dev: { partitions: 0 } },
  { dev: { foo: 1 } },
  { dev: { retention: '1d', retentionSize: 1024, config: { 'a.b': 1 } } },
  { dev: null },
  { 'min.insync.replicas': 2, 'x.y': true, z: 'v' },
  { a: null },
  { a: [] },
  { value: 'e.avsc', key: 'string' },
  { value: 'e.avsc', compatibility: 'FULL' },
  { value: '' },
  { other: 1 },
];
/** Every key zod's topic allows, and one it does not: a key zod learns is drawn here too. */
const KEYS = [...Object.keys(topic.shape), 'unknown'];

/** Key order and values, compared as zod builds them (toEqual alone ignores key order). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, shape(x)] as const);
  return v;
}

describe('plainTopic', () => {
  it('reads only what zod accepts, into the very value zod makes', () => {
    const rnd = seededRandom(20261130);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    let read = 0;
    for (let i = 0; i < 5000; i++) {
      const value: Record<string, unknown> = {
        description: 'Event',
        partitions: 3,
        retention: '7d',
        schema: { value: 'event.avsc', key: 'string' },
        producers: ['writer'],
        consumers: ['reader', 'other/reader'],
        environments: { dev: { partitions: 1 } },
      };
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        const key = pick(KEYS);
        if (rnd() < 0.2) delete value[key];
        else value[key] = pick(POOL);
      }
      const fast = plainTopic(value);
      const zod = topic.safeParse(value);
      if (fast === undefined) continue;
      read++;
      expect({ value, success: zod.success }).toEqual({ value, success: true });
      expect({ value, made: shape(fast) }).toEqual({ value, made: shape(zod.data) });
    }
    expect(read).toBeGreaterThan(500); // the generator does reach the reading path
  });

  it('leaves to zod what zod rejects, and what it is not sure of', () => {
    for (const value of [
      null,
      [],
      { description: '' },
      { partitions: 1 },
      { description: 'x', extra: 1 },
      { description: 'x', retention: '7 days' },
      { description: 'x', config: { a: null } },
      { description: 'x', producers: ['Writer'] },
      { description: 'x', version: 1000 },
    ]) {
      expect(topic.safeParse(value).success).toBe(false);
      expect(plainTopic(value)).toBeUndefined();
    }
    // A record key a plain object cannot hold as its own: zod's to decide what it makes of it.
    expect(
      plainTopic(JSON.parse('{"description":"x","config":{"__proto__":"1"}}')),
    ).toBeUndefined();
  });

  it('reads topic keys as zod does', () => {
    for (const key of [
      'order-created',
      'a',
      'a1-b2',
      'A',
      'a--b',
      '-a',
      'a'.repeat(64),
      'a'.repeat(65),
      '',
    ]) {
      const ok = topicKey.safeParse(key).success;
      expect({ key, read: plainTopicKey(key) }).toEqual({ key, read: ok ? key : undefined });
    }
  });
});
