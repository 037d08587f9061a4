// Prometheus text exposition (format 0.0.4), written by hand: a few counters, gauges and one
// histogram do not need a client library.
import type { CommandResult } from '../apply/executor';
import type { PassReport } from '../reconcile';

const BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

type Labels = Record<string, string>;

class Family {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const v = this.values.get(key) ?? { labels, value: 0 };
    v.value += by;
    this.values.set(key, v);
  }

  set(value: number, labels: Labels = {}): void {
    this.values.set(labelText(labels), { labels, value });
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const esc = (v: string): string =>
    v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
  return `{${entries.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

export class Metrics {
  readonly passes = new Family(
    'reconciler_passes_total',
    'Reconciliation passes by mode and state',
    'counter',
  );
  readonly commands = new Family(
    'reconciler_commands_total',
    'Commands executed by kind and outcome',
    'counter',
  );
  readonly errors = new Family(
    'reconciler_errors_total',
    'Errors by where they happened',
    'counter',
  );
  readonly drift = new Family(
    'reconciler_drift',
    'Drift (commands and refusals) found by the last pass',
    'gauge',
  );
  readonly leader = new Family(
    'reconciler_leader',
    '1 when this replica is the one that applies',
    'gauge',
  );
  readonly lastSuccess = new Family(
    'reconciler_last_success_timestamp_seconds',
    'End of the last succeeded pass',
    'gauge',
  );
  readonly requests = new Family(
    'reconciler_cluster_requests_total',
    'Requests to the cluster by target',
    'counter',
  );
  private readonly buckets = BUCKETS.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;

  constructor() {
    this.leader.set(0);
    this.drift.set(0);
  }

  recordPass(report: PassReport): void {
    this.passes.inc({ mode: report.mode, state: report.state });
    this.drift.set(report.drift);
    if (report.error) this.errors.inc({ where: 'pass' });
    if (report.state === 'succeeded') this.lastSuccess.set(Math.round(Date.now() / 1000));
    this.requests.inc({ target: 'kafka' }, report.roundTrips.admin);
    this.requests.inc({ target: 'registry' }, report.roundTrips.registry);
    const seconds = report.durationMs / 1000;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i] = (this.buckets[i] ?? 0) + 1;
    });
    this.durationSum += seconds;
    this.durationCount += 1;
  }

  recordResult(r: CommandResult): void {
    this.commands.inc({ kind: r.kind, outcome: r.outcome });
  }

  render(): string {
    const name = 'reconciler_pass_duration_seconds';
    const histogram = [
      `# HELP ${name} Duration of reconciliation passes`,
      `# TYPE ${name} histogram`,
      ...BUCKETS.map((le, i) => `${name}_bucket{le="${le}"} ${this.buckets[i]}`),
      `${name}_bucket{le="+Inf"} ${this.durationCount}`,
      `${name}_sum ${this.durationSum}`,
      `${name}_count ${this.durationCount}`,
    ];
    const families = [
      this.passes,
      this.commands,
      this.errors,
      this.drift,
      this.leader,
      this.lastSuccess,
      this.requests,
    ];
    return `${[...histogram, ...families.flatMap((f) => f.render())].join('\n')}\n`;
  }
}
