import * as core from '@actions/core';
import {
  createSlot,
  deleteSlot,
  findSlot,
  mergeSettings,
  readImage,
  restartSlot,
  tierWithoutSlots,
  writeConfig,
  type SlotRef,
} from '../lib/app-service.js';
import { healthUrl, waitForContainer, waitUntilServes, type Restarted } from '../lib/app-service-wait.js';
import { appServiceClient } from '../lib/azure.js';
import { armDockerLog, containersBefore } from '../lib/azure-container.js';
import { findResourceGroup } from '../lib/azure-site.js';
import { InputError } from '../lib/errors.js';
import { newPhase, type Deployment, type Site } from './deployment.js';
import { proveKeyVaultReferences } from './key-vault.js';
import type { DeployAzureInputs } from './inputs.js';
import {
  afterFailedSwap,
  markChanged,
  putBackOrSay,
  readBefore,
  restoreInPlace,
  swapBack,
  swapReadBack,
  type Before,
} from './production.js';
import type { AzureReport } from './report.js';
import { rollbackState } from './state.js';

export async function deployAzure(inputs: DeployAzureInputs, report: AzureReport): Promise<void> {
  if (inputs.publishProfile) {
    const { deployByPublishProfile } = await import('./kudu.js');
    return deployByPublishProfile(inputs, inputs.publishProfile, report);
  }
  const { timeoutMs, intervalMs } = inputs.wait;
  // Reading the app before any change is bounded per request; each phase that changes or waits gets timeout.
  const requestTimeoutMs = inputs.target.requestTimeoutMs ?? 30_000;
  const bounds = { requestTimeoutMs, deadline: Date.now() + Math.max(timeoutMs, requestTimeoutMs) };
  const client = await appServiceClient(inputs.target, 'deploy-azure', bounds);
  const resourceGroup = inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app));
  const production: SlotRef = {
    client,
    resourceGroup,
    app: inputs.app,
    slot: 'production',
    deadline: bounds.deadline,
    intervalMs,
  };
  const slot = inputs.slot === 'production' ? production : { ...production, slot: inputs.slot };
  const deployment: Deployment = { inputs, production, slot, bounds, report };
  try {
    await deploy(deployment);
  } finally {
    // The post step of a cancelled run finds nothing to put back once this step has said how it ended.
    if (report.changed) rollbackState.clear();
  }
}

async function deploy(deployment: Deployment): Promise<void> {
  const { inputs, report } = deployment;
  // Everything is read before anything is changed: a missing app or slot fails with nothing touched.
  const app = await core.group('Read the app', () => readApp(deployment));
  if (inputs.mode === 'delete-slot') return removeSlot(deployment);
  const found = inputs.slot === 'production' ? app : await findSlot(deployment.slot);
  const { chosen, existing } = await slotOrInPlace(deployment, app, found);
  const before = await readImagesBefore(chosen, existing);
  const inPlace = chosen.slot === chosen.production;
  const productionBefore = inPlace ? await readBefore(chosen, settingsToWrite(inputs).size > 0) : undefined;

  newPhase(chosen);
  try {
    const target = await core.group(`Configure ${chosen.inputs.slot}`, () =>
      configure(chosen, existing, before, productionBefore),
    );
    report.slotUrl = `https://${target.defaultHostName}`;
    newPhase(chosen);
    report.slotProbe = await core.group(`Wait until ${chosen.inputs.slot} serves the new version`, () =>
      prove(chosen, target),
    );
  } catch (error) {
    if (!productionBefore || !report.changed) throw error;
    return putBackOrSay(chosen, error, () => restoreInPlace(chosen, productionBefore, app?.defaultHostName ?? ''));
  }
  report.webappUrl = report.slotUrl;
  if (chosen.inputs.swap) {
    newPhase(chosen);
    await swapIntoProduction(chosen, app);
  }
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
  deployment: Deployment,
  existing: Site | undefined,
  before: string,
  productionBefore: Before | undefined,
): Promise<Site & { restarted?: Restarted }> {
  const { inputs, slot, report } = deployment;
  report.changing = true;
  if (productionBefore) markChanged(deployment, 'in-place', productionBefore);
  let target = existing;
  if (!target) {
    target = await createSlot(slot, inputs.createSlotFrom);
    report.createdSlot = true;
  }
  report.settingsChanged = await mergeSettings(slot, settingsToWrite(inputs));
  if (report.settingsChanged.length) core.info(`App settings changed: ${report.settingsChanged.join(', ')}`);
  await proveKeyVaultReferences(slot, inputs.appSettings);
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

/**
 * Swaps the slot into production and verifies production serves the new version. From the swap's start on,
 * production is changed: a failure puts the previous version back (the slot holds it) or says what runs.
 */
async function swapIntoProduction(deployment: Deployment, app: Site | undefined): Promise<void> {
  const { inputs, report } = deployment;
  const host = app?.defaultHostName ?? '';
  markChanged(deployment, 'swap');
  await core.group(`Swap ${inputs.slot} into production`, async () => {
    const started = Date.now();
    try {
      await swapReadBack(deployment, inputs.image);
    } catch (error) {
      await afterFailedSwap(deployment, error, host);
    }
    report.swapMs = Date.now() - started;
    report.swapped = true;
    report.webappUrl = report.productionUrl;
    core.info(`Swapped ${inputs.slot} into production; ${inputs.slot} now holds ${report.previousImage}.`);
  });
  if (inputs.verify !== 'health') return;
  newPhase(deployment);
  try {
    report.productionProbe = await core.group('Verify production', () =>
      waitUntilServes(healthUrl(host, { ...inputs.wait, healthUrl: undefined }), inputs.wait, 'production'),
    );
  } catch (error) {
    await putBackOrSay(deployment, error, () => swapBack(deployment, host));
  }
}
