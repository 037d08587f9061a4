// Avro compatibility as Confluent decides it: Avro's own SchemaCompatibility (Java), ported on
// the schema's JSON. A reader reads a writer's data when the types match or promote (int → long
// → float → double, string ↔ bytes), every reader field is in the data or has a default, every
// writer enum symbol is known to the reader (or the reader's enum has a default), and every
// writer union branch is readable. Named types match by their unqualified name, or by a reader
// alias naming the writer's full name, as Java does. Working on the JSON (not avsc types, which
// generate code) keeps a transitive check against hundreds of versions fast.
import type { SchemaFile } from '../../model';
import { AVRO_PRIMITIVES } from '../parse';
import { closureOf } from './closure';
import type { Change, Location } from './types';

type Files = ReadonlyMap<string, SchemaFile>;
type Json = Record<string, unknown>;

/** Avro's incompatibility types (SchemaCompatibility.SchemaIncompatibilityType). */
export const AVRO_CHANGES = [
  'NAME_MISMATCH',
  'FIXED_SIZE_MISMATCH',
  'MISSING_ENUM_SYMBOLS',
  'READER_FIELD_MISSING_DEFAULT_VALUE',
  'TYPE_MISMATCH',
  'MISSING_UNION_BRANCH',
] as const;

type Kind =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'bytes'
  | 'string'
  | 'record'
  | 'enum'
  | 'fixed'
  | 'array'
  | 'map'
  | 'union';

/** A type in one version: its JSON, the namespace names in it resolve against, and where it is. */
interface T {
  readonly kind: Kind;
  readonly json: unknown;
  readonly ns: string;
  readonly at: Location;
  /** Named types: the full name. */
  readonly full?: string;
}

/** One version of a schema: its root type and every named type it (and its references) define. */
class Side {
  private readonly named = new Map<string, T>();
  /** Each JSON object is read once: it keeps the location where it is written. */
  private readonly read = new Map<object, T>();
  readonly root: T;

  constructor(schema: SchemaFile, files: Files) {
    let root: T | undefined;
    for (const path of closureOf(schema, files)) {
      const f = path === schema.path ? schema : files.get(path);
      if (!f) continue;
      const json = JSON.parse(f.text) as unknown;
      const t = this.type(json, '', { file: f.path, pointer: '' });
      if (path === schema.path) root = t;
    }
    this.root = root ?? this.type('null', '', { file: schema.path, pointer: '' });
  }

  /** Reads a type; named types are registered where they are defined. */
  type(json: unknown, ns: string, at: Location): T {
    if (typeof json === 'string') {
      if (AVRO_PRIMITIVES.has(json)) return { kind: json as Kind, json, ns, at };
      const found = this.named.get(json.includes('.') ? json : ns ? `${ns}.${json}` : json) ?? this.named.get(json);
      if (!found) throw new Error(`unknown Avro type "${json}"`);
      return found;
    }
    if (typeof json === 'object' && json !== null) {
      const known = this.read.get(json);
      if (known) return known;
      const t = this.compound(json, ns, at);
      this.read.set(json, t);
      return t;
    }
    throw new Error('not an Avro type');
  }

  private compound(json: object, ns: string, at: Location): T {
    if (Array.isArray(json)) {
      json.forEach((b, i) => this.type(b, ns, sub(at, String(i))));
      return { kind: 'union', json, ns, at };
    }
    const o = json as Json;
    const t = o.type;
    if (typeof t === 'string' && ['record', 'error', 'enum', 'fixed'].includes(t)) {
      const name = String(o.name);
      const full = name.includes('.') ? name : typeof o.namespace === 'string' && o.namespace ? `${o.namespace}.${name}` : ns ? `${ns}.${name}` : name;
      const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
      const node: T = { kind: t === 'error' ? 'record' : (t as Kind), json, ns: inner, at, full };
      this.named.set(full, node);
      if (Array.isArray(o.fields)) {
        o.fields.forEach((fd, i) => this.type((fd as Json).type, inner, sub(at, `fields/${i}/type`)));
      }
      return node;
    }
    if (t === 'array') {
      this.type(o.items, ns, sub(at, 'items'));
      return { kind: 'array', json, ns, at };
    }
    if (t === 'map') {
      this.type(o.values, ns, sub(at, 'values'));
      return { kind: 'map', json, ns, at };
    }
    // {"type": "long", "logicalType": …}, {"type": "com.acme.Money"}, {"type": {…}}: the type inside.
    return this.type(t, ns, typeof t === 'object' ? sub(at, 'type') : at);
  }

  /** A child type (array items, map values, union branch, field type) of `t`. */
  child(t: T, json: unknown, path: string): T {
    return this.type(json, t.ns, sub(t.at, path));
  }
}

function sub(at: Location, path: string): Location {
  return at.pointer === undefined ? at : { ...at, pointer: `${at.pointer}/${path}` };
}

const unqualified = (name: string): string => name.slice(name.lastIndexOf('.') + 1);

export function avroChanges(writer: SchemaFile, writerFiles: Files, reader: SchemaFile, readerFiles: Files): Change[] {
  const w = new Side(writer, writerFiles);
  const r = new Side(reader, readerFiles);
  return new Check(r, w).compare(r.root, w.root, '');
}

const PROMOTIONS: Partial<Record<Kind, readonly Kind[]>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

class Check {
  /** Pairs of named types being compared: a recursive type is assumed readable inside itself. */
  private readonly visiting = new Set<string>();

  constructor(
    private readonly r: Side,
    private readonly w: Side,
  ) {}

