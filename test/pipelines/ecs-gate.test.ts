import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { blueGreen, productionUsers, quietly } from '../../scripts/demo/gate.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { helloDefinition, helloImages } from '../fakes/ecs/hello.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { processDriver } from '../fakes/ecs/process-driver.js';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';
import { startLoadBalancer, type LoadBalancer } from '../fakes/elbv2/load-balancer.js';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { jqAndCurl } from '../helpers/prereq.js';
import { play } from './play.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();

/**
 * ecs-pipeline.yml's deploy job with `strategy: CANARY` and `gate: test-traffic`, played with the real actions
 * against the local ECS whose tasks are real processes of the sample service, behind the local load balancer with
 * its production and test listeners (described by the local ELBv2 with their listener rules). Production users
 * call the service meanwhile; the load balancer counts what each revision served on each listener.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const REPOSITORY = '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello';
const digest = (n: number) => `sha256:${String(n).repeat(64)}`;
/** What each image is: 1 runs now; 2 answers the version the pipeline expects; 3 too, but /health is 503. */
const IMAGES: Record<string, Record<string, string>> = {
  [`${REPOSITORY}@${digest(1)}`]: { VERSION: '0.9.0' },
  [`${REPOSITORY}@${digest(2)}`]: { VERSION: SHA },
  [`${REPOSITORY}@${digest(3)}`]: { VERSION: SHA, BUG: 'unhealthy' },
};

let ecs: FakeEcs | undefined;
let lb: LoadBalancer | undefined;
let elb: FakeElbv2 | undefined;
let workspace: string | undefined;
let health: HttpFake | undefined;
afterEach(async () => {
  await lb?.close();
  await Promise.all([ecs?.close(), elb?.close(), health?.close()]);
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  ecs = lb = elb = workspace = health = undefined;
});

/** The account: service hello running image 1 on two tasks, set up for ECS-native blue/green. */
async function account() {
  ecs = await startFakeEcs({
    minuteMs: 100,
    driver: processDriver({ images: helloImages(IMAGES), deregistrationDelayMs: 0 }),
  });
  ecs.addCluster('production');
  lb = await startLoadBalancer(ecs, 'hello', 'production');
  elb = await startFakeElbv2();
  const { targetGroup } = elb.seedLoadBalancer({
    name: 'hello',
    dnsName: '127.0.0.1',
    listeners: [{ protocol: 'HTTP', port: Number(new URL(lb.url).port) }],
  });
  const env = awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url });
  const client = quietly(
    () =>
      new ECSClient({
        endpoint: ecs!.url,
        region: 'us-east-1',
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
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
  await blueGreen({ ecs, elbv2: elb, lb, env, targetGroupArn: targetGroup.TargetGroupArn }, 'production', 'hello');
  const balancer = lb;
  for (let i = 0; i < 300; i++) {
    const version = await fetch(`${balancer.url}/health`).then(
      async (r) => ((await r.json()) as { version?: string }).version,
      () => undefined,
    );
    if (version === '0.9.0') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  workspace = mkdtempSync(join(tmpdir(), 'ecs-gate-'));
  // The caller's task definition file: the sample service with its container health check, 1 s apart.
  writeFileSync(join(workspace, 'task-definition.json'), JSON.stringify(helloFile()));
  return { ...env, GITHUB_WORKSPACE: workspace };
}

function helloFile() {
  const { family, requiresCompatibilities, networkMode, cpu, memory, containerDefinitions } =
    ecs!.definitions.get('hello')![0]!;
  return { family, requiresCompatibilities, networkMode, cpu, memory, containerDefinitions };
}

async function release(n: number, env: Record<string, string>, healthUrl = `${lb!.url}/health`) {
  return play({
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
      'health-url': healthUrl,
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
  });
}

const runs = () => ecs!.service('production', 'hello').taskDefinition;

describe.skipIf(!tools.available)('ecs-pipeline.yml with gate: test-traffic', () => {
  it('proves a good canary through the test listener before production serves it, continues, proves production after the shift, marks it good', async () => {
    const env = await account();
    const users = productionUsers(lb!.url);
    const result = await release(2, env).finally(() => users.stop());
    expect(result.status, result.log).toBe('success');
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'mark-good', 'report'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    expect(result.ran).not.toContain('gate-rollback');
    expect(result.ran).not.toContain('rollback');
    const deploy = result.step('deploy')!;
    expect(deploy.outputs).toMatchObject({ gate: 'paused', 'test-url': lb!.testUrl, changed: 'true' });
    expect(result.step('gate-smoke')!.inputs.url).toBe(`${lb!.testUrl}/health`);
    expect(result.step('gate-smoke')!.outputs.passed).toBe('true');
    expect(result.step('continue')!.outputs.gate).toBe('continued');
    const green = deploy.outputs['task-definition-arn']!;
    expect(runs()).toBe(green);
    // Production reached the new revision only after the smoke test had proven it through the test listener.
    const revision = green.replace(/^.*\//, '');
    const log = lb!.requests().filter((r) => r.revision === revision);
    const tested = log.filter((r) => r.listener === 'test').map((r) => r.at);
    const shifted = log.filter((r) => r.listener === 'production').map((r) => r.at);
    expect(tested.length).toBeGreaterThan(0);
    expect(shifted.length).toBeGreaterThan(0);
    expect(Math.min(...shifted)).toBeGreaterThan(Math.max(...tested));
    expect(result.outputs).toMatchObject({
      'rolled-back': 'false',
      url: `${lb!.url}/health`,
      'deployed-revision': green,
    });
  }, 120_000);

  it('rolls back a canary that fails its smoke test through the test listener: 0 production requests served, the run fails with the reason', async () => {
    const env = await account();
    const before = runs();
    const users = productionUsers(lb!.url);
    const result = await release(3, env).finally(() => users.stop());
    expect(result.status).toBe('failure');
    const order = ['deploy', 'gate-smoke', 'gate-rollback', 'Fail the run after the gate rolled back', 'report'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    for (const step of ['continue', 'url', 'smoke', 'rollback', 'mark-good']) expect(result.ran).not.toContain(step);
    expect(result.step('gate-smoke')!.outputs).toMatchObject({ passed: 'false' });
    expect(result.step('gate-rollback')!.outputs).toMatchObject({ gate: 'rolled-back', 'rolled-back': 'true' });
    const rejected = result.step('deploy')!.outputs['task-definition-arn']!.replace(/^.*\//, '');
    const served = lb!.served();
    expect(served.production[rejected] ?? 0).toBe(0);
    expect(served.production['hello:1']).toBeGreaterThan(0);
    expect(served.test[rejected]).toBeGreaterThan(0);
    expect(runs()).toBe(before);
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.log).toMatch(
      /::error::The new version failed the smoke test through the test listener \(\w[^)]*\) before any production request reached it; the deployment was rolled back\./,
    );
    expect(result.summary).toMatch(/\| production \| production\/hello \| .* \| rolled-back \|/);
  }, 120_000);

  it('puts the previous revision back when production fails its smoke test after the traffic shift', async () => {
    const env = await account();
    const before = runs();
    health = await startHttp(() => ({ status: 503, body: { status: 'unhealthy', version: SHA } }));
    const result = await release(2, env, `${health.url}/health`);
    expect(result.status).toBe('failure');
    const order = ['deploy', 'gate-smoke', 'continue', 'url', 'smoke', 'rollback', 'Fail the run after a rollback'];
    expect(result.ran.filter((step) => order.includes(step))).toEqual(order);
    expect(result.step('rollback')!.outputs, result.step('rollback')!.log).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': before,
    });
    expect(runs()).toBe(before);
  }, 180_000);
});
