import * as core from '@actions/core';
import {
  readConfig,
  readImage,
  readSettings,
  replaceSettings,
  restartSlot,
  swapWithProduction,
  writeConfig,
  imageOf,
  isLostAnswer,
} from '../lib/app-service.js';
import { healthUrl, waitForContainer, waitUntilServes, type Restarted } from '../lib/app-service-wait.js';
import { armDockerLog, containersBefore } from '../lib/azure-container.js';
import { describe as describeError, RolloutFailed } from '../lib/errors.js';
import { parseImageReference } from '../lib/image.js';
import { newPhase, type Deployment } from './deployment.js';
import { rollbackState } from './state.js';

/**
 * Changing production, and never leaving it half done: from the first request that may change it, every failure
 * ends with the previous version back and proven by the same check, or with the exact sentence of what runs, which
 * is not proven, and why (in the summary, the log and the end-state output).
 */

/** Production's config (and app settings, when the deployment changes them) before it is changed in place. */
export interface Before {
  image: string;
  startupCommand?: string;
  acrUseManagedIdentityCreds?: boolean;
  settings?: Record<string, string>;
}

export async function readBefore({ production, inputs }: Deployment, settingsChange: boolean): Promise<Before> {
  const config = await readConfig(production);
  return {
    image: imageOf(config.linuxFxVersion),
    startupCommand: config.appCommandLine ?? undefined,
    acrUseManagedIdentityCreds: config.acrUseManagedIdentityCreds ?? undefined,
    settings: settingsChange || inputs.registry ? await readSettings(production) : undefined,
  };
}

/**
 * Says, the moment it becomes true, that production is changed: the `changed` output at once (a later step or a
 * cancelled run's pipeline reads it), and the rollback plan for the post step of a cancelled run.
 */
export function markChanged(deployment: Deployment, how: 'swap' | 'in-place', before?: Before): void {
  const { report, production, inputs } = deployment;
  if (report.changed) return;
  report.changed = true;
  core.setOutput('changed', 'true');
  rollbackState.save({
    resourceGroup: production.resourceGroup,
    app: production.app,
    how,
    slot: inputs.slot,
    image: inputs.image,
    previousImage: report.previousImage ?? '',
    startupCommand: before?.startupCommand,
    acrUseManagedIdentityCreds: before?.acrUseManagedIdentityCreds,
  });
}

/**
 * After a failure once production was changed: puts the previous version back with `putBack` (which says how, and
 * how it was proven), or says exactly what production runs. Always throws `failure` afterwards.
 */
export async function putBackOrSay(
  deployment: Deployment,
  failure: unknown,
  putBack: () => Promise<string>,
): Promise<never> {
  const { report, inputs } = deployment;
  newPhase(deployment);
  if (!inputs.rollbackOnFailure) {
    await notProven(deployment, 'rollback is off');
    throw failure;
  }
  core.info(`Putting ${report.previousImage} back on production: ${firstLine(failure)}`);
  try {
    report.putBack = await core.group('Put the previous version back', putBack);
    report.rolledBack = true;
    report.endState = `app ${inputs.app} runs ${report.previousImage} again: ${report.putBack}.`;
    core.warning(report.endState);
  } catch (error) {
    newPhase(deployment);
    await notProven(deployment, `rollback failed: ${firstLine(error)}`);
  }
  throw failure;
}

/** The NOT proven sentence, with what production runs as read back (or as last known when it cannot be read). */
async function notProven({ report, inputs, production }: Deployment, why: string): Promise<void> {
  const runs = await readImage(production).catch(() => (report.swapped || !inputs.swap ? inputs.image : undefined));
  report.endState = `app ${inputs.app} runs ${runs ?? '(unknown: production could not be read back)'}, which is NOT proven; ${why}`;
  core.error(report.endState);
}

const firstLine = (error: unknown) => describeError(error).split('\n')[0] ?? '';

/** The version the previous image's health answer reports: its tag (none for latest or a digest). */
function previousVersion(image: string): string | undefined {
  const tag = parseImageReference(image)?.tag;
  return tag === 'latest' ? undefined : tag;
}

