// Waiting for something that happens asynchronously (a pass, a replica, a message), bounded.

import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Polls `fn` every 200 ms until it returns a value (not undefined or false); fails after `ms`,
 * with what `state` says about the last poll, if given.
 */
export async function until<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
  state?: () => string,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline)
      throw new Error(`condition not met in time${state ? `: ${state()}` : ''}`);
    await sleep(200);
  }
}
