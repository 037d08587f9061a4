// JSON Schema compatibility as Confluent Schema Registry decides it: the schema is read into the
// model Confluent's loader (everit) builds — typed schemas, enums, consts, combined schemas,
// synthetic allOf when one object mixes several kinds, references followed — and compared by
// the rules of io.confluent.kafka.schemaregistry.json.diff.SchemaDiff. Every change found has a
// type from JSON_CHANGES; its default (strict) policy decides which types are compatible.
//
// compare(original, update) lists the changes a reader using `update` meets on data written
// with `original`: BACKWARD compares (previous, new), FORWARD (new, previous).
import type { Change, Location } from './types';

type Json = Record<string, unknown>;

/** Confluent's change types for JSON Schema, and whether the strict policy accepts them. */
export const JSON_CHANGES = {
  ID_CHANGED: true,
  DESCRIPTION_CHANGED: true,
  TITLE_CHANGED: true,
  DEFAULT_CHANGED: true,
  SCHEMA_ADDED: false,
  SCHEMA_REMOVED: true,
  TYPE_EXTENDED: true,
  TYPE_NARROWED: false,
  TYPE_CHANGED: false,
  MAX_LENGTH_ADDED: false,
  MAX_LENGTH_REMOVED: true,
  MAX_LENGTH_INCREASED: true,
  MAX_LENGTH_DECREASED: false,
  MIN_LENGTH_ADDED: false,
  MIN_LENGTH_REMOVED: true,
  MIN_LENGTH_INCREASED: false,
  MIN_LENGTH_DECREASED: true,
  PATTERN_ADDED: false,
  PATTERN_REMOVED: true,
  PATTERN_CHANGED: false,
  MAXIMUM_ADDED: false,
  MAXIMUM_REMOVED: true,
  MAXIMUM_INCREASED: true,
  MAXIMUM_DECREASED: false,
  MINIMUM_ADDED: false,
  MINIMUM_REMOVED: true,
  MINIMUM_INCREASED: false,
  MINIMUM_DECREASED: true,
  EXCLUSIVE_MAXIMUM_ADDED: false,
  EXCLUSIVE_MAXIMUM_REMOVED: true,
  EXCLUSIVE_MAXIMUM_INCREASED: true,
  EXCLUSIVE_MAXIMUM_DECREASED: false,
  EXCLUSIVE_MINIMUM_ADDED: false,
  EXCLUSIVE_MINIMUM_REMOVED: true,
  EXCLUSIVE_MINIMUM_INCREASED: false,
  EXCLUSIVE_MINIMUM_DECREASED: true,
  MULTIPLE_OF_ADDED: false,
  MULTIPLE_OF_REMOVED: true,
  MULTIPLE_OF_EXPANDED: false,
  MULTIPLE_OF_REDUCED: true,
  MULTIPLE_OF_CHANGED: false,
  REQUIRED_ATTRIBUTE_ADDED: false,
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: true,
  REQUIRED_ATTRIBUTE_REMOVED: true,
  MAX_PROPERTIES_ADDED: false,
  MAX_PROPERTIES_REMOVED: true,
  MAX_PROPERTIES_INCREASED: true,
  MAX_PROPERTIES_DECREASED: false,
  MIN_PROPERTIES_ADDED: false,
  MIN_PROPERTIES_REMOVED: true,
  MIN_PROPERTIES_INCREASED: false,
  MIN_PROPERTIES_DECREASED: true,
  ADDITIONAL_PROPERTIES_ADDED: true,
  ADDITIONAL_PROPERTIES_REMOVED: false,
  ADDITIONAL_PROPERTIES_EXTENDED: true,
  ADDITIONAL_PROPERTIES_NARROWED: false,
  DEPENDENCY_ARRAY_ADDED: false,
  DEPENDENCY_ARRAY_REMOVED: true,
  DEPENDENCY_ARRAY_EXTENDED: false,
  DEPENDENCY_ARRAY_NARROWED: true,
  DEPENDENCY_ARRAY_CHANGED: false,
  DEPENDENCY_SCHEMA_ADDED: false,
  DEPENDENCY_SCHEMA_REMOVED: true,
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: false,
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: true,
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: false,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: true,
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: true,
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: true,
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: true,
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: false,
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: true,
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: false,
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: true,
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: false,
  MAX_ITEMS_ADDED: false,
  MAX_ITEMS_REMOVED: true,
  MAX_ITEMS_INCREASED: true,
  MAX_ITEMS_DECREASED: false,
  MIN_ITEMS_ADDED: false,
  MIN_ITEMS_REMOVED: true,
  MIN_ITEMS_INCREASED: false,
  MIN_ITEMS_DECREASED: true,
  UNIQUE_ITEMS_ADDED: false,
  UNIQUE_ITEMS_REMOVED: true,
  ADDITIONAL_ITEMS_ADDED: true,
  ADDITIONAL_ITEMS_REMOVED: false,
  ADDITIONAL_ITEMS_EXTENDED: true,
  ADDITIONAL_ITEMS_NARROWED: false,
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: false,
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: true,
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: true,
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: true,
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: true,
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: false,
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: true,
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: false,
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: true,
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: false,
  ENUM_ARRAY_EXTENDED: true,
  ENUM_ARRAY_NARROWED: false,
  ENUM_ARRAY_CHANGED: false,
  COMBINED_TYPE_EXTENDED: true,
  COMBINED_TYPE_CHANGED: false,
  PRODUCT_TYPE_EXTENDED: false,
  PRODUCT_TYPE_NARROWED: true,
  SUM_TYPE_EXTENDED: true,
  SUM_TYPE_NARROWED: false,
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: false,
  NOT_TYPE_EXTENDED: false,
  NOT_TYPE_NARROWED: true,
} as const;

