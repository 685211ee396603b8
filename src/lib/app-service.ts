import * as core from '@actions/core';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { azure, isNotFound, statusOf } from './azure.js';
import { formatDuration } from './duration.js';
import { CloudError, TimeoutError } from './errors.js';
import { checkName, names } from './names.js';

/**
 * One App Service slot through ARM, for deploy-azure and rollback: the app itself when the slot is
 * 'production'. Every call names itself in errors (azure()), so a failure says which ARM operation it was.
 */

export interface SlotRef {
  client: WebSiteManagementClient;
  resourceGroup: string;
  app: string;
  slot: string;
  /** When the step's timeout ends (epoch ms): a 409 is retried until then, a swap may run until then. */
  deadline: number;
  /** The first wait before a retry (doubling up to 15s). */
  intervalMs: number;
}

/**
 * A write to the site. App Service answers 409 Conflict ("Cannot modify this site because another operation is
 * in progress", ExtendedCode 59203) while a swap, restart or deployment runs on the site; such a write is retried
 * with backoff until the step's deadline, then fails with App Service's message.
 */
async function write<T>(ref: SlotRef, operation: string, call: () => Promise<T>): Promise<T> {
  let wait = Math.max(50, ref.intervalMs);
  for (;;) {
    try {
      return await azure(operation, call);
    } catch (error) {
      if (statusOf(error) !== 409 || Date.now() + wait > ref.deadline) throw error;
      core.info(`  ${operation}: another operation is in progress on ${ref.app}; retrying in ${formatDuration(wait)}`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 15_000);
    }
  }
}

/** The longest app name App Service takes; a slot's name leaves room for the hyphen that joins them. */
export const APP_NAME_MAX = 60;
export const SLOT_NAME_MAX = 59;

/** App and slot names as App Service allows them (src/lib/names.ts); checked so a typo fails before a request. */
export function checkAppServiceName(input: string, value: string, max: number): string {
  return checkName(input, value, max === APP_NAME_MAX ? names.azureWebApp : names.azureSlot);
}

const isProduction = (ref: SlotRef) => ref.slot === 'production';
const label = (ref: SlotRef) => (isProduction(ref) ? ref.app : `${ref.app}/${ref.slot}`);

/** The image of a container app's linuxFxVersion (`DOCKER|<image>`). */
export const imageOf = (linuxFxVersion: string | undefined) => (linuxFxVersion ?? '').replace(/^DOCKER\|/i, '');

/** The slot's default host name and plan, or undefined when it does not exist. */
export async function findSlot(ref: SlotRef): Promise<{ defaultHostName: string; serverFarmId?: string } | undefined> {
  const { client, resourceGroup, app, slot } = ref;
  try {
    const site = await azure(`Get ${label(ref)}`, () =>
      isProduction(ref) ? client.webApps.get(resourceGroup, app) : client.webApps.getSlot(resourceGroup, app, slot),
    );
    return { defaultHostName: site.defaultHostName ?? '', serverFarmId: site.serverFarmId };
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
  /** True turns managed-identity pull on; false leaves it as it is (the input's default). */
  managedIdentityPull?: boolean;
  /** Sets acrUseManagedIdentityCreds either way (putting a previous config back). */
  acrUseManagedIdentityCreds?: boolean;
}

/**
 * Sets the slot's image (and startup command, managed-identity pull). When the answer is lost (no answer in time,
 * a reset after the retries), the config is read back: a change that was made goes on as made, one that was not
 * fails as the write did. Either way the log says what was read.
 */
export async function writeConfig(ref: SlotRef, change: ConfigChange): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  const acr = change.acrUseManagedIdentityCreds ?? (change.managedIdentityPull ? true : undefined);
  const config = {
    linuxFxVersion: `DOCKER|${change.image}`,
    ...(change.startupCommand !== undefined ? { appCommandLine: change.startupCommand } : {}),
    ...(acr !== undefined ? { acrUseManagedIdentityCreds: acr } : {}),
  };
  try {
    await write(ref, `Update config/web of ${label(ref)}`, () =>
      isProduction(ref)
        ? client.webApps.updateConfiguration(resourceGroup, app, config)
        : client.webApps.updateConfigurationSlot(resourceGroup, app, slot, config),
    );
  } catch (error) {
    if (!isLostAnswer(error)) throw error;
    const now = await readImage(ref).catch(() => undefined);
    core.warning(
      `The answer to Update config/web of ${label(ref)} was lost; read back: it runs ${now ?? '(could not be read)'}${now === change.image ? ', the change was made' : ', the change was not made'}.`,
    );
    if (now !== change.image) throw error;
  }
}

