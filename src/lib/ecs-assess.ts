import type { Deployment, Service } from '@aws-sdk/client-ecs';

/**
 * Reads a DescribeServices answer and says where a rollout stands. Pure: the watcher polls, this decides.
 * A rollout fails as soon as ECS shows it cannot succeed, not when ECS has finished rolling back.
 */

export interface RolloutTarget {
  /** The deployment UpdateService / CreateService started; undefined when ECS started none. */
  deploymentId?: string;
  taskDefinitionArn: string;
  /** What the service ran before: a newer deployment of it means the circuit breaker rolled back. */
  previousTaskDefinitionArn?: string;
  /** Failed tasks of the new deployment that end the rollout; undefined means ECS's own threshold. */
  maxFailedTasks?: number;
}

export type Assessment =
  | { state: 'in-progress'; deployment: Deployment }
  | { state: 'completed'; deployment: Deployment }
  | { state: 'failed'; deployment?: Deployment; reason: string; rolledBack: boolean };

/** ECS's default circuit breaker threshold: half the desired count, at least 3 and at most 200. */
export function defaultMaxFailedTasks(desiredCount: number): number {
  return breakerThreshold(desiredCount);
}

/**
 * ECS's circuit breaker threshold (API Reference, ThresholdConfiguration): by default (BOUNDED_PERCENT 50) half
 * the desired count, at least 3 and at most 200; UNBOUNDED_PERCENT without the bounds; COUNT the value itself.
 */
export function breakerThreshold(
  desiredCount: number,
  config?: { type?: string | undefined; value?: number | undefined },
): number {
  const value = config?.value ?? 50;
  if (config?.type === 'COUNT') return value;
  const percent = Math.ceil((desiredCount * value) / 100);
  return config?.type === 'UNBOUNDED_PERCENT' ? Math.max(1, percent) : Math.min(200, Math.max(3, percent));
}

export function assess(service: Service, target: RolloutTarget): Assessment {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const ours =
    deployments.find((d) => target.deploymentId !== undefined && d.id === target.deploymentId) ??
    (primary?.taskDefinition === target.taskDefinitionArn ? primary : undefined);

  if (service.status !== 'ACTIVE') {
    return {
      state: 'failed',
      deployment: ours,
      reason: `The service is ${service.status ?? 'gone'}: it was deleted during the rollout.`,
      rolledBack: false,
    };
  }
  if (!ours || (primary && primary !== ours && primary.taskDefinition !== target.taskDefinitionArn)) {
    const rolledBack =
      primary?.taskDefinition !== undefined && primary.taskDefinition === target.previousTaskDefinitionArn;
    const why = ours?.rolloutStateReason ? ` ${ours.rolloutStateReason}` : '';
    return {
      state: 'failed',
      deployment: ours,
      rolledBack,
      reason: rolledBack
        ? `ECS rolled the service back to ${primary?.taskDefinition}.${why}`
        : `Another deployment (${primary?.id ?? 'unknown'}, ${primary?.taskDefinition ?? 'unknown task definition'}) replaced this one during the rollout.`,
    };
  }
  if (ours.rolloutState === 'FAILED') {
    return {
      state: 'failed',
      deployment: ours,
      reason: ours.rolloutStateReason ?? 'ECS marked the deployment FAILED.',
      rolledBack: false,
    };
  }
  if (ours.rolloutState === 'COMPLETED') return { state: 'completed', deployment: ours };
  if (ours.rolloutState === undefined && deployments.length === 1 && ours.runningCount === ours.desiredCount) {
    return { state: 'completed', deployment: ours };
  }
  const limit =
    target.maxFailedTasks ??
    breakerThreshold(
      service.desiredCount ?? ours.desiredCount ?? 1,
      service.deploymentConfiguration?.deploymentCircuitBreaker?.thresholdConfiguration,
    );
  if ((ours.failedTasks ?? 0) >= limit) {
    return {
      state: 'failed',
      deployment: ours,
      rolledBack: false,
      reason: `${ours.failedTasks} tasks of the new deployment failed to start or stopped (max-failed-tasks is ${limit}).`,
    };
  }
  return { state: 'in-progress', deployment: ours };
}

export interface StoppedTask {
  taskId: string;
  stoppedReason?: string;
  stopCode?: string;
  containers: { name: string; exitCode?: number; reason?: string }[];
}

export function describeStoppedTask(task: StoppedTask): string {
  const containers = task.containers
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map(
      (c) =>
        `container ${c.name} ${c.exitCode !== undefined ? `exited with code ${c.exitCode}` : 'did not run'}${c.reason ? ` (${c.reason})` : ''}`,
    );
  return `task ${task.taskId} stopped${task.stopCode ? ` [${task.stopCode}]` : ''}: ${task.stoppedReason ?? 'no reason given'}${containers.length ? `; ${containers.join('; ')}` : ''}`;
}

/** Stopped tasks that explain a failure first: those that failed, before those the scheduler stopped. */
export function failedFirst(tasks: StoppedTask[]): StoppedTask[] {
  const failed = (t: StoppedTask) =>
    t.stopCode !== 'ServiceSchedulerInitiated' || t.containers.some((c) => (c.exitCode ?? 0) !== 0);
  return [...tasks.filter(failed), ...tasks.filter((t) => !failed(t))];
}
