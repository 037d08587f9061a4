// Reconciliation requests and their outcome, like a fleet manager's operations:
// accepted → running → succeeded | failed. Kept in memory, the most recent ones only.
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

export class ReconciliationStore {
  private readonly items = new Map<string, Reconciliation>();

  constructor(private readonly capacity = 200) {}

  add(r: Reconciliation): Reconciliation {
    this.items.set(r.id, r);
    while (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
    return r;
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
    if (!r) return;
    r.state = report.state;
    r.finishedAt = new Date().toISOString();
    r.drift = report.drift;
    r.counts = report.counts;
    r.results = report.results;
    if (report.error) r.error = report.error;
  }
}
