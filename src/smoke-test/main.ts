import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { describe, RolloutFailed } from '../lib/errors.js';
import { formatDuration } from '../lib/duration.js';
import { latencyStats } from '../lib/probe.js';
import { writeSummary } from '../lib/summary.js';
import { readInputs } from './inputs.js';
import { smokeTest, toJson } from './smoke.js';
import { summarise } from './summary.js';

/**
 * smoke-test: probe the deployed URLs until each answers as expected N times in a row, or time runs out.
 * `passed` is set only once probes ran, so a pipeline rolls back on `passed == 'false'` and never because
 * of a typo in the workflow (that fails the step with failure-reason invalid-input, passed left empty).
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const started = Date.now();
    const inputs = readInputs();
    const reports = await core.group('Probe', () => smokeTest(inputs));

    const passed = reports.every((report) => report.passed);
    const passing = reports.flatMap((report) => report.results.filter((r) => r.passed).map((r) => r.latencyMs));
    core.setOutput('passed', String(passed));
    core.setOutput('attempts', String(reports.reduce((sum, report) => sum + report.attempts, 0)));
    core.setOutput('latency-ms', JSON.stringify(latencyStats(passing)));
    core.setOutput('report', JSON.stringify(reports.map(toJson)));
    writeSummary(summarise(reports, inputs.expectations, inputs.consecutiveSuccesses, Date.now() - started));
    if (passed) {
      core.info(`All URLs passed in ${formatDuration(Date.now() - started)}.`);
      return;
    }

    const failed = reports.filter((report) => !report.passed);
    const error = new RolloutFailed(
      `The smoke test failed: ${failed
        .map(
          (r) =>
            `${r.url} ${r.ended === 'timeout' ? 'timed out' : 'used its attempts'} after ${r.attempts} attempts, last: ${r.results.at(-1)?.failures.join('; ')}`,
        )
        .join('; ')}.`,
      'The deployed version does not answer as expected: roll back (actions/rollback), or raise timeout if it only starts slowly.',
      { reason: 'unhealthy' },
    );
    if (inputs.failOnError) throw error;
    core.setOutput('failure-reason', 'unhealthy');
    core.warning(describe(error));
  });
}
