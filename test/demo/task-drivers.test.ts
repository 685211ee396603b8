import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { processDriver } from '../fakes/ecs/process-driver.js';

/**
 * The local ECS endpoint's real-task mode, through the real SDK: tasks are processes of the sample service
 * (the Docker driver plays the same part in the demo's end-to-end test), and ECS reports what really
 * happened to them: RUNNING once the container health check passes, the real exit code of a crash.
 */

const images: Record<string, { VERSION: string; BUG?: string }> = {
  'hello:1': { VERSION: '1.0.0' },
  'hello:crash': { VERSION: '1.1.0', BUG: 'crash' },
};

let ecs: FakeEcs | undefined;
afterEach(async () => {
  await ecs?.close();
  ecs = undefined;
});

async function start() {
  ecs = await startFakeEcs({
    driver: processDriver({
      images: helloImages(images),
    }),
  });
  const client = new ECSClient({
    endpoint: ecs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
  });
  return { ecs, client };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function tasks(client: ECSClient, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
  const { taskArns = [] } = await client.send(
    new ListTasksCommand({ cluster: 'default', serviceName: 'hello', desiredStatus }),
  );
  if (taskArns.length === 0) return [];
  return (await client.send(new DescribeTasksCommand({ cluster: 'default', tasks: taskArns }))).tasks ?? [];
}

async function createService(client: ECSClient, taskDefinition: string) {
  // No cluster exists until created, not even `default` (CreateCluster without a name creates it).
  await client.send(new CreateClusterCommand({}));
  await client.send(
    new CreateServiceCommand({
      cluster: 'default',
      serviceName: 'hello',
      taskDefinition,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
}

const rollout = async (client: ECSClient) =>
  (await client.send(new DescribeServicesCommand({ cluster: 'default', services: ['hello'] }))).services?.[0]
    ?.deployments?.[0];

describe('the local ECS endpoint with tasks as local processes', () => {
  it('runs each task with its own PORT and the environment its image bakes in, and completes the rollout once their health checks pass', async () => {
    const { ecs, client } = await start();
    await createService(client, helloDefinition(ecs, 'hello:1'));
    const done = await until('the rollout', async () => {
      const deployment = await rollout(client);
      return deployment?.rolloutState === 'COMPLETED' ? deployment : undefined;
    });
    expect(done.runningCount).toBe(2);
    const running = await tasks(client, 'RUNNING');
    expect(running.map((t) => [t.lastStatus, t.healthStatus])).toEqual([
      ['RUNNING', 'HEALTHY'],
      ['RUNNING', 'HEALTHY'],
    ]);
    const ports = running.map((t) => ecs.driver?.endpoint(t.taskArn ?? '')?.port);
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) {
      const answer = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await answer.json()).toEqual({ status: 'healthy', version: '1.0.0' });
    }
  });

  it('given a release whose process exits 3 at start, stops its tasks with that exit code and the circuit breaker rolls back', async () => {
    const { ecs, client } = await start();
    const good = helloDefinition(ecs, 'hello:1');
    await createService(client, good);
    await until('the first rollout', async () =>
      (await rollout(client))?.rolloutState === 'COMPLETED' ? true : undefined,
    );
    await client.send(
      new UpdateServiceCommand({
        cluster: 'default',
        service: 'hello',
        taskDefinition: helloDefinition(ecs, 'hello:crash'),
      }),
    );
    const back = await until('the rollback', async () => {
      const deployment = await rollout(client);
      return deployment?.taskDefinition === good && deployment.rolloutState === 'COMPLETED' ? deployment : undefined;
    });
    expect(back.taskDefinition).toBe(good);
    const crashed = (await tasks(client, 'STOPPED')).filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(crashed.length).toBeGreaterThanOrEqual(3);
    for (const task of crashed) {
      expect(task.stoppedReason).toBe('Essential container in task exited');
      expect(task.containers?.[0]?.exitCode).toBe(3);
    }
  });

  it('given an image it does not know, the task fails to start with CannotPullContainerError', async () => {
    const { ecs, client } = await start();
    await createService(client, helloDefinition(ecs, 'hello:missing'));
    const [stopped] = await until('a stopped task', async () => {
      const found = await tasks(client, 'STOPPED');
      return found.length > 0 ? found : undefined;
    });
    expect(stopped?.stopCode).toBe('TaskFailedToStart');
    expect(stopped?.containers?.[0]?.reason).toMatch(/^CannotPullContainerError: hello:missing/);
    expect(stopped?.containers?.[0]?.exitCode).toBeUndefined();
  });

  it('given a health check that never passes, stops the task as ECS does: failed container health checks', async () => {
    const { ecs, client } = await start();
    await createService(client, helloDefinition(ecs, 'hello:1', '/not-there'));
    const [stopped] = await until('an unhealthy task stopped', async () => {
      const found = (await tasks(client, 'STOPPED')).filter((t) => t.lastStatus === 'STOPPED');
      return found.length > 0 ? found : undefined;
    });
    expect(stopped?.healthStatus).toBe('UNHEALTHY');
    expect(stopped?.stoppedReason).toBe('Task failed container health checks');
    // SIGTERM: the sample service exits 0, as a well-behaved server does.
    expect(stopped?.containers?.[0]?.exitCode).toBe(0);
  });
});
