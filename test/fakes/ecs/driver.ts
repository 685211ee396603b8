import { createServer } from 'node:net';
import { epoch, type ContainerDefinition, type Task, type TaskDefinition } from './model.js';

/**
 * The seam between the ECS scheduler stand-in and tasks that really run. Without a driver the scheduler
 * plays each task as its behaviour says; with one, it asks the driver to start and stop the task's
 * essential container and reads back what really happened: RUNNING, the container health check, the
 * real exit code. Drivers work asynchronously; the scheduler reads their last observation on every tick.
 */

export interface Observed {
  /** The essential container's name. */
  container: string;
  /** starting: being pulled and created; running; exited (by itself, or stopped). */
  state: 'starting' | 'running' | 'exited';
  /** The container health check; 'none' when the container definition has none. */
  health: 'starting' | 'healthy' | 'unhealthy' | 'none';
  exitCode?: number;
  /** Why the container never ran (e.g. CannotPullContainerError: ...). */
  error?: string;
}

export interface TaskDriver {
  /** What runs the tasks: 'docker' (containers) or 'process' (local processes). */
  readonly kind: string;
  start(task: Task, definition: TaskDefinition): void;
  /** SIGTERM, as ECS stops a task; the exit code is observed afterwards. */
  stop(task: Task): void;
  observe(taskArn: string): Observed | undefined;
  /** Where the task listens: host networking, the port passed to it as PORT. */
  endpoint(taskArn: string): { host: string; port: number } | undefined;
  /** Stops and removes everything the driver started. */
  close(): Promise<void>;
}

/** The essential container: the one a driver runs and whose exit stops the task. */
export function essentialContainer(definition: TaskDefinition): ContainerDefinition {
  const container = definition.containerDefinitions.find((c) => c.essential !== false);
  if (!container) throw new Error(`task definition ${definition.family} has no essential container`);
  return container;
}

/** A container definition's environment, with PORT set to the task's own port. */
export function taskEnvironment(container: ContainerDefinition, port: number): Record<string, string> {
  const given = (container.environment as { name: string; value: string }[] | undefined) ?? [];
  return { ...Object.fromEntries(given.map((e) => [e.name, e.value])), PORT: String(port) };
}

export interface HealthCheck {
  /** ["CMD-SHELL", "..."] or ["CMD", "exe", "arg", ...], as in a container definition. */
  command: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

/** A container definition's healthCheck with ECS's defaults (30 s interval, 5 s timeout, 3 retries). */
export function healthCheckOf(container: ContainerDefinition): HealthCheck | undefined {
  const check = container.healthCheck as
    { command?: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number } | undefined;
  if (!check?.command?.length) return undefined;
  return {
    command: check.command,
    intervalMs: (check.interval ?? 30) * 1000,
    timeoutMs: (check.timeout ?? 5) * 1000,
    retries: check.retries ?? 3,
    startPeriodMs: (check.startPeriod ?? 0) * 1000,
  };
}

/** A port nothing listens on now, for the next task. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Brings a driven task to what its driver last saw, as ECS reports a task: PENDING while the container is
 * created, RUNNING once it runs (HEALTHY when its health check passes, or at once without one), STOPPED
 * with the real exit code once it exits. A container that fails its health check is stopped, as ECS does.
 */
export function settleDrivenTask(task: Task, driver: TaskDriver) {
  if (task.lastStatus === 'STOPPED') return;
  const seen = driver.observe(task.taskArn);
  if (!seen || seen.state === 'starting') {
    if (task.desiredStatus === 'RUNNING') task.lastStatus = 'PENDING';
    return;
  }
  const now = epoch();
  if (seen.state === 'running') {
    task.startedAt ??= now;
    for (const container of task.containers) container.lastStatus = 'RUNNING';
    if (task.desiredStatus !== 'RUNNING') return;
    task.lastStatus = 'RUNNING';
    task.healthStatus = seen.health === 'unhealthy' ? 'UNHEALTHY' : seen.health === 'starting' ? 'UNKNOWN' : 'HEALTHY';
    if (seen.health === 'unhealthy') {
      Object.assign(task, {
        desiredStatus: 'STOPPED',
        stoppingAt: now,
        stoppedReason: 'Task failed container health checks',
        stopCode: 'TaskFailedToStart',
      });
      driver.stop(task);
    }
    return;
  }
  // Exited: by itself (the essential container ended) or because it was told to stop.
  const ranByItself = task.desiredStatus === 'RUNNING';
  const never = seen.error !== undefined && task.startedAt === undefined;
  Object.assign(task, {
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedAt: now,
    stoppingAt: task.stoppingAt ?? now,
  });
  if (ranByItself) {
    task.stoppedReason = never ? 'Task failed to start' : 'Essential container in task exited';
    task.stopCode = never ? 'TaskFailedToStart' : 'EssentialContainerExited';
  }
  if (seen.exitCode !== undefined) task.startedAt ??= now;
  for (const container of task.containers) {
    container.lastStatus = 'STOPPED';
    if (container.name !== seen.container) continue;
    if (!never && seen.exitCode !== undefined) container.exitCode = seen.exitCode;
    if (seen.error) container.reason = seen.error;
  }
}
