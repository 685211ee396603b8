import * as core from '@actions/core';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { shortArn } from '../lib/arn.js';
import { formatDuration } from '../lib/duration.js';
import { failedFirst } from '../lib/ecs-assess.js';
import { mayHaveApplied } from '../lib/aws.js';
import { describeService, describeStoppedTask, watchRollout, type WatchResult } from '../lib/ecs-rollout.js';
import { CloudError, describe, RolloutFailed, TimeoutError } from '../lib/errors.js';
import type { DeployEcsInputs } from './inputs.js';
import type { Current } from './prepare.js';
import type { DeployReport, ServiceReport } from './report.js';
import { createService, updateService, type Started } from './service.js';
import {
  followServiceDeployment,
  nameServiceDeployment,
  SERVICE_DEPLOYMENT_PERMISSIONS,
  traffic,
  trafficStrategy,
} from './service-deployment.js';
import { GATE_STAGE } from './strategy-inputs.js';
import { recordBalancers } from './service-url.js';

/**
 * Pointing the services at the new revision and watching each rollout until ECS shows how it ends. What is put
 * back after a failure, and how, is restore.ts's.
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
    const since = new Date();
    const result = await startOne(client, inputs, current, { report, entry });
    markChanged(report, entry, result.service.taskDefinition ?? arn);
    entry.deploymentId = expectDeployment(entry.service, arn, result);
    const before = current.services[i]?.deployments?.find((d) => d.status === 'PRIMARY');
    core.info(
      before?.id === result.deploymentId
        ? `${entry.service} already runs ${arn}: ECS started no new deployment (set force-new-deployment to restart its tasks)`
        : `${entry.created ? 'created' : 'updated'} ${entry.service}: deployment ${result.deploymentId} of ${arn}`,
    );
    if (before?.id !== result.deploymentId) {
      const taskDefinitionArn = result.service.taskDefinition ?? arn;
      await nameServiceDeployment(client, { cluster: inputs.cluster, entry, taskDefinitionArn, since }, core.info);
    }
    started.push(result);
  }
  return started;
}

/**
 * UpdateService, or CreateService the first time. When the answer is lost after the request may have been
 * applied (a reset, a timeout, a 5xx), DescribeServices says what is true: ours when the service now points at
 * the new revision, else the call failed and changed nothing; a service that cannot even be read back counts as
 * changed, so it is put back.
 */
async function startOne(
  client: ECSClient,
  inputs: DeployEcsInputs,
  current: Current,
  { report, entry }: { report: DeployReport; entry: ServiceReport },
): Promise<Started> {
  const arn = current.taskDefinitionArn;
  const i = inputs.services.indexOf(entry.service);
  try {
    return current.services[i] || !inputs.createService
      ? await updateService(client, inputs, entry.service, arn, current.updates[i])
      : await createService(client, inputs, {
          service: entry.service,
          taskDefinitionArn: arn,
          definition: current.definition,
          create: inputs.createService,
          update: current.updates[i],
        });
  } catch (error) {
    if (!mayHaveApplied(error)) throw error;
    const found = await readBack(client, inputs.cluster, entry.service, arn, error);
    if (found === 'unknown') {
      // Unknown counts as changed: restore.ts points it back (a no-op when it never changed) and proves it.
      markChanged(report, entry, arn);
      throw error;
    }
    if (typeof found === 'string') {
      throw new CloudError(
        `${describe(error).split('\n')[0]} DescribeServices shows ${entry.service} still points at ${shortArn(found)}: the update was not applied, nothing was changed.`,
        'UpdateNotApplied',
        'Run the deployment again; if AWS keeps dropping answers, look at the AWS Health Dashboard for the region.',
      );
    }
    return found;
  }
}

/**
 * What the service shows after a lost answer: ours (how it started), the revision it still points at, or
 * 'unknown' when it cannot be read either.
 */
async function readBack(
  client: ECSClient,
  cluster: string,
  service: string,
  arn: string,
  error: unknown,
): Promise<Started | string> {
  const lost = describe(error).split('\n')[0];
  core.warning(`The answer to ${service}'s update was lost (${lost}); reading the service back.`);
  let found: Service;
  try {
    found = await describeService(client, cluster, service);
  } catch (readError) {
    core.error(`${service} could not be read back (${describe(readError).split('\n')[0]}): counted as changed.`);
    return 'unknown';
  }
  const primary = found.deployments?.find((d) => d.status === 'PRIMARY');
  if (found.status === 'ACTIVE' && primary?.taskDefinition === arn) {
    core.info(`${service} points at ${arn} (deployment ${primary.id}): the update was applied.`);
    return { service: found, deploymentId: primary.id };
  }
  const runs = primary?.taskDefinition ?? found.taskDefinition ?? '(no revision)';
  core.info(`${service} still points at ${runs}: the update was not applied.`);
  return runs;
}

