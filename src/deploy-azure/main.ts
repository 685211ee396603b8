import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { describe } from '../lib/errors.js';
import { writeSummary } from '../lib/summary.js';
import { readInputs } from './inputs.js';
import { summarise } from './summary.js';

/**
 * deploy-azure: set the image and settings of an App Service slot, restart it, wait until it serves the new
 * version, swap it into production and verify production. Or, with mode delete-slot, tear a preview slot down.
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const started = Date.now();
    const inputs = readInputs();
    const { deployAzure } = await import('./deploy.js');
    const report = await deployAzure(inputs).catch((error: unknown) => {
      // Failed while reading the app, before any change: the summary says so too.
      writeSummary({
        stage: 'deploy-azure',
        outcome: 'failure',
        headline: describe(error),
        facts: [
          ['App', inputs.app],
          ['Slot', inputs.slot],
          ['Changed', 'nothing'],
        ],
      });
      throw error;
    });

    core.setOutput('webapp-url', report.webappUrl);
    core.setOutput('slot-url', report.slotUrl);
    core.setOutput('previous-image', report.previousImage);
    core.setOutput('image', report.image);
    core.setOutput('swapped', String(report.swapped));
    writeSummary(summarise(report, Date.now() - started));
    if (report.error) throw report.error;
  });
}
