import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { failureThreshold } from '../fakes/ecs/rollout.js';
import { createWeb, fargateDefinition, localEcs, until } from './client.js';

/**
 * The deployment circuit breaker of the local ECS, as the Developer Guide ("How the Amazon ECS deployment
 * circuit breaker detects failures") and the API Reference (DeploymentCircuitBreaker, ThresholdConfiguration,
 * Deployment `failedTasks`) describe it.
 */

const CRASH = { kind: 'crash', exitCode: 1, startMs: 30 } as const;

async function described(client: ECSClient, service = 'web') {
  const answer = await client.send(new DescribeServicesCommand({ cluster: 'production', services: [service] }));
  return answer.services?.[0];
}

describe('the failure threshold', () => {
  it('is half the desired count, at least 3 and at most 200, unless thresholdConfiguration says otherwise', () => {
    expect([1, 6, 7, 10, 1000].map((n) => failureThreshold(n))).toEqual([3, 3, 4, 5, 200]);
    expect(failureThreshold(10, { type: 'BOUNDED_PERCENT', value: 100 })).toBe(10);
    expect(failureThreshold(1000, { type: 'UNBOUNDED_PERCENT', value: 50 })).toBe(500);
    expect(failureThreshold(2, { type: 'UNBOUNDED_PERCENT', value: 10 })).toBe(1);
    expect(failureThreshold(10, { type: 'COUNT', value: 1 })).toBe(1);
  });
});

describe('a failing rollout', () => {
  it('is FAILED once its failed tasks reach the threshold and rolls back to the last COMPLETED deployment', async () => {
    const { client, ecs } = await localEcs();
    const first = ecs.register(fargateDefinition());
    const broken = ecs.register(fargateDefinition());
    ecs.seedService({ cluster: 'production', name: 'web', taskDefinition: first.taskDefinitionArn, desiredCount: 4 });
    ecs.behaviour = (d) => (d.revision === broken.revision ? CRASH : { kind: 'healthy', startMs: 30 });
    const started = await client.send(
      new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: broken.taskDefinitionArn }),
    );
    const id = started.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? '';
    // The failed deployment leaves the list once the rollback completes: wait for the rollback's event.
    const service = await until(async () => {
      const s = await described(client);
      return s?.events?.some((e) => e.message?.includes(`(deployment ${id}) rolling back`)) ? s : undefined;
    });
    expect(ecs.failedAt.has(id)).toBe(true);
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.id).not.toBe(id);
    expect(primary?.taskDefinition).toBe(first.taskDefinitionArn);
    expect(service.events?.some((e) => e.message?.includes(`(deployment ${id}) deployment failed`))).toBe(true);
    // At least the threshold for 4 tasks (3) of the new revision crashed.
    const crashed = [...ecs.tasks.values()].filter(
      (t) => t.startedBy === id && t.stopCode === 'EssentialContainerExited',
    );
    expect(crashed.length).toBeGreaterThanOrEqual(3);
  });

  it('stalls without rolling back when no deployment ever COMPLETED', async () => {
    const { client, ecs } = await localEcs();
    ecs.behaviour = () => CRASH;
    await createWeb(client, {
      deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration: { type: 'COUNT', value: 2 } },
    });
    const failed = await until(async () => {
      const s = await described(client);
      return s?.deployments?.[0]?.rolloutState === 'FAILED' ? s : undefined;
    });
    expect(failed.deployments).toHaveLength(1);
    expect(failed.deployments?.[0]).toMatchObject({
      failedTasks: 2,
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    // Stalled: no task is launched any more.
    const launched = ecs.tasks.size;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ecs.tasks.size).toBe(launched);
  });
});

describe('the failure count', () => {
  for (const resetOnHealthyTask of [true, false]) {
    it(`is ${resetOnHealthyTask ? 'reset' : 'kept'} when a task becomes healthy with resetOnHealthyTask ${resetOnHealthyTask}`, async () => {
      const { client, ecs } = await localEcs();
      let launched = 0;
      // The first two tasks crash, the third runs.
      ecs.behaviour = () => (++launched <= 2 ? CRASH : { kind: 'healthy', startMs: 30 });
      await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: true, resetOnHealthyTask } });
      const done = await until(async () => {
        const d = (await described(client))?.deployments?.[0];
        return d?.rolloutState === 'COMPLETED' ? d : undefined;
      });
      expect(done.failedTasks).toBe(resetOnHealthyTask ? 0 : 2);
    });
  }
});
