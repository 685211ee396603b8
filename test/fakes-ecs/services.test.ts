import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { bridgeDefinition, fargateDefinition, localEcs, NETWORK, refusal } from './client.js';

/**
 * Clusters, services and one-off tasks on the local ECS: no cluster until created, INACTIVE revisions cannot
 * be launched, a deleted service is INACTIVE for a while and then not found, a CODE_DEPLOY service takes no
 * task definition through UpdateService (API Reference: CreateCluster, DeregisterTaskDefinition,
 * DeleteService, UpdateService).
 */

async function withTwoRevisions(options: Parameters<typeof localEcs>[0] = {}) {
  const local = await localEcs(options);
  const { client } = local;
  await client.send(new CreateClusterCommand({ clusterName: 'production' }));
  await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
  await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
  return local;
}

const create = (taskDefinition: string, serviceName = 'web') =>
  new CreateServiceCommand({
    cluster: 'production',
    serviceName,
    taskDefinition,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: NETWORK,
  });

describe('clusters', () => {
  it('has no cluster, not even default, until one is created', async () => {
    const { client } = await localEcs();
    await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    const service = { serviceName: 'web', taskDefinition: 'web:1', launchType: 'FARGATE' as const };
    expect(
      await refusal(client.send(new CreateServiceCommand({ ...service, networkConfiguration: NETWORK }))),
    ).toMatchObject({ name: 'ClusterNotFoundException', message: 'Cluster not found.' });
    // CreateCluster without a name creates `default`.
    const created = await client.send(new CreateClusterCommand({}));
    expect(created.cluster?.clusterName).toBe('default');
    const answer = await client.send(new CreateServiceCommand({ ...service, networkConfiguration: NETWORK }));
    expect(answer.service?.clusterArn).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/default');
  });
});

describe('INACTIVE revisions', () => {
  it('cannot be used by CreateService, UpdateService or RunTask', async () => {
    const { client } = await withTwoRevisions();
    await client.send(create('web:2'));
    await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' }));
    const inactive = { name: 'InvalidParameterException', message: 'TaskDefinition is inactive' };
    expect(await refusal(client.send(create('web:1', 'other')))).toMatchObject(inactive);
    expect(
      await refusal(
        client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:1' })),
      ),
    ).toMatchObject(inactive);
    expect(
      await refusal(
        client.send(
          new RunTaskCommand({
            cluster: 'production',
            taskDefinition: 'web:1',
            launchType: 'FARGATE',
            networkConfiguration: NETWORK,
          }),
        ),
      ),
    ).toMatchObject(inactive);
  });

  it('refuses a definition that is not Fargate-compatible with launchType FARGATE, and awsvpc without subnets', async () => {
    const { client } = await withTwoRevisions();
    await client.send(new RegisterTaskDefinitionCommand(bridgeDefinition('bridge', 256)));
    expect(await refusal(client.send(create('bridge:1')))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Task definition does not support launch_type FARGATE.',
    });
    const noSubnets = new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'web',
      taskDefinition: 'web:1',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [] } },
    });
    expect((await refusal(client.send(noSubnets))).name).toBe('InvalidParameterException');
  });
});

describe('DeleteService', () => {
  it('leaves the service INACTIVE for a while, then ECS answers ServiceNotFoundException', async () => {
    const { client, ecs } = await withTwoRevisions({ purgeAfterMs: 1500 });
    await client.send(create('web:2'));
    expect(
      await refusal(client.send(new DeleteServiceCommand({ cluster: 'production', service: 'web' }))),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: 'The service cannot be stopped while it is scaled above 0.',
    });
    await client.send(new DeleteServiceCommand({ cluster: 'production', service: 'web', force: true }));
    const update = () =>
      refusal(client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', desiredCount: 1 })));
    expect((await update()).name).toBe('ServiceNotActiveException');
    await until(() => ecs.service('production', 'web')?.status === 'INACTIVE');
    const described = await client.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] }));
    expect(described.services?.[0]?.status).toBe('INACTIVE');
    await until(() => ecs.service('production', 'web') === undefined);
    expect(await update()).toMatchObject({ name: 'ServiceNotFoundException', message: 'Service not found.' });
    const purged = await client.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] }));
    expect(purged.failures?.[0]?.reason).toBe('MISSING');
  });
});

describe('a CODE_DEPLOY service', () => {
  it('takes no new task definition through UpdateService', async () => {
    const { client, ecs } = await withTwoRevisions();
    ecs.seedService({
      cluster: 'production',
      name: 'bluegreen',
      taskDefinition: 'web:1',
      deploymentController: 'CODE_DEPLOY',
    });
    const described = await client.send(
      new DescribeServicesCommand({ cluster: 'production', services: ['bluegreen'] }),
    );
    expect(described.services?.[0]?.deploymentController?.type).toBe('CODE_DEPLOY');
    expect(
      await refusal(
        client.send(new UpdateServiceCommand({ cluster: 'production', service: 'bluegreen', taskDefinition: 'web:2' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
