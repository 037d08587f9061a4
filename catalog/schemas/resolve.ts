// Second pass: resolve each schema's references to other files, then validate it for real
// with its format's own library (avsc, ajv, protobufjs) and everything it references loaded.
import { posix } from 'node:path';
import type Ajv from 'ajv';
import type * as protobuf from 'protobufjs';
import { lib } from './libraries';
import type { SchemaReference } from '../model';
import { referenceSubject } from '../naming';
import { referenceClosure } from '../references';
import { didYouMean } from '../suggest';
import { AvroChecker } from './avro';
import { verdictKey } from './verdicts';
import type { SchemaVerdicts } from './verdicts';
import type { SchemaJob } from '../parallel';
import type { AvroLookup } from './avro';
import { AVRO_PRIMITIVES } from './parse';
import type { ParsedSchema, SchemaProblem } from './parse';
import { avroErrorOffset, jsonSchemaErrorOffset, jsonTree, pointerOffset, protoErrorOffset, referenceOffset } from './positions';

/** An empty list of files, shared (never changed: the graph walks only read it). */
const NONE: string[] = [];

/** Unresolved references reported per file. */
const MAX_UNRESOLVED = 20;

export interface ResolvedSchema {
  readonly parsed: ParsedSchema;
  readonly references: SchemaReference[];
  readonly problems: SchemaProblem[];
}

export function resolveSchemas(
  parsed: ReadonlyMap<string, ParsedSchema>,
  verdicts?: SchemaVerdicts,
  helpers?: CheckHelpers,
): Map<string, ResolvedSchema> {
  const avroIndex = new Map<string, string>();
  const out = new Map<string, ResolvedSchema>();
  for (const p of parsed.values()) {
    if (p.format !== 'AVRO') continue;
    for (const name of p.defines) {
      const other = avroIndex.get(name);
      if (other && other !== p.path) {
        p.problems.push({
          rule: 'schema-duplicate-name',
          message: `Avro type "${name}" is also defined in ${other}`,
          offset: Math.max(0, nameOffset(p.text, name)),
          hint: 'define each named type in one file and reference it from the others by its full name',
        });
      } else avroIndex.set(name, p.path);
    }
  }
  // A refused Avro file's names are unknown: names it may define are not reported missing.
  const avroRefused = [...parsed.values()].some((p) => p.refused && p.format === 'AVRO');
  for (const p of parsed.values()) {
    const references: SchemaReference[] = [];
    const problems = [...p.problems];
    // A file with a problem of its own is fixed first: its references are not reported too.
    for (const need of p.problems.length > 0 ? [] : p.needs) {
      const file = locate(p, need, parsed, avroIndex);
      if (file) references.push({ name: need, subject: referenceSubject(file), file });
      // The first few are enough to act on; each costs a scan of the file and a suggestion.
      else if (!(avroRefused && p.format === 'AVRO') && problems.length < MAX_UNRESOLVED)
        problems.push(unresolved(p, need, parsed, avroIndex));
    }
    out.set(p.path, { parsed: p, references, problems });
  }
  withoutSourceMaps(() => checkAll(out, verdicts, helpers));
  reportDomainCycles(out);
  return out;
}

/**
 * Node scans every function made with `new Function` for a source-map comment while source maps
 * are on (tsx turns them on), and avsc makes several per Avro record. Generated code has no
 * source map to find, so the scan is off while schemas are checked.
 */
function withoutSourceMaps(fn: () => void): void {
  const enabled = process.sourceMapsEnabled;
  if (enabled) process.setSourceMapsEnabled(false);
  try {
    fn();
  } finally {
    if (enabled) process.setSourceMapsEnabled(true);
  }
}

/**
 * Checks each schema with its format's library, unless its verdict says it passed before.
 * References first: a schema whose references are broken is not checked (its references'
 * findings say what to fix), nor is one on a reference cycle (reported at its reference).
 */
function checkAll(
  out: Map<string, ResolvedSchema>,
  verdicts: SchemaVerdicts | undefined,
  helpers: CheckHelpers | undefined,
): void {
  const checker = new SchemaChecker(out);
  const keys = new Map<string, string>();
  reportCycles(out);
  if (helpers) {
    const todo = [...out.values()].filter(
      (r) =>
        r.problems.length === 0 &&
        !r.parsed.refused &&
        !(verdicts && verdicts.has(keyOf(r, out, keys))),
    );
    helpers.startChecks(
      [...out.values()]
        .filter((r) => !r.parsed.refused)
        .map((r) => ({ path: r.parsed.path, domain: r.parsed.domain, text: r.parsed.text, references: r.references })),
      todo.map((r) => r.parsed.path),
    );
  }
  const ok = new Map<string, boolean>();
  const check = (r: ResolvedSchema): boolean => {
    const known = ok.get(r.parsed.path);
    if (known !== undefined) return known;
    ok.set(r.parsed.path, false); // while its references are checked: a cycle is not ok
    let fine = r.problems.length === 0 && !r.parsed.refused;
    for (const ref of r.references) {
      const dep = out.get(ref.file);
      if (dep && !check(dep)) fine = false;
    }
    if (fine) {
      const key = verdicts && keyOf(r, out, keys);
      if (key && verdicts?.has(key)) {
        // Passed before, with the same text and references.
      } else if (helpers?.passed(r.parsed.path)) {
        if (key) verdicts?.add(key);
      } else {
        const problem = checker.problem(r);
        if (problem) {
          r.problems.push(problem);
          fine = false;
        } else if (key) verdicts?.add(key);
      }
    }
    ok.set(r.parsed.path, fine);
    return fine;
  };
  for (const r of out.values()) check(r);
  checker.dispose();
}

