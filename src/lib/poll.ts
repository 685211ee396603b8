import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
  /** Wait before the second check; later waits grow by `backoff` up to `maxIntervalMs`. */
  intervalMs: number;
  /** Give up when this much time has passed since the first check started. */
  timeoutMs: number;
  backoff?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** Injected in unit tests so they need not wait for real time. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type PollResult<T> = { outcome: 'done'; value: T; attempts: number } | { outcome: 'timeout'; attempts: number };

/**
 * Calls `check` until it returns a value (not undefined) or the time runs out. A thrown error ends the
 * poll at once: callers decide what is worth retrying, and the cloud SDKs retry throttling themselves.
 * Never sleeps past the deadline, so a timeout is reported when it falls due, not one interval later.
 */
export async function poll<T>(
  check: (attempt: number) => Promise<T | undefined>,
  options: PollOptions,
): Promise<PollResult<T>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const deadline = now() + options.timeoutMs;
  let interval = options.intervalMs;
  for (let attempt = 1; ; attempt++) {
    const value = await check(attempt);
    if (value !== undefined) return { outcome: 'done', value, attempts: attempt };
    const left = deadline - now();
    if (left <= 0) return { outcome: 'timeout', attempts: attempt };
    await sleep(Math.min(interval, left), options.signal);
    interval = Math.min(interval * (options.backoff ?? 1), options.maxIntervalMs ?? Number.POSITIVE_INFINITY);
  }
}
