import { afterEach, describe, expect, it } from 'vitest';
import { startGateFixture, ROLE, type GateFixture } from './gate-fixture.js';
import { deploySteps } from './steps.js';

/**
 * The strategy inputs: deploy-ecs sets the service's deployment strategy through UpdateService, merged with what
 * the service already has, and follows the service deployment it started (the local ECS runs a strategy's minute
 * in 100 ms here).
 */

let fixture: GateFixture;
afterEach(() => fixture?.close());
const { deployV2, calls } = deploySteps(() => fixture);
const web = () => fixture.ecs.service('default', 'web');

describe('strategy inputs', () => {
  it('switch a rolling service to BLUE_GREEN behind its load balancer, keeping its circuit breaker', async () => {
    fixture = await startGateFixture();
    const step = await deployV2(fixture.inputs('BLUE_GREEN'));
    expect(step.failed).toBe(false);
    expect(step.log).toContain('following the BLUE_GREEN service deployment stage by stage');
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    expect(step.outputs.gate).toBe('none');
    const config = web().deploymentConfiguration as Record<string, unknown>;
    expect(config).toMatchObject({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
    });
    expect(web().loadBalancers[0]).toMatchObject({
      targetGroupArn: fixture.blue,
      containerName: 'web',
      advancedConfiguration: {
        alternateTargetGroupArn: fixture.green,
        productionListenerRule: fixture.productionRule,
        testListenerRule: fixture.testRule,
        roleArn: ROLE,
      },
    });
    const update = calls('UpdateService')[0]?.body as Record<string, unknown>;
    expect(update.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
  });

  it('run a CANARY deployment with the canary percent and bake time given', async () => {
    fixture = await startGateFixture();
    const step = await deployV2(
      fixture.inputs('CANARY', { 'canary-percent': '12.5', 'canary-bake-time': '1m', 'bake-time': '0m' }),
    );
    expect(step.failed).toBe(false);
    expect(step.log).toContain('(production 12.5%, test 100% on the new revision)');
    expect(web().deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 12.5, canaryBakeTimeInMinutes: 1 },
    });
    expect(step.summary).toContain('(CANARY)');
  });

  it('run a LINEAR deployment step by step', async () => {
    fixture = await startGateFixture();
    const step = await deployV2(
      fixture.inputs('LINEAR', { 'linear-percent': '50', 'linear-step-bake-time': '1m', 'bake-time': '0m' }),
    );
    expect(step.failed).toBe(false);
    const lines = step.log.split('\n');
    const half = lines.findIndex((line) => line.includes('(production 50%, test 100% on the new revision)'));
    const all = lines.findIndex((line) => line.includes('(production 100%, test 100% on the new revision)'));
    expect(half).toBeGreaterThan(-1);
    expect(all).toBeGreaterThan(half);
    expect(web().deploymentConfiguration).toMatchObject({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
    });
  });

  it('name the alarm that rolled the deployment back', async () => {
    fixture = await startGateFixture();
    fixture.ecs.alarms.add('web-5xx');
    const step = await deployV2(fixture.inputs('BLUE_GREEN', { alarms: 'web-latency\nweb-5xx' }));
    expect(step.failed).toBe(true);
    const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain('ROLLBACK_SUCCESSFUL');
    expect(error).toContain('Alarms: web-5xx.');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(web().deploymentConfiguration).toMatchObject({
      alarms: { alarmNames: ['web-latency', 'web-5xx'], enable: true, rollback: true },
    });
    expect(web().taskDefinition).toMatch(/task-definition\/web:1$/);
  });

  it('create a service with the strategy and the load balancer settings given (create-service)', async () => {
    fixture = await startGateFixture();
    const step = await deployV2({
      ...fixture.inputs('CANARY', { 'canary-percent': '5' }),
      service: 'api',
      'create-service': 'true',
      subnets: 'subnet-0123456789abcdef0',
      'security-groups': 'sg-0123456789abcdef0',
      'target-group-arn': fixture.blue,
      'container-port': '8080',
      'container-name': 'web',
    });
    expect(step.failed).toBe(false);
    const create = calls('CreateService')[0]?.body as Record<string, unknown>;
    expect(create.deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 5 },
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    expect(fixture.ecs.service('default', 'api').loadBalancers[0]).toMatchObject({
      targetGroupArn: fixture.blue,
      advancedConfiguration: { alternateTargetGroupArn: fixture.green, testListenerRule: fixture.testRule },
    });
  });

  it('leave the service as it is when none is given (no deploymentConfiguration sent)', async () => {
    fixture = await startGateFixture();
    const step = await deployV2();
    expect(step.failed).toBe(false);
    const update = calls('UpdateService')[0]?.body as Record<string, unknown>;
    expect(update.deploymentConfiguration).toBeUndefined();
    expect(update.loadBalancers).toBeUndefined();
  });

  it('refuse BLUE_GREEN without a bake time, before anything is registered', async () => {
    fixture = await startGateFixture();
    const inputs = fixture.inputs('BLUE_GREEN');
    delete inputs['bake-time'];
    const step = await deployV2(inputs);
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Strategy BLUE_GREEN needs a bake time, and service 'web' has none");
    expect(calls('RegisterTaskDefinition')).toHaveLength(0);
    expect(calls('UpdateService')).toHaveLength(0);
  });

  it('refuse a traffic-shifting strategy without the load balancer settings it needs', async () => {
    fixture = await startGateFixture();
    const step = await deployV2({ strategy: 'CANARY' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain(
      "Strategy CANARY shifts traffic between two target groups, and service 'web''s load balancer has no alternateTargetGroupArn, productionListenerRule, roleArn.",
    );
    expect(step.log).toContain('Give alternate-target-group, production-listener-rule, load-balancer-role');
    expect(calls('UpdateService')).toHaveLength(0);
  });

  it('refuse canary inputs for a service whose own strategy is not CANARY', async () => {
    fixture = await startGateFixture();
    const step = await deployV2({ 'canary-percent': '10' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain("only apply to strategy CANARY, and service 'web' uses ROLLING");
    expect(calls('RegisterTaskDefinition')).toHaveLength(0);
  });
});
