import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { assess, defaultMaxFailedTasks } from '../../src/lib/ecs-assess.js';

const OLD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const NEW = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';
const target = { deploymentId: 'ecs-svc/2', taskDefinitionArn: NEW, previousTaskDefinitionArn: OLD };

function service(...deployments: Partial<Deployment>[]): Service {
  return {
    status: 'ACTIVE',
    deployments: deployments.map((d) => ({ desiredCount: 2, runningCount: 0, failedTasks: 0, ...d })),
  };
}
const ours = (d: Partial<Deployment> = {}) => ({
  id: 'ecs-svc/2',
  status: 'PRIMARY',
  taskDefinition: NEW,
  rolloutState: 'IN_PROGRESS' as const,
  ...d,
});
const old = (d: Partial<Deployment> = {}) => ({
  id: 'ecs-svc/1',
  status: 'ACTIVE',
  taskDefinition: OLD,
  rolloutState: 'COMPLETED' as const,
  runningCount: 2,
  ...d,
});

describe('assess', () => {
  it('is in progress while the new deployment starts its tasks', () => {
    expect(assess(service(ours({ runningCount: 1 }), old()), target).state).toBe('in-progress');
  });

  it('completes when ECS marks the new deployment COMPLETED', () => {
    expect(assess(service(ours({ rolloutState: 'COMPLETED', runningCount: 2 })), target).state).toBe('completed');
  });

  it('without rolloutState, completes when it is the only deployment and all its tasks run', () => {
    const plain = { rolloutState: undefined };
    expect(assess(service(ours({ ...plain, runningCount: 2 })), target).state).toBe('completed');
    expect(assess(service(ours({ ...plain, runningCount: 2 }), old(plain)), target).state).toBe('in-progress');
    expect(assess(service(ours({ ...plain, runningCount: 1 })), target).state).toBe('in-progress');
  });

  it('fails at once when ECS marks the deployment FAILED, with its reason', () => {
    const result = assess(
      service(
        ours({ rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }),
        old(),
      ),
      target,
    );
    expect(result).toMatchObject({
      state: 'failed',
      reason: 'ECS deployment circuit breaker: tasks failed to start.',
      rolledBack: false,
    });
  });

  it('fails and says so when the circuit breaker rolled back to the previous revision', () => {
    const rollback = { id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: OLD, rolloutState: 'IN_PROGRESS' as const };
    const result = assess(
      service(
        rollback,
        ours({ status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start.' }),
      ),
      target,
    );
    expect(result).toMatchObject({ state: 'failed', rolledBack: true });
    expect(result.state === 'failed' && result.reason).toContain(`rolled the service back to ${OLD}`);
  });

  it('fails when another deployment of a different revision replaced ours', () => {
    const other = {
      id: 'ecs-svc/9',
      status: 'PRIMARY',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    };
    expect(assess(service(other), target)).toMatchObject({
      state: 'failed',
      rolledBack: false,
      reason: expect.stringContaining('ecs-svc/9'),
    });
  });

  it('fails when failed tasks reach max-failed-tasks, before ECS gives up', () => {
    expect(assess(service(ours({ failedTasks: 2 }), old()), { ...target, maxFailedTasks: 2 })).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('max-failed-tasks is 2'),
    });
    expect(assess(service(ours({ failedTasks: 2 }), old()), target).state).toBe('in-progress');
    expect(assess(service(ours({ failedTasks: 3 }), old()), target).state).toBe('failed');
  });

  it('fails when the service is being deleted', () => {
    expect(assess({ ...service(ours()), status: 'DRAINING' }, target)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('DRAINING'),
    });
  });

  it('counts max-failed-tasks by default as the ECS circuit breaker does', () => {
    expect([1, 6, 7, 100, 1000].map(defaultMaxFailedTasks)).toEqual([3, 3, 4, 50, 200]);
  });
});
