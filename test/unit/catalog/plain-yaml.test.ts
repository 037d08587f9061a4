// plain-yaml.ts reads plain YAML without a YAML library. It may leave any text to js-yaml, but
// what it reads js-yaml must read too, into the same data (keys in the same order) and the same
// key offsets: held to that on seeded line mutations of generated domain files and the sample.
// What it reads "shallow" (input.ts plainYamlShallow) the depth scan must find nothing in, since
// the loader then skips that scan.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateCatalog } from '../../../bench/generate-catalog';
import { INPUT_LIMITS, plainYamlShallow, yamlTooDeep } from '../../../catalog/input';
import { plainYaml } from '../../../catalog/plain-yaml';
import { libraryLoad } from '../../../catalog/source';
import { REPO_ROOT } from '../../../shared/repo-root';
import { seededRandom } from '../../support/seeded-random';

const FRAGMENTS = [
  '',
  ' ',
  '- ',
  'x',
  'a: b',
  'a:',
  '"q"',
  "'q'",
  '"a\'b"',
  'true',
  'True',
  'null',
  '~',
  'yes',
  '1',
  '01',
  '1.5',
  '1e',
  '1e3',
  '1d',
  '0x1f',
  '-1',
  '.inf',
  '1_000',
  'a  b',
  ' #c',
  ' # "c',
  ':',
  ': ',
  '-',
  '? ',
  'é',
  '\t',
  'constructor',
  'on',
  '12345678901234567',
  'a,b',
  '/x',
  '@z',
  "''",
  '""',
  'k:v',
  '# c',
  '---',
  '[a]',
  '[a, b]',
  '[ a ,b ]',
  '[]',
  '{}',
  '{ k: v }',
  '{ k: "v" }',
  "{ k: 'v', m: 2 }",
  '{ k: { m: [1, x] } }',
  '[a,]',
  '[,]',
  '[a, [b]]',
  '[{ k: v }]',
  '{ k: }',
  '{ k }',
  '{k:v}',
  '[a: b]',
  '["a, b"]',
  '["a]"]',
  "[it's]",
  '{ k: 1, k: 2 }',
  '{ constructor: 1 }',
  '[',
  ']',
  '{',
  '}',
  '[a] b',
  '[a b, 7d, true, 012]',
  '[a # c]',
  '{ k: v } # c',
];

