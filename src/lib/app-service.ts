import * as core from '@actions/core';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { azure, isNotFound } from './azure.js';
import { InputError } from './errors.js';

/**
 * One App Service slot through ARM, for deploy-azure and rollback: the app itself when the slot is
 * 'production'. Every call names itself in errors (azure()), so a failure says which ARM operation it was.
 */

export interface SlotRef {
  client: WebSiteManagementClient;
  resourceGroup: string;
  app: string;
  slot: string;
}

/** The longest app name App Service takes; a slot's name leaves room for the hyphen that joins them. */
export const APP_NAME_MAX = 60;
export const SLOT_NAME_MAX = 59;

/** App and slot names as App Service allows them; checked so a typo fails before a request. */
export function checkAppServiceName(input: string, value: string, max: number): string {
  if (!new RegExp(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,${max - 1}}$`).test(value) || value.endsWith('-')) {
    throw new InputError(
      `Input '${input}' is not an App Service name: '${value}'.`,
      `Use letters, digits and hyphens (at most ${max}), not starting or ending with a hyphen.`,
    );
  }
  return value;
}

const isProduction = (ref: SlotRef) => ref.slot === 'production';
const label = (ref: SlotRef) => (isProduction(ref) ? ref.app : `${ref.app}/${ref.slot}`);

/** The image of a container app's linuxFxVersion (`DOCKER|<image>`). */
export const imageOf = (linuxFxVersion: string | undefined) => (linuxFxVersion ?? '').replace(/^DOCKER\|/i, '');

/** The slot's default host name, or undefined when it does not exist. */
export async function findSlot(ref: SlotRef): Promise<{ defaultHostName: string } | undefined> {
  const { client, resourceGroup, app, slot } = ref;
  try {
    const site = await azure(`Get ${label(ref)}`, () =>
      isProduction(ref) ? client.webApps.get(resourceGroup, app) : client.webApps.getSlot(resourceGroup, app, slot),
    );
    return { defaultHostName: site.defaultHostName ?? '' };
  } catch (error) {
    if (isNotFound(error) && !isProduction(ref)) return undefined;
    throw error;
  }
}

export async function readConfig(ref: SlotRef) {
  const { client, resourceGroup, app, slot } = ref;
  return azure(`Get config/web of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.getConfiguration(resourceGroup, app)
      : client.webApps.getConfigurationSlot(resourceGroup, app, slot),
  );
}

/** The image the slot is configured to run ('' when it names none). */
export async function readImage(ref: SlotRef): Promise<string> {
  return imageOf((await readConfig(ref)).linuxFxVersion);
}

export async function readSettings(ref: SlotRef): Promise<Record<string, string>> {
  const { client, resourceGroup, app, slot } = ref;
  const answer = await azure(`List app settings of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.listApplicationSettings(resourceGroup, app)
      : client.webApps.listApplicationSettingsSlot(resourceGroup, app, slot),
  );
  return { ...answer.properties };
}

export interface ConfigChange {
  image: string;
  startupCommand?: string;
  managedIdentityPull?: boolean;
}

export async function writeConfig(ref: SlotRef, change: ConfigChange): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  const config = {
    linuxFxVersion: `DOCKER|${change.image}`,
    ...(change.startupCommand !== undefined ? { appCommandLine: change.startupCommand } : {}),
    ...(change.managedIdentityPull ? { acrUseManagedIdentityCreds: true } : {}),
  };
  await azure(`Update config/web of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.updateConfiguration(resourceGroup, app, config)
      : client.webApps.updateConfigurationSlot(resourceGroup, app, slot, config),
  );
}

/**
 * Merges settings into the slot's set. The API's PUT replaces the whole set, so the current one is read
 * first and written back with the changes; nothing is written when nothing changes. Returns the keys changed.
 */
export async function mergeSettings(ref: SlotRef, changes: Map<string, string>): Promise<string[]> {
  if (changes.size === 0) return [];
  const current = await readSettings(ref);
  const changed = [...changes].filter(([key, value]) => current[key] !== value).map(([key]) => key);
  if (changed.length === 0) return [];
  const properties = { ...current, ...Object.fromEntries(changes) };
  const { client, resourceGroup, app, slot } = ref;
  await azure(`Update app settings of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.updateApplicationSettings(resourceGroup, app, { properties })
      : client.webApps.updateApplicationSettingsSlot(resourceGroup, app, slot, { properties }),
  );
  return changed;
}

export async function restartSlot(ref: SlotRef): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  await azure(`Restart ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.restart(resourceGroup, app)
      : client.webApps.restartSlot(resourceGroup, app, slot),
  );
}

/** Creates the slot in the app's plan with the config and app settings of `from` (production or a slot). */
export async function createSlot(ref: SlotRef, from: string): Promise<{ defaultHostName: string }> {
  const { client, resourceGroup, app, slot } = ref;
  const source = { ...ref, slot: from };
  const site = await azure(`Get ${app}`, () => client.webApps.get(resourceGroup, app));
  const config = await readConfig(source);
  const settings = await readSettings(source);
  const created = await azure(`Create slot ${label(ref)}`, () =>
    client.webApps.beginCreateOrUpdateSlotAndWait(resourceGroup, app, slot, {
      location: site.location ?? '',
      serverFarmId: site.serverFarmId,
      siteConfig: {
        linuxFxVersion: config.linuxFxVersion,
        appCommandLine: config.appCommandLine,
        alwaysOn: config.alwaysOn,
      },
    }),
  );
  if (Object.keys(settings).length) await mergeSettings(ref, new Map(Object.entries(settings)));
  core.info(`Created slot ${slot} with the config and ${Object.keys(settings).length} app settings of ${from}`);
  return { defaultHostName: created.defaultHostName ?? '' };
}

/** Swaps the slot with production (a long-running operation, polled until Azure reports it done). */
export async function swapWithProduction(ref: SlotRef, intervalMs: number): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  await azure(`Swap ${label(ref)} with production`, () =>
    client.webApps.beginSwapSlotAndWait(
      resourceGroup,
      app,
      slot,
      { targetSlot: 'production', preserveVnet: true },
      { updateIntervalInMs: intervalMs },
    ),
  );
}

/** Deletes the slot; true when it was there. */
export async function deleteSlot(ref: SlotRef): Promise<boolean> {
  const { client, resourceGroup, app, slot } = ref;
  try {
    await azure(`Delete slot ${label(ref)}`, () => client.webApps.deleteSlot(resourceGroup, app, slot));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