/**
 * Proves production serves the previous image by the check the deployment uses: the health answer with the
 * previous version (and the docker log after a restart), the docker log alone (verify: container), or, with
 * verify: none, its config read back.
 */
export async function provePrevious(
  deployment: Deployment,
  host: string,
  restarted: Restarted | undefined,
  useHealthUrl: boolean,
): Promise<string> {
  const { inputs, production, report } = deployment;
  const previous = report.previousImage ?? '';
  const wait = {
    ...inputs.wait,
    expectedVersion: previousVersion(previous),
    healthUrl: useHealthUrl ? inputs.wait.healthUrl : undefined,
  };
  if (inputs.verify === 'health') {
    const served = await waitUntilServes(healthUrl(host, wait), wait, 'production', restarted);
    return `proven by ${served.run.attempts} probes of ${served.url}`;
  }
  if (inputs.verify === 'container' && restarted) {
    await waitForContainer(restarted, wait.timeoutMs, 'production');
    return 'proven by the docker log (its container is ready)';
  }
  const runs = await readImage(production);
  if (runs !== previous) throw new RolloutFailed(`production's config reads ${runs}, not ${previous}.`);
  return 'its config read back (verify: none proves nothing more)';
}

/** In place: the previous settings, config and image back on production, restarted and proven. */
export async function restoreInPlace(deployment: Deployment, before: Before, host: string): Promise<string> {
  const { production } = deployment;
  if (before.settings) await replaceSettings(production, before.settings);
  await writeConfig(production, {
    image: before.image,
    startupCommand: before.startupCommand,
    acrUseManagedIdentityCreds: before.acrUseManagedIdentityCreds,
  });
  const log = armDockerLog(production);
  const containers = await containersBefore(log);
  await restartSlot(production);
  const restarted = containers && { log, image: before.image, before: containers };
  const proof = await provePrevious(deployment, host, restarted, true);
  return `set back on production and restarted, ${proof}`;
}

/**
 * Swaps the slot with production; when the answer is lost (or the swap ran past the timeout), reads both back and
 * goes on by what is true. Returns whether production runs the new image.
 */
export async function swapReadBack(deployment: Deployment, image: string): Promise<boolean> {
  const { slot, production, report, inputs } = deployment;
  try {
    await swapWithProduction(slot);
    return true;
  } catch (error) {
    if (!isLostAnswer(error)) throw error;
    newPhase(deployment);
    const [runs, slotRuns] = await Promise.all([readImage(production), readImage(slot)]);
    report.readBack = `production runs ${runs}, ${inputs.slot} runs ${slotRuns}`;
    core.warning(`The swap's answer was lost (${firstLine(error)}); read back: ${report.readBack}.`);
    if (runs === image) return true;
    throw error;
  }
}

/**
 * After a swap that failed or whose end is not known: production as read back. Still the previous image: the
 * swap did not take place, said so. The new one (the swap went through after all): put back as after any failure.
 */
export async function afterFailedSwap(deployment: Deployment, failure: unknown, host: string): Promise<never> {
  const { report, inputs, production } = deployment;
  newPhase(deployment);
  const runs = await readImage(production).catch(() => undefined);
  if (runs !== undefined && runs === report.previousImage) {
    report.endState = `app ${inputs.app} runs ${runs} in production, as before: the swap did not take place (read back).`;
    core.warning(report.endState);
    throw failure;
  }
  if (runs === inputs.image) report.swapped = true;
  return putBackOrSay(deployment, failure, () => swapBack(deployment, host));
}

/** Swaps the slot (which holds the previous image after the swap) back, and proves production serves it. */
export async function swapBack(deployment: Deployment, host: string): Promise<string> {
  const previous = deployment.report.previousImage ?? '';
  await swapReadBack(deployment, previous);
  deployment.report.swapped = false;
  const proof = await provePrevious(deployment, host, undefined, false);
  return `swapped ${deployment.inputs.slot} back into production, ${proof}`;
}
