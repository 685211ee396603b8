import { shortArn } from '../src/lib/arn.js';
import { formatDuration } from '../src/lib/duration.js';
import { azureChapter, printEnding } from './demo/azure.js';
import { startLocalCloud, type LocalCloud } from './demo/cloud.js';
import { gitopsChapter } from './demo/gitops.js';
import { bold, dim } from './demo/markdown.js';
import { gateChapter, GATE_RELEASES, MINUTE_MS, type Release } from './demo/gate.js';
import { Pipeline, smokeInputs, smokePassed } from './demo/pipeline.js';

/**
 * `npm run demo`: the whole pipeline against a local cloud whose tasks really run. Every stage is its
 * bundled dist/index.js run the way the runner runs it, wired as ecs-pipeline.yml wires them:
 * build-push -> deploy-ecs -> smoke-test -> rollback (mark-good when the smoke test passed, else put the
 * last good version back); a failed deploy ends the job there, since ECS has already put the previous
 * revision back. After a failure the demo adds one more smoke test, to prove what runs again. With Docker,
 * tasks are containers of the image build-push pushed to a local registry; without, local Node processes
 * serving the same sample service. Then the test-traffic gate (scripts/demo/gate.ts): the service becomes a
 * CANARY behind a test listener; a canary failing its smoke test through the test listener is rolled back
 * having served 0 production requests, and a good one is shifted 10% -> 100%. `--no-docker` runs the process
 * flavour anyway, `--verbose` prints every step's log. The demo exits 1 when its story did not happen (1.0.0
 * again after the bad releases, 0 production requests from the rejected canary, 1.4.0 at the end).
 * `--target gitops` tells the GitOps story instead (scripts/demo/gitops.ts): a config repository served by
 * git http-backend and a local Argo CD, a good release synced and proven, a broken one Degraded and reverted.
 * `--cloud azure` tells the Azure story instead (scripts/demo/azure.ts): App Service slots, a release swapped in and
 * one swapped back, then a Container Apps canary and a release caught before any traffic moved.
 */

const SERVICE = 'hello';
const CLUSTER = 'demo';
const RELEASES: Release[] = [
  { version: '1.0.0', bug: 'none', story: 'the first release: deploy-ecs creates the service' },
  {
    version: '1.1.0',
    bug: 'crash',
    story: 'exits at start with code 3 (a missing setting): deploy-ecs fails fast, ECS rolls back',
  },
  {
    version: '1.2.0',
    bug: 'unhealthy',
    story: 'starts, but /health answers 503: the smoke test fails, rollback restores 1.0.0',
  },
];

const pipeline = new Pipeline({ verbose: process.argv.includes('--verbose') });
const closers: (() => Promise<unknown>)[] = [];
/** The release each image is, by the reference deploy-ecs was given. */
const releaseOf = new Map<string, Release>();

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`\ninterrupted: stopping every task, the registry and the local endpoints`);
    pipeline.stop();
    void cleanup().then(() => process.exit(130));
  });
}

/** `--target gitops`: the GitOps chapter alone; `--cloud azure`: the Azure chapter alone; otherwise the ECS story. */
const target = process.argv.includes('--target') ? process.argv[process.argv.indexOf('--target') + 1] : 'ecs';
const cloudName = process.argv.includes('--cloud') ? process.argv[process.argv.indexOf('--cloud') + 1] : 'aws';

