import { UpdateServiceCommand, type DeploymentConfiguration } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  continueServiceDeployment,
  findServiceDeployment,
  stageTimeline,
  stopServiceDeployment,
  watchServiceDeployment,
  type DeploymentView,
} from '../../src/lib/ecs-service-deployment.js';
import { createWeb, localEcs } from '../fakes-ecs/client.js';

/** Service deployments found and watched through the real SDK against the local ECS (a minute lasts 100 ms). */

const LOAD_BALANCER = {
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef',
  containerName: 'web',
  containerPort: 8080,
  advancedConfiguration: {
    alternateTargetGroupArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/fedcba9876543210',
    productionListenerRule:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/1111111111111111/2222222222222222',
    roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
  },
};

async function updated(deploymentConfiguration: DeploymentConfiguration) {
  const { ecs, client } = await localEcs({ minuteMs: 100 });
  await createWeb(client, deploymentConfiguration, { revisions: 2, loadBalancers: [LOAD_BALANCER] });
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const since = new Date();
  const taskDefinitionArn = ecs.definitions.get('web')?.[1]?.taskDefinitionArn as string;
  await client.send(
    new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: taskDefinitionArn }),
  );
  const arn = await findServiceDeployment(client, { cluster: 'production', service: 'web', taskDefinitionArn, since });
  return { ecs, client, arn: arn as string };
}

describe('service deployments, found and watched', () => {
  it('finds the rolling deployment an update started and watches it to SUCCESSFUL', async () => {
    const { client, arn } = await updated({});
    expect(arn).toMatch(/:service-deployment\/production\/web\//);
    const end = await watchServiceDeployment(client, arn, { intervalMs: 50, timeoutMs: 15_000 });
    expect(end).toMatchObject({ kind: 'finished', view: { status: 'SUCCESSFUL', finished: true } });
  });

  it('stops at the gate of a blue/green deployment, reports each stage once in order, and goes on after CONTINUE', async () => {
    const { client, arn } = await updated({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const stages: string[] = [];
    const onChange = (view: DeploymentView, previous: DeploymentView | undefined) => {
      if (view.stage && view.stage !== previous?.stage) stages.push(view.stage);
    };
    const paused = await watchServiceDeployment(client, arn, {
      intervalMs: 20,
      timeoutMs: 15_000,
      pauseAt: 'POST_TEST_TRAFFIC_SHIFT',
      onChange,
    });
    expect(paused.kind).toBe('paused');
    if (paused.kind !== 'paused') return;
    expect(paused.view).toMatchObject({ production: 0, test: 100 });
    await continueServiceDeployment(client, arn, paused.hookId, 'CONTINUE');
    const end = await watchServiceDeployment(client, arn, { intervalMs: 20, timeoutMs: 15_000, onChange });
    expect(end).toMatchObject({ kind: 'finished', view: { status: 'SUCCESSFUL', production: 100 } });
    expect(new Set(stages).size).toBe(stages.length);
    expect(stages).toEqual(expect.arrayContaining(['POST_TEST_TRAFFIC_SHIFT', 'BAKE_TIME']));
    const timeline = stageTimeline(
      stages.map((stage, i) => ({ stage, at: 1_000 + i * 10 })),
      1_000 + stages.length * 10,
    );
    expect(timeline.every((row) => row.lastedMs === 10)).toBe(true);
  });

  it('rolls back a deployment it stops, and reports the reason', async () => {
    const { client, arn } = await updated({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
    });
    const paused = await watchServiceDeployment(client, arn, {
      intervalMs: 20,
      timeoutMs: 15_000,
      pauseAt: 'POST_SCALE_UP',
    });
    expect(paused.kind).toBe('paused');
    await stopServiceDeployment(client, arn);
    const end = await watchServiceDeployment(client, arn, { intervalMs: 20, timeoutMs: 15_000 });
    expect(end).toMatchObject({
      kind: 'finished',
      view: { status: 'ROLLBACK_SUCCESSFUL', rollbackReason: expect.stringMatching(/StopServiceDeployment/) },
    });
  });

  it('says when it ran out of time, with what it saw last', async () => {
    const { client, arn } = await updated({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 1,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'] }],
    });
    const end = await watchServiceDeployment(client, arn, { intervalMs: 20, timeoutMs: 600 });
    expect(end.kind).toBe('timeout');
    expect(end.view?.hooks[0]?.status).toBe('AWAITING_ACTION');
  });
});
