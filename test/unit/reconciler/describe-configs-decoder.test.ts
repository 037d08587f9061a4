// The DescribeConfigs decoder put in kafkajs' place must answer exactly what kafkajs' own decoder
// answers, whatever repeats or differs between the topics of one response.
import { decodeDescribeConfigs } from '../../../reconciler/cluster/describe-configs-decoder';
import type { Entry } from '../../support/describe-configs';
import { response } from '../../support/describe-configs';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */
const kafkajsV1 = require('kafkajs/src/protocol/requests/describeConfigs/v1/response') as {
  decode(raw: Buffer): Promise<unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const defaults: Entry[] = [
  { name: 'cleanup.policy', value: 'delete', source: 5 },
  { name: 'retention.ms', value: '604800000', source: 5 },
  { name: 'min.insync.replicas', value: '1', source: 4, readOnly: false },
  { name: 'sasl.password', value: null, source: 5, sensitive: true },
  {
    name: 'segment.bytes',
    value: '1073741824',
    source: 4,
    synonyms: [{ name: 'log.segment.bytes', value: '1073741824', source: 4 }],
  },
];

test.each([
  ['no resources', response([])],
  ['one topic, throttled', response([{ name: 'a', entries: defaults }], 250)],
  [
    'topics with the same defaults and their own values',
    response([
      { name: 'a', entries: defaults },
      { name: 'b', entries: defaults },
      {
        name: 'c',
        entries: defaults.map((e) =>
          e.name === 'retention.ms' ? { ...e, value: '86400000', source: 1 } : e,
        ),
      },
      { name: 'd', entries: defaults },
      { name: 'é-ü', entries: [...defaults, { name: 'x.extra', value: 'ünï', source: 1 }] },
      { name: 'f', entries: defaults.slice(1) },
      { name: 'g', entries: [] },
      { name: 'h', error: [3, 'This server does not host this topic'], entries: [] },
    ]),
  ],
])('%s: the same answer as kafkajs', async (_name, raw) => {
  expect(decodeDescribeConfigs(raw)).toEqual(await kafkajsV1.decode(raw));
});
