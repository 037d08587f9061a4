// Which Avro schemas avsc certainly accepts, decided on the JSON without avsc. Building avsc's
// types for 10,000 schemas is most of a cold validation's schema checks, yet almost every schema
// is plain: records of primitives, unions with null, enums, arrays and maps, references by name.
// For those, this follows avsc's own steps (5.7: Type.forSchema with the checker's options) and
// says "accepted" without building anything. Anything else (an error, or a construct it does not
// follow: fixed, aliases, non-trivial defaults, …) is left to avsc, which then reports exactly
// what it reports today: this module never produces a finding of its own.

/** Names an Avro name's parts may take (avsc's utils.isValidName). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A full name: every part between its dots a NAME (avsc checks each part of a split). */
const FULL_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** avsc's primitive type names: a name whose last part is one of these means that primitive. */
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Thrown inside the walk: avsc must decide. */
const UNSURE = Symbol('unsure');

/**
 * avsc keeps names, branch names and enum symbols in plain objects, where a name such as
 * "constructor" or "toString" is found before it is added: avsc must decide those.
 */
const inherited = (name: string): boolean =>
  // No such name has a dot: most full names are told without the lookup, which is slow for them.
  !name.includes('.') && name in Object.prototype;

/**
 * The full names of the types `schema` defines when avsc would accept it with `known` (the names
 * its references define, transitively) in its registry; undefined when avsc must decide.
 */
