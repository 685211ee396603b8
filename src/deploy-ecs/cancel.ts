import * as core from '@actions/core';
import { runStage, type Stage } from '../lib/action.js';
import { aws } from '../lib/aws.js';
import { ecsClient } from '../lib/ecs.js';
import {
  describeServiceDeployment,
  stopServiceDeployment,
  type DeploymentView,
} from '../lib/ecs-service-deployment.js';
import { describe } from '../lib/errors.js';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { readRollbackOnCancel } from './inputs.js';
import { rollbackState, type RollbackState } from './state.js';
import { cancelSummary } from './summary.js';

/**
 * The post step, run only when the workflow run was cancelled (`post-if: cancelled()`): when the
 * cancellation came during the watch, the services are pointed back at what they ran before, so a
 * cancelled run does not leave a rollout half done.
 */

export interface CancelReport {
  /** What the main step saved while it watched; undefined when no rollout was in progress. */
  saved?: RollbackState;
  rollbackOnCancel?: boolean;
  /** The services pointed back so far (serviceDeploymentArn: by stopping that deployment with rollback). */
  pointedBack: { service: string; previous: string; serviceDeploymentArn?: string }[];
}

export const cancelStage: Stage<CancelReport, never> = {
  name: 'deploy-ecs (run cancelled)',
  start: () => ({ pointedBack: [] }),
  run: pointBack,
  // A post step's outputs reach no later step.
  outputs: () => ({}),
  summary: cancelSummary,
};

export async function cancelRollback(): Promise<void> {
  await runStage(cancelStage);
}

async function pointBack(report: CancelReport): Promise<void> {
  const saved = rollbackState.load();
  report.saved = saved;
  if (!saved) {
    core.info('No rollout was in progress when the run was cancelled: nothing to put back.');
    return;
  }
  report.rollbackOnCancel = readRollbackOnCancel();
  if (!report.rollbackOnCancel) {
    core.warning(
      `The run was cancelled during the rollout of ${saved.services.map((s) => s.service).join(', ')}; rollback-on-cancel is false, so the rollout goes on.`,
    );
    return;
  }
  const { UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
  const client = await ecsClient({ region: saved.region, stage: 'deploy-ecs' });
  for (const { service, previous, serviceDeploymentArn } of saved.services) {
    if (serviceDeploymentArn && (await stopped(client, service, serviceDeploymentArn))) {
      report.pointedBack.push({ service, previous, serviceDeploymentArn });
      continue;
    }
    await aws(`ecs:UpdateService (${service})`, () =>
      client.send(new UpdateServiceCommand({ cluster: saved.cluster, service, taskDefinition: previous })),
    );
    report.pointedBack.push({ service, previous });
    core.warning(`The run was cancelled during the rollout: ${service} was pointed back at ${previous}.`);
  }
}

/**
 * A service deployment still in progress is stopped with rollback (StopServiceDeployment ROLLBACK: ECS puts the
 * source revision back, traffic included, whatever the strategy). False when it cannot be read or is over: the
 * service is then pointed back with UpdateService, as one without a service deployment is.
 */
async function stopped(client: ECSClient, service: string, arn: string): Promise<boolean> {
  let view: DeploymentView;
  try {
    view = await describeServiceDeployment(client, arn);
  } catch (error) {
    core.info(
      `${service}: its service deployment cannot be read (${describe(error).split('\n')[0]}); pointing it back with UpdateService`,
    );
    return false;
  }
  if (view.finished) return false;
  await stopServiceDeployment(client, arn);
  core.warning(
    `The run was cancelled during the rollout: ${service}'s service deployment ${arn} (${view.status} at ${view.stage ?? 'no stage'}) was stopped with rollback.`,
  );
  return true;
}
