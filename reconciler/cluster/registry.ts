// The schema registry's Confluent API (Confluent Schema Registry, Apicurio's ccompat), over
// node:http(s), and the Confluent wire format of the messages that name its schema ids: the one
// registry client of the reconciler, the local stack's tooling and the client app's codec. The API
// has no batch reads: subjects are read one by one, with bounded concurrency by callers.
// Not fetch: its first call loads undici, about 0.2 s of CPU in every command that plans.
import http from 'node:http';
import type { SchemaFormat } from '../../catalog/model';
import { readReferenceClosure } from '../../catalog/references';
import { TransientError } from './errors';

export interface RegistryReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface RegisteredSchema {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schema: string;
  readonly schemaType: SchemaFormat;
  readonly references: readonly RegistryReference[];
}

/** A schema as the registry serves it by id: no subject or version of its own. */
export interface SchemaById {
  readonly id: number;
  readonly schema: string;
  readonly schemaType: SchemaFormat;
  readonly references: readonly RegistryReference[];
}

export interface SchemaRegistryApi {
  listSubjects(): Promise<string[]>;
  latest(subject: string): Promise<RegisteredSchema | undefined>;
  /** One version of a subject; undefined when the subject or the version does not exist. */
  version(subject: string, version: number): Promise<RegisteredSchema | undefined>;
  /** The schema a message's id names; undefined when the registry does not know the id. */
  schemaById(id: number): Promise<SchemaById | undefined>;
  /**
   * The version of `subject` that already holds this schema (the registry's own comparison), or
   * undefined: registering a schema a subject already has returns its id and adds no version.
   */
  lookup(
    subject: string,
    schema: { schema: string; schemaType: SchemaFormat; references: readonly RegistryReference[] },
  ): Promise<{ version: number; id: number } | undefined>;
  /** The level in force for the subject (its own, else the global one). */
  compatibility(subject: string): Promise<string | undefined>;
  register(
    subject: string,
    schema: { schema: string; schemaType: SchemaFormat; references: readonly RegistryReference[] },
  ): Promise<{ id: number }>;
  setCompatibility(subject: string, level: string): Promise<void>;
  /** The registry-wide level, in force for every subject without its own. */
  setGlobalCompatibility(level: string): Promise<void>;
  /** Cheap reachability check. */
  ping(): Promise<void>;
  /** Requests sent so far. */
  readonly requests: number;
}

export interface RegistryConnection {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class HttpSchemaRegistry implements SchemaRegistryApi {
  requests = 0;
  private readonly base: string;
  private subjectsAhead: Promise<string[]> | undefined;
  private readonly auth?: string;

  constructor(
    private readonly connection: RegistryConnection,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = connection.url.replace(/\/+$/, '');
    if (connection.username !== undefined)
      this.auth = `Basic ${Buffer.from(`${connection.username}:${connection.password ?? ''}`).toString('base64')}`;
  }

  async ping(): Promise<void> {
    await this.request('GET', '/config');
  }

  /**
   * Asks for the subjects now; the next listSubjects takes this answer, once (a command reads
   * ahead while it loads its catalog: LeanAdmin.readAhead). A failure here is asked again then.
   */
  readAhead(): void {
    // Counted when taken, in the pass that uses it, as if that pass had sent it.
    const ahead = this.request<string[]>('GET', '/subjects', undefined, false, false).then(
      (subjects) => subjects ?? [],
    );
    ahead.catch(() => undefined); // a failure is met when taken, or never
    this.subjectsAhead = ahead;
  }

  async listSubjects(): Promise<string[]> {
    const ahead = this.subjectsAhead;
    this.subjectsAhead = undefined;
    if (ahead) {
      this.requests += 1;
      try {
        return await ahead;
      } catch {
        // Asked again below, and reported as any failure is.
      }
    }
    return (await this.request<string[]>('GET', '/subjects')) ?? [];
  }