async function main() {
  if (cloudName === 'azure') return azure();
  if (cloudName !== 'aws') throw new Error(`--cloud must be aws or azure, got '${cloudName}'`);
  if (target === 'gitops') return gitops();
  if (target !== 'ecs') throw new Error(`--target must be ecs or gitops, got '${target}'`);
  const demoStarted = Date.now();
  console.log(bold('deploy-actions demo: build, deploy, prove and roll back on ECS, locally\n'));
  const cloud = await startLocalCloud({
    service: SERVICE,
    cluster: CLUSTER,
    noDocker: process.argv.includes('--no-docker'),
    minuteMs: MINUTE_MS,
    localImage: (image) => {
      const release = releaseOf.get(image);
      return release && { env: { VERSION: release.version, BUG: release.bug } };
    },
    closers,
  });
  let stopped: string | undefined;
  for (const release of RELEASES) {
    console.log(bold(`release ${release.version}: ${release.story}`));
    stopped = await runRelease(cloud, release);
    if (stopped) break;
    console.log();
  }
  // The story so far ends on the first release, put back after each bad one.
  const first = RELEASES[0]?.version;
  const restored = runningVersion(cloud, cloud.ecs.service(CLUSTER, SERVICE)?.taskDefinition ?? '');
  if (!stopped && restored !== first) stopped = `${SERVICE} should run ${first} again, it runs ${restored}`;
  stopped ??= await gateChapter({
    cloud,
    pipeline,
    cluster: CLUSTER,
    service: SERVICE,
    imageOf: (release) => imageOf(cloud, release),
    versionOf: (arn) => runningVersion(cloud, arn),
  });
  console.log();
  console.log(bold('summary'));
  console.log(pipeline.table());
  const final = cloud.ecs.service(CLUSTER, SERVICE)?.taskDefinition ?? '';
  const version = runningVersion(cloud, final);
  console.log(
    `\n${SERVICE} now runs ${shortArn(final) || 'nothing'} (version ${version}), ` +
      `on ${cloud.lb.targets().length} healthy ${cloud.docker ? 'containers' : 'processes'} behind ${cloud.lb.url}.`,
  );
  console.log(dim(`demo finished in ${formatDuration(Date.now() - demoStarted)}; cleaning up.`));
  // The story ends on the good release of the gate chapter; anything else is a broken demo.
  const ending = GATE_RELEASES[1].version;
  stopped ??= version === ending ? undefined : `${SERVICE} should end on ${ending}, it runs ${version}`;
  if (stopped) {
    console.error(`the demo did not tell its story: ${stopped} (the stages above say why; --verbose shows their logs)`);
    process.exitCode = 1;
  }
}

async function gitops() {
  const started = Date.now();
  const stopped = await gitopsChapter(pipeline, closers);
  console.log(bold('summary'));
  console.log(pipeline.table());
  console.log(dim(`demo finished in ${formatDuration(Date.now() - started)}; cleaning up.`));
  if (stopped) {
    console.error(`the demo did not tell its story: GitOps: ${stopped} (--verbose shows the stages' logs)`);
    process.exitCode = 1;
  }
}

async function azure() {
  const started = Date.now();
  const story = await azureChapter(pipeline, closers);
  console.log(bold('\nsummary'));
  console.log(pipeline.table());
  printEnding(story);
  console.log(dim(`demo finished in ${formatDuration(Date.now() - started)}; cleaning up.`));
  if (story.stopped) {
    console.error(`the demo did not tell its story: Azure: ${story.stopped} (--verbose shows the stages' logs)`);
    process.exitCode = 1;
  }
}

