// Executes a plan: batched admin requests with bounded concurrency, retries for what may pass,
// a result for every command. A failure stops only what depends on it (a schema's references).
import type { Clients } from '../cluster/clients';
import type { BatchResult, ItemError } from '../cluster/types';
import type {
  Command,
  CommandKind,
  DeleteAcl,
  Identity,
  Plan,
  RegisterSchema,
  SetSubjectCompatibility,
  Stage,
} from '../plan/commands';
import { COMMAND_STAGES, identityOf, stageOf } from '../plan/commands';
import { toItemError } from '../cluster/errors';
import { mapLimit, sleep } from '../util/limit';
import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY, backoff, withRetry } from './retry';

export type Outcome = 'succeeded' | 'failed' | 'skipped';

export interface CommandResult extends Identity {
  readonly id: string;
  readonly kind: CommandKind;
  readonly resource: string;
  readonly outcome: Outcome;
  readonly error?: string;
  readonly code?: string;
  readonly attempts: number;
  readonly durationMs: number;
}

export interface ApplyOptions {
  /**
   * At most this many items per admin request (topics per CreateTopics, ACLs per CreateAcls,
   * ...). By default a request carries as many as the broker takes in one (RECORDS_PER_REQUEST).
   */
  readonly batchSize?: number;
  /** Admin requests (or registry calls) in flight at once. */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /** Called once per command, as soon as its result is known. */
  readonly onResult?: (result: CommandResult, command: Command) => void;
  /**
   * Checked before each request: once aborted, nothing new starts (shutdown, lost leadership);
   * what is in flight finishes, and every command not sent is `skipped` ("cancelled").
   */
  readonly signal?: AbortSignal;
}

/**
 * Metadata records one admin request may carry. A KRaft controller commits each request's
 * records together and refuses an operation of more than 10,000; each topic is one record, plus
 * one per partition and one per config entry, each ACL one. Below that, fewer requests are
 * faster: every request is a round trip and a metadata commit.
 */
export const RECORDS_PER_REQUEST = 8000;

/** The error of a command not sent because the pass was cancelled. */
export const CANCELLED = 'cancelled: not sent';

/** The metadata records creating this topic writes (see RECORDS_PER_REQUEST). */
export const topicRecords = (t: {
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}): number => 1 + t.partitions + Object.keys(t.config).length;