/** An error after which what Azure did is not known: no answer (cut, reset), as opposed to a refusal. */
export function isLostAnswer(error: unknown): boolean {
  return error instanceof TimeoutError || (error instanceof CloudError && statusOf(error) === undefined);
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
  await write(ref, `Update app settings of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.updateApplicationSettings(resourceGroup, app, { properties })
      : client.webApps.updateApplicationSettingsSlot(resourceGroup, app, slot, { properties }),
  );
  return changed;
}

export async function restartSlot(ref: SlotRef): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  await write(ref, `Restart ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.restart(resourceGroup, app)
      : client.webApps.restartSlot(resourceGroup, app, slot),
  );
}

/**
 * Creates the slot in the app's plan with the config and app settings of `from` (production or a slot), leaving
 * out the slot-specific ("sticky") settings: App Service keeps those with their slot, and a preview must never
 * get production's (App Service docs, "Set up staging environments: which settings are swapped").
 */
export async function createSlot(ref: SlotRef, from: string): Promise<{ defaultHostName: string }> {
  const { client, resourceGroup, app, slot } = ref;
  const source = { ...ref, slot: from };
  const site = await azure(`Get ${app}`, () => client.webApps.get(resourceGroup, app));
  const config = await readConfig(source);
  const sticky = new Set(await stickySettingNames(ref));
  const settings = Object.entries(await readSettings(source)).filter(([key]) => !sticky.has(key));
  const created = await write(ref, `Create slot ${label(ref)}`, () =>
    client.webApps.beginCreateOrUpdateSlotAndWait(
      resourceGroup,
      app,
      slot,
      {
        location: site.location ?? '',
        serverFarmId: site.serverFarmId,
        siteConfig: {
          linuxFxVersion: config.linuxFxVersion,
          appCommandLine: config.appCommandLine,
          alwaysOn: config.alwaysOn,
        },
      },
      { updateIntervalInMs: ref.intervalMs },
    ),
  );
  if (settings.length) await mergeSettings(ref, new Map(settings));
  const left = sticky.size ? `; slot-specific settings left out: ${[...sticky].join(', ')}` : '';
  core.info(`Created slot ${slot} with the config and ${settings.length} app settings of ${from}${left}`);
  return { defaultHostName: created.defaultHostName ?? '' };
}

/** The names of the app's slot-specific ("sticky") app settings. */
export async function stickySettingNames(ref: SlotRef): Promise<string[]> {
  const { client, resourceGroup, app } = ref;
  const names = await azure(`Get the slot-specific setting names of ${app}`, () =>
    client.webApps.listSlotConfigurationNames(resourceGroup, app),
  );
  return names.appSettingNames ?? [];
}

/**
 * Swaps the slot with production, a long-running operation (minutes on a real app: App Service warms the slot
 * first), polled until Azure reports it done or the step's deadline. A swap still running at the deadline is not
 * cancelled by Azure: the error says so.
 */
