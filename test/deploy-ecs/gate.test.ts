import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../fakes-ecs/client.js';
import { startGateFixture, type GateFixture } from './gate-fixture.js';
import { deploySteps } from './steps.js';

/**
 * The test-traffic gate in two steps against the local ECS: deploy-ecs with gate: test-traffic leaves the deployment
 * paused at POST_TEST_TRAFFIC_SHIFT with the test listener's URL, and a later step answers with mode: continue or
 * rollback (a strategy's minute lasts 100 ms here unless a test says otherwise).
 */

let fixture: GateFixture;
afterEach(() => fixture?.close());
const { deploy, deployV2, calls } = deploySteps(() => fixture);
const web = () => fixture.ecs.service('default', 'web');
const WEB1 = /task-definition\/web:1$/;
const WEB2 = /task-definition\/web:2$/;
/** A listener rule's forward weights by target group, as ELBv2 DescribeRules answers them. */
async function ruleWeights(ruleArn: string): Promise<Record<string, number>> {
  const client = new ElasticLoadBalancingV2Client({
    endpoint: fixture.elb.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
  });
  const { Rules } = await client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
  client.destroy();
  const groups = Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn ?? '', g.Weight ?? 0]));
}

const errorOf = (log: string) => log.split('\n').find((line) => line.startsWith('::error::')) ?? '';

/** deploy-ecs with the gate, and the deployment it left paused. */
async function pausedAtGate(strategy = 'BLUE_GREEN', extra: Record<string, string> = {}) {
  const step = await deployV2(fixture.inputs(strategy, { gate: 'test-traffic', ...extra }));
  expect(step.failed).toBe(false);
  return step;
}

const answer = (mode: 'continue' | 'rollback', inputs: Record<string, string> = {}) => deploy({ mode, ...inputs });

