import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import { buildContext, removeImages } from '../test/build-push/context.js';
import { startRegistry } from '../test/fakes/registry/index.js';
import { median, timeToExit, type Figure } from './lib.js';

const dist = join(import.meta.dirname, '..', 'actions', 'build-push', 'dist');

function bundleBytes(): number {
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function runnerEnv(dir: string, inputs: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  for (const name of ['output', 'state', 'summary']) writeFileSync(join(dir, name), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo-org/hello-service',
    GITHUB_SERVER_URL: 'https://github.com',
    ...extra,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** Time from spawning the bundle to its exit when an input is invalid: what a mistyped workflow costs. */
async function coldStart(node: string): Promise<{ action: number; baseline: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  const env = runnerEnv(dir, { image: 'ghcr.io/octo-org/Web:latest' });
  const action: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 9; i++) {
    baseline.push(await timeToExit(node, ['-e', '']));
    action.push(await timeToExit(node, [join(dist, 'index.js')], env));
  }
  rmSync(dir, { recursive: true, force: true });
  return { action: median(action), baseline: median(baseline) };
}

/**
 * Two build-pushes of the same unchanged context to a local registry. A `docker` wrapper first on PATH records
 * how long each docker command took, so the action's own overhead is its wall time minus Docker's.
 */
async function buildTwice(node: string): Promise<Figure[]> {
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'bench-build-push-'));
  const times = join(dir, 'docker-times');
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\ns=$(date +%s%N)\n"${real}" "$@"\nrc=$?\necho $(( $(date +%s%N) - s )) >> "${times}"\nexit $rc\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  const label = `bench.build-push.run=${crypto.randomUUID()}`;
  const registry = await startRegistry();
  const context = buildContext(label);
  try {
    const runs: { wall: number; docker: number }[] = [];
    for (let i = 0; i < 2; i++) {
      writeFileSync(times, '');
      const env = runnerEnv(
        dir,
        { image: `${registry.host}/bench/web`, context: context.dir, network: 'host', labels: label },
        { PATH: `${dir}:${process.env.PATH}`, DOCKER_CONFIG: dir },
      );
      const wall = await timeToExit(node, [join(dist, 'index.js')], env);
      if (!readFileSync(join(dir, 'output'), 'utf8').includes('digest<<')) throw new Error('build-push failed');
      const docker = readFileSync(times, 'utf8')
        .split('\n')
        .filter(Boolean)
        .reduce((sum, ns) => sum + Number(ns) / 1e6, 0);
      runs.push({ wall, docker });
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    return [
      { name: 'first build-push (cold cache)', value: first.wall, unit: 'ms' },
      {
        name: 'second build-push of the unchanged context',
        value: second.wall,
        unit: 'ms',
        baseline: 'the first',
        ratio: second.wall / first.wall,
      },
      {
        name: "action's own overhead (wall minus docker commands), 2nd run",
        value: second.wall - second.docker,
        unit: 'ms',
        baseline: 'its wall time',
        ratio: (second.wall - second.docker) / second.wall,
      },
    ];
  } finally {
    removeImages(label, [registry.host]);
    await registry.stop();
    context.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function buildPushBench(): Promise<Figure[]> {
  const node = node24() as string;
  const start = await coldStart(node);
  const figures: Figure[] = [
    { name: 'bundle size of actions/build-push/dist', value: bundleBytes(), unit: 'bytes' },
    {
      name: 'cold start to exit on invalid input',
      value: start.action,
      unit: 'ms',
      baseline: "node -e ''",
      ratio: start.action / start.baseline,
    },
  ];
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
    execFileSync('docker-registry', ['--version'], { stdio: 'ignore' });
  } catch {
    console.warn('  (no Docker engine or docker-registry: the build figures are left out)');
    return figures;
  }
  return [...figures, ...(await buildTwice(node))];
}
