import * as core from '@actions/core';
import type { Finished, Outputs, Stage } from '../lib/action.js';
import {
  codeDeployClient,
  continueCodeDeployment,
  describeCodeDeployment,
  logCodeDeployChange,
  stopCodeDeployment,
  watchCodeDeployment,
  type CodeDeployView,
} from '../lib/codedeploy.js';
import { RolloutFailed, TimeoutError } from '../lib/errors.js';
import { code, type StageSummary } from '../lib/summary.js';
import type { GateOutcome } from './codedeploy.js';
import { readDecisionInputs } from './codedeploy-inputs.js';
import { codeDeployState } from './codedeploy-state.js';
import type { OutputName } from './outputs.js';

/**
 * The answer to CodeDeploy's gate: `mode: continue` reroutes production traffic to the new revision
 * (ContinueDeployment, READY_WAIT) and watches the deployment to Succeeded; `mode: rollback` stops it with
 * automatic rollback (StopDeployment autoRollbackEnabled), so production never leaves the original task set.
 */

export interface DecisionReport {
  mode?: 'continue' | 'rollback';
  deploymentId?: string;
  view?: CodeDeployView;
  gate?: GateOutcome;
}

async function decide(report: DecisionReport): Promise<void> {
  const inputs = readDecisionInputs();
  Object.assign(report, { mode: inputs.mode, deploymentId: inputs.deploymentId });
  const client = await codeDeployClient({
    region: inputs.region,
    stage: 'deploy-ecs',
    requestTimeoutMs: inputs.requestTimeoutMs,
    deadline: { at: Date.now() + inputs.waitMs, input: 'wait-for-minutes' },
  });
  report.view = await describeCodeDeployment(client, inputs.deploymentId);
  core.info(`deployment ${inputs.deploymentId} is ${report.view.status}`);
  if (report.view.finished) return alreadyEnded(report, inputs.mode, report.view);
  if (inputs.mode === 'continue') await continueCodeDeployment(client, inputs.deploymentId);
  else await stopCodeDeployment(client, inputs.deploymentId);
  core.info(
    inputs.mode === 'continue'
      ? 'ContinueDeployment: production traffic is rerouted to the new revision'
      : 'StopDeployment with automatic rollback: production stays on the original task set',
  );
  // A run cancelled while production moves stops the deployment with rollback (cancel.ts).
  if (inputs.mode === 'continue') codeDeployState.save({ region: inputs.region, deploymentId: inputs.deploymentId });
  const end = await watchCodeDeployment(client, inputs.deploymentId, {
    intervalMs: inputs.pollIntervalMs,
    timeoutMs: inputs.waitMs,
    stopAtReady: false,
    onChange: logCodeDeployChange,
  }).finally(() => codeDeployState.clear());
  if (end.view) report.view = end.view;
  if (end.kind !== 'finished')
    throw new TimeoutError(
      `CodeDeploy deployment ${inputs.deploymentId} was still ${end.view?.status ?? 'unknown'} when wait-for-minutes ran out.`,
    );
  if (inputs.mode === 'rollback') return void (report.gate = 'rolled-back');
  if (end.view.status === 'Succeeded') return void (report.gate = 'continued');
  report.gate = end.view.rollbackMessage ? 'rolled-back' : undefined;
  const why = end.view.error ? `${end.view.error.code}: ${end.view.error.message}` : 'CodeDeploy gave no reason';
  throw new RolloutFailed(
    `CodeDeploy deployment ${inputs.deploymentId} ${end.view.status} after it was continued: ${why}${end.view.rollbackMessage ? ` ${end.view.rollbackMessage}` : ''}`,
  );
}

/**
 * A deployment that ended before the decision: a gate left unanswered past the group's ready wait was stopped by
 * CodeDeploy (and rolled back), or a step ran again. What was asked may already be so; otherwise it is reported.
 */
function alreadyEnded(report: DecisionReport, mode: 'continue' | 'rollback', view: CodeDeployView): void {
  const why = view.error ? ` (${view.error.code}: ${view.error.message})` : '';
  if (mode === 'continue' && view.status === 'Succeeded') {
    report.gate = 'continued';
    return core.info(`deployment ${view.deploymentId} already succeeded: nothing to continue`);
  }
  if (mode === 'rollback' && view.status !== 'Succeeded') {
    report.gate = 'rolled-back';
    return core.warning(
      `CodeDeploy deployment ${view.deploymentId} had already ended ${view.status}${why}: production is on the original task set.`,
    );
  }
  report.gate = view.status === 'Succeeded' ? undefined : 'rolled-back';
  throw new RolloutFailed(
    mode === 'continue'
      ? `CodeDeploy deployment ${view.deploymentId} had already ended ${view.status}${why} before it was continued: production stayed on the original task set.`
      : `CodeDeploy deployment ${view.deploymentId} had already succeeded: production runs the new revision, too late to roll back here.`,
    mode === 'continue'
      ? "The gate was left unanswered longer than the deployment group's ready wait (waitTimeInMinutes): raise it, or answer sooner; then deploy again."
      : 'Roll back with the rollback action (target: ecs) or deploy the previous revision.',
  );
}

function decisionOutputs(report: DecisionReport): Outputs<OutputName> {
  const view = report.view;
  return {
    'task-definition-arn': undefined,
    'previous-task-definition-arn': undefined,
    'deployment-id': undefined,
    'service-deployment-arn': undefined,
    'rollout-state': view
      ? view.status === 'Succeeded'
        ? 'COMPLETED'
        : view.finished
          ? 'FAILED'
          : 'IN_PROGRESS'
      : undefined,
    'rolled-back': report.gate ? String(report.gate === 'rolled-back') : undefined,
    changed: undefined,
    'service-url': undefined,
    services: undefined,
    'run-task-arn': undefined,
    'task-definition': undefined,
    'codedeploy-deployment-id': report.deploymentId,
    'test-url': undefined,
    gate: report.gate,
  };
}

function decisionSummary({ report, error }: Finished<DecisionReport>): Omit<StageSummary, 'stage'> {
  const id = report.deploymentId ?? '';
  const headline =
    error !== undefined
      ? ''
      : report.gate === 'continued'
        ? `CodeDeploy deployment ${id} was continued: production runs the new revision.`
        : `CodeDeploy deployment ${id} was stopped and rolled back: production stayed on the original task set.`;
  return {
    outcome: error === undefined ? 'success' : 'failure',
    headline,
    facts: [
      ['CodeDeploy deployment', id ? `${code(id)} (${report.view?.status ?? 'unknown'})` : undefined],
      ['Decision', report.mode],
      ['CodeDeploy error', report.view?.error ? `${report.view.error.code}: ${report.view.error.message}` : undefined],
    ],
  };
}

export const codeDeployDecisionStage: Stage<DecisionReport, OutputName> = {
  name: 'deploy-ecs (CodeDeploy gate)',
  start: () => ({}),
  run: decide,
  outputs: decisionOutputs,
  summary: decisionSummary,
};
