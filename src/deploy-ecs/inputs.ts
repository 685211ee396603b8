import { existsSync } from 'node:fs';
import { InputError } from '../lib/errors.js';
import {
  bool,
  duration,
  keyValues,
  list,
  number,
  oneOf,
  optional,
  optionalBool,
  optionalOneOf,
  workspacePath,
} from '../lib/inputs.js';
import { checkImageReference } from '../lib/image.js';
import { readCompat, registeredSource, warnNoEffect, warnUnused, type CompatInputs } from './compat.js';
import { parseCommand, readRunTask, type RunTaskOptions } from './runtask-inputs.js';

export type { RunTaskOptions } from './runtask-inputs.js';

/** Where the task definition comes from. */
export type TaskDefinitionSource =
  { kind: 'file'; path: string } | { kind: 'registered'; reference: string } | { kind: 'service' };

/** What is rendered into the task definition; a container of '' means "the target container". */
export interface RenderOptions {
  containerName?: string;
  images: Map<string, string>;
  environment: { container?: string; name: string; value: string }[];
  secrets: { container?: string; name: string; valueFrom: string }[];
  logDriver?: string;
  logOptions: Map<string, string>;
  dockerLabels: Map<string, string>;
  command?: string[];
  taskRoleArn?: string;
  executionRoleArn?: string;
  /** S3 object ARNs for the target container's environmentFiles (env-files). */
  envFiles: string[];
  /** Keys whose empty values a task definition file keeps (keep-null-value-keys); other empty values go. */
  keepEmpty: string[];
}

export interface CreateServiceOptions {
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  circuitBreaker: boolean;
  targetGroupArn?: string;
  containerPort?: number;
}

export interface DeployEcsInputs {
  region?: string;
  cluster: string;
  services: string[];
  source: TaskDefinitionSource;
  render: RenderOptions;
  taskDefinitionTags: { key: string; value: string }[];
  wait: boolean;
  /** How long a rollout (and a one-off task) may take, from wait-for-minutes. */
  waitMs: number;
  pollIntervalMs: number;
  maxFailedTasks?: number;
  forceNewDeployment: boolean;
  desiredCount?: number;
  propagateTags?: 'TASK_DEFINITION' | 'SERVICE' | 'NONE';
  enableEcsManagedTags?: boolean;
  createService?: CreateServiceOptions;
  runTask?: RunTaskOptions;
  deregisterOldRevisions?: number;
  rollbackOnFailure: boolean;
  rollbackOnCancel: boolean;
  /** The inputs of the aws-actions ECS actions that deploy-ecs has no own name for. */
  compat: CompatInputs;
}

/** `api:KEY=value` targets the container api; `KEY=value` the target container. */
function perContainer(input: string): { container?: string; name: string; value: string }[] {
  return [...keyValues(input)].map(([key, value]) => {
    const colon = key.indexOf(':');
    if (colon < 0) return { name: key, value };
    const container = key.slice(0, colon).trim();
    const name = key.slice(colon + 1).trim();
    if (!container || !name)
      throw new InputError(
        `Input '${input}' has a malformed key '${key}'.`,
        'Write KEY=value, or container:KEY=value for another container.',
      );
    return { container, name, value };
  });
}

