import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { bridgeDefinition, fargateDefinition, localEcs, refusal } from './client.js';

/**
 * RegisterTaskDefinition on the local ECS refuses what ECS refuses (API Reference, RegisterTaskDefinition;
 * Developer Guide, task definition parameters for Fargate) and describes a revision with what ECS fills in.
 */

type Definition = ReturnType<typeof fargateDefinition>;

async function register(change: (d: Definition) => unknown) {
  const { client } = await localEcs();
  const definition = fargateDefinition();
  const input = (change(definition) ?? definition) as RegisterTaskDefinitionCommandInput;
  return refusal(client.send(new RegisterTaskDefinitionCommand(input)));
}

describe('RegisterTaskDefinition for FARGATE', () => {
  it('refuses a network mode other than awsvpc', async () => {
    expect(await register((d) => ({ ...d, networkMode: 'bridge' }))).toMatchObject({
      name: 'ClientException',
      message: "Fargate only supports network mode 'awsvpc'.",
      status: 400,
    });
  });

  it('refuses a definition without task-level cpu or memory', async () => {
    expect(await register((d) => ({ ...d, cpu: undefined }))).toMatchObject({
      name: 'ClientException',
      message: "Fargate requires that 'cpu' be defined at the task level.",
    });
    expect((await register((d) => ({ ...d, memory: undefined }))).message).toContain("'memory'");
  });

  it('refuses a cpu and memory pair that is not in the Fargate table, and accepts one that is', async () => {
    expect(await register((d) => ({ ...d, cpu: '256', memory: '4096' }))).toMatchObject({
      name: 'ClientException',
      message: 'No Fargate configuration exists for given values: 256 CPU, 4096 memory.',
    });
    expect((await register((d) => ({ ...d, cpu: '8192', memory: '18432' }))).message).toContain('8192 CPU');
    expect((await register((d) => ({ ...d, cpu: 'lots' }))).message).toBe("Invalid 'cpu' setting for task.");
    const { client } = await localEcs();
    const answer = await client.send(
      new RegisterTaskDefinitionCommand({ ...fargateDefinition(), cpu: '1 vCPU', memory: '3 GB' }),
    );
    // Given with units, registered as integers.
    expect(answer.taskDefinition).toMatchObject({ cpu: '1024', memory: '3072' });
  });

  it('refuses awslogs without an execution role', async () => {
    const awslogs = { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/ecs/web' } };
    expect(
      await register((d) => ({
        ...d,
        executionRoleArn: undefined,
        containerDefinitions: [{ ...d.containerDefinitions[0], logConfiguration: awslogs }],
      })),
    ).toMatchObject({
      name: 'ClientException',
      message: 'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
    });
  });
});

describe('RegisterTaskDefinition for any launch type', () => {
  it('refuses secrets and private registry credentials without an execution role', async () => {
    const secrets = [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }];
    const withSecrets = await register((d) => ({
      ...d,
      executionRoleArn: undefined,
      containerDefinitions: [{ ...d.containerDefinitions[0], secrets }],
    }));
    expect(withSecrets).toMatchObject({
      name: 'ClientException',
      message: "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
    });
    const credentials = { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hub' };
    const withCredentials = await register((d) => ({
      ...d,
      executionRoleArn: undefined,
      containerDefinitions: [{ ...d.containerDefinitions[0], repositoryCredentials: credentials }],
    }));
    expect(withCredentials.message).toContain('repositoryCredentials');
  });

  it('refuses a definition without an essential container, a bad name, or two containers of one name', async () => {
    expect(
      await register((d) => ({ ...d, containerDefinitions: [{ ...d.containerDefinitions[0], essential: false }] })),
    ).toMatchObject({
      name: 'ClientException',
      message: 'Task definition must have at least one essential container.',
    });
    expect((await register((d) => ({ ...d, family: 'web app' }))).message).toContain(
      'Family contains invalid characters',
    );
    expect(
      (await register((d) => ({ ...d, containerDefinitions: [{ ...d.containerDefinitions[0], name: 'web/1' }] })))
        .message,
    ).toContain('Container.name contains invalid characters');
    expect(
      (
        await register((d) => ({
          ...d,
          containerDefinitions: [d.containerDefinitions[0], d.containerDefinitions[0]],
        }))
      ).message,
    ).toContain("Duplicate container name 'web'");
    expect((await register((d) => ({ ...d, containerDefinitions: [] }))).message).toBe(
      'Container list cannot be empty.',
    );
  });

  it('applies the container memory rules', async () => {
    const ec2 = (container: object) => (d: Definition) => ({
      family: d.family,
      containerDefinitions: [{ ...d.containerDefinitions[0], ...container }],
    });
    expect((await register(ec2({}))).message).toBe(
      "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified.",
    );
    expect((await register(ec2({ memory: 4 }))).message).toContain('The minimum is 6 MiB');
    expect((await register(ec2({ memory: 256, memoryReservation: 512 }))).message).toContain(
      "'memoryReservation' must be less than or equal to 'memory'",
    );
    expect(
      (await register((d) => ({ ...d, containerDefinitions: [{ ...d.containerDefinitions[0], memory: 1024 }] })))
        .message,
    ).toContain('cannot be greater than the task memory (512)');
  });

  it('refuses a host port that differs from the container port with awsvpc', async () => {
    expect(
      await register((d) => ({
        ...d,
        containerDefinitions: [{ ...d.containerDefinitions[0], portMappings: [{ containerPort: 8080, hostPort: 80 }] }],
      })),
    ).toMatchObject({
      name: 'ClientException',
      message: 'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
    });
  });
});

describe('DescribeTaskDefinition', () => {
  it('returns the fields ECS fills in, and compatibilities computed from the definition', async () => {
    const { client } = await localEcs();
    await client.send(new RegisterTaskDefinitionCommand(bridgeDefinition('worker', 512)));
    await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    const bridge = (await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'worker' }))).taskDefinition;
    expect(bridge).toMatchObject({ networkMode: 'bridge', compatibilities: ['EC2'], status: 'ACTIVE', revision: 1 });
    expect(bridge?.containerDefinitions?.[0]).toMatchObject({
      cpu: 0,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    });
    const fargate = (await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1' }))).taskDefinition;
    expect(fargate?.compatibilities).toEqual(['EC2', 'FARGATE']);
    // With awsvpc ECS fills in the host port: the container port.
    expect(fargate?.containerDefinitions?.[0]?.portMappings).toEqual([
      { containerPort: 8080, hostPort: 8080, protocol: 'tcp' },
    ]);
    expect(fargate).toMatchObject({ volumes: [], placementConstraints: [] });
  });
});
