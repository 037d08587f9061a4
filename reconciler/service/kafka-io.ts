// Kafka in and out: command results, failures, drift (observe mode) and pass summaries out (JSON
// Schema, Confluent wire format through the registry); reconciliation requests in. The requests
// topic's consumer group also elects the leader: the member assigned partition 0 is the one
// replica that applies. The jobs topic (compacted, keyed by reconciliation id) carries every job's
// transitions; each replica reads it from the beginning with a group of its own to see them all.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, Producer } from 'kafkajs';
import type { EnvironmentCatalog } from '../../catalog/model';
import type { ReconcilerEvent } from '../../clientapp/generated/platform/reconciler-event';
import type { ReconcilerSummary } from '../../clientapp/generated/platform/reconciler-summary';
import type { Reconciliation as JobMessage } from '../../clientapp/generated/platform/reconciliation';
import type { ReconciliationRequest } from '../../clientapp/generated/platform/reconciliation-request';
import { withRetry } from '../apply/retry';
import type { Connection } from '../cluster/connection';
import { JsonSchemaMessages } from '../cluster/json-messages';
import { HttpSchemaRegistry } from '../cluster/registry';
import type { Logger } from '../log';
import type { PassReport } from '../reconcile';
import { chunks } from '../util/limit';
import type { DriftItem } from './drift';
import { driftItems } from './drift';
import type { Reconciliation } from './store';

export interface IoTopics {
  readonly requests: string;
  readonly events: string;
  readonly errors: string;
  readonly summary: string;
  /** Reconciliation jobs, compacted by id; optional: without it jobs stay per replica. */
  readonly jobs?: string;
  /** Value subject of each topic. */
  readonly subjects: Readonly<Record<string, string>>;
  /**
   * The catalog's JSON Schema of each topic's values (schemas/platform/*.json): what a message
   * written without the registry (plain JSON) is checked against.
   */
  readonly schemas: Readonly<Record<string, string>>;
}

const KEYS = {
  requests: 'reconciliation-requests',
  events: 'reconciler-events',
  errors: 'reconciler-errors',
  summary: 'reconciler-summary',
} as const;

const JOBS_KEY = 'reconciliations';

/** The platform domain's own topics, as the catalog declares them; undefined if it does not. */
export function ioTopics(env: EnvironmentCatalog, domain: string): IoTopics | undefined {
  const find = (key: string) => env.topics.find((t) => t.domain === domain && t.key === key);
  const found = Object.fromEntries(
    Object.entries(KEYS).map(([role, key]) => [role, find(key)] as const),
  );
  if (Object.values(found).some((t) => !t?.schema?.value)) return undefined;
  const name = (role: keyof typeof KEYS): string => found[role]?.name as string;
  const jobs = find(JOBS_KEY);
  const declared = [...Object.values(found), ...(jobs?.schema?.value ? [jobs] : [])];
  return {
    requests: name('requests'),
    events: name('events'),
    errors: name('errors'),
    summary: name('summary'),
    ...(jobs?.schema?.value ? { jobs: jobs.name } : {}),
    subjects: Object.fromEntries(
      declared.map((t) => [t?.name as string, t?.schema?.value as string]),
    ),
    schemas: Object.fromEntries(
      declared.flatMap((t) => {
        const schema = env.subjects.find((s) => s.name === t?.schema?.value)?.schema;
        return schema?.format === 'JSON' ? [[t?.name as string, schema.text] as const] : [];
      }),
    ),
  };
}

/** Messages per produce request: well below the broker's default 1 MB batch limit. */
const PUBLISH_BATCH = 500;

/**
 * One drift item as an event (schemas/platform/reconciler-event.json, outcome "drifted"). Made of
 * the plan only: names, counts, config values, ACLs and schema paths, never a credential.
 */
export function driftEvent(report: PassReport, d: DriftItem, at: string): DriftEvent {
  return {
    reconciliationId: report.id,
    environment: report.environment,
    command: d.command,
    resource: d.resource,
    outcome: 'drifted',
    drift: d.kind,
    differences: d.differences,
    ...(d.refused ? { refused: true } : {}),
    ...(d.message ? { message: d.message } : {}),
    at,
  };
}

/**
 * A drift event: reconciler-event.json's type with what its description adds for outcome
 * "drifted" (the schema is open, and a property declared there would break BACKWARD).
 */
export interface DriftEvent extends ReconcilerEvent {
  readonly outcome: 'drifted';
  readonly drift: DriftItem['kind'];
  readonly differences: DriftItem['differences'];
  readonly refused?: boolean;
  readonly message?: string;
}