/**
 * Records that production changed, and says so at once in the `changed` output, so a later failure or a
 * cancelled run still leaves it for the pipeline's rollback.
 */
function markChanged(report: DeployReport, entry: ServiceReport, pointsAt: string): void {
  entry.changed = true;
  entry.pointsAt = pointsAt;
  if (report.changed) return;
  report.changed = true;
  core.setOutput('changed', 'true');
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
  if (!(await followed(client, inputs, rollout, log))) return;
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
    recordBalancers(entry, balanced);
    return;
  }
  log(`rollout ${result.outcome}: ${entry.reason}`);
  for (const task of entry.stoppedTasks.slice(0, 5)) log(`  ${describeStoppedTask(task)}`);
  for (const event of entry.events.slice(-5)) log(`  event: ${event}`);
  // A rollout that failed or was rolled back is FAILED, whatever ECS still says of a deployment it replaced:
  // rollout-state and rolled-back never tell two stories.
  if (entry.outcome === 'failed' || entry.rolledBackBy) entry.rolloutState = 'FAILED';
}

/**
 * A traffic-shifting strategy's service deployment, followed to its end before DescribeServices is watched: false
 * when it did not succeed (the report then says why); true when it did, or when the rolling watch is all there is.
 */
async function followed(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { entry, started, deadline }: Rollout,
  log: (line: string) => void,
): Promise<boolean> {
  const strategy = trafficStrategy(started.service);
  const arn = entry.serviceDeploymentArn;
  const gated = inputs.gate.kind === 'test-traffic';
  if (gated && (!strategy || !arn)) throw ungated(entry.service, strategy);
  if (!strategy || !arn) return true;
  entry.strategy = strategy;
  log(`following the ${strategy} service deployment stage by stage${gated ? `, up to the gate at ${GATE_STAGE}` : ''}`);
  const timeoutMs = Math.max(0, deadline - Date.now());
  const end = await followServiceDeployment(
    client,
    { entry, arn, intervalMs: inputs.pollIntervalMs, timeoutMs, ...(gated ? { pauseAt: GATE_STAGE } : {}) },
    log,
  );
  if (end.outcome === 'unknown' && gated) throw ungated(entry.service, strategy);
  if (end.outcome === 'completed' || end.outcome === 'unknown') return true;
  if (end.outcome === 'paused') {
    entry.outcome = 'paused';
    entry.rolloutState = 'IN_PROGRESS';
    entry.gateHookId = end.hookId;
    log(
      `paused at the gate (${GATE_STAGE}${traffic(end.view)}): production traffic stays on ${shortArn(entry.previous)}`,
    );
    return false;
  }
  entry.outcome = end.outcome;
  entry.reason = end.reason;
  if (end.outcome === 'failed') {
    entry.rolloutState = 'FAILED';
    if (end.rolledBack) entry.rolledBackBy = 'ecs';
  }
  log(`rollout ${end.outcome}: ${end.reason}`);
  return false;
}

/**
 * The gate waits on the service deployment itself: without it (a rolling update, or a role that may not read
 * service deployments) there is no pause to wait for.
 */
function ungated(service: string, strategy: string | undefined): CloudError {
  return strategy
    ? new CloudError(
        `${service}: the gate needs the service deployment, and it cannot be read: see the warning above.`,
        'AccessDeniedException',
        `Allow ${SERVICE_DEPLOYMENT_PERMISSIONS}, ecs:ContinueServiceDeployment to the deploying role.`,
      )
    : new CloudError(
        `${service}: the update started a rolling deployment, which has no test traffic to gate.`,
        'NoTrafficShift',
        'Set strategy: BLUE_GREEN, CANARY or LINEAR on the service (or with the strategy input).',
      );
}

/** What the watch saw, into the service's report. */
function record(entry: ServiceReport, result: WatchResult, waitMs: number): void {
  entry.events = result.events;
  const primary = result.service?.deployments?.find((d) => d.status === 'PRIMARY');
  if (primary?.taskDefinition) entry.pointsAt = primary.taskDefinition;
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
    entry.reason = `The rollout did not finish within ${formatDuration(waitMs)}${counts}.${result.cut ? ` ${result.cut}` : ''}`;
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
