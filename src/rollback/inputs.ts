import { APP_NAME_MAX, checkAppServiceName, SLOT_NAME_MAX } from '../lib/app-service.js';
import { readWaitInputs, type WaitOptions } from '../lib/app-service-wait.js';
import { readAzureTargetInputs, resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import * as gitops from '../lib/gitops-inputs.js';
import { readContainerAppRollbackInputs, type ContainerAppRollbackInputs } from './containerapp.js';
import { checkImageReference } from '../lib/image.js';
import { bool, duration, list, number, oneOf, optional, required } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';

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
  waitMs: number;
  pollIntervalMs: number;
  /** How long one AWS request may go unanswered before it is cut and retried (request-timeout). */
  requestTimeoutMs: number;
  maxFailedTasks?: number;
  /** Why the rollback happens, for the summary (e.g. "smoke test failed"). */
  reason?: string;
}

export interface AzureRollbackInputs {
  target: 'azure';
  /** The login, cloud and subscription. */
  azure: AzureTarget;
  app: string;
  /** Undefined: found from the app's name in the subscription, as deploy-azure does. */
  resourceGroup?: string;
  /** The slot deploy-azure swapped from ('production' when it deployed to production directly). */
  slot: string;
  /** What production ran before: deploy-azure's previous-image output. */
  previousImage: string;
  wait: WaitOptions;
  reason?: string;
}

export interface GitOpsRollbackInputs extends gitops.ConfigRemoteInputs {
  target: 'gitops';
  revert: string;
  service: string;
  identity: { name: string; email: string };
  argo?: gitops.ArgoInputs;
  reason?: string;
}

function readGitOpsInputs(): GitOpsRollbackInputs {
  const remote = gitops.readConfigRemote();
  const revert = optional('revert');
  gitops.checkRevert(revert);
  if (optional('mode') === 'mark-good') {
    throw new InputError(
      "mode 'mark-good' is for ECS: a GitOps release is marked by its commit in the config repository.",
    );
  }
  return {
    target: 'gitops',
    ...remote,
    revert,
    service: gitops.readService(),
    identity: gitops.readIdentity(),
    argo: gitops.readArgo({ timeout: 'timeout', interval: 'poll-interval' }),
    reason: optional('reason'),
  };
}

export type { ContainerAppRollbackInputs } from './containerapp.js';

export type RollbackInputs =
  EcsRollbackInputs | AzureRollbackInputs | GitOpsRollbackInputs | ContainerAppRollbackInputs;

export function readInputs(): RollbackInputs {
  const target = chooseTarget();
  refuseForeign(target);
  if (target === 'containerapp') return readContainerAppRollbackInputs();
  if (target === 'gitops') return readGitOpsInputs();
  return target === 'ecs' ? readEcsInputs() : readAzureInputs();
}

type Target = 'ecs' | 'azure' | 'gitops' | 'containerapp';

/** The inputs only one target reads (action.yml), with their defaults: the runner always passes those. */
const ONLY: Record<Target, Record<string, string | undefined>> = {
  ecs: {
    cluster: 'default',
    'task-definition': undefined,
    'previous-task-definition-arn': undefined,
    'known-good-tag': 'deploy-actions:known-good',
    'wait-for-service-stability': 'true',
    'wait-for-minutes': '15',
    'max-failed-tasks': undefined,
    'aws-region': undefined,
  },
  azure: {
    'app-name': undefined,
    'resource-group-name': undefined,
    'slot-name': 'production',
    'previous-image': undefined,
    'health-path': '/health',
    'health-url': undefined,
    'expected-version': undefined,
    'version-field': 'version',
    'client-id': undefined,
    'tenant-id': undefined,
    'subscription-id': undefined,
    'client-secret': undefined,
    creds: undefined,
    'auth-type': 'SERVICE_PRINCIPAL',
    audience: 'api://AzureADTokenExchange',
    environment: 'AzureCloud',
    'resource-manager-endpoint': undefined,
    'authority-host': undefined,
  },
  containerapp: {
    revision: undefined,
    'previous-revision': undefined,
    'known-good-label': 'known-good',
  },
  gitops: {
    repository: undefined,
    branch: 'main',
    'ssh-key': undefined,
    'ssh-known-hosts': undefined,
    revert: undefined,
    'argocd-server': undefined,
    'argocd-token': undefined,
    application: undefined,
    sync: 'false',
    'commit-user-name': 'github-actions[bot]',
    'commit-user-email': '41898282+github-actions[bot]@users.noreply.github.com',
  },
};

/** Inputs of the azure group that target containerapp reads too. */
const SHARED_WITH_CONTAINER_APPS = new Set(
  Object.keys(ONLY.azure).filter((name) => !['slot-name', 'previous-image'].includes(name)),
);

