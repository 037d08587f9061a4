// The lean read path's decoders must give what kafka-admin.ts made of kafkajs' decoders: every
// topic with its partition count and replication factor (Metadata v4), every ACL binding in the
// answer's order (DescribeAcls v1); and must decline (undefined) every answer kafkajs' parse
// refuses, so that kafkajs asks again and reports it.
import { decodeAcls, decodeTopics } from '../../../reconciler/cluster/lean-admin';
import { nameOf, OPERATIONS, PATTERN, RESOURCE } from '../../../reconciler/cluster/acl-codes';
import { pickVersion, Reader, Writer } from '../../../reconciler/cluster/wire';
import { seededRandom } from '../../support/seeded-random';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */
interface Response<T> {
  decode(raw: Buffer): Promise<T>;
  parse(data: T): Promise<T>;
}
interface KafkajsMetadata {
  topicMetadata: {
    topic: string;
    partitionMetadata: { partitionId: number; replicas: number[] }[];
  }[];
}
interface KafkajsAcls {
  resources: {
    resourceType: number;
    resourceName: string;
    resourcePatternType: number;
    acls: { principal: string; host: string; operation: number; permissionType: number }[];
  }[];
}
const metadataV4 =
  require('kafkajs/src/protocol/requests/metadata/v4/response') as Response<KafkajsMetadata>;
