import { runStage, type Stage } from '../lib/action.js';
import { readContainerAppMode, readTarget } from './containerapp-inputs.js';
import { readInputs } from './inputs.js';
import { outputs, type DeployAzureOutput } from './outputs.js';
import { emptyReport, type AzureReport } from './report.js';
import { summarise } from './summary.js';

/**
 * deploy-azure: set the image and settings of an App Service slot, restart it, wait until it serves the new
 * version, swap it into production and verify production. Or, with mode delete-slot, tear a preview slot down.
 */
export const deployAzureStage: Stage<AzureReport, DeployAzureOutput> = {
  name: 'deploy-azure',
  start: emptyReport,
  async run(report) {
    const inputs = readInputs();
    Object.assign(report, { app: inputs.app, slot: inputs.slot, image: inputs.image });
    const { deployAzure } = await import('./deploy.js');
    await deployAzure(inputs, report);
  },
  outputs,
  summary: summarise,
};

export async function run(): Promise<void> {
  // target: containerapp (or containerAppName given) is a stage of its own: revisions, labels and traffic.
  if (readTarget() === 'containerapp') {
    if (readContainerAppMode() === 'teardown') {
      // mode: teardown removes a pull request preview's label (containerapp-teardown.ts).
      const { containerAppTeardownStage } = await import('./containerapp-teardown.js');
      return runStage(containerAppTeardownStage);
    }
    const { containerAppStage } = await import('./containerapp.js');
    return runStage(containerAppStage);
  }
  await runStage(deployAzureStage);
}
