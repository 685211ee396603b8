import { resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import { checkImageReference } from '../lib/image.js';
import { bool, number, oneOf, optional, required } from '../lib/inputs.js';
import { checkName, loginInputs, readWait, type WaitOptions } from '../deploy-azure/inputs.js';

/** The rollback action's inputs: which cloud, what to return to, how long to watch. */

export interface EcsRollbackInputs {
  target: 'ecs';
  mode: 'rollback' | 'mark-good';
  region?: string;
  cluster: string;
  service: string;
  /** An explicit revision (ARN or family:revision). */
  taskDefinition?: string;
  /** deploy-ecs's previous-task-definition-arn output. */
  previous?: string;
  knownGoodTag: string;
  wait: boolean;
  waitMinutes: number;
  pollIntervalMs: number;
  maxFailedTasks?: number;
  /** Why the rollback happens, for the summary (e.g. "smoke test failed"). */
  reason?: string;
}

// ---- target: azure ---------------------------------------------------------------------------------
export interface AzureRollbackInputs {
  target: 'azure';
  /** The login, cloud and subscription. */
  azure: AzureTarget;
  app: string;
  resourceGroup: string;
  /** The slot deploy-azure swapped from ('production' when it deployed to production directly). */
  slot: string;
  /** What production ran before: deploy-azure's previous-image output. */
  previousImage: string;
  wait: WaitOptions;
  reason?: string;
}

export function readAzureInputs(): AzureRollbackInputs {
  const app = checkName('app-name', required('app-name', 'the web app to roll back'), 60);
  const resourceGroup = required('resource-group-name', 'the resource group of the web app');
  const slot = checkName('slot-name', optional('slot-name') ?? 'production', 59);
  const previousImage = checkImageReference(
    'previous-image',
    required('previous-image', "what production ran before, deploy-azure's previous-image output"),
  );
  return {
    target: 'azure',
    azure: resolveAzureTarget(loginInputs()),
    app,
    resourceGroup,
    slot,
    previousImage,
    wait: readWait(previousImage),
    reason: optional('reason'),
  };
}
// ------------------------------------------------------------------------------------------------------

export type RollbackInputs = EcsRollbackInputs;

/** `target: auto` picks the cloud by the inputs given: `app-name` means Azure, `service` means ECS. */
export function chooseTarget(): 'ecs' | 'azure' {
  const target = oneOf('target', ['auto', 'ecs', 'azure'] as const, 'auto');
  if (target !== 'auto') return target;
  if (optional('app-name')) return 'azure';
  if (optional('service')) return 'ecs';
  throw new InputError(
    'Nothing says what to roll back.',
    "Give 'service' (and 'cluster') for ECS, or 'app-name' for Azure App Service.",
  );
}

export function readEcsInputs(): EcsRollbackInputs {
  const service = optional('service');
  if (!service) throw new InputError("Input 'service' is required for an ECS rollback.");
  const taskDefinition = optional('task-definition');
  const previous = optional('previous-task-definition-arn');
  for (const [name, value] of [
    ['task-definition', taskDefinition],
    ['previous-task-definition-arn', previous],
  ] as const) {
    if (value && !/^(arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[\w-]{1,255}:\d+$/.test(value)) {
      throw new InputError(
        `Input '${name}' must be a task definition ARN or family:revision, got '${value}'.`,
        'For example arn:aws:ecs:us-east-1:123456789012:task-definition/web:41 or web:41.',
      );
    }
  }
  return {
    target: 'ecs',
    mode: oneOf('mode', ['rollback', 'mark-good'] as const, 'rollback'),
    region: optional('aws-region'),
    cluster: optional('cluster') ?? 'default',
    service,
    taskDefinition,
    previous,
    knownGoodTag: optional('known-good-tag') ?? 'deploy-actions:known-good',
    wait: bool('wait-for-service-stability', true),
    waitMinutes: number('wait-for-minutes', 15, { min: 0.01, max: 360, integer: false }),
    pollIntervalMs: number('poll-interval', 5, { min: 0.05, max: 300, integer: false }) * 1000,
    maxFailedTasks: number('max-failed-tasks', undefined, { min: 1, max: 1000 }),
    reason: optional('reason'),
  };
}
