import * as core from '@actions/core';
import { InputError } from '../lib/errors.js';
import { list, number, optional, optionalBool, optionalOneOf } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import { checkEach, checkTags, ecsRules } from './checks.js';

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
const CREATE_ONLY = ['subnets', 'security-groups', 'target-group-arn', 'container-port'];
/** What only a watched rollout uses: its failure threshold, and the pruning after it succeeded. */
const WATCH_ONLY = ['max-failed-tasks', 'deregister-old-revisions'];

/**
 * The defaults of action.yml for inputs that only matter in one mode: the runner always passes them, so one of
 * them says something only when it differs from its default.
 */
const DEFAULTS: Record<string, string> = {
  'run-task': 'false',
  'run-task-started-by': 'GitHub-Actions',
  'wait-for-task-stopped': 'true',
  'create-service': 'false',
  'assign-public-ip': 'false',
  'deployment-circuit-breaker': 'true',
  'force-new-deployment': 'false',
  'rollback-on-failure': 'true',
  'rollback-on-cancel': 'true',
  'alarm-rollback': 'true',
  gate: 'none',
  'gate-timeout': '60m',
  'gate-timeout-action': 'ROLLBACK',
  'gate-probe-timeout': '60',
  'gate-probe-interval': '2',
};

/** Whether an input was given: set, and not to its action.yml default. */
function given(name: string): boolean {
  const value = optional(name);
  return value !== undefined && value !== DEFAULTS[name];
}

/**
 * Inputs of the one-off task without one, of the service update without a service, and of a created service
 * without create-service: named, as no-ops.
 */
export function warnUnused(mode: { runTask: boolean; service: boolean; create: boolean; wait: boolean }): string[] {
  const runTaskOnly = [...RUN_TASK_ONLY, 'run-task-started-by', 'wait-for-task-stopped', 'run-task-container'];
  const createOnly = [...CREATE_ONLY, 'assign-public-ip', 'deployment-circuit-breaker'];
  const unused = [
    ...(mode.runTask ? [] : runTaskOnly.map((name) => [name, "no one-off task runs (set 'run-task: true')"])),
    ...(mode.service ? [] : SERVICE_ONLY.map((name) => [name, 'no service is given: the revision is only registered'])),
    ...(mode.create || !mode.service
      ? []
      : createOnly.map((name) => [name, "they configure a created service (set 'create-service: true')"])),
    ...(mode.wait || !mode.service
      ? []
      : WATCH_ONLY.map((name) => [name, 'wait-for-service-stability is false, so the rollout is not watched'])),
  ].filter(([name]) => given(name as string)) as [string, string][];
  for (const [name, why] of unused) core.warning(`Input '${name}' has no effect: ${why}.`);
  return unused.map(([name]) => name);
}

/** Everything deploy-ecs reads only to deploy: refused with `mode: teardown`, which only deletes services. */
const DEPLOY_ONLY = [
  'task-definition',
  'image',
  'images',
  'run-task-command',
  'task-definition-arn',
  'task-definition-family',
  'task-definition-revision',
  'container-name',
  'environment-variables',
  'secret-environment-variables',
  'secrets',
  'log-configuration-log-driver',
  'log-configuration-options',
  'docker-labels',
  'command',
  'task-role-arn',
  'execution-role-arn',
  'env-files',
  'task-definition-tags',
  'deregister-old-revisions',
  'max-failed-tasks',
  'run-task',
  ...RUN_TASK_ONLY,
  ...SERVICE_ONLY,
  ...CREATE_ONLY,
  'create-service',
  'force-new-deployment',
  'rollback-on-failure',
  // The strategy and the gate (strategy-inputs.ts) configure a deployment.
  ...['strategy', 'bake-time', 'canary-percent', 'canary-bake-time', 'linear-percent', 'linear-step-bake-time'],
  ...['alarms', 'alarm-rollback', 'alternate-target-group', 'production-listener-rule', 'test-listener-rule'],
  ...['load-balancer-role', 'gate', 'gate-timeout', 'gate-timeout-action', 'gate-url-path', 'gate-expect-status'],
  ...['gate-expect-body', 'gate-expect-json', 'gate-probe-timeout', 'gate-probe-interval'],
];

export function refuseInTeardown(mode = 'mode: teardown', does = 'only deletes services'): void {
  const name = DEPLOY_ONLY.find(given);
  if (name === undefined) return;
  throw new InputError(
    `Input '${name}' has no meaning with '${mode}', which ${does}.`,
    `Remove '${name}' from the step, or drop '${mode}' to deploy.`,
  );
}

export function readCompat(): CompatInputs {
  const tags = json<{ key: string; value: string }[]>('run-task-tags', 'array');
  for (const tag of tags ?? [])
    if (typeof tag?.key !== 'string' || typeof (tag.value ?? '') !== 'string')
      throw new InputError('Input \'run-task-tags\' must be a JSON array of {"key": ..., "value": ...}.');
  checkTags(
    'run-task-tags',
    (tags ?? []).map(({ key, value }) => ({ key, value: value ?? '' })),
  );
  return {
    runTaskLaunchType: optionalOneOf('run-task-launch-type', ['FARGATE', 'EC2'] as const),
    runTaskCapacityProviderStrategy: json('run-task-capacity-provider-strategy', 'array'),
    runTaskTags: tags,
    runTaskVolume: volume('run-task-managed-ebs-volume'),
    serviceVolume: volume('service-managed-ebs-volume'),
    enableExecuteCommand: optionalBool('enable-execute-command'),
    keepNullValueKeys: list('keep-null-value-keys'),
    maxRetries: number('max-retries', undefined, { min: 0, max: 20 }),
    taskRoleArn: roleArn('task-role-arn'),
    executionRoleArn: roleArn('execution-role-arn'),
    envFiles: checkEach('env-files', list('env-files'), ecsRules.s3ObjectArn),
  };
}

function roleArn(input: string): string | undefined {
  const value = optional(input);
  return value === undefined ? undefined : checkName(input, value, names.iamRoleArn);
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
  // Checked only when used: with a file they are ignored (as the render action ignores them), with a warning.
  if (arn !== undefined) checkName('task-definition-arn', arn, ecsRules.taskDefinitionArn);
  if (family !== undefined) checkName('task-definition-family', family, names.ecsFamily);
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
