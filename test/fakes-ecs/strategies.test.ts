import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { FakeEcs } from '../fakes/ecs/index.js';
import { STAGES } from '../fakes/ecs/strategies.js';
import { fargateDefinition, localEcs, NETWORK, refusal, until } from './client.js';

/**
 * ECS's own blue/green, canary and linear deployments in the local ECS, as the API Reference (DeploymentConfiguration,
 * CanaryConfiguration, LinearConfiguration, DeploymentLifecycleHook, ServiceDeployment `lifecycleStage`,
 * ContinueServiceDeployment, StopServiceDeployment) and the Developer Guide ("Amazon ECS blue/green deployments",
 * "Lifecycle hooks for Amazon ECS service deployments") describe them. A minute lasts 100 ms here.
 */

const MINUTE = 100;
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup';
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef';
const LOAD_BALANCER = {
  targetGroupArn: `${TG}/web-blue/0123456789abcdef`,
  containerName: 'web',
  containerPort: 8080,
  advancedConfiguration: {
    alternateTargetGroupArn: `${TG}/web-green/fedcba9876543210`,
    productionListenerRule: `${RULE}/1111111111111111/2222222222222222`,
    testListenerRule: `${RULE}/3333333333333333/4444444444444444`,
    roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
  },
};
const PAUSE_AFTER_TEST_TRAFFIC = {
  targetType: 'PAUSE' as const,
  lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const],
  timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' as const },
};

async function setUp(
  deploymentConfiguration: DeploymentConfiguration,
  options: { controller?: 'ECS' | 'CODE_DEPLOY' } = {},
) {
  const local = await localEcs({ minuteMs: MINUTE });
  const { client } = local;
  await client.send(new CreateClusterCommand({ clusterName: 'production' }));
  await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
  await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
  const create = client.send(
    new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      loadBalancers: [LOAD_BALANCER],
      deploymentController: { type: options.controller ?? 'ECS' },
      deploymentConfiguration,
    }),
  );
  return { ...local, create };
}

async function deployV2(ecs: FakeEcs, client: ECSClient) {
  // The first deployment has nothing to shift traffic from: it is a plain start.
  const created = (await client.send(new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web' })))
    .serviceDeployments?.[0];
  await until(async () =>
    (await describe1(client, created?.serviceDeploymentArn)).status === 'SUCCESSFUL' ? true : undefined,
  );
  await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:2' }));
  const listed = await client.send(new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web' }));
  void ecs;
  return listed.serviceDeployments?.[0]?.serviceDeploymentArn as string;
}

async function describe1(client: ECSClient, arn: string | undefined): Promise<ServiceDeployment> {
  const answer = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn as string] }));
  return answer.serviceDeployments?.[0] as ServiceDeployment;
}

/** A BLUE_GREEN update of web to web:2 with a PAUSE hook after the test traffic shift, waiting there. */
async function atTheGate() {
  const { ecs, client, create } = await setUp({
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 1,
    lifecycleHooks: [PAUSE_AFTER_TEST_TRAFFIC],
  });
  await create;
  const arn = await deployV2(ecs, client);
  const paused = await until(async () => {
    const d = await describe1(client, arn);
    return d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? d : undefined;
  });
  return { ecs, client, arn, paused };
}

const FINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

/** Watches a service deployment to its end: every stage seen, every production/test split seen, the end. */
async function watch(ecs: FakeEcs, client: ECSClient, arn: string, onEach?: (d: ServiceDeployment) => Promise<void>) {
  const stages: string[] = [];
  const production: number[] = [];
  const test: number[] = [];
  const end = await until(async () => {
    const found = await describe1(client, arn);
    const stage = found.lifecycleStage;
    if (stage && stages.at(-1) !== stage) stages.push(stage);
    const green = found.targetServiceRevision?.requestedProductionTrafficWeight;
    if (green !== undefined && production.at(-1) !== green) production.push(green);
    const greenTest = found.targetServiceRevision?.requestedTestTrafficWeight;
    if (greenTest !== undefined && test.at(-1) !== greenTest) test.push(greenTest);
    await onEach?.(found);
    return FINAL.includes(found.status ?? '') ? found : undefined;
  });
  const service = (await client.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] })))
    .services?.[0];
  void ecs;
  return { end, stages, production, test, taskDefinition: service?.taskDefinition ?? '' };
}