/** The requests topic's messages: schemas/platform/reconciliation-request.json's generated type. */
export type { ReconciliationRequest };

/**
 * What the JSON Schemas do not say: ids name something (a minLength there would narrow a
 * registered schema, which BACKWARD compatibility refuses).
 */
function namesSomething(value: {
  readonly requestId?: string;
  readonly id?: string;
  readonly environment: string;
}): boolean {
  return (value.requestId ?? value.id) !== '' && value.environment !== '';
}

/** Results per job message: keeps a big pass well below the broker's 1 MB message limit. */
export const JOB_RESULTS_LIMIT = 1000;

/** Retries of the election consumer's group calls (kafkajs restarts it after the last one). */
const ELECTION_RETRY = { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 };

/** Pause before a replica whose election consumer stopped for good joins again. */
const REJOIN_PAUSE_MS = 5000;

/** Reading the jobs topic's end offsets again: bounded by the catch-up deadline, not a count. */
const OFFSETS_RETRY = { retries: Infinity, backoffMs: 250, maxBackoffMs: 1000 };

/** How long start() waits to read the jobs topic up to its end before serving anyway. */
const JOBS_CATCH_UP_MS = 15_000;

export interface KafkaIoOptions {
  readonly connection: Connection;
  readonly topics: IoTopics;
  readonly groupId: string;
  readonly environment: string;
  readonly log: Logger;
  readonly onRequest: (request: ReconciliationRequest) => void;
  readonly onLeadership: (leader: boolean) => void;
  /** A job transition read from the jobs topic (this replica's own included). */
  readonly onJob?: (job: Reconciliation) => void;
}

/** The reconciler's JSON Schema messages, through the connection's registry. */
export function wireRegistry(connection: Connection): JsonSchemaMessages {
  return new JsonSchemaMessages(new HttpSchemaRegistry(connection.registry));
}

export class KafkaIo {
  private readonly kafka: Kafka;
  private readonly registry: JsonSchemaMessages;
  private producer?: Producer;
  private consumer?: Consumer;
  private jobsConsumer?: Consumer;
  private jobsGroup?: string;
  /** Job writes in order, so the topic's last value per id is the latest state. */
  private jobWrites: Promise<void> = Promise.resolve();
  private readonly ids = new Map<string, number>();
  private leader = false;
  private stopping = false;
  private rejoin?: NodeJS.Timeout;