  compare(rt: T, wt: T, path: string, detail?: string): Change[] {
    const change = (type: string, text: string, rAt = rt.at, wAt = wt.at): Change => ({
      type,
      compatible: false,
      path: path || '/',
      original: wAt,
      update: rAt,
      detail: detail ? `${detail}: ${text}` : text,
    });
    if (rt.kind === wt.kind) {
      switch (rt.kind) {
        case 'array':
          return this.compare(this.r.child(rt, (rt.json as Json).items, 'items'), this.w.child(wt, (wt.json as Json).items, 'items'), `${path}/items`, detail);
        case 'map':
          return this.compare(this.r.child(rt, (rt.json as Json).values, 'values'), this.w.child(wt, (wt.json as Json).values, 'values'), `${path}/values`, detail);
        case 'fixed':
          if (!nameEquals(rt, wt)) return [change('NAME_MISMATCH', `${wt.full} cannot be read as ${rt.full}`, sub(rt.at, 'name'), sub(wt.at, 'name'))];
          if ((rt.json as Json).size !== (wt.json as Json).size) {
            return [change('FIXED_SIZE_MISMATCH', `size ${String((wt.json as Json).size)} cannot be read as ${String((rt.json as Json).size)}`, sub(rt.at, 'size'), sub(wt.at, 'size'))];
          }
          return [];
        case 'enum': {
          if (!nameEquals(rt, wt)) return [change('NAME_MISMATCH', `${wt.full} cannot be read as ${rt.full}`, sub(rt.at, 'name'), sub(wt.at, 'name'))];
          const rj = rt.json as Json;
          const known = new Set(Array.isArray(rj.symbols) ? rj.symbols : []);
          const missing = (Array.isArray((wt.json as Json).symbols) ? ((wt.json as Json).symbols as unknown[]) : []).filter((s) => !known.has(s));
          if (missing.length === 0 || rj.default !== undefined) return [];
          return [change('MISSING_ENUM_SYMBOLS', `symbols ${missing.join(', ')} of ${wt.full} are unknown to the reader`, sub(rt.at, 'symbols'), sub(wt.at, 'symbols'))];
        }
        case 'record':
          if (!nameEquals(rt, wt)) return [change('NAME_MISMATCH', `${wt.full} cannot be read as ${rt.full}`, sub(rt.at, 'name'), sub(wt.at, 'name'))];
          return this.records(rt, wt, path);
        case 'union':
          return this.writerUnion(rt, wt, path, detail);
        default:
          return [];
      }
    }
    if (wt.kind === 'union') return this.writerUnion(rt, wt, path, detail);
    if (rt.kind === 'union') {
      const branches = rt.json as unknown[];
      const ok = branches.some((b, i) => this.compare(this.r.child(rt, b, String(i)), wt, path).length === 0);
      return ok ? [] : [change('MISSING_UNION_BRANCH', `no branch of the reader's union reads ${describe(wt)}`)];
    }
    if (PROMOTIONS[rt.kind]?.includes(wt.kind)) return [];
    return [change('TYPE_MISMATCH', `${describe(wt)} cannot be read as ${describe(rt)}`)];
  }

  /** Every branch of the writer's union must be readable. */
  private writerUnion(rt: T, wt: T, path: string, detail?: string): Change[] {
    return (wt.json as unknown[]).flatMap((b, i) => this.compare(rt, this.w.child(wt, b, String(i)), path, detail));
  }

  private records(rt: T, wt: T, path: string): Change[] {
    const key = `${rt.full ?? ''}|${wt.full ?? ''}|${rt.at.file}|${wt.at.file}`;
    if (this.visiting.has(key)) return [];
    this.visiting.add(key);
    try {
      const rFields = fields(rt);
      const wFields = fields(wt);
      const out: Change[] = [];
      rFields.forEach((rf, i) => {
        const names = [rf.name, ...(Array.isArray(rf.aliases) ? rf.aliases.map(String) : [])];
        const wi = names.map((n) => wFields.findIndex((f) => f.name === n)).find((x) => x >= 0) ?? -1;
        const name = String(rf.name);
        const rAt = sub(rt.at, `fields/${i}`);
        if (wi === -1) {
          if (!('default' in rf)) {
            out.push({
              type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              compatible: false,
              path: `${path}/fields/${name}`,
              original: sub(wt.at, 'fields'),
              update: sub(rAt, 'name'),
              detail: `field "${name}" has no default and is missing from the data`,
            });
          }
          return;
        }
        const wf = wFields[wi] as Json;
        out.push(
          ...this.compare(
            this.r.child(rt, rf.type, `fields/${i}/type`),
            this.w.child(wt, wf.type, `fields/${wi}/type`),
            `${path}/fields/${name}`,
            `field "${name}"`,
          ),
        );
      });
      return out;
    } finally {
      this.visiting.delete(key);
    }
  }
}

function fields(t: T): Json[] {
  const f = (t.json as Json).fields;
  return Array.isArray(f) ? (f as Json[]) : [];
}

/** Java's schemaNameEquals: the same unqualified name, or a reader alias naming the writer. */
function nameEquals(r: T, w: T): boolean {
  if (unqualified(r.full ?? '') === unqualified(w.full ?? '')) return true;
  const aliases = (r.json as Json).aliases;
  if (!Array.isArray(aliases)) return false;
  return aliases.map(String).some((a) => (a.includes('.') ? a : r.ns ? `${r.ns}.${a}` : a) === w.full);
}

function describe(t: T): string {
  return t.full ? `${t.kind} ${t.full}` : t.kind;
}
