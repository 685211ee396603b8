import * as core from '@actions/core';
import type { ContainerApp } from '@azure/arm-appcontainers';
import { setTimeout as delay } from 'node:timers/promises';
import { healthUrl, waitUntilServes } from '../lib/app-service-wait.js';
import {
  containerAppsClient,
  deactivateRevision,
  listReplicas,
  readApp,
  readRevision,
  readSecrets,
  setTraffic,
  startJob,
  writeApp,
  type AppRef,
} from '../lib/container-app.js';
import { labelled, servingRevision, split, weightOf } from '../lib/container-app-traffic.js';
import { describeRevision, failureOf, waitForExecution, waitForRevision } from '../lib/container-app-wait.js';
import { CloudError, DeployError, InputError, RolloutFailed } from '../lib/errors.js';
import type { ContainerAppInputs } from './containerapp-inputs.js';
import { planRevision, type RevisionPlan } from './containerapp-plan.js';
import { ensureLabel, labelBack, retireReplaced } from './containerapp-preview.js';
import type { ContainerAppReport } from './containerapp-report.js';
import { containerAppRollbackState } from './containerapp-state.js';

/**
 * deploy-azure with `target: containerapp`: a new revision from the image at weight 0 under its label, waited on until
 * provisioned, running and healthy; proven on its own URL; the one-off job run; then the traffic moved to it, at once
 * or in canary steps, each verified. Once anything changed, a failure puts all traffic back on the previous revision
 * and deactivates the new one before it is reported.
 */
export async function deployContainerApp(inputs: ContainerAppInputs, report: ContainerAppReport): Promise<void> {
  const client = await containerAppsClient(inputs.target, 'deploy-azure');
  const ref: AppRef = {
    client,
    resourceGroup: inputs.resourceGroup,
    app: inputs.app,
    intervalMs: inputs.wait.intervalMs,
    deadline: Date.now() + inputs.wait.timeoutMs,
  };
  const { app, plan } = await core.group(`Read ${inputs.app}`, () => readAndPlan(ref, inputs, report));
  report.revision = plan.revision;
  const preview = inputs.steps.length === 0;
  if (!plan.changed && report.previousRevision === plan.revision) {
    report.changed = false;
    if (preview) report.labelMoved = await ensureLabel(ref, app, plan.revision, inputs.label);
    core.info(`${inputs.app} already serves ${plan.revision} with this template: no new revision.`);
    return;
  }
  try {
    await core.group(`Create revision ${plan.revision}`, () => createRevision(ref, plan, inputs, report));
    if (preview) await ensureLabel(ref, await readApp(ref), plan.revision, inputs.label);
    await core.group(`Prove ${plan.revision} on its ${preview && report.labelUrl ? 'label' : 'own'} URL`, () =>
      proveRevision(inputs, report),
    );
    if (inputs.job) await core.group(`Run job ${inputs.job.name}`, () => runJob(ref, inputs, report));
    if (!preview) await core.group('Move traffic', () => moveTraffic(ref, app.location ?? '', inputs, report));
    else {
      core.info(`traffic: 0: ${plan.revision} takes no traffic; its label ${inputs.label} reaches it.`);
      await retireReplaced(ref, report);
    }
  } catch (error) {
    if (report.changing) await core.group('Put the previous revision back', () => restore(ref, report));
    if (report.changing && preview) await labelBack(ref, report);
    throw error;
  } finally {
    // The post step of a cancelled run finds nothing to put back once this step has said how it ended.
    if (report.changing) containerAppRollbackState.clear();
  }
}

/** Everything is read before anything changes: a missing app, environment or container fails with nothing touched. */
async function readAndPlan(ref: AppRef, inputs: ContainerAppInputs, report: ContainerAppReport) {
  const app = await readApp(ref);
  const environment = (app.environmentId ?? app.managedEnvironmentId ?? '').split('/').pop();
  if (inputs.environment && environment?.toLowerCase() !== inputs.environment.toLowerCase())
    throw new InputError(
      `Container app ${inputs.app} is in environment '${environment}', not '${inputs.environment}' (containerAppEnvironment): nothing was changed.`,
      'Give the environment the app is in, or leave containerAppEnvironment empty.',
    );
  const fqdn = app.configuration?.ingress?.fqdn;
  if (!fqdn)
    throw new InputError(
      `Container app ${inputs.app} has no ingress: revisions cannot be proven or given traffic.`,
      'Enable ingress on the app (az containerapp ingress enable).',
    );
  report.appUrl = `https://${fqdn}`;
  report.labelUrl = labelUrl(report.appUrl, inputs.app, inputs.label);
  report.previousRevision = servingRevision(app);
  report.labelBefore = labelled(app, inputs.label);
  const secrets = app.configuration?.secrets?.length ? await readSecrets(ref) : [];
  const plan = planRevision(app, secrets, inputs, report.previousRevision);
  core.info(
    `${inputs.app}: serving ${report.previousRevision ?? '(nothing)'}; new revision ${plan.revision}${plan.changed ? '' : ' (template unchanged)'}`,
  );
  return { app, plan };
}

