import * as core from '@actions/core';
import { healthUrl, waitForContainer, waitUntilServes, type Restarted } from '../lib/app-service-wait.js';
import { containersBefore } from '../lib/azure-container.js';
import { kuduDockerLog, updateImageByKudu, type PublishProfile } from '../lib/azure-publish-profile.js';
import { CloudError } from '../lib/errors.js';
import type { DeployAzureInputs } from './inputs.js';
import type { AzureReport } from './report.js';

/**
 * A deployment with azure/webapps-deploy's publish profile: the image is set through the app's Kudu site (no Azure
 * Resource Manager login), then proven as any other deployment, from the health answer and Kudu's docker log.
 * What ran before is not known to Kudu: previous-image stays empty, so rollback needs it from elsewhere.
 */
export async function deployByPublishProfile(
  inputs: DeployAzureInputs,
  profile: PublishProfile,
  report: AzureReport,
): Promise<void> {
  report.webappUrl = report.slotUrl = report.productionUrl = profile.site;
  const log = kuduDockerLog(profile, inputs.app, inputs.wait.intervalMs);
  const before = await core.group('Read the docker log', () => containersBefore(log));
  report.changing = true;
  // A production site's profile (its user is $app; a slot's is $app__slot): setting the image changes production.
  const production = !profile.user.includes('__');
  const changed = () => {
    if (!production) return;
    report.changed = true;
    core.setOutput('changed', 'true');
  };
  try {
    await core.group(`Set ${inputs.image} through Kudu`, () => updateImageByKudu(profile, inputs.image));
  } catch (error) {
    // Kudu refused (nothing changed), or its answer was lost (the image may be set).
    if (error instanceof CloudError && error.code === 'NetworkError') changed();
    throw error;
  }
  changed();
  try {
    await prove(inputs, profile, report, before && { log, image: inputs.image, before });
  } catch (error) {
    if (production) {
      // Kudu does not say what ran before: nothing can be put back from here.
      report.endState = `app ${inputs.app} runs ${inputs.image}, which is NOT proven; rollback failed: the previous image is not known with a publish profile (run rollback with the image that ran before).`;
      core.error(report.endState);
    }
    throw error;
  }
}

async function prove(
  inputs: DeployAzureInputs,
  profile: PublishProfile,
  report: AzureReport,
  restarted: Restarted | undefined,
): Promise<void> {
  core.notice(
    'Deployed with a publish profile: previous-image is not known (Kudu does not report the image that ran).',
  );
  const what = new URL(profile.site).host;
  if (inputs.verify === 'none') return;
  if (inputs.verify === 'container' && restarted) return waitForContainer(restarted, inputs.wait.timeoutMs, what);
  const host = new URL(profile.site).host;
  report.slotProbe = await core.group(`Wait until ${what} serves the new version`, () =>
    waitUntilServes(healthUrl(host, inputs.wait), inputs.wait, what, restarted),
  );
}
