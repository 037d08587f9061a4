// The reconcile loop, composed of one-job parts: the job queue (queue.ts), leadership and the
// signal that cancels a pass (leadership.ts), the status /status serves (status-store.ts) and the
// Reconciler (../reconcile.ts). One pass at a time, on request and again when the reconciler asks
// to be requeued (the resync interval after each pass). Only the leader runs passes that apply
// and publish; other replicas refresh a read-only plan on the interval to serve reads.
import type { Clients } from '../cluster/clients';
import type { Mode, PassReport, ReconcileResult } from '../reconcile';
import { PassReconciler, readAndPlan } from '../reconcile';
import type { DesiredState } from '../state/desired';
import type { Logger } from '../log';
import { Leadership } from './leadership';
import type { Metrics } from './metrics';
import { singleFlight } from './limits';
import type { JobRequest } from './queue';
import { JobQueue } from './queue';
import type { ObservedPlan, Snapshot } from './status-store';
import { StatusStore } from './status-store';
import type { Reconciliation, ReconciliationStore } from './store';

export interface ControllerOptions {
  readonly mode: Mode;
  readonly intervalMs: number;
  readonly clients: Clients;
  /** Loads the catalog again for every pass: level-triggered on the catalog too. */
  readonly desired: () => DesiredState;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly isLeader: () => boolean;
  /**
   * Every transition this replica owns (accepted here; running, succeeded, failed on the leader),
   * for the jobs topic. Called with the record as it is now; writes in order.
   */
  readonly onTransition?: (rec: Reconciliation) => Promise<void>;
  /** After every leader pass (Kafka out). */
  readonly onPass?: (report: PassReport) => Promise<void>;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /**
   * Reads of the plan refresh it at most this often (5 s), however many clients ask: everything
   * else is served from the last comparison (a pass's, or a refresh's).
   */
  readonly refreshMinMs?: number;
}

export class Controller {
  private readonly queue: JobQueue;
  private readonly leadership: Leadership;
  private readonly status: StatusStore;
  private readonly reconciler: PassReconciler;
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopping = false;
  /** The catalog as the pass in flight read it (its topics' statuses are worked out from it). */
  private passDesired?: DesiredState;
  /** Concurrent refreshes share one read of the cluster and the registry. */
  private readonly refreshOnce = singleFlight(() => this.readFresh());

  constructor(private readonly opts: ControllerOptions) {
    this.queue = new JobQueue({ mode: opts.mode, publish: (rec) => this.publish(rec) });
    this.leadership = new Leadership(opts.isLeader);
    this.status = new StatusStore(opts.mode);
    this.reconciler = new PassReconciler({
      clients: opts.clients,
      desired: () => (this.passDesired = opts.desired()),
      resyncMs: opts.intervalMs,
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    });
  }

  /** Every job this replica knows: its own, and what the jobs topic says of the others'. */
  get store(): ReconciliationStore {
    return this.queue.store;
  }

  start(): void {
    this.schedule(0);
  }

