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
  | 'run-task-arn';

export function deployOutputs(report: DeployReport): Outputs<OutputName> {
  const first = report.services[0];
  return {
    'task-definition-arn': report.taskDefinitionArn ?? '',
    'previous-task-definition-arn': first?.previous ?? '',
    'deployment-id': first?.deploymentId ?? '',
    'rollout-state': first?.rolloutState ?? '',
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
    'run-task-arn': report.oneOff?.taskArn,
  };
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
  };
}
