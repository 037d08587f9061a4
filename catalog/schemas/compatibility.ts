// Is a schema change safe under the subject's compatibility level? The answer must be the one
// Confluent Schema Registry gives, so each format follows its checker (catalog/schemas/compat/):
// Avro the reader/writer resolution of Avro's SchemaCompatibility, JSON Schema and Protobuf the
// change types of Confluent's diff checkers. BACKWARD reads data of the earlier version with the
// new schema, FORWARD the other way round; *_TRANSITIVE levels check every earlier version.
import type { Compatibility } from '../format/common';
import type { SchemaFile } from '../model';
import type * as AvroCompat from './compat/avro';
import { sameClosure } from './compat/closure';
import { describe } from './compat/describe';
import type * as JsonCompat from './compat/json-files';
import type * as ProtoCompat from './compat/protobuf';
import type { Change, Location } from './compat/types';
import type { Position } from '../diagnostics';
import { jsonPointerOffset, lineCol } from './json-position';

export type SchemaFiles = ReadonlyMap<string, SchemaFile>;

/** An earlier version of a schema, with the files it referenced then. */
export interface EarlierVersion {
  /** How to name it in a finding, e.g. a commit ("a1b2c3d") or a registry version ("v3"). */
  readonly label: string;
  readonly schema: SchemaFile;
  readonly files: SchemaFiles;
}

export type Direction = 'backward' | 'forward';

export interface Incompatibility {
  readonly direction: Direction;
  /** The checker's change type, e.g. "REQUIRED_ATTRIBUTE_ADDED". */
  readonly change: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
  /** Where the change is in the new version: the schema file itself or a file it references. */
  readonly at?: { readonly file: string; readonly offset: number };
  /** The earlier version it breaks with, when that is not the previous one. */
  readonly version?: string;
}

/**
 * Why `after` breaks `level` against `before` (the previous version) and, for transitive levels,
 * against each of `older` (earlier versions, newest first; a function is called only when the
 * schema changed). Empty when it does not.
 */
export function incompatibilities(
  level: Compatibility,
  before: SchemaFile,
  beforeFiles: SchemaFiles,
  after: SchemaFile,
  afterFiles: SchemaFiles,
  older: readonly EarlierVersion[] | (() => readonly EarlierVersion[]) = [],
): Incompatibility[] {
  if (level === 'NONE' || sameClosure(before, beforeFiles, after, afterFiles)) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const versions: (EarlierVersion & { previous: boolean })[] = [
    { label: 'previous', schema: before, files: beforeFiles, previous: true },
    // Read only when needed: the history costs a git call per schema.
    ...(transitive ? (typeof older === 'function' ? older() : older).map((v) => ({ ...v, previous: false })) : []),
  ];
  const out: Incompatibility[] = [];
  const seen = new Set<string>();
  for (const v of versions) {
    if (!v.previous && seen.has(v.schema.text)) continue;
    seen.add(v.schema.text);
    for (const p of against(level, v.schema, v.files, after, afterFiles)) {
      out.push(v.previous ? p : { ...p, version: v.label });
    }
  }
  return out;
}

/** Incompatibilities of `after` with one earlier version. */
function against(
  level: Compatibility,
  before: SchemaFile,
  beforeFiles: SchemaFiles,
  after: SchemaFile,
  afterFiles: SchemaFiles,
): Incompatibility[] {
  if (before.format !== after.format) {
    return [
      {
        direction: 'backward',
        change: 'FORMAT_CHANGED',
        message: `the format changed from ${before.format} to ${after.format}`,
        hint: 'keep the format, or create a new topic version for the new format',
      },
    ];
  }
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const out: Incompatibility[] = [];
  // BACKWARD: readers using the new schema must read data written with the old one.
  if (backward) out.push(...found('backward', before, beforeFiles, after, afterFiles));
  // FORWARD: readers still on the old schema must read data written with the new one.
  if (forward) out.push(...found('forward', after, afterFiles, before, beforeFiles));
  return out;
}

function found(
  direction: Direction,
  writer: SchemaFile,
  writerFiles: SchemaFiles,
  reader: SchemaFile,
  readerFiles: SchemaFiles,
): Incompatibility[] {
  let changes: Change[];
  try {
    changes = changesOf(writer, writerFiles, reader, readerFiles).filter((c) => !c.compatible);
  } catch (e) {
    return [
      {
        direction,
        change: 'UNREADABLE',
        message: `the schemas could not be compared: ${(e as Error).message.split('\n')[0] ?? ''}`,
        hint: 'fix the schema so the registry can parse it',
      },
    ];
  }
  // The new version is the reader for BACKWARD and the writer for FORWARD.
  const newFiles = direction === 'backward' ? readerFiles : writerFiles;
  const newSchema = direction === 'backward' ? reader : writer;
  const unique = new Map<string, Incompatibility>();
  for (const c of changes) {
    const where = direction === 'backward' ? c.update : c.original;
    const d = describe(writer.format, c, direction);
    const at = offsetOf(where, newSchema, newFiles);
    const key = `${c.type} ${c.path}`;
    if (unique.has(key)) continue;
    unique.set(key, { direction, change: c.type, message: d.message, hint: d.hint, ...(at && { at }) });
  }
  return [...unique.values()];
}

/**
 * Changes from `writer` (the version data was written with) to `reader`. Each format's checker
 * loads on first use: a catalog without Protobuf never loads protobufjs.
 */
export function changesOf(
  writer: SchemaFile,
  writerFiles: SchemaFiles,
  reader: SchemaFile,
  readerFiles: SchemaFiles,
): Change[] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (writer.format === 'AVRO') {
    const { avroChanges } = require('./compat/avro') as typeof AvroCompat;
    return avroChanges(writer, writerFiles, reader, readerFiles);
  }
  if (writer.format === 'JSON') {
    const { jsonChanges } = require('./compat/json-files') as typeof JsonCompat;
    return jsonChanges(writer, writerFiles, reader, readerFiles);
  }
  const { protoChanges } = require('./compat/protobuf') as typeof ProtoCompat;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return protoChanges(writer, writerFiles, reader, readerFiles);
}

function offsetOf(
  where: Location | undefined,
  schema: SchemaFile,
  files: SchemaFiles,
): { file: string; offset: number } | undefined {
  if (!where) return undefined;
  const text = where.file === schema.path ? schema.text : files.get(where.file)?.text;
  if (text === undefined) return undefined;
  if (where.offset !== undefined) return { file: where.file, offset: where.offset };
  if (where.pointer === undefined) return undefined;
  // The deepest part of the pointer that exists in the file.
  let pointer = where.pointer;
  for (;;) {
    const offset = pointer === '' ? 0 : jsonPointerOffset(text, pointer);
    if (offset >= 0) return { file: where.file, offset };
    pointer = pointer.slice(0, Math.max(0, pointer.lastIndexOf('/')));
  }
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

/** Line and column of a finding: the changed element, else the schema file's start. */
export function schemaPosition(p: Incompatibility, schema: SchemaFile, files: SchemaFiles): Position {
  if (!p.at) return { file: schema.path, line: 1, col: 1 };
  const text = p.at.file === schema.path ? schema.text : (files.get(p.at.file)?.text ?? '');
  return { file: p.at.file, ...lineCol(text, p.at.offset) };
}