export async function swapWithProduction(ref: SlotRef): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  const started = Date.now();
  const abortSignal = AbortSignal.timeout(Math.max(1, ref.deadline - started));
  try {
    await write(ref, `Swap ${label(ref)} with production`, () =>
      client.webApps.beginSwapSlotAndWait(
        resourceGroup,
        app,
        slot,
        { targetSlot: 'production', preserveVnet: true },
        { updateIntervalInMs: ref.intervalMs, abortSignal },
      ),
    );
  } catch (error) {
    // Cut at the deadline, by the swap's own signal or by the bound of the poll then in flight: the same timeout.
    const atDeadline = error instanceof TimeoutError && Date.now() >= ref.deadline - 100;
    if (!abortSignal.aborted && !atDeadline) throw error;
    throw new TimeoutError(
      `Swap ${label(ref)} with production did not finish within ${formatDuration(Date.now() - started)} (the timeout).`,
      `Azure goes on with a swap once started: see the app's Activity log or \`az webapp deployment slot list\`, and raise timeout (swaps with a slow warm-up take minutes).`,
      { cause: error },
    );
  }
}

/** Replaces the slot's whole set of app settings (putting a set read before back). */
export async function replaceSettings(ref: SlotRef, properties: Record<string, string>): Promise<void> {
  const { client, resourceGroup, app, slot } = ref;
  await write(ref, `Update app settings of ${label(ref)}`, () =>
    isProduction(ref)
      ? client.webApps.updateApplicationSettings(resourceGroup, app, { properties })
      : client.webApps.updateApplicationSettingsSlot(resourceGroup, app, slot, { properties }),
  );
}

/** Deletes the slot; true when it was there. */
export async function deleteSlot(ref: SlotRef): Promise<boolean> {
  const { client, resourceGroup, app, slot } = ref;
  try {
    await write(ref, `Delete slot ${label(ref)}`, () => client.webApps.deleteSlot(resourceGroup, app, slot));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * The tier of the app's plan when it has no deployment slots (Free, Shared, Basic: App Service docs, "Set up
 * staging environments", slots need Standard or higher), else undefined.
 */
export async function tierWithoutSlots(ref: SlotRef, serverFarmId: string | undefined): Promise<string | undefined> {
  const [, group, plan] =
    /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/serverfarms\/([^/]+)$/i.exec(serverFarmId ?? '') ?? [];
  if (!group || !plan) return undefined;
  let tier = '';
  try {
    const found = await azure(`Get the plan ${plan}`, () => ref.client.appServicePlans.get(group, plan));
    tier = found.sku?.tier ?? '';
  } catch (error) {
    // A role on the web app alone (Website Contributor) may not read its plan: then the slot path goes on as asked.
    if (statusOf(error) !== 403) throw error;
    core.warning(`The plan ${plan} cannot be read (no role on it): whether it has deployment slots is not known.`);
  }
  return ['Free', 'Shared', 'Basic'].includes(tier) ? tier : undefined;
}

/** How App Service resolved one Key Vault reference of a slot's app settings (ApiKVReference). */
export interface ReferenceStatus {
  setting: string;
  /** ResolveStatus: Initialized, Resolved, InvalidSyntax, MSINotEnabled, VaultNotFound, SecretNotFound, … */
  status: string;
  details?: string;
  /** The identity App Service reads the vault with (SystemAssigned, UserAssigned). */
  identityType?: string;
}

/** ARM's view of the slot's Key Vault references (WebApps_GetAppSettingsKeyVaultReferences[Slot]). */
export async function readKeyVaultReferences(ref: SlotRef): Promise<ReferenceStatus[]> {
  const { client, resourceGroup, app, slot } = ref;
  return azure(`List Key Vault references of ${label(ref)}`, async () => {
    const pages = isProduction(ref)
      ? client.webApps.listAppSettingsKeyVaultReferences(resourceGroup, app)
      : client.webApps.listAppSettingsKeyVaultReferencesSlot(resourceGroup, app, slot);
    const found: ReferenceStatus[] = [];
    for await (const reference of pages) {
      found.push({
        setting: reference.name ?? '',
        status: reference.status ?? 'Initialized',
        ...(reference.details ? { details: reference.details } : {}),
        ...(reference.identityType?.type ? { identityType: reference.identityType.type } : {}),
      });
    }
    return found;
  });
}
