import * as core from '@actions/core';
import { runStage, type Stage } from '../lib/action.js';
import { readImage, restartSlot, swapWithProduction, writeConfig, type SlotRef } from '../lib/app-service.js';
import { appServiceClient } from '../lib/azure.js';
import { containerAppChangeSaved } from './containerapp-state.js';
import { readCancelInputs } from './inputs.js';
import { rollbackState, type AzureRollbackState } from './state.js';
import { cancelSummary } from './summary.js';

/**
 * The post step, run only when the workflow run was cancelled (`post-if: cancelled()`): when the cancellation came
 * while production was being changed (a swap, an in-place update), the previous version is put back, so a
 * cancelled run does not leave production half done. Production is read first: what already runs the previous
 * image is left alone. A container app's change (target: containerapp) has a post step of its own:
 * containerapp-cancel.ts.
 */

export interface CancelReport {
  /** What the main step saved while it changed production; undefined when nothing was in flight. */
  saved?: AzureRollbackState;
  rollbackOnCancel?: boolean;
  /** What production ran when the post step read it. */
  found?: string;
  /** How the previous version was put back, when it was. */
  putBack?: string;
}

export const cancelStage: Stage<CancelReport, never> = {
  name: 'deploy-azure (run cancelled)',
  start: () => ({}),
  run: putBack,
  // A post step's outputs reach no later step.
  outputs: () => ({}),
  summary: cancelSummary,
};

export async function cancelRollback(): Promise<void> {
  // A container app's change (target: containerapp) is put back by revisions and traffic, not slots and images.
  if (containerAppChangeSaved()) {
    const { containerAppCancelStage } = await import('./containerapp-cancel.js');
    return runStage(containerAppCancelStage);
  }
  await runStage(cancelStage);
}

async function putBack(report: CancelReport): Promise<void> {
  const saved = rollbackState.load();
  report.saved = saved;
  if (!saved) {
    core.info('Production was not being changed when the run was cancelled: nothing to put back.');
    return;
  }
  const inputs = readCancelInputs();
  report.rollbackOnCancel = inputs.rollbackOnCancel;
  if (!inputs.rollbackOnCancel) {
    core.warning(
      `The run was cancelled while ${saved.app} was being changed to ${saved.image}; rollback-on-cancel is false, so it is left as it is.`,
    );
    return;
  }
  const bounds = {
    requestTimeoutMs: inputs.target.requestTimeoutMs ?? 30_000,
    deadline: Date.now() + inputs.timeoutMs,
  };
  const client = await appServiceClient(inputs.target, 'deploy-azure', bounds);
  const production: SlotRef = {
    client,
    resourceGroup: saved.resourceGroup,
    app: saved.app,
    slot: 'production',
    deadline: bounds.deadline,
    intervalMs: inputs.intervalMs,
  };
  report.found = await readImage(production);
  if (report.found === saved.previousImage) {
    // A swap Azure had not finished when it was read goes on in Azure; it is said, not waited for.
    const maySwap =
      saved.how === 'swap'
        ? ` If the swap of ${saved.slot} was still running, Azure finishes it: read production again and run rollback if it then runs ${saved.image}.`
        : '';
    (maySwap ? core.warning : core.info)(
      `${saved.app} runs ${saved.previousImage}, as before: nothing to put back.${maySwap}`,
    );
    return;
  }
  report.putBack = saved.how === 'swap' ? await swapBack(production, saved) : await setBack(production, saved);
  core.warning(`The run was cancelled while production was changed: ${report.putBack}.`);
}

async function swapBack(production: SlotRef, saved: AzureRollbackState): Promise<string> {
  await swapWithProduction({ ...production, slot: saved.slot });
  return `${saved.slot} was swapped back into production, which runs ${saved.previousImage} again`;
}

async function setBack(production: SlotRef, saved: AzureRollbackState): Promise<string> {
  await writeConfig(production, {
    image: saved.previousImage,
    startupCommand: saved.startupCommand,
    acrUseManagedIdentityCreds: saved.acrUseManagedIdentityCreds,
  });
  await restartSlot(production);
  return `${saved.previousImage} was set back on production and it was restarted`;
}
