// First pass over a schema file: syntax, what it defines, and what it needs from other files.
// Full validation (with references loaded) happens in resolve.ts once every file is parsed.
import type * as protobuf from 'protobufjs';
import { lib } from './libraries';
import type { SchemaFormat } from '../model';
import type { SchemaOutline } from '../parse-cache';
import { jsonErrorOffset } from './json-position';

export interface SchemaProblem {
  readonly message: string;
  /** Character offset in the file, or a 1-based line when only that is known. */
  readonly offset?: number;
  readonly line?: number;
  readonly rule: string;
  readonly hint?: string;
}

export interface ParsedSchema {
  readonly path: string;
  readonly domain: string;
  readonly format: SchemaFormat;
  readonly text: string;
  /** Parsed JSON (Avro, JSON Schema) or the protobuf parse result. */
  readonly json?: unknown;
  readonly proto?: protobuf.IParserResult;
  /** Avro full names this file defines. */
  readonly defines: readonly string[];
  /** Names this file needs from elsewhere: Avro full names, proto imports, JSON $ref files. */
  readonly needs: readonly string[];
  /** Avro namespace of the top-level type / protobuf package / JSON $id. */
  readonly namespace?: string;
  readonly problems: SchemaProblem[];
}

const FORMATS: Record<string, SchemaFormat> = { avsc: 'AVRO', json: 'JSON', proto: 'PROTOBUF' };

export function schemaFormat(path: string): SchemaFormat | undefined {
  return FORMATS[path.slice(path.lastIndexOf('.') + 1)];
}

export const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export function parseSchemaFile(path: string, domain: string, text: string): ParsedSchema {
  const format = schemaFormat(path) as SchemaFormat;
  const base = { path, domain, format, text, problems: [] as SchemaProblem[] };
  if (format === 'PROTOBUF') return parseProto(base);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    base.problems.push({
      rule: 'schema-invalid',
      message: `not valid JSON: ${(e as Error).message.split('\n')[0]}`,
      offset: jsonErrorOffset(text),
      hint: format === 'AVRO' ? 'an .avsc file holds one Avro schema as JSON' : 'fix the JSON syntax',
    });
    return { ...base, defines: [], needs: [] };
  }
  return format === 'AVRO' ? parseAvro(base, json) : parseJsonSchema(base, json);
}

/**
 * A schema file whose first pass is known from the parse cache: its JSON is parsed only if a
 * check needs it (a schema that references it changed, or its own verdict is not cached).
 * A class, not a literal with a getter: 10,000 of them are made in a warm run.
 */
export class OutlinedSchema implements ParsedSchema {
  readonly format: SchemaFormat;
  readonly defines: readonly string[];
  readonly needs: readonly string[];
  readonly namespace?: string;
  readonly problems: SchemaProblem[] = [];
  private parsedJson: unknown;

  constructor(
    readonly path: string,
    readonly domain: string,
    readonly text: string,
    outline: SchemaOutline,
  ) {
    this.format = schemaFormat(path) as SchemaFormat;
    this.defines = outline.defines;
    this.needs = outline.needs;
    if (outline.namespace !== undefined) this.namespace = outline.namespace;
  }

  get json(): unknown {
    if (this.format === 'PROTOBUF') return undefined;
    this.parsedJson ??= JSON.parse(this.text);
    return this.parsedJson;
  }
}

/** What the parse cache keeps of a schema file that passed its first pass. */
export function outlineOf(p: ParsedSchema): SchemaOutline {
  return { defines: p.defines, needs: p.needs, ...(p.namespace !== undefined ? { namespace: p.namespace } : {}) };
}

function parseAvro(base: Omit<ParsedSchema, 'defines' | 'needs'>, json: unknown): ParsedSchema {
  const defines = new Set<string>();
  const uses = new Set<string>();
  const fullName = (name: string, ns: string | undefined): string =>
    name.includes('.') || !ns ? name : `${ns}.${name}`;
  const walk = (s: unknown, ns: string | undefined): void => {
    if (typeof s === 'string') {
      if (!AVRO_PRIMITIVES.has(s)) uses.add(fullName(s, ns));
    } else if (Array.isArray(s)) {
      for (const branch of s) walk(branch, ns);
    } else if (s && typeof s === 'object') {
      const o = s as Record<string, unknown>;
      if (o.type === 'record' || o.type === 'error' || o.type === 'enum' || o.type === 'fixed') {
        if (typeof o.name !== 'string') return; // avsc reports the missing name precisely
        const full = fullName(o.name, typeof o.namespace === 'string' ? o.namespace || undefined : ns);
        defines.add(full);
        const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
        if (Array.isArray(o.fields)) for (const f of o.fields) walk((f as { type?: unknown })?.type, inner);
      } else if (o.type === 'array') walk(o.items, ns);
      else if (o.type === 'map') walk(o.values, ns);
      else walk(o.type, ns);
    }
  };
  walk(json, undefined);
  const top = [...defines][0];
  return {
    ...base,
    json,
    defines: [...defines],
    needs: [...uses].filter((u) => !defines.has(u)),
    ...(top && top.includes('.') ? { namespace: top.slice(0, top.lastIndexOf('.')) } : {}),
  };
}

function parseJsonSchema(base: Omit<ParsedSchema, 'defines' | 'needs'>, json: unknown): ParsedSchema {
  const needs = new Set<string>();
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) s.forEach(walk);
    else if (s && typeof s === 'object') {
      for (const [k, v] of Object.entries(s)) {
        if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) needs.add(v.split('#')[0] as string);
        else walk(v);
      }
    }
  };
  walk(json);
  const id = (json as { $id?: unknown })?.$id;
  return { ...base, json, defines: [], needs: [...needs], ...(typeof id === 'string' ? { namespace: id } : {}) };
}

function parseProto(base: Omit<ParsedSchema, 'defines' | 'needs'>): ParsedSchema {
  try {
    const proto = lib.protobuf.parse(base.text, new lib.protobuf.Root(), { keepCase: true, alternateCommentMode: true });
    const needs = [...(proto.imports ?? []), ...(proto.weakImports ?? [])].filter(
      (i) => !i.startsWith('google/protobuf/'),
    );
    return { ...base, proto, defines: [], needs, ...(proto.package ? { namespace: proto.package } : {}) };
  } catch (e) {
    const message = (e as Error).message;
    const line = /\(line (\d+)\)/.exec(message);
    base.problems.push({
      rule: 'schema-invalid',
      message: `not a valid Protobuf schema: ${message.replace(/\s*\(line \d+\)/, '')}`,
      ...(line ? { line: Number(line[1]) } : { offset: 0 }),
      hint: 'fix the .proto syntax',
    });
    return { ...base, defines: [], needs: [] };
  }
}
