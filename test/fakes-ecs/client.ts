import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type DeploymentConfiguration,
  type LoadBalancer,
} from '@aws-sdk/client-ecs';
import { afterEach } from 'vitest';
import { startFakeEcs, type FakeEcs, type FakeEcsOptions } from '../fakes/ecs/index.js';

/**
 * The local ECS endpoint and a real SDK client pointed at it, for the tests that show the endpoint refuses
 * what ECS refuses. `refusal` reads back what the SDK threw: the exception name and message ECS sent.
 */

let running: FakeEcs[] = [];
afterEach(async () => {
  await Promise.all(running.map((ecs) => ecs.close()));
  running = [];
});

export async function localEcs(options: FakeEcsOptions = {}): Promise<{ ecs: FakeEcs; client: ECSClient }> {
  const ecs = await startFakeEcs(options);
  running.push(ecs);
  const client = new ECSClient({
    endpoint: ecs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
  return { ecs, client };
}

export async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('ECS accepted the request');
}

/** A task definition ECS accepts for Fargate: the base each test breaks one rule of. */
export function fargateDefinition(family = 'web') {
  return {
    family,
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      {
        name: 'web',
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0',
        essential: true,
        portMappings: [{ containerPort: 8080 }],
      },
    ],
  };
}

/**
 * The smallest definition ECS accepts that is not Fargate-compatible: only a family and fargateDefinition's
 * container with its own `memory` (MiB), so the network mode is ECS's default, bridge, and it runs on EC2 only.
 */
export function bridgeDefinition(family: string, memory: number) {
  return { family, containerDefinitions: [{ ...fargateDefinition(family).containerDefinitions[0], memory }] };
}

export const NETWORK = {
  awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] },
};

/** Asks `probe` until it gives a value (not undefined); fails when the time runs out. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 15): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Through the API: cluster production, `revisions` revisions of web registered, and service web on web:1 with
 * this deployment configuration (and load balancers).
 */
export async function createWeb(
  client: ECSClient,
  deploymentConfiguration: DeploymentConfiguration,
  options: {
    revisions?: number;
    desiredCount?: number;
    loadBalancers?: LoadBalancer[];
    controller?: 'ECS' | 'CODE_DEPLOY';
  } = {},
): Promise<void> {
  await client.send(new CreateClusterCommand({ clusterName: 'production' }));
  for (let i = 0; i < (options.revisions ?? 1); i++)
    await client.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
  await client.send(
    new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: options.desiredCount ?? 1,
      launchType: 'FARGATE',
      networkConfiguration: NETWORK,
      deploymentConfiguration,
      ...(options.loadBalancers ? { loadBalancers: options.loadBalancers } : {}),
      ...(options.controller ? { deploymentController: { type: options.controller } } : {}),
    }),
  );
}
