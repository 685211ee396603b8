import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { startGateFixture, type GateFixture } from '../deploy-ecs/gate-fixture.js';
import { deploySteps } from '../deploy-ecs/steps.js';
import { badInput, fault } from './kinds.js';

/**
 * deploy-ecs's strategy and gate inputs tried as an adversary would: values ECS refuses, refused before any
 * request with the input named; and faults of ELBv2 and ECS at the gate, each ending in an exact, reported state.
 */

let fixture: GateFixture;
const { deploy, deployV2, calls } = deploySteps(() => fixture);
const SDA = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/ABCDEFGH-abcdefghijkl';

describe('bad input: strategy and gate inputs refused before any request, the input named', () => {
  beforeAll(async () => {
    fixture = await startGateFixture();
  });
  afterAll(() => fixture.close());

  const cases: [string, string, Record<string, string>][] = [
    ['an unknown strategy', 'strategy', { strategy: 'RED_BLACK' }],
    ['a strategy in lower case', 'strategy', { strategy: 'canary' }],
    ['a bake time in seconds', 'bake-time', { 'bake-time': '90s' }],
    ['a bare bake time (seconds) that is no whole minute', 'bake-time', { 'bake-time': '5' }],
    ['a bake time over a day', 'bake-time', { 'bake-time': '25h' }],
    ['a negative bake time', 'bake-time', { 'bake-time': '-5m' }],
    ['a canary percent of 0', 'canary-percent', { strategy: 'CANARY', 'canary-percent': '0' }],
    ['a canary percent over 100', 'canary-percent', { strategy: 'CANARY', 'canary-percent': '100.5' }],
    ['a canary percent finer than 0.1', 'canary-percent', { strategy: 'CANARY', 'canary-percent': '12.55' }],
    ['a canary percent that is no number', 'canary-percent', { strategy: 'CANARY', 'canary-percent': 'ten' }],
    ['a linear percent under 3', 'linear-percent', { strategy: 'LINEAR', 'linear-percent': '2' }],
    ['a canary percent with strategy LINEAR', 'canary-percent', { strategy: 'LINEAR', 'canary-percent': '10' }],
    [
      'a linear step bake time with strategy CANARY',
      'linear-step-bake-time',
      { strategy: 'CANARY', 'linear-step-bake-time': '1m' },
    ],
    [
      'a canary bake time with strategy BLUE_GREEN',
      'canary-bake-time',
      { strategy: 'BLUE_GREEN', 'canary-bake-time': '1m' },
    ],
    ['an alarm name with a control character', 'alarms', { alarms: 'web-5xx\u0007' }],
    ['an alarm name over 255 characters', 'alarms', { alarms: 'a'.repeat(256) }],
    ['alarm-rollback that is no boolean', 'alarm-rollback', { alarms: 'web-5xx', 'alarm-rollback': 'sometimes' }],
    ['an alternate target group that is a name', 'alternate-target-group', { 'alternate-target-group': 'web-green' }],
    [
      'a production listener rule that is a listener ARN',
      'production-listener-rule',
      {
        'production-listener-rule':
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/0123456789abcdef',
      },
    ],
    ['a test listener rule with a line break', 'test-listener-rule', { 'test-listener-rule': 'arn\n::error::forged' }],
    [
      'a load balancer role that is a user ARN',
      'load-balancer-role',
      { 'load-balancer-role': 'arn:aws:iam::123456789012:user/deploy' },
    ],
    ['an unknown gate', 'gate', { gate: 'production-traffic' }],
    ['a gate timeout of 0', 'gate-timeout', { gate: 'test-traffic', 'gate-timeout': '0m' }],
    ['a gate timeout over a day', 'gate-timeout', { gate: 'test-traffic', 'gate-timeout': '1441m' }],
    ['an unknown gate timeout action', 'gate-timeout-action', { gate: 'test-traffic', 'gate-timeout-action': 'ABORT' }],
    ['a gate with several services', 'gate', { gate: 'test-traffic', service: 'web\nweb-canary' }],
    ['a gate without waiting', 'gate', { gate: 'test-traffic', 'wait-for-service-stability': 'false' }],
    ['a gate-url-path without the gate', 'gate-url-path', { 'gate-url-path': '/health' }],
    ['a gate-url-path without a leading slash', 'gate-url-path', { gate: 'test-traffic', 'gate-url-path': 'health' }],
    [
      'a gate-url-path that is a URL',
      'gate-url-path',
      { gate: 'test-traffic', 'gate-url-path': 'https://evil.example/x' },
    ],
    ['a gate check without gate-url-path', 'gate-expect-status', { gate: 'test-traffic', 'gate-expect-status': '200' }],
    [
      'a gate status that is no status',
      'gate-expect-status',
      { gate: 'test-traffic', 'gate-url-path': '/health', 'gate-expect-status': 'OK' },
    ],
    [
      'a gate probe timeout without a unit it knows',
      'gate-probe-timeout',
      { gate: 'test-traffic', 'gate-url-path': '/health', 'gate-probe-timeout': '2 minutes' },
    ],
    ['an unknown mode', 'mode', { mode: 'promote' }],
  ];
  for (const [name, input, inputs] of cases) {
    badInput(`deploy-ecs: ${name}`, async () => {
      const before = fixture.ecs.calls.length + fixture.elb.calls.length;
      const step = await deployV2(inputs);
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(`Input '${input}`);
      expect(fixture.ecs.calls.length + fixture.elb.calls.length - before).toBe(0);
    });
  }

  const answerCases: [string, string, Record<string, string>][] = [
    ['mode: continue without a service', "mode: continue' needs one 'service'", { service: '' }],
    [
      'mode: rollback with two services',
      "mode: rollback' needs one 'service'",
      { mode: 'rollback', service: 'web\napi' },
    ],
    [
      'a service deployment ARN that is a task definition ARN',
      'service-deployment-arn',
      {
        'service-deployment-arn': 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
      },
    ],
    [
      "another service's deployment ARN",
      'service-deployment-arn',
      {
        'service-deployment-arn': SDA.replace('/web/', '/api/'),
      },
    ],
    ['a task definition with mode: continue', 'task-definition', { 'task-definition': 'web:2' }],
    ['a strategy with mode: continue', "Input 'strategy' has no meaning with 'mode: continue'", { strategy: 'CANARY' }],
    [
      'a gate with mode: teardown',
      "Input 'gate' has no meaning with 'mode: teardown'",
      { mode: 'teardown', gate: 'test-traffic' },
    ],
  ];
  for (const [name, said, inputs] of answerCases) {
    badInput(`deploy-ecs mode continue/rollback: ${name}`, async () => {
      const before = fixture.ecs.calls.length;
      const step = await deploy({ mode: 'continue', ...inputs });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(said);
      expect(fixture.ecs.calls.length - before).toBe(0);
    });
  }
});

