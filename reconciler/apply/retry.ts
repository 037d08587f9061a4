// Retries with exponential backoff and jitter, for errors that may pass (a broker restarting).
import { toItemError } from '../cluster/errors';
import type { ItemError } from '../cluster/types';
import { sleep } from '../util/limit';

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, backoffMs: 250, maxBackoffMs: 4000 };

export function backoff(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

export type Attempted<T> =
  { ok: true; value: T; attempts: number } | { ok: false; error: ItemError; attempts: number };

/** Runs `fn` until it succeeds, fails for good, or the retries are spent. */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  stopped: () => boolean = () => false,
): Promise<Attempted<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn(), attempts: attempt };
    } catch (err) {
      const error = toItemError(err);
      if (!error.retriable || attempt > policy.retries || stopped())
        return { ok: false, error, attempts: attempt };
      await sleep(backoff(policy, attempt));
    }
  }
}