export type JsonChange = keyof typeof JSON_CHANGES;

/** A schema document and where it came from. */
export interface JsonDoc {
  readonly file: string;
  readonly json: unknown;
}

/** Finds the document a `$ref`'s file part names (e.g. "money.json"), seen from `from`. */
export type JsonRefResolver = (from: string, file: string) => JsonDoc | undefined;

type Criterion = 'allOf' | 'anyOf' | 'oneOf';

interface Base {
  readonly file: string;
  /** JSON pointer of the schema in its file. */
  readonly ptr: string;
  readonly raw: Json;
  /** The loader of the document version the schema belongs to. */
  readonly loader: Loader;
}
type Node =
  | (Base & { kind: 'empty' | 'true' | 'false' | 'boolean' | 'null' | 'conditional' })
  | (Base & { kind: 'ref'; ref: string })
  | (Base & { kind: 'string' })
  | (Base & { kind: 'number'; integer: boolean })
  | (Base & { kind: 'object' })
  | (Base & { kind: 'array' })
  | (Base & { kind: 'enum'; values: unknown[] })
  | (Base & { kind: 'const'; value: unknown })
  | (Base & { kind: 'not'; not: Node })
  | (Base & { kind: 'combined'; criterion: Criterion; subs: Node[] });

const NUMBER_KEYS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYS = ['minLength', 'maxLength', 'pattern', 'format'];
const OBJECT_KEYS = [
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'additionalProperties',
  'propertyNames',
];
const ARRAY_KEYS = ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Reads schema documents into everit's model; a raw object is read once (identity matters). */
class Loader {
  private readonly memo = new Map<object, Node>();
  /** Each file's document, to resolve "#/…" pointers in it. */
  private readonly roots = new Map<string, unknown>();

  constructor(private readonly resolveFile: JsonRefResolver) {}

  doc(d: JsonDoc): Node {
    this.setRoot(d.file, d.json);
    return this.load(d.json, d.file, '');
  }

  /** Files written for draft 2019-09 or later (dependentRequired, prefixItems … apply). */
  private readonly modern = new Set<string>();

  private setRoot(file: string, json: unknown): void {
    this.roots.set(file, json);
    const draft = isObject(json) && typeof json.$schema === 'string' ? json.$schema : '';
    if (/2019-09|2020-12/.test(draft)) this.modern.add(file);
  }

  isModern(file: string): boolean {
    return this.modern.has(file);
  }

  load(raw: unknown, file: string, ptr: string): Node {
    if (raw === true) return { kind: 'true', file, ptr, raw: {}, loader: this };
    if (raw === false) return { kind: 'false', file, ptr, raw: {}, loader: this };
    if (!isObject(raw)) return { kind: 'empty', file, ptr, raw: {}, loader: this };
    const known = this.memo.get(raw);
    if (known) return known;
    const node = this.build(raw, file, ptr);
    this.memo.set(raw, node);
    return node;
  }

