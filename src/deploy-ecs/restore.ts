import * as core from '@actions/core';
import { UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { shortArn } from '../lib/arn.js';
import { aws, type Deadline } from '../lib/aws.js';
import { formatDuration } from '../lib/duration.js';
import { describeService, watchRollout } from '../lib/ecs-rollout.js';
import { describe, RolloutFailed } from '../lib/errors.js';
import {
  describeServiceDeployment,
  stopServiceDeployment,
  type DeploymentView,
} from '../lib/ecs-service-deployment.js';
import { followServiceDeployment } from './service-deployment.js';
import type { DeployEcsInputs } from './inputs.js';
import type { DeployReport, ServiceReport } from './report.js';

/**
 * No half-done deploy. Once ECS accepted an update, a deployment that fails anywhere (a rollout, a watch whose
 * DescribeServices keeps failing, the deadline, another service's update, an error thrown anywhere) ends in one
 * of two states, for every service it changed: back on the previous revision with that rollout watched to a
 * steady state ("back and proven"), or reported exactly as
 * `service <name> runs revision <n>, which is NOT proven; rollback failed: <reason>`.
 */

/** The failure-reason of a deployment that left a service on a revision nobody proved. */
export const NOT_PROVEN = 'not-proven';

/**
 * Puts every changed service back and proves it, then throws: `failure` itself when every one is back and proven,
 * else a RolloutFailed (failure-reason not-proven) that leads with each service left unproven. The rollback has a
 * deadline of its own, wait-for-minutes from now, as the one it follows may have run out.
 */
export async function restore(
  client: ECSClient,
  inputs: DeployEcsInputs,
  { budget, failure, newArn }: { budget: Deadline; failure: unknown; newArn: string },
  report: DeployReport,
): Promise<never> {
  budget.at = Date.now() + inputs.waitMs;
  budget.input = 'wait-for-minutes, given again to the rollback';
  const changed = report.services.filter((s) => s.changed);
  await Promise.all(changed.map((entry) => putBack(client, inputs, entry, newArn)));
  const unproven = changed.filter((s) => s.notProven);
  if (unproven.length === 0) {
    core.notice(
      `Every service this run changed is back on its previous revision, proven steady: ${changed.map((s) => `${s.service} (${shortArn(s.previous)})`).join(', ')}.`,
    );
    throw failure;
  }
  throw new RolloutFailed(
    `${unproven.map((s) => s.notProven).join(' ')} The deployment failed: ${describe(failure).split('\n')[0]}`,
    'Look at the service in the ECS console: point it at a known-good revision with the rollback action (target: ecs), or deploy again.',
    { reason: NOT_PROVEN, cause: failure },
  );
}

async function putBack(client: ECSClient, inputs: DeployEcsInputs, entry: ServiceReport, newArn: string) {
  const { previous } = entry;
  if (!previous)
    return notProven(entry, 'rollback failed: the service was created by this run, it has no earlier revision');
  if (entry.pointsAt && entry.pointsAt !== newArn && entry.pointsAt !== previous)
    return notProven(
      entry,
      `rollback failed: another deployment (${shortArn(entry.pointsAt)}) replaced this run's, and is left to whoever started it`,
    );
  const byEcs = entry.rolledBackBy === 'ecs';
  if (!byEcs && !inputs.rollbackOnFailure) return notProven(entry, 'rollback is off (rollback-on-failure: false)');
  if (!byEcs && entry.strategy && entry.serviceDeploymentArn && (await stopInProgress(client, inputs, entry))) return;
  entry.rolledBackBy = undefined;
  try {
    const deploymentId = byEcs ? await ecsRollback(client, inputs, entry) : await pointBack(client, inputs, entry);
    if (deploymentId === undefined) return;
    await prove(client, inputs, entry, { deploymentId, newArn });
    entry.rolledBackBy = byEcs ? 'ecs' : 'deploy-ecs';
  } catch (error) {
    notProven(entry, `rollback failed: ${describe(error).split('\n')[0]}`);
  }
}

/**
 * A traffic-shifting deployment still in progress (a timeout, another service's failure) is stopped with
 * StopServiceDeployment ROLLBACK and followed to its end: ECS moves the traffic back to blue itself, which an
 * UpdateService would not do (it would start a third deployment beside the two). False when it is over or cannot
 * be read: the UpdateService path then decides.
 */
async function stopInProgress(client: ECSClient, inputs: DeployEcsInputs, entry: ServiceReport): Promise<boolean> {
  const arn = entry.serviceDeploymentArn as string;
  let view: DeploymentView;
  try {
    view = await describeServiceDeployment(client, arn);
  } catch {
    return false;
  }
  if (view.finished) return false;
  core.info(`stopping ${entry.service}'s service deployment ${arn} with rollback (StopServiceDeployment ROLLBACK)`);
  try {
    await stopServiceDeployment(client, arn);
    const end = await followServiceDeployment(
      client,
      { entry, arn, intervalMs: inputs.pollIntervalMs, timeoutMs: inputs.waitMs },
      (line) => core.info(`rollback: ${line}`),
    );
    if (end.outcome !== 'failed' || !end.rolledBack)
      throw new RolloutFailed(
        `stopping ${shortArn(arn)} with rollback did not end ROLLBACK_SUCCESSFUL: ${'reason' in end ? end.reason : end.outcome}`,
      );
  } catch (error) {
    notProven(entry, `rollback failed: ${describe(error).split('\n')[0]}`);
    return true;
  }
  entry.pointsAt = entry.previous;
  entry.rolledBackBy = 'deploy-ecs';
  entry.rollbackNote = `Its service deployment was stopped with rollback: back on ${entry.previous ?? ''}, ROLLBACK_SUCCESSFUL.`;
  return true;
}

/** rollback-on-failure: UpdateService back to the previous revision; the deployment of it to watch. */
async function pointBack(client: ECSClient, inputs: DeployEcsInputs, entry: ServiceReport) {
  const previous = entry.previous as string;
  core.info(`rolling ${entry.service} back to ${previous} (rollback-on-failure)`);
  const answer = await aws(`ecs:UpdateService (${entry.service}, back to ${shortArn(previous)})`, () =>
    client.send(
      new UpdateServiceCommand({ cluster: inputs.cluster, service: entry.service, taskDefinition: previous }),
    ),
  );
  const primary = answer.service?.deployments?.find((d) => d.status === 'PRIMARY');
  if (primary?.taskDefinition !== previous) {
    if (primary?.taskDefinition) entry.pointsAt = primary.taskDefinition;
    notProven(
      entry,
      `rollback failed: pointing it back at ${shortArn(previous)} started no deployment of that revision (ECS answered with ${shortArn(primary?.taskDefinition) ?? 'no deployment'})`,
    );
    return undefined;
  }
  entry.pointsAt = previous;
  return primary.id;
}

/** ECS's circuit breaker rolled back: the deployment of the previous revision it started, to be watched. */
async function ecsRollback(client: ECSClient, inputs: DeployEcsInputs, entry: ServiceReport) {
  const service = await describeService(client, inputs.cluster, entry.service);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  if (primary?.taskDefinition) entry.pointsAt = primary.taskDefinition;
  return primary?.id;
}

/** Watches the rollback's rollout to a steady state; throws when it does not get there. */
async function prove(
  client: ECSClient,
  inputs: DeployEcsInputs,
  entry: ServiceReport,
  { deploymentId, newArn }: { deploymentId?: string; newArn: string },
): Promise<void> {
  const previous = entry.previous as string;
  const prefix = inputs.services.length > 1 ? `[${entry.service}] ` : '';
  const watched = await watchRollout(client, {
    cluster: inputs.cluster,
    service: entry.service,
    target: { deploymentId, taskDefinitionArn: previous, previousTaskDefinitionArn: newArn },
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: inputs.waitMs,
    seenEventIds: new Set(),
    since: new Date(Date.now() - 1000),
    log: (line) => core.info(`${prefix}rollback: ${line}`),
  });
  if (watched.outcome === 'completed') {
    entry.pointsAt = previous;
    entry.rollbackNote = `It is back on ${previous}, proven steady.`;
    core.info(`${prefix}${entry.service} is back on ${previous}, proven steady`);
    return;
  }
  const why =
    watched.assessment?.state === 'failed'
      ? watched.assessment.reason
      : `it did not reach a steady state within ${formatDuration(inputs.waitMs)}${watched.cut ? ` (${watched.cut})` : ''}`;
  throw new RolloutFailed(`the rollback to ${shortArn(previous)} failed: ${why}`);
}

function notProven(entry: ServiceReport, tail: string): void {
  entry.rolledBackBy = undefined;
  entry.notProven = `service ${entry.service} runs revision ${shortArn(entry.pointsAt) ?? '(unknown)'}, which is NOT proven; ${tail.replace(/\.$/, '')}.`;
  core.error(entry.notProven);
}
