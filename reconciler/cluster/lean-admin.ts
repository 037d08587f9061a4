// The KafkaAdmin of a command that reads a cluster: a plan's three reads (every topic's metadata,
// the managed topics' own configs, every ACL) go through two connections of wire.ts; anything
// else, and any read the lean path cannot answer exactly as kafkajs would, goes to a kafkajs
// admin (kafka-admin.ts) made on first need. What it spares a no-op plan: loading kafkajs (about
// 170 modules), kafkajs' decoding of 3,000 ACLs and of the topics' metadata, and waiting for one
// answer after another: the metadata and the ACLs are asked for at once on the two connections,
// and the configs are split over both, so the broker works on two requests at a time.
//
// Same answers as kafkajs: the same request (version 1 or 2 of DescribeConfigs, 1 of DescribeAcls,
// 4 of Metadata, with "every topic"), the same mapping to the reconciler's types (acl-codes.ts,
// topic-configs.ts' decoder). Whatever is not the plain success kafkajs would return (a refused
// connection or authentication, an unexpected version, an error code in an answer, a topic or
// partition error in the metadata, a timeout) makes this admin hand the call, and every later
// one, to kafkajs, whose retries and messages are then exactly what the user gets. An apply's
// creations (CreateTopics, CreateAcls: idempotent) go through the same connections while every
// item succeeds; any other answer sends the batch again through kafkajs, which then makes every
// later write and read (see leanWrite, writer()). Other writes are kafkajs' as before. A broker
// shows a write in its answers a little after answering it: verification reads again until it
// does (reconcile.ts), as it always has.
import { ALLOW, ANY, nameOf, OPERATIONS, PATTERN, RESOURCE, toKafkajs } from './acl-codes';
import { toItemError, TransientError } from './errors';
import type * as KafkajsModule from './kafka-admin';
import type { KafkaAdmin, KafkaConnection } from './kafka-admin';
import { RoundTrips } from './round-trips';
import { decodeDynamicConfigs } from './topic-configs';
import type { DynamicConfigs } from './topic-configs';
import type {
  AclBinding,
  BatchResult,
  BindingPatternType,
  BindingResourceType,
  NewTopic,
  TopicDescription,
} from './types';
import { API, pickVersion, Reader, WireConnection, Writer } from './wire';
import type { ApiName } from './wire';
import type { SaltedPasswords, WireSettings } from './wire';

/** Topics per DescribeConfigs request: below this, one request; above it, one per connection. */
const SPLIT_FROM = 200;

export class LeanAdmin implements KafkaAdmin {
  readonly roundTrips = new RoundTrips();
  private wires: Promise<WireConnection[] | undefined> | undefined;
  private full: Promise<KafkaAdmin> | undefined;
  private closing = new AbortController();
  /** Whether a write went through this admin (see writer()). */
  private wrote = false;
  /** Answers read ahead (readAhead), each taken by the next call that asks for it. */
  private ahead: {
    topics?: Promise<TopicDescription[] | undefined>;
    acls?: Promise<AclBinding[] | undefined>;
    configs?: Promise<DynamicConfigs | undefined>;
  } = {};
  /** The requests each read ahead sent, counted in roundTrips when its answer is taken. */
  private readonly aheadRequests: Record<keyof LeanAdmin['ahead'], string[]> = {
    topics: [],
    acls: [],
    configs: [],
  };

  private readonly splitFrom: number;

  constructor(
    private readonly connection: KafkaConnection,
    options: {
      /** Topics from which DescribeConfigs is split over both connections (tests: fewer). */
      splitFrom?: number;
    } = {},
  ) {
    this.splitFrom = options.splitFrom ?? SPLIT_FROM;
  }

  async connect(): Promise<void> {
    if (await this.connectLean()) return;
    // kafkajs connects (and reports why it cannot) as it always has.
    await this.kafkajs(false);
  }

  /** Opens the wire connections only: false when they cannot (kafkajs is not tried). */
  async connectLean(): Promise<boolean> {
    const settings = wireSettings(this.connection);
    if (!settings) return false;
    this.closing = new AbortController();
    this.wires = openPair(settings, (api) => this.roundTrips.add(api), this.closing.signal);
    return (await this.wires) !== undefined;
  }

  /** Closes everything at once, connections still opening included. */
  async disconnect(): Promise<void> {
    this.closing.abort();
    this.wires = Promise.resolve(undefined);
    if (this.full) await (await this.full.catch(() => undefined))?.disconnect();
  }

