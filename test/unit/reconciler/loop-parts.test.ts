// The loop's parts alone: the job queue (what runs, each transition published in order) and
// leadership (the signal that cancels a pass).
import type { PassReport } from '../../../reconciler/reconcile';
import { Leadership } from '../../../reconciler/service/leadership';
import { JobQueue } from '../../../reconciler/service/queue';
import type { Reconciliation } from '../../../reconciler/service/store';

function queue() {
  const published: string[] = [];
  const q = new JobQueue({
    mode: 'enforce',
    publish: (rec: Reconciliation) => published.push(`${rec.id}:${rec.state}`),
  });
  return { q, published };
}

const report = (state: 'succeeded' | 'failed'): PassReport => ({
  id: 'x',
  environment: 'local',
  mode: 'enforce',
  state,
  startedAt: '2025-01-01T10:00:00.000Z',
  durationMs: 1,
  results: [],
  drift: 0,
  counts: { commands: 0, succeeded: 0, failed: 0, skipped: 0 },
  roundTrips: { admin: 0, registry: 0 },
});

describe('job queue', () => {
  it('runs each request once, in order, publishing every transition', () => {
    const { q, published } = queue();
    expect(q.enqueue({ source: 'api', id: 'a' }).queued).toBe(true);
    expect(q.enqueue({ source: 'kafka', id: 'a' }).queued).toBe(false); // redelivered
    expect(q.enqueue({ source: 'api', id: 'b', dryRun: true }).rec.mode).toBe('observe');
    expect(q.length).toBe(2);
    const a = q.start();
    expect(a?.id).toBe('a');
    q.finish(a as Reconciliation, report('succeeded'));
    // Already run: a redelivery does not queue it again.
    expect(q.enqueue({ source: 'kafka', id: 'a' }).queued).toBe(false);
    expect(q.start()?.id).toBe('b');
    expect(q.start()).toBeUndefined();
    expect(published).toEqual([
      'a:accepted',
      'b:accepted',
      'a:running',
      'a:succeeded',
      'b:running',
    ]);
  });

  it('queues a request accepted elsewhere, and fails a forwarded one that never left', () => {
    const { q, published } = queue();
    q.observe({
      id: 'c',
      state: 'accepted',
      source: 'api',
      mode: 'enforce',
      acceptedAt: '2025-01-01T10:00:00.000Z',
    });
    expect(q.enqueue({ source: 'kafka', id: 'c' }).queued).toBe(true);
    const f = q.forwarded({ id: 'f' });
    expect(f).toMatchObject({ forwarded: true, source: 'api', state: 'accepted' });
    expect(q.length).toBe(1);
    q.abandon('f', 'not forwarded');
    expect(q.store.get('f')).toMatchObject({ state: 'failed', error: 'not forwarded' });
    expect(published).toEqual(['c:accepted', 'f:accepted', 'f:failed']);
  });
});

describe('leadership', () => {
  it("aborts a pass's signal when the lead is lost or the service stops, and only then", () => {
    let leader = true;
    const l = new Leadership(() => leader);
    const first = l.passSignal();
    l.changed(); // still leading
    expect(first.signal.aborted).toBe(false);
    leader = false;
    l.changed();
    expect(first.signal.aborted).toBe(true);
    expect((first.signal.reason as Error).message).toBe('leadership moved');
    first.done();

    leader = true;
    const second = l.passSignal();
    l.stop();
    expect(second.signal.aborted).toBe(true);
    expect(l.leading).toBe(false);
    expect(l.passSignal().signal.aborted).toBe(true);
  });
});
