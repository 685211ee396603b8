import * as core from '@actions/core';
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
import { checkName, names } from '../lib/names.js';
import { isSensitiveName, mask, scrub } from '../lib/secrets.js';
import { checkEach, checkTags, ecsRules, refuseSecretShaped } from './checks.js';
import {
  readCompat,
  refuseInTeardown,
  registeredSource,
  warnNoEffect,
  warnUnused,
  type CompatInputs,
} from './compat.js';
import { parseCommand, readRunTask, type RunTaskOptions } from './runtask-inputs.js';
import { readGate, readStrategy, type GateInputs, type StrategyInputs } from './strategy-inputs.js';

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
  /** How long one AWS request may go unanswered before it is cut and retried (request-timeout). */
  requestTimeoutMs: number;
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
  /** strategy, bake-time, canary-*, linear-*, alarms and the load balancer's advanced configuration. */
  strategy: StrategyInputs;
  /** gate: test-traffic and its settings. */
  gate: GateInputs;
  /** The inputs of the aws-actions ECS actions that deploy-ecs has no own name for. */
  compat: CompatInputs;
}

/**
 * `api:KEY=value` targets the container api; `KEY=value` the target container. Container and variable names
 * are checked as ECS takes them.
 */
function perContainer(input: string): { container?: string; name: string; value: string }[] {
  return [...keyValues(input)].map(([key, value]) => {
    const colon = key.indexOf(':');
    if (colon < 0) return { name: checkName(input, key, ecsRules.variableName), value };
    const container = key.slice(0, colon).trim();
    const name = key.slice(colon + 1).trim();
    if (!container || !name)
      throw new InputError(
        `Input '${input}' has a malformed key '${key}'.`,
        'Write KEY=value, or container:KEY=value for another container.',
      );
    checkName(`${input} (container of ${name})`, container, names.ecsContainer);
    return { container, name: checkName(input, name, ecsRules.variableName), value };
  });
}

/**
 * The container environment: environment-variables, whose values are masked when their names say they are
 * credentials, and secret-environment-variables, whose every value is masked whatever its name (a value passed
 * from a secret straight into the environment; the `secrets` input, read by ECS from Secrets Manager or SSM,
 * keeps it out of the task definition altogether).
 */
function readEnvironment(): RenderOptions['environment'] {
  const plain = perContainer('environment-variables');
  for (const { name, value } of plain) if (isSensitiveName(name)) mask(value);
  // Masked line by line before parsing: a malformed line is quoted by the refusal.
  for (const line of core.getInput('secret-environment-variables').split('\n')) {
    mask(line.trim());
    if (line.includes('=')) mask(line.slice(line.indexOf('=') + 1).trim());
  }
  const secret = secretLines(() => perContainer('secret-environment-variables'));
  return [...plain, ...secret];
}

/** Reads lines of secrets: a refusal that quotes a line is scrubbed of it, as every masked value is. */
function secretLines<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(scrub(error.message), error.hint);
  }
}