  latest(subject: string): Promise<RegisteredSchema | undefined> {
    return this.subjectVersion(subject, 'latest');
  }

  version(subject: string, version: number): Promise<RegisteredSchema | undefined> {
    return this.subjectVersion(subject, String(version));
  }

  async schemaById(id: number): Promise<SchemaById | undefined> {
    const r = await this.request<Partial<SchemaById>>('GET', `/schemas/ids/${id}`, undefined, true);
    if (!r) return undefined;
    return {
      id,
      schema: r.schema ?? '',
      schemaType: r.schemaType ?? 'AVRO', // Confluent omits it for Avro
      references: r.references ?? [],
    };
  }

  private async subjectVersion(
    subject: string,
    version: string,
  ): Promise<RegisteredSchema | undefined> {
    const r = await this.request<Partial<RegisteredSchema>>(
      'GET',
      `/subjects/${enc(subject)}/versions/${version}`,
      undefined,
      true,
    );
    if (!r) return undefined;
    return {
      subject,
      version: r.version ?? 0,
      id: r.id ?? 0,
      schema: r.schema ?? '',
      schemaType: r.schemaType ?? 'AVRO', // Confluent omits it for Avro
      references: r.references ?? [],
    };
  }

  async lookup(
    subject: string,
    schema: { schema: string; schemaType: SchemaFormat; references: readonly RegistryReference[] },
  ): Promise<{ version: number; id: number } | undefined> {
    const r = await this.request<{ version?: number; id?: number }>(
      'POST',
      `/subjects/${enc(subject)}`,
      schemaBody(schema),
      true,
    );
    return r?.version !== undefined && r.id !== undefined
      ? { version: r.version, id: r.id }
      : undefined;
  }

  async compatibility(subject: string): Promise<string | undefined> {
    const r = await this.request<{ compatibilityLevel?: string; compatibility?: string }>(
      'GET',
      `/config/${enc(subject)}?defaultToGlobal=true`,
      undefined,
      true,
    );
    return r?.compatibilityLevel ?? r?.compatibility;
  }

