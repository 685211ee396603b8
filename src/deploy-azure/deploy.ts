import * as core from '@actions/core';
import {
  createSlot,
  deleteSlot,
  findSlot,
  mergeSettings,
  readImage,
  restartSlot,
  swapWithProduction,
  tierWithoutSlots,
  writeConfig,
  type SlotRef,
} from '../lib/app-service.js';
import { healthUrl, waitForContainer, waitUntilServes, type Restarted } from '../lib/app-service-wait.js';
import { appServiceClient } from '../lib/azure.js';
import { armDockerLog, containersBefore } from '../lib/azure-container.js';
import { findResourceGroup } from '../lib/azure-site.js';
import { InputError } from '../lib/errors.js';
import type { DeployAzureInputs } from './inputs.js';
import type { AzureReport } from './report.js';

/** One deployment: its inputs, the app and the slot it changes, and the report it fills as it goes. */
interface Deployment {
  inputs: DeployAzureInputs;
  production: SlotRef;
  slot: SlotRef;
  report: AzureReport;
}

type Site = { defaultHostName: string };

export async function deployAzure(inputs: DeployAzureInputs, report: AzureReport): Promise<void> {
  if (inputs.publishProfile) {
    const { deployByPublishProfile } = await import('./kudu.js');
    return deployByPublishProfile(inputs, inputs.publishProfile, report);
  }
  const client = await appServiceClient(inputs.target, 'deploy-azure');
  const resourceGroup = inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app));
  const { timeoutMs, intervalMs } = inputs.wait;
  const deadline = Date.now() + timeoutMs;
  const production: SlotRef = { client, resourceGroup, app: inputs.app, slot: 'production', deadline, intervalMs };
  const deployment: Deployment = { inputs, production, slot: { ...production, slot: inputs.slot }, report };

  // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
  const app = await core.group('Read the app', () => readApp(deployment));
  if (inputs.mode === 'delete-slot') return removeSlot(deployment);
  const found = inputs.slot === 'production' ? app : await findSlot(deployment.slot);
  const { chosen, existing } = await slotOrInPlace(deployment, app, found);
  const before = await readImagesBefore(chosen, existing);

  const target = await core.group(`Configure ${chosen.inputs.slot}`, () => configure(chosen, existing, before));
  report.slotUrl = `https://${target.defaultHostName}`;
  report.slotProbe = await core.group(`Wait until ${chosen.inputs.slot} serves the new version`, () =>
    proveOrPutBack(chosen, target),
  );
  report.webappUrl = report.slotUrl;
  if (chosen.inputs.swap)
    await swapIntoProduction({ ...chosen, slot: { ...chosen.slot, deadline: Date.now() + timeoutMs } }, app);
}

/**
 * On a plan without deployment slots (Free, Shared, Basic) a missing slot cannot be created: the image is deployed
 * in place to production instead, proven, and put back to the previous one when it does not serve.
 */
async function slotOrInPlace(
  deployment: Deployment,
  app: (Site & { serverFarmId?: string }) | undefined,
  found: Site | undefined,
): Promise<{ chosen: Deployment; existing: Site | undefined }> {
  const { inputs, production, report } = deployment;
  if (found || inputs.slot === 'production') return { chosen: deployment, existing: found };
  const tier = await tierWithoutSlots(production, app?.serverFarmId);
  if (!tier) return { chosen: deployment, existing: found };
  core.warning(
    `The plan of ${inputs.app} is ${tier}, which has no deployment slots: deploying in place to production (not to '${inputs.slot}'), and putting the previous image back if the new one does not serve.`,
  );
  report.slot = 'production';
  report.inPlace = true;
  const chosen = { ...deployment, inputs: { ...inputs, slot: 'production', swap: false }, slot: production };
  return { chosen, existing: app };
}

/** Waits until the slot serves; in place, a failure puts the previous image back on production before it is told. */
async function proveOrPutBack(deployment: Deployment, target: Site & { restarted?: Restarted }) {
  const { inputs, slot, report } = deployment;
  try {
    return await prove(deployment, target);
  } catch (error) {
    if (!report.inPlace || !report.previousImage) throw error;
    core.info(`Putting ${report.previousImage} back on production`);
    await writeConfig({ ...slot, deadline: Date.now() + inputs.wait.timeoutMs }, { image: report.previousImage });
    await restartSlot(slot);
    report.putBack = true;
    throw error;
  }
}