/** Helper threads that check schemas too (see ../parallel.ts). */
export interface CheckHelpers {
  startChecks(schemas: readonly SchemaJob[], candidates: readonly string[]): void;
  passed(path: string): boolean;
}

/** Checks schemas one at a time, sharing avsc types and ajv instances between the checks. */
export class SchemaChecker {
  private readonly avro: AvroChecker;
  private readonly jsonSchemas: JsonSchemas;

  constructor(private readonly all: ReadonlyMap<string, ResolvedSchema>) {
    this.jsonSchemas = new JsonSchemas(all);
    // Only what other files reference is kept for the checks after it.
    const referenced = new Set<string>();
    for (const r of all.values()) for (const ref of r.references) referenced.add(ref.file);
    this.avro = new AvroChecker(avroLookup(all), referenced);
  }

  /** The schema's problem, or undefined when its format's library accepts it. */
  problem(r: ResolvedSchema): SchemaProblem | undefined {
    return validate(r, this.all, this.avro, this.jsonSchemas);
  }

  dispose(): void {
    this.jsonSchemas.dispose();
  }
}

/**
 * Schema files that reference each other in a circle: a registry cannot register them. Each
 * file on a cycle is reported at its reference to the next file of the cycle.
 */
function reportCycles(all: ReadonlyMap<string, ResolvedSchema>): void {
  // Most schemas reference nothing: no new empty list for each of them (each is asked twice).
  const next = (path: string): string[] => {
    const references = all.get(path)?.references;
    return references === undefined || references.length === 0 ? NONE : references.map((r) => r.file);
  };
  for (const component of cyclicComponents([...all.keys()], next)) {
    const members = new Set(component);
    for (const path of component) {
      const r = all.get(path) as ResolvedSchema;
      const ref = r.references.find((x) => members.has(x.file)) as SchemaReference;
      const cycle = [path, ...(shortestPath(ref.file, path, next, members) ?? [ref.file])];
      r.problems.push({
        rule: 'schema-reference-cycle',
        message: `this reference closes a cycle: ${cycle.join(' → ')}`,
        offset: Math.max(0, referenceOffset(r.parsed.text, r.parsed.format, ref.name)),
        hint: 'a registry cannot register mutually referencing schemas; move the shared types into one file',
      });
    }
  }
}

/** Strongly connected components that hold a cycle (Tarjan's algorithm, without recursion). */
function cyclicComponents(paths: readonly string[], next: (p: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of paths) {
    // A file that references nothing is a component of its own, without a cycle: the walk opens
    // it only when a reference leads there (most files of a large catalog are never opened).
    if (index.has(start) || next(start).length === 0) continue;
    const work: { node: string; edges: string[]; i: number }[] = [];
    const open = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: next(node), i: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; edges: string[]; i: number };
      if (frame.i < frame.edges.length) {
        const to = frame.edges[frame.i++] as string;
        if (!index.has(to)) open(to);
        else if (onStack.has(to))
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
          onStack.delete(n);
          component.push(n);
          if (n === frame.node) break;
        }
        if (component.length > 1 || next(frame.node).includes(frame.node))
          out.push(component.reverse());
      }
    }
  }
  return out;
}

/** Files on a shortest path from `from` to `to` (both included), inside `within`. */
function shortestPath(
  from: string,
  to: string,
  next: (p: string) => string[],
  within: ReadonlySet<string>,
): string[] | undefined {
  const previous = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const d = queue[i] as string;
    if (d === to) {
      const path: string[] = [];
      for (let c: string | undefined = d; c !== undefined; c = previous.get(c)) path.unshift(c);
      return path;
    }
    for (const n of next(d)) {
      if (within.has(n) && !previous.has(n)) {
        previous.set(n, d);
        queue.push(n);
      }
    }
  }
  return undefined;
}

/**
 * Each domain's stack registers its schemas after those of the domains it references, so two
 * domains may not reference each other's schemas, even through different files: Terraform would
 * get a dependency cycle between their stacks. Reported on every reference that closes one.
 */
