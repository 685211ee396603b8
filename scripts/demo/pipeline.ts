import type { ChildProcess } from 'node:child_process';
import { formatDuration } from '../../src/lib/duration.js';
import { runBundle, type StepResult } from '../../test/helpers/runner.js';
import { bold, dim, terminalMarkdown } from './markdown.js';

/**
 * Runs pipeline stages the way the runner runs a job's steps: each action's bundled dist/index.js with
 * INPUT_* variables and runner files. One progress line per stage, its job summary as a terminal shows
 * Markdown, and a row for the final table.
 */

/** The smoke test of the demo: /health answers healthy with the version expected, three times in a row. */
export const smokeInputs = (expected: string, url: string): Record<string, string> => ({
  url: `${url}/health`,
  'expect-json': `status=healthy\nversion=${expected}`,
  timeout: '5',
  interval: '0.3',
  backoff: '1',
  'consecutive-successes': '3',
  'fail-on-error': 'false',
});

/** smoke-test runs with fail-on-error: false: whether it passed is its `passed` output. */
export const smokePassed = (step: StepResult) => step.exitCode === 0 && step.outputs.passed === 'true';

export interface StageRow {
  release: string;
  stage: string;
  outcome: 'success' | 'failure' | 'skipped';
  ms: number;
}

export class Pipeline {
  readonly rows: StageRow[] = [];
  /** The step running now, to stop when the demo is interrupted. */
  private current?: ChildProcess;
  private stopped = false;

  constructor(private readonly options: { verbose: boolean }) {}

  async stage(
    release: string,
    action: string,
    what: string,
    inputs: Record<string, string>,
    env: Record<string, string>,
    /** Whether the step did its job, when its exit code does not say (smoke-test with fail-on-error: false). */
    passed: (step: StepResult) => boolean = (step) => step.exitCode === 0,
  ): Promise<StepResult & { passed: boolean }> {
    if (this.stopped) return new Promise(() => undefined);
    process.stdout.write(`  ${bold(action.padEnd(11))} ${what} ... `);
    const started = Date.now();
    const step = await runBundle(action, { inputs, env, onSpawn: (child) => (this.current = child) });
    this.current = undefined;
    // Interrupted: no outcome to report and no next stage; the demo is cleaning up and exiting.
    if (this.stopped) return new Promise(() => undefined);
    const ms = Date.now() - started;
    const outcome = passed(step) ? 'success' : 'failure';
    console.log(`${outcome === 'success' ? '✔' : '✘'} ${outcome} in ${formatDuration(ms)}`);
    this.rows.push({ release, stage: action, outcome, ms });
    if (this.options.verbose) console.log(step.log);
    const shown = step.summary.trim() ? terminalMarkdown(step.summary) : withoutSummary(step);
    console.log(`\n${shown.replace(/^/gm, '      ')}\n`);
    return { ...step, passed: outcome === 'success' };
  }

  /** Stops the running step and runs no further stage (Ctrl-C). */
  stop() {
    this.stopped = true;
    this.current?.kill('SIGTERM');
  }

  skip(release: string, action: string, why: string) {
    console.log(`  ${bold(action.padEnd(11))} ${dim(`skipped: ${why}`)}`);
    this.rows.push({ release, stage: action, outcome: 'skipped', ms: 0 });
  }

  table(): string {
    const mark = { success: '✔ ', failure: '✘ ', skipped: '- ' };
    // Releases named longer than a version (`containerapp 1.1.0`) widen the first column.
    const width = Math.max(9, ...this.rows.map((row) => row.release.length + 2));
    const stage = Math.max(12, ...this.rows.map((row) => row.stage.length + 2));
    return [
      `  ${'release'.padEnd(width)}${'stage'.padEnd(stage)}${'outcome'.padEnd(11)}duration`,
      ...this.rows.map(
        (row) =>
          `  ${row.release.padEnd(width)}${row.stage.padEnd(stage)}${(mark[row.outcome] + row.outcome).padEnd(11)}${row.outcome === 'skipped' ? '' : formatDuration(row.ms)}`,
      ),
    ].join('\n');
  }
}

/**
 * A step that wrote no job summary ended before its stage could (a bundle that does not load, say, while
 * `npm run build` rewrites dist/): the end of its log is the only place that says why.
 */
function withoutSummary(step: StepResult): string {
  const lines = step.log.split('\n').filter((line) => line.trim() !== '');
  const errors = lines.filter((line) => /^(::error\b|\w*Error\b)/.test(line));
  const shown = errors.length > 0 ? errors.slice(0, 8) : lines.slice(-8);
  const what = errors.length > 0 ? 'its errors' : 'the end of its log';
  return [`no job summary (exit ${step.exitCode}); ${what}:`, ...shown.map((line) => dim(`  ${line}`))].join('\n');
}
