import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { list, number, optional, optionalBool, optionalOneOf } from '../lib/inputs.js';

/**
 * The inputs of aws-actions/amazon-ecs-deploy-task-definition (v2) and amazon-ecs-render-task-definition (v1)
 * that have no counterpart among deploy-ecs's own, read with the values those actions document, so moving to
 * deploy-ecs stays a change of the `uses:` line. Inputs that have no effect here are named in a warning.
 */

/** An EBS volume configured at launch: name from `*-managed-ebs-volume-name`, settings from `*-managed-ebs-volume`. */
export interface VolumeConfiguration {
  name: string;
  managedEBSVolume: Record<string, unknown>;
}

export interface CompatInputs {
  /** run-task-launch-type: FARGATE (the default) or EC2; ignored when a capacity provider strategy is given. */
  runTaskLaunchType?: 'FARGATE' | 'EC2';
  runTaskCapacityProviderStrategy?: Record<string, unknown>[];
  runTaskTags?: { key: string; value: string }[];
  runTaskVolume?: VolumeConfiguration;
  serviceVolume?: VolumeConfiguration;
  enableExecuteCommand?: boolean;
  /** Keys whose empty values are kept in the task definition (every other empty value is removed). */
  keepNullValueKeys: string[];
  /** Retries of each AWS call (max-retries; the SDK makes one more attempt than this). */
  maxRetries?: number;
  taskRoleArn?: string;
  executionRoleArn?: string;
  /** env-files: S3 object ARNs, set as the target container's environmentFiles. */
  envFiles: string[];
}

function json<T>(name: string, shape: 'array' | 'object'): T | undefined {
  const raw = optional(name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InputError(`Input '${name}' is not JSON.`, `Give a JSON ${shape}, as the ECS API takes it.`);
  }
  if (
    shape === 'array' ? !Array.isArray(parsed) : typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
  )
    throw new InputError(`Input '${name}' must be a JSON ${shape}.`);
  return parsed as T;
}

function volume(prefix: string): VolumeConfiguration | undefined {
  const name = optional(`${prefix}-name`);
  const settings = json<Record<string, unknown>>(prefix, 'object');
  if ((name === undefined) !== (settings === undefined))
    throw new InputError(
      `Inputs '${prefix}-name' and '${prefix}' go together: the volume's name in the task definition (configuredAtLaunch) and its settings.`,
    );
  return name && settings ? { name, managedEBSVolume: settings } : undefined;
}

/**
 * run-task-assign-public-IP: ENABLED or DISABLED as the deploy action documents them (true/false also work).
 * Undefined when empty.
 */
export function assignPublicIp(): boolean | undefined {
  const raw = optional('run-task-assign-public-IP');
  if (raw === undefined) return undefined;
  if (/^enabled$/i.test(raw)) return true;
  if (/^disabled$/i.test(raw)) return false;
  try {
    return optionalBool('run-task-assign-public-IP');
  } catch {
    throw new InputError(`Input 'run-task-assign-public-IP' must be ENABLED or DISABLED, got '${raw}'.`);
  }
}

/** Anchor inputs accepted but without effect here, each with why. */
const NO_EFFECT: Record<string, string> = {
  'wait-max-delay-seconds': 'deploy-ecs polls at a fixed poll-interval (5 s by default) instead of backing off',
  'codedeploy-appspec': 'CodeDeploy services are not deployed by deploy-ecs yet',
  'codedeploy-application': 'CodeDeploy services are not deployed by deploy-ecs yet',
  'codedeploy-deployment-group': 'CodeDeploy services are not deployed by deploy-ecs yet',
  'codedeploy-deployment-description': 'CodeDeploy services are not deployed by deploy-ecs yet',
  'codedeploy-deployment-config': 'CodeDeploy services are not deployed by deploy-ecs yet',
};

export function warnNoEffect(): string[] {
  const given = Object.keys(NO_EFFECT).filter((name) => optional(name) !== undefined);
  for (const name of given) core.warning(`Input '${name}' has no effect: ${NO_EFFECT[name]}.`);
  return given;
}

