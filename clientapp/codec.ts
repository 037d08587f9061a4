// Values ↔ Kafka bytes in the Confluent wire format (reconciler/cluster/registry.ts's
// wireFormat): the schema id from the registry, then the payload (Protobuf adds its message
// indexes first). Values are validated before anything is sent and again when read.
//
// Avro is written and read with the registry's schema (the writer schema a message's id names,
// its references loaded from the registry). JSON Schema and Protobuf are validated with the
// schema the types were generated from: it resolves a JSON `$ref` to a schema without `$id` and
// Protobuf's well-known types (google/protobuf/timestamp.proto) locally. The schema id still
// comes from the registry, so other Confluent clients read them.
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import avro from 'avsc';
import * as protobuf from 'protobufjs';
import { referencedVersions, wireFormat } from '../reconciler/cluster/registry';
import type { SchemaRegistryApi } from '../reconciler/cluster/registry';
import { SchemaValidationError, UnknownSchemaError, WireFormatError } from './errors';
import type { SchemaSource, TopicBinding } from './topic';

/** What the codec asks the registry: ids of subjects' latest schemas, and schemas by id. */
export type CodecRegistry = Pick<SchemaRegistryApi, 'latest' | 'version' | 'schemaById'>;

export interface CodecOptions {
  /** Prefix for every subject (tests and benchmarks isolate themselves with one). */
  namePrefix?: string;
  /** Shown in "unknown schema" errors. */
  registryUrl?: string;
}

interface LocalCodec {
  encode(value: unknown): Buffer;
  decode(payload: Buffer): unknown;
}

export class Codec {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly avroTypes = new Map<number, Promise<avro.Type>>();
  private readonly local = new Map<string, LocalCodec>();
  private readonly encoders = new Map<string, Promise<(value: unknown) => Buffer>>();
  private readonly prefix: string;

  constructor(
    private readonly registry: CodecRegistry,
    private readonly opts: CodecOptions = {},
  ) {
    this.prefix = opts.namePrefix ?? '';
  }

  subject(topic: TopicBinding<unknown>): string {
    return `${this.prefix}${topic.valueSubject}`;
  }

  /** The id of the subject's latest schema; cached, since ids never change. */
  schemaId(topic: TopicBinding<unknown>): Promise<number> {
    const subject = this.subject(topic);
    let id = this.ids.get(subject);
    if (!id) {
      id = this.registry.latest(subject).then(
        (latest) => {
          if (latest) return latest.id;
          this.ids.delete(subject);
          throw new UnknownSchemaError(subject, this.opts.registryUrl);
        },
        (err: unknown) => {
          this.ids.delete(subject);
          throw err;
        },
      );
      this.ids.set(subject, id);
    }
    return id;
  }

  async encode<V>(topic: TopicBinding<V>, value: V): Promise<Buffer> {
    return (await this.encoder(topic))(value);
  }

  /**
   * A synchronous encoder for the topic's current schema: the registry is asked once, then
   * values encode without a round trip (or a promise) each. One per subject, so its chunks
   * serve every send; a failure is not kept, the next call asks again.
   */
  encoder<V>(topic: TopicBinding<V>): Promise<(value: V) => Buffer> {
    const subject = this.subject(topic);
    let encoder = this.encoders.get(subject);
    if (!encoder) {
      encoder = this.newEncoder(topic as TopicBinding<unknown>);
      this.encoders.set(subject, encoder);
      encoder.catch(() => this.encoders.delete(subject));
    }
    return encoder;
  }

  private async newEncoder(topic: TopicBinding<unknown>): Promise<(value: unknown) => Buffer> {
    const id = await this.schemaId(topic);
    const head = wireFormat.header(id);
    if (topic.value.format === 'AVRO') {
      const type = await this.avroType(id, topic);
      const arena = new Arena();
      return (value) => {
        try {
          return arena.write(head, (buf, pos) => type.encode(value, buf, pos));
        } catch {
          const paths: string[] = [];
          type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
          throw new SchemaValidationError(topic.name, paths.length > 0 ? paths : ['(value)']);
        }
      };
    }
    const local = this.localCodec(topic);
    return (value) => Buffer.concat([head, local.encode(value)]);
  }

  async decode<V>(topic: TopicBinding<V>, message: Buffer): Promise<V> {
    const id = wireFormat.schemaId(message);
    if (id === undefined) throw new WireFormatError(topic.name);
    const payload = wireFormat.payload(message);
    if (topic.value.format === 'AVRO') {
      return (await this.avroType(id, topic)).fromBuffer(payload) as V;
    }
    return this.localCodec(topic).decode(payload) as V;
  }

  /** The Avro type schema `id` names, its references loaded from the registry; cached. */
  private avroType(id: number, topic: TopicBinding<unknown>): Promise<avro.Type> {
    let type = this.avroTypes.get(id);
    if (!type) {
      type = this.loadAvroType(id, topic);
      this.avroTypes.set(id, type);
      type.catch(() => this.avroTypes.delete(id));
    }
    return type;
  }

  private async loadAvroType(id: number, topic: TopicBinding<unknown>): Promise<avro.Type> {
    const schema = await this.registry.schemaById(id);
    if (!schema) {
      throw new WireFormatError(
        topic.name,
        `its schema id ${id} is unknown to the registry` +
          `${this.opts.registryUrl ? ` at ${this.opts.registryUrl}` : ''} (was the registry ` +
          'emptied while the topic kept its data? locally: npm run local:up -- --fresh)',
      );
    }
    const named = {};
    const referenced = await referencedVersions(
      this.registry,
      schema.references,
      (r) => new UnknownSchemaError(`${r.subject} (version ${r.version})`, this.opts.registryUrl),
    );
    for (const r of referenced)
      avro.Type.forSchema(JSON.parse(r.schema) as avro.Schema, { registry: named });
    return avro.Type.forSchema(JSON.parse(schema.schema) as avro.Schema, { registry: named });
  }

