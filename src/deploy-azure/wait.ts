import * as core from '@actions/core';
import { RolloutFailed, TimeoutError } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { parseJsonExpectations, parseStatus, probeUntil, type ProbeRun } from '../lib/probe.js';
import type { WaitOptions } from './inputs.js';

/** The URL that proves a slot: health-url, or https://<defaultHostName><health-path> as ARM names the host. */
export function healthUrl(defaultHostName: string, wait: WaitOptions): string {
  return wait.healthUrl ?? `https://${defaultHostName}${wait.healthPath}`;
}

export interface Served {
  url: string;
  run: ProbeRun;
  ms: number;
}

/**
 * Probes the slot until it answers 2xx with the expected version (and twice in a row, so a warm-up answer
 * from the old container is not taken for the new one), or the time runs out.
 */
export async function waitUntilServes(url: string, wait: WaitOptions, what: string): Promise<Served> {
  const started = Date.now();
  const json = wait.expectedVersion
    ? parseJsonExpectations('expected-version', [`${wait.versionField}=${wait.expectedVersion}`])
    : [];
  const run = await probeUntil(
    { url, timeoutMs: Math.min(30_000, wait.timeoutMs) },
    { status: parseStatus('health', '2xx'), json },
    {
      timeoutMs: wait.timeoutMs,
      intervalMs: wait.intervalMs,
      backoff: 1.5,
      maxIntervalMs: Math.max(wait.intervalMs, 30_000),
      consecutiveSuccesses: 2,
      onAttempt: (result, attempt) =>
        core.info(
          `  ${what} #${attempt}: ${result.status ?? 'no answer'}${result.passed ? ' ok' : `: ${result.failures.join('; ')}`}`,
        ),
    },
  );
  const ms = Date.now() - started;
  if (!run.passed) {
    const last = run.results.at(-1);
    const why = last?.failures.join('; ') ?? 'no answer';
    const Failure = run.results.some((r) => r.status !== undefined) ? RolloutFailed : TimeoutError;
    throw new Failure(
      `${what} did not serve ${wait.expectedVersion ? `version ${wait.expectedVersion}` : 'a healthy answer'} at ${url} within ${formatDuration(ms)} (${run.attempts} probes; last: ${why}).`,
      "Look at the slot's log stream (az webapp log tail) for why the container does not start, or raise timeout.",
    );
  }
  return { url, run, ms };
}
