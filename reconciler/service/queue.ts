// The reconciliation jobs of one replica: what was asked (accepted), what runs next, and every
// transition published in order (accepted here; running, succeeded, failed on the leader). The
// records live in the ReconciliationStore, which also merges what other replicas publish.
import { randomUUID } from 'node:crypto';
import type { Mode, PassReport } from '../reconcile';
import type { Reconciliation } from './store';
import { ReconciliationStore, finishWith } from './store';

export interface JobRequest {
  readonly source: Reconciliation['source'];
  readonly id?: string;
  readonly reason?: string;
  readonly requestedBy?: string;
  readonly dryRun?: boolean;
}

export interface JobQueueOptions {
  /** The service's mode; a dry run is observe whatever it is. */
  readonly mode: Mode;
  /** Publishes a transition (the jobs topic); called with the record as it is now, in order. */
  readonly publish: (rec: Reconciliation) => void;
}

export class JobQueue {
  readonly store = new ReconciliationStore();
  private readonly ids: string[] = [];

  constructor(private readonly opts: JobQueueOptions) {}

  get length(): number {
    return this.ids.length;
  }

  /**
   * Accepts a request to run here. A request seen again (redelivered, or already run by an
   * earlier leader) is not queued twice; one only accepted elsewhere (forwarded here, or read
   * from the jobs topic) is. Returns the record, and whether it was queued now.
   */
  enqueue(r: JobRequest): { rec: Reconciliation; queued: boolean } {
    const existing = r.id ? this.store.get(r.id) : undefined;
    if (existing && (existing.state !== 'accepted' || this.ids.includes(existing.id)))
      return { rec: existing, queued: false };
    const rec = this.accept({ ...r, id: r.id ?? randomUUID() });
    this.ids.push(rec.id);
    return { rec, queued: true };
  }

  /** Accepted here, run by the leader (see KafkaIo.forward): recorded, not queued. */
  forwarded(r: Omit<JobRequest, 'source'> & { id: string }): Reconciliation {
    return this.accept({ ...r, source: 'api' }, true);
  }

  private accept(r: JobRequest & { id: string }, forwarded = false): Reconciliation {
    const rec = this.store.add({
      id: r.id,
      state: 'accepted',
      source: r.source,
      mode: r.dryRun ? 'observe' : this.opts.mode,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.requestedBy ? { requestedBy: r.requestedBy } : {}),
      acceptedAt: new Date().toISOString(),
      ...(forwarded ? { forwarded: true } : {}),
    });
    this.opts.publish(rec);
    return rec;
  }

  /** A forwarded request that never reached Kafka: it will not run anywhere. */
  abandon(id: string, error: string): void {
    const rec = this.store.get(id);
    if (!rec || rec.state !== 'accepted') return;
    rec.state = 'failed';
    rec.finishedAt = new Date().toISOString();
    rec.error = error;
    this.opts.publish(rec);
  }

  /** A transition read from the jobs topic: merged into the view, never moving a job back. */
  observe(job: Reconciliation): void {
    this.store.merge(job);
  }

  /** The next queued job, now running; undefined when none is left. */
  start(): Reconciliation | undefined {
    while (this.ids.length > 0) {
      const rec = this.store.get(this.ids.shift() as string);
      if (!rec) continue;
      rec.state = 'running';
      rec.startedAt = new Date().toISOString();
      this.opts.publish(rec);
      return rec;
    }
    return undefined;
  }

  /** A job's pass ended: its outcome on the record (even one the view dropped meanwhile). */
  finish(rec: Reconciliation, report: PassReport): void {
    finishWith(rec, report);
    this.opts.publish(rec);
  }
}
