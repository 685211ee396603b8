import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ECSClient,
  paginateListTaskDefinitions,
  UpdateServiceCommand,
  type DeploymentConfiguration,
} from '@aws-sdk/client-ecs';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { startFakeElbv2, type FakeElbv2, type ListenerProtocol } from '../fakes/elbv2/index.js';

/**
 * A service "web" that runs revision 1 of family "web" steadily, and a workspace with a task definition file.
 * Given listeners, "web" is behind a load balancer "web" with them; the ELBv2 endpoint is there either way.
 */

export const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
export const V1 = `${REGISTRY}/web:1.0.0`;
export const V2 = `${REGISTRY}/web:2.0.0`;

export function webTaskDefinition(image = V1) {
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      {
        name: 'web',
        image,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'LOG_LEVEL', value: 'info' }],
      },
      { name: 'worker', image: `${REGISTRY}/worker:1.0.0`, essential: false },
    ],
  };
}

export interface Fixture {
  ecs: FakeEcs;
  elb: FakeElbv2;
  env: Record<string, string>;
  workspace: string;
  /** Writes a task definition file into the workspace and returns its relative path. */
  file(name: string, content: unknown): string;
  close(): Promise<void>;
}

export async function startFixture(
  options: {
    circuitBreaker?: { enable: boolean; rollback: boolean };
    desiredCount?: number;
    rolloutState?: boolean;
    listeners?: { protocol: ListenerProtocol; port: number }[];
    /** How long a minute of a deployment strategy's clock lasts (bake times, hook timeouts). */
    minuteMs?: number;
  } = {},
): Promise<Fixture> {
  const ecs = await startFakeEcs({
    rolloutState: options.rolloutState,
    ...(options.minuteMs ? { minuteMs: options.minuteMs } : {}),
  });
  const elb = await startFakeElbv2();
  const first = ecs.register(webTaskDefinition());
  const balanced = options.listeners && elb.seedLoadBalancer({ name: 'web', listeners: options.listeners });
  ecs.seedService({
    name: 'web',
    taskDefinition: first.taskDefinitionArn,
    desiredCount: options.desiredCount ?? 2,
    circuitBreaker: options.circuitBreaker,
    ...(balanced
      ? {
          loadBalancers: [
            { targetGroupArn: balanced.targetGroup.TargetGroupArn, containerName: 'web', containerPort: 8080 },
          ],
        }
      : {}),
  });
  const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
  return {
    ecs,
    elb,
    workspace,
    env: {
      ...awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url }),
      GITHUB_WORKSPACE: workspace,
    },
    file(name, content) {
      writeFileSync(join(workspace, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return name;
    },
    close: async () => {
      await Promise.all([ecs.close(), elb.close()]);
    },
  };
}

/** The crash every test of a failing rollout uses: the essential container is killed for memory. */
export const OOM = {
  kind: 'crash',
  exitCode: 137,
  reason: 'OutOfMemoryError: Container killed due to memory usage',
  startMs: 100,
} as const;

/** Tasks that stop 50 ms after launch without their container ever starting, for `stoppedReason`. */
export const failsToStart = (stoppedReason: string) => ({ kind: 'crash', stoppedReason, startMs: 50 }) as const;

/** The revision numbers of a family's ACTIVE revisions in the order ListTaskDefinitions lists them (`sort`). */
export async function listedRevisions(fixture: Fixture, family: string, sort: 'ASC' | 'DESC'): Promise<number[]> {
  const client = new ECSClient({
    endpoint: fixture.env.AWS_ENDPOINT_URL_ECS,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
  });
  const revisions: number[] = [];
  for await (const page of paginateListTaskDefinitions({ client }, { familyPrefix: family, status: 'ACTIVE', sort }))
    revisions.push(...(page.taskDefinitionArns ?? []).map((arn) => Number(arn.slice(arn.lastIndexOf(':') + 1))));
  client.destroy();
  return revisions;
}

/** A load balancer with the alternate target group and listener rule ECS blue/green needs (API Reference, AdvancedConfiguration). */
export const BLUE_GREEN_LOAD_BALANCER = {
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

/** The service "web" turned to a traffic-shifting strategy, as its owner's Terraform would leave it (no new deployment). */
export async function useStrategy(fixture: Fixture, deploymentConfiguration: DeploymentConfiguration): Promise<void> {
  const client = new ECSClient({
    endpoint: fixture.ecs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'fake' },
  });
  await client.send(
    new UpdateServiceCommand({
      cluster: 'default',
      service: 'web',
      loadBalancers: [BLUE_GREEN_LOAD_BALANCER],
      deploymentConfiguration,
    }),
  );
  client.destroy();
  fixture.ecs.calls.length = 0;
}
