// A schema file's scan (input.ts jsonScan: depth, first repeated key, longest string, widest
// list) is told from the parsed value when that is certain (parsedJsonScan), and the pass over
// the characters runs only when it is not. What parsedJsonScan tells must be what jsonScan tells:
// held to that on seeded random JSON texts (repeated keys, escapes, ":" in keys and strings, odd
// spacing, deep and wide values), and through parseSchemaFile on the texts it refuses.
import { INPUT_LIMITS, jsonScan, parsedJsonScan } from '../../../catalog/input';
import { parseSchemaFile } from '../../../catalog/schemas/parse';
import { seededRandom } from '../../support/seeded-random';

const STRINGS = [
  '',
  'a',
  'a:b',
  ':',
  '::',
  'x y',
  'é',
  '"',
  '\\',
  '\n',
  'a\\u003ab',
  'name',
  'type',
];
const SPACES = ['', ' ', '\n', '\t', '\r\n', '  '];

function randomText(rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const space = (): string => (rnd() < 0.7 ? '' : pick(SPACES));
  // Strings as written: most through JSON.stringify, some with escapes written by hand.
  const str = (): string => {
    const r = rnd();
    if (r < 0.1) return '"a\\u003ab"';
    if (r < 0.15) return '"\\/x"';
    if (r < 0.2) return `"${'k'.repeat(250 + Math.floor(rnd() * 10))}"`;
    return JSON.stringify(pick(STRINGS) + (rnd() < 0.5 ? String(Math.floor(rnd() * 3)) : ''));
  };
  const value = (depth: number): string => {
    const r = rnd();
    if (depth > 0 && r < 0.3) {
      const keys: string[] = [];
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        // Now and then a key written twice in one object.
        const key = keys.length > 0 && rnd() < 0.1 ? (keys[0] as string) : str();
        keys.push(key);
      }
      const entries = keys.map((k) => `${space()}${k}${space()}:${space()}${value(depth - 1)}`);
      return `{${entries.join(',')}${space()}}`;
    }
    if (depth > 0 && r < 0.55) {
      // Now and then a list around the limit of 1,000 entries (of numbers: a text stays small).
      if (rnd() < 0.05)
        return `[${Array.from({ length: 999 + Math.floor(rnd() * 4) }, () => '0').join(',')}]`;
      const items = Array.from(
        { length: Math.floor(rnd() * 4) },
        () => `${space()}${value(depth - 1)}`,
      );
      return `[${items.join(',')}${space()}]`;
    }
    if (r < 0.8) return str();
    return pick(['1', '-2.5e3', 'true', 'false', 'null', '0']);
  };
  if (rnd() < 0.05) {
    // Nesting around the limit of 64 levels.
    const levels = 60 + Math.floor(rnd() * 10);
    return '['.repeat(levels) + value(2) + ']'.repeat(levels);
  }
  return space() + value(1 + Math.floor(rnd() * 4)) + space();
}

describe('parsedJsonScan', () => {
  const limit = INPUT_LIMITS.depth.json;

  it('tells what jsonScan tells, whenever it tells anything', () => {
    const rnd = seededRandom(20261130);
    const told = { same: 0, left: 0 };
    for (let i = 0; i < 5000; i++) {
      const text = randomText(rnd);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        continue; // invalid JSON: only jsonScan runs
      }
      const fast = parsedJsonScan(text, json, limit);
      if (!fast) {
        told.left++;
        continue;
      }
      told.same++;
      expect({ text, scan: fast }).toEqual({ text, scan: jsonScan(text, limit) });
    }
    // Both paths are taken: most texts are told from the parsed value, the others left.
    expect(told.same).toBeGreaterThan(2000);
    expect(told.left).toBeGreaterThan(500);
  });

  it('leaves to jsonScan a repeated key, an escape and nesting beyond the limit', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":{"b":"x:y","b":"z"}}',
      '{"a":"x\\u003ay"}',
      '{"a":"\\""}',
      `${'['.repeat(limit + 1)}${']'.repeat(limit + 1)}`,
    ])
      expect({ text, scan: parsedJsonScan(text, JSON.parse(text), limit) }).toEqual({
        text,
        scan: undefined,
      });
    const deepest = `${'['.repeat(limit)}${']'.repeat(limit)}`;
    expect(parsedJsonScan(deepest, JSON.parse(deepest), limit)).toEqual(jsonScan(deepest, limit));
  });

  it('keeps what a schema file is refused for, and where', () => {
    const deep = `{"type":${'['.repeat(70)}"int"${']'.repeat(70)}}`;
    const twice = '{\n  "type": "record",\n  "name": "A",\n  "name": "B",\n  "fields": []\n}';
    const broken = `${'['.repeat(70)}{"a": }`;
    expect(parseSchemaFile('schemas/d/deep.avsc', 'd', deep).problems).toEqual([
      expect.objectContaining({ rule: 'nesting-too-deep', offset: deep.indexOf('[') + limit - 1 }),
    ]);
    expect(parseSchemaFile('schemas/d/twice.avsc', 'd', twice).problems).toEqual([
      expect.objectContaining({ rule: 'duplicate-key', offset: twice.lastIndexOf('"name"') + 1 }),
    ]);
    // Too deep before it is invalid, as when the scan ran first.
    expect(parseSchemaFile('schemas/d/broken.avsc', 'd', broken).problems).toEqual([
      expect.objectContaining({ rule: 'nesting-too-deep', offset: limit }),
    ]);
  });
});
