// The Reconciler's cancellation, against the real local stack: once the signal aborts, no new
// write starts; the report says the pass was cancelled, what was not sent is skipped, and the
// cluster holds exactly what was written before.
import type { OpenClients } from '../../reconciler/cluster/clients';
import { openClients } from '../../reconciler/cluster/clients';
import { localConnection } from '../../reconciler/cluster/connection';
import { CANCELLED } from '../../reconciler/apply/executor';
import { loadDesired } from '../../reconciler/catalog-source';
import { PassReconciler } from '../../reconciler/reconcile';
import type { Fixture } from '../support/reconciler-fixture';
import { catalogFixture, removeDomainResources } from '../support/reconciler-fixture';

jest.setTimeout(120_000);

describe('reconciler cancellation', () => {
  let fx: Fixture;
  let clients: OpenClients;
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];

  beforeAll(async () => {
    fx = catalogFixture();
    fx.write({
      apps: { svc: {} },
      topics: keys.map((key) => ({ key, partitions: 1 })),
    });
    clients = await openClients(localConnection());
  });

  afterAll(async () => {
    await removeDomainResources(clients.admin, fx.domain);
    await clients.close();
    fx.cleanup();
  });

  const reconcilerWith = (progress: ConstructorParameters<typeof PassReconciler>[0]['progress']) =>
    new PassReconciler({
      clients,
      desired: () => loadDesired(fx.root, 'local', localConnection().naming),
      // One topic per request, one request at a time: each write is its own step.
      batchSize: 1,
      concurrency: 1,
      resyncMs: 60_000,
      ...(progress ? { progress } : {}),
    });

  it('stops before the next write once aborted, and reports the pass cancelled', async () => {
    const abort = new AbortController();
    const reconciler = reconcilerWith({
      applied: () => abort.abort(new Error('test cancels')),
    });
    const { report, requeueAfterMs } = await reconciler.reconcile(
      { mode: 'enforce' },
      abort.signal,
    );

    expect(report.cancelled).toBe(true);
    expect(report.state).toBe('failed');
    expect(report.error).toMatch(/^cancelled \(test cancels\): 5 command\(s\) not sent$/);
    expect(report.counts).toEqual({ commands: 6, succeeded: 1, failed: 0, skipped: 5 });
    expect(report.results.filter((r) => r.outcome === 'skipped').map((r) => r.error)).toEqual(
      Array(5).fill(CANCELLED),
    );
    expect(report.remaining).toBeUndefined(); // not verified: the caller cancelled
    expect(requeueAfterMs).toBeUndefined();
    // The cluster has the one topic written before the abort, none after it.
    const made = (await clients.admin.describeTopics())
      .map((t) => t.name)
      .filter((n) => n.startsWith(`${fx.domain}.`));
    const created = report.results.filter((r) => r.outcome === 'succeeded').map((r) => r.topic);
    expect(made).toEqual(created);
  });

  it('finishes the rest on the next request and asks to be requeued after the resync interval', async () => {
    const { report, requeueAfterMs } = await reconcilerWith(undefined).reconcile({
      mode: 'enforce',
    });
    expect(report.cancelled).toBeUndefined();
    expect(report.state).toBe('succeeded');
    expect(report.counts).toEqual({ commands: 5, succeeded: 5, failed: 0, skipped: 0 });
    expect(report.remaining?.inSync).toBe(true);
    expect(requeueAfterMs).toBe(60_000);
  });

  it('applies nothing when the signal aborted before the plan was applied', async () => {
    fx.write({
      apps: { svc: {} },
      topics: [...keys, 'g'].map((key) => ({ key, partitions: 1 })),
    });
    const abort = new AbortController();
    const reconciler = reconcilerWith({ planned: () => abort.abort() });
    const { report } = await reconciler.reconcile({ mode: 'enforce' }, abort.signal);
    expect(report.cancelled).toBe(true);
    expect(report.results).toEqual([]);
    expect(report.error).toMatch(/^cancelled \(.+\): 1 command\(s\) not sent$/);
    const names = (await clients.admin.describeTopics()).map((t) => t.name);
    expect(names).not.toContain(fx.topic('g'));
  });
});
