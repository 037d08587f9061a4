// JSON Schema files to the checker's documents: a $ref's file part ("money.json") is found
// among the files the schema references, by the name it uses or by its path next to the schema.
import { posix } from 'node:path';
import type { SchemaFile } from '../../model';
import { compareJson } from './json';
import type { JsonDoc, JsonRefResolver } from './json';
import type { Change } from './types';

type Files = ReadonlyMap<string, SchemaFile>;

export function jsonChanges(writer: SchemaFile, writerFiles: Files, reader: SchemaFile, readerFiles: Files): Change[] {
  return compareJson(doc(writer), resolver(writer, writerFiles), doc(reader), resolver(reader, readerFiles));
}

function doc(f: SchemaFile): JsonDoc {
  return { file: f.path, json: JSON.parse(f.text) as unknown };
}

function resolver(root: SchemaFile, files: Files): JsonRefResolver {
  const docs = new Map<string, JsonDoc>();
  return (from, name) => {
    const source = from === root.path ? root : files.get(from);
    const ref = source?.references.find((r) => r.name === name);
    const path = ref?.file ?? posix.join(posix.dirname(from), name);
    const known = docs.get(path);
    if (known) return known;
    const f = path === root.path ? root : files.get(path);
    if (!f) return undefined;
    const d = doc(f);
    docs.set(path, d);
    return d;
  };
}
