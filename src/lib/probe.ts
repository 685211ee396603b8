import { setTimeout as delay } from 'node:timers/promises';
import { evaluate, shownUrl, type Expectations } from './probe-checks.js';
import { NoAnswerError, send, type NoAnswer, type ProbeRequest } from './probe-http.js';
import { poll } from './poll.js';
import { scrub } from './secrets.js';

/**
 * HTTP probes: one request and the checks on its answer, and `probeUntil`, which repeats it until it
 * passes N times in a row. Shared by smoke-test and by deploy-azure (waiting until a slot serves the new
 * version). The parsers take the input's name only to say which input was wrong.
 */

export * from './probe-checks.js';
export * from './probe-http.js';

export interface ProbeResult {
  /**
   * The URL that answered, after redirects, as it may be printed (shownUrl); only its origin when that is not
   * the probed URL's origin (the rest may hold a token the redirect handed out).
   */
  url: string;
  /** Undefined when no answer came (refused, timed out, TLS failure). */
  status?: number;
  /** Why no answer came, when none did. */
  noAnswer?: NoAnswer;
  latencyMs: number;
  passed: boolean;
  /** Why it did not pass, one reason each; empty when it passed. */
  failures: string[];
}

/** One probe: send, then check. Never throws for what the server or the network did. */
export async function probe(request: ProbeRequest, expectations: Expectations): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await send(request);
    const failures = evaluate(response, expectations);
    return {
      url: response.foreign ? new URL(response.url).origin : shownUrl(response.url),
      status: response.status,
      latencyMs: response.latencyMs,
      passed: !failures.length,
      failures,
    };
  } catch (error) {
    return {
      url: shownUrl(request.url),
      noAnswer: error instanceof NoAnswerError ? error.kind : 'other',
      latencyMs: performance.now() - started,
      passed: false,
      failures: [scrub((error as Error).message)],
    };
  }
}

export interface ProbeUntilOptions {
  /** For all attempts together; a request still waiting at the deadline is cut short so it holds. */
  timeoutMs: number;
  intervalMs: number;
  backoff?: number;
  maxIntervalMs?: number;
  /** Passes needed in a row; one failure starts the count again. */
  consecutiveSuccesses?: number;
  maxAttempts?: number;
  /** Give up after this many failed attempts (url-health-check's `max-attempts`); passes do not count. */
  maxFailures?: number;
  /** A failed attempt for which this says true ends the run at once, without retrying (curl without --retry-all-errors). */
  final?: (result: ProbeResult) => boolean;
  signal?: AbortSignal;
  onAttempt?: (result: ProbeResult, attempt: number, streak: number) => void;
  /** Injected in unit tests to see the waits without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProbeRun {
  passed: boolean;
  /** Why it stopped. */
  ended: 'passed' | 'timeout' | 'max-attempts' | 'not-retried';
  attempts: number;
  /** Every attempt, in order. */
  results: ProbeResult[];
}

/**
 * Probes until `consecutiveSuccesses` probes pass in a row, the attempts run out, or the time does. The wait
 * grows by `backoff` while the service is not ready; once probes pass, the next ones follow after the
 * base interval, so confirming health does not wait out a backoff grown during a cold start.
 */
export async function probeUntil(
  request: ProbeRequest,
  expectations: Expectations,
  options: ProbeUntilOptions,
): Promise<ProbeRun> {
  const deadline = Date.now() + options.timeoutMs;
  const needed = options.consecutiveSuccesses ?? 1;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const results: ProbeResult[] = [];
  let streak = 0;
  let failures = 0;
  const outcome = await poll(
    async (attempt) => {
      // poll checks once more when the time is up. An attempt with less time left than an interval would
      // only be cut short, and its "no answer" would hide the reason the earlier attempts failed.
      const floor = Math.min(request.timeoutMs, options.intervalMs);
      if (attempt > 1 && deadline - Date.now() < floor) return 'timeout' as const;
      const result = await probe({ ...request, deadline, overallMs: options.timeoutMs }, expectations);
      results.push(result);
      streak = result.passed ? streak + 1 : 0;
      options.onAttempt?.(result, attempt, streak);
      if (streak >= needed) return 'passed' as const;
      if (!result.passed && options.final?.(result)) return 'not-retried' as const;
      failures += result.passed ? 0 : 1;
      if (options.maxFailures !== undefined && failures >= options.maxFailures) return 'max-attempts' as const;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) return 'max-attempts' as const;
      return undefined;
    },
    {
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      backoff: options.backoff,
      maxIntervalMs: options.maxIntervalMs,
      signal: options.signal,
      sleep: (ms, signal) => sleep(streak > 0 ? Math.min(ms, options.intervalMs) : ms, signal),
    },
  );
  const ended = outcome.outcome === 'done' ? outcome.value : 'timeout';
  return { passed: ended === 'passed', ended, attempts: results.length, results };
}

export interface LatencyStats {
  median: number | null;
  p95: number | null;
  samples: number;
}

/** Median and 95th percentile (nearest rank) in whole milliseconds; null when there are no samples. */
export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => {
    if (sorted.length === 0) return null;
    return Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0);
  };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0
      ? null
      : Math.round(sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
  return { median, p95: rank(0.95), samples: sorted.length };
}
