// Reconciliation requests and their outcome, like a fleet manager's operations:
// accepted → running → succeeded | failed. Kept in memory, the most recent ones only; with a jobs
// topic (kafka-io.ts) every replica merges the transitions the others publish into its view.
import type { CommandResult } from '../apply/executor';
import type { Mode, PassReport } from '../reconcile';

export type ReconciliationState = 'accepted' | 'running' | 'succeeded' | 'failed';

export interface Reconciliation {
  readonly id: string;
  state: ReconciliationState;
  readonly source: 'api' | 'kafka' | 'interval' | 'startup';
  readonly mode: Mode;
  readonly reason?: string;
  readonly requestedBy?: string;
  readonly acceptedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Accepted by a replica that is not the leader and handed to it through Kafka. */
  forwarded?: boolean;
  drift?: number;
  counts?: PassReport['counts'];
  results?: readonly CommandResult[];
  error?: string;
}

/** How far a reconciliation got: a state never goes back to a lower rank. */
export const STATE_RANK: Readonly<Record<ReconciliationState, number>> = {
  accepted: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
};

/** A pass's outcome on its reconciliation. */
export function finishWith(r: Reconciliation, report: PassReport): void {
  r.state = report.state;
  r.finishedAt = new Date().toISOString();
  r.drift = report.drift;
  r.counts = report.counts;
  r.results = report.results;
  if (report.error) r.error = report.error;
}

export class ReconciliationStore {
  private readonly items = new Map<string, Reconciliation>();

  constructor(private readonly capacity = 200) {}

  add(r: Reconciliation): Reconciliation {
    this.items.set(r.id, r);
    this.evict();
    return r;
  }

  private evict(): void {
    while (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
  }

  get(id: string): Reconciliation | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  recent(limit = 20): Reconciliation[] {
    return [...this.items.values()].slice(-limit).reverse();
  }

  finish(id: string, report: PassReport): void {
    const r = this.items.get(id);
    if (r) finishWith(r, report);
  }

  /**
   * A transition another replica (or this one, before a restart) published. An unknown id is added
   * as it is; a known one takes the progress (state, times, counts, results, error) only when it
   * got further, so a late or replayed earlier state never regresses the view. What this replica
   * knows of the request itself (source, forwarded, reason) stays. Returns the record if changed.
   */
  merge(incoming: Reconciliation): Reconciliation | undefined {
    const current = this.items.get(incoming.id);
    if (!current) return this.add({ ...incoming });
    if (STATE_RANK[incoming.state] <= STATE_RANK[current.state]) return undefined;
    current.state = incoming.state;
    for (const key of ['startedAt', 'finishedAt', 'drift', 'counts', 'results', 'error'] as const)
      if (incoming[key] !== undefined)
        (current as unknown as Record<string, unknown>)[key] = incoming[key];
    return current;
  }
}
