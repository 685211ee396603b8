import * as core from '@actions/core';
import type { ContainerApp } from '@azure/arm-appcontainers';
import { healthUrl, readWaitInputs, waitUntilServes, type WaitOptions } from '../lib/app-service-wait.js';
import { readAzureTargetInputs, resolveAzureTarget, type AzureTarget } from '../lib/azure.js';
import {
  activateRevision,
  containerAppsClient,
  readApp,
  readRevision,
  setTraffic,
  type AppRef,
} from '../lib/container-app.js';
import { labelled, relabel, servingRevision, split, weightOf } from '../lib/container-app-traffic.js';
import { waitForRevision } from '../lib/container-app-wait.js';
import { InputError } from '../lib/errors.js';
import { oneOf, optional } from '../lib/inputs.js';
import { checkName, names } from '../lib/names.js';
import type { RollbackResult } from './result.js';

/**
 * The Container Apps half of rollback: all traffic back on a known-good revision (a named one, deploy-azure's
 * previous-revision output, or the one carrying the known-good label), activated first if it was deactivated, then
 * proven on the app's URL. Idempotent: when it already has 100%, nothing changes. `mark-good` puts the known-good
 * label on a revision (the serving one by default), moving it from any other, weights unchanged.
 */

export interface ContainerAppRollbackInputs {
  target: 'containerapp';
  mode: 'rollback' | 'mark-good';
  azure: AzureTarget;
  app: string;
  resourceGroup: string;
  /** An explicit known-good revision (`<app>--<suffix>`). */
  revision?: string;
  /** deploy-azure's previous-revision output. */
  previousRevision?: string;
  knownGoodLabel: string;
  wait: WaitOptions;
  intervalMs: number;
  reason?: string;
}

const revisionName = (input: string, app: string) => {
  const value = optional(input);
  if (value !== undefined && !new RegExp(`^${app}--[a-z0-9]([a-z0-9-]*[a-z0-9])?$`).test(value))
    throw new InputError(`Input '${input}' must be a revision of ${app} (${app}--<suffix>), got '${value}'.`);
  return value;
};

/** Reads rollback's inputs for target: containerapp (app-name or containerAppName, as deploy-azure takes them). */
export function readContainerAppRollbackInputs(): ContainerAppRollbackInputs {
  const app = checkName(
    'app-name',
    optional('app-name') ?? optional('containerAppName') ?? '',
    names.azureContainerApp,
  );
  const group = optional('resource-group-name') ?? optional('resourceGroup');
  if (!group) throw new InputError("Input 'resource-group-name' is required for a Container Apps rollback.");
  const label = optional('known-good-label') ?? 'known-good';
  if (!/^[a-z][a-z0-9-]{0,62}[a-z0-9]?$/.test(label))
    throw new InputError(`Input 'known-good-label' must be lower-case letters, digits and hyphens, got '${label}'.`);
  const wait = readWaitInputs(undefined);
  return {
    target: 'containerapp',
    mode: oneOf('mode', ['rollback', 'mark-good'] as const, 'rollback'),
    azure: resolveAzureTarget(readAzureTargetInputs()),
    app,
    resourceGroup: checkName('resource-group-name', group, names.azureResourceGroup),
    revision: revisionName('revision', app),
    previousRevision: revisionName('previous-revision', app),
    knownGoodLabel: label,
    wait,
    intervalMs: wait.intervalMs,
    reason: optional('reason'),
  };
}

export async function rollbackContainerApp(inputs: ContainerAppRollbackInputs): Promise<RollbackResult> {
  const client = await containerAppsClient(inputs.azure, 'rollback');
  const ref: AppRef = {
    client,
    resourceGroup: inputs.resourceGroup,
    app: inputs.app,
    intervalMs: inputs.intervalMs,
    deadline: Date.now() + inputs.wait.timeoutMs,
  };
  const app = await readApp(ref);
  return inputs.mode === 'mark-good' ? markGood(ref, app, inputs) : rollBack(ref, app, inputs);
}

/** The revision to return to, and why it was chosen. */
function chooseTarget(app: ContainerApp, inputs: ContainerAppRollbackInputs): { revision: string; why: string } {
  if (inputs.revision) return { revision: inputs.revision, why: 'named (revision)' };
  if (inputs.previousRevision) return { revision: inputs.previousRevision, why: 'previous-revision' };
  const known = labelled(app, inputs.knownGoodLabel);
  if (known) return { revision: known, why: `label ${inputs.knownGoodLabel}` };
  throw new InputError(
    `Nothing says which revision of ${inputs.app} to return to: no revision, no previous-revision, and no revision labelled '${inputs.knownGoodLabel}'.`,
    "Give deploy-azure's previous-revision output, a revision name, or mark a revision good first (mode: mark-good).",
  );
}

async function rollBack(ref: AppRef, app: ContainerApp, inputs: ContainerAppRollbackInputs): Promise<RollbackResult> {
  const { revision, why } = chooseTarget(app, inputs);
  const from = servingRevision(app) ?? '';
  const facts: [string, string][] = [
    ['App', inputs.app],
    ['Chosen by', why],
  ];
  const appUrl = `https://${app.configuration?.ingress?.fqdn ?? ''}`;
  if (weightOf(app, revision) === 100) {
    await proveApp(appUrl, inputs);
    return {
      outcome: 'already-current',
      to: revision,
      from,
      headline: `${inputs.app} already sends all traffic to ${revision}: nothing was changed.`,
      facts,
    };
  }
  const found = await readRevision(ref, revision);
  if (!found.active) {
    core.info(`${revision} is inactive: activating it`);
    await activateRevision(ref, revision);
  }
  await waitForRevision(ref, revision, { timeoutMs: inputs.wait.timeoutMs });
  await setTraffic(ref, app.location ?? '', split(await readApp(ref), { revision, weight: 100 }));
  core.info(`${inputs.app}: all traffic ${from} → ${revision}`);
  const served = await proveApp(appUrl, inputs);
  return {
    outcome: 'rolled-back',
    to: revision,
    from,
    headline: `${inputs.app} sends all traffic to ${revision} again (was ${from}).`,
    facts: [...facts, ['Probes', `${served.run.attempts} of ${served.url}`]],
  };
}

const proveApp = (appUrl: string, inputs: ContainerAppRollbackInputs) =>
  waitUntilServes(healthUrl(appUrl.replace(/^https:\/\//, ''), inputs.wait), inputs.wait, inputs.app);

async function markGood(ref: AppRef, app: ContainerApp, inputs: ContainerAppRollbackInputs): Promise<RollbackResult> {
  const revision = inputs.revision ?? servingRevision(app);
  if (!revision) throw new InputError(`${inputs.app} serves no revision to mark good: give revision.`);
  const before = labelled(app, inputs.knownGoodLabel) ?? '';
  const facts: [string, string][] = [
    ['App', inputs.app],
    ['Label', inputs.knownGoodLabel],
  ];
  if (before === revision)
    return {
      outcome: 'already-current',
      to: revision,
      from: before,
      headline: `${revision} already carries the ${inputs.knownGoodLabel} label.`,
      facts,
    };
  await readRevision(ref, revision);
  await setTraffic(ref, app.location ?? '', relabel(app, inputs.knownGoodLabel, revision));
  return {
    outcome: 'marked-good',
    to: revision,
    from: before,
    headline: `${revision} of ${inputs.app} is labelled ${inputs.knownGoodLabel}${before ? ` (was ${before})` : ''}.`,
    facts,
  };
}
