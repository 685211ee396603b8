import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Task, TaskDefinition } from './model.js';
import {
  essentialContainer,
  freePort,
  healthCheckOf,
  taskEnvironment,
  type Observed,
  type TaskDriver,
} from './driver.js';

const exec = promisify(execFile);

/**
 * Runs each service task as a real Docker container: `docker run --network host` with the container
 * definition's environment, a free port per task passed as PORT, and the definition's healthCheck as the
 * container's health check (ECS ignores a HEALTHCHECK baked into the image, and so does this driver).
 * One `docker inspect` per poll reads every container's
 * state, health and real exit code. Every container carries a label naming this driver's run, so close()
 * (or a later cleanup) removes all of them.
 */

interface Running {
  name: string;
  port: number;
  observed: Observed;
  /** Set once `docker run -d` returned: the container exists. */
  created: boolean;
}

interface Inspected {
  Name: string;
  State: { Status: string; ExitCode: number; Error?: string; OOMKilled?: boolean; Health?: { Status: string } };
}

export const DOCKER_LABEL = 'deploy-actions.fake-ecs';

export function dockerDriver(
  options: {
    /** Names this run's containers (label value and name prefix). */
    run?: string;
    /** Seconds between SIGTERM and SIGKILL when a task is stopped (ECS's stopTimeout). */
    stopTimeout?: number;
    pollMs?: number;
    /** How long a stopped task keeps serving before SIGTERM, as ECS waits out a target group's deregistration delay. */
    deregistrationDelayMs?: number;
  } = {},
): TaskDriver {
  const run = options.run ?? `ecs-${process.pid}-${Date.now().toString(36)}`;
  const tasks = new Map<string, Running>();
  const stopped = new Set<string>();
  let polling = false;
  const poller = setInterval(() => void poll(), options.pollMs ?? 250);
  poller.unref();

  async function start(task: Task, definition: TaskDefinition) {
    const container = essentialContainer(definition);
    const port = await freePort();
    const name = `${run}-${task.taskArn.slice(task.taskArn.lastIndexOf('/') + 1)}`;
    const running: Running = {
      name,
      port,
      created: false,
      observed: { container: container.name, state: 'starting', health: 'none' },
    };
    tasks.set(task.taskArn, running);
    if (stopped.has(task.taskArn)) {
      running.observed = { ...running.observed, state: 'exited' };
      return;
    }
    const check = healthCheckOf(container);
    const health = check
      ? [
          '--health-cmd',
          check.command[0] === 'CMD-SHELL'
            ? check.command.slice(1).join(' ')
            : check.command
                .slice(1)
                .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
                .join(' '),
          `--health-interval=${check.intervalMs}ms`,
          `--health-timeout=${check.timeoutMs}ms`,
          `--health-retries=${check.retries}`,
          `--health-start-period=${check.startPeriodMs}ms`,
        ]
      : ['--no-healthcheck'];
    const env = Object.entries(taskEnvironment(container, port)).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    try {
      await exec('docker', [
        'run',
        '--detach',
        '--network',
        'host',
        '--name',
        name,
        '--label',
        `${DOCKER_LABEL}=${run}`,
        ...env,
        ...health,
        container.image,
        ...((container.command as string[] | undefined) ?? []),
      ]);
      running.created = true;
      if (stopped.has(task.taskArn)) void dockerStop(running);
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
      const created = await exec('docker', ['inspect', '--format', '{{.Id}}', name]).then(
        () => true,
        () => false,
      );
      if (created) {
        running.created = true; // it exists but could not start: the poll reports its state and error
        return;
      }
      const pull = /pull|manifest|not found|unauthorized|denied/i.test(stderr);
      running.observed = {
        ...running.observed,
        state: 'exited',
        error: `${pull ? 'CannotPullContainerError' : 'CannotStartContainerError'}: ${stderr.split('\n').at(-1)}`,
      };
    }
  }

  async function poll() {
    const live = [...tasks.values()].filter((t) => t.created && t.observed.state !== 'exited');
    if (polling || live.length === 0) return;
    polling = true;
    try {
      const { stdout } = await exec('docker', ['inspect', ...live.map((t) => t.name)]).catch(
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }),
      );
      const byName = new Map((JSON.parse(stdout || '[]') as Inspected[]).map((c) => [c.Name.replace(/^\//, ''), c]));
      for (const task of live) {
        const state = byName.get(task.name)?.State;
        if (!state) {
          task.observed = { ...task.observed, state: 'exited', error: 'the container is gone' };
          continue;
        }
        const health = state.Health?.Status;
        task.observed = {
          ...task.observed,
          state: state.Status === 'created' ? 'starting' : state.Status === 'running' ? 'running' : 'exited',
          health: health === 'healthy' || health === 'unhealthy' || health === 'starting' ? health : 'none',
          ...(['exited', 'dead'].includes(state.Status) ? { exitCode: state.ExitCode } : {}),
          ...(state.OOMKilled ? { error: 'OutOfMemoryError: Container killed due to memory usage' } : {}),
          ...(state.Error ? { error: `CannotStartContainerError: ${state.Error}` } : {}),
        };
      }
    } finally {
      polling = false;
    }
  }

  async function dockerStop(task: Running) {
    await exec('docker', ['stop', '--time', String(options.stopTimeout ?? 10), task.name]).catch(() => undefined);
    await poll();
  }

  return {
    kind: 'docker',
    start: (task, definition) =>
      void start(task, definition).catch((error: Error) =>
        tasks.set(task.taskArn, {
          name: '',
          port: 0,
          created: false,
          observed: {
            container: '',
            state: 'exited',
            health: 'none',
            error: `CannotStartContainerError: ${error.message}`,
          },
        }),
      ),
    stop(task) {
      stopped.add(task.taskArn);
      const running = tasks.get(task.taskArn);
      if (!running?.created) return;
      const delay = running.observed.state === 'running' ? (options.deregistrationDelayMs ?? 0) : 0;
      setTimeout(() => void dockerStop(running), delay).unref();
    },
    observe: (taskArn) => tasks.get(taskArn)?.observed,
    endpoint: (taskArn) => {
      const running = tasks.get(taskArn);
      return running?.port ? { host: '127.0.0.1', port: running.port } : undefined;
    },
    async close() {
      clearInterval(poller);
      await removeContainers(run);
    },
  };
}

/** Removes every container a driver run started (all runs when none is named). */
export async function removeContainers(run?: string): Promise<void> {
  const { stdout } = await exec('docker', [
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `label=${DOCKER_LABEL}${run ? `=${run}` : ''}`,
  ]).catch(() => ({ stdout: '' }));
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await exec('docker', ['rm', '--force', ...ids]).catch(() => undefined);
}
