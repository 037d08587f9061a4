import { apiLimitsOf, readReconcilerSettings } from '../../../reconciler/config';
import { RateLimiter, cachedFor, singleFlight } from '../../../reconciler/service/limits';

describe('service limits', () => {
  it('gives each client a burst, then a rate, with the wait until the next request', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 0.5, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(limiter.take('b').ok).toBe(true); // another client has its own budget
    now = 2_000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('shares one call among concurrent callers, then starts a new one', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const run = singleFlight(
      () =>
        new Promise<number>((resolve) => {
          calls += 1;
          release = () => resolve(calls);
        }),
    );
    const all = Promise.all([run(), run(), run()]);
    release();
    expect(await all).toEqual([1, 1, 1]);
    const next = run();
    release();
    expect(await next).toBe(2);
  });

  it('keeps a result for its time to live', async () => {
    let now = 0;
    let calls = 0;
    const probe = cachedFor(
      2_000,
      async () => ++calls,
      () => now,
    );
    expect(await Promise.all([probe(), probe()])).toEqual([1, 1]);
    now = 1_999;
    expect(await probe()).toBe(1);
    now = 2_000;
    expect(await probe()).toBe(2);
  });
});

describe('the API budgets from the environment', () => {
  it('reads each budget from its variable and leaves the rest to the defaults', () => {
    const settings = readReconcilerSettings({
      RECONCILER_READ_BURST: '200',
      RECONCILER_READS_PER_SECOND: '2.5',
      RECONCILER_PASSES_PER_MINUTE: '6',
      RECONCILER_PLAN_REFRESH_MIN_SECONDS: '30',
    });
    expect(apiLimitsOf(settings)).toEqual({
      readBurst: 200,
      readsPerSecond: 2.5,
      passesPerMinute: 6,
    });
    expect(settings.planRefreshMinSeconds).toBe(30);
    expect(apiLimitsOf(readReconcilerSettings({}))).toEqual({});
  });

  it('names the variable of a budget that is not a positive number', () => {
    expect(() => readReconcilerSettings({ RECONCILER_READ_BURST: '0' })).toThrow(
      /RECONCILER_READ_BURST: /,
    );
    expect(() => readReconcilerSettings({ RECONCILER_READS_PER_SECOND: 'fast' })).toThrow(
      /RECONCILER_READS_PER_SECOND: /,
    );
  });
});
