import * as core from '@actions/core';
import type { Finished, Stage } from '../lib/action.js';
import { readWaitInputs } from '../lib/app-service-wait.js';
import { containerAppsClient, readApp, type AppRef } from '../lib/container-app.js';
import { weightOf } from '../lib/container-app-traffic.js';
import { bool } from '../lib/inputs.js';
import { code, type StageSummary } from '../lib/summary.js';
import { restore } from './containerapp-deploy.js';
import { labelBack } from './containerapp-preview.js';
import { readContainerAppTarget } from './containerapp-inputs.js';
import { emptyContainerAppReport } from './containerapp-report.js';
import { containerAppRollbackState, type ContainerAppRollbackState } from './containerapp-state.js';

/**
 * deploy-azure's post step for `target: containerapp`, run only when the workflow run was cancelled while the main step
 * was changing a container app: all traffic goes back on the revision that served before and the new revision is
 * deactivated, as the main step does on a failure. What already holds all the traffic is left alone.
 */

export interface ContainerAppCancelReport {
  saved?: ContainerAppRollbackState;
  rollbackOnCancel?: boolean;
  /** The new revision's weight when the post step read the app. */
  found?: number;
  /** What was put back, when anything was; false when putting back failed. */
  putBack?: string | false;
}

export const containerAppCancelStage: Stage<ContainerAppCancelReport, never> = {
  name: 'deploy-azure (run cancelled)',
  start: () => ({}),
  run: putBack,
  // A post step's outputs reach no later step.
  outputs: () => ({}),
  summary: summariseCancel,
};

async function putBack(report: ContainerAppCancelReport): Promise<void> {
  const saved = containerAppRollbackState.load();
  report.saved = saved;
  if (!saved) return;
  const wait = readWaitInputs(undefined);
  report.rollbackOnCancel = bool('rollback-on-cancel', true);
  if (!report.rollbackOnCancel) {
    core.warning(
      `The run was cancelled while ${saved.app} was being changed to ${saved.revision}; rollback-on-cancel is false, so it is left as it is.`,
    );
    return;
  }
  const ref: AppRef = {
    client: await containerAppsClient(readContainerAppTarget(), 'deploy-azure'),
    resourceGroup: saved.resourceGroup,
    app: saved.app,
    intervalMs: wait.intervalMs,
    deadline: Date.now() + wait.timeoutMs,
  };
  report.found = weightOf(await readApp(ref), saved.revision);
  const back = { ...emptyContainerAppReport(), ...saved, changing: true };
  await restore(ref, back);
  // A preview's label goes back to the revision it named before (labelBack says so, or why not, in the log).
  if (back.restored && saved.labelBefore) await labelBack(ref, back);
  if (!back.restored) {
    report.putBack = false;
    return;
  }
  const where = saved.previousRevision ? `all traffic is on ${saved.previousRevision}` : 'no traffic was moved';
  report.putBack = `${saved.revision} had ${report.found}% of the traffic; ${where}${back.deactivated ? ` and ${saved.revision} was deactivated` : ''}`;
  core.warning(`The run was cancelled while ${saved.app} was being changed: ${report.putBack}.`);
}

function summariseCancel({ report, error }: Finished<ContainerAppCancelReport>): Omit<StageSummary, 'stage'> {
  const { saved } = report;
  const headline =
    error !== undefined || !saved
      ? ''
      : report.rollbackOnCancel === false
        ? `The run was cancelled while ${code(saved.app)} was being changed; rollback-on-cancel is false, so it is left as it is.`
        : report.putBack === false
          ? `The run was cancelled while ${code(saved.app)} was being changed; putting ${code(saved.previousRevision ?? 'the previous revision')} back FAILED: see the log.`
          : `The run was cancelled while ${code(saved.app)} was being changed: ${report.putBack ?? 'nothing to put back'}.`;
  return {
    outcome: 'cancelled',
    headline,
    facts: [
      ['App', saved && code(saved.app)],
      ['New revision', saved && code(saved.revision)],
      ['Previous revision', saved?.previousRevision && code(saved.previousRevision)],
      ['Weight found', report.found === undefined ? undefined : `${report.found}%`],
    ],
  };
}
