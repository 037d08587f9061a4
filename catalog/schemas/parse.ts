// First pass over a schema file: syntax, what it defines, and what it needs from other files.
// Full validation (with references loaded) happens in resolve.ts once every file is parsed.
import type * as protobuf from 'protobufjs';
import { lib } from './libraries';
import type { SchemaFormat } from '../model';
import type { SchemaOutline } from '../parse-cache';
import { DEEP_SCHEMA_HINT, INPUT_LIMITS, jsonScan, parsedJsonScan, protoTooDeep } from '../input';
import { jsonErrorOffset } from './json-position';
import { jsonTree, pointerOffset, protoErrorOffset } from './positions';

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
  /** Refused before parsing (size, encoding, link, depth; already reported): not checked. */
  readonly refused?: boolean;
}

/** Stands in for a file the input gate refused, so references to it are not reported too. */
export function refusedSchema(path: string, domain: string, format: SchemaFormat): ParsedSchema {
  return { path, domain, format, text: '', defines: [], needs: [], problems: [], refused: true };
}

const FORMATS: Record<string, SchemaFormat> = { avsc: 'AVRO', json: 'JSON', proto: 'PROTOBUF' };

export function schemaFormat(path: string): SchemaFormat | undefined {
  return FORMATS[path.slice(path.lastIndexOf('.') + 1)];
}

