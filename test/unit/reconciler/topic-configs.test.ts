// Reading topics' own configs straight from DescribeConfigs answers must give what the reconciler
// took from kafkajs' decoder before: each topic's TOPIC_CONFIG entries, and the error kafkajs'
// parse throws for the first failed resource.
import { decodeDynamicConfigs } from '../../../reconciler/cluster/topic-configs';
import type { Entry } from '../../support/describe-configs';
import { response } from '../../support/describe-configs';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */
interface KafkajsResources {
  resources: {
    resourceName: string;
    configEntries: { configName: string; configValue: string; configSource: number }[];
  }[];
}
const kafkajs = (version: 1 | 2) =>
  require(`kafkajs/src/protocol/requests/describeConfigs/v${version}/response`) as {
    decode(raw: Buffer): Promise<KafkajsResources>;
    parse(data: KafkajsResources): Promise<KafkajsResources>;
  };
const { ConfigSource } = require('kafkajs') as { ConfigSource: { TOPIC_CONFIG: number } };
/* eslint-enable @typescript-eslint/no-require-imports */

/** What kafka-admin.ts made of kafkajs' answer: the TOPIC_CONFIG entries of each topic. */
async function viaKafkajs(raw: Buffer, version: 1 | 2): Promise<Map<string, unknown>> {
  const { resources } = await kafkajs(version).parse(await kafkajs(version).decode(raw));
  const result = new Map<string, unknown>();
  for (const r of resources) {
    const dynamic: Record<string, string> = {};
    for (const e of r.configEntries)
      if (e.configSource === ConfigSource.TOPIC_CONFIG) dynamic[e.configName] = e.configValue;
    result.set(r.resourceName, dynamic);
  }
  return result;
}

const defaults: Entry[] = [
  { name: 'cleanup.policy', value: 'delete', source: 5 },
  { name: 'retention.ms', value: '604800000', source: 5 },
  { name: 'min.insync.replicas', value: '1', source: 4, readOnly: false },
  {
    name: 'segment.bytes',
    value: '1073741824',
    source: 4,
    synonyms: [{ name: 'log.segment.bytes', value: '1073741824', source: 4 }],
  },
];
const own = (name: string, value: string | null, extra: Partial<Entry> = {}): Entry => ({
  name,
  value,
  source: 1,
  ...extra,
});

describe.each([1, 2] as const)('DescribeConfigs v%i', (version) => {
  test.each([
    ['no resources', response([])],
    ['one topic with only defaults, throttled', response([{ name: 'a', entries: defaults }], 250)],
    [
      'topics with their own values among the defaults',
      response([
        { name: 'a', entries: defaults },
        {
          name: 'b',
          entries: defaults.map((e) => (e.name === 'retention.ms' ? own(e.name, '86400000') : e)),
        },
        {
          name: 'é-ü',
          entries: [
            own('x.extra', 'ünï', {
              synonyms: [
                { name: 'x.extra', value: 'ünï', source: 1 },
                { name: 'log.x', value: null, source: 5 },
              ],
            }),
            ...defaults,
            own('empty.value', ''),
          ],
        },
        { name: 'secret', entries: [own('sensitive.one', null, { sensitive: true })] },
        { name: 'g', entries: [] },
      ]),
    ],
    [
      'topics configured alike and nearly alike, one after the other',
      response(
        [
          ['1d', '86400000'],
          ['1d again', '86400000'],
          ['one digit more', '86400001'],
          ['one digit more again', '86400001'],
          ['a byte longer', '864000010'],
          ['back to 1d', '86400000'],
          ['secret alike', null],
          ['secret alike again', null],
        ].map(([name, retention]) => ({
          name: name as string,
          entries: [
            ...defaults.filter((e) => e.name !== 'retention.ms'),
            own('retention.ms', retention ?? null, { sensitive: retention === null }),
          ],
        })),
      ),
    ],
    [
      'an entry more, or a synonym more, than the topic before',
      response([
        { name: 'a', entries: [own('x', '1')] },
        { name: 'b', entries: [own('x', '1'), own('y', '2')] },
        {
          name: 'c',
          entries: [own('x', '1', { synonyms: [{ name: 'x', value: '1', source: 1 }] })],
        },
        { name: 'd', entries: [own('x', '1')] },
        { name: 'e', entries: [own('x', '1')] },
        { name: 'f', entries: [] },
        { name: 'g', entries: [] },
      ]),
    ],
  ])('%s: the same configs as from kafkajs', async (_name, raw) => {
    const decoded = decodeDynamicConfigs(raw);
    expect(decoded.errorCode).toBeUndefined();
    expect(decoded.configs).toEqual(await viaKafkajs(raw, version));
  });

  test('a failed resource: the error kafkajs throws for the first one', async () => {
    const raw = response([
      { name: 'a', entries: defaults },
      { name: 'gone', error: [3, 'This server does not host this topic'], entries: [] },
      { name: 'denied', error: [29, null], entries: [] },
    ]);
    const decoded = decodeDynamicConfigs(raw);
    expect(decoded.errorCode).toBe(3);
    await expect(viaKafkajs(raw, version)).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });
});
