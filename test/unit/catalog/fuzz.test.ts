// Fuzzing the catalog with structure-aware mutations of the sample (fixed seed, time budget):
// whatever a file holds, validation ends within a bound, never throws, and every finding names
// a file of the input and a line inside it. A few inputs also run as whole CLI processes.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../../catalog/diagnostics';
import type { CatalogFiles } from '../../../catalog/files';
import { loadCatalog } from '../../../catalog/loader';
import { render } from '../../../catalog/report';
import { REPO_ROOT } from '../../../shared/repo-root';
import { catalogFixture } from '../../support/catalog-fixture';
import { seededRandom } from '../../support/seeded-random';

/** Inputs run in-process for this long (the loop, not an assertion on total time). */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);
/** One input taking longer than this counts as a failure (generous: the machine is shared). */
const PER_INPUT_MS = 3_000;
/** Fixed, so a failure is reproducible; FUZZ_SEED explores further. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed15);

/** The sample catalog in memory, as a validation input. */
class MemoryFiles implements CatalogFiles {
  readonly label = 'fuzz';
  constructor(readonly files: ReadonlyMap<string, Buffer>) {}
  list(prefixes: readonly string[]): string[] {
    return [...this.files.keys()]
      .filter((n) => prefixes.some((p) => n === p || n.startsWith(`${p}/`)))
      .sort();
  }
  read(path: string): string | undefined {
    return this.files.get(path)?.toString('utf8');
  }
  bytes(path: string): Buffer | undefined {
    return this.files.get(path);
  }
  escapes(): string | undefined {
    return undefined;
  }
}

function sampleFiles(): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    const abs = join(REPO_ROOT, rel);
    if (statSync(abs).isDirectory()) for (const e of readdirSync(abs).sort()) walk(`${rel}/${e}`);
    else out.set(rel, readFileSync(abs));
  };
  for (const p of ['platform.yaml', 'topics', 'schemas']) walk(p);
  return out;
}

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

const YAML_VALUES = [
  '0',
  '-1',
  '1e309',
  '99999999999999999999',
  'true',
  'null',
  '~',
  '[]',
  '{}',
  '[a, b]',
  '{a: 1}',
  '""',
  "'x'",
  '"unclosed',
  "'unclosed",
  '*nope',
  '&a x',
  '!!binary x',
  '@x',
  '`x',
  '7x',
  'infinite',
  '1h',
  '100y',
  '"compact,delete"',
  'compact',
  'NONE',
  'x'.repeat(300),
  '- a',
  '|',
  '>',
  '? x',
  '[unclosed',
  '{a: [b, {c: d}',
  'a: b: c',
  '"\\q"',
  '-1d',
  '0.5',
  '48',
  '49',
  'orders/order-service',
  'nope/nope',
  'order-created.avsc',
  '../orders/order-created.avsc',
  'string',
  'bytes',
  'x.avsc',
];
const YAML_KEYS = [
  'domain',
  'description',
  'owners',
  'apps',
  'topics',
  'partitions',
  'retention',
  'cleanupPolicy',
  'schema',
  'producers',
  'consumers',
  'environments',
  'config',
  'name',
  'version',
  'delete',
  'deletionProtection',
  'retension',
  'limits',
  'naming',
  'defaults',
  'min',
  'max',
  'kind',
  'x',
  'order-created',
  'shipment_dispatched',
  'a'.repeat(80),
  '<<',
  '"quoted key"',
];
const JSON_VALUES: unknown[] = [
  'record',
  'enum',
  'array',
  'map',
  'fixed',
  'string',
  'int',
  'long',
  'nope',
  'null',
  'com.acme.orders.types.Money',
  'Money',
  'money.json',
  'payment-authorized.json',
  'missing.json',
  '#/definitions/x',
  '#',
  0,
  -1,
  1.5,
  1e308,
  true,
  null,
  [],
  {},
  ['null', 'string'],
  ['string', 'string'],
  [['a']],
  { type: 'record' },
  { type: 'record', name: 'R', fields: [] },
  { type: 'enum', name: 'E', symbols: ['A', 'A'] },
  { type: 'enum', name: 'E', symbols: [1] },
  { type: 'fixed', name: 'F', size: -1 },
  { type: 'array' },
  { type: 'map', values: 'nope' },
  { $ref: 'payment-authorized.json' },
  { $ref: 'money.json' },
  { type: 'object', required: 1 },
  { type: 'long', logicalType: 'timestamp-millis' },
  { type: 'bytes', logicalType: 'decimal', precision: -1 },
  'a'.repeat(300),
  'bad name',
  'com.acme.other.X',
];
const JSON_KEYS = [
  'type',
  'name',
  'namespace',
  'fields',
  'symbols',
  'items',
  'values',
  'default',
  '$ref',
  'properties',
  'required',
  'logicalType',
  'size',
  'aliases',
  'order',
  '$schema',
  'allOf',
  'enum',
  '$id',
  'additionalProperties',
  'definitions',
  '$defs',
];
const PROTO_LINES = [
  'message X {}',
  'enum E { A = 0; A = 1; }',
  'enum E2 { B = 1; }',
  'oneof o { string a = 1; }',
  'map<float, string> m = 99;',
  'reserved 1;',
  'reserved "line1";',
  'option (x) = 1;',
  'syntax = "proto2";',
  'import public "address.proto";',
  'import "missing.proto";',
  'import "shipment-dispatched.proto";',
  'extend Foo { int32 x = 100; }',
  'service S { rpc M (A) returns (B); }',
  'package a.b;',
  `message M${'x'.repeat(300)} {}`,
  'string dup = 1;',
  'Unknown u = 7;',
  'repeated repeated string r = 8;',
  '}',
  '{',
  '"',
  '/*',
  'int32 big = 536870912;',
  'int32 zero = 0;',
  'int32 neg = -1;',
  'optional string o = 9;',
  'message Address { string x = 1; }',
];

