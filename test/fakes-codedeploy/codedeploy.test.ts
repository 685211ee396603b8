import { createHash } from 'node:crypto';
import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCodeDeploy, type FakeCodeDeploy } from '../fakes/codedeploy/index.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';

/**
 * The local CodeDeploy through the real @aws-sdk/client-codedeploy: it refuses what CodeDeploy refuses with its
 * exception names, runs the ECS lifecycle events in the documented order on the local ECS's task sets, and keeps
 * production traffic on the original task set until AllowTraffic (a minute lasts 100 ms here; tasks are simulated).
 */

let ecs: FakeEcs;
let codedeploy: FakeCodeDeploy;
let client: CodeDeployClient;
afterEach(async () => {
  client?.destroy();
  await codedeploy?.close();
  await ecs?.close();
});

async function start(group: Partial<Parameters<FakeCodeDeploy['seedEcsGroup']>[0]> = {}) {
  ecs = await startFakeEcs();
  const register = (image: string) =>
    ecs.register({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
    }).taskDefinitionArn;
  const blue = register('web:1');
  const green = register('web:2');
  ecs.seedService({
    name: 'web',
    taskDefinition: blue,
    deploymentController: 'CODE_DEPLOY',
    loadBalancers: [{ targetGroupArn: 'tg', containerName: 'web', containerPort: 8080 }],
  });
  codedeploy = await startFakeCodeDeploy(ecs, { minuteMs: 100 });
  codedeploy.seedEcsGroup({ service: 'web', ...group });
  client = new CodeDeployClient({
    endpoint: codedeploy.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  return { blue, green };
}

const appSpec = (taskDefinition: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinition,
            LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 8080 },
          },
        },
      },
    ],
    ...extra,
  });

const create = (content: string, more: Record<string, unknown> = {}) =>
  client.send(
    new CreateDeploymentCommand({
      applicationName: 'AppECS-default-web',
      deploymentGroupName: 'DgpECS-default-web',
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
      ...more,
    }),
  );