describe('fault: at the gate', () => {
  afterEach(() => fixture?.close());

  fault(
    'ELBv2 refuses DescribeRules: the step fails naming the permissions, the deployment left waiting at the gate',
    async () => {
      fixture = await startGateFixture();
      fixture.elb.inject({ operation: 'DescribeRules', kind: 'access-denied', times: Infinity });
      const step = await deployV2(fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }));
      expect(step.failed).toBe(true);
      expect(step.outputs.gate).toBe('paused');
      expect(step.outputs['test-url']).toBe('');
      const arn = step.outputs['service-deployment-arn'] ?? '';
      const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
      expect(error).toContain("web waits at the gate, but the test listener's URL could not be found");
      expect(error).toContain('elasticloadbalancing:DescribeRules');
      expect(error).toContain(arn);
      const record = fixture.ecs.serviceDeployments.find(arn);
      expect(record?.status).toBe('IN_PROGRESS');
      expect(record?.traffic?.production).toBe(0);
    },
  );

  fault('ContinueServiceDeployment throttled twice: retried, and the deployment continues to SUCCESSFUL', async () => {
    fixture = await startGateFixture();
    const paused = await deployV2(fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }));
    expect(paused.outputs.gate).toBe('paused');
    fixture.ecs.inject({ operation: 'ContinueServiceDeployment', kind: 'throttle', times: 2 });
    const step = await deploy({ mode: 'continue' });
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('continued');
    expect(calls('ContinueServiceDeployment').length).toBeGreaterThanOrEqual(3);
  });

  fault('ContinueServiceDeployment denied: the step fails as a cloud error, the deployment still waiting', async () => {
    fixture = await startGateFixture();
    const paused = await deployV2(fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }));
    fixture.ecs.inject({ operation: 'ContinueServiceDeployment', kind: 'access-denied', times: Infinity });
    const step = await deploy({ mode: 'rollback' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('ecs:ContinueServiceDeployment (ROLLBACK)');
    expect(step.log).toContain('AccessDeniedException');
    const record = fixture.ecs.serviceDeployments.find(paused.outputs['service-deployment-arn'] ?? '');
    expect(record?.status).toBe('IN_PROGRESS');
  });

  /**
   * The gate's PAUSE hook times out as the answer arrives: ECS refuses ContinueServiceDeployment (ConflictException,
   * the hook is no longer AWAITING_ACTION) and takes the hook's timeout action.
   */
  const timesOutAsAnswered = (arn: string) =>
    fixture.ecs.inject({
      operation: 'ContinueServiceDeployment',
      kind: 'error',
      times: 1,
      error: { type: 'ConflictException', message: 'The lifecycle hook is TIMED_OUT, not AWAITING_ACTION.' },
      onAnswer: () => {
        for (const hook of fixture.ecs.serviceDeployments.find(arn)?.traffic?.hooks ?? []) hook.expiresAt = 0;
      },
    });

  fault(
    'the gate times out (ROLLBACK) as mode: continue answers: the step fails with what the timeout action did',
    async () => {
      fixture = await startGateFixture();
      const paused = await deployV2(fixture.inputs('BLUE_GREEN', { gate: 'test-traffic' }));
      const arn = paused.outputs['service-deployment-arn'] ?? '';
      timesOutAsAnswered(arn);
      const step = await deploy({ mode: 'continue' });
      expect(step.failed).toBe(true);
      expect(step.outputs.gate).toBe('rolled-back');
      expect(step.outputs['rolled-back']).toBe('true');
      expect(step.log).toContain('::warning::The gate no longer waited for the answer');
      const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
      expect(error).toMatch(
        /The gate no longer waited for the answer .*ConflictException.*its timeout action was taken first\. Continued at the gate \(mode: continue\)\. The service deployment ended ROLLBACK_SUCCESSFUL: Lifecycle hook [\w-]+ at POST_TEST_TRAFFIC_SHIFT timed out/,
      );
      expect(fixture.ecs.service('default', 'web').taskDefinition).toMatch(/web:1$/);
    },
  );

  fault(
    'the gate times out (CONTINUE) as mode: rollback answers: the step fails saying production runs the new revision',
    async () => {
      fixture = await startGateFixture();
      const paused = await deployV2(
        fixture.inputs('BLUE_GREEN', { gate: 'test-traffic', 'gate-timeout-action': 'CONTINUE', 'bake-time': '0m' }),
      );
      timesOutAsAnswered(paused.outputs['service-deployment-arn'] ?? '');
      const step = await deploy({ mode: 'rollback' });
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('rollout-failed');
      const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
      expect(error).toContain(
        'The service deployment ended SUCCESSFUL: production runs arn:aws:ecs:us-east-1:123456789012:task-definition/web:2, which the answer would have rolled back.',
      );
      expect(fixture.ecs.service('default', 'web').taskDefinition).toMatch(/web:2$/);
    },
  );
});