const inOrder = (seen: string[]) =>
  seen.every((stage, i) => i === 0 || STAGES.indexOf(stage as never) > STAGES.indexOf(seen[i - 1] as never));

describe('the deployment strategies of the local ECS', () => {
  it('refuses what the API Reference refuses', async () => {
    const cases: [DeploymentConfiguration, string | undefined, RegExp][] = [
      [{ strategy: 'BLUE_GREEN' }, undefined, /bakeTimeInMinutes is required/],
      [{ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 }, 'CODE_DEPLOY', /requires the ECS deployment controller/],
      [
        { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, canaryConfiguration: { canaryPercent: 10 } },
        undefined,
        /only valid with the CANARY/,
      ],
      [{ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 0.05 } }, undefined, /canaryPercent/],
      [{ strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } }, undefined, /stepPercent/],
      [{ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 }, undefined, /bakeTimeInMinutes/],
      [
        {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 5,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
        },
        undefined,
        /PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT/,
      ],
      [
        { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [{ lifecycleStages: ['POST_SCALE_UP'] }] },
        undefined,
        /hookTargetArn must be a Lambda function ARN/,
      ],
      [
        {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 5,
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: [] }],
        },
        undefined,
        /lifecycleStages must be provided/,
      ],
    ];
    for (const [config, controller, message] of cases) {
      const { create } = await setUp(config, controller ? { controller: controller as 'CODE_DEPLOY' } : {});
      expect(await refusal(create), JSON.stringify(config)).toMatchObject({
        name: 'InvalidParameterException',
        message: expect.stringMatching(message),
      });
    }
  });

  it('refuses a traffic-shifting strategy behind a load balancer without its advancedConfiguration', async () => {
    const local = await localEcs({ minuteMs: MINUTE });
    await local.client.send(new CreateClusterCommand({ clusterName: 'production' }));
    await local.client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    const { advancedConfiguration: _, ...plain } = LOAD_BALANCER;
    const answer = await refusal(
      local.client.send(
        new CreateServiceCommand({
          cluster: 'production',
          serviceName: 'web',
          taskDefinition: 'web:1',
          launchType: 'FARGATE',
          networkConfiguration: NETWORK,
          loadBalancers: [plain],
          deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
        }),
      ),
    );
    expect(answer).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/advancedConfiguration\.alternateTargetGroupArn/),
    });
  });

  it('runs BLUE_GREEN through its stages in order: test traffic first, production at once, blue kept for the bake time', async () => {
    const { ecs, client, create } = await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3 });
    await create;
    const arn = await deployV2(ecs, client);
    let blueDuringBake = 0;
    const seen = await watch(ecs, client, arn, async (d) => {
      if (d.lifecycleStage === 'BAKE_TIME') blueDuringBake = d.sourceServiceRevisions?.[0]?.runningTaskCount ?? 0;
    });
    expect(seen.end.status).toBe('SUCCESSFUL');
    expect(inOrder(seen.stages)).toBe(true);
    expect(seen.stages).toEqual(expect.arrayContaining(['SCALE_UP', 'BAKE_TIME']));
    expect(seen.test.at(-1)).toBe(100);
    expect(seen.production).toEqual([0, 100]);
    expect(blueDuringBake).toBe(2);
    expect(seen.taskDefinition).toMatch(/web:2$/);
    expect(ecs.trafficOf('production', 'web').production).toEqual([
      { taskDefinition: seen.taskDefinition, weight: 100 },
    ]);
  });

  it('pauses at a PAUSE hook with green on all test traffic and none of production, and goes on when told CONTINUE', async () => {
    const { ecs, client, arn, paused } = await atTheGate();
    expect(paused.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(paused.targetServiceRevision).toMatchObject({
      requestedTestTrafficWeight: 100,
      requestedProductionTrafficWeight: 0,
    });
    expect(ecs.trafficOf('production', 'web').production).toEqual([
      { taskDefinition: expect.stringMatching(/web:1$/), weight: 100 },
    ]);
    expect(ecs.trafficOf('production', 'web').test).toEqual([
      { taskDefinition: expect.stringMatching(/web:2$/), weight: 100 },
    ]);
    const hookId = paused.lifecycleHookDetails?.[0]?.hookId as string;
    await client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'CONTINUE' }));
    const seen = await watch(ecs, client, arn);
    expect(seen.end.status).toBe('SUCCESSFUL');
    expect(seen.taskDefinition).toMatch(/web:2$/);
    expect(
      await refusal(client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId }))),
    ).toMatchObject({
      name: 'ConflictException',
    });
  });

  it('rolls back when told ROLLBACK at the pause: production never reached green', async () => {
    const { ecs, client, arn, paused } = await atTheGate();
    const hookId = paused.lifecycleHookDetails?.[0]?.hookId as string;
    await client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action: 'ROLLBACK' }));
    const seen = await watch(ecs, client, arn);
    expect(seen.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(seen.end.rollback?.reason).toMatch(/asked to roll back/);
    expect(seen.production.filter((w) => w > 0)).toEqual([]);
    expect(seen.taskDefinition).toMatch(/web:1$/);
  });

  it("follows a PAUSE hook's timeout action when nobody answers (ROLLBACK by default)", async () => {
    const { ecs, client, create } = await setUp({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [
        { targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 2 } },
      ],
    });
    await create;
    const arn = await deployV2(ecs, client);
    const seen = await watch(ecs, client, arn);
    expect(seen.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(seen.end.rollback?.reason).toMatch(/timed out/);
    expect(seen.end.lifecycleHookDetails?.[0]?.status).toBe('TIMED_OUT');
  });

  it('moves CANARY traffic canaryPercent first, the rest after the canary bake', async () => {
    const { ecs, client, create } = await setUp({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
    });
    await create;
    const seen = await watch(ecs, client, await deployV2(ecs, client));
    expect(seen.end.status).toBe('SUCCESSFUL');
    expect(seen.production).toEqual([0, 10, 100]);
  });

  it('moves LINEAR traffic in stepPercent steps, with no bake after 100', async () => {
    const { ecs, client, create } = await setUp({
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 34, stepBakeTimeInMinutes: 1 },
    });
    await create;
    const seen = await watch(ecs, client, await deployV2(ecs, client));
    expect(seen.end.status).toBe('SUCCESSFUL');
    expect(seen.production).toEqual([0, 34, 68, 100]);
  });

  it('rolls back on an alarm during the bake time, naming it', async () => {
    const { ecs, client, create } = await setUp({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 30,
      alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
    });
    await create;
    const arn = await deployV2(ecs, client);
    const seen = await watch(ecs, client, arn, async (d) => {
      if (d.lifecycleStage === 'BAKE_TIME') ecs.alarms.add('web-5xx');
    });
    expect(seen.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(seen.end.alarms).toMatchObject({ status: 'TRIGGERED', triggeredAlarmNames: ['web-5xx'] });
    expect(seen.taskDefinition).toMatch(/web:1$/);
  });

  it('rolls back when a Lambda hook answers FAILED, and when green trips the circuit breaker', async () => {
    const hook = {
      targetType: 'AWS_LAMBDA' as const,
      hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check-green',
      roleArn: 'arn:aws:iam::123456789012:role/ecs-hooks',
      lifecycleStages: ['POST_SCALE_UP' as const],
    };
    const lambda = await setUp({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: [hook] });
    const calls: string[] = [];
    lambda.ecs.lambda = ({ stage, hookTargetArn }) => {
      calls.push(`${hookTargetArn} ${stage}`);
      return 'FAILED';
    };
    await lambda.create;
    const failed = await watch(lambda.ecs, lambda.client, await deployV2(lambda.ecs, lambda.client));
    expect(failed.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(calls).toEqual([`${hook.hookTargetArn} POST_SCALE_UP`]);

    const crash = await setUp({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    crash.ecs.behaviour = (d) =>
      d.revision === 2 ? { kind: 'crash', exitCode: 1, startMs: 20 } : { kind: 'healthy', startMs: 20 };
    await crash.create;
    const tripped = await watch(crash.ecs, crash.client, await deployV2(crash.ecs, crash.client));
    expect(tripped.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(tripped.end.rollback?.reason).toMatch(/circuit breaker/);
    expect(tripped.production.filter((w) => w > 0)).toEqual([]);
  });

  it('rolls back on StopServiceDeployment ROLLBACK in the middle of a blue/green deployment', async () => {
    const { ecs, client, create } = await setUp({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [PAUSE_AFTER_TEST_TRAFFIC],
    });
    await create;
    const arn = await deployV2(ecs, client);
    await until(async () =>
      (await describe1(client, arn)).lifecycleStage === 'POST_TEST_TRAFFIC_SHIFT' ? true : undefined,
    );
    await client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    const seen = await watch(ecs, client, arn);
    expect(seen.end.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(seen.taskDefinition).toMatch(/web:1$/);
  });
});
