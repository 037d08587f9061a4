// What keeps readers from overloading the service (and, through it, the cluster and registry):
// per-client token buckets, single-flight work and short-lived cached probes.

export interface Limited {
  readonly ok: false;
  /** Whole seconds until the client may try again (the Retry-After header). */
  readonly retryAfterSeconds: number;
}

/**
 * One token bucket per client: `burst` requests at once, then `perSecond`. A client is a token
 * holder (its name), so sharing an address (a proxy, a CI runner) does not share a budget.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly opts: { burst: number; perSecond: number; now?: () => number }) {}

  take(client: string): { readonly ok: true } | Limited {
    const now = (this.opts.now ?? Date.now)();
    const b = this.buckets.get(client) ?? { tokens: this.opts.burst, at: now };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (this.buckets.size > 10_000) this.prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.ceil((1 - b.tokens) / this.opts.perSecond) };
  }

  /** Full buckets are the same as no bucket. */
  private prune(now: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.opts.perSecond >= this.opts.burst)
        this.buckets.delete(k);
  }
}

/** Concurrent calls share the one in flight; the next call after it settles starts a new one. */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () =>
    (current ??= fn().finally(() => {
      current = undefined;
    }));
}

/** A single-flight result kept for `ttlMs` (readiness probes: one check serves a burst). */
export function cachedFor<T>(
  ttlMs: number,
  fn: () => Promise<T>,
  now = Date.now,
): () => Promise<T> {
  let last: { at: number; value: T } | undefined;
  const run = singleFlight(async () => {
    const value = await fn();
    last = { at: now(), value };
    return value;
  });
  return () => (last && now() - last.at < ttlMs ? Promise.resolve(last.value) : run());
}
