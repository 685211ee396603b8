import * as core from '@actions/core';
import {
  createSlot,
  deleteSlot,
  findSlot,
  mergeSettings,
  readImage,
  restartSlot,
  swapWithProduction,
  writeConfig,
  type SlotRef,
} from '../lib/app-service.js';
import { healthUrl, waitUntilServes } from '../lib/app-service-wait.js';
import { appServiceClient } from '../lib/azure.js';
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
  const client = await appServiceClient(inputs.target, 'deploy-azure');
  const production: SlotRef = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
  const deployment: Deployment = { inputs, production, slot: { ...production, slot: inputs.slot }, report };

  // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
  const app = await core.group('Read the app', () => readApp(deployment));
  if (inputs.mode === 'delete-slot') return removeSlot(deployment);
  const existing = inputs.slot === 'production' ? app : await findSlot(deployment.slot);
  const before = await readImagesBefore(deployment, existing);

  const target = await core.group(`Configure ${inputs.slot}`, () => configure(deployment, existing, before));
  report.slotUrl = `https://${target.defaultHostName}`;
  report.slotProbe = await core.group(`Wait until ${inputs.slot} serves the new version`, () =>
    waitUntilServes(healthUrl(target.defaultHostName, inputs.wait), inputs.wait, inputs.slot),
  );
  if (inputs.swap) await swapIntoProduction(deployment, app);
}

async function readApp({ production, report }: Deployment): Promise<Site | undefined> {
  const found = await findSlot(production);
  report.webappUrl = `https://${found?.defaultHostName}`;
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
): Promise<Site> {
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
  await restartSlot(slot);
  return target;
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
    await swapWithProduction(slot, inputs.wait.intervalMs);
    report.swapMs = Date.now() - started;
    report.swapped = true;
    core.info(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
  });
  report.productionProbe = await core.group('Verify production', () =>
    waitUntilServes(
      healthUrl(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }),
      inputs.wait,
      'production',
    ),
  );
}
