// Is a schema change safe under the subject's compatibility level? Avro uses avsc's own
// resolver (the real reader/writer rules); JSON Schema and Protobuf apply the core additive and
// removal rules of Confluent's checkers. Only the previous version (from git) is compared, so
// *_TRANSITIVE levels are checked against that one version.
import * as protobuf from 'protobufjs';
import type { Compatibility } from '../format/common';
import type { SchemaFile } from '../model';
import { avroType } from './avro';

type Files = ReadonlyMap<string, SchemaFile>;

/** Why `after` (in `afterFiles`) breaks `level` against `before`; empty when it does not. */
export function incompatibilities(
  level: Compatibility,
  before: SchemaFile,
  beforeFiles: Files,
  after: SchemaFile,
  afterFiles: Files,
): string[] {
  if (level === 'NONE' || before.text === after.text) return [];
  if (before.format !== after.format) return [`the format changed from ${before.format} to ${after.format}`];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  // BACKWARD: readers using the new schema must read data written with the old one.
  if (backward) problems.push(...readable(after, afterFiles, before, beforeFiles).map((p) => `backward: ${p}`));
  // FORWARD: readers still on the old schema must read data written with the new one.
  if (forward) problems.push(...readable(before, beforeFiles, after, afterFiles).map((p) => `forward: ${p}`));
  return problems;
}

/** Problems a reader with `reader` meets on data written with `writer`. */
function readable(reader: SchemaFile, readerFiles: Files, writer: SchemaFile, writerFiles: Files): string[] {
  try {
    if (reader.format === 'AVRO') return avroReadable(reader, readerFiles, writer, writerFiles);
    if (reader.format === 'JSON') return jsonNarrowing(JSON.parse(writer.text), JSON.parse(reader.text), '');
    return protoReadable(reader, readerFiles, writer, writerFiles);
  } catch (e) {
    return [(e as Error).message];
  }
}

function lookup(files: Files) {
  return (path: string) => {
    const f = files.get(path);
    return f && { json: JSON.parse(f.text) as unknown, references: f.references };
  };
}

function avroReadable(reader: SchemaFile, readerFiles: Files, writer: SchemaFile, writerFiles: Files): string[] {
  const r = avroType(reader.path, lookup(readerFiles));
  const w = avroType(writer.path, lookup(writerFiles));
  try {
    r.createResolver(w);
    return [];
  } catch (e) {
    return [(e as Error).message.split('\n')[0] as string];
  }
}

type Json = Record<string, unknown>;

