import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { awsEnvironment } from '../../test/fakes/aws/json-server.js';
import { DOCKER_LABEL, dockerDriver } from '../../test/fakes/ecs/docker-driver.js';
import { startFakeEcs, type FakeEcs } from '../../test/fakes/ecs/index.js';
import { startFakeElbv2, type FakeElbv2 } from '../../test/fakes/elbv2/index.js';
import { processDriver, type LocalImage } from '../../test/fakes/ecs/process-driver.js';
import { startRegistry } from '../../test/fakes/registry/index.js';
import { repoRoot } from '../../test/helpers/runner.js';
import { dockerEngine, type Engine } from './docker.js';
import { startLoadBalancer, type LoadBalancer } from '../../test/fakes/elbv2/load-balancer.js';

/**
 * The demo's local cloud: a Docker engine when one can be had, a registry with basic auth, the ECS
 * endpoint with tasks that really run (containers, or local processes without Docker) and a load balancer
 * in front of the service. Everything it starts is registered in `closers`, stopped in reverse order.
 */

const exec = promisify(execFile);

export interface LocalCloud {
  docker: boolean;
  /** Names this run's containers, processes and build stages. */
  run: string;
  ecs: FakeEcs;
  lb: LoadBalancer;
  /** The load balancer's target group as ELBv2 describes it (DNS name 127.0.0.1, an HTTP listener on lb's port). */
  targetGroupArn: string;
  /** The local ELBv2 endpoint that describes lb (its load balancer, listener and target group). */
  elbv2: FakeElbv2;
  /** How long a minute of a blue/green, canary or linear deployment lasts in the local ECS (bake times, steps). */
  minuteMs: number;
  /** Where build-push pushes (registry/repository), or the local name of the images without Docker. */
  repository: string;
  registryUser: { username: string; password: string };
  /** The build context (examples/hello-service plus a static busybox) and a DOCKER_CONFIG of its own. */
  context: string;
  dockerConfig: string;
  /** The environment every stage gets: the AWS SDK pointed at the local ECS and ELBv2 endpoints. */
  env: Record<string, string>;
  /** Image IDs build-push built, removed at the end. */
  builtImages: string[];
}

