import * as core from '@actions/core';
import { codeDeployClient, stopCodeDeployment } from '../lib/codedeploy.js';
import { codeDeployState } from './codedeploy-state.js';

/**
 * The post step of a run cancelled while a CodeDeploy deployment was watched (or while production moved after
 * `mode: continue`): the deployment is stopped with automatic rollback (StopDeployment autoRollbackEnabled), so
 * production goes back to, or stays on, the original task set. Undefined when no CodeDeploy deployment was watched.
 */
export async function stopCodeDeployOnCancel(
  rollbackOnCancel: () => boolean,
): Promise<{ deploymentId: string; stopped: boolean } | undefined> {
  const saved = codeDeployState.load();
  if (!saved) return undefined;
  if (!rollbackOnCancel()) {
    core.warning(
      `The run was cancelled during CodeDeploy deployment ${saved.deploymentId}; rollback-on-cancel is false, so it goes on.`,
    );
    return { deploymentId: saved.deploymentId, stopped: false };
  }
  const client = await codeDeployClient({ region: saved.region, stage: 'deploy-ecs' });
  await stopCodeDeployment(client, saved.deploymentId);
  core.warning(
    `The run was cancelled during CodeDeploy deployment ${saved.deploymentId}: it was stopped with automatic rollback.`,
  );
  return { deploymentId: saved.deploymentId, stopped: true };
}
