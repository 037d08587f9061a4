// Protobuf compatibility as Confluent Schema Registry decides it: the change types of
// io.confluent.kafka.schemaregistry.protobuf.diff (messages matched by name, fields by number,
// oneofs by name; scalar kinds in wire-compatible groups; enums read as numbers; messages of
// imported files followed). buf's breaking rules (WIRE/WIRE_JSON) differ: buf refuses a removed
// field unless reserved and accepts removed messages, Confluent the other way round.
//
// compareProto(original, update): BACKWARD compares (previous, new), FORWARD (new, previous).
import * as protobuf from 'protobufjs';
import type { SchemaFile } from '../../model';
import { closureOf } from './closure';
import type { Change, Location } from './types';

type Files = ReadonlyMap<string, SchemaFile>;

/** Confluent's change types for Protobuf, and whether its checker accepts them. */
export const PROTO_CHANGES = {
  PACKAGE_CHANGED: true,
  MESSAGE_ADDED: true,
  MESSAGE_REMOVED: false,
  MESSAGE_MOVED: true,
  ENUM_ADDED: true,
  ENUM_REMOVED: true,
  ENUM_CONST_ADDED: true,
  ENUM_CONST_CHANGED: true,
  ENUM_CONST_REMOVED: true,
  FIELD_ADDED: true,
  FIELD_REMOVED: true,
  FIELD_NAME_CHANGED: true,
  FIELD_KIND_CHANGED: false,
  FIELD_SCALAR_KIND_CHANGED: false,
  FIELD_NAMED_TYPE_CHANGED: false,
  FIELD_NUMERIC_LABEL_CHANGED: false,
  FIELD_STRING_OR_BYTES_LABEL_CHANGED: true,
  REQUIRED_FIELD_ADDED: false,
  REQUIRED_FIELD_REMOVED: false,
  ONEOF_ADDED: true,
  ONEOF_REMOVED: true,
  ONEOF_FIELD_ADDED: true,
  ONEOF_FIELD_REMOVED: false,
  MULTIPLE_FIELDS_MOVED_TO_ONEOF: false,
  FIELD_MOVED_TO_EXISTING_ONEOF: false,
} as const;

export type ProtoChange = keyof typeof PROTO_CHANGES;

/** Wire-compatible scalar groups (Confluent's ScalarKind); an enum reads as GENERAL_NUMBER. */
const SCALAR_KIND: Record<string, string> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

const SELF = '\0self';

/** One version of a .proto file with everything it imports, parsed and resolved. */
class Side {
  readonly root = new protobuf.Root();
  readonly proto3: Map<string, boolean> = new Map();
  readonly pkg: string;
  private readonly texts = new Map<string, string>();

