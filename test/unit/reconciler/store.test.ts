// The reconciliation store's merge rules: transitions read from the jobs topic (in any order,
// replayed after a restart) never move a job back, keep what this replica knows of the request,
// and the view stays within its capacity.
import type { CommandResult } from '../../../reconciler/apply/executor';
import type { Reconciliation } from '../../../reconciler/service/store';
import { ReconciliationStore } from '../../../reconciler/service/store';

const result: CommandResult = {
  id: 'c1',
  kind: 'CreateTopic',
  resource: 'topic orders.order-created.v1',
  outcome: 'succeeded',
  attempts: 1,
  durationMs: 12,
};

function job(id: string, state: Reconciliation['state'], extra: Partial<Reconciliation> = {}) {
  const base: Reconciliation = {
    id,
    state,
    source: 'kafka',
    mode: 'enforce',
    acceptedAt: '2026-01-01T00:00:00.000Z',
  };
  if (state !== 'accepted') base.startedAt = '2026-01-01T00:00:01.000Z';
  if (state === 'succeeded' || state === 'failed') {
    base.finishedAt = '2026-01-01T00:00:02.000Z';
    base.drift = 1;
    base.counts = { commands: 1, succeeded: 1, failed: 0, skipped: 0 };
    base.results = [result];
  }
  return { ...base, ...extra };
}

describe('ReconciliationStore.merge', () => {
  it('adds an unknown id as it is, and get() knows nothing else', () => {
    const store = new ReconciliationStore();
    expect(store.get('a')).toBeUndefined();
    expect(store.merge(job('a', 'running'))).toMatchObject({ id: 'a', state: 'running' });
    expect(store.get('a')?.state).toBe('running');
    expect(store.has('b')).toBe(false);
    expect(store.get('b')).toBeUndefined();
  });

  it('moves a job forward through running to its outcome, with counts and results', () => {
    const store = new ReconciliationStore();
    store.add(job('a', 'accepted', { source: 'api', forwarded: true, reason: 'ci' }));
    expect(store.merge(job('a', 'running'))?.state).toBe('running');
    const done = store.merge(job('a', 'succeeded'));
    expect(done).toMatchObject({
      state: 'succeeded',
      finishedAt: '2026-01-01T00:00:02.000Z',
      counts: { commands: 1, succeeded: 1, failed: 0, skipped: 0 },
      results: [result],
      // What the accepting replica knows of the request stays.
      source: 'api',
      forwarded: true,
      reason: 'ci',
    });
    expect(store.get('a')).toBe(done);
  });

  it('never regresses: earlier states arriving late (or replayed) change nothing', () => {
    const store = new ReconciliationStore();
    store.merge(job('a', 'failed', { error: 'broker down' }));
    expect(store.merge(job('a', 'running'))).toBeUndefined();
    expect(store.merge(job('a', 'accepted'))).toBeUndefined();
    // A second outcome does not replace the first either.
    expect(store.merge(job('a', 'succeeded'))).toBeUndefined();
    expect(store.get('a')).toMatchObject({ state: 'failed', error: 'broker down' });

    store.merge(job('b', 'running'));
    expect(store.merge(job('b', 'accepted'))).toBeUndefined();
    expect(store.get('b')?.state).toBe('running');
  });

  it('skips a state: accepted straight to the outcome when running was never read', () => {
    const store = new ReconciliationStore();
    store.merge(job('a', 'accepted'));
    expect(store.merge(job('a', 'failed'))?.state).toBe('failed');
  });

  it('keeps the capacity: the oldest jobs leave the view, the merged ones count too', () => {
    const store = new ReconciliationStore(3);
    for (const id of ['a', 'b', 'c', 'd']) store.merge(job(id, 'accepted'));
    expect(store.has('a')).toBe(false);
    expect(store.recent().map((r) => r.id)).toEqual(['d', 'c', 'b']);
    // Progress on a known job does not add an entry or evict anyone.
    store.merge(job('b', 'succeeded'));
    expect(store.recent().map((r) => [r.id, r.state])).toEqual([
      ['d', 'accepted'],
      ['c', 'accepted'],
      ['b', 'succeeded'],
    ]);
  });

  it('copies what it adds: the caller mutating its object later does not change the view', () => {
    const store = new ReconciliationStore();
    const incoming = job('a', 'running');
    store.merge(incoming);
    incoming.state = 'failed';
    expect(store.get('a')?.state).toBe('running');
  });
});
