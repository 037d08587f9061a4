// A Kafka protocol connection for the reconciler's reads, without kafkajs: TCP or TLS, SASL
// (PLAIN, SCRAM-SHA-256/512) and size-framed requests matched to their answers by correlation id.
// Loading kafkajs (about 170 modules) and its connection machinery cost a no-op plan more than
// the reads themselves; lean-admin.ts sends the few read requests a plan needs through this and
// leaves everything else, every failure included, to kafkajs. Only non-flexible request versions
// (no tagged fields), so every header is version 1 and every answer's header version 0.
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import type * as Tls from 'node:tls';

/** Kafka's API keys for the requests sent here. */
export const API = {
  Metadata: 3,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DescribeAcls: 29,
  CreateAcls: 30,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
} as const;
export type ApiName = keyof typeof API;

export interface WireSettings {
  readonly host: string;
  readonly port: number;
  readonly ssl: boolean;
  readonly sasl?: {
    readonly mechanism: string;
    readonly username: string;
    readonly password: string;
  };
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** Anything that went wrong on this path; the caller then asks kafkajs, which reports it. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Builds a request body. */
export class Writer {
  private buf = Buffer.allocUnsafe(1024);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  int8(v: number): this {
    this.room(1);
    this.at = this.buf.writeInt8(v, this.at);
    return this;
  }

  int16(v: number): this {
    this.room(2);
    this.at = this.buf.writeInt16BE(v, this.at);
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.at = this.buf.writeInt32BE(v, this.at);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  /** A nullable string. */
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const length = Buffer.byteLength(v);
    this.int16(length);
    this.room(length);
    this.at += this.buf.write(v, this.at);
    return this;
  }

  bytes(v: Buffer): this {
    this.int32(v.length);
    this.room(v.length);
    this.at += v.copy(this.buf, this.at);
    return this;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

/** Reads an answer body; reading past its end throws (a RangeError from Buffer). */
export class Reader {
  constructor(
    private readonly raw: Buffer,
    public at = 0,
  ) {}

  int8(): number {
    const v = this.raw.readInt8(this.at);
    this.at += 1;
    return v;
  }

  int16(): number {
    const v = this.raw.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    const v = this.raw.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  skip(bytes: number): void {
    if (this.at + bytes > this.raw.length) throw new RangeError('answer shorter than its fields');
    this.at += bytes;
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    if (this.at + length > this.raw.length) throw new RangeError('answer shorter than its fields');
    const v = this.raw.toString('utf8', this.at, this.at + length);
    this.at += length;
    return v;
  }

  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    if (this.at + length > this.raw.length) throw new RangeError('answer shorter than its fields');
    const v = this.raw.subarray(this.at, this.at + length);
    this.at += length;
    return v;
  }

  /** An array's length; a null array reads as empty. */
  count(): number {
    return Math.max(0, this.int32());
  }
}

/** Versions the broker accepts, by API key (its ApiVersions answer). */
export type ApiVersions = ReadonlyMap<number, { readonly min: number; readonly max: number }>;

/** The highest of `wanted` (ascending) that the broker accepts for `api`, if any. */
export function pickVersion(
  versions: ApiVersions,
  api: number,
  wanted: readonly number[],
): number | undefined {
  const range = versions.get(api);
  if (!range) return undefined;
  for (let i = wanted.length - 1; i >= 0; i--) {
    const v = wanted[i] as number;
    if (v >= range.min && v <= range.max) return v;
  }
  return undefined;
}

interface Pending {
  resolve(body: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** SCRAM's salted password, by salt and iterations: both connections of a client derive it once. */
export type SaltedPasswords = Map<string, Promise<Buffer>>;

export class WireConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameSize = -1;
  private failure: Error | undefined;
  versions: ApiVersions = new Map();

  private constructor(
    private readonly socket: Socket,
    private readonly settings: WireSettings,
    private readonly onRequest: (api: ApiName) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new WireError(err.message)));
    socket.on('close', () => this.fail(new WireError('connection closed')));
  }

  /** Connects, reads the broker's API versions and authenticates. */
  static async open(
    settings: WireSettings,
    onRequest: (api: ApiName) => void,
    salted: SaltedPasswords = new Map(),
    /** Closes the connection, opening or open. */
    signal?: AbortSignal,
  ): Promise<WireConnection> {
    const socket = await connectSocket(settings, signal);
    const connection = new WireConnection(socket, settings, onRequest);
    signal?.addEventListener('abort', () => connection.close(), { once: true });
    try {
      connection.versions = await connection.apiVersions();
      if (settings.sasl) await connection.authenticate(settings.sasl, salted);
      return connection;
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /**
   * Sends one request and resolves with its answer's body; `counted` false leaves counting it to
   * the caller (a read ahead counts when its answer is taken).
   */
  send(api: ApiName, version: number, body: Buffer, counted = true): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const clientId = Buffer.from(this.settings.clientId);
    const head = Buffer.allocUnsafe(14);
    head.writeInt32BE(10 + clientId.length + body.length, 0);
    head.writeInt16BE(API[api], 4);
    head.writeInt16BE(version, 6);
    head.writeInt32BE(id, 8);
    head.writeInt16BE(clientId.length, 12);
    if (counted) this.onRequest(api);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new WireError(`${api} request timed out`));
      }, this.settings.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.write(Buffer.concat([head, clientId, body]));
    });
  }

  close(): void {
    this.fail(new WireError('connection closed'));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(this.failure);
    }
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return;
        this.join();
        this.frameSize = (this.chunks[0] as Buffer).readInt32BE(0);
      }
      if (this.buffered < 4 + this.frameSize) return;
      const all = this.join();
      const frame = all.subarray(4, 4 + this.frameSize);
      const rest = all.subarray(4 + this.frameSize);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.frameSize = -1;
      this.answer(frame);
    }
  }

  private join(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] as Buffer;
  }

  private answer(frame: Buffer): void {
    if (frame.length < 4) return this.fail(new WireError('answer without a header'));
    const id = frame.readInt32BE(0);
    const p = this.pending.get(id);
    if (!p) return this.fail(new WireError(`answer to no request (${id})`));
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(frame.subarray(4));
  }

  /** ApiVersions v0: every broker answers it, before authentication too. */
  private async apiVersions(): Promise<ApiVersions> {
    const r = new Reader(await this.send('ApiVersions', 0, Buffer.alloc(0)));
    const code = r.int16();
    if (code !== 0) throw new WireError(`ApiVersions failed (error ${code})`);
    const versions = new Map<number, { min: number; max: number }>();
    for (let i = r.count(); i > 0; i--) {
      const key = r.int16();
      versions.set(key, { min: r.int16(), max: r.int16() });
    }
    return versions;
  }

  private async authenticate(
    sasl: NonNullable<WireSettings['sasl']>,
    salted: SaltedPasswords,
  ): Promise<void> {
    const mechanism = sasl.mechanism.toUpperCase();
    const handshake = pickVersion(this.versions, API.SaslHandshake, [1]);
    const auth = pickVersion(this.versions, API.SaslAuthenticate, [0, 1]);
    if (handshake === undefined || auth === undefined)
      throw new WireError('the broker takes no SaslAuthenticate request');
    const h = new Reader(
      await this.send('SaslHandshake', handshake, new Writer().string(mechanism).done()),
    );
    const code = h.int16();
    if (code !== 0) throw new WireError(`SASL mechanism ${mechanism} refused (error ${code})`);
    const step = async (bytes: Buffer): Promise<Buffer> => {
      const r = new Reader(
        await this.send('SaslAuthenticate', auth, new Writer().bytes(bytes).done()),
      );
      const error = r.int16();
      const message = r.string();
      if (error !== 0)
        throw new WireError(`SASL authentication failed (error ${error}: ${message})`);
      return r.bytes() ?? Buffer.alloc(0);
    };
    if (mechanism === 'PLAIN') {
      await step(Buffer.from(`\0${sasl.username}\0${sasl.password}`));
      return;
    }
    const digest = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' }[mechanism];
    if (!digest) throw new WireError(`SASL mechanism ${mechanism} is not spoken here`);
    await scram(digest, sasl, step, salted);
  }
}

