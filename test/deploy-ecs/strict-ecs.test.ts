import { afterEach, describe, expect, it } from 'vitest';
import { OOM, startFixture, V2, webTaskDefinition, type Fixture } from './fixture.js';
import { deploySteps } from './steps.js';

/** deploy-ecs where a strict ECS refuses what a lenient stand-in let through. */

let fixture: Fixture;
afterEach(() => fixture?.close());

const WEB1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const { deploy, deployV2, calls } = deploySteps(() => fixture);

describe('a service deployed by CodeDeploy', () => {
  it('is refused before anything is registered when several services are deployed in one step', async () => {
    fixture = await startFixture();
    fixture.ecs.seedService({ name: 'bluegreen', taskDefinition: WEB1, deploymentController: 'CODE_DEPLOY' });
    const step = await deployV2({ service: 'web\nbluegreen' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Service 'bluegreen' uses the CODE_DEPLOY deployment controller");
    expect(step.log).toContain('one service at a time');
    expect(calls('RegisterTaskDefinition')).toEqual([]);
    expect(calls('UpdateService')).toEqual([]);
  });
});

describe('a task definition real ECS refuses', () => {
  it('fails at registration with the ECS message, and the service is untouched', async () => {
    fixture = await startFixture();
    const { cpu: _cpu, ...noCpu } = webTaskDefinition(V2);
    const step = await deploy({ 'task-definition': fixture.file('td.json', noCpu) });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain("Fargate requires that 'cpu' be defined at the task level.");
    expect(calls('UpdateService')).toEqual([]);
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });
});

describe('rollback-on-failure to a deregistered revision', () => {
  it('reports the rollout failure and that ECS refused the way back; rollout-state and rolled-back agree', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    // Someone pruned revision 1 while the service still ran it.
    const revisions = fixture.ecs.definitions.get('web') ?? [];
    const first = revisions[0];
    if (first) first.status = 'INACTIVE';
    const step = await deployV2();
    expect(step.failed).toBe(true);
    // The way back is refused: web stays on the failed revision, and the step says so in those words.
    expect(step.outputs['failure-reason']).toBe('not-proven');
    expect(step.log).toContain(
      '::error::service web runs revision web:2, which is NOT proven; rollback failed: ecs:UpdateService (web, back to web:1) failed: InvalidParameterException (HTTP 400): TaskDefinition is inactive.',
    );
    expect(step.log).toContain('The deployment failed: Rollout failed. web:');
    expect(step.outputs).toMatchObject({ 'rolled-back': 'false', 'rollout-state': 'NOT_PROVEN' });
  });

  it('says FAILED whenever it rolled back, even where ECS still calls the replaced deployment IN_PROGRESS', async () => {
    fixture = await startFixture({ circuitBreaker: { enable: false, rollback: false } });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const step = await deployV2({ 'max-failed-tasks': '1' });
    expect(step.failed).toBe(true);
    expect(step.outputs).toMatchObject({ 'rolled-back': 'true', 'rollout-state': 'FAILED' });
    expect(fixture.ecs.service('default', 'web').taskDefinition).toBe(WEB1);
  });
});

describe('inputs of the aws-actions ECS actions that have no effect in a step', () => {
  it('are each named in a warning, and the deployment goes on', async () => {
    fixture = await startFixture();
    const step = await deployV2({
      'run-task-subnets': 'subnet-0123456789abcdef0',
      'run-task-tags': '[{"key": "project", "value": "web"}]',
      'wait-max-delay-seconds': '15',
    });
    expect(step.failed).toBe(false);
    expect(step.log).toContain("::warning::Input 'run-task-subnets' has no effect: no one-off task runs");
    expect(step.log).toContain("::warning::Input 'run-task-tags' has no effect");
    expect(step.log).toContain("::warning::Input 'wait-max-delay-seconds' has no effect");
    expect(calls('RunTask')).toEqual([]);
  });

  it('names the inputs of a created service without create-service, and of a watch without one', async () => {
    fixture = await startFixture();
    const step = await deployV2({
      subnets: 'subnet-0123456789abcdef0',
      'assign-public-ip': 'true',
      'wait-for-service-stability': 'false',
      'deregister-old-revisions': '3',
    });
    expect(step.failed).toBe(false);
    expect(step.log).toContain(
      "::warning::Input 'subnets' has no effect: they configure a created service (set 'create-service: true').",
    );
    expect(step.log).toContain("::warning::Input 'assign-public-ip' has no effect");
    expect(step.log).toContain(
      "::warning::Input 'deregister-old-revisions' has no effect: wait-for-service-stability is false, so the rollout is not watched.",
    );
    // Inputs left at their action.yml defaults say nothing: the runner always passes them.
    expect(step.log).not.toContain("Input 'deployment-circuit-breaker'");
    expect(calls('DeregisterTaskDefinition')).toEqual([]);
  });

  it('refuses values those actions do not document, naming the accepted ones', async () => {
    fixture = await startFixture();
    const step = await deployV2({ 'run-task': 'true', 'run-task-assign-public-IP': 'YES' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain("Input 'run-task-assign-public-IP' must be ENABLED or DISABLED, got 'YES'.");
    expect(fixture.ecs.calls).toEqual([]);
  });
});

describe("the service's own circuit breaker threshold", () => {
  it('ends the watch at the thresholdConfiguration ECS applies, not at the default half of the tasks', async () => {
    fixture = await startFixture({ desiredCount: 8 });
    fixture.ecs.seedService({
      name: 'api',
      taskDefinition: WEB1,
      desiredCount: 8,
      circuitBreaker: { enable: false, rollback: false, thresholdConfiguration: { type: 'COUNT', value: 1 } },
    });
    fixture.ecs.behaviour = (td) => (td.containerDefinitions[0]?.image === V2 ? OOM : { kind: 'healthy' });
    const step = await deployV2({ service: 'api' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('(max-failed-tasks is 1)');
  });
});

describe('empty values in a task definition file', () => {
  it('are dropped as aws-actions/amazon-ecs-deploy-task-definition drops them, even an empty variable value', async () => {
    fixture = await startFixture();
    const definition = webTaskDefinition(V2);
    const [web, worker] = definition.containerDefinitions;
    const file = {
      ...definition,
      volumes: [],
      containerDefinitions: [{ ...web, environment: [{ name: 'EMPTY', value: '' }], dockerLabels: {} }, worker],
    };
    const step = await deploy({ 'task-definition': fixture.file('td.json', file) });
    expect(step.failed).toBe(false);
    const registered = calls('RegisterTaskDefinition')[0]?.body as {
      volumes?: unknown;
      containerDefinitions: Record<string, unknown>[];
    };
    expect(registered.volumes).toBeUndefined();
    expect(registered.containerDefinitions[0]).toMatchObject({ environment: [{ name: 'EMPTY' }] });
    expect(registered.containerDefinitions[0]).not.toHaveProperty('dockerLabels');
  });
});