/** Reasons some document valid under `wider` is invalid under `narrower`. */
export function jsonNarrowing(wider: unknown, narrower: unknown, at: string): string[] {
  if (!isObject(wider) || !isObject(narrower)) return [];
  const where = at || 'the root';
  const out: string[] = [];
  const types = (s: Json): Set<string> => new Set(([] as unknown[]).concat(s.type ?? []).map(String));
  const wt = types(wider);
  const nt = types(narrower);
  if (nt.size > 0) {
    for (const t of wt.size > 0 ? wt : ['any']) {
      if (!nt.has(t) && !(t === 'integer' && nt.has('number'))) out.push(`${where} no longer accepts type "${t}"`);
    }
  }
  if (Array.isArray(wider.enum) && Array.isArray(narrower.enum)) {
    const kept = new Set(narrower.enum.map((v) => JSON.stringify(v)));
    for (const v of wider.enum) if (!kept.has(JSON.stringify(v))) out.push(`${where} no longer accepts ${JSON.stringify(v)}`);
  } else if (!Array.isArray(wider.enum) && Array.isArray(narrower.enum)) out.push(`${where} now restricts values to an enum`);
  if (typeof wider.$ref === 'string' && narrower.$ref !== wider.$ref && typeof narrower.$ref === 'string') {
    out.push(`${where} now refers to ${narrower.$ref} instead of ${wider.$ref}`);
  }
  const wp = (isObject(wider.properties) ? wider.properties : {}) as Json;
  const np = (isObject(narrower.properties) ? narrower.properties : {}) as Json;
  const wr = new Set(Array.isArray(wider.required) ? wider.required.map(String) : []);
  for (const r of Array.isArray(narrower.required) ? narrower.required.map(String) : []) {
    if (!wr.has(r)) out.push(`${at ? `${at}.` : ''}${r} became required`);
  }
  const closed = narrower.additionalProperties === false;
  for (const [name, schema] of Object.entries(wp)) {
    const path = at ? `${at}.${name}` : name;
    if (name in np) out.push(...jsonNarrowing(schema, np[name], path));
    else if (closed) out.push(`${path} was removed while additional properties are not allowed`);
  }
  if (closed && wider.additionalProperties !== false) out.push(`${where} no longer allows additional properties`);
  if (isObject(wider.items) && isObject(narrower.items)) out.push(...jsonNarrowing(wider.items, narrower.items, `${at}[]`));
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Wire-compatible scalar groups: a change inside a group keeps the encoding readable. */
const PROTO_GROUPS = [
  ['int32', 'uint32', 'int64', 'uint64', 'bool'],
  ['sint32', 'sint64'],
  ['fixed32', 'sfixed32'],
  ['fixed64', 'sfixed64'],
  ['string', 'bytes'],
];

function protoReadable(reader: SchemaFile, readerFiles: Files, writer: SchemaFile, writerFiles: Files): string[] {
  const r = protoTypes(reader, readerFiles);
  const w = protoTypes(writer, writerFiles);
  const out: string[] = [];
  const mine = (t: protobuf.Type): boolean => t.filename === undefined || t.filename === null || t.filename === 'self';
  for (const [name, wt] of w) {
    if (!mine(wt)) continue;
    const rt = r.get(name);
    if (!rt) {
      out.push(`message ${name} was removed`);
      continue;
    }
    for (const wf of wt.fieldsArray) {
      const rf = rt.fieldsById[wf.id];
      if (!rf) {
        if (wf.required) out.push(`required field ${name}.${wf.name} (${wf.id}) was removed`);
        continue;
      }
      const same = rf.type === wf.type || PROTO_GROUPS.some((g) => g.includes(rf.type) && g.includes(wf.type));
      if (!same) out.push(`field ${name}.${wf.name} (${wf.id}) changed type from ${wf.type} to ${rf.type}`);
      if (rf.repeated !== wf.repeated) out.push(`field ${name}.${wf.name} (${wf.id}) changed between repeated and singular`);
    }
    for (const rf of rt.fieldsArray) {
      if (rf.required && !wt.fieldsById[rf.id]) out.push(`required field ${name}.${rf.name} (${rf.id}) was added`);
    }
  }
  return out;
}

function protoTypes(file: SchemaFile, files: Files): Map<string, protobuf.Type> {
  const root = new protobuf.Root();
  const load = (f: SchemaFile, filename: string, seen: Set<string>): void => {
    if (seen.has(f.path)) return;
    seen.add(f.path);
    for (const ref of f.references) {
      const dep = files.get(ref.file);
      if (dep) load(dep, ref.file, seen);
    }
    const parsed = protobuf.parse(f.text, root, { keepCase: true, alternateCommentMode: true });
    void parsed;
    markFile(root, filename);
  };
  load(file, 'self', new Set());
  const out = new Map<string, protobuf.Type>();
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) out.set(nested.fullName.replace(/^\./, ''), nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) walk(nested);
    }
  };
  walk(root);
  return out;
}

/** Tags types parsed so far without a file with `filename`, to tell a file's own types apart. */
function markFile(root: protobuf.Root, filename: string): void {
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type && !nested.filename) nested.filename = filename;
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) walk(nested);
    }
  };
  walk(root);
}

const GUARANTEES: Record<Compatibility, readonly string[]> = {
  NONE: [],
  BACKWARD: ['backward'],
  BACKWARD_TRANSITIVE: ['backward', 'backward-transitive'],
  FORWARD: ['forward'],
  FORWARD_TRANSITIVE: ['forward', 'forward-transitive'],
  FULL: ['backward', 'forward'],
  FULL_TRANSITIVE: ['backward', 'forward', 'backward-transitive', 'forward-transitive'],
};

/** The guarantees `before` gave that `after` no longer gives (empty when not loosened). */
export function loosened(before: Compatibility, after: Compatibility): string[] {
  return GUARANTEES[before].filter((g) => !GUARANTEES[after].includes(g));
}
