// What /status serves: the last comparison of the cluster with the catalog (a pass's, or a
// read-only refresh's), the last pass and the last failure. Topic statuses are worked out once per
// comparison, so their transition times move exactly when a comparison shows a new status,
// whether or not anyone is looking.
import type { CommandResult } from '../apply/executor';
import type { Plan } from '../plan/commands';
import type { Mode, PassReport } from '../reconcile';
import type { DesiredState } from '../state/desired';
import type { TopicStatus } from './status';
import { topicStatuses } from './status';

/** A plan and when the cluster was read for it. */
export interface ObservedPlan {
  readonly plan: Plan;
  readonly observedAt: string;
}

export interface Snapshot {
  readonly environment?: string;
  readonly mode: Mode;
  readonly leader: boolean;
  readonly observedAt?: string;
  readonly drift?: number;
  readonly lastPass?: Omit<PassReport, 'plan' | 'remaining' | 'results'>;
  readonly error?: string;
  readonly topics: readonly TopicStatus[];
}

interface Comparison {
  readonly plan: Plan;
  readonly desired: DesiredState;
  readonly at: string;
}

export class StatusStore {
  private comparison?: Comparison;
  private report?: PassReport;
  private results: readonly CommandResult[] = [];
  private error?: string;
  private topics: readonly TopicStatus[] = [];
  private memo?: { key: readonly unknown[]; snapshot: Snapshot };

  /** `mode`: the service's, which words the topics' conditions (Pending or Drifted). */
  constructor(
    private readonly mode: Mode,
    private readonly now: () => number = Date.now,
  ) {}

  /** The plan of the last comparison, if there was one. */
  lastPlan(): ObservedPlan | undefined {
    const c = this.comparison;
    return c ? { plan: c.plan, observedAt: c.at } : undefined;
  }

  /**
   * A pass ended. What it left to do (or found, in observe mode) is the latest comparison; a pass
   * that failed before planning keeps the one before.
   */
  passed(report: PassReport, desired: DesiredState | undefined): void {
    this.report = report;
    this.results = report.results;
    this.error = report.error;
    const latest = report.remaining ?? report.plan;
    const at = new Date(this.now()).toISOString();
    if (latest && desired) this.comparison = { plan: latest, desired, at };
    this.restatus(at);
  }

  /** A read-only comparison: followers', and reads of the plan that ask for a fresh one. */
  compared(plan: Plan, desired: DesiredState, at: string): void {
    this.comparison = { plan, desired, at };
    this.error = undefined;
    this.restatus(at);
  }

  /** A comparison that could not be made (cluster or catalog unreadable). */
  failed(error: string): void {
    this.error = error;
  }

  private restatus(at: string): void {
    const c = this.comparison;
    this.topics = c
      ? topicStatuses(c.desired, c.plan, this.mode, this.results, { at, previous: this.topics })
      : [];
  }

  /** Built once per change: /status is served from memory, however many ask. */
  snapshot(leader: boolean): Snapshot {
    const key = [this.comparison, this.report, this.error, this.topics, leader];
    const memo = this.memo;
    if (memo && memo.key.every((k, i) => k === key[i])) return memo.snapshot;
    const c = this.comparison;
    const last = this.report;
    const lastPass = last
      ? (({ plan: _p, remaining: _r, results: _res, ...rest }) => rest)(last)
      : undefined;
    const snapshot: Snapshot = {
      ...(c ? { environment: c.plan.environment, observedAt: c.at, drift: c.plan.drift } : {}),
      mode: this.mode,
      leader,
      ...(lastPass ? { lastPass } : {}),
      ...(this.error ? { error: this.error } : {}),
      topics: this.topics,
    };
    this.memo = { key, snapshot };
    return snapshot;
  }
}