  /**
   * Starts a pass's reads now, before the caller knows exactly what it needs (a command reads
   * ahead while it loads its catalog): every topic's metadata, every ACL, and the configs of the
   * topics named with one of `prefixes` (a guess at the managed ones). The next describeTopics,
   * describeAcls and describeTopicConfigs take these answers, once: configs of topics the guess
   * missed are described then. A read that fails here is simply made again when asked for.
   * Resolves once every request is on its way (or the reading ahead gave up): from then on the
   * broker works without this process.
   */
  readAhead(prefixes: readonly string[]): Promise<void> {
    const quiet = <T>(p: Promise<T | undefined>): Promise<T | undefined> =>
      p.catch(() => undefined);
    const sent = this.aheadRequests;
    const topics = quiet(this.leanOnly((w) => this.readTopics(w, sent.topics)));
    const acls = quiet(this.leanOnly((w) => this.readAcls(w, sent.acls)));
    let allOut!: () => void;
    const allSent = new Promise<void>((resolve) => (allOut = resolve));
    const configs = quiet(
      (async () => {
        try {
          const [all, wires] = await Promise.all([topics, this.wires]);
          if (!all || !wires) return undefined;
          const guessed = all
            .map((t) => t.name)
            .filter((n) => !n.startsWith('_') && prefixes.some((p) => n.startsWith(p)));
          if (guessed.length === 0) return new Map() as DynamicConfigs;
          return this.readConfigs(wires, guessed, sent.configs); // writes before it returns
        } finally {
          allOut();
        }
      })(),
    );
    this.ahead = { topics, acls, configs };
    return allSent;
  }

  async describeTopics(): Promise<TopicDescription[]> {
    const ahead = await this.take('topics');
    if (ahead) return ahead;
    return this.lean(
      (wires) => this.readTopics(wires),
      (full) => full.describeTopics(),
    );
  }

  async describeTopicConfigs(
    topics: readonly string[],
  ): Promise<Map<string, Record<string, string>>> {
    const ahead = await this.take('configs');
    if (ahead) {
      const missing = topics.filter((t) => !ahead.has(t));
      const more = missing.length > 0 ? await this.describeTopicConfigs(missing) : undefined;
      const result: DynamicConfigs = new Map();
      for (const t of topics) {
        const config = ahead.get(t) ?? more?.get(t);
        if (config) result.set(t, config);
      }
      return result;
    }
    if (topics.length === 0) return new Map();
    return this.lean(
      (wires) => this.readConfigs(wires, topics),
      (full) => full.describeTopicConfigs(topics),
    );
  }

  async describeAcls(filter: Partial<AclBinding> = {}): Promise<AclBinding[]> {
    if (Object.keys(filter).length > 0) return (await this.kafkajs()).describeAcls(filter);
    const ahead = await this.take('acls');
    if (ahead) return ahead;
    return this.lean(
      (wires) => this.readAcls(wires),
      (full) => full.describeAcls(),
    );
  }

  async describeTopicDefaults(topics: readonly string[]): Promise<Record<string, string>> {
    return (await this.kafkajs()).describeTopicDefaults(topics);
  }

  async createTopics(topics: readonly NewTopic[]): Promise<BatchResult> {
    const done = await this.leanWrite(topics.length, (w) => this.writeTopics(w, topics));
    return done ?? (await this.writer()).createTopics(topics);
  }

  async createPartitions(items: readonly { topic: string; count: number }[]): Promise<BatchResult> {
    return (await this.writer()).createPartitions(items);
  }

  async alterTopicConfigs(
    items: readonly { topic: string; config: Readonly<Record<string, string>> }[],
  ): Promise<BatchResult> {
    return (await this.writer()).alterTopicConfigs(items);
  }

  async createAcls(acls: readonly AclBinding[]): Promise<BatchResult> {
    const done = await this.leanWrite(acls.length, (w) => this.writeAcls(w, acls));
    return done ?? (await this.writer()).createAcls(acls);
  }

  async deleteAcls(acls: readonly AclBinding[]): Promise<BatchResult> {
    return (await this.writer()).deleteAcls(acls);
  }

  async deleteTopics(topics: readonly string[]): Promise<BatchResult> {
    return (await this.writer()).deleteTopics(topics);
  }

