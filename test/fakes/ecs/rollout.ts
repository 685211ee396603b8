import {
  arn,
  deploymentId,
  epoch,
  newId,
  taskId,
  type Deployment,
  type Service,
  type Task,
  type TaskBehaviour,
  type TaskDefinition,
} from './model.js';
import { settleDrivenTask, type TaskDriver } from './driver.js';

/**
 * Moves services forward in time the way the ECS scheduler does: the PRIMARY deployment launches tasks
 * until it has its desired count; tasks start or stop as their behaviour says; once the new tasks run, the
 * old deployments drain and the rollout completes. With the deployment circuit breaker on, a deployment
 * whose failed tasks reach the threshold is marked FAILED and (with rollback) the last completed task
 * definition is deployed again.
 */

export interface Scheduler {
  definitions: (arnOrFamily: string) => TaskDefinition;
  behaviour: (definition: TaskDefinition) => TaskBehaviour;
  tasks: Map<string, Task>;
  /** Tasks the circuit breaker already counted: as failed, and as healthy. */
  counted: { failed: Set<string>; healthy: Set<string> };
  /** Whether deployments carry rolloutState (false plays an older API answer without it). */
  rolloutState: boolean;
  /** Called when a rollout fails, for the time-to-red benchmark. */
  onRolloutFailed?: (service: Service, deployment: Deployment) => void;
  /** Runs service tasks for real instead of playing their behaviour (see driver.ts). */
  driver?: TaskDriver;
  /**
   * Whether a traffic-shifting deployment (strategies.ts) drives the service now: the scheduler then launches
   * and counts tasks but leaves completing or failing the rollout to it.
   */
  holds?: (service: Service) => boolean;
  /**
   * The deployments that are task sets CodeDeploy created beside the primary one (a blue/green replacement): the
   * scheduler launches their tasks too (API Reference, CreateTaskSet; ../codedeploy drives them).
   */
  taskSets?: Set<string>;
}

export function addEvent(service: Service, message: string) {
  service.events.unshift({ id: newId(), createdAt: epoch(), message: `(service ${service.serviceName}) ${message}` });
  service.events.length = Math.min(service.events.length, 100);
}

/**
 * The circuit breaker's failure threshold. API Reference, ThresholdConfiguration: BOUNDED_PERCENT (the default,
 * with value 50) is value% of the desired count, at least 3 and at most 200 (API Reference,
 * ServiceDeploymentCircuitBreaker `threshold`); UNBOUNDED_PERCENT the same without bounds; COUNT the value itself.
 */
export function failureThreshold(desiredCount: number, config?: { type?: string; value?: number }): number {
  const value = config?.value ?? 50;
  if (config?.type === 'COUNT') return value;
  const percent = Math.ceil((desiredCount * value) / 100);
  return config?.type === 'UNBOUNDED_PERCENT' ? Math.max(1, percent) : Math.min(200, Math.max(3, percent));
}

export function newDeployment(service: Service, taskDefinition: string, scheduler: Scheduler): Deployment {
  const now = epoch();
  const id = deploymentId();
  return {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: service.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    launchType: 'FARGATE',
    ...(scheduler.rolloutState
      ? // API Reference, Deployment `rolloutStateReason`: ECS names the deployment in it.
        { rolloutState: 'IN_PROGRESS' as const, rolloutStateReason: `ECS deployment ${id} in progress.` }
      : {}),
    ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
  };
}

/** Makes a task of a definition; it settles (runs or stops) as its behaviour says. */
export function launchTask(
  scheduler: Scheduler,
  clusterArn: string,
  definition: TaskDefinition,
  group: string,
  startedBy: string | undefined,
  behaviour: TaskBehaviour,
): Task {
  const driven = scheduler.driver !== undefined && group.startsWith('service:');
  if (driven) behaviour = { kind: 'driven' };
  const id = taskId();
  const cluster = clusterArn.slice(clusterArn.lastIndexOf('/') + 1);
  const taskArn = arn(`task/${cluster}/${id}`);
  const now = Date.now();
  const task: Task = {
    taskArn,
    clusterArn,
    taskDefinitionArn: definition.taskDefinitionArn,
    group,
    ...(startedBy ? { startedBy } : {}),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE',
    createdAt: epoch(now),
    healthStatus: 'UNKNOWN',
    containers: definition.containerDefinitions.map((c) => ({
      containerArn: arn(`container/${cluster}/${id}/${newId()}`),
      taskArn,
      name: c.name,
      image: c.image,
      lastStatus: 'PENDING',
    })),
    settlesAt:
      behaviour.kind === 'pending' || behaviour.kind === 'driven'
        ? Number.POSITIVE_INFINITY
        : now + (behaviour.startMs ?? 300),
    behaviour,
  };
  scheduler.tasks.set(taskArn, task);
  if (driven) scheduler.driver?.start(task, definition);
  return task;
}