const RUN_TASK_ONLY = [
  'run-task-container-overrides',
  'run-task-subnets',
  'run-task-security-groups',
  'run-task-assign-public-IP',
  'run-task-launch-type',
  'run-task-capacity-provider-strategy',
  'run-task-tags',
  'run-task-managed-ebs-volume-name',
  'run-task-managed-ebs-volume',
];
const SERVICE_ONLY = [
  'desired-count',
  'propagate-tags',
  'enable-execute-command',
  'service-managed-ebs-volume-name',
  'service-managed-ebs-volume',
];

/**
 * Inputs of the one-off task without one, and of the service update without a service: named, as no-ops.
 * Inputs with a default in action.yml are left out: the runner always passes them.
 */
export function warnUnused(runTask: boolean, service: boolean): string[] {
  const unused = [
    ...(runTask ? [] : RUN_TASK_ONLY.map((name) => [name, "no one-off task runs (set 'run-task: true')"])),
    ...(service ? [] : SERVICE_ONLY.map((name) => [name, 'no service is given: the revision is only registered'])),
  ].filter(([name]) => optional(name as string) !== undefined) as [string, string][];
  for (const [name, why] of unused) core.warning(`Input '${name}' has no effect: ${why}.`);
  return unused.map(([name]) => name);
}

export function readCompat(): CompatInputs {
  const tags = json<{ key: string; value: string }[]>('run-task-tags', 'array');
  for (const tag of tags ?? [])
    if (typeof tag?.key !== 'string')
      throw new InputError('Input \'run-task-tags\' must be a JSON array of {"key": ..., "value": ...}.');
  return {
    runTaskLaunchType: optionalOneOf('run-task-launch-type', ['FARGATE', 'EC2'] as const),
    runTaskCapacityProviderStrategy: json('run-task-capacity-provider-strategy', 'array'),
    runTaskTags: tags,
    runTaskVolume: volume('run-task-managed-ebs-volume'),
    serviceVolume: volume('service-managed-ebs-volume'),
    enableExecuteCommand: optionalBool('enable-execute-command'),
    keepNullValueKeys: list('keep-null-value-keys'),
    maxRetries: number('max-retries', undefined, { min: 0, max: 20 }),
    taskRoleArn: optional('task-role-arn'),
    executionRoleArn: optional('execution-role-arn'),
    envFiles: list('env-files'),
  };
}

/**
 * The render action's other way to name the task definition to start from: task-definition-arn, or
 * task-definition-family with an optional task-definition-revision. A file in task-definition wins, with a
 * warning, as in the render action.
 */
export function registeredSource(hasFile: boolean): string | undefined {
  const arn = optional('task-definition-arn');
  const family = optional('task-definition-family');
  const revision = optional('task-definition-revision');
  if (hasFile) {
    if (arn ?? family)
      core.warning(
        `Both 'task-definition' and '${arn ? 'task-definition-arn' : 'task-definition-family'}' are given: the file in 'task-definition' is used.`,
      );
    return undefined;
  }
  if (revision !== undefined && family === undefined)
    throw new InputError("Input 'task-definition-revision' needs 'task-definition-family'.");
  if (revision !== undefined && !/^\d+$/.test(revision))
    throw new InputError(`Input 'task-definition-revision' must be a revision number, got '${revision}'.`);
  return arn ?? (family && (revision ? `${family}:${revision}` : family));
}

/**
 * What the deploy action does to a task definition file before registering it: empty strings, arrays and
 * objects are removed, except under the keys of keep-null-value-keys. Nulls always go.
 */
export function dropEmptyValues(value: unknown, keep: Set<string>, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => dropEmptyValues(item, keep)).filter((item) => item !== undefined);
    return items.length === 0 && !keep.has(key) ? undefined : items;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const cleaned = dropEmptyValues(v, keep, k);
      if (cleaned !== undefined) out[k] = cleaned;
    }
    return isEmpty(out) && !keep.has(key) && key !== '' ? undefined : out;
  }
  if (value === null) return undefined;
  return isEmpty(value) && !keep.has(key) ? undefined : value;
}

function isEmpty(value: unknown): boolean {
  if (value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