  private build(raw: Json, file: string, ptr: string): Node {
    const base = { file, ptr, raw, loader: this };
    const child = (value: unknown, path: string): Node => this.load(value, file, `${ptr}/${path}`);
    // Draft-07: a $ref replaces its siblings.
    if (typeof raw.$ref === 'string') return { kind: 'ref', ref: raw.$ref, ...base };
    const parts: Node[] = [];
    if (Array.isArray(raw.enum)) parts.push({ kind: 'enum', values: raw.enum, ...base });
    if ('const' in raw) parts.push({ kind: 'const', value: raw.const, ...base });
    for (const criterion of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = raw[criterion];
      if (Array.isArray(list)) {
        const seen = new Set<string>();
        const subs: Node[] = [];
        list.forEach((s, i) => {
          // Confluent collects subschemas in a set: equal ones count once.
          const key = canonical(s);
          if (seen.has(key)) return;
          seen.add(key);
          subs.push(child(s, `${criterion}/${i}`));
        });
        parts.push({ kind: 'combined', criterion, subs, ...base });
      }
    }
    if ('not' in raw) parts.push({ kind: 'not', not: child(raw.not, 'not'), ...base });
    if ('if' in raw) parts.push({ kind: 'conditional', ...base });
    const typed = (t: string): Node | undefined => {
      switch (t) {
        case 'string':
          return { kind: 'string', ...base };
        case 'number':
        case 'integer':
          return { kind: 'number', integer: t === 'integer', ...base };
        case 'object':
          return { kind: 'object', ...base };
        case 'array':
          return { kind: 'array', ...base };
        case 'boolean':
          return { kind: 'boolean', ...base };
        case 'null':
          return { kind: 'null', ...base };
        default:
          return undefined;
      }
    };
    if (typeof raw.type === 'string') {
      const t = typed(raw.type);
      if (t) parts.push(t);
    } else if (Array.isArray(raw.type)) {
      const subs = raw.type.map((t) => typed(String(t))).filter((t): t is Node => t !== undefined);
      parts.push({ kind: 'combined', criterion: 'anyOf', subs, ...base });
    } else {
      const has = (keys: string[]): boolean => keys.some((k) => k in raw);
      if (has(NUMBER_KEYS)) parts.push({ kind: 'number', integer: false, ...base });
      if (has(STRING_KEYS)) parts.push({ kind: 'string', ...base });
      if (has(OBJECT_KEYS)) parts.push({ kind: 'object', ...base });
      if (has(ARRAY_KEYS)) parts.push({ kind: 'array', ...base });
    }
    if (parts.length === 0) return { kind: 'empty', ...base };
    if (parts.length === 1) return parts[0] as Node;
    return { kind: 'combined', criterion: 'allOf', subs: parts, ...base };
  }

  /** The schema a $ref names (followed through chains of $refs), or undefined. */
  target(node: Node): Node | undefined {
    let n: Node | undefined = node;
    for (let hops = 0; n?.kind === 'ref' && hops < 32; hops++) n = this.follow(n);
    return n?.kind === 'ref' ? undefined : n;
  }

  private follow(node: Node & { kind: 'ref' }): Node | undefined {
    const hash = node.ref.indexOf('#');
    const filePart = hash === -1 ? node.ref : node.ref.slice(0, hash);
    const pointer = hash === -1 ? '' : node.ref.slice(hash + 1);
    let file = node.file;
    if (filePart) {
      const doc = this.resolveFile(node.file, filePart);
      if (!doc) return undefined;
      file = doc.file;
      if (!this.roots.has(file)) this.setRoot(file, doc.json);
    }
    const root = this.roots.get(file);
    let value: unknown = root;
    const segments = pointer
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const s of segments) {
      if (Array.isArray(value)) value = value[Number(s)];
      else if (isObject(value)) value = value[s];
      else return undefined;
    }
    if (value === undefined) return undefined;
    return this.load(value, file, segments.map((s) => `/${esc(s)}`).join(''));
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Where a change shows, in both documents: the schema (and keyword) it concerns. */
function where(n: Node | undefined, keyword?: string): Location | undefined {
  if (!n) return undefined;
  if (keyword !== undefined && (keyword.split('/')[0] ?? '') in n.raw) return { file: n.file, pointer: `${n.ptr}/${keyword}` };
  return { file: n.file, pointer: n.ptr };
}

class Ctx {
  readonly changes: Change[] = [];
  private readonly schemas = new Set<Node>();

