// The DescribeConfigs decoder put in kafkajs' place must answer exactly what kafkajs' own decoder
// answers, whatever repeats or differs between the topics of one response.
import { decodeDescribeConfigs } from '../../../reconciler/cluster/describe-configs-decoder';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs' protocol modules have no types */
const kafkajsV1 = require('kafkajs/src/protocol/requests/describeConfigs/v1/response') as {
  decode(raw: Buffer): Promise<unknown>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface Entry {
  name: string;
  value: string | null;
  readOnly?: boolean;
  source: number;
  sensitive?: boolean;
  synonyms?: { name: string; value: string | null; source: number }[];
}

/** A DescribeConfigs v1/v2 response body, as the broker writes it. */
function response(
  resources: { name: string; error?: [number, string | null]; entries: Entry[] }[],
  throttle = 0,
): Buffer {
  const parts: Buffer[] = [];
  const int = (bytes: number, v: number): void => {
    const b = Buffer.alloc(bytes);
    if (bytes === 1) b.writeInt8(v);
    else if (bytes === 2) b.writeInt16BE(v);
    else b.writeInt32BE(v);
    parts.push(b);
  };
  const str = (s: string | null): void => {
    if (s === null) return int(2, -1);
    const b = Buffer.from(s, 'utf8');
    int(2, b.length);
    parts.push(b);
  };
  int(4, throttle);
  int(4, resources.length);
  for (const r of resources) {
    int(2, r.error?.[0] ?? 0);
    str(r.error?.[1] ?? null);
    int(1, 2); // TOPIC
    str(r.name);
    int(4, r.entries.length);
    for (const e of r.entries) {
      str(e.name);
      str(e.value);
      int(1, e.readOnly ? 1 : 0);
      int(1, e.source);
      int(1, e.sensitive ? 1 : 0);
      int(4, e.synonyms?.length ?? 0);
      for (const s of e.synonyms ?? []) {
        str(s.name);
        str(s.value);
        int(1, s.source);
      }
    }
  }
  return Buffer.concat(parts);
}

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
