// The compatibility corpus (test/fixtures/compat-corpus/*.json): one case per row of the rule
// tables of Confluent's checkers, with the verdict Confluent gives per level. Zero false accepts
// is the bar; the counts per format are printed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Compatibility } from '../../../catalog/format/common';
import type { SchemaFile, SchemaFormat, SchemaReference } from '../../../catalog/model';
import { incompatibilities, schemaPosition } from '../../../catalog/schemas/compatibility';
import type { EarlierVersion, SchemaFiles } from '../../../catalog/schemas/compatibility';

interface Case {
  readonly name: string;
  readonly rule: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly expect: { readonly BACKWARD: boolean; readonly FORWARD: boolean };
  readonly expectTransitive?: Partial<Record<Compatibility, boolean>>;
  /** Earlier versions, oldest first (before them all comes nothing; after them, `before`). */
  readonly history?: readonly unknown[];
  readonly references?: readonly { name: string; file: string }[];
  readonly beforeFiles?: Record<string, unknown>;
  readonly afterFiles?: Record<string, unknown>;
}

const DIR = join(__dirname, '..', '..', 'fixtures', 'compat-corpus');
const corpora = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { format: SchemaFormat; cases: Case[] },
  );

const EXT: Record<SchemaFormat, string> = { AVRO: 'avsc', JSON: 'json', PROTOBUF: 'proto' };
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

function version(
  format: SchemaFormat,
  c: Case,
  schema: unknown,
  extra: Record<string, unknown> | undefined,
): { schema: SchemaFile; files: SchemaFiles } {
  const dir = 'schemas/corpus';
  const refs: SchemaReference[] = Object.keys(extra ?? {}).map((name) => ({
    name: c.references?.find((r) => r.file === name)?.name ?? name,
    subject: `corpus-${name}`,
    file: posix.join(dir, name),
  }));
  const files = new Map<string, SchemaFile>();
  for (const [name, body] of Object.entries(extra ?? {})) {
    const path = posix.join(dir, name);
    files.set(path, { path, domain: 'corpus', format, text: text(body), references: [] });
  }
  const main: SchemaFile = {
    path: `${dir}/subject.${EXT[format]}`,
    domain: 'corpus',
    format,
    text: text(schema),
    references: refs,
  };
  files.set(main.path, main);
  return { schema: main, files };
}

const LEVELS: Compatibility[] = [
  'BACKWARD',
  'FORWARD',
  'FULL',
  'BACKWARD_TRANSITIVE',
  'FORWARD_TRANSITIVE',
  'FULL_TRANSITIVE',
];

function expected(c: Case, level: Compatibility): boolean {
  const t = c.expectTransitive ?? {};
  const b = level.endsWith('_TRANSITIVE')
    ? (t.BACKWARD_TRANSITIVE ?? c.expect.BACKWARD)
    : c.expect.BACKWARD;
  const f = level.endsWith('_TRANSITIVE')
    ? (t.FORWARD_TRANSITIVE ?? c.expect.FORWARD)
    : c.expect.FORWARD;
  if (level.startsWith('BACKWARD')) return b;
  if (level.startsWith('FORWARD')) return f;
  return b && f;
}

const counts: Record<
  string,
  { cases: number; checks: number; falseAccepts: number; falseRejects: number }
> = {};
afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b.cases, 0);
  console.log(
    `compatibility corpus: ${total} cases — ${Object.entries(counts)
      .map(
        ([f, n]) =>
          `${f} ${n.cases} cases (${n.checks} level checks, ${n.falseAccepts} false accepts, ${n.falseRejects} false rejects)`,
      )
      .join('; ')}`,
  );
});

describe.each(corpora)('compatibility corpus: $format', ({ format, cases }) => {
  counts[format] = { cases: cases.length, checks: 0, falseAccepts: 0, falseRejects: 0 };
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const before = version(format, c, c.before, c.beforeFiles);
    const after = version(format, c, c.after, c.afterFiles ?? c.beforeFiles);
    const older: EarlierVersion[] = [...(c.history ?? [])].reverse().map((h, i) => ({
      label: `v${(c.history?.length ?? 0) - i}`,
      ...version(format, c, h, c.beforeFiles),
    }));
    const verdicts: string[] = [];
    const wrong: string[] = [];
    for (const level of LEVELS) {
      const found = incompatibilities(
        level,
        before.schema,
        before.files,
        after.schema,
        after.files,
        older,
      );
      const accepted = found.length === 0;
      const want = expected(c, level);
      counts[format]!.checks++;
      if (accepted && !want) counts[format]!.falseAccepts++;
      if (!accepted && want) counts[format]!.falseRejects++;
      if (accepted !== want)
        wrong.push(
          `${level}: expected ${want ? 'accept' : 'reject'}, got ${found.map((p) => p.message).join(' | ') || 'accept'}`,
        );
      // Every refusal points into the new version with a change type and what to do.
      for (const p of found) {
        const at = schemaPosition(p, after.schema, after.files);
        expect(at.line).toBeGreaterThanOrEqual(1);
        expect(after.files.has(at.file)).toBe(true);
        expect(p.hint.length).toBeGreaterThan(10);
        expect(p.change).toMatch(/^[A-Z_]+$/);
      }
      verdicts.push(`${level}=${accepted}`);
    }
    expect(wrong).toEqual([]);
  });
});
