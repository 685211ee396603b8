import {
  DeregisterTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  ListTagsForResourceCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { fargateDefinition, localEcs, refusal } from './client.js';

/**
 * TagResource and ListTaskDefinitions on the local ECS (API Reference, TagResource, Tag, ListTaskDefinitions),
 * and throttling as ECS answers it (API Reference, Common Errors: ThrottlingException, HTTP 400).
 */

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

describe('TagResource', () => {
  it('refuses a malformed ARN and an ARN of nothing, and tags what exists', async () => {
    const { client } = await localEcs();
    await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    const tags = [{ key: 'known-good', value: 'yes' }];
    expect(await refusal(client.send(new TagResourceCommand({ resourceArn: 'web:1', tags })))).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid ARN: web:1',
    });
    expect(await refusal(client.send(new TagResourceCommand({ resourceArn: `${ARN}/web:7`, tags })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(
      await refusal(
        client.send(new TagResourceCommand({ resourceArn: `${ARN}/web:1`, tags: [{ key: 'aws:owner', value: 'x' }] })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });
    await client.send(new TagResourceCommand({ resourceArn: `${ARN}/web:1`, tags }));
    const listed = await client.send(new ListTagsForResourceCommand({ resourceArn: `${ARN}/web:1` }));
    expect(listed.tags).toEqual(tags);
  });
});

describe('ListTaskDefinitions', () => {
  it('lists families lexicographically and revisions ascending by default, DESC reversed, page by page', async () => {
    const { client } = await localEcs();
    for (const family of ['worker', 'api', 'worker', 'api', 'api'])
      await client.send(new RegisterTaskDefinitionCommand(fargateDefinition(family)));
    await client.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'api:2' }));
    const asc = await client.send(new ListTaskDefinitionsCommand({}));
    expect(asc.taskDefinitionArns).toEqual(['api:1', 'api:3', 'worker:1', 'worker:2'].map((r) => `${ARN}/${r}`));
    const first = await client.send(new ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 3 }));
    expect(first.taskDefinitionArns).toEqual(['worker:2', 'worker:1', 'api:3'].map((r) => `${ARN}/${r}`));
    expect(first.nextToken).toBeDefined();
    const second = await client.send(
      new ListTaskDefinitionsCommand({ sort: 'DESC', maxResults: 3, nextToken: first.nextToken }),
    );
    expect(second).toMatchObject({ taskDefinitionArns: [`${ARN}/api:1`] });
    expect(second.nextToken).toBeUndefined();
    const inactive = await client.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE', familyPrefix: 'api' }));
    expect(inactive.taskDefinitionArns).toEqual([`${ARN}/api:2`]);
    expect((await refusal(client.send(new ListTaskDefinitionsCommand({ maxResults: 101 })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await refusal(client.send(new ListTaskDefinitionsCommand({ nextToken: 'not-a-token' })))).name).toBe(
      'InvalidParameterException',
    );
  });
});

describe('throttling', () => {
  it('answers ThrottlingException "Rate exceeded" with HTTP 400', async () => {
    const { client, ecs } = await localEcs();
    ecs.inject({ operation: 'ListTaskDefinitions', kind: 'throttle', times: 1 });
    expect(await refusal(client.send(new ListTaskDefinitionsCommand({})))).toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      status: 400,
    });
  });
});