export async function startLocalCloud(options: {
  service: string;
  cluster: string;
  noDocker: boolean;
  /** How long a deployment strategy's minute lasts in the local ECS (default: a real minute). */
  minuteMs?: number;
  /** Without Docker: how a local process plays an image (the sample service with that release's settings). */
  localImage: (image: string) => Omit<LocalImage, 'command'> | undefined;
  closers: (() => Promise<unknown>)[];
}): Promise<LocalCloud> {
  const { service, cluster, closers } = options;
  const engine = await containers(options.noDocker);
  if (engine.available && engine.started) {
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
      : `${engine.detail}: tasks run as local Node processes serving the sample\nservice (examples/hello-service/server.mjs); build-push is skipped.`,
  );

  const builtImages: string[] = [];
  let repository = `local/${service}`;
  const run = `demo-${process.pid}`;
  // Last, once the task containers that use them are gone (closers run in reverse). By image ID: removing
  // only the tags would leave the pushed images behind, named by their digests.
  closers.push(async () => {
    if (!docker) return;
    // Also what a build interrupted before build-push reported it tagged (the registry's port is this run's).
    const tagged = await exec('docker', ['image', 'ls', '--quiet', '--filter', `reference=${repository}`]).then(
      ({ stdout }) => stdout.split('\n').filter(Boolean),
      () => [],
    );
    const images = [...new Set([...builtImages, ...tagged])];
    if (images.length > 0) await exec('docker', ['image', 'rm', '--force', ...images]).catch(() => '');
    const { stdout } = await exec('docker', [
      ...['image', 'ls', '--quiet', '--filter', 'dangling=true'],
      ...['--filter', `label=dev.deploy-actions.build-run=${run}`],
    ]).catch(() => ({ stdout: '' }));
    const stages = stdout.split('\n').filter(Boolean);
    if (stages.length > 0) await exec('docker', ['image', 'rm', ...stages]).catch(() => '');
  });

  const minuteMs = options.minuteMs ?? 60_000;
  const ecs = await startFakeEcs({
    minuteMs,
    driver: docker
      ? dockerDriver({ run, deregistrationDelayMs: 1000, stopTimeout: 5 })
      : processDriver({
          deregistrationDelayMs: 1000,
          images: (image) => {
            const local = options.localImage(image);
            return (
              local && {
                ...local,
                // The label argument (ignored by the server) tells this run's processes from any other's.
                command: [
                  process.execPath,
                  join(repoRoot, 'examples/hello-service/server.mjs'),
                  `--label=${DOCKER_LABEL}=${run}`,
                ],
              }
            );
          },
        }),
  });
  closers.push(() => ecs.close());
  ecs.addCluster(cluster);
  const lb = await startLoadBalancer(ecs, service, cluster);
  closers.push(() => lb.close());
  // What ELBv2 says of that load balancer, so deploy-ecs's service-url is its address.
  const elbv2 = await startFakeElbv2();
  closers.push(() => elbv2.close());
  const { targetGroup } = elbv2.seedLoadBalancer({
    name: service,
    dnsName: '127.0.0.1',
    listeners: [{ protocol: 'HTTP', port: Number(new URL(lb.url).port) }],
  });

  const registryUser = { username: 'demo', password: `demo-${crypto.randomUUID().slice(0, 8)}` };
  let context = '';
  let dockerConfig = '';
  if (docker) {
    const registry = await startRegistry({ [registryUser.username]: registryUser.password });
    closers.push(() => registry.stop());
    repository = `${registry.host}/${service}`;
    context = mkdtempSync(join(tmpdir(), 'hello-service-'));
    dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
    closers.push(async () => rmSync(context, { recursive: true, force: true }));
    closers.push(async () => rmSync(dockerConfig, { recursive: true, force: true }));
    cpSync(join(repoRoot, 'examples/hello-service'), context, { recursive: true });
    copyFileSync(engine.busybox, join(context, 'busybox'));
    console.log(`registry           ${registry.host} (docker-registry, basic auth as ${registryUser.username})`);
  }
  console.log(
    `local ECS endpoint ${ecs.url} (cluster ${cluster}; each task ${docker ? 'a container' : 'a local process'} labelled ${DOCKER_LABEL}=${run})`,
  );
  console.log(`load balancer      ${lb.url} (the healthy tasks of service ${service})\n`);
  const env = {
    ...awsEnvironment({ ECS: ecs.url, ELASTIC_LOAD_BALANCING_V2: elbv2.url }),
    GITHUB_WORKSPACE: repoRoot,
  };
  const targetGroupArn = targetGroup.TargetGroupArn;
  return {
    ...{ docker, run, ecs, lb, targetGroupArn, elbv2, minuteMs, repository, registryUser },
    ...{ context, dockerConfig, env, builtImages },
  };
}

type Containers = { available: false; detail: string } | (Engine & { available: true; busybox: string });

/**
 * Whether tasks can be containers: a Docker engine, and the busybox their image is built from (FROM scratch,
 * since no base image can be pulled). Otherwise they are local processes, and `detail` says why.
 */
async function containers(noDocker: boolean): Promise<Containers> {
  if (noDocker) return { available: false, detail: 'No Docker engine (--no-docker was given)' };
  const engine = await dockerEngine();
  if (!engine.available) return { available: false, detail: `No Docker engine (${engine.detail})` };
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (busybox) return { ...engine, available: true, busybox };
  engine.started?.kill('SIGTERM');
  const install = 'apt-get install busybox-static';
  return {
    available: false,
    detail: `Docker engine ${engine.detail}, but no busybox to build the image from (${install})`,
  };
}
