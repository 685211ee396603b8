import * as core from '@actions/core';
import { latencyStats, probeUntil, type LatencyStats, type ProbeResult, type ProbeRun } from '../lib/probe.js';
import { RolloutFailed } from '../lib/errors.js';
import { redactUrl } from '../lib/secrets.js';
import { TRANSIENT_STATUSES, type SmokeTestInputs } from './inputs.js';

/** What was learnt about one URL. Its JSON form (`toJson`) is the `report` output. */
export interface UrlReport extends ProbeRun {
  /** Redacted for printing: credentials in the query or user info show as ***. */
  url: string;
  latency: LatencyStats;
  elapsedMs: number;
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
  const redirected = result.url !== url ? ` (from ${result.url})` : '';
  const verdict = result.passed
    ? `passed${needed > 1 ? ` (${streak} of ${needed} in a row)` : ''}`
    : `failed: ${result.failures.join('; ')}`;
  return `${url} #${attempt}: ${answer}${redirected}, ${verdict}`;
}

/** Probes every URL at once, each until it passes `consecutive-successes` times in a row or time runs out. */
export async function smokeTest(
  inputs: SmokeTestInputs,
  log: (line: string) => void = core.info,
): Promise<UrlReport[]> {
  return Promise.all(
    inputs.urls.map(async (url) => {
      const started = Date.now();
      const shown = redactUrl(url);
      const run = await probeUntil({ ...inputs.request, url }, inputs.expectations, {
        timeoutMs: inputs.timeoutMs,
        intervalMs: inputs.intervalMs,
        backoff: inputs.backoff,
        maxIntervalMs: inputs.maxIntervalMs,
        consecutiveSuccesses: inputs.consecutiveSuccesses,
        maxFailures: inputs.maxAttempts,
        // retry-all false: a 4xx/5xx curl --retry would not retry ends this URL (no answer is always retried).
        final: inputs.retryAll
          ? undefined
          : (result) => (result.status ?? 0) >= 400 && !TRANSIENT_STATUSES.has(result.status ?? 0),
        onAttempt: (result, attempt, streak) =>
          log(describeAttempt(shown, result, attempt, streak, inputs.consecutiveSuccesses)),
      });
      const passing = run.results.filter((result) => result.passed).map((result) => result.latencyMs);
      return { url: shown, ...run, latency: latencyStats(passing), elapsedMs: Date.now() - started };
    }),
  );
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
  const ended = (r: UrlReport) =>
    r.ended === 'timeout'
      ? 'timed out'
      : r.ended === 'not-retried'
        ? `stopped (status ${r.results.at(-1)?.status} is not retried unless retry-all is true)`
        : 'used its attempts';
  return new RolloutFailed(
    `The smoke test failed: ${failed
      .map((r) => `${r.url} ${ended(r)} after ${r.attempts} attempts, last: ${r.results.at(-1)?.failures.join('; ')}`)
      .join('; ')}.`,
    'The deployed version does not answer as expected: roll back (actions/rollback), or raise timeout if it only starts slowly.',
    { reason: 'unhealthy' },
  );
}
