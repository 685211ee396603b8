import type { Outputs } from '../lib/action.js';
import type { DeployReport } from './report.js';
import type { TeardownReport } from './teardown.js';

/** The outputs of deploy-ecs (action.yml), from a report; pure. runStage adds failure-reason. */

export type OutputName =
  | 'task-definition-arn'
  | 'previous-task-definition-arn'
  | 'deployment-id'
  | 'service-deployment-arn'
  | 'test-url'
  | 'gate'
  | 'rollout-state'
  | 'rolled-back'
  | 'changed'
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
    'service-deployment-arn': serviceDeploymentArn(report),
    'test-url': report.testUrl ?? '',
    gate: report.gate,
    'rollout-state': rolloutState(report),
    'rolled-back': String(rolledBack(report)),
    changed: String(report.changed),
    'service-url': report.serviceUrl?.url ?? '',
    services: JSON.stringify(
      report.services.map((s) => ({
        service: s.service,
        previous: s.previous,
        deploymentId: s.deploymentId,
        rolloutState: s.notProven ? NOT_PROVEN_STATE : s.rolloutState,
        outcome: s.outcome,
        rolledBackBy: s.rolledBackBy,
        changed: s.changed ?? false,
        ...(s.notProven ? { notProven: s.notProven } : {}),
      })),
    ),
    // A JSON array, as aws-actions/amazon-ecs-deploy-task-definition gives it.
    'run-task-arn': report.oneOff ? JSON.stringify([report.oneOff.taskArn]) : undefined,
    'task-definition': report.renderedFile,
  };
}

/**
 * The ARN alone for one service; with several, a JSON object service → ARN of those ECS named one for; empty when
 * none was named (no new deployment, or a policy without ecs:ListServiceDeployments).
 */
function serviceDeploymentArn(report: DeployReport): string {
  const named = report.services.flatMap((s) => (s.serviceDeploymentArn ? [[s.service, s.serviceDeploymentArn]] : []));
  if (named.length === 0) return '';
  if (report.services.length === 1) return named[0]?.[1] ?? '';
  return JSON.stringify(Object.fromEntries(named));
}

/** rollout-state when a changed service could not be put back and proven. */
export const NOT_PROVEN_STATE = 'NOT_PROVEN';

/**
 * true only when something was put back and every service this run changed is back and proven: a service left
 * NOT proven makes it false, whatever became of the others.
 */
function rolledBack(report: DeployReport): boolean {
  if (report.services.some((s) => s.notProven)) return false;
  return report.services.some((s) => s.rolledBackBy);
}

/**
 * The state of the deployment as a whole: NOT_PROVEN when a changed service was left on a revision nobody
 * proved; FAILED when any service's rollout failed or was rolled back (so it never contradicts rolled-back),
 * else IN_PROGRESS when any is still rolling out, else the first service's.
 */
function rolloutState(report: DeployReport): string {
  if (report.services.some((s) => s.notProven)) return NOT_PROVEN_STATE;
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
    'service-deployment-arn': undefined,
    'test-url': undefined,
    gate: undefined,
    'rollout-state': undefined,
    'rolled-back': undefined,
    changed: undefined,
    'service-url': undefined,
    services: JSON.stringify(report.results),
    'run-task-arn': undefined,
    'task-definition': undefined,
  };
}