  private localCodec(topic: TopicBinding<unknown>): LocalCodec {
    let codec = this.local.get(topic.name);
    if (!codec) {
      codec =
        topic.value.format === 'JSON'
          ? jsonCodec(topic, topic.value, topic.referenced)
          : protobufCodec(topic, topic.value, topic.referenced);
      this.local.set(topic.name, codec);
    }
    return codec;
  }
}

/**
 * Encoded messages side by side in shared chunks, as Node's own Buffer pool does: one
 * allocation per many messages and no copy, where encode-then-frame costs two of each. Each
 * message is its own view and chunks are never written twice, so a caller may keep them.
 */
class Arena {
  private static readonly CHUNK = 256 * 1024;
  private chunk = Buffer.allocUnsafe(Arena.CHUNK);
  private used = 0;

  write(head: Buffer, body: (buf: Buffer, pos: number) => number): Buffer {
    for (;;) {
      const start = this.used;
      head.copy(this.chunk, start);
      const end =
        start + head.length <= this.chunk.length
          ? body(this.chunk, start + head.length)
          : -head.length;
      if (end >= 0) {
        this.used = end;
        return this.chunk.subarray(start, end);
      }
      // Too little room left: a fresh chunk, big enough for this message at least (avsc says
      // how far it would have written).
      this.chunk = Buffer.allocUnsafe(Math.max(Arena.CHUNK, 2 * (this.chunk.length - end - start)));
      this.used = 0;
    }
  }
}

function jsonCodec(
  topic: TopicBinding<unknown>,
  source: SchemaSource,
  referenced: Readonly<Record<string, SchemaSource>>,
): LocalCodec {
  const schema = JSON.parse(source.text) as { $schema?: string };
  const ajv = schema.$schema?.includes('2020-12')
    ? new Ajv2020({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // Register each referenced schema under the name the $ref uses (every level of references).
  const bySubject = new Map(Object.entries(referenced));
  for (const ref of [source, ...bySubject.values()].flatMap((s) => s.references)) {
    const target = bySubject.get(ref.subject);
    if (target && !ajv.getSchema(ref.name)) ajv.addSchema(JSON.parse(target.text), ref.name);
  }
  const validate: ValidateFunction = ajv.compile(schema);
  const check = (value: unknown): void => {
    if (!validate(value)) {
      const paths = (validate.errors ?? []).map(
        (e) => `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}`,
      );
      throw new SchemaValidationError(topic.name, paths);
    }
  };
  return {
    encode(value) {
      check(value);
      return Buffer.from(JSON.stringify(value));
    },
    decode(payload) {
      const value: unknown = JSON.parse(payload.toString('utf8'));
      check(value);
      return value;
    },
  };
}

function protobufCodec(
  topic: TopicBinding<unknown>,
  source: SchemaSource,
  referenced: Readonly<Record<string, SchemaSource>>,
): LocalCodec {
  const root = new protobuf.Root();
  const main = protobuf.parse(source.text, root, { keepCase: false });
  for (const ref of Object.values(referenced)) protobuf.parse(ref.text, root, { keepCase: false });
  // Well-known types (google/protobuf/*.proto) ship with protobufjs.
  for (const file of [...(main.imports ?? [])].filter((i) => i.startsWith('google/protobuf/'))) {
    const common = protobuf.common.get(file);
    if (common) root.addJSON(common.nested ?? {});
  }
  root.resolveAll();
  const first = firstMessage(root.lookup(main.package ?? '') ?? root);
  if (!first) throw new Error(`${topic.name}: its Protobuf schema has no message`);
  const type = first;
  return {
    encode(value) {
      const problem = type.verify(value as Record<string, unknown>);
      if (problem) throw new SchemaValidationError(topic.name, [problem]);
      const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
      // Message indexes: [0] (a single zero byte) means "the first message in the schema".
      return Buffer.concat([Buffer.from([0]), bytes]);
    },
    decode(payload) {
      const [indexes, offset] = readVarint(payload, 0);
      if (indexes !== 0) throw new WireFormatError(topic.name, 'only the first message is typed');
      const message = type.decode(payload.subarray(offset));
      return withoutNulls(type.toObject(message, { longs: Number, defaults: true }));
    },
  };
}

function firstMessage(ns: protobuf.ReflectionObject): protobuf.Type | undefined {
  if (ns instanceof protobuf.Type) return ns;
  if (!(ns instanceof protobuf.Namespace)) return undefined;
  for (const nested of ns.nestedArray) {
    const found = firstMessage(nested);
    if (found) return found;
  }
  return undefined;
}

/** Zig-zag varint, as Confluent writes the message-index count. */
function readVarint(buf: Buffer, start: number): [number, number] {
  let result = 0;
  let shift = 0;
  let offset = start;
  for (;;) {
    const byte = buf[offset++];
    if (byte === undefined) throw new WireFormatError('protobuf', 'truncated message indexes');
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return [(result >>> 1) ^ -(result & 1), offset];
}

/** protobufjs reports unset message fields as null; the generated types say "absent". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}
