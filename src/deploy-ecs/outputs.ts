import type { Outputs } from '../lib/action.js';
import type { DeployReport } from './report.js';
import type { TeardownReport } from './teardown.js';

/** The outputs of deploy-ecs (action.yml), from a report; pure. runStage adds failure-reason. */

export type OutputName =
  | 'task-definition-arn'
  | 'previous-task-definition-arn'
  | 'deployment-id'
  | 'rollout-state'
  | 'rolled-back'
  | 'services'
  | 'service-url'
  | 'run-task-arn'
  | 'task-definition';

export function deployOutputs(report: DeployReport): Outputs<OutputName> {
  const first = report.services[0];
  return {
    'task-definition-arn': report.taskDefinitionArn ?? '',
    'previous-task-definition-arn': first?.previous ?? '',
    'deployment-id': first?.deploymentId ?? '',
    'rollout-state': rolloutState(report),
    'rolled-back': String(report.services.some((s) => s.rolledBackBy)),
    'service-url': report.serviceUrl?.url ?? '',
    services: JSON.stringify(
      report.services.map(({ service, previous, deploymentId, rolloutState, outcome, rolledBackBy }) => ({
        service,
        previous,
        deploymentId,
        rolloutState,
        outcome,
        rolledBackBy,
      })),
    ),
    // A JSON array, as aws-actions/amazon-ecs-deploy-task-definition gives it.
    'run-task-arn': report.oneOff ? JSON.stringify([report.oneOff.taskArn]) : undefined,
    'task-definition': report.renderedFile,
  };
}

/**
 * The state of the deployment as a whole: FAILED when any service's rollout failed or was rolled back (so it
 * never contradicts rolled-back), else IN_PROGRESS when any is still rolling out, else the first service's.
 */
function rolloutState(report: DeployReport): string {
  const states = report.services.map((s) => s.rolloutState);
  if (states.includes('FAILED') || report.services.some((s) => s.rolledBackBy)) return 'FAILED';
  if (states.includes('IN_PROGRESS')) return 'IN_PROGRESS';
  return states[0] ?? '';
}

/** A teardown deploys nothing: only services, what became of each. */
export function teardownOutputs(report: TeardownReport): Outputs<OutputName> {
  return {
    'task-definition-arn': undefined,
    'previous-task-definition-arn': undefined,
    'deployment-id': undefined,
    'rollout-state': undefined,
    'rolled-back': undefined,
    'service-url': undefined,
    services: JSON.stringify(report.results),
    'run-task-arn': undefined,
    'task-definition': undefined,
  };
}
