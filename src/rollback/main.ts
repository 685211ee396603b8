import * as core from '@actions/core';
import { runStage, type Stage } from '../lib/action.js';
import {
  readInputs,
  type AzureRollbackInputs,
  type ContainerAppRollbackInputs,
  type EcsRollbackInputs,
  type GitOpsRollbackInputs,
  type RollbackInputs,
} from './inputs.js';
import { outputs, type RollbackOutput } from './outputs.js';
import type { RollbackReport, RollbackResult } from './result.js';
import { summarise } from './summary.js';

/**
 * rollback: put the last good version back, after a failed smoke test or by hand. ECS: point the service at a
 * known-good revision and watch it roll out. Azure: swap the slot back, or set previous-image, then wait until
 * production serves it. GitOps: revert the release commit in the config repository and wait until Argo CD has it
 * Healthy again. Idempotent: what already runs the target is left alone and the step succeeds.
 */
export const rollbackStage: Stage<RollbackReport, RollbackOutput> = {
  name: 'rollback',
  start: () => ({}),
  async run(report) {
    const inputs = readInputs();
    report.reason = inputs.reason;
    report.result = await rollBack(inputs);
    core.info(report.result.headline);
  },
  outputs,
  summary: summarise,
};

function rollBack(inputs: RollbackInputs): Promise<RollbackResult> {
  if (inputs.target === 'containerapp') return onContainerApp(inputs);
  if (inputs.target === 'gitops') return onGitOps(inputs);
  return inputs.target === 'ecs' ? onEcs(inputs) : onAzure(inputs);
}

async function onContainerApp(inputs: ContainerAppRollbackInputs): Promise<RollbackResult> {
  const { rollbackContainerApp } = await import('./containerapp.js');
  return core.group(inputs.mode === 'mark-good' ? 'Mark known-good' : 'Roll back', () => rollbackContainerApp(inputs));
}

async function onGitOps(inputs: GitOpsRollbackInputs): Promise<RollbackResult> {
  const { rollbackGitOps } = await import('./gitops.js');
  return core.group('Revert the release commit', () => rollbackGitOps(inputs));
}

async function onEcs(inputs: EcsRollbackInputs): Promise<RollbackResult> {
  const { rollbackEcs } = await import('./ecs.js');
  return core.group(inputs.mode === 'mark-good' ? 'Mark known-good' : 'Roll back', () => rollbackEcs(inputs));
}

async function onAzure(inputs: AzureRollbackInputs): Promise<RollbackResult> {
  const { rollbackAzure } = await import('./azure.js');
  return core.group('Roll back', () => rollbackAzure(inputs));
}

export async function run(): Promise<void> {
  await runStage(rollbackStage);
}
