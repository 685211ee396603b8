import * as core from '@actions/core';
import { runStage } from '../lib/action.js';
import { formatDuration } from '../lib/duration.js';
import { describe } from '../lib/errors.js';
import { readInputs } from './inputs.js';
import { outputs, type SmokeTestReport } from './outputs.js';
import { smokeTest, unhealthy } from './smoke.js';
import { summary } from './summary.js';

/**
 * smoke-test: probe the deployed URLs until each answers as expected N times in a row, or time runs out.
 * `passed` is set only once probes ran, so a pipeline rolls back on `passed == 'false'` and never because
 * of a typo in the workflow (that fails the step with failure-reason invalid-input, passed left empty).
 */
export async function run(): Promise<void> {
  await runStage({ name: 'smoke-test', start: (): SmokeTestReport => ({}), run: probeEveryUrl, outputs, summary });
}

async function probeEveryUrl(report: SmokeTestReport): Promise<void> {
  const started = Date.now();
  const inputs = readInputs();
  report.inputs = inputs;
  const urls = await core.group('Probe', () => smokeTest(inputs));
  report.urls = urls;
  if (urls.every((url) => url.passed)) {
    core.info(`All URLs passed in ${formatDuration(Date.now() - started)}.`);
    return;
  }
  const error = unhealthy(urls);
  if (inputs.failOnError) throw error;
  // The pipeline decides: the step succeeds, and passed=false with failure-reason unhealthy say why.
  report.tolerated = true;
  core.warning(describe(error));
}
