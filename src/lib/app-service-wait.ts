import * as core from '@actions/core';
import { formatDuration } from './duration.js';
import { InputError, RolloutFailed, TimeoutError } from './errors.js';
import { parseImageReference } from './image.js';
import { duration, optional } from './inputs.js';
import { parseJsonExpectations, parseStatus, probeUntil, type ProbeRun } from './probe.js';

/**
 * Waiting until an App Service slot serves a version, for deploy-azure (the new one) and rollback (the
 * previous one): the inputs both actions share under the same names, and the probe loop.
 */

export interface WaitOptions {
  /** The health path on the slot's defaultHostName, or a full URL that overrides it. */
  healthPath: string;
  healthUrl?: string;
  /** The version /health must report; undefined: any 2xx answer will do. */
  expectedVersion?: string;
  versionField: string;
  timeoutMs: number;
  intervalMs: number;
}

/**
 * Reads health-path, health-url, expected-version (default: the tag of `image`, none for latest or a digest),
 * version-field, timeout and poll-interval.
 */
export function readWaitInputs(image: string | undefined): WaitOptions {
  const healthPath = optional('health-path') ?? '/health';
  if (!healthPath.startsWith('/')) throw new InputError(`Input 'health-path' must start with /, got '${healthPath}'.`);
  const healthUrl = optional('health-url');
  if (healthUrl && !/^https?:\/\//.test(healthUrl))
    throw new InputError(`Input 'health-url' must be an http(s) URL, got '${healthUrl}'.`);
  const tag = image ? parseImageReference(image)?.tag : undefined;
  return {
    healthPath,
    healthUrl,
    expectedVersion: optional('expected-version') ?? (tag === 'latest' ? undefined : tag),
    versionField: optional('version-field') ?? 'version',
    timeoutMs: duration('timeout', '600', { bare: 's', minMs: 1000, maxMs: 3_600_000 }),
    intervalMs: duration('poll-interval', '5', { bare: 's', minMs: 50, maxMs: 300_000 }),
  };
}

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
  if (!run.passed) throw notServed(url, wait, what, run, ms);
  return { url, run, ms };
}

/** A slot that answered but never right failed its rollout; one that never answered ran out of time. */
function notServed(url: string, wait: WaitOptions, what: string, run: ProbeRun, ms: number): Error {
  const last = run.results.at(-1);
  const why = last?.failures.join('; ') ?? 'no answer';
  const Failure = run.results.some((r) => r.status !== undefined) ? RolloutFailed : TimeoutError;
  return new Failure(
    `${what} did not serve ${wait.expectedVersion ? `version ${wait.expectedVersion}` : 'a healthy answer'} at ${url} within ${formatDuration(ms)} (${run.attempts} probes; last: ${why}).`,
    "Look at the slot's log stream (az webapp log tail) for why the container does not start, or raise timeout.",
  );
}
