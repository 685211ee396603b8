import * as core from '@actions/core';
import { findSlot, readImage, restartSlot, swapWithProduction, writeConfig, type SlotRef } from '../lib/app-service.js';
import { healthUrl, waitUntilServes } from '../lib/app-service-wait.js';
import { appServiceClient } from '../lib/azure.js';
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
  const client = await appServiceClient(inputs.azure, 'rollback');
  const production: SlotRef = { client, resourceGroup: inputs.resourceGroup, app: inputs.app, slot: 'production' };
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
  const how = await putBack(inputs, production);
  core.info(`${inputs.app}: ${current} → ${inputs.previousImage} (${how})`);
  const served = await waitUntilServes(url, inputs.wait, 'production');
  return {
    outcome: 'rolled-back',
    to: inputs.previousImage,
    from: current,
    headline: `${inputs.app} serves ${inputs.previousImage} again (was ${current}).`,
    facts: [...facts, ['How', how], ['Probes', `${served.run.attempts} of ${served.url}`]],
  };
}

/** Swaps the slot back when it holds previous-image, else sets previous-image on production. Says which. */
async function putBack(inputs: AzureRollbackInputs, production: SlotRef): Promise<string> {
  const slot: SlotRef | undefined = inputs.slot === 'production' ? undefined : { ...production, slot: inputs.slot };
  const slotImage = slot && (await findSlot(slot)) ? await readImage(slot) : undefined;
  if (slot && slotImage === inputs.previousImage) {
    await swapWithProduction(slot, inputs.wait.intervalMs);
    return `swapped ${inputs.slot} back into production`;
  }
  if (slot && slotImage === undefined) {
    throw new InputError(
      `Slot '${inputs.slot}' of ${inputs.app} does not exist: nothing was changed.`,
      'Give the slot deploy-azure swapped from, or leave slot-name empty to set previous-image on production.',
    );
  }
  await writeConfig(production, { image: inputs.previousImage });
  await restartSlot(production);
  return 'set previous-image on production';
}
