import { stateSlot } from '../lib/state.js';

/**
 * What the main step leaves for the post step while it watches a CodeDeploy deployment: the deployment to stop
 * (with rollback) when the run is cancelled. Checked by hand, as state.ts checks its slot.
 */
export interface CodeDeployState {
  region?: string;
  deploymentId: string;
}

function parseCodeDeployState(value: unknown): CodeDeployState {
  const { region, deploymentId } = (value ?? {}) as Record<string, unknown>;
  if (
    typeof deploymentId !== 'string' ||
    !/^d-[A-Z0-9]{9}$/.test(deploymentId) ||
    (region !== undefined && typeof region !== 'string')
  )
    throw new Error("The state saved by deploy-ecs's main step is not a CodeDeploy deployment to stop.");
  return { region: region as string | undefined, deploymentId };
}

/** Saved when the watch begins, cleared when it ends: set only while a CodeDeploy deployment is watched. */
export const codeDeployState = stateSlot('codedeploy', parseCodeDeployState);
