// The service's metrics: prom-client's text exposition on a registry of the service's own, with
// the default process metrics, the existing reconciler_* families and drift by kind.
import { register as globalRegistry } from 'prom-client';
import { plan } from '../../../reconciler/plan/planner';
import type { Plan } from '../../../reconciler/plan/commands';
import type { PassReport } from '../../../reconciler/reconcile';
import { Metrics } from '../../../reconciler/service/metrics';
import type { ActualTopic } from '../../../reconciler/state/actual';
import type { DesiredState } from '../../../reconciler/state/desired';

const desired: DesiredState = {
  environment: 'local',
  topics: [
    {
      name: 'orders.a.v1',
      partitions: 3,
      replicationFactor: 1,
      config: { 'retention.ms': '604800000' },
      deletionProtection: true,
      source: { file: 'topics/orders.yaml', line: 9 },
    },
  ],
  deletions: [],
  acls: [
    {
      app: 'orders/svc',
      principal: 'User:orders.svc',
      host: '*',
      resourceType: 'TOPIC',
      resourceName: 'orders.a.v1',
      patternType: 'LITERAL',
      operation: 'WRITE',
      permission: 'ALLOW',
    },
  ],
  subjects: [],
  scope: {
    prefixes: ['orders.'],
    principals: new Set(['User:orders.svc']),
    namespace: () => false,
  },
  unmappedApps: [],
};

const planFor = (t: Partial<ActualTopic>): Plan =>
  plan(desired, {
    topics: new Map([
      [
        'orders.a.v1',
        {
          name: 'orders.a.v1',
          partitions: 3,
          replicationFactor: 1,
          config: { 'retention.ms': '604800000' },
          ...t,
        },
      ],
    ]),
    unmanagedTopics: [],
    acls: [],
    subjects: new Map(),
  });

const report = (p: Plan | undefined, over: Partial<PassReport> = {}): PassReport => ({
  id: 'r1',
  environment: 'local',
  mode: 'observe',
  state: 'succeeded',
  startedAt: new Date().toISOString(),
  durationMs: 300,
  ...(p ? { plan: p } : {}),
  results: [],
  drift: p?.drift ?? 0,
  counts: { commands: p?.commands.length ?? 0, succeeded: 0, failed: 0, skipped: 0 },
  roundTrips: { admin: 4, registry: 2 },
  ...over,
});

