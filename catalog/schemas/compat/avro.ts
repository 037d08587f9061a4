// Avro compatibility: avsc's reader/writer resolution decides, as Avro's own SchemaCompatibility
// does for Confluent; names are matched without their namespace (Java compares unqualified names,
// and a reader alias may name the writer's full name). When the resolution fails, the schemas are
// walked side by side to name the failing field or symbol with Avro's incompatibility types.
import * as avro from 'avsc';
import type { SchemaFile } from '../../model';
import { avroType } from '../avro';
import { closureOf } from './closure';
import type { Change, Location } from './types';

type Files = ReadonlyMap<string, SchemaFile>;
type Json = Record<string, unknown>;
type Union = avro.Type & { readonly types: avro.Type[] };

/** Fresh options per resolution: avsc keeps resolvers it made in `opts.registry`. */
const opts = (): Parameters<avro.Type['createResolver']>[1] =>
  ({ ignoreNamespaces: true }) as unknown as Parameters<avro.Type['createResolver']>[1];

export function avroChanges(writer: SchemaFile, writerFiles: Files, reader: SchemaFile, readerFiles: Files): Change[] {
  const w = avroType(writer.path, lookup(writer, writerFiles));
  const r = avroType(reader.path, lookup(reader, readerFiles));
  if (resolves(r, w)) return [];
  const walk = new Walk(definitions(writer, writerFiles), definitions(reader, readerFiles));
  const root = (f: SchemaFile): Location => ({ file: f.path, pointer: '' });
  const found = walk.compare(r, w, root(reader), root(writer), '');
  return found.length > 0
    ? found
    : [{ type: 'TYPE_MISMATCH', compatible: false, path: '/', original: root(writer), update: root(reader) }];
}

function resolves(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer, opts());
    return true;
  } catch {
    return false;
  }
}

function lookup(root: SchemaFile, files: Files) {
  return (path: string) => {
    const f = path === root.path ? root : files.get(path);
    return f && { json: JSON.parse(f.text) as unknown, references: f.references };
  };
}

