import {
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ECSClient,
  type ServiceDeployment,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { createWeb, localEcs, refusal, until } from './client.js';

/**
 * Service deployments of the local ECS, as the Developer Guide ("View service history using Amazon ECS service
 * deployments", "Stopping Amazon ECS service deployments") and the API Reference (ListServiceDeployments,
 * DescribeServiceDeployments, StopServiceDeployment, ServiceDeployment) describe them for rolling updates.
 */

const CRASH = { kind: 'crash', exitCode: 1, startMs: 30 } as const;

async function list(client: ECSClient, status?: ServiceDeploymentStatus[]) {
  const answer = await client.send(
    new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web', ...(status ? { status } : {}) }),
  );
  return answer.serviceDeployments ?? [];
}

async function describeOne(client: ECSClient, arn: string): Promise<ServiceDeployment> {
  const answer = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return answer.serviceDeployments?.[0] as ServiceDeployment;
}

const ended = (client: ECSClient, arn: string) =>
  until(async () => {
    const found = await describeOne(client, arn);
    return ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(found.status ?? '')
      ? found
      : undefined;
  });

describe('service deployments of the local ECS', () => {
  it('creates one with the service, IN_PROGRESS then SUCCESSFUL, with ARNs in the documented forms', async () => {
    const { client } = await localEcs();
    await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: true } }, { revisions: 2 });
    const [brief] = await list(client);
    expect(brief?.serviceDeploymentArn).toMatch(
      /^arn:aws:ecs:us-east-1:123456789012:service-deployment\/production\/web\/[\w-]+$/,
    );
    expect(brief?.targetServiceRevisionArn).toMatch(
      /^arn:aws:ecs:us-east-1:123456789012:service-revision\/production\/web\/\d+$/,
    );
    const done = await ended(client, brief?.serviceDeploymentArn as string);
    expect(done.status).toBe('SUCCESSFUL');
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.sourceServiceRevisions).toEqual([]);
    expect(done.targetServiceRevision).toMatchObject({ requestedTaskCount: 1, runningTaskCount: 1 });
    expect(done.deploymentCircuitBreaker).toMatchObject({ status: 'MONITORING_COMPLETE', threshold: 3 });
  });

  it('makes a new one for an update of the task definition, with the old revision as its source, and none for a scale', async () => {
    const { client } = await localEcs();
    await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: true } }, { revisions: 2 });
    await ended(client, (await list(client))[0]?.serviceDeploymentArn as string);
    await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', desiredCount: 2 }));
    expect(await list(client)).toHaveLength(1);
    await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:2' }));
    const briefs = await list(client);
    expect(briefs).toHaveLength(2);
    const [newest, first] = briefs;
    expect((newest?.createdAt as Date) >= (first?.createdAt as Date)).toBe(true);
    const update = await ended(client, newest?.serviceDeploymentArn as string);
    expect(update.status).toBe('SUCCESSFUL');
    expect(update.sourceServiceRevisions?.map((s) => s.arn)).toEqual([first?.targetServiceRevisionArn]);
    expect(await list(client, ['IN_PROGRESS'])).toEqual([]);
  });

  it('records the circuit breaker rollback: ROLLBACK_SUCCESSFUL, with the reason and the revision it went back to', async () => {
    const { ecs, client } = await localEcs();
    ecs.behaviour = (definition) => (definition.revision === 2 ? CRASH : { kind: 'healthy', startMs: 30 });
    await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: true } }, { revisions: 2 });
    const first = (await list(client))[0];
    await ended(client, first?.serviceDeploymentArn as string);
    await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:2' }));
    const update = await ended(client, (await list(client))[0]?.serviceDeploymentArn as string);
    expect(update.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(update.rollback).toMatchObject({ serviceRevisionArn: first?.targetServiceRevisionArn });
    expect(update.rollback?.reason).toMatch(/circuit breaker/);
    expect(update.deploymentCircuitBreaker?.status).toBe('TRIGGERED');
    const service = await client.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] }));
    expect(service.services?.[0]?.taskDefinition).toMatch(/web:1$/);
  });

  it('ends STOPPED with stoppedAt when the breaker detects the failure but does not roll back', async () => {
    const { ecs, client } = await localEcs();
    ecs.behaviour = (definition) => (definition.revision === 2 ? CRASH : { kind: 'healthy', startMs: 30 });
    await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: false } }, { revisions: 2 });
    await ended(client, (await list(client))[0]?.serviceDeploymentArn as string);
    await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:2' }));
    const update = await ended(client, (await list(client))[0]?.serviceDeploymentArn as string);
    expect(update.status).toBe('STOPPED');
    expect(update.stoppedAt).toBeInstanceOf(Date);
    expect(update.rollback).toBeUndefined();
  });

  it('rolls an unfinished deployment back on StopServiceDeployment ROLLBACK, even with rollback off, and refuses to stop a finished one', async () => {
    const { ecs, client } = await localEcs();
    ecs.behaviour = (definition) =>
      definition.revision === 2 ? { kind: 'pending' } : { kind: 'healthy', startMs: 30 };
    await createWeb(client, { deploymentCircuitBreaker: { enable: false, rollback: false } }, { revisions: 2 });
    const first = (await list(client))[0]?.serviceDeploymentArn as string;
    await ended(client, first);
    await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', taskDefinition: 'web:2' }));
    const arn = (await list(client))[0]?.serviceDeploymentArn as string;
    await client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    const stopped = await ended(client, arn);
    expect(stopped.status).toBe('ROLLBACK_SUCCESSFUL');
    const service = await client.send(new DescribeServicesCommand({ cluster: 'production', services: ['web'] }));
    expect(service.services?.[0]?.taskDefinition).toMatch(/web:1$/);
    expect(await refusal(client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: first })))).toMatchObject(
      {
        name: 'ConflictException',
      },
    );
  });

  it('answers what it does not know as the API does', async () => {
    const { client } = await localEcs();
    await createWeb(client, { deploymentCircuitBreaker: { enable: true, rollback: true } }, { revisions: 2 });
    const unknown = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/production/web/NOTHERE1-abcdefghijkl';
    const described = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [unknown] }));
    expect(described.failures).toEqual([{ arn: unknown, reason: 'MISSING' }]);
    expect(
      await refusal(client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: unknown }))),
    ).toMatchObject({
      name: 'ServiceDeploymentNotFoundException',
    });
    expect(
      await refusal(client.send(new ListServiceDeploymentsCommand({ cluster: 'production', service: 'api' }))),
    ).toMatchObject({ name: 'ServiceNotFoundException' });
    expect(
      await refusal(
        client.send(new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web', maxResults: 101 })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
  });

  it("pages with nextToken and forgets a deleted service's deployments", async () => {
    const { client } = await localEcs();
    await createWeb(client, { deploymentCircuitBreaker: { enable: false, rollback: false } }, { revisions: 2 });
    for (let i = 0; i < 3; i++)
      await client.send(new UpdateServiceCommand({ cluster: 'production', service: 'web', forceNewDeployment: true }));
    const page = await client.send(
      new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web', maxResults: 3 }),
    );
    expect(page.serviceDeployments).toHaveLength(3);
    const rest = await client.send(
      new ListServiceDeploymentsCommand({ cluster: 'production', service: 'web', nextToken: page.nextToken }),
    );
    expect(rest.serviceDeployments).toHaveLength(1);
    expect(rest.nextToken).toBeUndefined();
    // A new deployment stops the unfinished one it replaces.
    expect(rest.serviceDeployments?.[0]?.status).toBe('STOPPED');
    const arn = page.serviceDeployments?.[0]?.serviceDeploymentArn as string;
    await client.send(new DeleteServiceCommand({ cluster: 'production', service: 'web', force: true }));
    const after = await client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    expect(after.failures?.[0]?.reason).toBe('MISSING');
  });
});

describe('service revisions of the local ECS', () => {
  it("describes a deployment's target revision with its task definition and images, and a missing one as a failure", async () => {
    const { client } = await localEcs();
    await createWeb(client, { deploymentCircuitBreaker: { enable: false, rollback: false } }, { revisions: 2 });
    const [brief] = await list(client);
    const arn = brief?.targetServiceRevisionArn as string;
    const missing = arn.replace(/\d+$/, '1');
    const answer = await client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [arn, missing] }));
    expect(answer.serviceRevisions?.[0]).toMatchObject({
      serviceRevisionArn: arn,
      taskDefinition: expect.stringMatching(/task-definition\/web:1$/),
      containerImages: [{ containerName: 'web', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0' }],
    });
    expect(answer.failures).toEqual([{ arn: missing, reason: 'MISSING' }]);
  });
});
