// avsc types for schema files that reference other files: each file's named types are parsed
// once and handed to the files that reference them through avsc's registry.
import type * as avro from 'avsc';
import { lib } from './libraries';
import { AVRO_PRIMITIVES } from './parse';

export interface AvroSource {
  readonly json: unknown;
  readonly references: readonly { readonly file: string }[];
}

export type AvroLookup = (path: string) => AvroSource | undefined;

/** Named types a file defines plus everything it references (cached per file). */
export function avroRegistry(path: string, lookup: AvroLookup, cache: Map<string, Record<string, avro.Type>>): Record<string, avro.Type> {
  const cached = cache.get(path);
  if (cached) return cached;
  const source = lookup(path);
  const registry = referencedTypes(source, lookup, cache);
  if (source)
    lib.avro.Type.forSchema(source.json as avro.Schema, {
      registry,
      typeHook: sharedPrimitive,
      // The Avro specification requires names on records, enums and fixed types.
      noAnonymousTypes: true,
    });
  cache.set(path, registry);
  return registry;
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