function resolveSource(raw: string | undefined): TaskDefinitionSource {
  const registered = registeredSource(raw !== undefined);
  if (registered !== undefined) return { kind: 'registered', reference: registered };
  if (raw === undefined) return { kind: 'service' };
  const path = workspacePath('task-definition', raw);
  if (existsSync(path)) return { kind: 'file', path };
  if (
    /^arn:aws[\w-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[\w-]+:\d+$/.test(raw) ||
    /^[\w-]{1,255}(:\d+)?$/.test(raw)
  ) {
    return { kind: 'registered', reference: raw };
  }
  throw new InputError(
    `Input 'task-definition' is neither a file nor a task definition: '${raw}' was not found at ${path}.`,
    "Give a JSON or YAML file path relative to the workspace (check out the repository first), a task definition ARN, family:revision, or leave it empty to start from the service's current task definition.",
  );
}

/** The container of `image`, and the images of every container named (`images`, then `image`). */
function readImages(containerName: string | undefined): Map<string, string> {
  const image = optional('image');
  if (image && !containerName)
    throw new InputError(
      "Input 'image' needs 'container-name': which container runs it?",
      "Add container-name, or use 'images' with container=image lines.",
    );
  const images = new Map(
    [...keyValues('images')].map(([name, uri]) => [name, checkImageReference(`images (${name})`, uri)]),
  );
  if (image && containerName) images.set(containerName, checkImageReference('image', image));
  return images;
}

function readRender(
  containerName: string | undefined,
  images: Map<string, string>,
  compat: CompatInputs,
): RenderOptions {
  const command = optional('command');
  return {
    taskRoleArn: compat.taskRoleArn,
    executionRoleArn: compat.executionRoleArn,
    envFiles: compat.envFiles,
    keepEmpty: compat.keepNullValueKeys,
    containerName,
    images,
    environment: perContainer('environment-variables'),
    secrets: perContainer('secrets').map(({ container, name, value }) => ({ container, name, valueFrom: value })),
    logDriver: optional('log-configuration-log-driver'),
    logOptions: keyValues('log-configuration-options'),
    dockerLabels: keyValues('docker-labels'),
    command: command === undefined ? undefined : parseCommand('command', command),
  };
}

function readCreateService(services: string[]): CreateServiceOptions | undefined {
  const create = bool('create-service', false);
  const subnets = list('subnets');
  if (create && subnets.length === 0)
    throw new InputError("Input 'create-service' needs 'subnets': Fargate tasks run in your VPC's subnets.");
  if (create && services.length === 0)
    throw new InputError("Input 'create-service' needs 'service': the name of the service to create.");
  const targetGroupArn = optional('target-group-arn');
  if (targetGroupArn && !optional('container-port')) {
    throw new InputError(
      "Input 'target-group-arn' needs 'container-port': the port the target group sends traffic to.",
    );
  }
  if (!create) return undefined;
  return {
    subnets,
    securityGroups: list('security-groups'),
    assignPublicIp: bool('assign-public-ip', false),
    circuitBreaker: bool('deployment-circuit-breaker', true),
    targetGroupArn,
    containerPort: number('container-port', undefined, { min: 1, max: 65535 }),
  };
}

/** How long to watch and how often to look: the same inputs in both modes. */
function readWatch(): Pick<DeployEcsInputs, 'wait' | 'waitMs' | 'pollIntervalMs'> {
  return {
    wait: bool('wait-for-service-stability', true),
    waitMs: duration('wait-for-minutes', '30', { bare: 'm', minMs: 600, maxMs: 360 * 60_000 }),
    pollIntervalMs: duration('poll-interval', '5', { bare: 's', minMs: 50, maxMs: 300_000 }),
  };
}

export function readInputs(): DeployEcsInputs {
  oneOf('mode', ['deploy', 'teardown'] as const, 'deploy');
  const services = list('service');
  const containerName = optional('container-name');
  if (containerName?.includes(','))
    throw new InputError(
      `Input 'container-name' names several containers ('${containerName}'); deploy-ecs renders one container per name.`,
      "Give each container its image with 'images' (one container=image per line), and 'container-name' for the one environment-variables and the others apply to.",
    );
  const compat = readCompat();
  warnNoEffect();
  const images = readImages(containerName);
  const source = resolveSource(optional('task-definition'));
  if (services.length === 0 && source.kind === 'service') {
    throw new InputError(
      "Input 'service' is required when 'task-definition' is empty: the task definition is read from the service.",
    );
  }
  const createService = readCreateService(services);
  const runTask = readRunTask(containerName);
  warnUnused(runTask !== undefined, services.length > 0);
  return {
    region: optional('aws-region'),
    cluster: optional('cluster') ?? 'default',
    services,
    source,
    render: readRender(containerName, images, compat),
    taskDefinitionTags: [...keyValues('task-definition-tags')].map(([key, value]) => ({ key, value })),
    ...readWatch(),
    maxFailedTasks: number('max-failed-tasks', undefined, { min: 1, max: 1000 }),
    forceNewDeployment: bool('force-new-deployment', false),
    desiredCount: number('desired-count', undefined, { min: 0, max: 5000 }),
    propagateTags: optionalOneOf('propagate-tags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const),
    enableEcsManagedTags: optionalBool('enable-ecs-managed-tags'),
    createService,
    runTask,
    deregisterOldRevisions: number('deregister-old-revisions', undefined, { min: 1, max: 1000 }),
    rollbackOnFailure: bool('rollback-on-failure', true),
    rollbackOnCancel: readRollbackOnCancel(),
    compat,
  };
}

/** Whether the post step of a cancelled run puts the previous revisions back. */
export function readRollbackOnCancel(): boolean {
  return bool('rollback-on-cancel', true);
}

/**
 * deploy (the default) rolls out a task definition; teardown deletes the services (preview environments).
 * Any other value is refused by readInputs.
 */
export function isTeardown(): boolean {
  return optional('mode') === 'teardown';
}

export interface TeardownInputs {
  region?: string;
  cluster: string;
  services: string[];
  wait: boolean;
  waitMs: number;
  pollIntervalMs: number;
}

export function readTeardownInputs(): TeardownInputs {
  const services = list('service');
  if (services.length === 0)
    throw new InputError("Input 'mode: teardown' needs 'service': the service (or services) to delete.");
  for (const input of ['task-definition', 'image', 'images', 'run-task-command'])
    if (optional(input) !== undefined)
      throw new InputError(
        `Input '${input}' has no meaning with 'mode: teardown', which only deletes services.`,
        `Remove '${input}' from the teardown step, or drop 'mode: teardown' to deploy.`,
      );
  return {
    region: optional('aws-region'),
    cluster: optional('cluster') ?? 'default',
    services,
    ...readWatch(),
  };
}