export function stopTask(task: Task, reason: string, stopCode = 'ServiceSchedulerInitiated', driver?: TaskDriver) {
  if (task.lastStatus === 'STOPPED') return;
  if (task.behaviour.kind === 'driven' && driver) {
    // The real container gets SIGTERM; it is STOPPED, with its exit code, once the driver sees it exit.
    if (task.desiredStatus === 'STOPPED') return;
    Object.assign(task, { desiredStatus: 'STOPPED', stoppingAt: epoch(), stoppedReason: reason, stopCode });
    driver.stop(task);
    return;
  }
  const ran = task.lastStatus === 'RUNNING';
  const now = epoch();
  Object.assign(task, {
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppingAt: now,
    stoppedAt: now,
    stoppedReason: reason,
    stopCode,
  });
  for (const container of task.containers) {
    container.lastStatus = 'STOPPED';
    // Stopped by the scheduler: SIGTERM, and a well-behaved server exits 0. One that never ran has no code.
    if (ran) container.exitCode ??= 0;
  }
}

/** Brings a task to where its behaviour puts it at `now`. */
export function settleTask(task: Task, now: number, driver?: TaskDriver) {
  if (task.behaviour.kind === 'driven') {
    if (driver) settleDrivenTask(task, driver);
    return;
  }
  if (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') return;
  if (now < task.settlesAt) {
    task.lastStatus =
      task.behaviour.kind === 'pending' || now - task.createdAt * 1000 > 50 ? 'PENDING' : 'PROVISIONING';
    return;
  }
  const behaviour = task.behaviour;
  if (behaviour.kind === 'healthy') {
    task.lastStatus = 'RUNNING';
    task.healthStatus = 'HEALTHY';
    task.startedAt ??= epoch(task.settlesAt);
    for (const container of task.containers) container.lastStatus = 'RUNNING';
  } else if (behaviour.kind === 'crash') {
    const failedToStart = behaviour.exitCode === undefined;
    if (!failedToStart) task.startedAt = epoch(task.settlesAt);
    stopTask(
      task,
      behaviour.stoppedReason ?? (failedToStart ? 'Task failed to start' : 'Essential container in task exited'),
      failedToStart ? 'TaskFailedToStart' : 'EssentialContainerExited',
    );
    const crashed = task.containers.find((c) => c.name === behaviour.container) ?? task.containers[0];
    for (const container of task.containers) {
      delete container.exitCode;
      if (container === crashed && !failedToStart) {
        container.exitCode = behaviour.exitCode;
        if (behaviour.reason) container.reason = behaviour.reason;
      }
    }
  }
}

function launchMissing(scheduler: Scheduler, service: Service, deployment: Deployment) {
  const definition = scheduler.definitions(deployment.taskDefinition);
  const missing = deployment.desiredCount - liveTasks(scheduler, deployment).length;
  if (missing <= 0 || deployment.rolloutState === 'FAILED') return;
  const started = Array.from({ length: missing }, () =>
    launchTask(
      scheduler,
      service.clusterArn,
      definition,
      `service:${service.serviceName}`,
      deployment.id,
      scheduler.behaviour(definition),
    ),
  );
  addEvent(service, `has started ${started.length} tasks: ${started.map((t) => `(task ${nameOfTask(t)})`).join(' ')}.`);
}

export function liveTasks(scheduler: Scheduler, deployment: Deployment): Task[] {
  return [...scheduler.tasks.values()].filter((t) => t.startedBy === deployment.id && t.desiredStatus === 'RUNNING');
}

/** One scheduler pass over a service. */
export function advanceService(scheduler: Scheduler, service: Service, now = Date.now()) {
  if (service.status !== 'ACTIVE') return;
  for (const task of scheduler.tasks.values())
    if (task.group === `service:${service.serviceName}`) settleTask(task, now, scheduler.driver);

  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return;
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  for (const deployment of service.deployments)
    countFailures(scheduler, deployment, breaker.resetOnHealthyTask ?? true);

  // Launch what the primary deployment lacks, and what a CodeDeploy replacement task set lacks.
  for (const deployment of service.deployments)
    if (deployment === primary || scheduler.taskSets?.has(deployment.id)) launchMissing(scheduler, service, deployment);

  for (const deployment of service.deployments) {
    const tasks = liveTasks(scheduler, deployment);
    deployment.runningCount = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
    deployment.pendingCount = tasks.length - deployment.runningCount;
    deployment.updatedAt = epoch(now);
  }
  // A rollout completes once its tasks pass their health checks (simulated RUNNING tasks are HEALTHY).
  const healthy = liveTasks(scheduler, primary).filter(
    (t) => t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY',
  ).length;

  if (scheduler.holds?.(service)) {
    // strategies.ts completes or rolls back this deployment itself.
  } else if (
    breaker.enable &&
    primary.rolloutState === 'IN_PROGRESS' &&
    primary.failedTasks >= failureThreshold(service.desiredCount, breaker.thresholdConfiguration)
  ) {
    failRollout(scheduler, service, primary, breaker.rollback);
  } else if (healthy >= primary.desiredCount && primary.rolloutState !== 'FAILED') {
    completeRollout(scheduler, service, primary);
  }
  service.runningCount = service.deployments.reduce((sum, d) => sum + d.runningCount, 0);
  service.pendingCount = service.deployments.reduce((sum, d) => sum + d.pendingCount, 0);
}

/**
 * Deployment `failedTasks` (API Reference, Deployment): tasks of the deployment that failed to launch, never
 * reached RUNNING, or failed their health checks and were stopped; the scheduler stopping a task is no failure.
 * API Reference, DeploymentCircuitBreaker `resetOnHealthyTask` (default true): a task of the deployment that
 * becomes healthy resets the count to 0; with false the count adds up over the whole deployment.
 */
function countFailures(scheduler: Scheduler, deployment: Deployment, resetOnHealthy: boolean) {
  for (const task of scheduler.tasks.values()) {
    if (task.startedBy !== deployment.id) continue;
    const { failed, healthy } = scheduler.counted;
    if (task.lastStatus === 'STOPPED' && task.stopCode !== 'ServiceSchedulerInitiated' && !failed.has(task.taskArn)) {
      failed.add(task.taskArn);
      deployment.failedTasks++;
    } else if (task.lastStatus === 'RUNNING' && task.healthStatus === 'HEALTHY' && !healthy.has(task.taskArn)) {
      healthy.add(task.taskArn);
      if (resetOnHealthy) deployment.failedTasks = 0;
    }
  }
}

export function completeRollout(scheduler: Scheduler, service: Service, primary: Deployment) {
  const old = service.deployments.filter((d) => d !== primary);
  if (old.length === 0 && (primary.rolloutState ?? 'COMPLETED') === 'COMPLETED') return;
  for (const deployment of old) {
    const drained = liveTasks(scheduler, deployment);
    for (const task of drained)
      stopTask(task, `Scaling activity initiated by (deployment ${primary.id})`, undefined, scheduler.driver);
    if (drained.length > 0) {
      addEvent(
        service,
        `has stopped ${drained.length} running tasks: ${drained.map((t) => `(task ${nameOfTask(t)})`).join(' ')}.`,
      );
    }
  }
  service.deployments = [primary];
  if (primary.rolloutState) {
    primary.rolloutState = 'COMPLETED';
    primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
    addEvent(service, `(deployment ${primary.id}) deployment completed.`);
  }
  addEvent(service, 'has reached a steady state.');
}

function failRollout(scheduler: Scheduler, service: Service, failed: Deployment, rollback: boolean) {
  failed.rolloutState = 'FAILED';
  failed.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  addEvent(service, `(deployment ${failed.id}) deployment failed: tasks failed to start.`);
  scheduler.onRolloutFailed?.(service, failed);
  // Developer Guide, "How the Amazon ECS deployment circuit breaker detects failures": the rollback goes to the
  // most recent COMPLETED deployment; without one the deployment stalls and no new task is launched.
  const previous = service.deployments.find(
    (d) => d !== failed && d.status === 'ACTIVE' && (!scheduler.rolloutState || d.rolloutState === 'COMPLETED'),
  );
  if (!rollback || !previous) return;
  failed.status = 'ACTIVE';
  for (const task of liveTasks(scheduler, failed))
    stopTask(task, `Scaling activity initiated by (deployment ${failed.id})`, undefined, scheduler.driver);
  const restore = newDeployment(service, previous.taskDefinition, scheduler);
  service.deployments = [restore, ...service.deployments.filter((d) => d !== previous)];
  for (const task of liveTasks(scheduler, previous)) task.startedBy = restore.id;
  service.taskDefinition = previous.taskDefinition;
  addEvent(service, `(deployment ${failed.id}) rolling back to deployment ${restore.id}.`);
}

function nameOfTask(task: Task): string {
  return task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1);
}