function connectSocket(settings: WireSettings, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new WireError('connection closed'));
    const { host, port } = settings;
    // node:tls (about 60 internal modules) loads only for a TLS listener.
    const socket: Socket = settings.ssl
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('node:tls') as typeof Tls).connect({ host, port, servername: host }, () => done())
      : tcpConnect({ host, port }, () => done());
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new WireError(`connection to ${host}:${port} timed out`));
    }, settings.connectTimeoutMs);
    const failed = (err: Error): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      reject(new WireError(err.message));
    };
    const aborted = (): void => {
      socket.destroy();
      failed(new Error('connection closed'));
    };
    signal?.addEventListener('abort', aborted, { once: true });
    socket.once('error', failed);
    function done(): void {
      clearTimeout(timer);
      socket.off('error', failed);
      signal?.removeEventListener('abort', aborted);
      resolve(socket);
    }
  });
}

/** RFC 5802's client side, as Kafka speaks it (kafkajs' steps: nonce, 4,096 iterations at least). */
async function scram(
  digest: string,
  sasl: NonNullable<WireSettings['sasl']>,
  step: (bytes: Buffer) => Promise<Buffer>,
  salted: SaltedPasswords,
): Promise<void> {
  const nonce = randomBytes(16).toString('base64url');
  const bare = `n=${sasl.username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${nonce}`;
  const serverFirst = (await step(Buffer.from(`n,,${bare}`))).toString('utf8');
  const attrs = attributes(serverFirst);
  const serverNonce = attrs.get('r') ?? '';
  const salt = attrs.get('s');
  const iterations = Number.parseInt(attrs.get('i') ?? '', 10);
  if (!serverNonce.startsWith(nonce) || salt === undefined || !(iterations >= 4096))
    throw new WireError('unexpected SCRAM server message');
  const key = `${digest}:${iterations}:${salt}`;
  let derived = salted.get(key);
  if (!derived) {
    derived = new Promise<Buffer>((resolve, reject) =>
      pbkdf2(
        sasl.password,
        Buffer.from(salt, 'base64'),
        iterations,
        digest === 'sha256' ? 32 : 64,
        digest,
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    salted.set(key, derived);
  }
  const saltedPassword = await derived;
  const hmac = (k: Buffer, data: string): Buffer => createHmac(digest, k).update(data).digest();
  const clientKey = hmac(saltedPassword, 'Client Key');
  const storedKey = createHash(digest).update(clientKey).digest();
  const withoutProof = `c=biws,r=${serverNonce}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++)
    proof[i] = (clientKey[i] as number) ^ (signature[i] as number);
  const serverFinal = attributes(
    (await step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`))).toString('utf8'),
  );
  const expected = hmac(hmac(saltedPassword, 'Server Key'), authMessage).toString('base64');
  if (serverFinal.get('v') !== expected) throw new WireError('SCRAM server signature mismatch');
}

/** A SCRAM message's `k=value` attributes. */
function attributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) attrs.set(part.slice(0, 1), part.slice(2));
  return attrs;
}
