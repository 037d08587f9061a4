// avsc types for schema files that reference other files: each file's named types are parsed
// once and handed to the files that reference them through avsc's registry.
import type * as avro from 'avsc';
import { avroAccepts } from './avro-accepts';
import { checkOnly, lib } from './libraries';
import { AVRO_PRIMITIVES } from './parse';

export interface AvroSource {
  readonly json: unknown;
  readonly references: readonly { readonly file: string }[];
}

export type AvroLookup = (path: string) => AvroSource | undefined;

/**
 * Named types a file defines plus everything it references (cached per file). With `keep`,
 * only the files it names are cached (those other files reference): the types of the others are
 * garbage as soon as they are checked, instead of living, and being copied by the garbage
 * collector, until every schema is checked.
 */
export function avroRegistry(
  path: string,
  lookup: AvroLookup,
  cache: Map<string, Record<string, avro.Type>>,
  keep?: ReadonlySet<string>,
): Record<string, avro.Type> {
  const cached = cache.get(path);
  if (cached) return cached;
  const source = lookup(path);
  const registry = referencedTypes(source, lookup, cache);
  if (source)
    checkOnly(() =>
      lib.avro.Type.forSchema(source.json as avro.Schema, {
        registry,
        typeHook: sharedPrimitive,
        // The Avro specification requires names on records, enums and fixed types.
        noAnonymousTypes: true,
      }),
    );
  if (!keep || keep.has(path)) cache.set(path, registry);
  return registry;
}

/**
 * Checks Avro files as avsc would make their types (avroRegistry), but without avsc for a file
 * that avro-accepts.ts can tell avsc accepts: only the others are made with avsc, which throws
 * for them what it always did. The files `keep` names (those others reference) keep their
 * registry's names (or types) for the files checked after them.
 */
export class AvroChecker {
  private readonly cache = new Map<string, Record<string, avro.Type>>();
  private readonly names = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly lookup: AvroLookup,
    private readonly keep: ReadonlySet<string>,
  ) {}

  /** Throws avsc's error when the file is not valid Avro. */
  check(path: string): void {
    this.registryNames(path);
  }

  /** The names in the file's avsc registry: those it defines and those of its references. */
  private registryNames(path: string): ReadonlySet<string> {
    const known = this.names.get(path);
    if (known) return known;
    const cached = this.cache.get(path);
    if (cached) return new Set(Object.keys(cached));
    const source = this.lookup(path);
    const names = new Set<string>();
    for (const ref of source?.references ?? [])
      for (const name of this.registryNames(ref.file)) names.add(name);
    const defined = source ? avroAccepts(source.json, names) : names;
    if (!defined) return new Set(Object.keys(avroRegistry(path, this.lookup, this.cache, this.keep)));
    for (const name of defined) names.add(name);
    if (this.keep.has(path)) this.names.set(path, names);
    return names;
  }
}

/** The top-level type of a file, with its references resolved. */
export function avroType(path: string, lookup: AvroLookup, cache = new Map<string, Record<string, avro.Type>>()): avro.Type {
  const source = lookup(path);
  if (!source) throw new Error(`no schema ${path}`);
  return lib.avro.Type.forSchema(source.json as avro.Schema, { registry: referencedTypes(source, lookup, cache) });
}

function referencedTypes(
  source: AvroSource | undefined,
  lookup: AvroLookup,
  cache: Map<string, Record<string, avro.Type>>,
): Record<string, avro.Type> {
  const registry: Record<string, avro.Type> = {};
  for (const ref of source?.references ?? []) Object.assign(registry, avroRegistry(ref.file, lookup, cache));
  return registry;
}

const primitives = new Map<string, avro.Type>();

/**
 * Primitive types carry no state (avsc freezes them, and ignores any other attribute of a
 * primitive such as an unregistered logicalType), yet avsc makes a new one, with generated
 * code, at each use in each file. One instance per primitive, shared by every check, keeps
 * that cost from growing with the number of schemas.
 */
function sharedPrimitive(schema: avro.Schema): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const name = (schema as { type?: unknown }).type;
  if (typeof name !== 'string' || !AVRO_PRIMITIVES.has(name)) return undefined;
  let type = primitives.get(name);
  if (!type) {
    type = lib.avro.Type.forSchema(name as avro.Schema);
    primitives.set(name, type);
  }
  return type;
}
