import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatDuration } from '../src/lib/poll.js';
import { awsEnvironment } from '../test/fakes/aws/json-server.js';
import { DOCKER_LABEL, dockerDriver } from '../test/fakes/ecs/docker-driver.js';
import { startFakeEcs, type FakeEcs } from '../test/fakes/ecs/index.js';
import { processDriver } from '../test/fakes/ecs/process-driver.js';
import { startRegistry } from '../test/fakes/registry/index.js';
import { repoRoot, type StepResult } from '../test/helpers/runner.js';
import { dockerEngine } from './demo/docker.js';
import { startLoadBalancer, type LoadBalancer } from './demo/load-balancer.js';
import { bold, dim, Pipeline } from './demo/pipeline.js';

/**
 * `npm run demo`: the whole pipeline against a local cloud whose tasks really run. Every stage is its
 * bundled dist/index.js run the way the runner runs it, wired as ecs-pipeline.yml wires them:
 * build-push -> deploy-ecs -> smoke-test -> rollback (mark-good when the smoke test passed, else put the
 * last good version back); a failed deploy ends the job there, since ECS has already put the previous
 * revision back. After a failure the demo adds one more smoke test, to prove what runs again. With Docker, tasks are containers of the image build-push
 * pushed to a local registry; without, local Node processes serving the same sample service.
 * `--no-docker` runs the process flavour anyway, `--verbose` prints every step's log.
 */

const SERVICE = 'hello';
const CLUSTER = 'demo';
const USER = { username: 'demo', password: `demo-${crypto.randomUUID().slice(0, 8)}` };
const RELEASES = [
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

const exec = promisify(execFile);
const verbose = process.argv.includes('--verbose');
const pipeline = new Pipeline({ verbose });
const closers: (() => Promise<unknown>)[] = [];
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
    pipeline.current?.kill('SIGTERM');
    void cleanup().then(() => process.exit(130));
  });
}

/** The images build-push built (image IDs), removed at the end. */
const builtImages: string[] = [];
/** The version each image runs, and (for local processes) how to run it. */
const releaseOf = new Map<string, (typeof RELEASES)[number]>();

function printTraffic(lb: LoadBalancer, since: number) {
  for (const event of lb.changes(since)) {
    const sign = event.change === 'registered' ? '+' : '-';
    console.log(dim(`  traffic     ${sign} ${event.revision} task ${event.task} ${event.change} (${event.target})`));
  }
  console.log(dim(`  traffic     now to ${lb.targets().join(', ') || 'no healthy target'}\n`));
}