/**
 * Writes the app (the new revision, labelled, at weight 0) and waits until the revision is ready, streaming its state;
 * a failed provisioning or crash-looping replicas fail at once.
 */
async function createRevision(ref: AppRef, plan: RevisionPlan, inputs: ContainerAppInputs, report: ContainerAppReport) {
  const stop = new AbortController();
  try {
    const written = plan.changed ? await writeApp(ref, plan.envelope, stop.signal) : undefined;
    report.changing = true;
    report.changed = plan.changed;
    markChanging(ref, plan.revision, report, inputs.steps.length === 0);
    const ready = await waitForRevision(ref, plan.revision, {
      timeoutMs: inputs.wait.timeoutMs,
      operation: written?.done,
    });
    report.readyAt = Date.now();
    report.readyMs = ready.ms;
    report.revisionUrl = `https://${ready.revision.fqdn}`;
    core.info(
      `${plan.revision} is ready (${ready.polls} polls); label ${inputs.label}: ${report.labelUrl ?? '(see the portal)'}`,
    );
  } finally {
    stop.abort();
  }
}

/**
 * Says, the moment the app is changed, what a cancelled run needs: the outputs at once (a cancelled run's pipeline
 * reads them), and the plan for the post step, which puts all traffic back on the previous revision
 * (containerapp-cancel.ts).
 */
function markChanging(ref: AppRef, revision: string, report: ContainerAppReport, preview: boolean): void {
  core.setOutput('changed', String(report.changed));
  core.setOutput('revision', revision);
  if (report.previousRevision) core.setOutput('previous-revision', report.previousRevision);
  // A preview's label is moved once the revision is ready: a cancelled run gives it back to the revision it named.
  const relabel = preview && report.label && report.labelBefore && report.labelBefore !== revision;
  containerAppRollbackState.save({
    resourceGroup: ref.resourceGroup,
    app: ref.app,
    revision,
    previousRevision: report.previousRevision,
    ...(relabel ? { label: report.label, labelBefore: report.labelBefore } : {}),
  });
}

/**
 * The label's URL (Container Apps docs, "Revision labels"): `<app>---<label>.<environment domain>`, from the app's
 * FQDN `<app>.<environment domain>`. Undefined when the FQDN is not of that form (an IP address and port).
 */
