import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ContainerOverride,
  type ECSClient,
  type NetworkConfiguration,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { aws } from '../lib/aws.js';
import { formatDuration } from '../lib/duration.js';
import { describeStoppedTask, toStopped } from '../lib/ecs-rollout.js';
import { CloudError, InputError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import { poll } from '../lib/poll.js';
import { scrub } from '../lib/secrets.js';
import type { CompatInputs } from './compat.js';
import type { RunTaskOptions } from './inputs.js';
import type { TaskDefinition } from './taskdef.js';

/**
 * The one-off task that runs before the service update (database migrations): started from the new
 * revision, waited for, and judged by the exit code of its container.
 */

export interface OneOffResult {
  taskArn: string;
  exitCode?: number;
}

export interface OneOff {
  client: ECSClient;
  cluster: string;
  taskDefinitionArn: string;
  definition: TaskDefinition;
  options: RunTaskOptions;
  /** The service's network configuration, used when the inputs give no subnets. */
  serviceNetwork: NetworkConfiguration | undefined;
  intervalMs: number;
  timeoutMs: number;
  log: (line: string) => void;
  /** The deploy action's run-task-* inputs: launch type, capacity providers, tags, EBS volume. */
  compat: CompatInputs;
  enableEcsManagedTags?: boolean;
}

export function containerOverrides(options: RunTaskOptions, definition: TaskDefinition): ContainerOverride[] {
  const overrides = [...((options.containerOverrides ?? []) as ContainerOverride[])];
  if (options.command) {
    const name = options.container ?? definition.containerDefinitions.find((c) => c.essential !== false)?.name;
    if (!name || !definition.containerDefinitions.some((c) => c.name === name)) {
      throw new InputError(
        `Input 'run-task-container' names container '${name}', which the task definition does not have.`,
      );
    }
    overrides.push({ name, command: options.command });
  }
  return overrides;
}

export async function runOneOff(oneOff: OneOff): Promise<OneOffResult> {
  const overrides = containerOverrides(oneOff.options, oneOff.definition);
  const taskArn = await startTask(oneOff, overrides);
  const { command, wait } = oneOff.options;
  oneOff.log(`one-off task ${taskArn} started${command ? `: ${command.join(' ')}` : ''}`);
  if (!wait) return { taskArn };
  const started = Date.now();
  const stopped = await waitUntilStopped(oneOff, taskArn);
  return judge(oneOff, stopped, overrides, Date.now() - started);
}

function networkOf({ options, serviceNetwork, definition }: OneOff): NetworkConfiguration | undefined {
  if (options.subnets.length > 0) {
    const { subnets, securityGroups, assignPublicIp } = options;
    return {
      awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: assignPublicIp ? 'ENABLED' : 'DISABLED' },
    };
  }
  // Only awsvpc tasks take a network configuration (a bridge or host task on EC2 has none).
  if (!serviceNetwork && (definition.networkMode ?? 'bridge') !== 'awsvpc') return undefined;
  if (!serviceNetwork) {
    throw new InputError(
      "Input 'run-task-subnets' is needed: there is no service to take the network configuration from.",
    );
  }
  return serviceNetwork;
}

/**
 * How the deploy action places the task: a capacity provider strategy when given (then no launch type),
 * else run-task-launch-type (FARGATE by default); its tags and EBS volume as given.
 */
function placement({ compat, enableEcsManagedTags }: OneOff) {
  const strategy = compat.runTaskCapacityProviderStrategy;
  return {
    ...(strategy ? { capacityProviderStrategy: strategy } : { launchType: compat.runTaskLaunchType ?? 'FARGATE' }),
    ...(compat.runTaskTags?.length ? { tags: compat.runTaskTags } : {}),
    ...(compat.runTaskVolume ? { volumeConfigurations: [compat.runTaskVolume] } : {}),
    ...(enableEcsManagedTags !== undefined ? { enableECSManagedTags: enableEcsManagedTags } : {}),
  };
}

async function startTask(oneOff: OneOff, overrides: ContainerOverride[]): Promise<string> {
  const { client, cluster, taskDefinitionArn, options } = oneOff;
  const networkConfiguration = networkOf(oneOff);
  const input = {
    cluster,
    taskDefinition: taskDefinitionArn,
    ...placement(oneOff),
    ...(networkConfiguration ? { networkConfiguration } : {}),
    startedBy: options.startedBy,
    ...(overrides.length ? { overrides: { containerOverrides: overrides } } : {}),
  } as RunTaskCommandInput;
  const answer = await aws('ecs:RunTask', () => client.send(new RunTaskCommand(input)));
  const task = answer.tasks?.[0];
  if (!task?.taskArn) {
    const failure = answer.failures?.[0];
    throw new CloudError(
      scrub(`ecs:RunTask started no task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim()),
      'RunTaskFailure',
    );
  }
  return task.taskArn;
}

async function waitUntilStopped(
  { client, cluster, intervalMs, timeoutMs, log }: OneOff,
  taskArn: string,
): Promise<Task> {
  const polled = await poll(
    async () => {
      const described = await aws('ecs:DescribeTasks', () =>
        client.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })),
      );
      const current = described.tasks?.[0];
      if (current?.lastStatus !== 'STOPPED') {
        log(`one-off task ${current?.lastStatus ?? 'unknown'}`);
        return undefined;
      }
      return current;
    },
    { intervalMs, timeoutMs },
  );
  if (polled.outcome === 'timeout') {
    throw new TimeoutError(
      `The one-off task ${taskArn} was still running after ${formatDuration(timeoutMs)}.`,
      'Raise wait-for-minutes, or set wait-for-task-stopped: false. The service was not updated.',
    );
  }
  return polled.value;
}

function judge(oneOff: OneOff, task: Task, overrides: ContainerOverride[], ms: number): OneOffResult {
  const focus = overrides[0]?.name ?? oneOff.definition.containerDefinitions.find((c) => c.essential !== false)?.name;
  const container = task.containers?.find((c) => c.name === focus) ?? task.containers?.[0];
  const exitCode = container?.exitCode;
  if (exitCode !== 0) {
    throw new RolloutFailed(
      `The one-off task failed${exitCode === undefined ? ' before its container ran' : ` with exit code ${exitCode}`}: ${describeStoppedTask(toStopped(task))}.`,
      "The service was not updated. Read the task's logs (its log configuration) and fix the task, then deploy again.",
    );
  }
  oneOff.log(`one-off task finished with exit code 0 in ${formatDuration(ms)}`);
  return { taskArn: task.taskArn ?? '', exitCode };
}