/** One run of the pipeline for a release; says why when the demo cannot go on (no image, nothing to go back to). */
async function runRelease(cloud: LocalCloud, release: Release): Promise<string | undefined> {
  const { ecs, lb, env } = cloud;
  const { version } = release;
  const common = { cluster: CLUSTER, service: SERVICE, 'poll-interval': '0.5' };
  const smoke = (expected: string, url = lb.url) => smokeInputs(expected, url);

  const image = await imageOf(cloud, release);
  if (!image) return `build-push failed: there is no ${version} image to deploy`;

  // deploy-ecs: a new revision with that image; watch the rollout, fail fast.
  const deployStarted = Date.now();
  const deployed = await pipeline.stage(
    version,
    'deploy-ecs',
    `${SERVICE} ${version}`,
    {
      ...common,
      'task-definition': 'examples/hello-service/task-definition.json',
      'container-name': SERVICE,
      image,
      'create-service': 'true',
      'desired-count': '2',
      subnets: 'subnet-0123456789abcdef0',
      'security-groups': 'sg-0123456789abcdef0',
      'target-group-arn': cloud.targetGroupArn,
      'container-port': '8080',
    },
    env,
  );
  printTraffic(cloud, deployStarted);
  if (!deployed.passed) {
    // ECS's circuit breaker (or deploy-ecs's rollback-on-failure) has already put the previous revision back,
    // so ecs-pipeline.yml's rollback step (which runs only when deploy-ecs did not roll back by itself) is
    // skipped. The demo proves the previous revision answers.
    const current = ecs.service(CLUSTER, SERVICE)?.taskDefinition ?? '';
    if (!current) return `deploy-ecs failed to create ${SERVICE}: there is no revision to go back to`;
    pipeline.skip(version, 'rollback', `deploy-ecs failed; the service is back on ${shortArn(current)}`);
    const back = runningVersion(cloud, current);
    await pipeline.stage(version, 'smoke-test', `the restored ${back} answers`, smoke(back), env, smokePassed);
    return undefined;
  }

  // smoke-test through the load balancer at deploy-ecs's service-url (fail-on-error: false); then mark-good,
  // or roll back and prove it.
  const url = deployed.outputs['service-url'] || lb.url;
  const proved = await pipeline.stage(
    version,
    'smoke-test',
    `${url}/health answers ${version}`,
    smoke(version, url),
    env,
    smokePassed,
  );
  if (proved.passed) {
    await pipeline.stage(
      version,
      'rollback',
      'mark-good: the revision proved healthy',
      { ...common, mode: 'mark-good', 'task-definition': deployed.outputs['task-definition-arn'] ?? '' },
      env,
    );
    return undefined;
  }
  const rollbackStarted = Date.now();
  const back = await pipeline.stage(
    version,
    'rollback',
    'the smoke test failed: put the last good version back',
    {
      ...common,
      reason: 'smoke test failed',
      'previous-task-definition-arn': deployed.outputs['previous-task-definition-arn'] ?? '',
    },
    env,
  );
  printTraffic(cloud, rollbackStarted);
  const restored = runningVersion(cloud, back.outputs['rolled-back-to'] ?? '');
  await pipeline.stage(version, 'smoke-test', `the restored ${restored} answers`, smoke(restored), env, smokePassed);
  return undefined;
}

/** build-push: the release's image, by digest (with Docker), else the local program that plays it; undefined when the build failed. */
async function imageOf(cloud: LocalCloud, release: Release): Promise<string | undefined> {
  const { version } = release;
  let image = `${cloud.repository}:${version}`;
  if (cloud.docker) {
    const built = await pipeline.stage(
      version,
      'build-push',
      image,
      {
        image: cloud.repository,
        'registry-type': 'basic',
        ...cloud.registryUser,
        context: cloud.context,
        version,
        'tag-rules': 'version',
        'build-args': `VERSION=${version}\nBUG=${release.bug}\nBUILD_RUN=${cloud.run}`,
        builder: 'docker',
      },
      { ...cloud.env, DOCKER_CONFIG: cloud.dockerConfig },
    );
    if (built.outputs['image-id']) cloud.builtImages.push(built.outputs['image-id']);
    if (!built.passed) return undefined;
    image = built.outputs.image ?? image;
  } else {
    pipeline.skip(version, 'build-push', `no Docker; ${image} is a local program`);
  }
  releaseOf.set(image, release);
  return image;
}

/** The release a task definition runs, from its image. */
function runningVersion(cloud: LocalCloud, taskDefinitionArn: string): string {
  const definition = cloud.ecs.definitions.get(SERVICE)?.find((d) => d.taskDefinitionArn === taskDefinitionArn);
  return releaseOf.get(definition?.containerDefinitions[0]?.image ?? '')?.version ?? 'unknown';
}

/** What the load balancer did since a stage began: the traffic moving between revisions. */
function printTraffic({ lb }: LocalCloud, since: number) {
  for (const event of lb.changes(since)) {
    const sign = event.change === 'registered' ? '+' : '-';
    console.log(dim(`  traffic     ${sign} ${event.revision} task ${event.task} ${event.change} (${event.target})`));
  }
  console.log(dim(`  traffic     now to ${lb.targets().join(', ') || 'no healthy target'}\n`));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
