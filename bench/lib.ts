import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import {
  distFiles,
  readStep,
  repoRoot,
  runBundle,
  runnerFiles,
  stepEnvironment,
  type BundleRun,
  type StepResult,
} from '../test/helpers/runner.js';

/**
 * What every benchmark measures the same way. Actions run through test/helpers/runner.ts, as the bundle tests
 * run them: Node 24, INPUT_* variables, the runner files.
 */

/** One figure a benchmark reports. `ratio` compares it with a baseline measured in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the ratio is against, e.g. "node -e ''". */
  baseline?: string;
  ratio?: number;
}

export type Benchmark = () => Promise<Figure[]>;

/** The Node the runner starts an action with (`runs.using: node24`). */
export const node = node24() as string;

/** The bare start of that Node, which cold starts are compared with. */
export const BARE_NODE = "node -e ''";

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A figure with its ratio to a baseline value of the same unit. */
export function compared(figure: Omit<Figure, 'ratio' | 'baseline'>, baseline: string, baselineValue: number): Figure {
  return { ...figure, baseline, ratio: figure.value / baselineValue };
}

/** Milliseconds from spawning a command to its exit. */
export async function timeToExit(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await exitOf(command, args, env);
  return performance.now() - started;
}

/** Spawns a command, output ignored, and resolves with its exit code. */
function exitOf(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Milliseconds of a bare `node -e ''`. */
export const bareNode = () => timeToExit(node, ['-e', '']);

/**
 * The size of the anchor deploy-ecs is measured against: the dist/ of aws-actions/amazon-ecs-deploy-task-definition
 * (its 17 files at commit c465972, July 2026), the action deploy-ecs replaces.
 */
export const ANCHOR_DEPLOY_ECS = { name: "aws-actions/amazon-ecs-deploy-task-definition's dist/", bytes: 3_031_232 };

/**
 * One mistyped input per action, refused by its input checks before anything else: what the cold start to exit
 * measures. Each is what a user could write by mistake.
 */
export const INVALID_INPUTS: Record<string, Record<string, string>> = {
  'build-push': { image: 'ghcr.io/octo-org/Web:latest' },
  'deploy-azure': { 'app-name': 'hello', 'resource-group-name': 'rg-web', images: 'Not An Image' },
  'deploy-ecs': { 'task-definition': 'td.json', service: 'web', 'wait-for-minutes': 'soon' },
  gitops: {
    repository: 'org/config',
    files: 'a.yaml',
    images: 'web=x/y:1',
    'argocd-server': 'https://argocd.example.com',
    application: 'web',
    timeout: 'soon',
  },
  preview: { state: 'deployed' },
  rollback: { target: 'kubernetes' },
  'smoke-test': { url: 'http://127.0.0.1:9/health', 'expect-status': 'healthy' },
  terraform: { command: 'deploy' },
};

/** The bytes of an action's dist/: what a runner downloads and Node parses at every start. */
export function bundleSize(action: string): Figure {
  const dist = join(repoRoot, 'actions', action, 'dist');
  const bytes = distFiles(action).reduce((sum, file) => sum + statSync(join(dist, file)).size, 0);
  return { name: `bundle size of actions/${action}/dist`, value: bytes, unit: 'bytes' };
}

/** The bytes of an action's entry, dist/index.js: what Node parses before the inputs are checked. */
export function entrySize(action: string): Figure {
  const bytes = statSync(join(repoRoot, 'actions', action, 'dist', 'index.js')).size;
  return { name: `entry actions/${action}/dist/index.js`, value: bytes, unit: 'bytes' };
}

/**
 * Time from spawning each bundle to its exit on its mistyped input (INVALID_INPUTS), next to a bare Node start
 * measured in the same rounds: each round runs the bare start, then every action once, so a busy machine slows the
 * baseline and the actions alike. Two figures per action: the median of `runs`, and the fastest run against the
 * fastest bare start (the cost with the least interference from other work on the machine). The step must fail
 * with failure-reason invalid-input, or the figure measured something else.
 */
export async function coldStarts(actions: string[], runs = 9): Promise<{ bare: number; figures: Figure[] }> {
  const times = new Map(actions.map((action) => [action, [] as number[]]));
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await bareNode());
    for (const action of actions) times.get(action)?.push(await invalidStart(action));
  }
  const bare = median(baseline);
  const figures = actions.flatMap((action) => {
    const samples = times.get(action) ?? [];
    const name = `${action}: cold start to exit on invalid input`;
    return [
      compared({ name: `${name}, median of ${runs}`, value: median(samples), unit: 'ms' }, BARE_NODE, bare),
      compared(
        { name: `${name}, fastest of ${runs}`, value: Math.min(...samples), unit: 'ms' },
        `${BARE_NODE}, fastest`,
        Math.min(...baseline),
      ),
    ];
  });
  return { bare, figures };
}

async function invalidStart(action: string): Promise<number> {
  const inputs = INVALID_INPUTS[action];
  if (!inputs) throw new Error(`bench/lib.ts has no INVALID_INPUTS for ${action}`);
  const files = runnerFiles();
  const entry = join(repoRoot, 'actions', action, 'dist', 'index.js');
  const started = performance.now();
  const exitCode = await exitOf(node, [entry], stepEnvironment(inputs, files));
  const ms = performance.now() - started;
  const failure = readStep(files).outputs['failure-reason'];
  if (exitCode !== 1 || failure !== 'invalid-input')
    throw new Error(`${action} did not refuse its invalid input (exit ${exitCode}, failure-reason ${failure})`);
  return ms;
}

/** The figures every action has: its bundle size, its entry's size and its cold start on an invalid input. */
export async function startFigures(action: string): Promise<Figure[]> {
  const { figures } = await coldStarts([action]);
  return [bundleSize(action), entrySize(action), ...figures];
}

export interface TimedStep extends StepResult {
  /** When the step was spawned and when it exited, ms since the epoch (to compare with a fake's clock). */
  startedAt: number;
  endedAt: number;
  /** Wall time of the step, ms. */
  ms: number;
}

/** Runs an action's bundle as the runner does (test/helpers/runner.ts) and times it. */
export async function timedStep(action: string, run: BundleRun = {}): Promise<TimedStep> {
  let startedAt = Number.NaN;
  let started = Number.NaN;
  const step = await runBundle(action, {
    ...run,
    onSpawn: (child) => {
      [startedAt, started] = [Date.now(), performance.now()];
      run.onSpawn?.(child);
    },
  });
  return { ...step, startedAt, endedAt: Date.now(), ms: performance.now() - started };
}

/** How many of each, e.g. requests by operation: "DescribeServices 8, UpdateService 1". */
export function tally<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} ${n}`).join(', ');
}
