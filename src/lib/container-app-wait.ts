import * as core from '@actions/core';
import type { ContainerApp, Replica, Revision } from '@azure/arm-appcontainers';
import { setTimeout as delay } from 'node:timers/promises';
import { listReplicas, readExecution, readRevision, type AppRef } from './container-app.js';
import { formatDuration } from './duration.js';
import { RolloutFailed, TimeoutError } from './errors.js';

/**
 * Waiting on Container Apps: a revision until it is provisioned, running and healthy (every replica ready), its
 * state streamed as it changes; a job execution until it ends. A failed provisioning or a crash-looping replica
 * fails at once with what ARM reports of them, never only at the timeout.
 */

export interface RevisionReady {
  revision: Revision;
  ms: number;
  polls: number;
}

/** One line of a revision's state and its replicas', as it is streamed. */
export function describeRevision(revision: Revision, replicas: Replica[]): string {
  const ready = replicas.filter((r) => r.containers?.every((c) => c.ready)).length;
  const states = `${revision.provisioningState}, ${revision.runningState}, ${revision.healthState}`;
  return `${revision.name}: ${states}; replicas ready ${ready}/${replicas.length}`;
}

/** Why a revision cannot become ready, from ARM's own words: its provisioning error, or a replica crash-looping. */
export function failureOf(revision: Revision, replicas: Replica[]): string | undefined {
  if (revision.provisioningState === 'Failed' || revision.runningState === 'Failed')
    return `provisioning failed: ${revision.provisioningError || revision.runningState}`;
  for (const replica of replicas)
    for (const container of replica.containers ?? []) {
      const crashing = (container.restartCount ?? 0) > 0 && !container.ready;
      if (crashing || /CrashLoopBackOff|ImagePullBackOff|ErrImagePull/.test(container.runningStateDetails ?? ''))
        return `replica ${replica.name} container ${container.name} restarted ${container.restartCount} times: ${container.runningStateDetails ?? replica.runningStateDetails ?? ''}`;
    }
  return undefined;
}

/** What the first container not ready says of itself (a readiness probe failing, still being created). */
const notReady = (replicas: Replica[]) => {
  const container = replicas.flatMap((r) => r.containers ?? []).find((c) => !c.ready);
  return container?.runningStateDetails ? `; container ${container.name}: ${container.runningStateDetails}` : '';
};

const isReady = (revision: Revision, replicas: Replica[]) =>
  revision.provisioningState === 'Provisioned' &&
  revision.runningState === 'Running' &&
  revision.healthState === 'Healthy' &&
  replicas.length > 0 &&
  replicas.every((r) => r.containers?.every((c) => c.ready));

/**
 * Polls the revision and its replicas until ready; RolloutFailed at once when it cannot be, or when `operation` (the
 * write that made it) fails; TimeoutError when the time runs out.
 */
export async function waitForRevision(
  ref: AppRef,
  name: string,
  options: { timeoutMs: number; operation?: Promise<ContainerApp> },
): Promise<RevisionReady> {
  const started = Date.now();
  let failed: unknown;
  options.operation?.catch((error: unknown) => (failed = error));
  let last = '';
  for (let polls = 1; ; polls++) {
    const revision = await readRevision(ref, name);
    const replicas = await listReplicas(ref, name);
    const line = describeRevision(revision, replicas);
    if (line !== last) core.info(`  ${line}`);
    last = line;
    if (isReady(revision, replicas)) return { revision, ms: Date.now() - started, polls };
    const why = failureOf(revision, replicas) ?? (failed ? String((failed as Error).message) : undefined);
    if (why)
      throw new RolloutFailed(
        `Revision ${name} of ${ref.app} cannot become ready: ${why}`,
        "Look at the revision's system and console logs (az containerapp logs show --type system / console); the previous revision keeps the traffic.",
      );
    if (Date.now() - started > options.timeoutMs)
      throw new TimeoutError(
        `Revision ${name} of ${ref.app} was not ready within ${formatDuration(Date.now() - started)} (last: ${line}${notReady(replicas)}).`,
        'Raise timeout for a slow start, or look at the revision in the portal (Revisions and replicas).',
      );
    await delay(Math.min(ref.intervalMs * Math.min(polls, 4), 5000));
  }
}

export interface ExecutionEnd {
  execution: string;
  status: string;
  exitCode?: number;
  detail?: string;
  ms: number;
}

/** Polls a job execution until it ends (Succeeded, Failed, Stopped), or the time runs out. */
export async function waitForExecution(
  ref: AppRef,
  job: string,
  execution: string,
  timeoutMs: number,
): Promise<ExecutionEnd> {
  const started = Date.now();
  let last = '';
  for (let polls = 1; ; polls++) {
    const found = await readExecution(ref, job, execution);
    const container = found.detailedStatus?.replicas?.[0]?.containers?.[0];
    if (found.status !== last) core.info(`  ${execution}: ${found.status}`);
    last = found.status ?? '';
    if (['Succeeded', 'Failed', 'Stopped', 'Degraded'].includes(last))
      return {
        execution,
        status: last,
        exitCode: container?.code,
        detail: container?.additionalInformation,
        ms: Date.now() - started,
      };
    if (Date.now() - started > timeoutMs)
      throw new TimeoutError(
        `Job ${job} execution ${execution} was still ${last} after ${formatDuration(Date.now() - started)}.`,
        'Raise timeout, or look at the execution in the portal (Execution history).',
      );
    await delay(Math.min(ref.intervalMs * Math.min(polls, 4), 5000));
  }
}