type Mutator = (text: string, r: Rand, path: string) => string;

const linesOf = (t: string): string[] => t.split('\n');
const lineMutators: Mutator[] = [
  (t, r) => {
    const l = linesOf(t);
    l.splice(int(r, l.length), 1);
    return l.join('\n');
  },
  (t, r) => {
    const l = linesOf(t);
    const i = int(r, l.length);
    l.splice(i, 0, l[i] ?? '');
    return l.join('\n');
  },
  (t, r) => {
    const l = linesOf(t);
    const i = int(r, l.length);
    const j = int(r, l.length);
    [l[i], l[j]] = [l[j] ?? '', l[i] ?? ''];
    return l.join('\n');
  },
  (t, r) => t.slice(0, int(r, t.length + 1)),
  (t, r) => {
    const l = linesOf(t);
    const i = int(r, l.length);
    l[i] = r() < 0.5 ? `  ${l[i] ?? ''}` : (l[i] ?? '').replace(/^ {1,2}/, '');
    return l.join('\n');
  },
];
const byteLevel: Mutator[] = [
  (t) => t.replace(/\n/g, '\r'),
  (t) => t.replace(/\n/g, '\r\n'),
  (t, r) => {
    const at = int(r, t.length + 1);
    return (
      t.slice(0, at) +
      pick(r, ['\u0000', '\ufeff', '\t', '\u2028', '\ud800', '\u00e9']) +
      t.slice(at)
    );
  },
  (t, r) => {
    const at = int(r, t.length + 1);
    const n = pick(r, [40, 70, 200, 5000]);
    const open = pick(r, ['[', '{', '{"a": ', '- ', '  ', 'message A { ']);
    const close = open === '[' ? ']' : open.startsWith('{') || open.startsWith('m') ? '}' : '';
    return t.slice(0, at) + open.repeat(n) + close.repeat(n) + t.slice(at);
  },
  (t, r) => t.repeat(pick(r, [2, 50, 400])),
];
const yamlMutators: Mutator[] = [
  (t, r) => {
    const l = linesOf(t);
    const i = int(r, l.length);
    l[i] = (l[i] ?? '').replace(/(:\s+).*$/, `$1${pick(r, YAML_VALUES)}`);
    return l.join('\n');
  },
  (t, r) => {
    const l = linesOf(t);
    const i = int(r, l.length);
    l[i] = (l[i] ?? '').replace(/^(\s*)[\w.-]+:/, `$1${pick(r, YAML_KEYS)}:`);
    return l.join('\n');
  },
  (t, r) => {
    const l = linesOf(t);
    const indent = ' '.repeat(pick(r, [0, 2, 4, 6, 3]));
    l.splice(int(r, l.length), 0, `${indent}${pick(r, YAML_KEYS)}: ${pick(r, YAML_VALUES)}`);
    return l.join('\n');
  },
  (t, r) => t.replace(/^( +)/gm, (s) => (r() < 0.1 ? s.replace('  ', '\t') : s)),
];
const jsonMutators: Mutator[] = [
  (t, r) => {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch {
      return t + pick(r, ['}', ']', ',', '"']);
    }
    const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach((x, k) => (slots.push({ parent: v, key: k }), walk(x)));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          slots.push({ parent: v as Record<string, unknown>, key: k });
          walk(x);
        }
    };
    walk(json);
    const slot = slots.length ? pick(r, slots) : undefined;
    const op = int(r, 4);
    if (!slot) return JSON.stringify(pick(r, JSON_VALUES));
    const { parent, key } = slot;
    const value = structuredClone(pick(r, JSON_VALUES));
    if (op === 0) (parent as Record<string, unknown>)[key] = value;
    else if (op === 1) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (op === 2) {
      if (Array.isArray(parent))
        parent.splice(key as number, 0, structuredClone(parent[key as number]));
      else (parent as Record<string, unknown>)[pick(r, JSON_KEYS)] = value;
    } else {
      const target = (parent as Record<string, unknown>)[key];
      if (target && typeof target === 'object' && !Array.isArray(target))
        (target as Record<string, unknown>)[pick(r, JSON_KEYS)] = value;
      else (parent as Record<string, unknown>)[key] = value;
    }
    return JSON.stringify(json, null, pick(r, [0, 2, 4]));
  },
];
const protoMutators: Mutator[] = [
  (t, r) => {
    const numbers = [...t.matchAll(/=\s*(\d+)/g)];
    if (numbers.length === 0) return t;
    const m = pick(r, numbers);
    const to = pick(r, ['1', '2', '0', '-1', '19000', '536870912', 'x', '']);
    return t.slice(0, (m.index ?? 0) + 1) + ` ${to}` + t.slice((m.index ?? 0) + m[0].length);
  },
  (t, r) => {
    const l = linesOf(t);
    l.splice(int(r, l.length), 0, pick(r, PROTO_LINES));
    return l.join('\n');
  },
  (t, r) =>
    t.replace(
      /\b(string|int32|Address|Money)\b/,
      pick(r, ['Nope', 'strng', 'acme.x.Y', '.Address', 'map<string, Address>']),
    ),
];

