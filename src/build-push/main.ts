import { runStage, type Stage } from '../lib/action.js';
import { readInputs } from './inputs.js';
import { outputs, type BuildPushOutput } from './outputs.js';
import type { BuildPushReport } from './report.js';
import { summary } from './summary.js';

/**
 * build-push: log in to the registry, compute the tags, build (buildx when present, else docker build),
 * push, and report the immutable `image@digest` that every later stage should deploy. Docker, the registry
 * clients and the tag rules are loaded once the inputs are valid: a mistyped input fails at once.
 */
const buildPush: Stage<BuildPushReport, BuildPushOutput> = {
  name: 'build-push',
  start: () => ({}),
  async run(report) {
    // Date.now, not performance.now: the `performance` global loads perf_hooks, paid before a mistyped input fails.
    const started = Date.now();
    report.inputs = readInputs();
    const { buildAndPush } = await import('./build-and-push.js');
    await buildAndPush(report, report.inputs, started);
  },
  outputs,
  summary,
};

export async function run(): Promise<void> {
  await runStage(buildPush);
}
