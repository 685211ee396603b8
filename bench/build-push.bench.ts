import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContext, removeImages } from '../test/build-push/context.js';
import { startRegistry } from '../test/fakes/registry/index.js';
import { compared, startFigures, timedStep, type Figure } from './lib.js';

/** build-push: bundle size, cold start, and with Docker two builds of one context: what the action adds. */

/** A `docker` first on PATH that runs the real one and appends how long each command took (ns) to `times`. */
function timedDocker(dir: string, times: string) {
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\ns=$(date +%s%N)\n"${real}" "$@"\nrc=$?\necho $(( $(date +%s%N) - s )) >> "${times}"\nexit $rc\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
}

/**
 * Two build-pushes of the same unchanged context to a local registry. A `docker` wrapper first on PATH records
 * how long each docker command took, so the action's own overhead is its wall time minus Docker's.
 */
async function buildTwice(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-build-push-'));
  const times = join(dir, 'docker-times');
  timedDocker(dir, times);
  const label = `bench.build-push.run=${crypto.randomUUID()}`;
  const registry = await startRegistry();
  const context = buildContext(label);
  try {
    const runs: { wall: number; docker: number }[] = [];
    for (let i = 0; i < 2; i++) {
      writeFileSync(times, '');
      const step = await timedStep('build-push', {
        inputs: { image: `${registry.host}/bench/web`, context: context.dir, network: 'host', labels: label },
        env: { PATH: `${dir}:${process.env.PATH}`, DOCKER_CONFIG: dir },
      });
      if (!step.outputs.digest) throw new Error(`build-push failed:\n${step.log}`);
      const docker = readFileSync(times, 'utf8')
        .split('\n')
        .filter(Boolean)
        .reduce((sum, ns) => sum + Number(ns) / 1e6, 0);
      runs.push({ wall: step.ms, docker });
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const own = second.wall - second.docker;
    return [
      { name: 'first build-push (cold cache)', value: first.wall, unit: 'ms' },
      compared(
        { name: 'second build-push of the unchanged context', value: second.wall, unit: 'ms' },
        'the first',
        first.wall,
      ),
      compared(
        { name: "action's own overhead (wall minus docker commands), 2nd run", value: own, unit: 'ms' },
        'its wall time',
        second.wall,
      ),
    ];
  } finally {
    removeImages(label, [registry.host]);
    await registry.stop();
    context.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Docker engine, docker-registry, and the busybox the test context's image is built from. */
function canBuild(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
    return existsSync('/bin/busybox');
  } catch {
    return false;
  }
}

export default async function buildPushBench(): Promise<Figure[]> {
  const figures = await startFigures('build-push');
  if (canBuild()) return [...figures, ...(await buildTwice())];
  console.warn('  (no Docker engine, docker-registry or busybox: the build figures are left out)');
  return figures;
}