  async register(
    subject: string,
    schema: { schema: string; schemaType: SchemaFormat; references: readonly RegistryReference[] },
  ): Promise<{ id: number }> {
    const r = await this.request<{ id: number }>(
      'POST',
      `/subjects/${enc(subject)}/versions`,
      schemaBody(schema),
    );
    return { id: r?.id ?? 0 };
  }

  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${enc(subject)}`, { compatibility: level });
    // Apicurio's ccompat stores NONE but keeps enforcing the global rule; its own API lifts it.
    if (level === 'NONE' && this.isApicurio()) await this.apicurioRule(subject, level);
  }

  async setGlobalCompatibility(level: string): Promise<void> {
    await this.request('PUT', '/config', { compatibility: level });
  }

  private isApicurio(): boolean {
    return /\/apis\/ccompat\/v\d+$/.test(this.base);
  }

  private async apicurioRule(subject: string, level: string): Promise<void> {
    const root = this.base.replace(/\/apis\/ccompat\/v\d+$/, '/apis/registry/v3');
    const rules = `${root}/groups/default/artifacts/${enc(subject)}/rules`;
    const body = JSON.stringify({ ruleType: 'COMPATIBILITY', config: level });
    const headers = { 'Content-Type': 'application/json', ...this.authHeader() };
    this.requests += 1;
    const created = await send('POST', rules, headers, body, this.timeoutMs);
    if (created.status !== 409 && !ok(created))
      throw new RegistryError(`Apicurio rule: ${created.text}`, created.status);
    if (created.status === 409) {
      this.requests += 1;
      const updated = await send('PUT', `${rules}/COMPATIBILITY`, headers, body, this.timeoutMs);
      if (!ok(updated)) throw new RegistryError(`Apicurio rule: ${updated.text}`, updated.status);
    }
  }

  private authHeader(): Record<string, string> {
    return this.auth ? { Authorization: this.auth } : {};
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    notFoundIsUndefined = false,
    counted = true,
  ): Promise<T | undefined> {
    if (counted) this.requests += 1;
    let res: Answer;
    try {
      res = await send(
        method,
        `${this.base}${path}`,
        {
          Accept: CONTENT_TYPE,
          ...(body !== undefined ? { 'Content-Type': CONTENT_TYPE } : {}),
          ...this.authHeader(),
        },
        body !== undefined ? JSON.stringify(body) : undefined,
        this.timeoutMs,
      );
    } catch (err) {
      throw new TransientError(
        `schema registry at ${this.connection.url} unreachable: ${(err as Error).message}`,
        err,
      );
    }
    if (res.status === 404 && notFoundIsUndefined) return undefined;
    const text = res.text;
    if (!ok(res)) {
      let message = text;
      let code: number | undefined;
      try {
        const parsed = JSON.parse(text) as { message?: string; error_code?: number };
        message = parsed.message ?? text;
        code = parsed.error_code;
      } catch {
        // Not JSON: keep the text.
      }
      const error = new RegistryError(
        `${method} ${path}: ${res.status} ${message}`,
        res.status,
        code,
      );
      if (res.status >= 500 || res.status === 429) throw new TransientError(error.message, error);
      throw error;
    }
    return text ? (JSON.parse(text) as T) : undefined;
  }
}

const enc = encodeURIComponent;

interface Answer {
  readonly status: number;
  readonly text: string;
}

const ok = (a: Answer): boolean => a.status >= 200 && a.status < 300;

/**
 * One HTTP exchange, the whole answer read; `timeoutMs` bounds all of it. Node's global agents
 * keep connections alive between requests (and never keep the process alive for them).
 */
function send(
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  timeoutMs: number,
): Promise<Answer> {
  const target = new URL(url);
  // node:https (and TLS) loads only for an https registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client: typeof http = target.protocol === 'https:' ? require('node:https') : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method,
        headers: {
          ...headers,
          ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/**
 * The schema versions `references` name and, transitively, the ones those reference: each read
 * once (a level at a time, concurrently), references first, so loading them in order never meets
 * an unknown name. A version the registry does not have throws `missing(reference)`.
 */
export function referencedVersions(
  registry: Pick<SchemaRegistryApi, 'version'>,
  references: readonly RegistryReference[],
  missing: (reference: RegistryReference) => Error,
): Promise<RegisteredSchema[]> {
  return readReferenceClosure(
    references,
    (level) =>
      Promise.all(
        level.map(async (r) => {
          const found = await registry.version(r.subject, r.version);
          if (!found) throw missing(r);
          return found;
        }),
      ),
    (schema) => schema.references,
    (r) => `${r.subject}@${r.version}`,
  );
}

/**
 * The Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), then the payload
 * (Protobuf puts its message indexes first). Every serializer of a Confluent registry writes it.
 */
export const wireFormat = {
  MAGIC_BYTE: 0,
  HEADER_BYTES: 5,
  /** The 5-byte header naming schema `id`. */
  header(id: number): Buffer {
    const h = Buffer.alloc(5);
    h.writeUInt8(0, 0);
    h.writeInt32BE(id, 1);
    return h;
  },
  /** The schema id a message names, or undefined when it is not in the wire format. */
  schemaId(message: Buffer): number | undefined {
    return message.length >= 5 && message[0] === 0 ? message.readInt32BE(1) : undefined;
  },
  /** What follows the header. */
  payload(message: Buffer): Buffer {
    return message.subarray(5);
  },
} as const;

function schemaBody(schema: {
  schema: string;
  schemaType: SchemaFormat;
  references: readonly RegistryReference[];
}): Record<string, unknown> {
  return {
    schema: schema.schema,
    ...(schema.schemaType !== 'AVRO' ? { schemaType: schema.schemaType } : {}),
    ...(schema.references.length > 0 ? { references: schema.references } : {}),
  };
}