  async ping(): Promise<void> {
    return (await this.kafkajs()).ping();
  }

  // Each read sends through `send`: counted now, or (read ahead) noted in `aside` for later.
  private sender(
    aside?: string[],
  ): (w: WireConnection, api: ApiName, v: number, body: Buffer) => Promise<Buffer> {
    return (w, api, v, body) => {
      aside?.push(api);
      return w.send(api, v, body, aside === undefined);
    };
  }

  private async readTopics(
    wires: WireConnection[],
    aside?: string[],
  ): Promise<TopicDescription[] | undefined> {
    const w = wires[0] as WireConnection;
    const version = pickVersion(w.versions, API.Metadata, [4]);
    if (version === undefined) return undefined;
    const body = new Writer().int32(-1).bool(true).done(); // every topic; kafkajs' auto-creation flag
    return decodeTopics(await this.sender(aside)(w, 'Metadata', version, body));
  }

  private async readConfigs(
    wires: WireConnection[],
    topics: readonly string[],
    aside?: string[],
  ): Promise<DynamicConfigs | undefined> {
    const send = this.sender(aside);
    const version = pickVersion((wires[0] as WireConnection).versions, API.DescribeConfigs, [1, 2]);
    if (version === undefined) return undefined;
    const parts = topics.length < this.splitFrom ? 1 : wires.length;
    const size = Math.ceil(topics.length / parts);
    const answers = await Promise.all(
      wires.slice(0, parts).map(async (w, i) => {
        const part = topics.slice(i * size, (i + 1) * size);
        const body = new Writer().int32(part.length);
        for (const name of part) body.int8(TOPIC).string(name).int32(-1); // every key
        body.bool(false); // include_synonyms
        return decodeDynamicConfigs(await send(w, 'DescribeConfigs', version, body.done()));
      }),
    );
    if (answers.some((a) => a.errorCode !== undefined)) return undefined;
    const result: DynamicConfigs = new Map();
    for (const { configs } of answers) for (const [n, c] of configs) result.set(n, c);
    return result;
  }

  /** Every ACL, on the second connection (the first one asks for the metadata meanwhile). */
  private async readAcls(
    wires: WireConnection[],
    aside?: string[],
  ): Promise<AclBinding[] | undefined> {
    const w = wires[1] ?? (wires[0] as WireConnection);
    const version = pickVersion(w.versions, API.DescribeAcls, [1]);
    if (version === undefined) return undefined;
    const body = new Writer()
      .int8(ANY.resource)
      .string(null) // resource name
      .int8(ANY.pattern)
      .string(null) // principal
      .string(null) // host
      .int8(ANY.operation)
      .int8(ANY.permission)
      .done();
    return decodeAcls(await this.sender(aside)(w, 'DescribeAcls', version, body));
  }

  /** A read answered ahead, once. */
  private async take<K extends keyof LeanAdmin['ahead']>(
    key: K,
  ): Promise<Awaited<NonNullable<LeanAdmin['ahead'][K]>> | undefined> {
    const answer = this.ahead[key];
    delete this.ahead[key];
    if (answer === undefined) return undefined;
    const taken = await answer;
    // Its requests count now, in the pass that uses it, as if it had sent them.
    for (const api of this.aheadRequests[key].splice(0)) this.roundTrips.add(api);
    return taken;
  }

  /** `read` through the wire connections, or undefined when they are closed or it fails. */
  private async leanOnly<T>(
    read: (wires: WireConnection[]) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const wires = await this.wires;
    return wires ? read(wires) : undefined;
  }

  /**
   * `read` through the wire connections while they work; undefined from it (not something read
   * here) or any failure hands this call and every later one to kafkajs.
   */
  private async lean<T>(
    read: (wires: WireConnection[]) => Promise<T | undefined>,
    otherwise: (full: KafkaAdmin) => Promise<T>,
  ): Promise<T> {
    const wires = this.wrote ? undefined : await this.wires;
    if (wires) {
      try {
        const answer = await read(wires);
        if (answer !== undefined) return answer;
      } catch {
        // kafkajs asks again below and reports whatever is wrong in its own words.
      }
      wires.forEach((w) => w.close());
      this.wires = Promise.resolve(undefined);
    }
    return otherwise(await this.kafkajs());
  }

