import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { startCodeDeployFixture, untilServing, type CodeDeployFixture } from '../deploy-ecs/codedeploy-fixture.js';
import { badInput, fault } from './kinds.js';

/**
 * deploy-ecs for a CODE_DEPLOY service, tried as an adversary would: AppSpec files and CodeDeploy names that must
 * never reach AWS, and the local CodeDeploy (as strict as the real one) refusing or failing.
 */

let fixture: CodeDeployFixture;
const requests = () => fixture.ecs.calls.length + fixture.codedeploy.calls.length;

const APPSPEC = (taskDefinition = 'placeholder') =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: 'hello', ContainerPort: 8080 },
          },
        },
      },
    ],
  });

describe('bad input: refused before any ECS or CodeDeploy request, the input named', () => {
  beforeAll(async () => {
    fixture = await startCodeDeployFixture();
  });
  afterAll(() => fixture.close());

  const cases: [string, string, () => Record<string, string>][] = [
    [
      'an AppSpec path out of the workspace',
      'codedeploy-appspec',
      () => ({ 'codedeploy-appspec': '../../etc/passwd' }),
    ],
    ['an absolute AppSpec path', 'codedeploy-appspec', () => ({ 'codedeploy-appspec': '/etc/hostname' })],
    ['an AppSpec file that does not exist', 'codedeploy-appspec', () => ({ 'codedeploy-appspec': 'missing.yaml' })],
    [
      'an AppSpec file that is not YAML or JSON',
      'codedeploy-appspec',
      () => ({ 'codedeploy-appspec': fixture.file('bad.yaml', 'version: 0.0\nResources: [\n  - {') }),
    ],
    [
      'an AppSpec file without Resources',
      'codedeploy-appspec',
      () => ({ 'codedeploy-appspec': fixture.file('empty.yaml', 'version: 0.0\n') }),
    ],
    [
      'an AppSpec resource without TaskDefinition',
      'codedeploy-appspec',
      () => ({
        'codedeploy-appspec': fixture.file(
          'nota.json',
          JSON.stringify({
            version: 0.0,
            Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: {} } }],
          }),
        ),
      }),
    ],
    [
      'an AppSpec that is a list',
      'codedeploy-appspec',
      () => ({ 'codedeploy-appspec': fixture.file('list.yaml', '- version: 0.0\n') }),
    ],
    [
      'an application name with a line break (a forged workflow command)',
      'codedeploy-application',
      () => ({ 'codedeploy-application': 'app\n::error::forged' }),
    ],
    [
      'a deployment group name over 100 characters',
      'codedeploy-deployment-group',
      () => ({ 'codedeploy-deployment-group': 'g'.repeat(101) }),
    ],
    [
      'a deployment configuration with a control character',
      'codedeploy-deployment-config',
      () => ({ 'codedeploy-deployment-config': 'CodeDeployDefault.ECSAllAtOnce\u0007' }),
    ],
    ['a gate that is not none or test-traffic', 'gate', () => ({ gate: 'smoke' })],
    [
      'a deployment ID in lower case to continue',
      'codedeploy-deployment-id',
      () => ({ mode: 'continue', 'codedeploy-deployment-id': 'd-abcde1234' }),
    ],
    [
      'a deployment ID with a line break to roll back',
      'codedeploy-deployment-id',
      () => ({ mode: 'rollback', 'codedeploy-deployment-id': 'd-ABCDE1234\n::error::forged' }),
    ],
    [
      'a deployment ID that is an ARN',
      'codedeploy-deployment-id',
      () => ({
        mode: 'continue',
        'codedeploy-deployment-id': 'arn:aws:codedeploy:us-east-1:123456789012:deployment/x',
      }),
    ],
  ];
  for (const [name, input, inputs] of cases)
    badInput(`deploy-ecs (CodeDeploy): ${name}`, async () => {
      const before = requests();
      const step = await fixture.deploy(inputs());
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(input);
      expect(step.log).not.toContain('\n::error::forged');
      expect(requests()).toBe(before);
    });
});

