import * as core from '@actions/core';
import { formatDuration } from '../lib/duration.js';
import { describe } from '../lib/errors.js';
import type { SmokeTestInputs } from './inputs.js';
import type { SmokeTestReport } from './outputs.js';
import { smokeTest, unhealthy } from './smoke.js';

/** Probes every URL (the inputs already valid), fills the report, and fails or warns as fail-on-error says. */
export async function probeEveryUrl(report: SmokeTestReport, inputs: SmokeTestInputs, started: number): Promise<void> {
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