  /**
   * A write through the first wire connection, taken only when every item succeeded: anything
   * else (an item refused, the connection lost, an unexpected version or answer) is undefined,
   * and the caller sends the whole batch again through kafkajs (writer()). That is safe because
   * both writes sent this way are idempotent (a topic that exists counts as created, as in
   * kafka-admin.ts; an ACL that exists is created again as nothing), and it leaves kafkajs to
   * word every failure, retry it and pin it to its item, as it always did.
   */
  private async leanWrite(
    items: number,
    write: (w: WireConnection) => Promise<boolean>,
  ): Promise<BatchResult | undefined> {
    if (items === 0) return [];
    if (this.wrote) return undefined; // kafkajs writes from its first write on
    const wires = await this.wires;
    if (!wires) return undefined;
    try {
      if (await write(wires[0] as WireConnection))
        return new Array<undefined>(items).fill(undefined);
    } catch {
      // kafkajs sends it again and reports whatever is wrong in its own words.
    }
    return undefined;
  }

  /** CreateTopics (v2 to v4, kafkajs' layout); true when every topic exists now. */
  private async writeTopics(w: WireConnection, topics: readonly NewTopic[]): Promise<boolean> {
    const version = pickVersion(w.versions, API.CreateTopics, [2, 3, 4]);
    if (version === undefined) return false;
    const body = new Writer().int32(topics.length);
    for (const t of topics) {
      body.string(t.name).int32(t.partitions).int16(t.replicationFactor).int32(0); // assignments
      const entries = Object.entries(t.config);
      body.int32(entries.length);
      for (const [name, value] of entries) body.string(name).string(value);
    }
    body.int32(CREATE_TIMEOUT_MS).bool(false); // validate_only
    const answer = await w.send('CreateTopics', version, body.done());
    return everyCreated(answer, topics.length, true, (code) => code === TOPIC_ALREADY_EXISTS);
  }

  /** CreateAcls v1; true when every binding was created. */
  private async writeAcls(w: WireConnection, acls: readonly AclBinding[]): Promise<boolean> {
    const version = pickVersion(w.versions, API.CreateAcls, [1]);
    if (version === undefined) return false;
    const body = new Writer().int32(acls.length);
    for (const a of acls) {
      const v = toKafkajs(a);
      body
        .int8(v.resourceType)
        .string(v.resourceName)
        .int8(v.resourcePatternType)
        .string(v.principal)
        .string(v.host)
        .int8(v.operation)
        .int8(v.permissionType);
    }
    return everyCreated(await w.send('CreateAcls', version, body.done()), acls.length, false);
  }

  /**
   * The kafkajs admin, for a write the lean path does not make (or did not finish): from then on
   * this admin writes and reads through kafkajs, so a pass that met a failure goes on with
   * kafkajs' retries and messages throughout.
   */
  private writer(): Promise<KafkaAdmin> {
    this.wrote = true;
    return this.kafkajs();
  }

  /** The kafkajs admin, connected; a connection failure mid-pass is transient, as in kafkajs. */
  private kafkajs(midPass = true): Promise<KafkaAdmin> {
    this.full ??= (async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads kafkajs
      const { KafkajsAdmin } = require('./kafka-admin') as typeof KafkajsModule;
      const admin = new KafkajsAdmin(this.connection, {}, this.roundTrips);
      await admin.connect();
      return admin;
    })();
    if (!midPass) return this.full;
    return this.full.catch((err: unknown) => {
      this.full = undefined; // the next call tries again, as kafkajs' own calls would
      const e = toItemError(err);
      throw e.retriable ? new TransientError(e.message, err) : err;
    });
  }
}

/** kafkajs' ConfigResourceTypes.TOPIC. */
const TOPIC = 2;

/** Kafka's error of a topic that exists already: created, for the reconciler (as kafka-admin.ts). */
const TOPIC_ALREADY_EXISTS = 36;

/** kafkajs' createTopics timeout: how long the broker may take to create them. */
const CREATE_TIMEOUT_MS = 5000;

/**
 * Whether a CreateTopics (v2+) or CreateAcls (v1) answer, a throttle time then an error code and
 * message per item (after its name when `named`), has `count` items that all succeeded; a code
 * `alsoDone` accepts counts as success too.
 */
