import * as core from '@actions/core';
import {
  containerAppsClient,
  deactivateRevision,
  readApp,
  readRevision,
  setTraffic,
  type AppRef,
} from '../lib/container-app.js';
import { labelled, usedBy, withoutLabel } from '../lib/container-app-traffic.js';
import { CloudError } from '../lib/errors.js';
import type { ContainerAppTeardownInputs } from './containerapp-inputs.js';
import type { ContainerAppTeardownReport } from './containerapp-teardown.js';

/**
 * Removes a label from a container app (one write of its traffic, every weight unchanged), then deactivates the
 * revision the label named when nothing else uses it: no traffic, no other label. A revision with production traffic is
 * never touched. A label not on the app is a success (a rerun of a closed pull request's teardown).
 */
export async function removeLabel(inputs: ContainerAppTeardownInputs, report: ContainerAppTeardownReport) {
  const ref: AppRef = {
    client: await containerAppsClient(inputs.target, 'deploy-azure'),
    resourceGroup: inputs.resourceGroup,
    app: inputs.app,
    intervalMs: inputs.wait.intervalMs,
    deadline: Date.now() + inputs.wait.timeoutMs,
  };
  const app = await readApp(ref);
  const fqdn = app.configuration?.ingress?.fqdn;
  report.appUrl = fqdn ? `https://${fqdn}` : undefined;
  report.revision = labelled(app, inputs.label);
  if (!report.revision) {
    report.outcome = 'absent';
    core.notice(`Label ${inputs.label} is not on ${inputs.app} (already removed): nothing to remove.`);
    return;
  }
  const revision = report.revision;
  await core.group(`Remove label ${inputs.label} from ${inputs.app}`, async () => {
    await setTraffic(ref, app.location ?? '', withoutLabel(app, inputs.label));
    report.outcome = 'removed';
  });
  const after = await readApp(ref);
  if (labelled(after, inputs.label) !== undefined)
    throw new CloudError(
      `ARM still shows label ${inputs.label} on ${inputs.app} after removing it.`,
      'LabelNotRemoved',
    );
  core.info(`Label ${inputs.label} removed (it named ${revision}).`);
  await core.group(`Retire ${revision}`, () => retire(ref, after, revision, report));
}

/** Deactivates the revision unless it takes traffic or another label names it (then it is said why it stays). */
async function retire(
  ref: AppRef,
  app: Awaited<ReturnType<typeof readApp>>,
  revision: string,
  report: ContainerAppTeardownReport,
) {
  report.kept = usedBy(app, revision);
  if (report.kept) {
    core.info(`${revision} stays active: ${report.kept}.`);
    return;
  }
  if (!(await readRevision(ref, revision)).active) {
    report.kept = 'it was already inactive';
    core.info(`${revision} is already inactive.`);
    return;
  }
  await deactivateRevision(ref, revision);
  report.deactivated = true;
  core.info(`Deactivated ${revision}: nothing else used it.`);
}
