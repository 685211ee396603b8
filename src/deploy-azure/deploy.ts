import * as core from '@actions/core';
import { appServiceClient } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import type { DeployAzureInputs } from './inputs.js';
import {
  createSlot,
  deleteSlot,
  findSlot,
  imageOf,
  mergeSettings,
  readConfig,
  restartSlot,
  swapWithProduction,
  writeConfig,
  type SlotRef,
} from './slot.js';
import { healthUrl, waitUntilServes, type Served } from './wait.js';

/** What a deployment did, for the outputs and the job summary. */
export interface AzureReport {
  app: string;
  slot: string;
  image: string;
  previousImage: string;
  webappUrl: string;
  slotUrl: string;
  createdSlot: boolean;
  settingsChanged: string[];
  slotProbe?: Served;
  swapped: boolean;
  swapMs?: number;
  productionProbe?: Served;
  deletedSlot?: boolean;
  error?: unknown;
}

export async function deployAzure(inputs: DeployAzureInputs): Promise<AzureReport> {
  const client = await appServiceClient(inputs.target, 'deploy-azure');
  const production: SlotRef = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
  const slot: SlotRef = { ...production, slot: inputs.slot };
  const report: AzureReport = {
    app: inputs.app,
    slot: inputs.slot,
    image: inputs.image,
    previousImage: '',
    webappUrl: '',
    slotUrl: '',
    createdSlot: false,
    settingsChanged: [],
    swapped: false,
  };

  // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
  const app = await core.group('Read the app', async () => {
    const found = await findSlot(production);
    report.webappUrl = `https://${found?.defaultHostName}`;
    return found;
  });
  if (inputs.mode === 'delete-slot') {
    report.deletedSlot = await core.group(`Delete slot ${inputs.slot}`, () => deleteSlot(slot));
    core.info(
      report.deletedSlot ? `Deleted slot ${inputs.slot}.` : `Slot ${inputs.slot} does not exist: nothing to delete.`,
    );
    return report;
  }
  let target = inputs.slot === 'production' ? app : await findSlot(slot);
  if (!target && !inputs.createSlot) {
    throw new InputError(
      `Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`,
      "Create it (az webapp deployment slot create), or set create-slot: true to create it from production's settings.",
    );
  }
  const before = target ? imageOf((await readConfig(slot)).linuxFxVersion) : '';
  const productionBefore = inputs.swap ? imageOf((await readConfig(production)).linuxFxVersion) : before;
  report.previousImage = inputs.swap ? productionBefore : before;

  try {
    await core.group(`Configure ${inputs.slot}`, async () => {
      if (!target) {
        target = await createSlot(slot, inputs.createSlotFrom);
        report.createdSlot = true;
      }
      const settings = new Map(inputs.appSettings);
      if (inputs.registry) {
        settings.set('DOCKER_REGISTRY_SERVER_URL', inputs.registry.url);
        if (inputs.registry.username) settings.set('DOCKER_REGISTRY_SERVER_USERNAME', inputs.registry.username);
        if (inputs.registry.password) settings.set('DOCKER_REGISTRY_SERVER_PASSWORD', inputs.registry.password);
      }
      report.settingsChanged = await mergeSettings(slot, settings);
      if (report.settingsChanged.length) core.info(`App settings changed: ${report.settingsChanged.join(', ')}`);
      await writeConfig(slot, {
        image: inputs.image,
        startupCommand: inputs.startupCommand,
        managedIdentityPull: inputs.managedIdentityPull,
      });
      core.info(`${inputs.slot}: ${before || '(new slot)'} → ${inputs.image}`);
      await restartSlot(slot);
    });
    report.slotUrl = `https://${target?.defaultHostName}`;
    report.slotProbe = await core.group(`Wait until ${inputs.slot} serves the new version`, () =>
      waitUntilServes(healthUrl(target?.defaultHostName ?? '', inputs.wait), inputs.wait, inputs.slot),
    );
    if (inputs.swap) {
      await core.group(`Swap ${inputs.slot} into production`, async () => {
        const started = Date.now();
        await swapWithProduction(slot, inputs.wait.intervalMs);
        report.swapMs = Date.now() - started;
        report.swapped = true;
        core.info(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${productionBefore}.`);
      });
      report.productionProbe = await core.group('Verify production', () =>
        waitUntilServes(
          healthUrl(app?.defaultHostName ?? '', { ...inputs.wait, healthUrl: undefined }),
          inputs.wait,
          'production',
        ),
      );
    }
  } catch (error) {
    report.error = error;
  }
  return report;
}
