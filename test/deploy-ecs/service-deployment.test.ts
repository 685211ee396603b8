import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, useStrategy as strategyOf, type Fixture } from './fixture.js';
import { deploySteps } from './steps.js';

/**
 * deploy-ecs names the service deployment each update started, and follows a blue/green, canary or linear one
 * stage by stage, against the local ECS (a strategy's minute lasts 100 ms here).
 */

let fixture: Fixture;
afterEach(() => fixture?.close());
const { deploy, deployV2, calls } = deploySteps(() => fixture);

const useStrategy = (config: Parameters<typeof strategyOf>[1]) => strategyOf(fixture, config);
const SERVICE_DEPLOYMENT = /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/default\/web\/[\w-]+$/;

describe('the service deployment of a rolling update', () => {
  it('is named in the output, the log and the summary, and the rollout is watched as before', async () => {
    fixture = await startFixture();
    const step = await deployV2();
    expect(step.failed).toBe(false);
    const arn = step.outputs['service-deployment-arn'] ?? '';
    expect(arn).toMatch(SERVICE_DEPLOYMENT);
    expect(step.log).toContain(`service deployment ${arn}`);
    expect(step.summary).toContain('Service deployment');
    expect(step.summary).toContain(arn);
    expect(step.summary).not.toContain('service deployment stages');
    // The rolling watch is today's: DescribeServices, never DescribeServiceDeployments.
    expect(calls('DescribeServiceDeployments')).toHaveLength(0);
    expect(calls('ListServiceDeployments')).toHaveLength(1);
  });

  it('is a JSON object service → ARN when several services are deployed', async () => {
    fixture = await startFixture();
    fixture.ecs.seedService({
      name: 'web-canary',
      taskDefinition: fixture.ecs.service('default', 'web').taskDefinition,
    });
    const step = await deployV2({ service: 'web\nweb-canary' });
    expect(step.failed).toBe(false);
    const named = JSON.parse(step.outputs['service-deployment-arn'] ?? '{}') as Record<string, string>;
    expect(Object.keys(named)).toEqual(['web', 'web-canary']);
    expect(named.web).toMatch(SERVICE_DEPLOYMENT);
    expect(named['web-canary']).toMatch(/:service-deployment\/default\/web-canary\//);
    expect(named.web).not.toBe(named['web-canary']);
  });

  it('is looked up also when the rollout is not watched (wait-for-service-stability: false)', async () => {
    fixture = await startFixture();
    const step = await deployV2({ 'wait-for-service-stability': 'false' });
    expect(step.failed).toBe(false);
    expect(step.outputs['service-deployment-arn']).toMatch(SERVICE_DEPLOYMENT);
  });

  it('is left empty with a warning naming the permissions when the role may not list service deployments', async () => {
    fixture = await startFixture();
    fixture.ecs.inject({ operation: 'ListServiceDeployments', kind: 'access-denied', times: Infinity });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(step.outputs['service-deployment-arn']).toBe('');
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    const warning = step.log.split('\n').find((line) => line.startsWith('::warning::')) ?? '';
    expect(warning).toContain('AccessDeniedException');
    for (const permission of [
      'ecs:ListServiceDeployments',
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
    ])
      expect(warning).toContain(permission);
    expect(step.summary).not.toContain('Service deployment');
  });

  it('is named for a service this run creates', async () => {
    fixture = await startFixture();
    const step = await deployV2({
      service: 'api',
      'create-service': 'true',
      subnets: 'subnet-0123456789abcdef0',
      'security-groups': 'sg-0123456789abcdef0',
    });
    expect(step.failed).toBe(false);
    expect(step.outputs['service-deployment-arn']).toMatch(
      /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/default\/api\/[\w-]+$/,
    );
  });

  it('is not looked for when the update started no deployment', async () => {
    fixture = await startFixture();
    const step = await deploy({ 'task-definition': 'web:1' });
    expect(step.failed).toBe(false);
    expect(step.log).toContain('ECS started no new deployment');
    expect(step.outputs['service-deployment-arn']).toBe('');
    expect(calls('ListServiceDeployments')).toHaveLength(0);
  });
});

describe('a traffic-shifting service deployment', () => {
  it('is followed stage by stage to SUCCESSFUL, with a stage timeline in the summary', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    const arn = step.outputs['service-deployment-arn'] ?? '';
    expect(arn).toMatch(SERVICE_DEPLOYMENT);
    expect(step.log).toContain('following the BLUE_GREEN service deployment stage by stage');
    const logged = [...step.log.matchAll(/stage ([A-Z_]+)/g)].map((m) => m[1]);
    expect(logged).toEqual(expect.arrayContaining(['PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME']));
    expect(new Set(logged).size).toBe(logged.length);
    expect(logged.indexOf('PRODUCTION_TRAFFIC_SHIFT')).toBeLessThan(logged.indexOf('BAKE_TIME'));
    expect(step.summary).toContain(`${arn}</code> (BLUE_GREEN)`);
    expect(step.summary).toContain('| Stage | Began | Lasted |');
    expect(step.summary).toMatch(/\| BAKE_TIME \| \d{4}-\d\d-\d\dT[\d:.]+Z \| [\d.]+ (ms|s) \|/);
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    expect(fixture.ecs.trafficOf('default', 'web').production).toEqual([
      { taskDefinition: fixture.ecs.service('default', 'web').taskDefinition, weight: 100 },
    ]);
  });

  it('fails the step with the rollback reason when ECS rolls it back (a PAUSE hook left to time out)', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 1, action: 'ROLLBACK' },
        },
      ],
    });
    const step = await deployV2();
    expect(step.failed).toBe(true);
    expect(step.log).toContain('stage POST_TEST_TRAFFIC_SHIFT');
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toMatch(
      /web: The service deployment ended ROLLBACK_SUCCESSFUL: Lifecycle hook [\w-]+ at POST_TEST_TRAFFIC_SHIFT timed out; its timeout action is ROLLBACK\.%0A/,
    );
    expect(step.outputs['rolled-back']).toBe('true');
    expect(fixture.ecs.service('default', 'web').taskDefinition).toMatch(/task-definition\/web:1$/);
    expect(step.outputs['rollout-state']).toBe('FAILED');
    expect(step.summary).toContain('ROLLBACK_SUCCESSFUL');
    expect(step.summary).toContain('| POST_TEST_TRAFFIC_SHIFT |');
    expect(step.summary).not.toContain('| PRODUCTION_TRAFFIC_SHIFT |');
  });

  it('logs the production traffic shift stage, then each canary step of the split', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({
      strategy: 'CANARY',
      bakeTimeInMinutes: 1,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 },
    });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(step.log).toContain('following the CANARY service deployment stage by stage');
    const lines = step.log.split('\n');
    const shift = lines.findIndex((line) => line.startsWith('stage PRODUCTION_TRAFFIC_SHIFT'));
    const canary = lines.findIndex((line) => line.includes('(production 10%, test 100% on the new revision)'));
    const all = lines.findIndex((line) => line.includes('(production 100%, test 100% on the new revision)'));
    expect(shift).toBeGreaterThan(-1);
    expect(canary).toBeGreaterThanOrEqual(shift);
    expect(all).toBeGreaterThan(canary);
    expect(step.summary).toContain('(CANARY)');
  });

  it('fails the step naming the alarm when an alarm stops the deployment', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: false },
    });
    fixture.ecs.alarms.add('web-5xx');
    const step = await deployV2();
    expect(step.failed).toBe(true);
    const error = step.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain('The service deployment ended STOPPED: CloudWatch alarm(s) web-5xx in ALARM state');
    expect(error).toContain('Alarms: web-5xx.');
    expect(step.outputs['rollout-state']).toBe('FAILED');
  });

  it('falls back to the DescribeServices watch with a warning when the role may not describe service deployments', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    fixture.ecs.inject({ operation: 'DescribeServiceDeployments', kind: 'access-denied', times: Infinity });
    const step = await deployV2();
    expect(step.failed).toBe(false);
    expect(step.outputs['service-deployment-arn']).toMatch(SERVICE_DEPLOYMENT);
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    const warning = step.log.split('\n').find((line) => line.startsWith('::warning::')) ?? '';
    expect(warning).toContain('cannot be followed');
    expect(warning).toContain('AccessDeniedException');
    expect(warning).toContain('ecs:DescribeServiceDeployments');
    expect(step.summary).not.toContain('| Stage | Began | Lasted |');
    expect(calls('DescribeServices').length).toBeGreaterThan(1);
  });

  it('times out at wait-for-minutes at the stage it waits in, and says so', async () => {
    fixture = await startFixture({ minuteMs: 100 });
    await useStrategy({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
    });
    const step = await deployV2({ 'wait-for-minutes': '0.02' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain(
      'rollout timeout: The service deployment did not finish within wait-for-minutes: last seen IN_PROGRESS at POST_SCALE_UP',
    );
    expect(step.log).not.toContain('cannot be followed');
    expect(step.summary).toContain('| POST_SCALE_UP |');
  });
});