/** Proves the slot as `verify` says: its health answer (and docker log), its docker log only, or not at all. */
async function prove({ inputs }: Deployment, target: Site & { restarted?: Restarted }) {
  const { wait, slot } = inputs;
  if (inputs.verify === 'none') {
    core.warning(`verify: none: ${slot} was restarted with the new image; nothing proves it serves.`);
    return undefined;
  }
  if (inputs.verify === 'container') {
    if (!target.restarted)
      throw new InputError(
        "verify: container needs the slot's docker log, which cannot be read here.",
        'Use verify: health.',
      );
    await waitForContainer(target.restarted, wait.timeoutMs, slot);
    return undefined;
  }
  return waitUntilServes(healthUrl(target.defaultHostName, wait), wait, slot, target.restarted);
}

async function readApp({ production, report }: Deployment): Promise<Site | undefined> {
  const found = await findSlot(production);
  report.productionUrl = `https://${found?.defaultHostName}`;
  return found;
}

async function removeSlot({ inputs, slot, report }: Deployment): Promise<void> {
  report.deletedSlot = await core.group(`Delete slot ${inputs.slot}`, () => deleteSlot(slot));
  core.info(
    report.deletedSlot ? `Deleted slot ${inputs.slot}.` : `Slot ${inputs.slot} does not exist: nothing to delete.`,
  );
}

/**
 * The slot's image before the deployment ('' for a slot still to be created), and the previous image for the
 * outputs: production's when the slot is swapped into it, else the slot's.
 */
async function readImagesBefore(
  { inputs, production, slot, report }: Deployment,
  existing: Site | undefined,
): Promise<string> {
  if (!existing && !inputs.createSlot) {
    throw new InputError(
      `Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`,
      "Create it (az webapp deployment slot create), or set create-slot: true to create it from production's settings.",
    );
  }
  const before = existing ? await readImage(slot) : '';
  report.previousImage = inputs.swap ? await readImage(production) : before;
  return before;
}

/** Creates the slot when asked, merges its settings, sets the image and restarts it. Returns the slot. */
async function configure(
  { inputs, slot, report }: Deployment,
  existing: Site | undefined,
  before: string,
): Promise<Site & { restarted?: Restarted }> {
  report.changing = true;
  let target = existing;
  if (!target) {
    target = await createSlot(slot, inputs.createSlotFrom);
    report.createdSlot = true;
  }
  report.settingsChanged = await mergeSettings(slot, settingsToWrite(inputs));
  if (report.settingsChanged.length) core.info(`App settings changed: ${report.settingsChanged.join(', ')}`);
  await writeConfig(slot, {
    image: inputs.image,
    startupCommand: inputs.startupCommand,
    managedIdentityPull: inputs.managedIdentityPull,
  });
  core.info(`${inputs.slot}: ${before || '(new slot)'} → ${inputs.image}`);
  const log = armDockerLog(slot);
  const containers = await containersBefore(log);
  await restartSlot(slot);
  return { ...target, restarted: containers && { log, image: inputs.image, before: containers } };
}

/** app-settings, with the registry login as the DOCKER_REGISTRY_SERVER_* settings App Service pulls with. */
function settingsToWrite({ appSettings, registry }: DeployAzureInputs): Map<string, string> {
  const settings = new Map(appSettings);
  if (registry) {
    settings.set('DOCKER_REGISTRY_SERVER_URL', registry.url);
    if (registry.username) settings.set('DOCKER_REGISTRY_SERVER_USERNAME', registry.username);
    if (registry.password) settings.set('DOCKER_REGISTRY_SERVER_PASSWORD', registry.password);
  }
  return settings;
}

async function swapIntoProduction({ inputs, slot, report }: Deployment, app: Site | undefined): Promise<void> {
  await core.group(`Swap ${inputs.slot} into production`, async () => {
    const started = Date.now();
    await swapWithProduction(slot);
    report.swapMs = Date.now() - started;
    report.swapped = true;
    report.webappUrl = report.productionUrl;
    core.info(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
  });
  if (inputs.verify !== 'health') return;
  report.productionProbe = await core.group('Verify production', () =>
    waitUntilServes(
      healthUrl(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }),
      inputs.wait,
      'production',
    ),
  );
}
