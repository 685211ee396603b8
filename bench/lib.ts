import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script shared with the tests and the demo
import { node24 } from '../scripts/node24.mjs';
import {
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
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return performance.now() - started;
}

/** Milliseconds of a bare `node -e ''`. */
export const bareNode = () => timeToExit(node, ['-e', '']);

/** The bytes of an action's dist/: what a runner downloads and Node parses at every start. */
export function bundleSize(action: string): Figure {
  const dist = join(repoRoot, 'actions', action, 'dist');
  const bytes = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
  return { name: `bundle size of actions/${action}/dist`, value: bytes, unit: 'bytes' };
}

/**
 * Time from spawning the bundle to its exit when an input is invalid (what a mistyped workflow costs), median
 * of `runs`, each next to a bare Node start.
 */
async function coldStart(action: string, invalidInputs: Record<string, string>, runs = 9): Promise<Figure> {
  const env = stepEnvironment(invalidInputs, runnerFiles());
  const entry = join(repoRoot, 'actions', action, 'dist', 'index.js');
  const times: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(await bareNode());
    times.push(await timeToExit(node, [entry], env));
  }
  return compared(
    { name: 'cold start to exit on invalid input', value: median(times), unit: 'ms' },
    BARE_NODE,
    median(baseline),
  );
}

/** The figures every action has: its bundle size and its cold start on an invalid input. */
export async function startFigures(action: string, invalidInputs: Record<string, string>): Promise<Figure[]> {
  const start = await coldStart(action, invalidInputs);
  return [bundleSize(action), start];
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