export function labelUrl(appUrl: string, app: string, label: string): string | undefined {
  const host = appUrl.replace(/^https:\/\//, '');
  return host.startsWith(`${app}.`) ? `https://${app}---${label}${host.slice(app.length)}` : undefined;
}

/**
 * The new revision answers on its own URL (no traffic yet) with the expected version; with traffic: 0 (a preview) on
 * its label's URL, what reviewers open, when it is known (in Azure; locally the FQDNs are addresses).
 */
async function proveRevision(inputs: ContainerAppInputs, report: ContainerAppReport) {
  const proven = proofUrl(inputs.steps, report);
  if (inputs.verify === 'none' || !proven) return;
  const url = healthUrl(proven.replace(/^https:\/\//, ''), { ...inputs.wait, healthUrl: undefined });
  report.revisionProbe = await served(url, inputs.wait, report.revision ?? 'revision');
}

/** Where a new revision is proven before traffic: its label's URL for a preview (traffic: 0) when known, else its own. */
export function proofUrl(steps: number[], urls: Pick<ContainerAppReport, 'labelUrl' | 'revisionUrl'>) {
  return (steps.length === 0 && urls.labelUrl) || urls.revisionUrl;
}

const HINT =
  "Look at the revision's console and system logs (az containerapp logs show --revision <revision> --type console / system).";

/** waitUntilServes, its failure told in Container Apps' terms. */
async function served(url: string, wait: ContainerAppInputs['wait'], what: string) {
  try {
    return await waitUntilServes(url, wait, what);
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    const Failure = error.constructor as new (message: string, hint?: string) => DeployError;
    throw new Failure(error.message, HINT);
  }
}

/** The one-off job (a migration) from the new image, before any traffic moves; its exit status decides. */
async function runJob(ref: AppRef, inputs: ContainerAppInputs, report: ContainerAppReport) {
  const job = inputs.job;
  if (!job) return;
  const template = { containers: [{ name: job.name, image: inputs.image, ...(job.args ? { args: job.args } : {}) }] };
  const execution = await startJob(ref, job.name, template);
  core.info(`Started ${execution} of ${job.name} with ${inputs.image}`);
  report.job = await waitForExecution(ref, job.name, execution, inputs.wait.timeoutMs);
  if (report.job.status !== 'Succeeded')
    throw new RolloutFailed(
      `Job ${job.name} execution ${execution} ${report.job.status} (exit code ${report.job.exitCode ?? 'unknown'}${report.job.detail ? `: ${report.job.detail}` : ''}); no traffic was moved.`,
      "Look at the execution's console logs (az containerapp job logs show); the previous revision keeps all traffic.",
    );
}

/** Each step: set the weights, check ARM has them, prove the new revision and the app, pause before the next. */
async function moveTraffic(ref: AppRef, location: string, inputs: ContainerAppInputs, report: ContainerAppReport) {
  const revision = report.revision ?? '';
  for (const [index, weight] of inputs.steps.entries()) {
    const started = Date.now();
    const app = await readApp(ref);
    await setTraffic(
      ref,
      location,
      split(app, { revision, weight, previous: report.previousRevision, label: inputs.label }),
    );
    const now = await readApp(ref);
    if (weightOf(now, revision) !== weight)
      throw new CloudError(
        `ARM shows ${weightOf(now, revision)}% on ${revision} after setting ${weight}%.`,
        'TrafficNotApplied',
      );
    const probe = await verifyStep(inputs, report, weight).catch(async (error: unknown) => {
      throw await withArmView(ref, revision, error);
    });
    report.steps.push({ weight, ms: Date.now() - started, probes: probe?.run.attempts });
    if (weight === 100) report.trafficMovedMs = Date.now() - (report.readyAt ?? started);
    core.info(`${weight}% on ${revision}: verified`);
    if (index < inputs.steps.length - 1 && inputs.pauseMs > 0) await delay(inputs.pauseMs);
  }
}

/** A step holds when the new revision still serves on its own URL and the app answers (the new version at 100%). */
async function verifyStep(inputs: ContainerAppInputs, report: ContainerAppReport, weight: number) {
  if (inputs.verify === 'none') return undefined;
  const host = (url?: string) => (url ?? '').replace(/^https:\/\//, '');
  const wait = { ...inputs.wait, healthUrl: undefined };
  await served(healthUrl(host(report.revisionUrl), wait), wait, `${report.revision} at ${weight}%`);
  const app = weight === 100 ? wait : { ...wait, expectedVersion: undefined };
  return served(healthUrl(host(report.appUrl), app), app, `${inputs.app} at ${weight}%`);
}

/** A failed step's error with what ARM reports of the revision now (a crash loop, a failed provisioning). */
async function withArmView(ref: AppRef, revision: string, error: unknown): Promise<unknown> {
  if (!(error instanceof DeployError)) return error;
  const found = await readRevision(ref, revision).catch(() => undefined);
  const replicas = found ? await listReplicas(ref, revision).catch(() => []) : [];
  if (!found) return error;
  const view = failureOf(found, replicas) ?? describeRevision(found, replicas);
  return new RolloutFailed(`${error.message} ARM reports: ${view}`, error.hint);
}

/** Traffic back to the previous revision (its labels kept), and the new revision deactivated; errors are logged. */
export async function restore(ref: AppRef, report: ContainerAppReport): Promise<void> {
  const revision = report.revision ?? '';
  const previous = report.previousRevision;
  try {
    const app: ContainerApp = await readApp(ref);
    if (previous && weightOf(app, previous) !== 100) {
      await setTraffic(ref, app.location ?? '', split(app, { revision: previous, weight: 100 }));
      core.info(`All traffic is back on ${previous}.`);
    }
    report.restored = true;
    if (revision && revision !== previous && (await readRevision(ref, revision)).active) {
      await deactivateRevision(ref, revision);
      report.deactivated = true;
      core.info(`Deactivated ${revision}.`);
    }
  } catch (error) {
    core.error(`Putting ${previous ?? 'the previous revision'} back failed: ${(error as Error).message}`);
  }
}