/** Items in requests of at most RECORDS_PER_REQUEST records and `maxItems` items. */
export function requestBatches<T>(
  items: readonly T[],
  records: (item: T) => number,
  maxItems = Infinity,
): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = records(item);
    if (current.length > 0 && (current.length >= maxItems || size + n > RECORDS_PER_REQUEST)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export async function applyPlan(
  plan: Plan,
  clients: Clients,
  opts: ApplyOptions = {},
): Promise<CommandResult[]> {
  const run = new Run(clients, opts);
  const byStage: Command[][] = COMMAND_STAGES.map(() => []);
  for (const c of plan.commands) (byStage[stageOf(c.kind)] as Command[]).push(c);
  // Each stage starts once the stages it comes after have finished; the others run alongside.
  const started = new Map<number, Promise<void>>();
  const start = (i: number): Promise<void> => {
    let p = started.get(i);
    if (!p) {
      const stage = COMMAND_STAGES[i] as Stage;
      const before = [...new Set(stage.after.map(stageOf))];
      p = Promise.all(before.map(start)).then(() =>
        run.stage(stage.kinds[0] as CommandKind, byStage[i] as Command[]),
      );
      started.set(i, p);
    }
    return p;
  };
  await Promise.all(COMMAND_STAGES.map((_, i) => start(i)));
  const order = new Map(plan.commands.map((c, i) => [c.id, i] as const));
  return run.results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

class Run {
  readonly results: CommandResult[] = [];
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly stopped: () => boolean;
  /** Set once Kafka stayed unreachable through all retries: later batches fail fast. */
  private kafkaDown?: ItemError;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly clients: Clients,
    private readonly opts: ApplyOptions,
  ) {
    this.batchSize = opts.batchSize ?? Infinity;
    this.concurrency = opts.concurrency ?? 4;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    const signal = opts.signal;
    this.stopped = signal ? () => signal.aborted : () => false;
  }

  /** One stage's commands (COMMAND_STAGES), named by its first kind. */
  stage(kind: CommandKind, commands: Command[]): Promise<void> {
    const { admin } = this.clients;
    const of = <K extends CommandKind>(k: K): Extract<Command, { kind: K }>[] =>
      commands.filter((c): c is Extract<Command, { kind: K }> => c.kind === k);
    switch (kind) {
      case 'CreateAcl':
        return this.batches(of('CreateAcl'), (b) => admin.createAcls(b.map((c) => c.acl)));
      case 'DeleteAcl':
        return this.afterAclCreates(of('DeleteAcl'));
      case 'IncreasePartitions':
        return this.batches(of('IncreasePartitions'), (b) =>
          admin.createPartitions(b.map((c) => ({ topic: c.topic, count: c.to }))),
        );
      case 'AlterTopicConfig':
        return this.batches(of('AlterTopicConfig'), (b) =>
          admin.alterTopicConfigs(b.map((c) => ({ topic: c.topic, config: c.config }))),
        );
      case 'CreateTopic':
        return this.batches(
          of('CreateTopic'),
          (b) =>
            admin.createTopics(
              b.map((c) => ({
                name: c.topic,
                partitions: c.partitions,
                replicationFactor: c.replicationFactor,
                config: c.config,
              })),
            ),
          topicRecords,
        );
      case 'DeleteTopic':
        return this.batches(of('DeleteTopic'), (b) => admin.deleteTopics(b.map((c) => c.topic)));
      case 'RegisterSchema':
      case 'SetSubjectCompatibility':
        return this.subjects(
          commands.filter(
            (c): c is RegisterSchema | SetSubjectCompatibility =>
              c.kind === 'RegisterSchema' || c.kind === 'SetSubjectCompatibility',
          ),
        );
    }
  }

  private record(
    c: Command,
    outcome: Outcome,
    started: number,
    attempts: number,
    error?: ItemError | string,
  ): boolean {
    const e = typeof error === 'string' ? { message: error } : error;
    const result: CommandResult = {
      id: c.id,
      kind: c.kind,
      resource: c.resource,
      ...identityOf(c),
      outcome,
      ...(e ? { error: e.message } : {}),
      ...(e && 'code' in e && e.code ? { code: e.code } : {}),
      attempts,
      durationMs: Date.now() - started,
    };
    this.results.push(result);
    this.opts.onResult?.(result, c);
    return outcome === 'succeeded';
  }

  /** Batches of one kind; retriable item errors are retried alone, the rest recorded. */
  async batches<C extends Command>(
    commands: C[],
    send: (batch: C[]) => Promise<BatchResult>,
    records: (c: C) => number = () => 1,
  ): Promise<void> {
    const batches = requestBatches(commands, records, this.batchSize);
    await mapLimit(batches, this.concurrency, async (batch) => {
      const started = Date.now();
      let pending = batch;
      let lastError: ItemError | undefined;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (this.stopped()) {
          for (const c of pending) this.record(c, 'skipped', started, attempt - 1, CANCELLED);
          return;
        }
        if (this.kafkaDown) {
          const why = `not sent: Kafka unreachable (${this.kafkaDown.message})`;
          for (const c of pending) this.record(c, 'failed', started, attempt - 1, why);
          return;
        }
        let results: BatchResult;
        try {
          results = await send(pending);
        } catch (err) {
          lastError = toItemError(err);
          results = pending.map(() => lastError);
        }
        const retry: C[] = [];
        pending.forEach((c, i) => {
          const e = results[i];
          if (!e) this.record(c, 'succeeded', started, attempt);
          else if (e.retriable && attempt <= this.retry.retries) retry.push(c);
          else this.record(c, 'failed', started, attempt, e);
        });
        // The whole request failed for good on a transient error: the cluster is gone.
        if (lastError?.retriable && retry.length === 0 && results.every((r) => r === lastError))
          this.kafkaDown = lastError;
        pending = retry;
        if (pending.length > 0) await sleep(backoff(this.retry, attempt));
      }
    });
  }

  /**
   * ACLs are added before any is removed, so access that moves (a new prefix replacing an old
   * one) never lapses; when an add failed, the removals wait for the next pass (skipped).
   */
  async afterAclCreates(deletes: DeleteAcl[]): Promise<void> {
    const failed = this.results.some((r) => r.kind === 'CreateAcl' && r.outcome !== 'succeeded');
    if (!failed) {
      await this.batches(deletes, (b) => this.clients.admin.deleteAcls(b.map((c) => c.acl)));
      return;
    }
    const why = 'not run: an ACL to add failed, so none is removed until it exists';
    for (const c of deletes) this.record(c, 'skipped', Date.now(), 0, why);
  }

  /** Each subject after the subjects it references; a failed reference skips its users. */
  async subjects(commands: (RegisterSchema | SetSubjectCompatibility)[]): Promise<void> {
    const bySubject = new Map<string, (RegisterSchema | SetSubjectCompatibility)[]>();
    for (const c of commands) bySubject.set(c.subject, [...(bySubject.get(c.subject) ?? []), c]);
    const tasks = new Map<string, Promise<boolean>>();
    const task = (subject: string): Promise<boolean> => {
      let t = tasks.get(subject);
      if (!t) {
        t = this.subject(bySubject.get(subject) ?? [], task);
        tasks.set(subject, t);
      }
      return t;
    };
    await Promise.all([...bySubject.keys()].map(task));
  }

  private async subject(
    commands: (RegisterSchema | SetSubjectCompatibility)[],
    task: (subject: string) => Promise<boolean>,
  ): Promise<boolean> {
    // A referenced subject without commands in this plan is already in place (its task is true).
    const refs = commands.flatMap((c) => (c.kind === 'RegisterSchema' ? c.references : []));
    const failedRefs: string[] = [];
    for (const r of refs) if (!(await task(r.subject))) failedRefs.push(r.subject);
    let ok = failedRefs.length === 0;
    for (const c of commands) {
      const started = Date.now();
      if (!ok) {
        const why = failedRefs.length
          ? `skipped: referenced subject ${failedRefs.join(', ')} failed`
          : 'skipped: an earlier command on this subject failed';
        this.record(c, 'skipped', started, 0, why);
        continue;
      }
      if (this.stopped()) {
        this.record(c, 'skipped', started, 0, CANCELLED);
        ok = false;
        continue;
      }
      const r = await this.limited(() =>
        withRetry(() => this.execSubject(c), this.retry, this.stopped),
      );
      ok = this.record(
        c,
        r.ok ? 'succeeded' : 'failed',
        started,
        r.attempts,
        r.ok ? undefined : r.error,
      );
    }
    return ok;
  }

  private async execSubject(c: RegisterSchema | SetSubjectCompatibility): Promise<void> {
    const { registry } = this.clients;
    if (c.kind === 'SetSubjectCompatibility') return registry.setCompatibility(c.subject, c.to);
    const references = await Promise.all(
      c.references.map(async (r) => {
        const latest = await registry.latest(r.subject);
        if (!latest) throw new Error(`referenced subject ${r.subject} is not registered`);
        return { name: r.name, subject: r.subject, version: latest.version };
      }),
    );
    await registry.register(c.subject, { schema: c.schema, schemaType: c.schemaType, references });
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }
}
