import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
  type DeploymentConfiguration,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoadBalancer, type LoadBalancer } from '../fakes/elbv2/load-balancer.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { processDriver } from '../fakes/ecs/process-driver.js';
import { NETWORK } from './client.js';

/**
 * The load balancer in front of a blue/green service of the local ECS, with tasks that are real local processes:
 * its production listener keeps sending every request to blue while green takes the test listener's traffic, and
 * it counts what each revision served on each listener (Developer Guide, "Amazon ECS blue/green deployments":
 * test traffic through the test listener rule, production through the production listener rule).
 */

const versions: Record<string, { VERSION: string; BUG?: string }> = {
  'hello:1': { VERSION: '1.0.0' },
  'hello:2': { VERSION: '2.0.0' },
  'hello:bad': { VERSION: '2.0.1', BUG: 'unhealthy' },
};
const MINUTE = 100;

let ecs: FakeEcs | undefined;
let lb: LoadBalancer | undefined;
afterEach(async () => {
  await lb?.close();
  await ecs?.close();
  ecs = lb = undefined;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const versionAt = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as { version: string }).version;

async function blueGreen(
  next: string,
  deploymentConfiguration: DeploymentConfiguration = {
    strategy: 'BLUE_GREEN',
    bakeTimeInMinutes: 1,
    lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
  },
) {
  ecs = await startFakeEcs({
    minuteMs: MINUTE,
    driver: processDriver({
      images: helloImages(versions),
      deregistrationDelayMs: 0,
    }),
  });
  const client = new ECSClient({
    endpoint: ecs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' },
  });
  await client.send(new CreateClusterCommand({ clusterName: 'production' }));
  helloDefinition(ecs, 'hello:1');
  const second = helloDefinition(ecs, next);
  await client.send(
    new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'hello',
      taskDefinition: 'hello:1',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      loadBalancers: [
        {
          targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-blue/0123456789abcdef',
          containerName: 'hello',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-green/fedcba9876543210',
            productionListenerRule:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/hello/0123456789abcdef/1111111111111111/2222222222222222',
            testListenerRule:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/hello/0123456789abcdef/3333333333333333/4444444444444444',
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
          },
        },
      ],
      deploymentConfiguration,
    }),
  );
  lb = await startLoadBalancer(ecs, 'hello', 'production');
  const balancer = lb;
  await until('blue serving', async () =>
    (await versionAt(balancer.url).catch(() => '')) === '1.0.0' ? true : undefined,
  );
  await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'hello', taskDefinition: second }));
  const arn = (await client.send(new ListServiceDeploymentsCommand({ cluster: 'production', service: 'hello' })))
    .serviceDeployments?.[0]?.serviceDeploymentArn as string;
  const describe1 = async () =>
    (await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments?.[0] as ServiceDeployment;
  return { client, arn, describe1, lb: balancer };
}

describe('the load balancer of a blue/green service', () => {
  it('sends production to blue and test to green at the gate, then production to green after CONTINUE', async () => {
    const { client, arn, describe1, lb } = await blueGreen('hello:2');
    const paused = await until('the gate', async () => {
      const d = await describe1();
      return d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? d : undefined;
    });
    const production = await Promise.all(Array.from({ length: 6 }, () => versionAt(lb.url)));
    const test = await Promise.all(Array.from({ length: 6 }, () => versionAt(lb.testUrl)));
    expect(new Set(production)).toEqual(new Set(['1.0.0']));
    expect(new Set(test)).toEqual(new Set(['2.0.0']));
    await client.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId as string,
        action: 'CONTINUE',
      }),
    );
    await until('green in production', async () => ((await versionAt(lb.url)) === '2.0.0' ? true : undefined));
    const done = await until('the end', async () => {
      const d = await describe1();
      return d.status === 'SUCCESSFUL' ? d : undefined;
    });
    expect(done.status).toBe('SUCCESSFUL');
    expect(await versionAt(lb.url)).toBe('2.0.0');
  }, 60_000);

  it('counts 0 production requests served by a revision rejected at the gate', async () => {
    const { client, arn, describe1, lb } = await blueGreen('hello:bad');
    const paused = await until('the gate', async () => {
      const d = await describe1();
      return d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? d : undefined;
    });
    const probe = await fetch(`${lb.testUrl}/health`);
    expect(probe.status).toBe(503);
    for (let i = 0; i < 5; i++) expect(await versionAt(lb.url)).toBe('1.0.0');
    await client.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId as string,
        action: 'ROLLBACK',
      }),
    );
    const end = await until('the rollback', async () => {
      const d = await describe1();
      return d.status === 'ROLLBACK_SUCCESSFUL' ? d : undefined;
    });
    expect(end.status).toBe('ROLLBACK_SUCCESSFUL');
    const served = lb.served();
    expect(served.production['hello:2'] ?? 0).toBe(0);
    expect(served.production['hello:1']).toBeGreaterThanOrEqual(5);
    expect(served.test['hello:2']).toBe(1);
    // The log says the same, in order and with times: the test probe came after the hook began AWAITING_ACTION.
    const log = lb.requests();
    expect(log.filter((r) => r.listener === 'production').map((r) => r.revision)).toEqual(
      Array.from({ length: served.production['hello:1'] ?? 0 }, () => 'hello:1'),
    );
    const probed = log.filter((r) => r.listener === 'test');
    expect(probed.map((r) => r.revision)).toEqual(['hello:2']);
    const hook = ecs!.serviceDeployments.find(arn)?.traffic?.ran[0];
    expect(hook?.startedAt).toBeLessThanOrEqual(probed[0]!.at);
    expect(lb.requests(probed[0]!.at + 1).filter((r) => r.listener === 'test')).toEqual([]);
  }, 60_000);

  it('splits production by the canary weight in force, whatever blue served before (10% of the requests of the step)', async () => {
    const { client, arn, describe1, lb } = await blueGreen('hello:2', {
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 50 },
      bakeTimeInMinutes: 0,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
    });
    const paused = await until('the gate', async () => {
      const d = await describe1();
      return d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION' ? d : undefined;
    });
    // Blue serves production for a while under weights 100/0.
    for (let i = 0; i < 60; i++) expect(await versionAt(lb.url)).toBe('1.0.0');
    await client.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: arn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId as string,
        action: 'CONTINUE',
      }),
    );
    await until('the canary step', async () =>
      (await describe1()).targetServiceRevision?.requestedProductionTrafficWeight === 10 ? true : undefined,
    );
    const since = Date.now();
    const versions = [];
    for (let i = 0; i < 40; i++) versions.push(await versionAt(lb.url));
    // Still the canary step (50 minutes of 100 ms): exactly a tenth went to green.
    expect((await describe1()).targetServiceRevision?.requestedProductionTrafficWeight).toBe(10);
    expect(versions.filter((v) => v === '2.0.0')).toHaveLength(4);
    expect(lb.requests(since).filter((r) => r.listener === 'production' && r.revision === 'hello:2')).toHaveLength(4);
  }, 60_000);
});