async function main() {
  const demoStarted = Date.now();
  console.log(bold('deploy-actions demo: build, deploy, prove and roll back on ECS, locally\n'));
  const engine = process.argv.includes('--no-docker')
    ? { available: false, detail: '--no-docker was given' }
    : await dockerEngine();
  if ('started' in engine && engine.started) {
    const dockerd = engine.started;
    closers.push(async () => {
      dockerd.kill('SIGTERM');
      await new Promise((resolve) => dockerd.once('exit', resolve));
    });
  }
  const docker = engine.available;
  console.log(
    docker
      ? `Docker engine ${engine.detail}: tasks run as containers of the image build-push pushes.`
      : `No Docker engine (${engine.detail}): tasks run as local Node processes serving the sample\nservice (examples/hello-service/server.mjs); build-push is skipped.`,
  );

  // Last, once the task containers that use them are gone (closers run in reverse). By image ID: removing
  // only the tags would leave the pushed images behind, named by their digests.
  closers.push(async () => {
    if (builtImages.length === 0) return;
    await exec('docker', ['image', 'rm', '--force', ...builtImages]).catch(() => '');
    const { stdout } = await exec('docker', [
      ...['image', 'ls', '--quiet', '--filter', 'dangling=true'],
      ...['--filter', 'label=org.opencontainers.image.title=hello-service-rootfs'],
    ]).catch(() => ({ stdout: '' }));
    const stages = stdout.split('\n').filter(Boolean);
    if (stages.length > 0) await exec('docker', ['image', 'rm', ...stages]).catch(() => '');
  });
  const driverRun = `demo-${process.pid}`;
  const ecs: FakeEcs = await startFakeEcs({
    driver: docker
      ? dockerDriver({ run: driverRun, deregistrationDelayMs: 1000, stopTimeout: 5 })
      : processDriver({
          deregistrationDelayMs: 1000,
          images: (image) => {
            const release = releaseOf.get(image);
            return (
              release && {
                // The label argument (ignored by the server) tells this run's processes from any other's.
                command: [
                  process.execPath,
                  join(repoRoot, 'examples/hello-service/server.mjs'),
                  `--label=${DOCKER_LABEL}=${driverRun}`,
                ],
                env: { VERSION: release.version, BUG: release.bug },
              }
            );
          },
        }),
  });
  closers.push(() => ecs.close());
  ecs.addCluster(CLUSTER);
  const lb = await startLoadBalancer(ecs, SERVICE);
  closers.push(() => lb.close());

  let repository = `local/${SERVICE}`;
  let context = '';
  let dockerConfig = '';
  if (docker) {
    const registry = await startRegistry({ [USER.username]: USER.password });
    closers.push(() => registry.stop());
    repository = `${registry.host}/${SERVICE}`;
    // The build context: the sample service plus a static busybox, which the image is made of.
    const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
    if (!busybox) throw new Error('busybox is missing: apt-get install busybox-static (the image is built from it)');
    context = mkdtempSync(join(tmpdir(), 'hello-service-'));
    dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
    closers.push(async () => rmSync(context, { recursive: true, force: true }));
    closers.push(async () => rmSync(dockerConfig, { recursive: true, force: true }));
    cpSync(join(repoRoot, 'examples/hello-service'), context, { recursive: true });
    copyFileSync(busybox, join(context, 'busybox'));
    console.log(`registry           ${registry.host} (docker-registry, basic auth as ${USER.username})`);
  }
  console.log(
    `local ECS endpoint ${ecs.url} (cluster ${CLUSTER}; each task ${docker ? 'a container' : 'a local process'} labelled ${DOCKER_LABEL}=${driverRun})`,
  );
  console.log(`load balancer      ${lb.url} (the healthy tasks of service ${SERVICE})\n`);

  const env = { ...awsEnvironment('ECS', ecs.url), GITHUB_WORKSPACE: repoRoot };
  const common = { cluster: CLUSTER, service: SERVICE, 'poll-interval': '0.5' };
  const smoke = (version: string) => ({
    url: `${lb.url}/health`,
    'expect-json': `status=healthy\nversion=${version}`,
    timeout: '5',
    interval: '0.3',
    backoff: '1',
    'consecutive-successes': '3',
    'fail-on-error': 'false',
  });
  const smokePassed = (step: StepResult) => step.exitCode === 0 && step.outputs.passed === 'true';
  const revision = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  const runningVersion = (taskDefinitionArn: string) => {
    const definition = ecs.definitions.get(SERVICE)?.find((d) => d.taskDefinitionArn === taskDefinitionArn);
    return releaseOf.get(definition?.containerDefinitions[0]?.image ?? '')?.version ?? 'unknown';
  };

  for (const release of RELEASES) {
    const { version } = release;
    console.log(bold(`release ${version}: ${release.story}`));
    // build-push: the image, by digest.
    let image = `${repository}:${version}`;
    if (docker) {
      const built = await pipeline.stage(
        version,
        'build-push',
        `${repository}:${version}`,
        {
          image: repository,
          'registry-type': 'basic',
          username: USER.username,
          password: USER.password,
          context,
          version,
          'tag-rules': 'version',
          'build-args': `VERSION=${version}\nBUG=${release.bug}`,
          builder: 'docker',
        },
        { ...env, DOCKER_CONFIG: dockerConfig },
      );
      if (built.outputs['image-id']) builtImages.push(built.outputs['image-id']);
      if (built.exitCode !== 0) break;
      image = built.outputs.image ?? image;
    } else {
      pipeline.skip(version, 'build-push', `no Docker; ${image} is a local program`);
    }
    releaseOf.set(image, release);

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
        'target-group-arn': `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${SERVICE}/0123456789abcdef`,
        'container-port': '8080',
      },
      env,
    );
    printTraffic(lb, deployStarted);

    // smoke-test through the load balancer; then mark-good, or roll back and prove what runs again.
    if (!deployed.passed) {
      // As in ecs-pipeline.yml, the job ends at a failed deploy: ECS's circuit breaker (or deploy-ecs's
      // rollback-on-failure) has already put the previous revision back. The demo proves it.
      const current = ecs.service(CLUSTER, SERVICE)?.taskDefinition ?? '';
      pipeline.skip(version, 'rollback', `deploy-ecs failed; the service is back on ${revision(current)}`);
      const back = runningVersion(current);
      await pipeline.stage(version, 'smoke-test', `the restored ${back} answers`, smoke(back), env, smokePassed);
      console.log();
      continue;
    }
    // smoke-test through the load balancer (fail-on-error: false); then mark-good, or roll back and prove it.
    const proved = await pipeline.stage(
      version,
      'smoke-test',
      `${lb.url}/health answers ${version}`,
      smoke(version),
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
      console.log();
      continue;
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
    printTraffic(lb, rollbackStarted);
    const restored = runningVersion(back.outputs['rolled-back-to'] ?? '');
    await pipeline.stage(version, 'smoke-test', `the restored ${restored} answers`, smoke(restored), env, smokePassed);
    console.log();
  }

  console.log(bold('summary'));
  console.log(pipeline.table());
  const final = ecs.service(CLUSTER, SERVICE)?.taskDefinition ?? '';
  console.log(
    `\n${SERVICE} now runs ${final.slice(final.lastIndexOf('/') + 1)} (version ${runningVersion(final)}), ` +
      `on ${lb.targets().length} healthy ${docker ? 'containers' : 'processes'} behind ${lb.url}.`,
  );
  console.log(dim(`demo finished in ${formatDuration(Date.now() - demoStarted)}; cleaning up.`));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(cleanup);