/** Container secrets: each valueFrom masked, and refused unless it is a reference (never a secret's value). */
function readSecrets(): RenderOptions['secrets'] {
  return perContainer('secrets').map(({ container, name, value }) => {
    mask(value);
    refuseSecretShaped(`secrets (${name})`, value, ecsRules.secretReference);
    return { container, name, valueFrom: value };
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
    [...keyValues('images')].map(([name, uri]) => [
      checkName('images (container)', name, names.ecsContainer),
      checkImageReference(`images (${name})`, uri),
    ]),
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
    environment: readEnvironment(),
    secrets: readSecrets(),
    logDriver: optionalName('log-configuration-log-driver', ecsRules.logDriver),
    logOptions: keyValues('log-configuration-options'),
    dockerLabels: keyValues('docker-labels'),
    command: command === undefined ? undefined : parseCommand('command', command),
  };
}

function readCreateService(services: string[]): CreateServiceOptions | undefined {
  const create = bool('create-service', false);
  const subnets = checkEach('subnets', list('subnets'), ecsRules.subnet);
  if (create && subnets.length === 0)
    throw new InputError("Input 'create-service' needs 'subnets': Fargate tasks run in your VPC's subnets.");
  if (create && services.length === 0)
    throw new InputError("Input 'create-service' needs 'service': the name of the service to create.");
  const targetGroupArn = optionalName('target-group-arn', ecsRules.targetGroupArn);
  if (targetGroupArn && !optional('container-port')) {
    throw new InputError(
      "Input 'target-group-arn' needs 'container-port': the port the target group sends traffic to.",
    );
  }
  if (!create) return undefined;
  return {
    subnets,
    securityGroups: checkEach('security-groups', list('security-groups'), ecsRules.securityGroup),
    assignPublicIp: bool('assign-public-ip', false),
    circuitBreaker: bool('deployment-circuit-breaker', true),
    targetGroupArn,
    containerPort: number('container-port', undefined, { min: 1, max: 65535 }),
  };
}

/** How long to watch and how often to look: the same inputs in both modes. */
function readWatch(): Pick<DeployEcsInputs, 'wait' | 'waitMs' | 'pollIntervalMs' | 'requestTimeoutMs'> {
  return {
    wait: bool('wait-for-service-stability', true),
    waitMs: duration('wait-for-minutes', '30', { bare: 'm', minMs: 600, maxMs: 360 * 60_000 }),
    pollIntervalMs: duration('poll-interval', '5', { bare: 's', minMs: 50, maxMs: 300_000 }),
    requestTimeoutMs: duration('request-timeout', '30', { bare: 's', minMs: 100, maxMs: 300_000 }),
  };
}

/** A one-line input checked by a name rule, or undefined when it is empty. */
export function optionalName(input: string, rule: Parameters<typeof checkName>[2]): string | undefined {
  const value = optional(input);
  return value === undefined ? undefined : checkName(input, value, rule);
}

/** Where and in which Region: the names every request carries, checked before the first. */
function readPlace(): { region?: string; cluster: string; services: string[] } {
  return {
    region: optionalName('aws-region', names.awsRegion),
    cluster: checkName('cluster', optional('cluster') ?? 'default', names.ecsCluster),
    services: checkEach('service', list('service'), names.ecsService),
  };
}

export function readInputs(): DeployEcsInputs {
  oneOf('mode', MODES, 'deploy');
  const { region, cluster, services } = readPlace();
  const containerName = optional('container-name');
  if (containerName?.includes(','))
    throw new InputError(
      `Input 'container-name' names several containers ('${containerName}'); deploy-ecs renders one container per name.`,
      "Give each container its image with 'images' (one container=image per line), and 'container-name' for the one environment-variables and the others apply to.",
    );
  if (containerName) checkName('container-name', containerName, names.ecsContainer);
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
  warnUnused({
    runTask: runTask !== undefined,
    service: services.length > 0,
    create: createService !== undefined,
    wait: bool('wait-for-service-stability', true),
  });
  return {
    region,
    cluster,
    services,
    source,
    render: readRender(containerName, images, compat),
    taskDefinitionTags: checkTags(
      'task-definition-tags',
      [...keyValues('task-definition-tags')].map(([key, value]) => ({ key, value })),
    ),
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
    strategy: readStrategy(),
    gate: readGate(services.length, bool('wait-for-service-stability', true)),
    compat,
  };
}

/** Whether the post step of a cancelled run puts the previous revisions back. */
export function readRollbackOnCancel(): boolean {
  return bool('rollback-on-cancel', true);
}

/**
 * deploy (the default) rolls out a task definition; teardown deletes the services (preview environments);
 * continue and rollback answer a deployment paused at the test-traffic gate. Any other value is refused by
 * readInputs.
 */
export const MODES = ['deploy', 'teardown', 'continue', 'rollback'] as const;

export function isTeardown(): boolean {
  return optional('mode') === 'teardown';
}

/** mode: continue or rollback, else undefined. */
export function gateAnswer(): 'continue' | 'rollback' | undefined {
  const mode = optional('mode');
  return mode === 'continue' || mode === 'rollback' ? mode : undefined;
}

/** mode: continue / rollback: which deployment, and how long to watch it after the answer. */
export interface AnswerInputs {
  mode: 'continue' | 'rollback';
  region?: string;
  cluster: string;
  service: string;
  serviceDeploymentArn?: string;
  waitMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
}

/** The ARN of a service deployment (API Reference, ServiceDeployment serviceDeploymentArn). */
const serviceDeploymentArn = {
  says: 'a service deployment ARN, arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>',
  test: (value: string) =>
    /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service-deployment\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]+$/.test(
      value,
    ),
};

export function readAnswerInputs(mode: 'continue' | 'rollback'): AnswerInputs {
  const { region, cluster, services } = readPlace();
  if (services.length !== 1)
    throw new InputError(
      `Input 'mode: ${mode}' needs one 'service': the service whose deployment waits at the gate${services.length ? `, got ${services.length}` : ''}.`,
    );
  refuseInTeardown(`mode: ${mode}`, 'answers a deployment paused at the gate');
  const arn = optionalName('service-deployment-arn', serviceDeploymentArn);
  if (arn && !arn.includes(`/${services[0]}/`))
    throw new InputError(
      `Input 'service-deployment-arn' is a deployment of another service than '${services[0]}': ${arn}.`,
    );
  const { waitMs, pollIntervalMs, requestTimeoutMs } = readWatch();
  return {
    mode,
    region,
    cluster,
    service: services[0] as string,
    ...(arn ? { serviceDeploymentArn: arn } : {}),
    waitMs,
    pollIntervalMs,
    requestTimeoutMs,
  };
}

export interface TeardownInputs {
  region?: string;
  cluster: string;
  services: string[];
  wait: boolean;
  waitMs: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
}

export function readTeardownInputs(): TeardownInputs {
  const { region, cluster, services } = readPlace();
  if (services.length === 0)
    throw new InputError("Input 'mode: teardown' needs 'service': the service (or services) to delete.");
  refuseInTeardown();
  return { region, cluster, services, ...readWatch() };
}
