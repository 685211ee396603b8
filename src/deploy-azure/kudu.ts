import * as core from '@actions/core';
import { healthUrl, waitForContainer, waitUntilServes } from '../lib/app-service-wait.js';
import { containersBefore } from '../lib/azure-container.js';
import { kuduDockerLog, updateImageByKudu, type PublishProfile } from '../lib/azure-publish-profile.js';
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
  await core.group(`Set ${inputs.image} through Kudu`, () => updateImageByKudu(profile, inputs.image));
  core.notice(
    'Deployed with a publish profile: previous-image is not known (Kudu does not report the image that ran).',
  );
  const restarted = before && { log, image: inputs.image, before };
  const what = new URL(profile.site).host;
  if (inputs.verify === 'none') return;
  if (inputs.verify === 'container' && restarted) return waitForContainer(restarted, inputs.wait.timeoutMs, what);
  const host = new URL(profile.site).host;
  report.slotProbe = await core.group(`Wait until ${what} serves the new version`, () =>
    waitUntilServes(healthUrl(host, inputs.wait), inputs.wait, what, restarted),
  );
}