export function avroAccepts(
  schema: unknown,
  known: ReadonlySet<string>,
): ReadonlySet<string> | undefined {
  const defined = new Set<string>();
  try {
    type_(schema, undefined, known, defined);
    return defined;
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

function unsure(): never {
  throw UNSURE;
}

/** What type_ returns for a primitive (and a union whose first branch is it), made once each. */
const PRIMITIVE_RESULTS = new Map(
  [...PRIMITIVES].map((p) => [p, { branch: p, primitive: p }] as const),
);
const UNION_RESULTS = new Map(
  [...PRIMITIVES].map((p) => [p, { branch: '\0union', primitive: p }] as const),
);
const UNION = { branch: '\0union' };
const ARRAY = { branch: 'array' };
const MAP = { branch: 'map' };

/** avsc's maybeQualify: primitives by their last part, other names qualified and checked. */
function qualify(name: string, namespace: string | undefined): string {
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (PRIMITIVES.has(last)) return last;
  let full = name;
  if (name.includes('.')) full = name.startsWith('.') ? name.slice(1) : name;
  else if (namespace) full = `${namespace}.${name}`;
  if (!FULL_NAME.test(full) || inherited(full)) unsure();
  return full;
}

/**
 * One type, as Type.forSchema makes it; returns its union branch name (avsc's branchName) and,
 * for a primitive, its name (for checking a default against it).
 */
function type_(
  schema: unknown,
  namespace: string | undefined,
  known: ReadonlySet<string>,
  defined: Set<string>,
): { branch: string; primitive?: string } {
  if (typeof schema === 'string') {
    const name = qualify(schema, namespace);
    const primitive = PRIMITIVE_RESULTS.get(name);
    if (primitive) return primitive;
    if (!defined.has(name) && !known.has(name)) unsure(); // avsc: undefined type name
    return { branch: name };
  }
  if (Array.isArray(schema)) return union(schema, namespace, known, defined);
  if (typeof schema !== 'object' || schema === null) return unsure();
  const o = schema as Record<string, unknown>;
  const kind = o.type;
  // The checker's typeHook hands every primitive written as an object its shared type.
  const primitive = typeof kind === 'string' ? PRIMITIVE_RESULTS.get(kind) : undefined;
  if (primitive) return primitive;
  switch (kind) {
    case 'record':
    case 'error':
      return record(o, namespace, known, defined);
    case 'enum':
      return enumType(o, namespace, known, defined);
    case 'array':
      if (!o.items) unsure();
      type_(o.items, namespace, known, defined);
      return ARRAY;
    case 'map':
      if (!o.values) unsure();
      type_(o.values, namespace, known, defined);
      return MAP;
    default:
      return unsure(); // fixed, an unknown type, a nested definition under "type", …
  }
}

function union(
  branches: readonly unknown[],
  namespace: string | undefined,
  known: ReadonlySet<string>,
  defined: Set<string>,
): { branch: string; primitive?: string } {
  if (branches.length === 0) unsure();
  const names = new Set<string>();
  let first: { branch: string; primitive?: string } | undefined;
  for (const b of branches) {
    if (Array.isArray(b)) unsure(); // unions cannot be directly nested
    const t = type_(b, namespace, known, defined);
    if (names.has(t.branch)) unsure(); // duplicate union branch name
    names.add(t.branch);
    first ??= t;
  }
  // A union has no branch name; a default is checked against its first branch (see field).
  return (first?.primitive && UNION_RESULTS.get(first.primitive)) || UNION;
}

/** Type()'s part for named types: the full name, registered (duplicates left to avsc). */
function define(
  o: Record<string, unknown>,
  namespace: string | undefined,
  known: ReadonlySet<string>,
  defined: Set<string>,
): string {
  if (typeof o.name !== 'string') unsure(); // noAnonymousTypes, or a name that is not a string
  if (o.aliases !== undefined) unsure();
  const last = o.name.slice(o.name.lastIndexOf('.') + 1);
  if (PRIMITIVES.has(last)) unsure(); // cannot rename primitive type
  const full = qualify(o.name, namespace);
  if (defined.has(full) || known.has(full)) unsure(); // duplicate type name
  defined.add(full);
  return full;
}

function record(
  o: Record<string, unknown>,
  outer: string | undefined,
  known: ReadonlySet<string>,
  defined: Set<string>,
): { branch: string } {
  if (o.namespace !== undefined && typeof o.namespace !== 'string') unsure();
  // RecordType: its namespace, else the one its full name implies, else the enclosing one.
  let namespace = outer;
  if (typeof o.namespace === 'string') namespace = o.namespace;
  else if (typeof o.name === 'string') namespace = /^(.*)\.[^.]+$/.exec(o.name)?.[1] ?? outer;
  const full = define(o, namespace, known, defined);
  if (!Array.isArray(o.fields)) unsure();
  const names = new Set<string>();
  for (const f of o.fields as unknown[]) {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) unsure();
    const field = f as Record<string, unknown>;
    if (typeof field.name !== 'string' || !NAME.test(field.name)) unsure();
    if (names.has(field.name)) unsure(); // duplicate field name
    names.add(field.name);
  }
  for (const f of o.fields as Record<string, unknown>[]) {
    const t = type_(f.type, namespace, known, defined);
    const order = f.order;
    if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore')
      unsure();
    if (f.default !== undefined && !defaultFits(f.default, t.primitive)) unsure();
  }
  return { branch: full };
}

function enumType(
  o: Record<string, unknown>,
  outer: string | undefined,
  known: ReadonlySet<string>,
  defined: Set<string>,
): { branch: string } {
  if (o.namespace !== undefined && typeof o.namespace !== 'string') unsure();
  const namespace = typeof o.namespace === 'string' ? o.namespace : outer;
  const full = define(o, namespace, known, defined);
  const symbols = o.symbols;
  if (!Array.isArray(symbols) || symbols.length === 0) unsure();
  const seen = new Set<string>();
  for (const s of symbols as unknown[]) {
    if (typeof s !== 'string' || !NAME.test(s) || inherited(s) || seen.has(s)) unsure();
    seen.add(s);
  }
  if (o.default !== undefined && !(typeof o.default === 'string' && seen.has(o.default))) unsure();
  return { branch: full };
}

/**
 * Whether a field default passes avsc's copy of it into a primitive type (the field's own, or a
 * union's first branch); a default of any other type is left to avsc. `bytes` defaults are
 * strings avsc decodes, left to it too.
 */
function defaultFits(value: unknown, primitive: string | undefined): boolean {
  switch (primitive) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && value === (value | 0);
    case 'long':
      return (
        typeof value === 'number' &&
        value % 1 === 0 &&
        value >= -9007199254740990 &&
        value <= 9007199254740990
      );
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    default:
      return false;
  }
}