describe('fault: CodeDeploy refusing or failing ends in an exact, reported state', () => {
  afterEach(() => fixture?.close());

  fault(
    'deploy-ecs (CodeDeploy): a second deployment while the group has one active is refused, naming it',
    async () => {
      fixture = await startCodeDeployFixture({
        group: { service: 'hello', ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 600 } },
      });
      await untilServing(fixture);
      const first = await fixture.deploy({ gate: 'test-traffic' });
      const id = first.outputs['codedeploy-deployment-id'] ?? '';
      expect(first.outputs.gate).toBe('paused');
      const second = await fixture.deploy({
        image: 'hello:1',
        'codedeploy-appspec': fixture.file('a.json', APPSPEC()),
      });
      expect(second.failed).toBe(true);
      expect(second.outputs['failure-reason']).toBe('cloud-error');
      expect(second.log).toContain('DeploymentLimitExceededException');
      expect(second.log).toContain(id);
      expect(second.outputs['codedeploy-deployment-id'] ?? '').toBe('');
      expect(fixture.codedeploy.deployments.get(id)?.status).toBe('Ready');
    },
    30_000,
  );

  fault(
    'deploy-ecs (CodeDeploy): GetDeployment throttled three times is retried and the deployment watched to the end',
    async () => {
      fixture = await startCodeDeployFixture();
      await untilServing(fixture);
      fixture.codedeploy.inject({ operation: 'GetDeployment', kind: 'throttle', times: 3 });
      const step = await fixture.deploy();
      expect(step.failed).toBe(false);
      expect(fixture.codedeploy.calls.filter((c) => c.result === 'throttle')).toHaveLength(3);
      expect(fixture.codedeploy.deployments.get(step.outputs['codedeploy-deployment-id'] ?? '')?.status).toBe(
        'Succeeded',
      );
    },
    30_000,
  );

  fault(
    'deploy-ecs (CodeDeploy): a gate answered after the ready wait ran out is reported as stopped, production untouched',
    async () => {
      fixture = await startCodeDeployFixture({
        group: { service: 'hello', ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 10 } },
      });
      await untilServing(fixture);
      const step = await fixture.deploy({ gate: 'test-traffic' });
      const id = step.outputs['codedeploy-deployment-id'] ?? '';
      expect(step.outputs.gate).toBe('paused');
      // Ten CodeDeploy minutes (1 s here) pass without an answer: CodeDeploy stops the deployment and rolls back.
      while (fixture.codedeploy.deployments.get(id)?.status === 'Ready') await new Promise((r) => setTimeout(r, 100));
      const next = await fixture.deploy({
        mode: 'continue',
        'codedeploy-deployment-id': id,
        image: '',
        'container-name': '',
      });
      expect(next.failed).toBe(true);
      expect(next.outputs['failure-reason']).toBe('rollout-failed');
      expect(next.log).toContain('had already ended Stopped (TIMEOUT');
      expect(next.outputs.gate).toBe('rolled-back');
      expect(fixture.codedeploy.calls.filter((c) => c.operation === 'ContinueDeployment')).toHaveLength(0);
      expect(fixture.lb.served().production['hello:2'] ?? 0).toBe(0);
    },
    30_000,
  );

  fault(
    'deploy-ecs (CodeDeploy): continuing a deployment that already succeeded (a step run again) succeeds without a request',
    async () => {
      fixture = await startCodeDeployFixture();
      await untilServing(fixture);
      const step = await fixture.deploy();
      const id = step.outputs['codedeploy-deployment-id'] ?? '';
      const next = await fixture.deploy({
        mode: 'continue',
        'codedeploy-deployment-id': id,
        image: '',
        'container-name': '',
      });
      expect(next.failed).toBe(false);
      expect(next.outputs.gate).toBe('continued');
      expect(next.log).toContain('already succeeded');
      expect(fixture.codedeploy.calls.filter((c) => c.operation === 'ContinueDeployment')).toHaveLength(0);
    },
    30_000,
  );
});
