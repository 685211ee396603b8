import { runStage } from '../lib/action.js';
import { readInputs } from './inputs.js';
import { outputs, type SmokeTestReport } from './outputs.js';
import { summary } from './summary.js';

/**
 * smoke-test: probe the deployed URLs until each answers as expected N times in a row, or time runs out.
 * `passed` is set only once probes ran, so a pipeline rolls back on `passed == 'false'` and never because
 * of a typo in the workflow (that fails the step with failure-reason invalid-input, passed left empty).
 * The probes are loaded once the inputs are valid, so a mistyped input fails in the time of a bare node start.
 */
export async function run(): Promise<void> {
  await runStage({
    name: 'smoke-test',
    start: (): SmokeTestReport => ({}),
    async run(report) {
      const started = Date.now();
      report.inputs = readInputs();
      const { probeEveryUrl } = await import('./probe-urls.js');
      await probeEveryUrl(report, report.inputs, started);
    },
    outputs,
    summary,
  });
}
