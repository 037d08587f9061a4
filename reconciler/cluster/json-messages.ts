// JSON Schema messages in the Confluent wire format (registry.ts's wireFormat), checked against
// the schema their id names in the registry, with the formats (date-time…) the schemas use. The
// reconciler's own events, summaries, jobs and requests travel this way. A message written
// without the registry (plain JSON) is checked against the schema the caller holds for its
// topic (the catalog's): either way the JSON Schema is the one definition of a message.
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { RegistryError, referencedVersions, wireFormat } from './registry';
import type { SchemaRegistryApi } from './registry';

export type JsonMessagesRegistry = Pick<SchemaRegistryApi, 'latest' | 'version' | 'schemaById'>;

/** A value that does not match its schema: the JSON pointers of what is wrong. */
export class JsonSchemaValidationError extends Error {
  constructor(
    /** Undefined for a plain-JSON message: it names no registered schema. */
    readonly schemaId: number | undefined,
    readonly paths: readonly string[],
  ) {
    super(
      `value does not match ${schemaId === undefined ? "its topic's schema" : `schema ${schemaId}`}: ${paths.join(', ')}`,
    );
    this.name = 'JsonSchemaValidationError';
  }
}

export class JsonSchemaMessages {
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly validators = new Map<number, Promise<ValidateFunction>>();

  constructor(private readonly registry: JsonMessagesRegistry) {}

  /** The id of the subject's latest schema. */
  async latestId(subject: string): Promise<number> {
    const latest = await this.registry.latest(subject);
    if (!latest) throw new RegistryError(`subject ${subject} is not registered`, 404, 40401);
    return latest.id;
  }

  /** `payload` as JSON after the header naming schema `id`; refused unless it matches. */
  async encode(id: number, payload: unknown): Promise<Buffer> {
    this.check(id, await this.validator(id), payload);
    return Buffer.concat([wireFormat.header(id), Buffer.from(JSON.stringify(payload), 'utf8')]);
  }

  /**
   * The value of a wire-format message, checked against the schema its id names (`T` is what the
   * caller knows that schema to describe). With `plain`, a message that is not in the wire
   * format is read as plain JSON and checked against that schema (a JSON Schema document that
   * references no other) instead of being refused.
   */
  async decode<T = Record<string, unknown>>(message: Buffer, plain?: string): Promise<T> {
    const id = wireFormat.schemaId(message);
    if (id === undefined) {
      if (plain === undefined)
        throw new Error('not in the Confluent wire format (no magic byte 0)');
      const value: unknown = JSON.parse(message.toString('utf8'));
      this.check(undefined, this.plainValidator(plain), value);
      return value as T;
    }
    const validate = await this.validator(id);
    const value: unknown = JSON.parse(wireFormat.payload(message).toString('utf8'));
    this.check(id, validate, value);
    return value as T;
  }

  private check(id: number | undefined, validate: ValidateFunction, value: unknown): void {
    if (validate(value)) return;
    const paths = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}`,
    );
    throw new JsonSchemaValidationError(id, paths);
  }

  private readonly plainValidators = new Map<string, ValidateFunction>();

  private plainValidator(schema: string): ValidateFunction {
    let validate = this.plainValidators.get(schema);
    if (!validate) {
      const { $schema: _draft, ...body } = JSON.parse(schema) as Record<string, unknown>;
      validate = this.ajv.compile(body);
      this.plainValidators.set(schema, validate);
    }
    return validate;
  }

  private validator(id: number): Promise<ValidateFunction> {
    let validator = this.validators.get(id);
    if (!validator) {
      validator = this.compile(id);
      this.validators.set(id, validator);
      validator.catch(() => this.validators.delete(id));
    }
    return validator;
  }

  private async compile(id: number): Promise<ValidateFunction> {
    const schema = await this.registry.schemaById(id);
    if (!schema) throw new RegistryError(`schema ${id} not found`, 404, 40403);
    // Referenced schemas under the names the $refs use, every level of references.
    const referenced = await referencedVersions(
      this.registry,
      schema.references,
      (r) => new RegistryError(`${r.subject} version ${r.version} not found`, 404),
    );
    const byVersion = new Map(referenced.map((r) => [`${r.subject}@${r.version}`, r] as const));
    for (const r of [schema, ...referenced].flatMap((s) => s.references)) {
      const target = byVersion.get(`${r.subject}@${r.version}`);
      if (target && !this.ajv.getSchema(r.name))
        this.ajv.addSchema(JSON.parse(target.schema) as object, r.name);
    }
    const { $schema: _draft, ...body } = JSON.parse(schema.schema) as Record<string, unknown>;
    return this.ajv.compile(body);
  }
}
