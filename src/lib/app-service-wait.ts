import * as core from '@actions/core';
import { formatDuration } from './duration.js';
import { InputError, RolloutFailed, TimeoutError } from './errors.js';
import { parseImageReference } from './image.js';
import { duration, optional } from './inputs.js';
import { watchContainer, type DockerLog } from './azure-container.js';
import { parseJsonExpectations, parseStatus, probeUntil, type ProbeRun } from './probe.js';
import { maskUrl, redactUrl } from './secrets.js';

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
  // A password in the URL (https://user:pass@host) is masked before anything can print it.
  if (healthUrl) maskUrl(healthUrl);
  if (healthUrl && !/^https?:\/\/[^\s]+$/.test(healthUrl))
    throw new InputError(`Input 'health-url' must be an http(s) URL, got '${redactUrl(healthUrl)}'.`);
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

/** A restart that started a new container: the slot, its image, and the containers that ran before it. */
export interface Restarted {
  log: DockerLog;
  image: string;
  before: Set<string>;
}

/**
 * Waits until the slot serves the new image. After a restart, the docker log is watched meanwhile: a new container
 * that fails to start fails the step at once, and when the health answer cannot tell versions apart (no expected
 * version: a digest or `latest`), success needs the log to show the new container ready, not only a 2xx that the
 * old container may still be giving.
 */
export async function waitUntilServes(
  url: string,
  wait: WaitOptions,
  what: string,
  restarted?: Restarted,
): Promise<Served> {
  if (!restarted) return probeServes(url, wait, what);
  const stop = new AbortController();
  const started = Date.now();
  try {
    if (wait.expectedVersion) {
      const watcher = watchContainer(restarted.log, restarted.image, restarted.before, stop.signal);
      return await Promise.race([probeServes(url, wait, what), watcher.then(() => never())]);
    }
    await waitForContainer(restarted, wait.timeoutMs, what);
    return await probeServes(
      url,
      { ...wait, timeoutMs: Math.max(1000, wait.timeoutMs - (Date.now() - started)) },
      what,
    );
  } finally {
    stop.abort();
  }
}

/** Waits until the docker log shows the new container ready (RolloutFailed when it failed to start, else a timeout). */
export async function waitForContainer(restarted: Restarted, timeoutMs: number, what: string): Promise<void> {
  const stop = new AbortController();
  const started = Date.now();
  try {
    const timeout = new Promise<undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      stop.signal.addEventListener('abort', () => clearTimeout(timer));
    });
    const watcher = watchContainer(restarted.log, restarted.image, restarted.before, stop.signal);
    const ready = await Promise.race([watcher, timeout]);
    if (!ready) {
      throw new TimeoutError(
        `${what}: App Service's docker log shows no new container from ${restarted.image} ready within ${formatDuration(Date.now() - started)}; the old one may still serve.`,
        "Look at the slot's log stream (az webapp log tail), or raise timeout for a large image.",
      );
    }
    core.info(`  ${what}: container ${ready.container} (${restarted.image}) is ready`);
  } finally {
    stop.abort();
  }
}

const never = () => new Promise<never>(() => undefined);

/**
 * Probes the slot until it answers 2xx with the expected version (and twice in a row, so a warm-up answer
 * from the old container is not taken for the new one), or the time runs out.
 */
async function probeServes(url: string, wait: WaitOptions, what: string): Promise<Served> {
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
  // The URL as printed: a password in it (health-url) shown as ***.
  if (!run.passed) throw notServed(redactUrl(url), wait, what, run, ms);
  return { url: redactUrl(url), run, ms };
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
