import { afterEach, describe, expect, it } from 'vitest';
import { webTaskDefinition, OOM } from '../deploy-ecs/fixture.js';
import { awsEnvironment } from '../fakes/aws/json-server.js';
import { startFakeEcs, type FakeEcs } from '../fakes/ecs/index.js';
import { startHttp, type HttpFake } from '../fakes/http/server.js';
import { dispatchDefault, exampleCall, exampleWorkspace } from './examples.js';
import { play, type PlayResult } from './play.js';
import { jqAndCurl } from '../helpers/prereq.js';

// The pipeline's run: steps use jq (and curl for the webhook), as GitHub's runners have them.
const tools = jqAndCurl();
/**
 * Waves, examples/waves played end to end: its default targets (three regions) as the matrix rows GitHub makes
 * of them, each row the deploy job of ecs-pipeline.yml with the caller's inputs rendered for that row, against
 * the local ECS (one cluster per target, service web on revision 1). GitHub's fail-fast is played as GitHub does
 * it: the first failed target cancels those still running and no further target starts.
 */

const VERSION = '1.4.2';
const DIGEST = `sha256:${'2'.repeat(64)}`;
const targets = JSON.parse(String(dispatchDefault('waves', 'targets'))) as { name: string; cluster: string }[];
const calls = targets.map((target) =>
  exampleCall('waves', 'wave', { inputs: { version: VERSION, targets: JSON.stringify(targets) }, matrix: { target } }),
);

let ecs: FakeEcs;
let health: HttpFake;
afterEach(async () => {
  await Promise.all([ecs?.close(), health?.close()]);
});

const V1 = (i: number) => `123456789012.dkr.ecr.${calls[i]!.with['aws-region'] as string}.amazonaws.com/web:1.0.0`;

async function account() {
  ecs = await startFakeEcs();
  health = await startHttp(() => ({ body: { version: VERSION } }));
  targets.forEach((target, i) => {
    ecs.addCluster(target.cluster);
    const first = ecs.register({
      ...webTaskDefinition(V1(i)),
      containerDefinitions: [webTaskDefinition(V1(i)).containerDefinitions[0]!],
    });
    ecs.seedService({ cluster: target.cluster, name: 'web', taskDefinition: first.taskDefinitionArn, desiredCount: 1 });
  });
}

const workspace = () => {
  const dir = exampleWorkspace('waves');
  return dir;
};

function target(i: number, cancelDuring?: string) {
  const call = calls[i]!;
  const image = `${call.with.image as string}@${DIGEST}`;
  return play({
    workflow: call.workflow,
    job: 'deploy',
    // The health URLs of the example are public names; here every target answers on the local server.
    inputs: { ...call.with, 'health-url': `${health.url}/health`, 'smoke-timeout-seconds': 2 },
    needs: { build: { outputs: { image, digest: DIGEST } } },
    env: { ...awsEnvironment({ ECS: ecs.url }), GITHUB_WORKSPACE: workspace() },
    extra: {
      'deploy-ecs': { 'poll-interval': '0.1' },
      rollback: { 'poll-interval': '0.1' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
    cancelDuring,
  });
}

const runs = (i: number) => {
  const service = ecs.service(targets[i]!.cluster, 'web');
  const family = ecs.definitions.get('web')!;
  return family.find((d) => d.taskDefinitionArn === service.taskDefinition)!.containerDefinitions[0]!.image;
};

describe.skipIf(!tools.available)('examples/waves through ecs-pipeline.yml', () => {
  it('renders one call per target: its own region, cluster, image registry and concurrency group', () => {
    expect(calls.map((c) => c.with.target)).toEqual(targets.map((t) => t.name));
    expect(calls.map((c) => c.with.cluster)).toEqual(targets.map((t) => t.cluster));
    expect(calls.every((c) => String(c.with.image).includes(`.dkr.ecr.${c.with['aws-region'] as string}.`))).toBe(true);
    expect(calls[0]!.job.strategy).toMatchObject({ 'fail-fast': true });
  });

  it('waves of one: every target deployed and proven in turn, one summary row each', async () => {
    await account();
    const results: PlayResult[] = [];
    for (const i of targets.keys()) results.push(await target(i));
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    for (const [i, result] of results.entries()) {
      expect(runs(i)).toBe(`${calls[i]!.with.image as string}@${DIGEST}`);
      expect(result.summary).toContain(`| production | ${targets[i]!.name} | `);
      expect(result.summary).toContain('| succeeded |');
    }
  });

  it('waves of two: the second target fails and rolls back, the first is cancelled and rolls back, the third never starts', async () => {
    await account();
    // The new revision crashes in the second target's cluster only.
    ecs.behaviour = (definition) =>
      definition.containerDefinitions[0]!.image.includes('eu-west-1') &&
      definition.containerDefinitions[0]!.image.includes('@')
        ? OOM
        : { kind: 'healthy', startMs: 100 };
    const failed = await target(1);
    expect(failed.status).toBe('failure');
    expect(runs(1)).toBe(V1(1));
    expect(failed.summary).toMatch(/\| eu-west-1 \| .* \| (rolled-back|failed) \|/);
    // fail-fast: the first target, still in its smoke test, is cancelled; it had changed its service.
    const cancelled = await target(0, 'smoke');
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.step('rollback')!.outputs.outcome).toBe('rolled-back');
    expect(runs(0)).toBe(V1(0));
    expect(cancelled.summary).toContain('| us-east-1 | ');
    expect(cancelled.summary).toContain('| rolled-back |');
    // The third target was never started: its service still runs revision 1, untouched.
    expect(runs(2)).toBe(V1(2));
    expect(
      ecs.calls.filter((c) => JSON.stringify(c.body).includes(targets[2]!.cluster) && c.operation === 'UpdateService'),
    ).toEqual([]);
  });
});