  constructor(
    readonly file: SchemaFile,
    files: Files,
  ) {
    for (const [name, json] of Object.entries(protobuf.common)) {
      if (typeof json === 'object' && json && 'nested' in json && name.startsWith('google/')) {
        this.root.addJSON((json as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
      }
    }
    mark(this.root, '\0google');
    // Imported files first, each once, as protoc reads them.
    for (const path of closureOf(file, files)) {
      const f = path === file.path ? file : files.get(path);
      if (!f) continue;
      const label = path === file.path ? SELF : path;
      protobuf.parse(f.text, this.root, { keepCase: true, alternateCommentMode: true });
      mark(this.root, label);
      this.proto3.set(label, /\bsyntax\s*=\s*["']proto3["']/.test(f.text));
      this.texts.set(label, f.text);
    }
    this.root.resolveAll();
    this.pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(stripComments(file.text))?.[1] ?? '';
  }

  /** The file's own top-level messages and enums. */
  topLevel(): (protobuf.Type | protobuf.Enum)[] {
    const out: (protobuf.Type | protobuf.Enum)[] = [];
    const walk = (ns: protobuf.NamespaceBase): void => {
      for (const n of ns.nestedArray) {
        if (n instanceof protobuf.Type || n instanceof protobuf.Enum) {
          if (n.filename === SELF) out.push(n);
        } else if (n instanceof protobuf.Namespace) walk(n);
      }
    };
    walk(this.root);
    return out;
  }

  /** Where a message (and one of its fields or oneofs) is written, found in the file's text. */
  locate(type: protobuf.ReflectionObject, member?: { kind: 'field'; name: string; id: number } | { kind: 'oneof'; name: string }): Location | undefined {
    const label = type.filename ?? SELF;
    const text = this.texts.get(label);
    if (text === undefined) return undefined;
    const file = label === SELF ? this.file.path : label;
    const chain: protobuf.ReflectionObject[] = [];
    for (let t: protobuf.ReflectionObject | null = type; t && (t instanceof protobuf.Type || t instanceof protobuf.Enum); t = t.parent) chain.unshift(t);
    let at = 0;
    for (const t of chain) {
      const re = new RegExp(`\\b(message|enum)\\s+${t.name}\\b`, 'g');
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) break;
      at = m.index;
    }
    if (member) {
      const re =
        member.kind === 'field'
          ? new RegExp(`\\b${member.name}\\s*=\\s*${member.id}\\b`, 'g')
          : new RegExp(`\\boneof\\s+${member.name}\\b`, 'g');
      re.lastIndex = at;
      const m = re.exec(text);
      if (m) at = m.index;
    }
    return { file, offset: at };
  }

  label(field: protobuf.Field): 'REPEATED' | 'REQUIRED' | 'OPTIONAL' | undefined {
    const rule = (field as unknown as { rule?: string }).rule;
    if (field.repeated || rule === 'repeated') return 'REPEATED';
    if (rule === 'required') return 'REQUIRED';
    const options = field.options as Record<string, unknown> | undefined;
    if (options?.proto3_optional === true) return 'OPTIONAL';
    return this.proto3.get(field.filename ?? field.parent?.filename ?? SELF) === false ? 'OPTIONAL' : undefined;
  }
}

function mark(root: protobuf.Root, label: string): void {
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const n of ns.nestedArray) {
      if (!n.filename) n.filename = label;
      if (n instanceof protobuf.Type) for (const f of n.fieldsArray) f.filename ??= label;
      if (n instanceof protobuf.Namespace || n instanceof protobuf.Type) walk(n);
    }
  };
  walk(root);
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

class Ctx {
  readonly changes: Change[] = [];
  private readonly schemas: Set<protobuf.Type>;

  constructor(
    readonly o: Side,
    readonly u: Side,
    private readonly path: string[] = [],
    schemas: Set<protobuf.Type> = new Set(),
  ) {
    this.schemas = new Set(schemas);
  }

  sub(): Ctx {
    return new Ctx(this.o, this.u, [...this.path], this.schemas);
  }

  at<T>(segment: string, f: () => T): T {
    this.path.push(segment);
    try {
      return f();
    } finally {
      this.path.pop();
    }
  }

  enter(t: protobuf.Type): boolean {
    if (this.schemas.has(t)) return false;
    this.schemas.add(t);
    return true;
  }

  leave(t: protobuf.Type): void {
    this.schemas.delete(t);
  }

  add(type: ProtoChange, original: Location | undefined, update: Location | undefined, detail?: string): void {
    this.changes.push({
      type,
      compatible: PROTO_CHANGES[type],
      path: `#/${this.path.join('/')}`,
      original,
      update,
      ...(detail !== undefined && { detail }),
    });
  }

  compatible(): boolean {
    return this.changes.every((c) => c.compatible);
  }
}

/** Every change from `original` to `update`, each with Confluent's verdict. */
export function protoChanges(original: SchemaFile, originalFiles: Files, update: SchemaFile, updateFiles: Files): Change[] {
  const o = new Side(original, originalFiles);
  const u = new Side(update, updateFiles);
  const ctx = new Ctx(o, u);
  if (o.pkg !== u.pkg) ctx.add('PACKAGE_CHANGED', { file: original.path, offset: 0 }, { file: update.path, offset: 0 });
  compareTypes(ctx, o.topLevel(), u.topLevel());
  return ctx.changes;
}

function compareTypes(ctx: Ctx, original: readonly protobuf.ReflectionObject[], update: readonly protobuf.ReflectionObject[]): void {
  const index = (list: readonly protobuf.ReflectionObject[]) => {
    const messages = new Map<string, [protobuf.Type, number]>();
    const enums = new Map<string, protobuf.Enum>();
    let i = 0;
    for (const t of list) {
      if (t instanceof protobuf.Type) messages.set(t.name, [t, i++]);
      else if (t instanceof protobuf.Enum) enums.set(t.name, t);
    }
    return { messages, enums };
  };
  const o = index(original);
  const u = index(update);
  for (const name of new Set([...o.messages.keys(), ...u.messages.keys()])) {
    ctx.at(name, () => {
      const om = o.messages.get(name);
      const um = u.messages.get(name);
      if (!um && om) ctx.add('MESSAGE_REMOVED', ctx.o.locate(om[0]), om[0].parent ? ctx.u.locate(parentOf(ctx.u, om[0])) : undefined, `message ${name}`);
      else if (!om && um) ctx.add('MESSAGE_ADDED', undefined, ctx.u.locate(um[0]));
      else if (om && um) {
        compareMessage(ctx, om[0], um[0]);
        if (om[1] !== um[1]) ctx.add('MESSAGE_MOVED', ctx.o.locate(om[0]), ctx.u.locate(um[0]));
      }
    });
  }
  for (const name of new Set([...o.enums.keys(), ...u.enums.keys()])) {
    ctx.at(name, () => {
      const oe = o.enums.get(name);
      const ue = u.enums.get(name);
      if (!ue) ctx.add('ENUM_REMOVED', oe && ctx.o.locate(oe), undefined);
      else if (!oe) ctx.add('ENUM_ADDED', undefined, ctx.u.locate(ue));
      else compareEnum(ctx, oe, ue);
    });
  }
}

/** The message in `side` that stands where `t`'s parent stood (for pointing at a removal). */
function parentOf(side: Side, t: protobuf.ReflectionObject): protobuf.ReflectionObject {
  const parent = t.parent;
  if (parent instanceof protobuf.Type) {
    const there = side.root.lookup(parent.fullName);
    if (there instanceof protobuf.Type) return there;
  }
  return side.topLevel()[0] ?? side.root;
}

function compareEnum(ctx: Ctx, o: protobuf.Enum, u: protobuf.Enum): void {
  // Every enum change is compatible in Confluent's checker; reported for completeness.
  for (const [name, value] of Object.entries(o.values)) {
    if (!(name in u.values)) ctx.at(name, () => ctx.add('ENUM_CONST_REMOVED', ctx.o.locate(o), ctx.u.locate(u)));
    else if (u.values[name] !== value) ctx.at(name, () => ctx.add('ENUM_CONST_CHANGED', ctx.o.locate(o), ctx.u.locate(u)));
  }
  for (const name of Object.keys(u.values)) {
    if (!(name in o.values)) ctx.at(name, () => ctx.add('ENUM_CONST_ADDED', ctx.o.locate(o), ctx.u.locate(u)));
  }
}

/** Real oneofs (proto3 `optional` makes a synthetic one per field, which Confluent does not see). */
function oneofs(t: protobuf.Type): protobuf.OneOf[] {
  return t.oneofsArray.filter((o) => !o.fieldsArray.every((f) => (f.options as Record<string, unknown> | undefined)?.proto3_optional === true));
}

function compareMessage(ctx: Ctx, o: protobuf.Type, u: protobuf.Type): void {
  if (ctx.enter(o)) {
    try {
      compareFields(ctx, o, u);
    } finally {
      ctx.leave(o);
    }
  }
  const nested = (t: protobuf.Type): protobuf.ReflectionObject[] => t.nestedArray.filter((n) => n instanceof protobuf.Type || n instanceof protobuf.Enum);
  compareTypes(ctx, nested(o), nested(u));
}

function compareFields(ctx: Ctx, o: protobuf.Type, u: protobuf.Type): void {
  const inOneof = (t: protobuf.Type): Set<protobuf.Field> => new Set(oneofs(t).flatMap((x) => x.fieldsArray));
  const oInOneof = inOneof(o);
  const uInOneof = inOneof(u);
  const oByTag = new Map(o.fieldsArray.filter((f) => !oInOneof.has(f)).map((f) => [f.id, f]));
  const uByTag = new Map(u.fieldsArray.filter((f) => !uInOneof.has(f)).map((f) => [f.id, f]));
  const oOneofTags = new Set([...oInOneof].map((f) => f.id));
  const fieldAt = (side: Side, t: protobuf.Type, f: protobuf.Field): Location | undefined => side.locate(t, { kind: 'field', name: f.name, id: f.id });
  const oneofAt = (side: Side, t: protobuf.Type, x: protobuf.OneOf): Location | undefined => side.locate(t, { kind: 'oneof', name: x.name });
  for (const x of oneofs(u)) {
    ctx.at(x.name, () => {
      let moved = 0;
      let existing = 0;
      for (const f of x.fieldsArray) {
        if (oByTag.delete(f.id)) moved++;
        else if (oOneofTags.has(f.id)) existing++;
      }
      if (moved > 1) ctx.add('MULTIPLE_FIELDS_MOVED_TO_ONEOF', ctx.o.locate(o), oneofAt(ctx.u, u, x), `oneof ${x.name}`);
      else if (moved === 1 && existing > 0) ctx.add('FIELD_MOVED_TO_EXISTING_ONEOF', ctx.o.locate(o), oneofAt(ctx.u, u, x), `oneof ${x.name}`);
    });
  }
  const oOneofs = new Map(oneofs(o).map((x) => [x.name, x]));
  const uOneofs = new Map(oneofs(u).map((x) => [x.name, x]));
  for (const name of new Set([...oOneofs.keys(), ...uOneofs.keys()])) {
    ctx.at(name, () => {
      const ox = oOneofs.get(name);
      const ux = uOneofs.get(name);
      if (!ux && ox) ctx.add('ONEOF_REMOVED', oneofAt(ctx.o, o, ox), ctx.u.locate(u));
      else if (!ox && ux) ctx.add('ONEOF_ADDED', ctx.o.locate(o), oneofAt(ctx.u, u, ux));
      else if (ox && ux) {
        const of = new Map(ox.fieldsArray.map((f) => [f.id, f]));
        const uf = new Map(ux.fieldsArray.map((f) => [f.id, f]));
        for (const tag of new Set([...of.keys(), ...uf.keys()])) {
          ctx.at(String(tag), () => {
            const a = of.get(tag);
            const b = uf.get(tag);
            if (!b && a) ctx.add('ONEOF_FIELD_REMOVED', fieldAt(ctx.o, o, a), oneofAt(ctx.u, u, ux), `field ${a.name} = ${tag}`);
            else if (!a && b) ctx.add('ONEOF_FIELD_ADDED', ctx.o.locate(o), fieldAt(ctx.u, u, b));
            else if (a && b) compareField(ctx, o, u, a, b);
          });
        }
      }
    });
  }
  for (const tag of new Set([...oByTag.keys(), ...uByTag.keys()])) {
    ctx.at(String(tag), () => {
      const a = oByTag.get(tag);
      const b = uByTag.get(tag);
      if (!b && a) {
        const required = ctx.o.label(a) === 'REQUIRED';
        ctx.add(required ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED', fieldAt(ctx.o, o, a), ctx.u.locate(u), `field ${a.name} = ${tag}`);
      } else if (!a && b) {
        const required = ctx.u.label(b) === 'REQUIRED';
        ctx.add(required ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED', ctx.o.locate(o), fieldAt(ctx.u, u, b), `field ${b.name} = ${tag}`);
      } else if (a && b) compareField(ctx, o, u, a, b);
    });
  }
}

type Kind = 'SCALAR' | 'MESSAGE' | 'MAP';

interface TypeRef {
  /** Scalar name ("int32"), or the resolved message/enum. */
  readonly scalar?: string;
  readonly resolved?: protobuf.Type | protobuf.Enum;
  readonly map?: { key: TypeRef; value: TypeRef };
}

function typeOf(f: protobuf.Field): TypeRef {
  if (f instanceof protobuf.MapField) {
    return { map: { key: { scalar: f.keyType }, value: valueOf(f) } };
  }
  return valueOf(f);
}

function valueOf(f: protobuf.Field): TypeRef {
  const r = f.resolvedType;
  if (r instanceof protobuf.Type || r instanceof protobuf.Enum) return { resolved: r };
  return { scalar: f.type };
}

function kind(t: TypeRef): Kind {
  if (t.map) return 'MAP';
  if (t.scalar !== undefined || t.resolved instanceof protobuf.Enum) return 'SCALAR';
  return 'MESSAGE';
}

function compareField(ctx: Ctx, ot: protobuf.Type, ut: protobuf.Type, a: protobuf.Field, b: protobuf.Field): void {
  const oAt = ctx.o.locate(ot, { kind: 'field', name: a.name, id: a.id });
  const uAt = ctx.u.locate(ut, { kind: 'field', name: b.name, id: b.id });
  if (a.name !== b.name) ctx.add('FIELD_NAME_CHANGED', oAt, uAt);
  labelsAndTypes(ctx, ctx.o.label(a), ctx.u.label(b), typeOf(a), typeOf(b), oAt, uAt, `field ${b.name} = ${b.id}`);
}

function labelsAndTypes(
  ctx: Ctx,
  ol: string | undefined,
  ul: string | undefined,
  ot: TypeRef,
  ut: TypeRef,
  oAt: Location | undefined,
  uAt: Location | undefined,
  what: string,
): void {
  const ok = kind(ot);
  const uk = kind(ut);
  if (ok !== uk) return ctx.add('FIELD_KIND_CHANGED', oAt, uAt, `${what}: ${ok.toLowerCase()} → ${uk.toLowerCase()}`);
  if (ok === 'SCALAR') {
    const sk = (t: TypeRef): string => (t.resolved ? 'GENERAL_NUMBER' : SCALAR_KIND[t.scalar ?? ''] ?? 'ANY');
    const os = sk(ot);
    const us = sk(ut);
    if (os !== us) return ctx.add('FIELD_SCALAR_KIND_CHANGED', oAt, uAt, `${what}: ${name(ot)} → ${name(ut)}`);
    if (ol !== undefined && ul !== undefined && ol !== ul) {
      if (os === 'STRING_OR_BYTES') ctx.add('FIELD_STRING_OR_BYTES_LABEL_CHANGED', oAt, uAt, what);
      else if (os !== 'ANY') ctx.add('FIELD_NUMERIC_LABEL_CHANGED', oAt, uAt, `${what}: ${ol.toLowerCase()} → ${ul.toLowerCase()}`);
    }
    return;
  }
  if (ok === 'MAP') {
    labelsAndTypes(ctx, undefined, undefined, ot.map?.key ?? {}, ut.map?.key ?? {}, oAt, uAt, `${what} (map key)`);
    labelsAndTypes(ctx, undefined, undefined, ot.map?.value ?? {}, ut.map?.value ?? {}, oAt, uAt, `${what} (map value)`);
    return;
  }
  const om = ot.resolved as protobuf.Type;
  const um = ut.resolved as protobuf.Type;
  if (localName(om) !== localName(um)) return ctx.add('FIELD_NAMED_TYPE_CHANGED', oAt, uAt, `${what}: ${localName(om)} → ${localName(um)}`);
  // The file's own messages are compared by name at the top; imported ones are followed here.
  if (om.filename === SELF && um.filename === SELF) return;
  const sub = ctx.sub();
  compareMessage(sub, om, um);
  ctx.changes.push(...sub.changes);
  if (!sub.compatible()) ctx.add('FIELD_NAMED_TYPE_CHANGED', oAt, uAt, `${what}: ${localName(um)} changed incompatibly`);
}

function name(t: TypeRef): string {
  return t.scalar ?? (t.resolved ? localName(t.resolved) : '?');
}

/** A type's name within its package: "Outer.Inner". */
function localName(t: protobuf.ReflectionObject): string {
  const parts: string[] = [];
  for (let n: protobuf.ReflectionObject | null = t; n && (n instanceof protobuf.Type || n instanceof protobuf.Enum); n = n.parent) parts.unshift(n.name);
  return parts.join('.');
}
