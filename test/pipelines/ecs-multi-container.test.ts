import { afterEach, describe, expect, it } from 'vitest';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { startFakeElbv2, type FakeElbv2 } from '../fakes/elbv2/index.js';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { built, exampleCall, exampleWorkspace } from './examples.js';
import { play } from './play.js';
import { jqAndCurl } from '../helpers/prereq.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();
/**
 * Shape 1, examples/ecs-multi-container played end to end: the deploy job of ecs-pipeline.yml with the example's
 * own inputs, its task definition (an API and a worker from one image, each with its own environment and secrets),
 * against the local ECS; only the health URL points at a local server. The service does not exist at first.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const call = exampleCall('ecs-multi-container', 'production');
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

let ecs: FakeEcs;
let elb: FakeElbv2;
let health: HttpFake | undefined;
afterEach(async () => {
  await Promise.all([ecs?.close(), elb?.close(), health?.close()]);
  health = undefined;
});

/** A health endpoint answering the version given, on /healthz only. */
async function healthz(version: () => string) {
  health = await startHttp((request) =>
    request.path === '/healthz' ? { body: { status: 'ok', version: version() } } : { status: 404 },
  );
  return `${health.url}/healthz`;
}

/** The target group the example names stands for the account's own: the load balancer "shop" has one. */
let targetGroupArn: string;

async function account() {
  ecs = await startFakeEcs();
  elb = await startFakeElbv2();
  ecs.addCluster('production');
  targetGroupArn = elb.seedLoadBalancer({ name: 'shop', listeners: [{ protocol: 'HTTPS', port: 443 }] }).targetGroup
    .TargetGroupArn;
}

function deploy(digest: string, healthUrl: string, cancelDuring?: string, keepOnCancel?: string[]) {
  return play({
    workflow: call.workflow,
    job: 'deploy',
    inputs: { ...call.with, 'target-group-arn': targetGroupArn, 'health-url': healthUrl, 'smoke-timeout-seconds': 3 },
    needs: { build: built(call.with.image, digest) },
    env: {
      ...awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elb.url }),
      GITHUB_WORKSPACE: exampleWorkspace('ecs-multi-container'),
    },
    extra: {
      'deploy-ecs': { 'poll-interval': '0.1' },
      rollback: { 'poll-interval': '0.1' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
    cancelDuring,
    keepOnCancel,
  });
}

const image = (digest: string) => `${String(call.with.image)}@${digest}`;
const running = () => {
  const service = ecs.service('production', 'shop');
  const revision = ecs.definitions.get('shop')!.find((d) => d.taskDefinitionArn === service.taskDefinition)!;
  return Object.fromEntries(revision.containerDefinitions.map((c) => [c.name, c.image]));
};

describe.skipIf(!tools.available)('examples/ecs-multi-container through ecs-pipeline.yml', () => {
  it('creates the service on the first run: migration first, both containers on the image, /healthz proven, marked good', async () => {
    await account();
    const result = await deploy(D1, await healthz(() => SHA));
    expect(result.status, result.log).toBe('success');
    expect(result.ran).toEqual(expect.arrayContaining(['images', 'deploy', 'url', 'smoke', 'mark-good', 'report']));
    expect(result.ran).not.toContain('rollback');
    // Every input the pipeline passes has its effect: deploy-ecs warns of none it ignores, and finds the URL.
    expect(result.step('deploy')!.log).not.toContain('::warning::');
    expect(result.step('deploy')!.outputs['service-url']).toMatch(/^https:\/\/shop-/);
    // The migration: a one-off task of the new revision, the api container's command overridden, before the service.
    const runTask = ecs.calls.find((c) => c.operation === 'RunTask')!;
    expect(runTask.body).toMatchObject({
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1',
      overrides: { containerOverrides: [{ name: 'api', command: ['node', 'migrate.mjs'] }] },
    });
    const order = ecs.calls.map((c) => c.operation);
    expect(order.indexOf('RunTask')).toBeLessThan(order.indexOf('CreateService'));
    expect(running()).toEqual({ api: image(D1), worker: image(D1) });
    // Each container keeps its own environment and secrets from the task definition file.
    const secrets = (container: unknown) => (container as { secrets: { name: string }[] }).secrets.map((s) => s.name);
    const [api, worker] = ecs.definitions.get('shop')!.at(-1)!.containerDefinitions;
    expect(secrets(api)).toEqual(['DATABASE_URL', 'SESSION_KEY']);
    expect(secrets(worker)).toEqual(['DATABASE_URL', 'QUEUE_TOKEN']);
    expect(health!.requests.every((r) => r.path === '/healthz')).toBe(true);
    expect(result.outputs).toMatchObject({ 'rolled-back': 'false', url: `${health!.url}/healthz` });
    expect(result.summary).toContain(`| production | production/shop | \`${image(D1)}\` | succeeded |`);
  });

  it('puts the previous revision back when the new version does not answer /healthz with its version', async () => {
    await account();
    let version = SHA;
    const url = await healthz(() => version);
    expect((await deploy(D1, url)).status).toBe('success');
    version = 'the-old-one'; // the new tasks start, but /healthz never reports the new version
    const result = await deploy(D2, url);
    expect(result.status).toBe('failure');
    expect(result.step('deploy')!.outputs.changed).toBe('true');
    expect(result.step('rollback')!.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': 'arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1',
    });
    expect(running()).toEqual({ api: image(D1), worker: image(D1) });
    expect(result.log).toMatch(
      /::error::The new version was not proved healthy \(unhealthy\); the service runs .*shop:1 again\./,
    );
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.summary).toContain(`| production | production/shop | \`${image(D2)}\` | rolled-back |`);
  });

  it('stops before the service changes when the migration fails: nothing to put back', async () => {
    await account();
    const url = await healthz(() => SHA);
    expect((await deploy(D1, url)).status).toBe('success');
    ecs.oneOff = () => ({ exitCode: 3, reason: 'migration 042 failed' });
    const result = await deploy(D2, url);
    expect(result.status).toBe('failure');
    expect(result.step('deploy')!.outcome).toBe('failure');
    expect(result.step('deploy')!.outputs.changed).not.toBe('true');
    expect(result.ran).not.toContain('rollback');
    expect(running()).toEqual({ api: image(D1), worker: image(D1) });
    expect(result.summary).toContain('| failed |');
  });

  it('rolls back when the run is cancelled during the smoke test, after the service changed', async () => {
    await account();
    const url = await healthz(() => SHA);
    expect((await deploy(D1, url)).status).toBe('success');
    const result = await deploy(D2, url, 'smoke');
    expect(result.status).toBe('cancelled');
    expect(result.step('rollback')!.outputs.outcome).toBe('rolled-back');
    expect(result.ran).not.toContain('mark-good');
    expect(running()).toEqual({ api: image(D1), worker: image(D1) });
    expect(result.summary).toContain('| rolled-back |');
  });

  it('rolls back when the run is cancelled during the deploy step, once it said it changed the service', async () => {
    await account();
    const url = await healthz(() => SHA);
    expect((await deploy(D1, url)).status).toBe('success');
    // deploy-ecs writes changed (and what ran before) as soon as UpdateService is accepted; then the cancel comes.
    const result = await deploy(D2, url, 'deploy', ['changed', 'previous-task-definition-arn']);
    expect(result.status).toBe('cancelled');
    expect(result.ran).not.toContain('smoke');
    expect(result.step('rollback')!.outputs.outcome).toBe('rolled-back');
    expect(running()).toEqual({ api: image(D1), worker: image(D1) });
  });
});