function reportDomainCycles(all: ReadonlyMap<string, ResolvedSchema>): void {
  const domainOf = (file: string): string | undefined => all.get(file)?.parsed.domain;
  const edges = new Map<string, Set<string>>();
  for (const r of all.values()) {
    for (const ref of r.references) {
      const to = domainOf(ref.file);
      if (to !== undefined && to !== r.parsed.domain) {
        edges.set(r.parsed.domain, (edges.get(r.parsed.domain) ?? new Set()).add(to));
      }
    }
  }
  /** Domains on a path from `from` to `to`, both included; undefined when there is none. */
  const path = (from: string, to: string): string[] | undefined => {
    const previous = new Map<string, string | undefined>([[from, undefined]]);
    const queue = [from];
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      if (d === to) {
        const out: string[] = [];
        for (let c: string | undefined = d; c !== undefined; c = previous.get(c)) out.unshift(c);
        return out;
      }
      for (const next of edges.get(d) ?? []) {
        if (!previous.has(next)) {
          previous.set(next, d);
          queue.push(next);
        }
      }
    }
    return undefined;
  };
  for (const r of all.values()) {
    if (r.problems.length > 0) continue;
    const from = r.parsed.domain;
    for (const ref of r.references) {
      const to = domainOf(ref.file);
      const back = to !== undefined && to !== from ? path(to, from) : undefined;
      if (!back) continue;
      r.problems.push({
        rule: 'schema-domain-cycle',
        message: `${from} references ${ref.file} of ${to}, and ${to} depends on ${from} in turn (${[from, ...back].join(' → ')})`,
        offset: Math.max(0, referenceOffset(r.parsed.text, r.parsed.format, ref.name)),
        hint: 'domain stacks register schemas after the domains they reference; move the shared types into one of the domains',
      });
      break;
    }
  }
}

/** Verdict key of a schema: its text and, recursively, everything it references. */
function keyOf(r: ResolvedSchema, all: ReadonlyMap<string, ResolvedSchema>, memo: Map<string, string>): string {
  const known = memo.get(r.parsed.path);
  if (known) return known;
  const refs = r.references.map((ref) => {
    const dep = all.get(ref.file);
    return dep ? keyOf(dep, all, memo) : ref.file;
  });
  const key = verdictKey(r.parsed.format, r.parsed.text, refs);
  memo.set(r.parsed.path, key);
  return key;
}

function locate(
  p: ParsedSchema,
  need: string,
  parsed: ReadonlyMap<string, ParsedSchema>,
  avroIndex: ReadonlyMap<string, string>,
): string | undefined {
  if (p.format === 'AVRO') return avroIndex.get(need);
  const candidates =
    p.format === 'PROTOBUF'
      ? [posix.join(posix.dirname(p.path), need), posix.join('schemas', need)]
      : [posix.join(posix.dirname(p.path), need)];
  return candidates.find((c) => parsed.get(c)?.format === p.format);
}

function unresolved(
  p: ParsedSchema,
  need: string,
  parsed: ReadonlyMap<string, ParsedSchema>,
  avroIndex: ReadonlyMap<string, string>,
): SchemaProblem {
  const shortName = need.slice(need.lastIndexOf('.') + 1);
  const at = referenceOffset(p.text, p.format, need);
  const known =
    p.format === 'AVRO'
      ? [...AVRO_PRIMITIVES, ...avroIndex.keys()]
      : [...parsed.keys()].filter((k) => parsed.get(k)?.format === p.format);
  const what =
    p.format === 'AVRO'
      ? `Avro type "${need}" is not defined in this file nor in any .avsc file under schemas/`
      : p.format === 'PROTOBUF'
        ? `import "${need}" matches no .proto file (looked next to this file and under schemas/)`
        : `$ref "${need}" matches no .json file next to this one`;
  return {
    rule: 'schema-reference-unresolved',
    message: what,
    offset: Math.max(0, at),
    hint:
      (p.format === 'AVRO' ? didYouMean(shortName, AVRO_PRIMITIVES) : undefined) ??
      didYouMean(need, known) ??
      'add the referenced schema file, or fix the name',
  };
}

/** Every file a schema depends on, deepest first, without duplicates. */
export function dependencies(path: string, all: ReadonlyMap<string, ResolvedSchema>): string[] {
  const files = (p: string): string[] => (all.get(p)?.references ?? []).map((r) => r.file);
  return referenceClosure([path], files).filter((p) => p !== path);
}