  constructor(private readonly path: string[] = []) {}

  sub(): Ctx {
    const c = new Ctx([...this.path]);
    for (const s of this.schemas) c.schemas.add(s);
    return c;
  }

  enter(n: Node): boolean {
    if (this.schemas.has(n)) return false;
    this.schemas.add(n);
    return true;
  }

  leave(n: Node): void {
    this.schemas.delete(n);
  }

  at<T>(segment: string, f: () => T): T {
    this.path.push(segment);
    try {
      return f();
    } finally {
      this.path.pop();
    }
  }

  add(type: JsonChange, original: Location | undefined, update: Location | undefined, attribute?: string): void {
    const path = `#/${[...this.path, ...(attribute ? [attribute] : [])].join('/')}`;
    this.changes.push({ type, compatible: JSON_CHANGES[type], path, original, update });
  }

  addAll(changes: readonly Change[]): void {
    this.changes.push(...changes);
  }

  compatible(): boolean {
    return this.changes.every((c) => c.compatible);
  }
}

/** Every change from `original` to `update` (the strict policy decides each one's verdict). */
export function compareJson(
  original: JsonDoc,
  resolveOriginal: JsonRefResolver,
  update: JsonDoc,
  resolveUpdate: JsonRefResolver,
): Change[] {
  const ctx = new Ctx();
  compare(ctx, new Loader(resolveOriginal).doc(original), new Loader(resolveUpdate).doc(update));
  return ctx.changes;
}

function compare(ctx: Ctx, o0: Node | undefined, u0: Node | undefined): void {
  if (!o0 && !u0) return;
  if (!o0) return ctx.add('SCHEMA_ADDED', undefined, where(u0));
  if (!u0) return ctx.add('SCHEMA_REMOVED', where(o0), undefined);
  const o = o0.kind === 'ref' ? o0.loader.target(o0) : o0;
  const u = u0.kind === 'ref' ? u0.loader.target(u0) : u0;
  if (!o || !u) {
    // A reference that leads nowhere: the registry would not accept the schema at all.
    if (!u) ctx.add('TYPE_CHANGED', where(o0), where(u0));
    return;
  }
  if (o.kind !== 'combined' && u.kind === 'combined') {
    if (u.subs.length === 1) {
      const sub = ctx.sub();
      compare(sub, o, u.subs[0]);
      if (sub.compatible()) return ctx.addAll(sub.changes);
    } else if (u.criterion !== 'allOf') {
      for (const s of u.subs) {
        const sub = ctx.sub();
        compare(sub, o, s);
        if (sub.compatible()) {
          ctx.addAll(sub.changes);
          return ctx.add('SUM_TYPE_EXTENDED', where(o), where(u));
        }
      }
    }
  } else if (o.kind === 'combined' && u.kind !== 'combined') {
    if (o.subs.length === 1) {
      const sub = ctx.sub();
      compare(sub, o.subs[0], u);
      if (sub.compatible()) return ctx.addAll(sub.changes);
    }
    if (o.criterion === 'allOf') {
      for (const s of o.subs) {
        const sub = ctx.sub();
        compare(sub, s, u);
        if (sub.compatible()) {
          ctx.addAll(sub.changes);
          return ctx.add('PRODUCT_TYPE_NARROWED', where(o), where(u));
        }
      }
    }
  }
  if (!sameType(o, u)) {
    if (o.kind === 'false' || u.kind === 'empty' || u.kind === 'true') return;
    return ctx.add('TYPE_CHANGED', where(o), where(u));
  }
  if (!ctx.enter(o)) return;
  try {
    switch (o.kind) {
      case 'string':
        return compareString(ctx, o, u);
      case 'number':
        return compareNumber(ctx, o, u as typeof o);
      case 'enum':
        return compareEnum(ctx, o, u as typeof o);
      case 'const':
        if (canonical(o.value) !== canonical((u as typeof o).value)) {
          ctx.add('ENUM_ARRAY_CHANGED', where(o, 'const'), where(u, 'const'), 'const');
        }
        return;
      case 'combined':
        return compareCombined(ctx, o, u as typeof o);
      case 'not':
        return ctx.at('not', () => {
          const sub = ctx.sub();
          // A narrower "not" accepts more: the wrapped schemas are compared the other way round.
          compare(sub, (u as typeof o).not, o.not);
          ctx.add(sub.compatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', where(o, 'not'), where(u, 'not'));
        });
      case 'object':
        return compareObject(ctx, o, u);
      case 'array':
        return compareArray(ctx, o, u);
      default:
        return;
    }
  } finally {
    ctx.leave(o);
  }
}

function sameType(a: Node, b: Node): boolean {
  const empty = (n: Node): boolean => n.kind === 'empty' || n.kind === 'true';
  if (empty(a) && empty(b)) return true;
  return a.kind === b.kind;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** ADDED / REMOVED / INCREASED / DECREASED of one numeric keyword. */
function limit(ctx: Ctx, o: Node, u: Node, keyword: string, prefix: string, ov = num(o.raw[keyword]), uv = num(u.raw[keyword])): void {
  if (ov === uv) return;
  const type =
    ov === undefined
      ? `${prefix}_ADDED`
      : uv === undefined
        ? `${prefix}_REMOVED`
        : ov < uv
          ? `${prefix}_INCREASED`
          : `${prefix}_DECREASED`;
  ctx.add(type as JsonChange, where(o, keyword), where(u, keyword), keyword);
}

function compareString(ctx: Ctx, o: Node, u: Node): void {
  limit(ctx, o, u, 'maxLength', 'MAX_LENGTH');
  limit(ctx, o, u, 'minLength', 'MIN_LENGTH');
  const op = typeof o.raw.pattern === 'string' ? o.raw.pattern : undefined;
  const up = typeof u.raw.pattern === 'string' ? u.raw.pattern : undefined;
  if (op !== up) {
    const type = op === undefined ? 'PATTERN_ADDED' : up === undefined ? 'PATTERN_REMOVED' : 'PATTERN_CHANGED';
    ctx.add(type, where(o, 'pattern'), where(u, 'pattern'), 'pattern');
  }
}

function compareNumber(ctx: Ctx, o: Node & { integer: boolean }, u: Node & { integer: boolean }): void {
  limit(ctx, o, u, 'maximum', 'MAXIMUM');
  limit(ctx, o, u, 'minimum', 'MINIMUM');
  // Draft-04's boolean exclusiveMaximum/Minimum only qualify maximum/minimum.
  limit(ctx, o, u, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM');
  limit(ctx, o, u, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM');
  const om = num(o.raw.multipleOf);
  const um = num(u.raw.multipleOf);
  if (om !== um) {
    const divides = (a: number, b: number): boolean => {
      const q = a / b;
      return Math.abs(q - Math.round(q)) < 1e-9;
    };
    const type =
      om === undefined
        ? 'MULTIPLE_OF_ADDED'
        : um === undefined
          ? 'MULTIPLE_OF_REMOVED'
          : divides(um, om)
            ? 'MULTIPLE_OF_EXPANDED'
            : divides(om, um)
              ? 'MULTIPLE_OF_REDUCED'
              : 'MULTIPLE_OF_CHANGED';
    ctx.add(type, where(o, 'multipleOf'), where(u, 'multipleOf'), 'multipleOf');
  }
  if (o.integer !== u.integer) ctx.add(o.integer ? 'TYPE_EXTENDED' : 'TYPE_NARROWED', where(o, 'type'), where(u, 'type'));
}

function compareEnum(ctx: Ctx, o: Node & { values: unknown[] }, u: Node & { values: unknown[] }): void {
  const ov = new Set(o.values.map(canonical));
  const uv = new Set(u.values.map(canonical));
  const all = (a: Set<string>, b: Set<string>): boolean => [...b].every((x) => a.has(x));
  if (ov.size === uv.size && all(ov, uv)) return;
  const type = all(uv, ov) ? 'ENUM_ARRAY_EXTENDED' : all(ov, uv) ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED';
  ctx.add(type, where(o, 'enum'), where(u, 'enum'), 'enum');
}

function compareCombined(
  ctx: Ctx,
  o: Node & { criterion: Criterion; subs: Node[] },
  u: Node & { criterion: Criterion; subs: Node[] },
): void {
  if (o.criterion !== u.criterion) {
    const single = (n: typeof o): boolean => n.subs.length === 1;
    const extended =
      u.criterion === 'anyOf' ||
      (single(o) && single(u)) ||
      (single(o) && u.criterion === 'oneOf') ||
      (single(u) && o.criterion === 'allOf');
    if (!extended) return ctx.add('COMBINED_TYPE_CHANGED', where(o), where(u));
    ctx.add('COMBINED_TYPE_EXTENDED', where(o), where(u));
  }
  if (o.subs.length < u.subs.length) {
    ctx.add(u.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', where(o), where(u));
  } else if (o.subs.length > u.subs.length) {
    ctx.add(o.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', where(o), where(u));
  }
  // Pair the subschemas (a maximum bipartite matching over the compatible pairs).
  const edges = o.subs.map((os, i) =>
    ctx.at(`${o.criterion}/${i}`, () =>
      u.subs.map((us) => {
        const sub = ctx.sub();
        compare(sub, os, us);
        return sub.compatible() ? sub.changes : undefined;
      }),
    ),
  );
  const matchOfUpdate = new Array<number>(u.subs.length).fill(-1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < u.subs.length; j++) {
      if (!edges[i]?.[j] || seen[j]) continue;
      seen[j] = true;
      if (matchOfUpdate[j] === -1 || augment(matchOfUpdate[j] as number, seen)) {
        matchOfUpdate[j] = i;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let i = 0; i < o.subs.length; i++) if (augment(i, [])) matched++;
  matchOfUpdate.forEach((i, j) => {
    if (i >= 0) ctx.addAll(edges[i]?.[j] ?? []);
  });
  if (matched < Math.min(o.subs.length, u.subs.length)) {
    ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED', where(o), where(u));
  }
}

// ---- objects

interface ObjectView {
  readonly node: Node;
  readonly properties: Map<string, Node>;
  readonly required: Set<string>;
  readonly permitsAdditional: boolean;
  readonly additional?: Node;
  readonly patterns: [RegExp | undefined, Node][];
  readonly propertyDeps: Map<string, Set<string>>;
  readonly schemaDeps: Map<string, Node>;
  /** The keyword each dependency is written under ("dependencies", "dependentRequired" …). */
  readonly depKeys: Map<string, string>;
}

function objectView(ctx: Ctx, n: Node): ObjectView {
  const raw = n.raw;
  const load = (v: unknown, path: string): Node => n.loader.load(v, n.file, `${n.ptr}/${path}`);
  const properties = new Map<string, Node>();
  if (isObject(raw.properties)) {
    for (const [k, v] of Object.entries(raw.properties)) properties.set(k, load(v, `properties/${esc(k)}`));
  }
  const patterns: [RegExp | undefined, Node][] = [];
  if (isObject(raw.patternProperties)) {
    for (const [k, v] of Object.entries(raw.patternProperties)) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(k, 'u');
      } catch {
        re = undefined;
      }
      patterns.push([re, load(v, `patternProperties/${esc(k)}`)]);
    }
  }
  const propertyDeps = new Map<string, Set<string>>();
  const schemaDeps = new Map<string, Node>();
  const depKeys = new Map<string, string>();
  const keys = n.loader.isModern(n.file) ? ['dependencies', 'dependentRequired', 'dependentSchemas'] : ['dependencies'];
  for (const key of keys) {
    const deps = raw[key];
    if (!isObject(deps)) continue;
    for (const [k, v] of Object.entries(deps)) {
      depKeys.set(k, key);
      if (Array.isArray(v)) propertyDeps.set(k, new Set(v.map(String)));
      else schemaDeps.set(k, load(v, `${key}/${esc(k)}`));
    }
  }
  const ap = raw.additionalProperties;
  return {
    node: n,
    properties,
    required: new Set(Array.isArray(raw.required) ? raw.required.map(String) : []),
    permitsAdditional: ap !== false,
    ...(ap !== undefined && typeof ap !== 'boolean' ? { additional: load(ap, 'additionalProperties') } : {}),
    patterns,
    propertyDeps,
    schemaDeps,
    depKeys,
  };
}

const open = (v: ObjectView): boolean => v.patterns.length === 0 && !v.additional && v.permitsAdditional;

function partial(v: ObjectView, key: string): Node | undefined {
  for (const [re, schema] of v.patterns) if (re?.test(key)) return schema;
  return v.additional;
}

const hasDefault = (n: Node | undefined): boolean => n !== undefined && 'default' in n.raw;

function compareObject(ctx: Ctx, on: Node, un: Node): void {
  const o = objectView(ctx, on);
  const u = objectView(ctx, un);
  ctx.at('required', () => {
    for (const key of o.properties.keys()) {
      if (!u.properties.has(key)) continue;
      const or = o.required.has(key);
      const ur = u.required.has(key);
      const at = (v: ObjectView): Location | undefined => where(v.node, 'required');
      if (or && !ur) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', at(o), at(u), key);
      else if (!or && ur) {
        ctx.add(hasDefault(u.properties.get(key)) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', at(o), at(u), key);
      }
    }
  });
  ctx.at('properties', () => {
    const keys = new Set([...o.properties.keys(), ...u.properties.keys()]);
    for (const key of keys) {
      ctx.at(key, () => {
        const os = o.properties.get(key);
        const us = u.properties.get(key);
        const uAt = us ? where(us) : where(u.node, 'properties');
        const oAt = os ? where(os) : where(o.node, 'properties');
        if (!us && os) {
          if (open(u)) return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', oAt, uAt);
          const covering = partial(u, key);
          if (covering) {
            const sub = ctx.sub();
            compare(sub, os, covering);
            ctx.addAll(sub.changes);
            return ctx.add(
              sub.compatible()
                ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
                : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
              oAt,
              uAt,
            );
          }
          return ctx.add(
            os.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
            oAt,
            uAt,
          );
        }
        if (!os && us) {
          if (open(o)) {
            const empty = us.kind === 'empty' || us.kind === 'true';
            return ctx.add(empty ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', oAt, uAt);
          }
          const covering = partial(o, key);
          if (covering) {
            const sub = ctx.sub();
            compare(sub, covering, us);
            ctx.addAll(sub.changes);
            ctx.add(
              sub.compatible()
                ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
                : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
              oAt,
              uAt,
            );
          }
          if (u.required.has(key)) {
            return ctx.add(
              hasDefault(us) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
              oAt,
              uAt,
            );
          }
          return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', oAt, uAt);
        }
        compare(ctx, os, us);
      });
    }
  });
  ctx.at('dependencies', () => {
    const keys = new Set([...o.propertyDeps.keys(), ...u.propertyDeps.keys()]);
    for (const key of keys) {
      const od = o.propertyDeps.get(key);
      const ud = u.propertyDeps.get(key);
      const at = (v: ObjectView): Location | undefined => where(v.node, `${v.depKeys.get(key) ?? 'dependencies'}/${esc(key)}`);
      if (!ud) ctx.add('DEPENDENCY_ARRAY_REMOVED', at(o), at(u), key);
      else if (!od) ctx.add('DEPENDENCY_ARRAY_ADDED', at(o), at(u), key);
      else {
        const has = (a: Set<string>, b: Set<string>): boolean => [...b].every((x) => a.has(x));
        if (has(od, ud) && has(ud, od)) continue;
        const type = has(ud, od) ? 'DEPENDENCY_ARRAY_EXTENDED' : has(od, ud) ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED';
        ctx.add(type, at(o), at(u), key);
      }
    }
    const schemaKeys = new Set([...o.schemaDeps.keys(), ...u.schemaDeps.keys()]);
    for (const key of schemaKeys) {
      ctx.at(key, () => {
        const os = o.schemaDeps.get(key);
        const us = u.schemaDeps.get(key);
        if (!us) ctx.add('DEPENDENCY_SCHEMA_REMOVED', where(os), where(u.node));
        else if (!os) ctx.add('DEPENDENCY_SCHEMA_ADDED', where(o.node), where(us));
        else compare(ctx, os, us);
      });
    }
  });
  ctx.at('additionalProperties', () => {
    const oAt = where(on, 'additionalProperties');
    const uAt = where(un, 'additionalProperties');
    if (o.permitsAdditional !== u.permitsAdditional) {
      ctx.add(u.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED', oAt, uAt);
    } else if (!o.additional && u.additional) ctx.add('ADDITIONAL_PROPERTIES_NARROWED', oAt, uAt);
    else if (o.additional && !u.additional) ctx.add('ADDITIONAL_PROPERTIES_EXTENDED', oAt, uAt);
    else if (o.additional && u.additional) compare(ctx, o.additional, u.additional);
  });
  limit(ctx, on, un, 'maxProperties', 'MAX_PROPERTIES');
  limit(ctx, on, un, 'minProperties', 'MIN_PROPERTIES');
}

// ---- arrays

function compareArray(ctx: Ctx, on: Node, un: Node): void {
  const view = (n: Node): { all?: Node; tuple: Node[]; permits: boolean; additional?: Node } => {
    const raw = n.raw;
    const load = (v: unknown, path: string): Node => n.loader.load(v, n.file, `${n.ptr}/${path}`);
    // 2020-12: prefixItems is the tuple and items what follows it.
    const tupleKey = Array.isArray(raw.prefixItems) && n.loader.isModern(n.file) ? 'prefixItems' : Array.isArray(raw.items) ? 'items' : undefined;
    const restKey = tupleKey === 'prefixItems' ? 'items' : 'additionalItems';
    const tuple = tupleKey ? (raw[tupleKey] as unknown[]).map((v, i) => load(v, `${tupleKey}/${i}`)) : [];
    const rest = raw[restKey];
    return {
      ...(tupleKey === undefined && raw.items !== undefined ? { all: load(raw.items, 'items') } : {}),
      tuple,
      permits: rest !== false,
      ...(rest !== undefined && typeof rest !== 'boolean' ? { additional: load(rest, restKey) } : {}),
    };
  };
  const o = view(on);
  const u = view(un);
  ctx.at('items', () => compare(ctx, o.all, u.all));
  const openArray = (v: typeof o): boolean => !v.additional && v.permits;
  const n = Math.min(o.tuple.length, u.tuple.length);
  for (let i = 0; i < n; i++) ctx.at(`items/${i}`, () => compare(ctx, o.tuple[i], u.tuple[i]));
  for (let i = n; i < o.tuple.length; i++) {
    ctx.at(`items/${i}`, () => {
      const os = o.tuple[i] as Node;
      const uAt = where(un);
      if (openArray(u)) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', where(os), uAt);
      if (u.additional) {
        const sub = ctx.sub();
        compare(sub, os, u.additional);
        ctx.addAll(sub.changes);
        return ctx.add(
          sub.compatible() ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          where(os),
          uAt,
        );
      }
      ctx.add(os.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', where(os), uAt);
    });
  }
  for (let i = n; i < u.tuple.length; i++) {
    ctx.at(`items/${i}`, () => {
      const us = u.tuple[i] as Node;
      const oAt = where(on);
      if (openArray(o)) {
        const empty = us.kind === 'empty' || us.kind === 'true';
        return ctx.add(empty ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', oAt, where(us));
      }
      if (o.additional) {
        const sub = ctx.sub();
        compare(sub, o.additional, us);
        ctx.addAll(sub.changes);
        return ctx.add(
          sub.compatible() ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
          oAt,
          where(us),
        );
      }
      ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', oAt, where(us));
    });
  }
  ctx.at('additionalItems', () => {
    const oAt = where(on, 'additionalItems') ?? where(on);
    const uAt = where(un, 'additionalItems');
    if (o.permits !== u.permits) ctx.add(o.permits ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED', oAt, uAt);
    else if (!o.additional && u.additional) ctx.add('ADDITIONAL_ITEMS_NARROWED', oAt, uAt);
    else if (o.additional && !u.additional) ctx.add('ADDITIONAL_ITEMS_EXTENDED', oAt, uAt);
    else if (o.additional && u.additional) compare(ctx, o.additional, u.additional);
  });
  limit(ctx, on, un, 'maxItems', 'MAX_ITEMS');
  limit(ctx, on, un, 'minItems', 'MIN_ITEMS');
  const ou = on.raw.uniqueItems === true;
  const uu = un.raw.uniqueItems === true;
  if (ou !== uu) ctx.add(ou ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', where(on, 'uniqueItems'), where(un, 'uniqueItems'), 'uniqueItems');
}