  /**
   * The next tick: the leader queues a pass unless one is queued or running, a follower refreshes
   * its read-only plan. A finished pass reschedules it at its requeueAfterMs.
   */
  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      if (this.opts.isLeader()) {
        if (this.queue.length === 0 && !this.current) this.request({ source: 'interval' });
      } else void this.refresh();
      this.schedule(this.opts.intervalMs);
    }, ms);
  }

  /** Queues a pass; it runs when this replica leads. */
  request(r: JobRequest): Reconciliation {
    const { rec, queued } = this.queue.enqueue(r);
    if (queued) this.kick();
    return rec;
  }

  /** Accepted here, applied by the leader (see KafkaIo.forward). */
  recordForwarded(r: Omit<JobRequest, 'source'> & { id: string }): Reconciliation {
    return this.queue.forwarded(r);
  }

  /** A forwarded request that never reached Kafka: it will not run anywhere. */
  abandon(id: string, error: string): void {
    this.queue.abandon(id, error);
  }

  /** A transition read from the jobs topic: merged into the view, never moving a job back. */
  observeJob(job: Reconciliation): void {
    this.queue.observe(job);
  }

  /** Publishes a transition; a failed write is the publisher's to log, never the pass's. */
  private publish(rec: Reconciliation): void {
    this.opts.onTransition?.(rec).catch((err: Error) => {
      this.opts.metrics.errors.inc({ where: 'publish' });
      this.opts.log.warn(
        { reconciliation: rec.id, err: err.message },
        'could not publish a job transition',
      );
    });
  }

  /** Leadership changed: a lost lead cancels the pass in flight; a gained one runs the queue. */
  kick(): void {
    this.leadership.changed();
    if (this.current || !this.leadership.leading || this.queue.length === 0) return;
    this.current = this.drain().finally(() => {
      this.current = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.leadership.leading) {
      const rec = this.queue.start();
      if (!rec) return;
      const { report, requeueAfterMs } = await this.pass(rec);
      this.queue.finish(rec, report);
      if (requeueAfterMs !== undefined && !this.stopping) this.schedule(requeueAfterMs);
    }
  }

  private async pass(rec: Reconciliation): Promise<ReconcileResult> {
    const { log, metrics } = this.opts;
    this.passDesired = undefined;
    const { signal, done } = this.leadership.passSignal();
    const result = await this.reconciler
      .reconcile({ mode: rec.mode, id: rec.id }, signal)
      .finally(done);
    const { report } = result;
    for (const r of report.results) {
      metrics.recordResult(r);
      if (r.outcome !== 'succeeded')
        log.warn(
          {
            reconciliation: rec.id,
            command: r.kind,
            resource: r.resource,
            outcome: r.outcome,
            error: r.error,
          },
          'command not applied',
        );
    }
    metrics.recordPass(report);
    this.status.passed(report, this.passDesired);
    log.info(
      {
        reconciliation: rec.id,
        source: rec.source,
        mode: report.mode,
        state: report.state,
        drift: report.drift,
        counts: report.counts,
        durationMs: report.durationMs,
        error: report.error,
      },
      'reconciliation pass',
    );
    try {
      await this.opts.onPass?.(report);
    } catch (err) {
      metrics.errors.inc({ where: 'publish' });
      log.warn({ err: (err as Error).message }, 'could not publish the pass to Kafka');
    }
    return result;
  }

  /** Followers: a read-only plan keeps /status current without changing the cluster. */
  private async refresh(): Promise<void> {
    await this.refreshOnce().catch(() => undefined);
  }

  private async readFresh(): Promise<ObservedPlan> {
    try {
      const desired = this.opts.desired();
      const { plan } = await readAndPlan(desired, this.opts.clients);
      const at = new Date().toISOString();
      this.status.compared(plan, desired, at);
      return { plan, observedAt: at };
    } catch (err) {
      this.status.failed((err as Error).message);
      this.opts.metrics.errors.inc({ where: 'observe' });
      throw err;
    }
  }

  /**
   * The plan of the last comparison (GET /plan). The cluster is read only when there is none
   * yet, or when `fresh` asks and the last one is older than `refreshMinMs`; concurrent reads
   * share that one read. A failed refresh serves the last plan if there is one.
   */
  async readPlan(opts: { fresh?: boolean } = {}): Promise<ObservedPlan> {
    const last = this.status.lastPlan();
    const minMs = this.opts.refreshMinMs ?? 5_000;
    if (last && (!opts.fresh || Date.now() - Date.parse(last.observedAt) < minMs)) return last;
    try {
      return await this.refreshOnce();
    } catch (err) {
      if (last) return last;
      throw err;
    }
  }

  /** Built once per comparison: /status is served from memory, however many ask. */
  snapshot(): Snapshot {
    return this.status.snapshot(this.opts.isLeader());
  }

  /** Stops the loop; the pass in flight finishes its current request, then ends (cancelled). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.leadership.stop();
    await this.current;
  }
}
