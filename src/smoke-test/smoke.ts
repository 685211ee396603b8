import * as core from '@actions/core';
import {
  latencyStats,
  probeUntil,
  shownUrl,
  type LatencyStats,
  type ProbeResult,
  type ProbeRun,
} from '../lib/probe.js';
import { RolloutFailed } from '../lib/errors.js';

import { formatDuration } from '../lib/duration.js';
import { TRANSIENT_STATUSES, type SmokeTestInputs } from './inputs.js';

/** What was learnt about one URL. Its JSON form (`toJson`) is the `report` output. */
export interface UrlReport extends ProbeRun {
  /** Redacted for printing: credentials in the query or user info show as ***. */
  url: string;
  latency: LatencyStats;
  elapsedMs: number;
  /** The limits it ran under (timeout, request-timeout), to name both when time ran out. */
  limits?: { timeoutMs: number; requestTimeoutMs: number };
}

/** One log line per attempt: which URL, the status, the time taken, and why it failed. */
export function describeAttempt(
  url: string,
  result: ProbeResult,
  attempt: number,
  streak: number,
  needed: number,
): string {
  const answer = result.status === undefined ? 'no answer' : `${result.status} in ${Math.round(result.latencyMs)} ms`;
  const redirected = result.url !== url ? ` (answered by ${result.url})` : '';
  const verdict = result.passed
    ? `passed${needed > 1 ? ` (${streak} of ${needed} in a row)` : ''}`
    : `failed: ${result.failures.join('; ')}`;
  return `${url} #${attempt}: ${answer}${redirected}, ${verdict}`;
}

/**
 * Whether a failed attempt ends its URL at once. A redirect refused by policy (another origin, https to http)
 * does so always: waiting does not change the workflow's inputs. With retry-all false, what curl --retry calls
 * transient is retried (curl(1), --retry, and --retry-connrefused as url-health-check passes it): a timeout,
 * a host not found, a refused connection, and 408, 429, 500, 502, 503, 504; any other failure ends the URL.
 */
export function notRetried(result: ProbeResult, retryAll: boolean): boolean {
  if (result.noAnswer === 'redirect' && /not followed|never followed/.test(result.failures.join())) return true;
  if (retryAll) return false;
  if (result.status !== undefined) return result.status >= 400 && !TRANSIENT_STATUSES.has(result.status);
  return !['timeout', 'dns', 'refused'].includes(result.noAnswer ?? 'other');
}

/** Probes every URL at once, each until it passes `consecutive-successes` times in a row or time runs out. */
export async function smokeTest(
  inputs: SmokeTestInputs,
  log: (line: string) => void = core.info,
): Promise<UrlReport[]> {
  return Promise.all(
    inputs.urls.map(async (url) => {
      const started = Date.now();
      const shown = shownUrl(url);
      const run = await probeUntil({ ...inputs.request, url }, inputs.expectations, {
        timeoutMs: inputs.timeoutMs,
        intervalMs: inputs.intervalMs,
        backoff: inputs.backoff,
        maxIntervalMs: inputs.maxIntervalMs,
        consecutiveSuccesses: inputs.consecutiveSuccesses,
        maxFailures: inputs.maxAttempts,
        final: (result) => notRetried(result, inputs.retryAll),
        onAttempt: (result, attempt, streak) =>
          log(describeAttempt(shown, result, attempt, streak, inputs.consecutiveSuccesses)),
      });
      const passing = run.results.filter((result) => result.passed).map((result) => result.latencyMs);
      const limits = { timeoutMs: inputs.timeoutMs, requestTimeoutMs: inputs.request.timeoutMs };
      return { url: shown, ...run, latency: latencyStats(passing), elapsedMs: Date.now() - started, limits };
    }),
  );
}

/** Why a URL was not retried, for the failure message and the summary. */
export function stopReason(last: ProbeResult | undefined): string {
  if (last?.noAnswer === 'redirect') return 'a redirect that is not followed; waiting would not change it';
  if (last?.status === undefined) return 'a failure curl --retry does not retry, and retry-all is false';
  return `status ${last.status} is not retried unless retry-all is true`;
}

/** The `report` output for one URL. `failures` are those of the last attempt, empty when it passed. */
export function toJson(report: UrlReport) {
  const last = report.results.at(-1);
  return {
    url: report.url,
    passed: report.passed,
    ended: report.ended,
    attempts: report.attempts,
    status: last?.status ?? null,
    latencyMs: report.latency,
    failures: last?.failures ?? [],
  };
}

/** The failure of a test whose probes ran and did not all pass: each failed URL, how it ended, and why. */
export function unhealthy(reports: UrlReport[]): RolloutFailed {
  const failed = reports.filter((report) => !report.passed);
  const limits = ({ limits }: UrlReport) =>
    limits
      ? ` (timeout ${formatDuration(limits.timeoutMs)}, request-timeout ${formatDuration(limits.requestTimeoutMs)})`
      : '';
  const ended = (r: UrlReport) => {
    const last = r.results.at(-1);
    if (r.ended === 'timeout') return `timed out${limits(r)}`;
    if (r.ended !== 'not-retried') return 'used its attempts';
    return `stopped (${stopReason(last)})`;
  };
  return new RolloutFailed(
    `The smoke test failed: ${failed
      .map((r) => `${r.url} ${ended(r)} after ${r.attempts} attempts, last: ${r.results.at(-1)?.failures.join('; ')}`)
      .join('; ')}.`,
    'The deployed version does not answer as expected: roll back (actions/rollback), or raise timeout if it only starts slowly.',
    { reason: 'unhealthy' },
  );
}
