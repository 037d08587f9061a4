// Prometheus metrics through prom-client, on a registry of the service's own (never the global
// one): several services in one process, as in the tests, each expose only their own metrics.
// The default process and Node.js metrics (CPU, memory, event loop lag, GC, handles) are
// collected on that registry too.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandResult } from '../apply/executor';
import type { PassReport } from '../reconcile';
import { DRIFT_KINDS, driftItems } from './drift';

const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export class Metrics {
  readonly registry = new Registry();
  readonly passes = new Counter({
    name: 'reconciler_passes_total',
    help: 'Reconciliation passes by mode and state',
    labelNames: ['mode', 'state'] as const,
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'reconciler_commands_total',
    help: 'Commands executed by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'reconciler_errors_total',
    help: 'Errors by where they happened',
    labelNames: ['where'] as const,
    registers: [this.registry],
  });
  readonly drift = new Gauge({
    name: 'reconciler_drift',
    help: 'Drift (commands and refusals) found by the last pass',
    registers: [this.registry],
  });
  /** The same drift by kind; the kinds add up to reconciler_drift. */
  readonly driftByKind = new Gauge({
    name: 'reconciler_drift_items',
    help: 'Drift found by the last pass, by kind (partitions, config, acl-missing, ...)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'reconciler_leader',
    help: '1 when this replica is the one that applies',
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'reconciler_last_success_timestamp_seconds',
    help: 'End of the last succeeded pass',
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'reconciler_cluster_requests_total',
    help: 'Requests to the cluster by target',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'reconciler_pass_duration_seconds',
    help: 'Duration of reconciliation passes',
    buckets: BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.leader.set(0);
    this.drift.set(0);
    for (const kind of DRIFT_KINDS) this.driftByKind.set({ kind }, 0);
  }

  /** The Content-Type of render()'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  recordPass(report: PassReport): void {
    this.passes.inc({ mode: report.mode, state: report.state });
    this.drift.set(report.drift);
    // Every kind every pass, so drift that was resolved goes back to 0. A pass without a plan
    // (cluster unreachable) leaves the last known values: unknown is not "no drift".
    if (report.plan) {
      const counts = new Map<string, number>(DRIFT_KINDS.map((k) => [k, 0]));
      for (const d of driftItems(report.plan)) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
      for (const [kind, n] of counts) this.driftByKind.set({ kind }, n);
    }
    if (report.error) this.errors.inc({ where: 'pass' });
    if (report.state === 'succeeded') this.lastSuccess.set(Math.round(Date.now() / 1000));
    this.requests.inc({ target: 'kafka' }, report.roundTrips.admin);
    this.requests.inc({ target: 'registry' }, report.roundTrips.registry);
    this.duration.observe(report.durationMs / 1000);
  }

  recordResult(r: CommandResult): void {
    this.commands.inc({ kind: r.kind, outcome: r.outcome });
  }

  /** The Prometheus text exposition (format 0.0.4) of this service's registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