/**
 * An input of another target has no effect on this one: refused, never silently ignored (it is often a sign
 * that the step rolls back something else than meant). Only named: its value may be a secret.
 */
function refuseForeign(target: Target): void {
  for (const [other, inputs] of Object.entries(ONLY)) {
    if (other === target) continue;
    for (const [name, fallback] of Object.entries(inputs)) {
      // A container app is an Azure target too: the app, resource group, login and health probe inputs are shared.
      if (target === 'containerapp' && other === 'azure' && SHARED_WITH_CONTAINER_APPS.has(name)) continue;
      const value = optional(name);
      if (value === undefined || value === fallback) continue;
      throw new InputError(
        `Input '${name}' is for target ${other}, and has no effect on this rollback (target ${target}).`,
        `Remove '${name}', or set 'target: ${other}' if the ${other} rollback was meant.`,
      );
    }
  }
  if (target === 'azure' && optional('mode') === 'mark-good')
    throw new InputError("mode 'mark-good' is for ECS: an Azure release is marked by the image production runs.");
}

/**
 * `target: auto` picks the cloud by the inputs given: `app-name` means Azure, `repository` with `revert` a GitOps
 * config repository, `service` ECS, `containerAppName` Container Apps (with `app-name`, give `target: containerapp`).
 */
function chooseTarget(): Target {
  const target = oneOf('target', ['auto', 'ecs', 'azure', 'gitops', 'containerapp'] as const, 'auto');
  if (target !== 'auto') return target;
  if (optional('containerAppName')) return 'containerapp';
  if (optional('app-name')) return 'azure';
  if (optional('repository') && optional('revert')) return 'gitops';
  if (optional('service')) return 'ecs';
  throw new InputError(
    'Nothing says what to roll back.',
    "Give 'service' (and 'cluster') for ECS, 'app-name' for Azure App Service, or 'repository' and 'revert' for GitOps.",
  );
}

function readAzureInputs(): AzureRollbackInputs {
  const app = checkAppServiceName('app-name', required('app-name', 'the web app to roll back'), APP_NAME_MAX);
  const group = optional('resource-group-name');
  const resourceGroup =
    group === undefined ? undefined : checkName('resource-group-name', group, names.azureResourceGroup);
  const slot = checkAppServiceName('slot-name', optional('slot-name') ?? 'production', SLOT_NAME_MAX);
  const previousImage = checkImageReference(
    'previous-image',
    required('previous-image', "what production ran before, deploy-azure's previous-image output"),
  );
  return {
    target: 'azure',
    azure: resolveAzureTarget(readAzureTargetInputs()),
    app,
    resourceGroup,
    slot,
    previousImage,
    wait: readWaitInputs(previousImage),
    reason: optional('reason'),
  };
}

function readEcsInputs(): EcsRollbackInputs {
  const services = list('service');
  if (services.length === 0) throw new InputError("Input 'service' is required for an ECS rollback.");
  if (services.length > 1)
    throw new InputError(
      `Input 'service' names ${services.length} services; an ECS rollback rolls back one.`,
      'Use one rollback step per service.',
    );
  const region = optional('aws-region');
  return {
    target: 'ecs',
    taskDefinition: optionalRevision('task-definition'),
    previous: optionalRevision('previous-task-definition-arn'),
    mode: oneOf('mode', ['rollback', 'mark-good'] as const, 'rollback'),
    region: region === undefined ? undefined : checkName('aws-region', region, names.awsRegion),
    cluster: checkName('cluster', optional('cluster') ?? 'default', names.ecsCluster),
    service: checkName('service', services[0] as string, names.ecsService),
    knownGoodTag: checkName(
      'known-good-tag',
      optional('known-good-tag') ?? 'deploy-actions:known-good',
      names.awsTagKey,
    ),
    wait: bool('wait-for-service-stability', true),
    waitMs: duration('wait-for-minutes', '15', { bare: 'm', minMs: 600, maxMs: 360 * 60_000 }),
    pollIntervalMs: duration('poll-interval', '5', { bare: 's', minMs: 50, maxMs: 300_000 }),
    requestTimeoutMs: duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 300_000 }),
    maxFailedTasks: number('max-failed-tasks', undefined, { min: 1, max: 1000 }),
    reason: optional('reason'),
  };
}

/** A task definition ARN or family:revision, checked before any call. */
function optionalRevision(name: string): string | undefined {
  const value = optional(name);
  if (value && !/^(arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[\w-]{1,255}:\d+$/.test(value)) {
    throw new InputError(
      `Input '${name}' must be a task definition ARN or family:revision, got '${value}'.`,
      'For example arn:aws:ecs:us-east-1:123456789012:task-definition/web:41 or web:41.',
    );
  }
  return value;
}