export const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export function parseSchemaFile(path: string, domain: string, text: string): ParsedSchema {
  const format = schemaFormat(path) as SchemaFormat;
  const base = { path, domain, format, text, problems: [] as SchemaProblem[] };
  if (format === 'PROTOBUF') {
    const deep = protoTooDeep(text, INPUT_LIMITS.depth.proto);
    return deep >= 0 ? tooDeep(base, deep, INPUT_LIMITS.depth.proto) : parseProto(base);
  }
  // Parsed first: for a valid text, what the scan tells mostly follows from the parsed value
  // (input.ts parsedJsonScan); the scan's own pass runs only when it does not.
  let json: unknown;
  let error: unknown;
  let parsed = false;
  try {
    json = JSON.parse(text);
    parsed = true;
  } catch (e) {
    error = e;
  }
  const limit = INPUT_LIMITS.depth.json;
  const scan = (parsed && parsedJsonScan(text, json, limit)) || jsonScan(text, limit);
  if (scan.deep >= 0) return tooDeep(base, scan.deep, limit);
  if (!parsed) {
    base.problems.push({
      rule: 'schema-invalid',
      message: `not valid JSON: ${(error as Error).message.split('\n')[0]}`,
      offset: jsonErrorOffset(text),
      hint: format === 'AVRO' ? 'an .avsc file holds one Avro schema as JSON' : 'fix the JSON syntax',
    });
    return { ...base, defines: [], needs: [] };
  }
  const duplicate = scan.duplicate;
  if (duplicate >= 0)
    base.problems.push({
      rule: 'duplicate-key',
      message: `key "${text.slice(duplicate, text.indexOf('"', duplicate))}" appears twice in one object`,
      offset: duplicate,
      hint: 'each key may appear once in an object: JSON readers keep only one of them; merge or rename',
    });
  // Nothing in the text is long or wide enough for a limit: the walk would find nothing.
  const tooLarge =
    scan.longest <= INPUT_LIMITS.schemaName && scan.widest <= INPUT_LIMITS.fields
      ? undefined
      : limitProblem(json, format, text);
  if (tooLarge) base.problems.push(tooLarge);
  if (format === 'JSON' && !(typeof json === 'boolean' || (json && typeof json === 'object' && !Array.isArray(json)))) {
    base.problems.push({
      rule: 'json-schema-root',
      message: `a JSON Schema is an object or a boolean, not ${Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`}`,
      offset: Math.max(0, text.search(/\S/)),
      hint: 'start the file with { "$schema": "http://json-schema.org/draft-07/schema#", "type": "object", ... }',
    });
    return { ...base, json, defines: [], needs: [] };
  }
  return format === 'AVRO' ? parseAvro(base, json) : parseJsonSchema(base, json);
}

/**
 * The first place a schema exceeds a limit of input.ts: too many fields (Avro record fields and
 * enum symbols, JSON Schema properties) or a name that is too long. Checked on the plain data;
 * the position is looked up only when there is something to report.
 */
function limitProblem(json: unknown, format: SchemaFormat, text: string): SchemaProblem | undefined {
  const path: (string | number)[] = [];
  let found: { rule: string; message: string; hint: string; path: (string | number)[] } | undefined;
  const long = (s: unknown): s is string => typeof s === 'string' && s.length > INPUT_LIMITS.schemaName;
  const tooLong = (what: string, at: (string | number)[]): void => {
    found ??= {
      rule: 'name-too-long',
      message: `${what} is longer than ${INPUT_LIMITS.schemaName} characters`,
      hint: 'use a shorter name; registries and generated code refuse or truncate very long names',
      path: at,
    };
  };
  const many = (what: string, count: number, at: (string | number)[]): void => {
    found ??= {
      rule: 'too-many-fields',
      message: `${count} ${what}: at most ${INPUT_LIMITS.fields} are allowed`,
      hint: 'split the type into smaller named types',
      path: at,
    };
  };
  const walk = (v: unknown): void => {
    if (found) return;
    if (format === 'AVRO' && path.length === 0 && long(v)) tooLong('the type name', []);
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      if (format === 'AVRO')
        v.forEach((item, k) => long(item) && tooLong(`the type name "${item.slice(0, 40)}…"`, [...path, k]));
      v.forEach((item, k) => {
        path.push(k);
        walk(item);
        path.pop();
      });
      return;
    }
    const o = v as Record<string, unknown>;
    if (format === 'AVRO') {
      for (const key of ['type', 'items', 'values'] as const)
        if (long(o[key])) tooLong(`the type name "${(o[key] as string).slice(0, 40)}…"`, [...path, key]);
      for (const key of ['name', 'namespace'] as const)
        if (long(o[key])) tooLong(`the ${key} "${(o[key] as string).slice(0, 40)}…"`, [...path, key]);
      for (const key of ['fields', 'symbols'] as const) {
        const list = o[key];
        if (!Array.isArray(list)) continue;
        if (list.length > INPUT_LIMITS.fields)
          many(key === 'fields' ? 'fields in one record' : 'symbols in one enum', list.length, [...path, key, INPUT_LIMITS.fields]);
        if (key === 'symbols') list.forEach((s, k) => long(s) && tooLong('an enum symbol', [...path, key, k]));
      }
    } else if (o.properties && typeof o.properties === 'object' && !Array.isArray(o.properties)) {
      const keys = Object.keys(o.properties);
      if (keys.length > INPUT_LIMITS.fields)
        many('properties in one object', keys.length, [...path, 'properties', keys[INPUT_LIMITS.fields] as string]);
      for (const k of keys) if (long(k)) tooLong(`the property name "${k.slice(0, 40)}…"`, [...path, 'properties', k]);
    }
    for (const [k, child] of Object.entries(o)) {
      path.push(k);
      walk(child);
      path.pop();
    }
  };
  walk(json);
  if (!found) return undefined;
  const pointer = found.path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const at = pointerOffset(jsonTree(text), pointer);
  return { rule: found.rule, message: found.message, hint: found.hint, offset: Math.max(0, at) };
}

/**
 * A schema nested deeper than the libraries that check it can recurse: refused before parsing
 * (and, like a file the input gate refused, not reported again through its references).
 */
function tooDeep(base: Omit<ParsedSchema, 'defines' | 'needs'>, offset: number, limit: number): ParsedSchema {
  base.problems.push({
    rule: 'nesting-too-deep',
    message: `nesting deeper than ${limit} levels`,
    offset,
    hint: DEEP_SCHEMA_HINT,
  });
  return { ...base, defines: [], needs: [], refused: true };
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
  // Plain loops and one result literal: this runs for each of 10,000 schemas in a cold validation.
  const names = { defines: new Set<string>(), uses: new Set<string>() };
  avroNames(json, undefined, names);
  const defines = [...names.defines];
  const needs: string[] = [];
  for (const u of names.uses) if (!names.defines.has(u)) needs.push(u);
  const top = defines[0];
  const { path, domain, format, text, problems } = base;
  const parsed: { -readonly [K in keyof ParsedSchema]: ParsedSchema[K] } = { path, domain, format, text, problems, json, defines, needs };
  if (top && top.includes('.')) parsed.namespace = top.slice(0, top.lastIndexOf('.'));
  return parsed;
}

function avroFullName(name: string, ns: string | undefined): string {
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

/** The full names an Avro schema defines, and those it uses (primitives aside). */
function avroNames(s: unknown, ns: string | undefined, names: { defines: Set<string>; uses: Set<string> }): void {
  if (typeof s === 'string') {
    if (!AVRO_PRIMITIVES.has(s)) names.uses.add(avroFullName(s, ns));
  } else if (Array.isArray(s)) {
    for (const branch of s) avroNames(branch, ns, names);
  } else if (s && typeof s === 'object') {
    const o = s as Record<string, unknown>;
    const type = o.type;
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      if (typeof o.name !== 'string') return; // avsc reports the missing name precisely
      const full = avroFullName(o.name, typeof o.namespace === 'string' ? o.namespace || undefined : ns);
      names.defines.add(full);
      const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
      if (Array.isArray(o.fields)) for (const f of o.fields) avroNames((f as { type?: unknown })?.type, inner, names);
    } else if (type === 'array') avroNames(o.items, ns, names);
    else if (type === 'map') avroNames(o.values, ns, names);
    else avroNames(type, ns, names);
  }
}

/** The JSON Schema dialects the checker (ajv) knows: draft-07 and 2020-12. */
const KNOWN_DIALECT = /^https?:\/\/json-schema\.org\/(draft-07\/schema|draft\/2020-12\/schema)#?$/;

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
  const dialect = (json as { $schema?: unknown })?.$schema;
  if (dialect !== undefined && !(typeof dialect === 'string' && KNOWN_DIALECT.test(dialect))) {
    const at = /"\$schema"\s*:\s*/.exec(base.text);
    base.problems.push({
      rule: 'schema-invalid',
      message: `not a valid JSON schema: unsupported "$schema" ${JSON.stringify(dialect)}`,
      offset: at ? at.index + at[0].length + 1 : 0,
      hint: 'use "http://json-schema.org/draft-07/schema#" or "https://json-schema.org/draft/2020-12/schema"',
    });
  }
  const id = (json as { $id?: unknown })?.$id;
  return { ...base, json, defines: [], needs: [...needs], ...(typeof id === 'string' ? { namespace: id } : {}) };
}

function parseProto(base: Omit<ParsedSchema, 'defines' | 'needs'>): ParsedSchema {
  // protobufjs takes quadratic time in the number of fields of a message: count them first.
  const limit = protoLimitProblem(base.text);
  if (limit) {
    base.problems.push(limit);
    return { ...base, defines: [], needs: [] };
  }
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
      offset: line
        ? tokenOffset(base.text, Number(line[1]), message)
        : Math.max(0, protoErrorOffset(base.text, message)),
      hint: 'fix the .proto syntax',
    });
    return { ...base, defines: [], needs: [] };
  }
}

/** Offset of the token a protobufjs syntax error quotes, on the line it names. */
function tokenOffset(text: string, line: number, message: string): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  const lineText = text.slice(start, end < 0 ? text.length : end);
  const token = /'([^']*)'/.exec(message)?.[1];
  // The offending token is the last of its kind on the line (before any comment).
  const code = lineText.replace(/\/\/.*$/, '');
  const at = token ? code.lastIndexOf(token) : -1;
  return start + (at >= 0 ? at : Math.max(0, lineText.search(/\S/)));
}

/**
 * What protobufjs would take long over, crash on or let through, found in one linear pass over
 * the text (comments and strings skipped): too many fields in one message or enum, too many
 * definitions, names too long, a block never closed, field numbers out of range, and a proto3
 * enum whose first value is not zero.
 */
function protoLimitProblem(text: string): SchemaProblem | undefined {
  const blocks: { kind: string; open: number; count: number }[] = [{ kind: 'file', open: 0, count: 0 }];
  const proto3 = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*syntax\s*=\s*["']proto3["']/.test(text);
  let definitions = 0;
  let pending = ''; // the keyword of the block about to open
  let statement = ''; // first word of the current statement
  const token =
    /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[{};]|=\s*-?(?:0x[0-9a-fA-F]+|\d+)|\b(?:message|enum|service)\s+\w+|[A-Za-z_]\w*/g;
  const invalid = (message: string, offset: number, hint: string): SchemaProblem => ({
    rule: 'schema-invalid',
    message: `not a valid Protobuf schema: ${message}`,
    offset,
    hint,
  });
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const t = m[0];
    const c = t[0];
    if (c === '/' || c === '"' || c === "'") continue;
    const block = blocks[blocks.length - 1] as { kind: string; open: number; count: number };
    if (c === '{') {
      blocks.push({ kind: pending, open: m.index, count: 0 });
      pending = '';
      statement = '';
    } else if (c === '}') {
      if (blocks.length > 1) blocks.pop();
      statement = '';
    } else if (c === ';') statement = '';
    else if (c === '=') {
      const n = ++block.count;
      // The field's name, just before "=" (a bounded look back: linear over the file).
      const back = Math.max(0, m.index - 2 * INPUT_LIMITS.schemaName);
      const name = back + text.slice(back, m.index).search(/\w*\s*$/);
      if (n > INPUT_LIMITS.fields)
        return {
          rule: 'too-many-fields',
          message: `more than ${INPUT_LIMITS.fields} fields or values in one message or enum`,
          offset: name,
          hint: 'split the message into smaller messages',
        };
      const value = Number(t.slice(1).trim());
      if ((block.kind === 'message' || block.kind === 'oneof') && statement !== 'option') {
        if (value < 1 || value > 536_870_911 || (value >= 19_000 && value <= 19_999))
          return invalid(
            `field number ${value} is out of range`,
            m.index + t.length - t.slice(1).trim().length,
            'field numbers are 1 to 536870911, except 19000 to 19999 (reserved by Protobuf)',
          );
      }
      if (block.kind === 'enum' && proto3 && n === 1 && value !== 0 && statement !== 'option')
        return invalid(
          'the first value of a proto3 enum must be zero',
          m.index + t.length - t.slice(1).trim().length,
          'start the enum with its default, e.g. UNSPECIFIED = 0',
        );
    } else if (/^(?:message|enum|service)\s/.test(t)) {
      pending = t.slice(0, t.search(/\s/));
      statement ||= pending;
      if (++definitions > INPUT_LIMITS.protoDefinitions)
        return {
          rule: 'too-many-fields',
          message: `more than ${INPUT_LIMITS.protoDefinitions} messages, enums and services in one file`,
          offset: m.index,
          hint: 'split the file and import the parts',
        };
      const name = t.replace(/^\w+\s+/, '');
      if (name.length > INPUT_LIMITS.schemaName) return nameTooLong(m.index + t.length - name.length);
    } else {
      if (t.length > INPUT_LIMITS.schemaName) return nameTooLong(m.index);
      if (t === 'oneof' || t === 'extend' || t === 'rpc' || t === 'option') pending = t === 'oneof' ? 'oneof' : t;
      statement ||= t;
    }
  }
  if (blocks.length > 1) {
    const open = blocks[blocks.length - 1] as { open: number };
    return invalid("'{' is never closed", open.open, "add the missing '}'");
  }
  return undefined;
}

function nameTooLong(offset: number): SchemaProblem {
  return {
    rule: 'name-too-long',
    message: `a name is longer than ${INPUT_LIMITS.schemaName} characters`,
    offset,
    hint: 'use a shorter name; registries and generated code refuse or truncate very long names',
  };
}
