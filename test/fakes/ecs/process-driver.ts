import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Task, TaskDefinition } from './model.js';
import {
  essentialContainer,
  freePort,
  healthCheckOf,
  taskEnvironment,
  type HealthCheck,
  type Observed,
  type TaskDriver,
} from './driver.js';

/**
 * Runs each service task as a local process, for machines without Docker. An "image" names a local
 * program: `images` says which command (and which environment baked into it) an image reference runs; an
 * image it does not know fails to start as an unknown image does on ECS. The container health check is
 * played over HTTP: the first http:// URL in the check's command, with $PORT set, must answer 2xx.
 */

export interface LocalImage {
  command: string[];
  /** Variables the image sets (Dockerfile ENV); the task's environment overrides them. */
  env?: Record<string, string>;
}

interface Running {
  child?: ChildProcess;
  port: number;
  observed: Observed;
  timers: NodeJS.Timeout[];
}

export function processDriver(options: {
  images: (image: string) => LocalImage | undefined;
  /** How long a stopped task keeps serving before SIGTERM, as ECS waits out a target group's deregistration delay. */
  deregistrationDelayMs?: number;
  /** Each line a task's process prints, for a demo that wants to show it. */
  onOutput?: (taskArn: string, line: string) => void;
}): TaskDriver {
  const tasks = new Map<string, Running>();
  /** Tasks told to stop before their process started: they never start. */
  const stopped = new Set<string>();

  async function start(task: Task, definition: TaskDefinition) {
    const container = essentialContainer(definition);
    const port = await freePort();
    const run: Running = {
      port,
      observed: { container: container.name, state: 'starting', health: 'none' },
      timers: [],
    };
    tasks.set(task.taskArn, run);
    const image = options.images(container.image);
    if (stopped.has(task.taskArn)) {
      run.observed = { ...run.observed, state: 'exited' };
      return;
    }
    if (!image) {
      run.observed = {
        ...run.observed,
        state: 'exited',
        error: `CannotPullContainerError: ${container.image}: not found`,
      };
      return;
    }
    const [program = 'false', ...args] = [...image.command, ...((container.command as string[] | undefined) ?? [])];
    const child = spawn(program, args, {
      env: { PATH: process.env.PATH, ...image.env, ...taskEnvironment(container, port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.child = child;
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line) options.onOutput?.(task.taskArn, line);
      });
    const check = healthCheckOf(container);
    child.once('spawn', () => {
      run.observed = { ...run.observed, state: 'running', health: check ? 'starting' : 'none' };
      if (check) watchHealth(run, check);
    });
    child.once('error', (error) => {
      run.observed = { ...run.observed, state: 'exited', error: `CannotStartContainerError: ${error.message}` };
    });
    child.once('exit', (code, signal) => {
      for (const timer of run.timers) clearTimeout(timer);
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 9);
      run.observed = { ...run.observed, state: 'exited', exitCode };
    });
  }

  /** Docker's rules: checks every interval; failures in the start period do not count; N in a row fail it. */
  function watchHealth(run: Running, check: HealthCheck) {
    const startedAt = Date.now();
    let failures = 0;
    const url = /https?:\/\/[^\s'"|]+/.exec(check.command.join(' '))?.[0]?.replace(/\$\{?PORT\}?/g, String(run.port));
    const next = () => {
      const timer = setTimeout(async () => {
        const ok = url
          ? await fetch(url, { signal: AbortSignal.timeout(check.timeoutMs) }).then(
              (res) => res.ok,
              () => false,
            )
          : true;
        if (run.observed.state !== 'running') return;
        if (ok) failures = 0;
        else if (Date.now() - startedAt > check.startPeriodMs) failures++;
        const health = ok ? 'healthy' : failures >= check.retries ? 'unhealthy' : run.observed.health;
        run.observed = { ...run.observed, health };
        next();
      }, check.intervalMs);
      timer.unref();
      run.timers.push(timer);
    };
    next();
  }

  function stop(task: Task) {
    stopped.add(task.taskArn);
    const child = tasks.get(task.taskArn)?.child;
    if (!child || child.exitCode !== null) return;
    const terminate = () => {
      child.kill('SIGTERM');
      // ECS's stopTimeout: a process that ignores SIGTERM is killed.
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref();
    };
    setTimeout(terminate, options.deregistrationDelayMs ?? 0).unref();
  }

  return {
    kind: 'process',
    start: (task, definition) =>
      void start(task, definition).catch((error: Error) =>
        tasks.set(task.taskArn, {
          port: 0,
          timers: [],
          observed: {
            container: '',
            state: 'exited',
            health: 'none',
            error: `CannotStartContainerError: ${error.message}`,
          },
        }),
      ),
    stop,
    observe: (taskArn) => tasks.get(taskArn)?.observed,
    endpoint: (taskArn) => {
      const run = tasks.get(taskArn);
      return run?.port ? { host: '127.0.0.1', port: run.port } : undefined;
    },
    async close() {
      const exits = [...tasks.values()].map(async (run) => {
        for (const timer of run.timers) clearTimeout(timer);
        const child = run.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(kill);
      });
      await Promise.all(exits);
    },
  };
}
