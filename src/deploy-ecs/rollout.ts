import * as core from '@actions/core';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { formatDuration } from '../lib/duration.js';
import { failedFirst } from '../lib/ecs-assess.js';
import { describeStoppedTask, watchRollout, type WatchResult } from '../lib/ecs-rollout.js';
import { CloudError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import type { DeployEcsInputs } from './inputs.js';
import type { Current } from './prepare.js';
import type { DeployReport, ServiceReport } from './report.js';
import { createService, updateService, type Started } from './service.js';

/**
 * Pointing the services at the new revision and watching each rollout until ECS shows how it ends; after a
 * failure, the previous revision is put back unless ECS's circuit breaker already does it.
 */

export async function startRollouts(
  client: ECSClient,
  inputs: DeployEcsInputs,
  current: Current,
  report: DeployReport,
): Promise<Started[]> {
  const arn = current.taskDefinitionArn;
  const started: Started[] = [];
  for (const [i, entry] of report.services.entries()) {
    const result =
      current.services[i] || !inputs.createService
        ? await updateService(client, inputs, entry.service, arn)
        : await createService(client, inputs, {
            service: entry.service,
            taskDefinitionArn: arn,
            definition: current.definition,
            create: inputs.createService,
          });
    entry.deploymentId = expectDeployment(entry.service, arn, result);
    const before = current.services[i]?.deployments?.find((d) => d.status === 'PRIMARY');
    core.info(
      before?.id === result.deploymentId
        ? `${entry.service} already runs ${arn}: ECS started no new deployment (set force-new-deployment to restart its tasks)`
        : `${entry.created ? 'created' : 'updated'} ${entry.service}: deployment ${result.deploymentId} of ${arn}`,
    );
    started.push(result);
  }
  return started;
}

/**
 * The deployment to watch must run the revision asked for: when ECS answers with a PRIMARY deployment of
 * another one (someone else updated the service at the same time), watching it would report their rollout.
 */
function expectDeployment(service: string, arn: string, result: Started): string {
  if (result.deploymentId) return result.deploymentId;
  const primary = result.service.deployments?.find((d) => d.status === 'PRIMARY');
  throw new CloudError(
    `ecs:UpdateService (${service}) answered with a PRIMARY deployment of ${primary?.taskDefinition ?? 'no task definition'}, not ${arn}.`,
    'UnexpectedDeployment',
    'Another deployment may have started at the same time: look at the service in the console, then run the deploy again.',
  );
}

/** One service's rollout to watch: how it started, and the service as it was before. */
export interface Rollout {
  entry: ServiceReport;
  started: Started;
  before: Service | undefined;
  deadline: number;
}

export async function watchService(client: ECSClient, inputs: DeployEcsInputs, rollout: Rollout): Promise<void> {
  const { entry, started, deadline } = rollout;
  const prefix = inputs.services.length > 1 ? `[${entry.service}] ` : '';
  const log = (line: string) => core.info(`${prefix}${line}`);
  const taskDefinitionArn = started.service.taskDefinition ?? '';
  const result = await watchRollout(client, {
    cluster: inputs.cluster,
    service: entry.service,
    target: {
      deploymentId: entry.deploymentId,
      taskDefinitionArn,
      previousTaskDefinitionArn: entry.previous,
      maxFailedTasks: inputs.maxFailedTasks,
    },
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: Math.max(0, deadline - Date.now()),
    seenEventIds: new Set((started.service.events ?? []).map((e) => e.id ?? '')),
    log,
  });
  record(entry, result, inputs.waitMs);
  if (result.outcome === 'completed') {
    log(`rollout completed: ${entry.service} runs ${taskDefinitionArn}`);
    const balanced = (result.service ?? started.service).loadBalancers ?? [];
    entry.targetGroupArns = balanced.flatMap((lb) => (lb.targetGroupArn ? [lb.targetGroupArn] : []));
    return;
  }
  log(`rollout ${result.outcome}: ${entry.reason}`);
  for (const task of entry.stoppedTasks.slice(0, 5)) log(`  ${describeStoppedTask(task)}`);
  for (const event of entry.events.slice(-5)) log(`  event: ${event}`);
  await afterFailure(client, inputs, rollout, log);
  // A rollout that failed or was rolled back is FAILED, whatever ECS still says of a deployment it replaced:
  // rollout-state and rolled-back never tell two stories.
  if (entry.outcome === 'failed' || entry.rolledBackBy) entry.rolloutState = 'FAILED';
}

/** What the watch saw, into the service's report. */
function record(entry: ServiceReport, result: WatchResult, waitMs: number): void {
  entry.events = result.events;
  entry.stoppedTasks = failedFirst(result.stoppedTasks);
  entry.rolloutState =
    result.assessment?.deployment?.rolloutState ?? (result.outcome === 'completed' ? 'COMPLETED' : undefined);
  entry.outcome = result.outcome;
  if (result.assessment?.state === 'failed') {
    entry.reason = result.assessment.reason;
    if (result.assessment.rolledBack) entry.rolledBackBy = 'ecs';
  } else if (result.outcome === 'timeout') {
    const d = result.assessment?.deployment ?? result.service?.deployments?.find((x) => x.id === entry.deploymentId);
    const counts = d
      ? `: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending, ${d.failedTasks ?? 0} failed`
      : '';
    entry.reason = `The rollout did not finish within ${formatDuration(waitMs)}${counts}.`;
  }
}

/** After a failed or timed-out rollout: who puts the previous revision back, if anyone. */
async function afterFailure(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { entry, started, before }: Rollout,
  log: (line: string) => void,
): Promise<void> {
  if (entry.rolledBackBy || !entry.previous) return;
  const breaker = (before ?? started.service).deploymentConfiguration?.deploymentCircuitBreaker;
  if (breaker?.enable && breaker.rollback && entry.outcome === 'failed') {
    entry.rollbackNote = `The deployment circuit breaker is rolling it back to ${entry.previous}.`;
    log(entry.rollbackNote);
    entry.rolledBackBy = 'ecs';
  } else if (inputs.rollbackOnFailure) {
    log(`rolling ${entry.service} back to ${entry.previous} (rollback-on-failure)`);
    await pointBack(client, inputs, entry);
  } else {
    entry.rollbackNote = `It still points at the failed revision (rollback-on-failure is false); it ran ${entry.previous} before.`;
  }
}

/**
 * rollback-on-failure: points the service back at its previous revision, and checks that ECS started a
 * deployment of that revision. A refusal (the previous revision was deregistered: "TaskDefinition is
 * inactive") is reported beside the rollout failure, not instead of it.
 */
async function pointBack(client: ECSClient, inputs: DeployEcsInputs, entry: ServiceReport): Promise<void> {
  const previous = entry.previous as string;
  try {
    const back = await updateService(
      client,
      { ...inputs, forceNewDeployment: false, desiredCount: undefined },
      entry.service,
      previous,
    );
    if (!back.deploymentId) {
      entry.rollbackNote = `Pointing it back at ${previous} started no deployment of that revision: check the service.`;
      return;
    }
    entry.rolledBackBy = 'deploy-ecs';
    entry.rollbackNote = `Pointed it back at ${previous} (rollback-on-failure, deployment ${back.deploymentId}).`;
  } catch (error) {
    entry.rollbackNote = `Pointing it back at ${previous} failed: ${(error as Error).message}`;
  }
}

/** The error a deployment fails with when a rollout did not complete: every failed service, with its reasons. */
export function rolloutError(failed: ServiceReport[]): Error {
  const lines = failed.map((s) => {
    const task = s.stoppedTasks[0];
    const stopped = task ? ` First failed ${describeStoppedTask(task)}.` : '';
    return `${s.service}: ${s.reason ?? s.outcome}${stopped}${s.rollbackNote ? ` ${s.rollbackNote}` : ''}`;
  });
  const hint =
    "Read the stopped reasons and service events above; the task's own logs are in its log configuration (e.g. CloudWatch Logs).";
  const timedOut = failed.every((s) => s.outcome === 'timeout');
  return timedOut
    ? new TimeoutError(`Rollout timed out. ${lines.join(' ')}`, hint)
    : new RolloutFailed(`Rollout failed. ${lines.join(' ')}`, hint);
}
