import * as core from '@actions/core';
import {
  findSlot,
  isLostAnswer,
  readImage,
  restartSlot,
  swapWithProduction,
  tierWithoutSlots,
  writeConfig,
  type SlotRef,
} from '../lib/app-service.js';
import { healthUrl, waitUntilServes, type Restarted } from '../lib/app-service-wait.js';
import { armDockerLog, containersBefore } from '../lib/azure-container.js';
import { findResourceGroup } from '../lib/azure-site.js';
import { appServiceClient, type RequestBounds } from '../lib/azure.js';
import { InputError } from '../lib/errors.js';
import type { AzureRollbackInputs } from './inputs.js';
import type { RollbackResult } from './result.js';

/**
 * The Azure half of rollback: production must run previous-image again. When the slot holds it (a swap went
 * wrong), the slot is swapped back; otherwise previous-image is set on production and it is restarted. Either
 * way the step waits until production serves it. Idempotent: when production already runs previous-image,
 * nothing is changed and the step only proves it serves.
 */
export async function rollbackAzure(inputs: AzureRollbackInputs): Promise<RollbackResult> {
  const { timeoutMs, intervalMs } = inputs.wait;
  // Every ARM, Entra and GitHub request is cut after request-timeout, and none outlives the step's timeout.
  const bounds = { requestTimeoutMs: inputs.azure.requestTimeoutMs ?? 30_000, deadline: Date.now() + timeoutMs };
  const client = await appServiceClient(inputs.azure, 'rollback', bounds);
  const production: SlotRef = {
    client,
    resourceGroup: inputs.resourceGroup ?? (await findResourceGroup(client, inputs.app)),
    app: inputs.app,
    slot: 'production',
    deadline: bounds.deadline,
    intervalMs,
  };
  const app = await findSlot(production);
  const current = await readImage(production);
  const facts: [string, string][] = [['App', inputs.app]];
  const url = healthUrl(app?.defaultHostName ?? '', inputs.wait);

  if (current === inputs.previousImage) {
    await waitUntilServes(url, inputs.wait, 'production');
    return {
      outcome: 'already-current',
      to: current,
      from: current,
      headline: `${inputs.app} already runs ${current}: nothing was changed.`,
      facts,
    };
  }
  const { how, restarted } = await putBack(inputs, production, app?.serverFarmId, bounds);
  core.info(`${inputs.app}: ${current} → ${inputs.previousImage} (${how})`);
  // Waiting for it to serve gets the timeout again (its docker log reads are ARM requests).
  bounds.deadline = Date.now() + timeoutMs;
  const served = await waitUntilServes(url, inputs.wait, 'production', restarted);
  return {
    outcome: 'rolled-back',
    to: inputs.previousImage,
    from: current,
    headline: `${inputs.app} serves ${inputs.previousImage} again (was ${current}).`,
    facts: [...facts, ['How', how], ['Probes', `${served.run.attempts} of ${served.url}`]],
  };
}

/**
 * Swaps the slot back when it holds previous-image, else sets previous-image on production and restarts it (then
 * the docker log shows when its container is up, as for a deploy). Says which.
 */
async function putBack(
  inputs: AzureRollbackInputs,
  production: SlotRef,
  serverFarmId: string | undefined,
  bounds: RequestBounds,
): Promise<{ how: string; restarted?: Restarted }> {
  const slot: SlotRef | undefined = inputs.slot === 'production' ? undefined : { ...production, slot: inputs.slot };
  const slotImage = slot && (await findSlot(slot)) ? await readImage(slot) : undefined;
  if (slot && slotImage === inputs.previousImage) {
    await swapReadBack(slot, production, inputs.previousImage, bounds);
    return { how: `swapped ${inputs.slot} back into production` };
  }
  // On a plan without slots deploy-azure deployed in place: previous-image goes back on production.
  const inPlace = slot && slotImage === undefined && (await tierWithoutSlots(production, serverFarmId));
  if (inPlace) core.info(`The plan of ${inputs.app} is ${inPlace} (no slots): setting previous-image on production.`);
  else if (slot && slotImage === undefined) {
    throw new InputError(
      `Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`,
      'Give the slot deploy-azure swapped from, or leave slot-name empty to set previous-image on production.',
    );
  }
  await writeConfig(production, { image: inputs.previousImage });
  const log = armDockerLog(production);
  const before = await containersBefore(log);
  await restartSlot(production);
  const restarted = before && { log, image: inputs.previousImage, before };
  return { how: 'set previous-image on production', restarted };
}

/** Swaps back; when the swap's answer is lost, production is read back and the step goes on by what it runs. */
async function swapReadBack(
  slot: SlotRef,
  production: SlotRef,
  previous: string,
  bounds: RequestBounds,
): Promise<void> {
  try {
    await swapWithProduction(slot);
  } catch (error) {
    if (!isLostAnswer(error)) throw error;
    // Reading back gets a request's time of its own, past the deadline the swap may have used up.
    bounds.deadline = Date.now() + bounds.requestTimeoutMs;
    const runs = await readImage(production);
    core.warning(`The swap's answer was lost; read back: production runs ${runs}.`);
    if (runs !== previous) throw error;
  }
}
