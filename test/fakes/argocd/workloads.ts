import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The cluster under the local Argo CD: each container of a workload runs as a real local process, the image
 * reference naming the program (as test/fakes/ecs/process-driver.ts does for ECS tasks). Health follows Argo CD's
 * built-in checks for the kinds (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#deployment-replicaset-statefulset-daemonset):
 *   - Deployment / StatefulSet: Healthy when every replica of the new template is ready; Progressing
 *     ("Waiting for rollout to finish: ...") while not; Degraded when the rollout exceeded
 *     `spec.progressDeadlineSeconds` (600 by default), the condition Kubernetes sets as ProgressDeadlineExceeded.
 *     The old pods keep running until the new ones are ready, as a rolling update leaves them.
 *   - Job: Progressing while it runs, Healthy once complete, Degraded when it failed ("Job has reached the
 *     specified backoff limit") after `backoffLimit` retries (6 by default), each after Kubernetes' back-off
 *     (10 s, doubled each time, at most 6 min).
 *   - CronJob: Healthy (nothing runs until its schedule); Service, ConfigMap and the like have no health.
 * A container is ready when its process runs and, with a `readinessProbe.httpGet`, the probe answers 2xx
 * (every `periodSeconds`, 10 by default); an image the machine does not know never starts (ImagePullBackOff).
 */

export interface LocalImage {
  command: string[];
  env?: Record<string, string>;
}

export type ImageResolver = (image: string) => LocalImage | undefined;

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  readinessProbe?: { httpGet?: { path?: string; port?: number | string }; periodSeconds?: number };
}

export interface PodTemplate {
  spec?: { containers?: Container[]; initContainers?: Container[] };
}

class Pod {
  private children: ChildProcess[] = [];
  private ready = new Map<string, boolean>();
  private timers: NodeJS.Timeout[] = [];
  exitCodes: (number | null)[] = [];
  /** The port each container listens on ($PORT), by container name. */
  ports = new Map<string, number>();
  pullFailed = false;
  done = false;

  constructor(
    private readonly template: PodTemplate,
    private readonly images: ImageResolver,
    private readonly onExit: () => void,
  ) {}

  async start(): Promise<void> {
    const containers = this.template.spec?.containers ?? [];
    for (const container of containers) {
      const image = this.images(container.image);
      if (!image) {
        this.pullFailed = true;
        continue;
      }
      const port = await freePort();
      this.ports.set(container.name, port);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...image.env, PORT: String(port) };
      for (const item of container.env ?? []) env[item.name] = item.value ?? '';
      const [program = 'false', ...args] = [...image.command, ...(container.command ?? []), ...(container.args ?? [])];
      const child = spawn(program, args, { env, stdio: 'ignore' });
      this.children.push(child);
      this.ready.set(container.name, false);
      child.once('exit', (code) => {
        this.exitCodes.push(code);
        this.ready.set(container.name, false);
        if (this.children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
          this.done = true;
          this.onExit();
        }
      });
      child.once('spawn', () => this.watchReadiness(container, port, child));
    }
  }

  private watchReadiness(container: Container, port: number, child: ChildProcess) {
    const probe = container.readinessProbe?.httpGet;
    if (!probe) {
      this.ready.set(container.name, true);
      return;
    }
    const period = (container.readinessProbe?.periodSeconds ?? 10) * 1000;
    const check = async () => {
      const path = probe.path ?? '/';
      const ok = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) }).then(
        (res) => res.ok,
        () => false,
      );
      if (child.exitCode === null) this.ready.set(container.name, ok);
      if (child.exitCode === null) this.timers.push(setTimeout(() => void check(), period).unref());
    };
    // The first probe after initialDelaySeconds (0); the tests' images answer at once.
    this.timers.push(setTimeout(() => void check(), 50).unref());
  }

  isReady(): boolean {
    const names = (this.template.spec?.containers ?? []).map((c) => c.name);
    return !this.pullFailed && names.every((name) => this.ready.get(name) === true);
  }

  succeeded(): boolean {
    return this.done && !this.pullFailed && this.exitCodes.every((code) => code === 0);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(kill);
      }),
    );
  }
}

