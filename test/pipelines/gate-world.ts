import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { blueGreen, quietly } from '../../scripts/demo/gate.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { processDriver } from '../fakes/ecs/process-driver.js';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';
import { startLoadBalancer, type LoadBalancer } from '../fakes/elbv2/load-balancer.js';
import { play, type PlayOptions } from './play.js';

/**
 * The account ecs-pipeline.yml's test-traffic gate is played against: the local ECS whose tasks are real processes
 * of the sample service, service hello running image 1 on two tasks, behind the local load balancer with its
 * production and test listeners (described by the local ELBv2 with their listener rules), set up for ECS-native
 * blue/green as the demo sets it up. Image 2 answers the version the pipeline expects; image 3 too, but its
 * /health is 503.
 */

export const SHA = '0123456789abcdef0123456789abcdef01234567';
export const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello';
export const digest = (n: number) => `sha256:${String(n).repeat(64)}`;
const IMAGES: Record<string, Record<string, string>> = {
  [`${REPOSITORY}@${digest(1)}`]: { VERSION: '0.9.0' },
  [`${REPOSITORY}@${digest(2)}`]: { VERSION: SHA },
  [`${REPOSITORY}@${digest(3)}`]: { VERSION: SHA, BUG: 'unhealthy' },
};

export interface GateWorld {
  ecs: FakeEcs;
  lb: LoadBalancer;
  elb: FakeElbv2;
  env: Record<string, string>;
  /** The task definition the service runs now. */
  runs(): string;
  /** The deploy job with strategy CANARY (10%, a minute's bake) and gate: test-traffic, deploying image n. */
  release(n: number, options?: { healthUrl?: string } & Partial<PlayOptions>): ReturnType<typeof play>;
  close(): Promise<void>;
}

export async function gateWorld(): Promise<GateWorld> {
  const ecs = await startFakeEcs({
    minuteMs: 100,
    driver: processDriver({ images: helloImages(IMAGES), deregistrationDelayMs: 0 }),
  });
  ecs.addCluster('production');
  const lb = await startLoadBalancer(ecs, 'hello', 'production');
  const elb = await startFakeElbv2();
  const { targetGroup } = elb.seedLoadBalancer({
    name: 'hello',
    dnsName: '127.0.0.1',
    listeners: [{ protocol: 'HTTP', port: Number(new URL(lb.url).port) }],
  });
  const aws = awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url });
  const client = quietly(
    () =>
      new ECSClient({
        endpoint: ecs.url,
        region: 'us-east-1',
        credentials: { accessKeyId: aws.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: aws.AWS_SECRET_ACCESS_KEY ?? '' },
      }),
  );
  await client.send(
    new CreateServiceCommand({
      cluster: 'production',
      serviceName: 'hello',
      taskDefinition: helloDefinition(ecs, `${REPOSITORY}@${digest(1)}`),
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] },
      },
      loadBalancers: [{ targetGroupArn: targetGroup.TargetGroupArn, containerName: 'hello', containerPort: 8080 }],
    }),
  );
  client.destroy();
  await blueGreen({ ecs, elbv2: elb, lb, env: aws, targetGroupArn: targetGroup.TargetGroupArn }, 'production', 'hello');
  for (let i = 0; i < 300; i++) {
    const version = await fetch(`${lb.url}/health`).then(
      async (r) => ((await r.json()) as { version?: string }).version,
      () => undefined,
    );
    if (version === '0.9.0') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const workspace = mkdtempSync(join(tmpdir(), 'ecs-gate-'));
  // The caller's task definition file: the sample service with its container health check, 1 s apart.
  const { family, requiresCompatibilities, networkMode, cpu, memory, containerDefinitions } =
    ecs.definitions.get('hello')![0]!;
  writeFileSync(
    join(workspace, 'task-definition.json'),
    JSON.stringify({ family, requiresCompatibilities, networkMode, cpu, memory, containerDefinitions }),
  );
  const env = { ...aws, GITHUB_WORKSPACE: workspace };
  return {
    ecs,
    lb,
    elb,
    env,
    runs: () => ecs.service('production', 'hello').taskDefinition,
    release: (n, { healthUrl, ...options } = {}) =>
      play({
        workflow: 'ecs-pipeline.yml',
        job: 'deploy',
        inputs: {
          environment: 'production',
          image: REPOSITORY,
          'aws-region': 'us-east-1',
          'build-role-to-assume': 'arn:aws:iam::123456789012:role/hello-build',
          'role-to-assume': 'arn:aws:iam::123456789012:role/hello-deploy-production',
          cluster: 'production',
          service: 'hello',
          'task-definition': 'task-definition.json',
          'container-name': 'hello',
          'health-url': healthUrl ?? `${lb.url}/health`,
          'smoke-timeout-seconds': 3,
          strategy: 'CANARY',
          'canary-percent': '10',
          'canary-bake-time': '1m',
          'bake-time': '0m',
          gate: 'test-traffic',
        },
        needs: { build: { outputs: { image: `${REPOSITORY}@${digest(n)}`, digest: digest(n) } } },
        env,
        extra: {
          'deploy-ecs': { 'poll-interval': '0.1' },
          rollback: { 'poll-interval': '0.1' },
          'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
        },
        ...options,
      }),
    close: async () => {
      await lb.close();
      await Promise.all([ecs.close(), elb.close()]);
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}