  constructor(private readonly opts: KafkaIoOptions) {
    const k = opts.connection.kafka;
    this.kafka = new Kafka({
      clientId: `streamplane-reconciler-io`,
      brokers: [...k.brokers],
      ...(k.sasl ? { sasl: k.sasl } : {}),
      ...(k.ssl ? { ssl: true } : {}),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    this.registry = wireRegistry(opts.connection);
  }

  isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    // The view of past jobs first, so a new leader knows what already ran.
    await this.followJobs();
    await this.joinElection();
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.opts.onLeadership(leader);
  }

  /**
   * Joins the requests topic's group: the member given partition 0 leads. If kafkajs gives up on
   * the group for good (a crash it does not restart), a new consumer joins after a pause, so a
   * replica never stays outside the election while it runs.
   */
  private async joinElection(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1000,
      // kafkajs heartbeats between fetches: an idle fetch waiting its default 5 s leaves a
      // member that long before it learns of a rebalance; 1 s settles a new leader sooner.
      maxWaitTimeInMs: 1000,
      // Joining waits on the other members: rebalances in a row are normal, not failures.
      retry: ELECTION_RETRY,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assigned = e.payload.memberAssignment[this.opts.topics.requests] ?? [];
      this.setLeader(assigned.includes(0));
    });
    consumer.on(consumer.events.REBALANCING, () => this.setLeader(false));
    consumer.on(consumer.events.STOP, () => this.setLeader(false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.setLeader(false);
      const { error, restart } = e.payload;
      this.opts.log.warn(
        { err: error.message, restart },
        restart ? 'leader election: rejoining the group' : 'leader election: consumer stopped',
      );
      if (!restart && !this.stopping && this.consumer === consumer) this.scheduleRejoin(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.opts.topics.requests], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const request = await this.decodeRequest(message.value);
        if (request && request.environment === this.opts.environment) this.opts.onRequest(request);
      },
    });
  }

  private scheduleRejoin(crashed: Consumer): void {
    this.rejoin = setTimeout(() => {
      this.rejoin = undefined;
      void crashed
        .disconnect()
        .catch(() => undefined)
        .then(() => (this.stopping ? undefined : this.joinElection()))
        .catch((err: Error) => {
          this.opts.log.warn({ err: err.message }, 'leader election: could not rejoin');
          if (!this.stopping) this.scheduleRejoin(this.consumer as Consumer);
        });
    }, REJOIN_PAUSE_MS);
  }

  /** Reads the jobs topic from the beginning, up to its end now, and keeps following it. */
  private async followJobs(): Promise<void> {
    const topic = this.opts.topics.jobs;
    if (!topic || !this.opts.onJob) return;
    const deadline = Date.now() + JOBS_CATCH_UP_MS;
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      // Again while it fails with what may pass (a topic created a moment ago has no leader
      // until the broker has applied it, and kafkajs' own retries are short), until the deadline.
      const read = await withRetry(
        async () =>
          new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)])),
        OFFSETS_RETRY,
        () => Date.now() > deadline,
      );
      if (!read.ok) throw new Error(read.error.message);
      ends = read.value;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const read = new Map<number, bigint>();
    const caughtUp = (): boolean =>
      [...ends].every(
        ([partition, high]) => high === 0n || (read.get(partition) ?? -1n) >= high - 1n,
      );
    // A group of its own per replica and start: every replica sees every job, from the start.
    this.jobsGroup = `${this.opts.groupId}.jobs.${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId: this.jobsGroup,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
    });
    this.jobsConsumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const job = await this.decodeJob(message.value);
        if (job) this.opts.onJob?.(job);
        read.set(partition, BigInt(message.offset));
      },
    });
    while (!caughtUp()) {
      if (Date.now() > deadline) {
        this.opts.log.warn({ topic }, 'jobs topic not read to its end in time: serving anyway');
        return;
      }
      await sleep(100);
    }
  }

  private async decodeJob(value: Buffer | null): Promise<Reconciliation | undefined> {
    if (!value) return undefined; // a tombstone: nothing to merge
    try {
      const decoded = await this.decode<JobMessage>(this.opts.topics.jobs as string, value);
      if (!namesSomething(decoded) || decoded.environment !== this.opts.environment)
        return undefined;
      const { environment: _env, ...job } = decoded;
      return job as Reconciliation;
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'ignored an undecodable job message');
      return undefined;
    }
  }

  /**
   * Writes a job's current state (the whole record, keyed by id) to the jobs topic. In order and
   * best effort: a failed write is logged, the next transition writes the whole record again.
   */
  publishJob(job: Reconciliation): Promise<void> {
    const topic = this.opts.topics.jobs;
    if (!topic || !this.producer) return Promise.resolve();
    const { results, ...rest } = job;
    const payload: JobMessage = {
      ...(JSON.parse(JSON.stringify(rest)) as Omit<JobMessage, 'environment'>),
      environment: this.opts.environment,
      ...(results ? { results: results.slice(0, JOB_RESULTS_LIMIT) } : {}),
    };
    const write = async (): Promise<void> => {
      try {
        const value = await this.encode(topic, payload);
        await this.producer?.send({ topic, messages: [{ key: job.id, value }] });
      } catch (err) {
        this.opts.log.warn(
          { reconciliation: job.id, state: job.state, err: (err as Error).message },
          'could not write the job state to Kafka',
        );
      }
    };
    this.jobWrites = this.jobWrites.then(write);
    return this.jobWrites;
  }

  /** Resolves when every job write asked for so far is done (or logged as failed). */
  flushJobs(): Promise<void> {
    return this.jobWrites;
  }

  private async decodeRequest(value: Buffer | null): Promise<ReconciliationRequest | undefined> {
    if (!value) return undefined;
    try {
      const decoded = await this.decode<ReconciliationRequest>(this.opts.topics.requests, value);
      if (namesSomething(decoded)) return decoded;
      this.opts.log.warn(
        { issues: ['requestId and environment must not be empty'] },
        'ignored a malformed reconciliation request',
      );
    } catch (err) {
      this.opts.log.warn(
        { err: (err as Error).message },
        'ignored an undecodable reconciliation request',
      );
    }
    return undefined;
  }

  /** A message of one of the platform's topics: wire format, or plain JSON checked the same way. */
  private decode<T>(topic: string, value: Buffer): Promise<T> {
    return this.registry.decode<T>(value, this.opts.topics.schemas[topic]);
  }

  private async encode(topic: string, payload: unknown): Promise<Buffer> {
    const subject = this.opts.topics.subjects[topic] as string;
    let id = this.ids.get(subject);
    if (id === undefined) {
      id = await this.registry.latestId(subject);
      this.ids.set(subject, id);
    }
    return this.registry.encode(id, payload);
  }

  /** Hands a request to whoever leads, through the requests topic. */
  async forward(request: ReconciliationRequest): Promise<void> {
    const value = await this.encode(this.opts.topics.requests, request);
    await this.producer?.send({
      topic: this.opts.topics.requests,
      messages: [{ key: request.requestId, value }],
    });
  }

  /**
   * Per pass: every command result, failures again on the errors topic, in observe mode one
   * event per drift item (what differs, desired vs actual), then the summary. Sent in batches,
   * so a big pass does not exceed the broker's batch size limit.
   */
  async publishPass(report: PassReport): Promise<void> {
    if (!this.producer) return;
    const at = new Date().toISOString();
    const t = this.opts.topics;
    const events = await Promise.all(
      report.results.map(async (r) => {
        const event: ReconcilerEvent = {
          reconciliationId: report.id,
          environment: report.environment,
          command: r.kind,
          resource: r.resource,
          outcome: r.outcome,
          ...(r.error ? { error: r.error } : {}),
          at,
        };
        return {
          failed: r.outcome === 'failed',
          key: r.resource,
          event: await this.encode(t.events, event),
          error: r.outcome === 'failed' ? await this.encode(t.errors, event) : undefined,
        };
      }),
    );
    const drift = report.mode === 'observe' && report.plan ? driftItems(report.plan) : [];
    let driftEvents: { key: string; value: Buffer }[] = [];
    let driftError: Error | undefined;
    try {
      driftEvents = await this.encodeDrift(report, drift, at);
    } catch (err) {
      // The registry's latest events schema predates "drifted": publish the rest regardless.
      driftError = err as Error;
    }
    const summary: ReconcilerSummary = {
      reconciliationId: report.id,
      environment: report.environment,
      mode: report.mode,
      state: report.state,
      drift: report.drift,
      commands: report.counts.commands,
      failed: report.counts.failed,
      durationMs: report.durationMs,
      at,
    };
    const messages = [
      ...events.map((e) => ({ topic: t.events, key: e.key, value: e.event })),
      ...events
        .filter((e) => e.error)
        .map((e) => ({ topic: t.errors, key: e.key, value: e.error as Buffer })),
      ...driftEvents.map((e) => ({ topic: t.events, ...e })),
    ];
    const summaryMessage = {
      topic: t.summary,
      key: report.id,
      value: await this.encode(t.summary, summary),
    };
    const batches = chunks(messages, PUBLISH_BATCH);
    if (batches.length === 0) batches.push([]);
    (batches.at(-1) as typeof messages).push(summaryMessage);
    for (const batch of batches) {
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const { topic, key, value } of batch) {
        const list = byTopic.get(topic) ?? [];
        list.push({ key, value });
        byTopic.set(topic, list);
      }
      await this.producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
    }
    if (driftError)
      throw new Error(
        `${drift.length} drift event(s) not published: ${driftError.message} ` +
          `(is the current ${t.subjects[t.events]} registered?)`,
      );
  }

  private async encodeDrift(
    report: PassReport,
    drift: readonly DriftItem[],
    at: string,
  ): Promise<{ key: string; value: Buffer }[]> {
    if (drift.length === 0) return [];
    const encodeAll = (): Promise<{ key: string; value: Buffer }[]> =>
      Promise.all(
        drift.map(async (d) => ({
          key: d.resource,
          value: await this.encode(this.opts.topics.events, driftEvent(report, d, at)),
        })),
      );
    try {
      return await encodeAll();
    } catch {
      // The cached schema id may be older than the registry's latest version: look again once.
      this.ids.delete(this.opts.topics.subjects[this.opts.topics.events] as string);
      return encodeAll();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.rejoin);
    // Leaving the group hands partition 0 (leadership) to another replica at once.
    await this.consumer?.disconnect().catch(() => undefined);
    await this.jobWrites;
    await this.jobsConsumer?.disconnect().catch(() => undefined);
    if (this.jobsGroup) {
      // The per-replica group has no use after this replica: leave no offsets behind.
      const admin = this.kafka.admin();
      await admin
        .connect()
        .then(() => admin.deleteGroups([this.jobsGroup as string]))
        .catch(() => undefined)
        .finally(() => admin.disconnect().catch(() => undefined));
    }
    await this.producer?.disconnect().catch(() => undefined);
    this.leader = false;
  }
}