const aclsV1 =
  require('kafkajs/src/protocol/requests/describeAcls/v1/response') as Response<KafkajsAcls>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** kafka-admin.ts' describeTopics on kafkajs' answer (kafkajs' parse throws on any error). */
async function topicsViaKafkajs(raw: Buffer): Promise<unknown> {
  try {
    const { topicMetadata } = await metadataV4.parse(await metadataV4.decode(raw));
    return topicMetadata.map((t) => ({
      name: t.topic,
      partitions: t.partitionMetadata.length,
      replicationFactor: t.partitionMetadata.find((p) => p.partitionId === 0)?.replicas.length ?? 0,
    }));
  } catch {
    return undefined;
  }
}

/** kafka-admin.ts' describeAcls on kafkajs' answer. */
async function aclsViaKafkajs(raw: Buffer): Promise<unknown> {
  try {
    const { resources } = await aclsV1.parse(await aclsV1.decode(raw));
    return resources.flatMap((r) =>
      r.acls.map((a) => ({
        principal: a.principal,
        host: a.host,
        resourceType: nameOf(RESOURCE, r.resourceType) ?? 'OTHER',
        resourceName: r.resourceName,
        patternType: nameOf(PATTERN, r.resourcePatternType) ?? 'OTHER',
        operation: nameOf(OPERATIONS, a.operation) ?? `UNKNOWN(${a.operation})`,
        permission: a.permissionType === 3 ? 'ALLOW' : 'DENY',
      })),
    );
  } catch {
    return undefined;
  }
}

interface MetaTopic {
  error?: number;
  name: string;
  internal?: boolean;
  partitions: { error?: number; id: number; replicas: number[]; isr?: number[] }[];
}

/** A Metadata v4 answer body, as a broker writes it. */
function metadata(topics: MetaTopic[], brokers = 1): Buffer {
  const w = new Writer().int32(0).int32(brokers);
  for (let b = 0; b < brokers; b++) w.int32(b).string(`broker-${b}`).int32(9092).string(null);
  w.string('cluster-id').int32(0).int32(topics.length);
  for (const t of topics) {
    w.int16(t.error ?? 0)
      .string(t.name)
      .bool(t.internal ?? false)
      .int32(t.partitions.length);
    for (const p of t.partitions) {
      w.int16(p.error ?? 0)
        .int32(p.id)
        .int32(p.replicas[0] ?? -1)
        .int32(p.replicas.length);
      for (const r of p.replicas) w.int32(r);
      const isr = p.isr ?? p.replicas;
      w.int32(isr.length);
      for (const r of isr) w.int32(r);
    }
  }
  return Buffer.from(w.done());
}

interface AclResource {
  type: number;
  name: string;
  pattern: number;
  acls: { principal: string; host: string; operation: number; permission: number }[];
}

/** A DescribeAcls v1 answer body. */
function acls(resources: AclResource[], error: [number, string | null] = [0, null]): Buffer {
  const w = new Writer().int32(0).int16(error[0]).string(error[1]).int32(resources.length);
  for (const r of resources) {
    w.int8(r.type).string(r.name).int8(r.pattern).int32(r.acls.length);
    for (const a of r.acls)
      w.string(a.principal).string(a.host).int8(a.operation).int8(a.permission);
  }
  return Buffer.from(w.done());
}

describe('Metadata v4', () => {
  const topic = (name: string, partitions: number, replicas: number[]): MetaTopic => ({
    name,
    partitions: Array.from({ length: partitions }, (_, id) => ({ id, replicas })),
  });
  test.each([
    ['no topics', metadata([])],
    [
      'topics of several partitions and replicas',
      metadata([topic('a.b.v1', 3, [0, 1, 2]), topic('c', 1, [1])], 3),
    ],
    ['an internal topic', metadata([{ ...topic('__consumer_offsets', 2, [0]), internal: true }])],
    ['a topic without partitions', metadata([topic('empty', 0, [])])],
    [
      'partition 0 listed last, with another replica count',
      metadata([
        {
          name: 'odd',
          partitions: [
            { id: 1, replicas: [0, 1] },
            { id: 0, replicas: [2] },
          ],
        },
      ]),
    ],
    ['a topic error', metadata([topic('ok', 1, [0]), { ...topic('bad', 1, [0]), error: 5 }])],
    [
      'a partition error',
      metadata([{ name: 'p', partitions: [{ id: 0, replicas: [0], error: 9 }] }]),
    ],
  ])('%s: as kafkajs', async (_, raw) => {
    expect(decodeTopics(raw)).toEqual(await topicsViaKafkajs(raw));
  });

  test('seeded random topics: as kafkajs', async () => {
    const random = seededRandom(18);
    for (let round = 0; round < 50; round++) {
      const topics = Array.from({ length: Math.floor(random() * 30) }, (_, i) =>
        topic(
          `t${round}.${i}.v1`,
          Math.floor(random() * 5),
          Array.from({ length: 1 + Math.floor(random() * 3) }, (__, r) => r),
        ),
      );
      const raw = metadata(topics, 1 + Math.floor(random() * 3));
      expect(decodeTopics(raw)).toEqual(await topicsViaKafkajs(raw));
    }
  });

  test('a cut answer throws instead of answering', () => {
    const raw = metadata([topic('a', 2, [0, 1])]);
    expect(() => decodeTopics(raw.subarray(0, raw.length - 3))).toThrow(RangeError);
  });
});

describe('DescribeAcls v1', () => {
  const acl = (principal: string, operation: number, permission = 3, host = '*') => ({
    principal,
    host,
    operation,
    permission,
  });
  test.each([
    ['no ACLs', acls([])],
    [
      'literal and prefixed topics, groups, transactional ids and the cluster',
      acls([
        {
          type: 2,
          name: 'orders.placed.v1',
          pattern: 3,
          acls: [acl('User:a', 4), acl('User:a', 8)],
        },
        { type: 2, name: 'orders.', pattern: 4, acls: [acl('User:b', 3, 2, '10.0.0.1')] },
        { type: 3, name: 'orders.app', pattern: 4, acls: [acl('User:b', 3)] },
        { type: 5, name: 'orders.tx', pattern: 3, acls: [acl('User:c', 4), acl('User:c', 8)] },
        { type: 4, name: 'kafka-cluster', pattern: 3, acls: [acl('User:c', 12)] },
      ]),
    ],
    [
      'values with no name (OTHER, UNKNOWN(n))',
      acls([{ type: 6, name: 'token', pattern: 2, acls: [acl('User:d', 42, 0)] }]),
    ],
    ['an error', acls([], [31, 'Cluster authorization failed.'])],
  ])('%s: as kafkajs', async (_, raw) => {
    expect(decodeAcls(raw)).toEqual(await aclsViaKafkajs(raw));
  });

  test('seeded random bindings: as kafkajs', async () => {
    const random = seededRandom(3001);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let round = 0; round < 50; round++) {
      const resources = Array.from({ length: pick(20) }, (_, i) => ({
        type: 2 + pick(4),
        name: `r${round}.${i}${'é'.repeat(pick(3))}`,
        pattern: 3 + pick(2),
        acls: Array.from({ length: pick(4) }, (__, k) =>
          acl(`User:app-${k}`, 2 + pick(11), 2 + pick(2), pick(4) === 0 ? '192.168.0.1' : '*'),
        ),
      }));
      const raw = acls(resources);
      expect(decodeAcls(raw)).toEqual(await aclsViaKafkajs(raw));
    }
  });
});

describe('wire encoding', () => {
  test('strings, bytes and numbers read back as written', () => {
    const bytes = Buffer.from([1, 2, 3]);
    const raw = new Writer()
      .int8(-3)
      .int16(-300)
      .int32(70_000)
      .bool(true)
      .string('héllo')
      .string(null)
      .bytes(bytes)
      .done();
    const r = new Reader(Buffer.from(raw));
    expect([r.int8(), r.int16(), r.int32(), r.bool(), r.string(), r.string()]).toEqual([
      -3,
      -300,
      70_000,
      true,
      'héllo',
      null,
    ]);
    expect(r.bytes()).toEqual(bytes);
  });

  test('a version is picked only inside the range the broker takes', () => {
    const versions = new Map([[32, { min: 1, max: 4 }]]);
    expect(pickVersion(versions, 32, [1, 2])).toBe(2);
    expect(pickVersion(new Map([[32, { min: 3, max: 4 }]]), 32, [1, 2])).toBeUndefined();
    expect(pickVersion(versions, 29, [1])).toBeUndefined();
  });
});
