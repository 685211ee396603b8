import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ContainerOverride,
  type ECSClient,
  type NetworkConfiguration,
  type Task,
} from '@aws-sdk/client-ecs';
import { aws } from '../lib/aws.js';
import { CloudError, InputError, RolloutFailed, TimeoutError } from '../lib/errors.js';
import { poll } from '../lib/poll.js';
import { formatDuration } from '../lib/duration.js';
import type { RunTaskOptions } from './inputs.js';
import { describeStoppedTask } from '../lib/ecs-rollout.js';
import type { TaskDefinition } from './taskdef.js';

/**
 * The one-off task that runs before the service update (database migrations): started from the new
 * revision, waited for, and judged by the exit code of its container.
 */

export interface OneOffResult {
  taskArn: string;
  exitCode?: number;
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

export async function runOneOff(
  client: ECSClient,
  cluster: string,
  taskDefinitionArn: string,
  definition: TaskDefinition,
  options: RunTaskOptions,
  network: NetworkConfiguration | undefined,
  timing: { intervalMs: number; timeoutMs: number; log: (line: string) => void },
): Promise<OneOffResult> {
  const overrides = containerOverrides(options, definition);
  const networkConfiguration: NetworkConfiguration | undefined =
    options.subnets.length > 0
      ? {
          awsvpcConfiguration: {
            subnets: options.subnets,
            securityGroups: options.securityGroups,
            assignPublicIp: options.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        }
      : network;
  if (!networkConfiguration) {
    throw new InputError(
      "Input 'run-task-subnets' is needed: there is no service to take the network configuration from.",
    );
  }
  const answer = await aws('ecs:RunTask', () =>
    client.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration,
        startedBy: options.startedBy,
        ...(overrides.length ? { overrides: { containerOverrides: overrides } } : {}),
      }),
    ),
  );
  const task = answer.tasks?.[0];
  if (!task?.taskArn) {
    const failure = answer.failures?.[0];
    throw new CloudError(
      `ecs:RunTask started no task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim(),
      'RunTaskFailure',
    );
  }
  const taskArn = task.taskArn;
  timing.log(`one-off task ${taskArn} started${options.command ? `: ${options.command.join(' ')}` : ''}`);
  if (!options.wait) return { taskArn };

  const started = Date.now();
  const polled = await poll(
    async () => {
      const described = await aws('ecs:DescribeTasks', () =>
        client.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] })),
      );
      const current = described.tasks?.[0];
      if (current?.lastStatus !== 'STOPPED') {
        timing.log(`one-off task ${current?.lastStatus ?? 'unknown'}`);
        return undefined;
      }
      return current;
    },
    { intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs },
  );
  if (polled.outcome === 'timeout') {
    throw new TimeoutError(
      `The one-off task ${taskArn} was still running after ${formatDuration(timing.timeoutMs)}.`,
      'Raise wait-for-minutes, or set wait-for-task-stopped: false. The service was not updated.',
    );
  }
  return judge(polled.value, overrides, definition, Date.now() - started, timing.log);
}

function judge(
  task: Task,
  overrides: ContainerOverride[],
  definition: TaskDefinition,
  ms: number,
  log: (line: string) => void,
): OneOffResult {
  const focus = overrides[0]?.name ?? definition.containerDefinitions.find((c) => c.essential !== false)?.name;
  const container = task.containers?.find((c) => c.name === focus) ?? task.containers?.[0];
  const exitCode = container?.exitCode;
  const taskArn = task.taskArn ?? '';
  const detail = describeStoppedTask({
    taskId: taskArn.slice(taskArn.lastIndexOf('/') + 1),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '?', exitCode: c.exitCode, reason: c.reason })),
  });
  if (exitCode !== 0) {
    throw new RolloutFailed(
      `The one-off task failed${exitCode === undefined ? ' before its container ran' : ` with exit code ${exitCode}`}: ${detail}.`,
      "The service was not updated. Read the task's logs (its log configuration) and fix the task, then deploy again.",
    );
  }
  log(`one-off task finished with exit code 0 in ${formatDuration(ms)}`);
  return { taskArn, exitCode };
}