function mutatorsFor(path: string): Mutator[] {
  const kind = path.endsWith('.proto')
    ? protoMutators
    : path.endsWith('.avsc') || path.endsWith('.json')
      ? jsonMutators
      : yamlMutators;
  return [...kind, ...kind, ...kind, ...lineMutators, ...byteLevel];
}

/** Changes to the file set itself: extra, misplaced and missing files. */
const fileMutators: ((files: Map<string, Buffer>, r: Rand) => void)[] = [
  (f) => f.set('topics/extra.yml', Buffer.from('domain: extra\n')),
  (f) => f.set('topics/dir.yaml/inner.yaml', Buffer.from('domain: dir\n')),
  (f) => f.set('schemas/top.avsc', Buffer.from('"string"')),
  (f) => f.set('schemas/orders/notes.txt', Buffer.from('x')),
  (f, r) => f.delete(pick(r, [...f.keys()])),
  (f, r) => {
    const from = pick(
      r,
      [...f.keys()].filter((k) => k.startsWith('topics/')),
    );
    const text = f.get(from) as Buffer;
    f.delete(from);
    f.set('topics/renamed.yaml', text);
  },
  (f) => f.set('schemas/orders/bad.avsc', Buffer.from([0xff, 0xfe, 0x7b, 0x00])),
];