describe('gate: test-traffic', () => {
  it('ends green with the deployment paused at the gate, test-url and the PAUSE hook added to the service', async () => {
    fixture = await startGateFixture();
    const step = await pausedAtGate();
    expect(step.outputs.gate).toBe('paused');
    expect(step.outputs['test-url']).toBe(fixture.testUrl);
    expect(step.outputs['service-deployment-arn']).toMatch(/:service-deployment\/default\/web\//);
    expect(step.outputs['rollout-state']).toBe('IN_PROGRESS');
    expect(step.log).toContain(
      'paused at the gate (POST_TEST_TRAFFIC_SHIFT (production 0%, test 100% on the new revision))',
    );
    expect(step.log).toMatch(
      /::notice::web waits at the gate: only the test listener \(http:\/\/web-\d+\.us-east-1\.elb\.amazonaws\.com:8080\) reaches web:2/,
    );
    expect(step.summary).toContain('waits at the test-traffic gate');
    expect(step.summary).toContain(`paused (test URL ${fixture.testUrl})`);
    expect(web().deploymentConfiguration).toMatchObject({
      lifecycleHooks: [
        {
          targetType: 'PAUSE',
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
        },
      ],
    });
    // Production stays on blue while the deployment waits; test traffic is all green.
    const traffic = fixture.ecs.trafficOf('default', 'web');
    expect(traffic.production).toEqual([{ taskDefinition: expect.stringMatching(WEB1), weight: 100 }]);
    expect(traffic.test).toEqual([{ taskDefinition: expect.stringMatching(WEB2), weight: 100 }]);
    expect(calls('ContinueServiceDeployment')).toHaveLength(0);
    // The listener rules as ELBv2 describes them: the test rule forwards to green's target group.
    expect(await ruleWeights(fixture.testRule)).toEqual({ [fixture.blue]: 0, [fixture.green]: 100 });
    expect(await ruleWeights(fixture.productionRule)).toEqual({ [fixture.blue]: 100, [fixture.green]: 0 });
  });

  it('keeps the path prefix of the test listener rule in test-url', async () => {
    fixture = await startGateFixture({ pathPattern: '/api/*', testPort: 80 });
    const step = await pausedAtGate();
    expect(step.outputs['test-url']).toBe(`${fixture.testUrl}/api`);
  });

  it('reuses a PAUSE hook the service already has at the gate, keeping its other hooks', async () => {
    fixture = await startGateFixture();
    const own = [
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 30, action: 'CONTINUE' },
      },
      {
        targetType: 'AWS_LAMBDA',
        hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check-scale-up',
        roleArn: 'arn:aws:iam::123456789012:role/ecsLambdaHooks',
        lifecycleStages: ['POST_SCALE_UP'],
      },
    ];
    Object.assign(web().deploymentConfiguration, { lifecycleHooks: own });
    const step = await pausedAtGate();
    expect(step.outputs.gate).toBe('paused');
    expect((web().deploymentConfiguration as { lifecycleHooks?: unknown[] }).lifecycleHooks).toEqual(own);
  });

  it('continues with mode: continue and watches the deployment to SUCCESSFUL', async () => {
    fixture = await startGateFixture();
    const paused = await pausedAtGate();
    const step = await answer('continue');
    expect(step.failed).toBe(false);
    expect(step.outputs.gate).toBe('continued');
    expect(step.outputs['rollout-state']).toBe('COMPLETED');
    // service-url: the production listener's, from the step that answered.
    expect(step.outputs['service-url']).toBe(fixture.testUrl.replace(/:8080$/, ''));
    expect(step.outputs['service-deployment-arn']).toBe(paused.outputs['service-deployment-arn']);
    expect(step.outputs['task-definition-arn']).toMatch(WEB2);
    expect(step.outputs['previous-task-definition-arn']).toMatch(WEB1);
    expect(step.log).toContain('stage BAKE_TIME');
    expect(calls('ContinueServiceDeployment').map((c) => (c.body as { action: string }).action)).toEqual(['CONTINUE']);
    expect(web().taskDefinition).toMatch(WEB2);
    expect(fixture.ecs.trafficOf('default', 'web').production).toEqual([
      { taskDefinition: expect.stringMatching(WEB2), weight: 100 },
    ]);
    // Green's target group serves production now.
    expect(await ruleWeights(fixture.productionRule)).toEqual({ [fixture.blue]: 0, [fixture.green]: 100 });
    expect(step.summary).toMatch(/^### deploy-ecs gate: ✅ Succeeded/);
  });

  it('rolls back with mode: rollback, naming the deployment given, and fails with rolled-back: true', async () => {
    fixture = await startGateFixture();
    const paused = await pausedAtGate('CANARY', { 'canary-percent': '10', 'canary-bake-time': '1m' });
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    const step = await answer('rollback', { 'service-deployment-arn': arn });
    expect(step.failed).toBe(true);
    expect(step.outputs.gate).toBe('rolled-back');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(step.outputs['rollout-state']).toBe('FAILED');
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(errorOf(step.log)).toMatch(
      /web: Rolled back at the gate \(mode: rollback\)\. The service deployment ended ROLLBACK_SUCCESSFUL: Lifecycle hook [\w-]+ at POST_TEST_TRAFFIC_SHIFT asked to roll back/,
    );
    expect(web().taskDefinition).toMatch(WEB1);
    expect(fixture.ecs.trafficOf('default', 'web').production).toEqual([
      { taskDefinition: expect.stringMatching(WEB1), weight: 100 },
    ]);
  });

  it("gives the production listener's URL as service-url, not the test listener's, whatever their ports and protocols", async () => {
    fixture = await startGateFixture({ testProtocol: 'HTTPS', testPort: 443 });
    await pausedAtGate();
    const step = await answer('continue');
    expect(step.failed).toBe(false);
    expect(fixture.testUrl).toMatch(/^https:\/\/[^:/]+$/);
    // Before: the HTTPS (test) listener won, as the load balancer's "secure first" URL.
    expect(step.outputs['service-url']).toBe(fixture.testUrl.replace('https://', 'http://'));
    expect(step.log).toMatch(/production listener rule .* on port 80: http:\/\//);
  });

  it('refuses mode: continue for a service with no service deployment to answer', async () => {
    fixture = await startGateFixture();
    fixture.ecs.serviceDeployments.records.length = 0;
    const step = await answer('continue');
    expect(step.failed).toBe(true);
    expect(errorOf(step.log)).toContain("Service 'web' in cluster 'default' has no service deployment to answer.");
  });
});

describe('a gate left unanswered', () => {
  it('follows its timeout action ROLLBACK, and mode: continue reports it and fails', async () => {
    fixture = await startGateFixture({ minuteMs: 600 });
    const paused = await pausedAtGate('BLUE_GREEN', { 'gate-timeout': '1m', 'poll-interval': '0.05' });
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    await until(async () =>
      fixture.ecs.serviceDeployments.find(arn)?.status === 'ROLLBACK_SUCCESSFUL' ? true : undefined,
    );
    const step = await answer('continue');
    expect(step.failed).toBe(true);
    expect(step.outputs.gate).toBe('rolled-back');
    expect(step.outputs['rolled-back']).toBe('true');
    expect(errorOf(step.log)).toMatch(
      /web: nothing to continue\. The gate was not answered in time: its timeout action ROLLBACK was taken\. The service deployment ended ROLLBACK_SUCCESSFUL: Lifecycle hook [\w-]+ at POST_TEST_TRAFFIC_SHIFT timed out/,
    );
    expect(calls('ContinueServiceDeployment')).toHaveLength(0);
    expect(web().taskDefinition).toMatch(WEB1);
  });

  it('follows its timeout action CONTINUE to production, and mode: rollback says so and fails', async () => {
    fixture = await startGateFixture({ minuteMs: 600 });
    const paused = await pausedAtGate('BLUE_GREEN', {
      'gate-timeout': '1m',
      'gate-timeout-action': 'CONTINUE',
      'bake-time': '0m',
      'poll-interval': '0.05',
    });
    const arn = paused.outputs['service-deployment-arn'] ?? '';
    await until(async () => (fixture.ecs.serviceDeployments.find(arn)?.status === 'SUCCESSFUL' ? true : undefined));
    const step = await answer('rollback');
    expect(step.failed).toBe(true);
    expect(step.outputs.gate).toBe('continued');
    expect(errorOf(step.log)).toContain(
      'web: nothing to roll back. It no longer waits at the gate: answered already, or left unanswered for 1 minutes, after which its timeout action CONTINUE was taken. The service deployment ended SUCCESSFUL.',
    );
    expect(web().taskDefinition).toMatch(WEB2);
  });
});