const info = async (deploymentId: string) =>
  (await client.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo ?? {};

async function until(deploymentId: string, statuses: string[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await info(deploymentId);
    if (statuses.includes(found.status ?? '')) return found;
    if (Date.now() > deadline) throw new Error(`deployment still ${found.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('the local CodeDeploy refuses as CodeDeploy does', () => {
  it('an unknown application, an unknown group, an unknown configuration, a second active deployment', async () => {
    const { green } = await start();
    expect(
      await refusal(client.send(new GetDeploymentGroupCommand({ applicationName: 'nope', deploymentGroupName: 'x' }))),
    ).toBe('ApplicationDoesNotExistException: No application found for name: nope');
    expect(
      await refusal(
        client.send(new GetDeploymentGroupCommand({ applicationName: 'AppECS-default-web', deploymentGroupName: 'x' })),
      ),
    ).toBe('DeploymentGroupDoesNotExistException: No Deployment Group found for name: x');
    expect(await refusal(create(appSpec(green), { deploymentConfigName: 'CodeDeployDefault.OneAtATime' }))).toMatch(
      /^DeploymentConfigDoesNotExistException/,
    );
    const { deploymentId } = await create(appSpec(green));
    expect(await refusal(create(appSpec(green)))).toBe(
      `DeploymentLimitExceededException: The Deployment Group 'DgpECS-default-web' already has an active Deployment '${deploymentId}'`,
    );
  });

  it('an AppSpec whose SHA-256 does not match, that is not YAML, or that names a hook CodeDeploy does not have', async () => {
    const { green } = await start();
    const content = appSpec(green);
    expect(
      await refusal(
        client.send(
          new CreateDeploymentCommand({
            applicationName: 'AppECS-default-web',
            deploymentGroupName: 'DgpECS-default-web',
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: '0'.repeat(64) } },
          }),
        ),
      ),
    ).toMatch(/^InvalidRevisionException/);
    expect(await refusal(create('Resources: [\n - {'))).toMatch(/^InvalidRevisionException/);
    expect(await refusal(create(appSpec(green, { Hooks: [{ Install: 'fn' }] })))).toMatch(
      /^InvalidRevisionException: The AppSpec hook 'Install' is not a lifecycle event of an ECS deployment/,
    );
  });

  it('ContinueDeployment before Ready, and StopDeployment of a finished deployment', async () => {
    const { green } = await start();
    const { deploymentId = '' } = await create(appSpec(green));
    expect(await refusal(client.send(new ContinueDeploymentCommand({ deploymentId })))).toMatch(
      /^DeploymentIsNotInReadyStateException/,
    );
    await until(deploymentId, ['Succeeded']);
    expect(await refusal(client.send(new StopDeploymentCommand({ deploymentId })))).toMatch(
      /^DeploymentAlreadyCompletedException/,
    );
  });
});

describe('an ECS blue/green deployment on the local ECS', () => {
  it('runs the lifecycle events in order, and the replacement becomes the service primary only at AllowTraffic', async () => {
    const { blue, green } = await start({
      ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 600 },
      testListenerArn:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/0123456789abcdef/fedcba9876543210',
    });
    const { deploymentId = '' } = await create(appSpec(green));
    await until(deploymentId, ['Ready']);
    // In Ready: test traffic on the replacement, production still on the original.
    expect(ecs.trafficOf('default', 'web')).toEqual({
      shifting: true,
      production: [{ taskDefinition: blue, weight: 100 }],
      test: [{ taskDefinition: green, weight: 100 }],
    });
    expect(ecs.service('default', 'web').taskDefinition).toBe(blue);
    await client.send(new ContinueDeploymentCommand({ deploymentId, deploymentWaitType: 'READY_WAIT' }));
    await until(deploymentId, ['Succeeded']);
    expect(ecs.service('default', 'web').taskDefinition).toBe(green);
    expect(ecs.service('default', 'web').deployments).toHaveLength(1);
    const target = await client.send(new GetDeploymentTargetCommand({ deploymentId, targetId: 'default:web' }));
    const events = target.deploymentTarget?.ecsTarget?.lifecycleEvents ?? [];
    expect(events.map((e) => [e.lifecycleEventName, e.status])).toEqual(
      [
        'BeforeInstall',
        'Install',
        'AfterInstall',
        'AllowTestTraffic',
        'AfterAllowTestTraffic',
        'BeforeAllowTraffic',
        'AllowTraffic',
        'AfterAllowTraffic',
      ].map((name) => [name, 'Succeeded']),
    );
    const starts = events.map((e) => e.startTime?.getTime() ?? 0);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('stops at the end of the ready wait when nobody continues it, traffic back on the original', async () => {
    const { blue, green } = await start({ ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 5 } });
    const { deploymentId = '' } = await create(appSpec(green));
    const ended = await until(deploymentId, ['Stopped', 'Succeeded', 'Failed']);
    expect(ended.status).toBe('Stopped');
    expect(ended.errorInformation?.code).toBe('TIMEOUT');
    expect(ecs.service('default', 'web').taskDefinition).toBe(blue);
    expect(ecs.trafficOf('default', 'web').shifting).toBe(false);
  });

  it('waits for a hook that answers later through PutLifecycleEventHookExecutionStatus, and refuses a second answer', async () => {
    const { green } = await start();
    let execution: { deploymentId: string; lifecycleEventHookExecutionId: string } | undefined;
    codedeploy.lambda = (call) => {
      execution = call;
      return undefined;
    };
    const { deploymentId = '' } = await create(appSpec(green, { Hooks: [{ BeforeAllowTraffic: 'check' }] }));
    for (let i = 0; i < 100 && !execution; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await info(deploymentId)).status).toBe('InProgress');
    const answer = { ...(execution as NonNullable<typeof execution>), status: 'Succeeded' as const };
    await client.send(new PutLifecycleEventHookExecutionStatusCommand(answer));
    expect(await refusal(client.send(new PutLifecycleEventHookExecutionStatusCommand(answer)))).toMatch(
      /^LifecycleEventAlreadyCompletedException/,
    );
    expect((await until(deploymentId, ['Succeeded', 'Failed'])).status).toBe('Succeeded');
  });

  it('shifts production in the canary steps of its configuration', async () => {
    const { blue, green } = await start({ deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes' });
    const { deploymentId = '' } = await create(appSpec(green));
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { status } = await info(deploymentId);
      seen.add(JSON.stringify(ecs.trafficOf('default', 'web').production));
      if (status === 'Succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toContain(
      JSON.stringify([
        { taskDefinition: blue, weight: 90 },
        { taskDefinition: green, weight: 10 },
      ]),
    );
    expect((await info(deploymentId)).status).toBe('Succeeded');
  });

  it('StopDeployment with autoRollbackEnabled puts everything back and deletes the replacement task set', async () => {
    const { blue, green } = await start({ ready: { actionOnTimeout: 'STOP_DEPLOYMENT', waitMinutes: 600 } });
    const { deploymentId = '' } = await create(appSpec(green));
    await until(deploymentId, ['Ready']);
    const stopped = await client.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    expect(stopped.status).toBe('Succeeded');
    const ended = await info(deploymentId);
    expect(ended.status).toBe('Stopped');
    expect(ended.errorInformation?.code).toBe('MANUAL_STOP');
    expect(ended.rollbackInfo?.rollbackMessage).toContain(blue);
    expect(ecs.service('default', 'web').deployments.map((d) => d.taskDefinition)).toEqual([blue]);
  });
});