export interface Health {
  status: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  message?: string;
}

/** A Deployment or StatefulSet: a rolling update from the pods of one template to those of the next. */
export class Workload {
  private pods: Pod[] = [];
  private old: Pod[] = [];
  private startedAt = Date.now();
  template = '';

  constructor(
    readonly kind: string,
    readonly name: string,
    private readonly images: ImageResolver,
  ) {}

  private deadlineMs = 600_000;
  private replicas = 1;

  async rollOut(spec: { replicas?: number; progressDeadlineSeconds?: number; template?: PodTemplate }): Promise<void> {
    const template = JSON.stringify(spec.template ?? {});
    this.replicas = spec.replicas ?? 1;
    this.deadlineMs = (spec.progressDeadlineSeconds ?? 600) * 1000;
    if (template === this.template) return;
    this.template = template;
    this.old.push(...this.pods);
    this.startedAt = Date.now();
    this.pods = Array.from({ length: this.replicas }, () => new Pod(spec.template ?? {}, this.images, () => {}));
    await Promise.all(this.pods.map((pod) => pod.start()));
  }

  health(): Health {
    const ready = this.pods.filter((pod) => pod.isReady()).length;
    if (ready === this.pods.length) {
      // The rollout is done: the old pods are scaled down.
      for (const pod of this.old.splice(0)) void pod.stop();
      return { status: 'Healthy' };
    }
    if (Date.now() - this.startedAt > this.deadlineMs) {
      return { status: 'Degraded', message: `Deployment "${this.name}" exceeded its progress deadline` };
    }
    const what = this.kind === 'StatefulSet' ? 'pods ready' : 'updated replicas are available';
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${ready} of ${this.pods.length} ${what}...`,
    };
  }

  /** The address of a ready pod serving the template's first container, as a Service would route to it. */
  endpoint(): string | undefined {
    const pod = this.pods.find((p) => p.isReady()) ?? this.old.find((p) => p.isReady());
    const port = pod ? [...pod.ports.values()][0] : undefined;
    return port ? `http://127.0.0.1:${port}` : undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pods, ...this.old].map((pod) => pod.stop()));
  }
}

/** A Job: its pod runs to completion, retried up to backoffLimit times with Kubernetes' back-off. */
export class JobRun {
  private pod?: Pod;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  state: 'running' | 'complete' | 'failed' = 'running';
  readonly template: string;
  private finished?: () => void;
  readonly finishedPromise: Promise<void>;

  constructor(
    readonly name: string,
    private readonly spec: { backoffLimit?: number; template?: PodTemplate },
    private readonly images: ImageResolver,
  ) {
    this.template = JSON.stringify(spec.template ?? {});
    this.finishedPromise = new Promise((resolve) => (this.finished = resolve));
    void this.attempt();
  }

  private async attempt() {
    const pod = new Pod(this.spec.template ?? {}, this.images, () => this.settle(pod));
    this.pod = pod;
    await pod.start();
  }

  private settle(pod: Pod) {
    if (pod.succeeded()) {
      this.state = 'complete';
      return this.finished?.();
    }
    this.failures++;
    if (this.failures > (this.spec.backoffLimit ?? 6)) {
      this.state = 'failed';
      return this.finished?.();
    }
    const backoff = Math.min(10_000 * 2 ** (this.failures - 1), 360_000);
    this.timer = setTimeout(() => void this.attempt(), backoff).unref();
  }

  health(): Health {
    if (this.state === 'complete') return { status: 'Healthy', message: 'Job completed' };
    if (this.state === 'failed') return { status: 'Degraded', message: 'Job has reached the specified backoff limit' };
    return { status: 'Progressing', message: 'Job is running' };
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.pod?.stop();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