function validate(
  r: ResolvedSchema,
  all: ReadonlyMap<string, ResolvedSchema>,
  avro: AvroChecker,
  jsonSchemas: JsonSchemas,
): SchemaProblem | undefined {
  const p = r.parsed;
  try {
    if (p.format === 'AVRO') avro.check(p.path);
    else if (p.format === 'JSON') jsonSchemas.compile(r);
    else protoRoot(r, all);
    return undefined;
  } catch (e) {
    const message = String((e as Error)?.message ?? e).split('\n')[0] as string;
    const pointer = (e as { pointer?: string }).pointer;
    const at =
      pointer !== undefined
        ? pointerOffset(jsonTree(p.text), pointer)
        : p.format === 'AVRO'
          ? avroErrorOffset(p.text, message)
          : p.format === 'PROTOBUF'
            ? protoErrorOffset(p.text, message)
            : jsonSchemaErrorOffset(p.text, message);
    return {
      rule: 'schema-invalid',
      message: `not a valid ${p.format === 'AVRO' ? 'Avro' : p.format === 'JSON' ? 'JSON' : 'Protobuf'} schema: ${message}`,
      offset: Math.max(0, at),
      hint:
        p.format === 'AVRO'
          ? 'see the Avro specification for records, enums, unions and logical types'
          : p.format === 'JSON'
            ? 'the file must be a JSON Schema (draft-07 or 2020-12)'
            : 'every type used must be defined in this file or an imported one',
    };
  }
}

/** Avro sources of resolved schema files, for avro.ts. */
export function avroLookup(all: ReadonlyMap<string, ResolvedSchema>): AvroLookup {
  return (path) => {
    const d = all.get(path);
    return d && { json: d.parsed.json, references: d.references };
  };
}

/**
 * Ajv instances are shared by every load (building one and its meta-schema is the expensive
 * part); each load registers its schemas under its own URI prefix and removes them when done.
 * A schema's URI is made from its path, so relative $refs ("money.json") resolve to the file.
 */
let draft7: Ajv | undefined;
let draft2020: Ajv | undefined;
let loads = 0;

class JsonSchemas {
  private readonly added = new Map<string, Ajv>();
  private readonly prefix = `https://streamplane.local/${++loads}/`;

  constructor(private readonly all: ReadonlyMap<string, ResolvedSchema>) {}

  compile(r: ResolvedSchema): void {
    const ajv = this.ajvFor(r);
    this.add(r);
    ajv.getSchema(this.uriOf(r.parsed.path));
  }

  dispose(): void {
    for (const [uri, ajv] of this.added) ajv.removeSchema(uri);
    this.added.clear();
  }

  private uriOf(path: string): string {
    return this.prefix + path;
  }

  private ajvFor(r: ResolvedSchema): Ajv {
    if (String((r.parsed.json as { $schema?: unknown })?.$schema ?? '').includes('2020-12')) {
      return (draft2020 ??= lib.addFormats(new lib.Ajv2020({ strict: false, allErrors: true, logger: false })));
    }
    return (draft7 ??= lib.addFormats(new lib.Ajv({ strict: false, allErrors: true, logger: false })));
  }

  private add(r: ResolvedSchema): void {
    const uri = this.uriOf(r.parsed.path);
    if (this.added.has(uri)) return;
    const ajv = this.ajvFor(r);
    const { $schema: _s, ...body } = r.parsed.json as Record<string, unknown>;
    const schema = { ...body, $id: uri };
    if (!ajv.validateSchema(schema)) {
      // Point at the offending keyword, not at the file: ajv tells where in the schema it is.
      const first = ajv.errors?.[0];
      throw Object.assign(new Error(`${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`), {
        pointer: first?.instancePath ?? '',
      });
    }
    this.added.set(uri, ajv);
    ajv.addSchema(schema, uri, undefined, false);
    for (const ref of r.references) {
      const dep = this.all.get(ref.file);
      if (dep) this.add(dep);
    }
  }
}

function protoRoot(r: ResolvedSchema, all: ReadonlyMap<string, ResolvedSchema>): protobuf.Root {
  const root = new lib.protobuf.Root();
  for (const [name, json] of Object.entries(lib.protobuf.common)) {
    if (typeof json === 'object' && json && 'nested' in json && name.startsWith('google/')) {
      root.addJSON((json as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
    }
  }
  for (const dep of dependencies(r.parsed.path, all)) {
    const d = all.get(dep);
    if (d) lib.protobuf.parse(d.parsed.text, root, { keepCase: true, alternateCommentMode: true });
  }
  lib.protobuf.parse(r.parsed.text, root, { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return root;
}

/** Offset of the "name" that defines an Avro type, by its full or short name. */
function nameOffset(text: string, fullName: string): number {
  const short = fullName.slice(fullName.lastIndexOf('.') + 1);
  for (const token of [JSON.stringify(fullName), JSON.stringify(short)]) {
    for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
      if (/"name"\s*:\s*$/.test(text.slice(Math.max(0, at - 40), at))) return at;
    }
  }
  return text.indexOf(JSON.stringify(short));
}