/** Problems with one input's findings; empty when it behaved. */
function check(files: ReadonlyMap<string, Buffer>, diagnostics: readonly Diagnostic[]): string[] {
  const problems: string[] = [];
  const dirs = new Set([...files.keys()].map((k) => k.split('/').slice(0, 2).join('/')));
  for (const d of diagnostics) {
    const where = `${d.file}:${d.line}:${d.col} ${d.rule}`;
    if (/\n\s+at .+:\d+:\d+/.test(d.message) || /\bat Object\.|\bat \w+ \(/.test(d.message))
      problems.push(`${where}: stack trace in message`);
    if (!d.rule || (d.severity !== 'error' && d.severity !== 'warning'))
      problems.push(`${where}: no rule or severity`);
    const bytes = files.get(d.file);
    if (!bytes) {
      if (!dirs.has(d.file) && !(d.rule === 'missing-file' && d.file === 'platform.yaml'))
        problems.push(`${where}: names no file of the input`);
      else if (d.line !== 1 || d.col !== 1)
        problems.push(`${where}: a path without text, not at 1:1`);
      continue;
    }
    const lineCount = bytes.toString('utf8').split(/\r\n|\r|\n/).length;
    if (!(d.line >= 1 && d.line <= lineCount && d.col >= 1))
      problems.push(`${where}: outside the file (${lineCount} lines)`);
  }
  return problems;
}

describe('catalog fuzzing', () => {
  it(`never throws, hangs or misplaces a finding (seed ${SEED}, ${BUDGET_MS / 1000} s budget)`, () => {
    const sample = sampleFiles();
    const r = seededRandom(SEED);
    const failures: string[] = [];
    const rules = new Map<string, number>();
    let inputs = 0;
    let refused = 0;
    let slowest = 0;
    let slowestInput = '';
    const start = Date.now();
    while (Date.now() - start < BUDGET_MS) {
      inputs++;
      const files = new Map(sample);
      const changes: string[] = [];
      for (let n = 1 + int(r, 3); n > 0; n--) {
        if (r() < 0.1) {
          const i = int(r, fileMutators.length);
          (fileMutators[i] as (f: Map<string, Buffer>, r: Rand) => void)(files, r);
          changes.push(`files#${i}`);
          continue;
        }
        const path = pick(r, [...files.keys()]);
        const mutators = mutatorsFor(path);
        const i = int(r, mutators.length);
        const before = (files.get(path) as Buffer).toString('utf8');
        files.set(path, Buffer.from((mutators[i] as Mutator)(before, r, path)));
        changes.push(`${path}#${i}`);
      }
      const t0 = performance.now();
      let result;
      try {
        result = loadCatalog(new MemoryFiles(files));
        for (const format of ['human', 'json', 'github'] as const)
          render(format, result.diagnostics, undefined);
      } catch (e) {
        failures.push(
          `input ${inputs} (${changes.join(', ')}): threw ${String((e as Error).stack).slice(0, 300)}`,
        );
        continue;
      }
      const ms = performance.now() - t0;
      if (ms > slowest) slowestInput = changes.join(', ');
      slowest = Math.max(slowest, ms);
      if (ms > PER_INPUT_MS)
        failures.push(`input ${inputs} (${changes.join(', ')}): ${Math.round(ms)} ms`);
      if (result.errorCount > 0) refused++;
      for (const d of result.diagnostics) rules.set(d.rule, (rules.get(d.rule) ?? 0) + 1);
      for (const p of check(files, result.diagnostics))
        failures.push(`input ${inputs} (${changes.join(', ')}): ${p}`);
    }
    // What it covered, for the record (printed once per run).
    console.log(
      `fuzz: ${inputs} inputs, ${refused} refused, slowest ${Math.round(slowest)} ms (${slowestInput}), ${rules.size} rules seen: ${[...rules.keys()].sort().join(' ')}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(inputs).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(0);
  }, 120_000);

  it('as whole processes: exit 0 or 1, positioned findings, no stack trace', () => {
    const r = seededRandom(SEED + 1);
    const sample = sampleFiles();
    for (let n = 0; n < 5; n++) {
      const changed: Record<string, string> = {};
      const paths = [...sample.keys()];
      for (let k = 0; k < 2; k++) {
        const path = pick(r, paths);
        const mutators = mutatorsFor(path).filter((m) => !byteLevel.includes(m));
        changed[path] = (pick(r, mutators) as Mutator)(
          changed[path] ?? (sample.get(path) as Buffer).toString('utf8'),
          r,
          path,
        );
      }
      const root = catalogFixture(changed);
      const run = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, 'scripts/run.cjs'),
          'catalog/cli.ts',
          'validate',
          '--root',
          root,
          '--format',
          'json',
          '--no-cache',
        ],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect([0, 1]).toContain(run.status);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const report = JSON.parse(run.stdout) as { errors: number; diagnostics: Diagnostic[] };
      expect(run.status).toBe(report.errors > 0 ? 1 : 0);
      const files = new Map(sample);
      for (const [p, t] of Object.entries(changed)) files.set(p, Buffer.from(t));
      files.set('.github/CODEOWNERS', readFileSync(join(REPO_ROOT, '.github/CODEOWNERS')));
      expect(check(files, report.diagnostics)).toEqual([]);
    }
  }, 300_000);
});