/** Data with key order and prototypes, compared as js-yaml makes it. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object')
    return [
      Object.getPrototypeOf(v) === Object.prototype,
      ...Object.entries(v).map(([k, x]) => [k, shape(x)]),
    ];
  return v;
}

function texts(): string[] {
  const { root } = generateCatalog(3, 12);
  try {
    const out = readdirSync(join(root, 'topics')).map((f) =>
      readFileSync(join(root, 'topics', f), 'utf8'),
    );
    out.push(readFileSync(join(REPO_ROOT, 'platform.yaml'), 'utf8'));
    for (const f of readdirSync(join(REPO_ROOT, 'topics')))
      out.push(readFileSync(join(REPO_ROOT, 'topics', f), 'utf8'));
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('plainYaml', () => {
  const base = texts();

  it('reads a generated domain file as js-yaml does', () => {
    const text = base[0] as string;
    const plain = plainYaml(text);
    const fast = libraryLoad(text);
    expect(plain).toBeDefined();
    expect(fast.ok).toBe(true);
    if (!plain || !fast.ok) return;
    expect(shape(plain.data)).toEqual(shape(fast.data));
    expect([...plain.keys]).toEqual([...fast.keys]);
  });

  it('reads only what js-yaml reads, into the same data and key offsets', () => {
    const rnd = seededRandom(20261130);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const lines = pick(base).split('\n');
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        const j = Math.floor(rnd() * lines.length);
        const r = rnd();
        const line = lines[j] as string;
        if (r < 0.3) lines[j] = line + pick(FRAGMENTS);
        else if (r < 0.5) lines.splice(j, 0, ' '.repeat(Math.floor(rnd() * 6)) + pick(FRAGMENTS));
        else if (r < 0.6) lines.splice(j, 1);
        else if (r < 0.75) lines[j] = ' '.repeat(1 + Math.floor(rnd() * 2)) + line;
        else if (r < 0.85) lines[j] = line.replace(/: .*/, `: ${pick(FRAGMENTS)}`);
        else lines[j] = line.replace(/^(\s*)[^:\s]+/, `$1${pick(FRAGMENTS)}`);
      }
      const text = lines.join('\n');
      const plain = plainYaml(text);
      if (!plain) continue;
      read++;
      if (plainYamlShallow(plain))
        expect({ text, deep: yamlTooDeep(text, INPUT_LIMITS.depth.yaml) }).toEqual({
          text,
          deep: -1,
        });
      const fast = libraryLoad(text);
      // The text in the comparison names the failing case.
      expect({ text, ok: fast.ok }).toEqual({ text, ok: true });
      if (!fast.ok) continue;
      expect({ text, data: shape(plain.data) }).toEqual({ text, data: shape(fast.data) });
      expect({ text, keys: [...plain.keys].sort() }).toEqual({ text, keys: [...fast.keys].sort() });
    }
    expect(read).toBeGreaterThan(100); // the mutations do reach the reading path
  });

  it('reads flow collections on one line as js-yaml does, keys at depth two included', () => {
    for (const text of [
      'a: [1, 2]\n',
      'a: []\nb: {}\n',
      'owners: { team: "@acme/platform-team" }\n',
      'topics:\n  t:\n    producers: [writer, other/app]\n    schema: { value: t.avsc, key: string }\n',
      'e:\n  local: { partitions: 1, config: { min.insync.replicas: 1 } }\n',
      "a: [ 'x y' , b c, 7d ]\n",
      'a: [{ k: [1, { m: true }] }]\n',
    ]) {
      const plain = plainYaml(text);
      const lib = libraryLoad(text);
      expect({ text, read: plain !== undefined, ok: lib.ok }).toEqual({
        text,
        read: true,
        ok: true,
      });
      if (!plain || !lib.ok) continue;
      expect({ text, data: shape(plain.data) }).toEqual({ text, data: shape(lib.data) });
      expect({ text, keys: [...plain.keys].sort() }).toEqual({ text, keys: [...lib.keys].sort() });
    }
    expect(plainYaml('a: { b: { c: [d] } }\n')?.flowDepth).toBe(3);
  });

  it('leaves to js-yaml what it does not follow', () => {
    for (const text of [
      '',
      'a:\n',
      'a: 1\na: 2\n',
      'a: "x\\ty"\n',
      'a: [1, 2\n',
      'a: [1,\n  2]\n',
      'a: [1, ]\n',
      'a: { b: }\n',
      'a: ["x]"]\n',
      'a: [[[[[[[[[1]]]]]]]]]\n',
      '- [a]\n',
      'a:\n  - [b]\n',
      'a: &x 1\nb: *x\n',
      'a: |\n  text\n',
      'a: b\n  c\n',
      'a: 1.5\n',
      'a: 012\n',
      'a: True\n',
      'a: "b" # c\n',
      '---\na: 1\n',
      'a: é\n',
      'constructor: 1\n',
      '- a\n',
    ])
      expect({ text, read: plainYaml(text) }).toEqual({ text, read: undefined });
  });

  it('reads shallow only what the depth scan finds nothing in, at any nesting', () => {
    const rnd = seededRandom(20261201);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
    const VALUES = ['x', "x 'y", "it's", '"q"', "'q'", 'a b', '7d', '12', 'x" y', "o'", 'z # c'];
    let shallow = 0;
    let deep = 0;
    for (let i = 0; i < 400; i++) {
      const step = 1 + Math.floor(rnd() * 3);
      const levels = 1 + Math.floor(rnd() * 40);
      const lines: string[] = [];
      const write = (level: number): void => {
        const pad = ' '.repeat(level * step);
        for (let n = Math.floor(rnd() * 2); n >= 0; n--) {
          const key = `k${lines.length}`;
          const r = rnd();
          // The first entry of each level goes deeper, down to `levels`.
          if (level < levels && (n === 0 || r < 0.3)) {
            lines.push(`${pad}${key}:`);
            write(level + 1);
          } else if (r < 0.75) {
            lines.push(`${pad}${key}:`, `${pad}${' '.repeat(step)}- ${pick(VALUES)}`);
          } else lines.push(`${pad}${key}: ${pick(VALUES)}`);
        }
      };
      write(0);
      const text = lines.join('\n') + '\n';
      const plain = plainYaml(text);
      if (!plain) continue;
      const found = yamlTooDeep(text, INPUT_LIMITS.depth.yaml);
      if (found >= 0) deep++;
      if (!plainYamlShallow(plain)) continue;
      shallow++;
      expect({ text, found }).toEqual({ text, found: -1 });
      const fast = libraryLoad(text);
      expect({ text, data: fast.ok && shape(fast.data) }).toEqual({
        text,
        data: shape(plain.data),
      });
    }
    // Both sides of the bound are reached: shallow texts, and texts the scan refuses.
    expect(shallow).toBeGreaterThan(50);
    expect(deep).toBeGreaterThan(20);
  });

  it('is not shallow where a quote the depth scan thinks open reaches brackets in a comment', () => {
    // "x 'y" is a plain word, yet the scan takes its quote as open until the comment's quote.
    const text = `a: x 'y\nb: c # d' ${'['.repeat(40)}\n`;
    const plain = plainYaml(text);
    expect(plain?.data).toEqual({ a: "x 'y", b: 'c' });
    expect(plain && plainYamlShallow(plain)).toBe(false);
    expect(yamlTooDeep(text, INPUT_LIMITS.depth.yaml)).toBeGreaterThanOrEqual(0);
  });

  it('leaves texts nested deeper than any catalog file to the libraries', () => {
    const deep = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(plainYaml(deep)).toBeUndefined();
    const fine = Array.from({ length: 30 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    const plain = plainYaml(fine);
    expect(plain?.maxIndent).toBe(29);
    expect(plain && plainYamlShallow(plain)).toBe(true);
    expect(yamlTooDeep(fine, INPUT_LIMITS.depth.yaml)).toBe(-1);
  });
});