/** `name{labels} value` samples of the text exposition, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

describe('service metrics', () => {
  it('render the Prometheus text format with HELP and TYPE for every reconciler family', async () => {
    const m = new Metrics();
    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await m.render();
    for (const [name, type] of [
      ['reconciler_pass_duration_seconds', 'histogram'],
      ['reconciler_passes_total', 'counter'],
      ['reconciler_commands_total', 'counter'],
      ['reconciler_errors_total', 'counter'],
      ['reconciler_drift', 'gauge'],
      ['reconciler_drift_items', 'gauge'],
      ['reconciler_leader', 'gauge'],
      ['reconciler_last_success_timestamp_seconds', 'gauge'],
      ['reconciler_cluster_requests_total', 'counter'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    const s = samples(text);
    expect(s.get('reconciler_leader')).toBe(0);
    expect(s.get('reconciler_drift')).toBe(0);
    expect(s.get('reconciler_drift_items{kind="partitions"}')).toBe(0);
  });

  it('include the default process and Node.js metrics', async () => {
    const s = samples(await new Metrics().render());
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(s.has(name)).toBe(true);
    expect([...s.keys()].some((k) => k.startsWith('nodejs_version_info{'))).toBe(true);
  });

  it('keep each service on its own registry, never the global one', async () => {
    const a = new Metrics();
    const b = new Metrics(); // a second one in the same process: no "already registered"
    a.recordPass(report(undefined));
    a.errors.inc({ where: 'publish' });
    expect(
      samples(await a.render()).get('reconciler_passes_total{mode="observe",state="succeeded"}'),
    ).toBe(1);
    const other = await b.render();
    expect(other).not.toContain('reconciler_passes_total{');
    expect(other).not.toContain('reconciler_errors_total{');
    expect(await globalRegistry.metrics()).not.toContain('reconciler_');
  });

  it('count passes, commands, requests and durations', async () => {
    const m = new Metrics();
    m.recordPass(report(undefined, { durationMs: 300 }));
    m.recordPass(report(undefined, { durationMs: 7000, state: 'failed', error: 'unreachable' }));
    m.recordResult({
      id: 'c1',
      kind: 'CreateTopic',
      resource: 'topic orders.a.v1',
      outcome: 'failed',
      attempts: 3,
      durationMs: 5,
    });
    m.leader.set(1);
    const s = samples(await m.render());
    expect(s.get('reconciler_passes_total{mode="observe",state="failed"}')).toBe(1);
    expect(s.get('reconciler_errors_total{where="pass"}')).toBe(1);
    expect(s.get('reconciler_commands_total{kind="CreateTopic",outcome="failed"}')).toBe(1);
    expect(s.get('reconciler_cluster_requests_total{target="kafka"}')).toBe(8);
    expect(s.get('reconciler_cluster_requests_total{target="registry"}')).toBe(4);
    expect(s.get('reconciler_pass_duration_seconds_bucket{le="0.25"}')).toBe(0);
    expect(s.get('reconciler_pass_duration_seconds_bucket{le="0.5"}')).toBe(1);
    expect(s.get('reconciler_pass_duration_seconds_bucket{le="10"}')).toBe(2);
    expect(s.get('reconciler_pass_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(s.get('reconciler_pass_duration_seconds_sum')).toBeCloseTo(7.3);
    expect(s.get('reconciler_pass_duration_seconds_count')).toBe(2);
    expect(s.get('reconciler_leader')).toBe(1);
    expect(s.get('reconciler_last_success_timestamp_seconds')).toBeGreaterThan(1_700_000_000);
  });

  it('escape label values', async () => {
    const m = new Metrics();
    m.errors.inc({ where: 'a "quoted"\\path\nnext' });
    expect(await m.render()).toContain(
      'reconciler_errors_total{where="a \\"quoted\\"\\\\path\\nnext"} 1\n',
    );
  });

  it('set drift by kind every pass: the kinds add up to reconciler_drift, resolved drift is 0', async () => {
    const m = new Metrics();
    const drifted = planFor({ partitions: 1, config: { 'retention.ms': '86400000' } });
    m.recordPass(report(drifted));
    let s = samples(await m.render());
    expect(s.get('reconciler_drift_items{kind="partitions"}')).toBe(1);
    expect(s.get('reconciler_drift_items{kind="config"}')).toBe(1);
    expect(s.get('reconciler_drift_items{kind="acl-missing"}')).toBe(1);
    expect(s.get('reconciler_drift_items{kind="acl-extra"}')).toBe(0);
    const byKind = [...s].filter(([k]) => k.startsWith('reconciler_drift_items{'));
    expect(byKind.reduce((n, [, v]) => n + v, 0)).toBe(s.get('reconciler_drift'));
    expect(s.get('reconciler_drift')).toBe(3);

    // A pass without a plan (cluster unreachable) does not claim the drift is gone.
    m.recordPass(report(undefined, { state: 'failed', error: 'unreachable' }));
    s = samples(await m.render());
    expect(s.get('reconciler_drift_items{kind="partitions"}')).toBe(1);

    m.recordPass(report(planFor({ partitions: 6 })));
    s = samples(await m.render());
    expect(s.get('reconciler_drift_items{kind="partitions"}')).toBe(1); // now a refused decrease
    expect(s.get('reconciler_drift_items{kind="config"}')).toBe(0);
    expect(s.get('reconciler_drift_items{kind="acl-missing"}')).toBe(1);
  });
});