function everyCreated(
  answer: Buffer,
  count: number,
  named: boolean,
  alsoDone: (code: number) => boolean = () => false,
): boolean {
  const r = new Reader(answer);
  r.skip(4); // throttle_time_ms
  if (r.int32() !== count) return false;
  for (let i = 0; i < count; i++) {
    if (named) r.string(); // the topic's name
    const code = r.int16();
    r.string(); // error_message
    if (code !== 0 && !alsoDone(code)) return false;
  }
  return true;
}

/** Two authenticated connections, or none (the one that opened is closed). */
async function openPair(
  settings: WireSettings,
  count: (api: string) => void,
  signal: AbortSignal,
): Promise<WireConnection[] | undefined> {
  const salted: SaltedPasswords = new Map();
  const opened = await Promise.allSettled([
    WireConnection.open(settings, count, salted, signal),
    WireConnection.open(settings, count, salted, signal),
  ]);
  const wires = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  if (wires.length === opened.length) return wires;
  wires.forEach((w) => w.close());
  return undefined;
}

/** The bootstrap broker and credentials, when the lean path speaks what they need. */
function wireSettings(c: KafkaConnection): WireSettings | undefined {
  const broker = c.brokers[0];
  const colon = broker?.lastIndexOf(':') ?? -1;
  if (!broker || colon <= 0) return undefined;
  const port = Number(broker.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const sasl = c.sasl as { mechanism?: string; username?: unknown; password?: unknown } | undefined;
  if (
    sasl &&
    (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(sasl.mechanism ?? '') ||
      typeof sasl.username !== 'string' ||
      typeof sasl.password !== 'string')
  )
    return undefined;
  return {
    host: broker.slice(0, colon),
    port,
    ssl: c.ssl === true,
    ...(sasl
      ? {
          sasl: {
            mechanism: sasl.mechanism as string,
            username: sasl.username as string,
            password: sasl.password as string,
          },
        }
      : {}),
    clientId: c.clientId ?? 'streamplane-reconciler',
    // kafka-admin.ts' kafkajs settings.
    connectTimeoutMs: 3000,
    requestTimeoutMs: 30_000,
  };
}

/**
 * Every topic of a Metadata v4 answer as describeTopics gives it; undefined when a topic or
 * partition carries an error (kafkajs refuses such an answer and asks again).
 */
export function decodeTopics(raw: Buffer): TopicDescription[] | undefined {
  const r = new Reader(raw);
  r.skip(4); // throttle_time_ms
  for (let brokers = r.count(); brokers > 0; brokers--) {
    r.skip(4); // node_id
    r.string(); // host
    r.skip(4); // port
    r.string(); // rack
  }
  r.string(); // cluster_id
  r.skip(4); // controller_id
  const topics: TopicDescription[] = [];
  for (let n = r.count(); n > 0; n--) {
    if (r.int16() !== 0) return undefined;
    const name = r.string() as string;
    r.skip(1); // is_internal
    const partitions = r.count();
    let replicationFactor = 0;
    for (let p = 0; p < partitions; p++) {
      if (r.int16() !== 0) return undefined;
      const id = r.int32();
      r.skip(4); // leader_id
      const replicas = r.count();
      if (id === 0) replicationFactor = replicas;
      r.skip(4 * replicas);
      r.skip(4 * r.count()); // isr_nodes
    }
    topics.push({ name, partitions, replicationFactor });
  }
  return topics;
}

/** A DescribeAcls v1 answer's bindings, in its order; undefined when it carries an error. */
export function decodeAcls(raw: Buffer): AclBinding[] | undefined {
  const r = new Reader(raw);
  r.skip(4); // throttle_time_ms
  if (r.int16() !== 0) return undefined;
  r.string(); // error_message
  const acls: AclBinding[] = [];
  for (let n = r.count(); n > 0; n--) {
    const resourceType = (nameOf(RESOURCE, r.int8()) ?? 'OTHER') as BindingResourceType;
    const resourceName = r.string() as string;
    const patternType = (nameOf(PATTERN, r.int8()) ?? 'OTHER') as BindingPatternType;
    for (let k = r.count(); k > 0; k--) {
      const principal = r.string() as string;
      const host = r.string() as string;
      const op = r.int8();
      const permission = r.int8() === ALLOW ? 'ALLOW' : 'DENY';
      acls.push({
        principal,
        host,
        resourceType,
        resourceName,
        patternType,
        operation: nameOf(OPERATIONS, op) ?? `UNKNOWN(${op})`,
        permission,
      });
    }
  }
  return acls;
}