/** Where each named type is defined: full name → file and JSON pointer. */
function definitions(root: SchemaFile, files: Files): Map<string, Location> {
  const out = new Map<string, Location>();
  for (const path of closureOf(root, files)) {
    const f = path === root.path ? root : files.get(path);
    if (!f) continue;
    const walk = (v: unknown, pointer: string, ns: string): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${pointer}/${i}`, ns));
      if (typeof v !== 'object' || v === null) return;
      const o = v as Json;
      let inner = ns;
      if (typeof o.name === 'string' && ['record', 'error', 'enum', 'fixed'].includes(String(o.type))) {
        const full = o.name.includes('.')
          ? o.name
          : typeof o.namespace === 'string'
            ? `${o.namespace}.${o.name}`
            : ns
              ? `${ns}.${o.name}`
              : o.name;
        out.set(full, { file: f.path, pointer });
        inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
      }
      if (Array.isArray(o.fields)) o.fields.forEach((fd, i) => walk((fd as Json)?.type, `${pointer}/fields/${i}/type`, inner));
      if (o.items !== undefined) walk(o.items, `${pointer}/items`, inner);
      if (o.values !== undefined) walk(o.values, `${pointer}/values`, inner);
      if (Array.isArray(o.type)) walk(o.type, `${pointer}/type`, inner);
      else if (typeof o.type === 'object') walk(o.type, `${pointer}/type`, inner);
    };
    try {
      walk(JSON.parse(f.text), '', '');
    } catch {
      // An unparsable file has no definitions to point at.
    }
  }
  return out;
}

const unqualified = (name: string | undefined): string => (name ?? '').slice((name ?? '').lastIndexOf('.') + 1);

class Walk {
  private readonly visiting = new Set<string>();

  constructor(
    private readonly writerDefs: Map<string, Location>,
    private readonly readerDefs: Map<string, Location>,
  ) {}

  /** The changes that keep `r` from reading `w`; `rAt`/`wAt` locate the enclosing field. */
  compare(r0: avro.Type, w0: avro.Type, rAt: Location, wAt: Location, path: string): Change[] {
    const r = logical(r0);
    const w = logical(w0);
    if (resolves(r, w)) return [];
    const change = (type: string, detail?: string, rl = rAt, wl = wAt): Change => ({
      type,
      compatible: false,
      path: path || '/',
      original: wl,
      update: rl,
      ...(detail !== undefined && { detail }),
    });
    const rn = r.typeName.startsWith('union') ? 'union' : r.typeName;
    const wn = w.typeName.startsWith('union') ? 'union' : w.typeName;
    if (wn === 'union') {
      const out: Change[] = [];
      for (const branch of (w as Union).types) {
        const ok = rn === 'union' ? (r as Union).types.some((b: avro.Type) => resolves(b, branch)) : resolves(r, branch);
        if (!ok) out.push(change(rn === 'union' ? 'MISSING_UNION_BRANCH' : 'TYPE_MISMATCH', `the writer's ${describeType(branch)} branch cannot be read`));
      }
      return out;
    }
    if (rn === 'union') {
      const branches = (r as Union).types;
      const same = branches.find((b: avro.Type) => b.typeName === wn && unqualified(b.name) === unqualified(w.name));
      if (same) return this.compare(same, w, rAt, wAt, path);
      return [change('MISSING_UNION_BRANCH', `no branch reads ${describeType(w)}`)];
    }
    if (rn !== wn) {
      return [change('TYPE_MISMATCH', `${describeType(w)} cannot be read as ${describeType(r)}`)];
    }
    const named = (t: avro.Type, defs: Map<string, Location>, at: Location): Location => (t.name ? defs.get(t.name) ?? at : at);
    const rl = named(r, this.readerDefs, rAt);
    const wl = named(w, this.writerDefs, wAt);
    if (r.name && w.name && unqualified(r.name) !== unqualified(w.name) && !(r.aliases ?? []).some((a) => unqualified(a) === unqualified(w.name))) {
      return [change('NAME_MISMATCH', `${w.name} cannot be read as ${r.name}`, sub(rl, 'name'), sub(wl, 'name'))];
    }
    switch (rn) {
      case 'record':
      case 'error':
        return this.records(r as avro.types.RecordType, w as avro.types.RecordType, rl, wl, path);
      case 'enum': {
        const symbols = new Set((r as avro.types.EnumType).symbols);
        const missing = (w as avro.types.EnumType).symbols.filter((s) => !symbols.has(s));
        return [change('MISSING_ENUM_SYMBOLS', `symbols ${missing.join(', ')} are missing`, sub(rl, 'symbols'), sub(wl, 'symbols'))];
      }
      case 'fixed':
        return [change('FIXED_SIZE_MISMATCH', undefined, sub(rl, 'size'), sub(wl, 'size'))];
      case 'array':
        return this.compare((r as avro.types.ArrayType).itemsType, (w as avro.types.ArrayType).itemsType, rAt, wAt, `${path}/items`);
      case 'map':
        return this.compare((r as avro.types.MapType).valuesType as avro.Type, (w as avro.types.MapType).valuesType as avro.Type, rAt, wAt, `${path}/values`);
      default:
        return [change('TYPE_MISMATCH', `${describeType(w)} cannot be read as ${describeType(r)}`)];
    }
  }

  private records(r: avro.types.RecordType, w: avro.types.RecordType, rl: Location, wl: Location, path: string): Change[] {
    const key = `${r.name ?? ''}:${w.name ?? ''}`;
    if (this.visiting.has(key)) return [];
    this.visiting.add(key);
    try {
      const out: Change[] = [];
      r.fields.forEach((rf, i) => {
        const names = new Set([rf.name, ...(rf.aliases ?? [])]);
        const wi = w.fields.findIndex((f) => names.has(f.name));
        const fieldPath = `${path}/fields/${rf.name}`;
        const rAt = sub(rl, `fields/${i}`);
        if (wi === -1) {
          if (rf.defaultValue() === undefined) {
            out.push({
              type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              compatible: false,
              path: fieldPath,
              original: sub(wl, 'fields'),
              update: sub(rAt, 'name'),
              detail: `field "${rf.name}" has no default and is missing from the data`,
            });
          }
          return;
        }
        const wf = w.fields[wi] as avro.types.Field;
        const wAt = sub(wl, `fields/${wi}`);
        const inner = this.compare(rf.type, wf.type, sub(rAt, 'type'), sub(wAt, 'type'), fieldPath);
        out.push(...inner.map((c) => ({ ...c, detail: c.detail ?? `field "${rf.name}"` })));
      });
      return out;
    } finally {
      this.visiting.delete(key);
    }
  }
}

function logical(t: avro.Type): avro.Type {
  return t instanceof avro.types.LogicalType ? t.underlyingType : t;
}

function sub(at: Location, path: string): Location {
  return at.pointer === undefined ? at : { ...at, pointer: `${at.pointer}/${path}` };
}

function describeType(t: avro.Type): string {
  return t.name ? `${t.typeName} ${t.name}` : t.typeName;
}
