import * as core from '@actions/core';
import type { ContainerApp } from '@azure/arm-appcontainers';
import { deactivateRevision, readApp, readRevision, setTraffic, type AppRef } from '../lib/container-app.js';
import { labelled, relabel, usedBy } from '../lib/container-app-traffic.js';
import type { ContainerAppReport } from './containerapp-report.js';

/**
 * deploy-azure containerapp with `traffic: 0`, the preview form (a pull request's `label: pr-<number>`): the label names
 * the new revision once it is ready, and it takes no traffic; the revision the label named before is deactivated once
 * the new one is proven, unless it takes traffic or another label names it. A revision that fails to become ready
 * never takes the label; one that fails its proof gives it back to the revision it named before.
 */

/** Puts the label on the revision once it is ready (or on the existing revision the template is the one of). */
export async function ensureLabel(ref: AppRef, app: ContainerApp, revision: string, label: string): Promise<boolean> {
  if (labelled(app, label) === revision) return false;
  await setTraffic(ref, app.location ?? '', relabel(app, label, revision));
  core.info(`Label ${label} now names ${revision}.`);
  return true;
}

/** Deactivates the revision the label named before, once the new one is proven, when nothing else uses it. */
export async function retireReplaced(ref: AppRef, report: ContainerAppReport): Promise<void> {
  const old = report.labelBefore;
  if (!old || old === report.revision || old === report.previousRevision) return;
  const kept = usedBy(await readApp(ref), old);
  const revision = kept ? undefined : await readRevision(ref, old).catch(() => undefined);
  if (kept || !revision?.active) {
    report.replaced = { revision: old, deactivated: false, kept: kept ?? 'it is inactive' };
    core.info(`${old} (label ${report.label} before) stays as it is: ${report.replaced.kept}.`);
    return;
  }
  await deactivateRevision(ref, old);
  report.replaced = { revision: old, deactivated: true };
  core.info(`Deactivated ${old}: label ${report.label} moved on from it and nothing else uses it.`);
}

/** After a failure: the label back on the revision it named before, if that one is still active. */
export async function labelBack(ref: AppRef, report: ContainerAppReport): Promise<void> {
  const old = report.labelBefore;
  const label = report.label;
  if (!old || !label || old === report.revision) return;
  try {
    if (!(await readRevision(ref, old)).active) return;
    const app = await readApp(ref);
    if (labelled(app, label) === old) return;
    await setTraffic(ref, app.location ?? '', relabel(app, label, old));
    core.info(`Label ${label} is back on ${old}.`);
  } catch (error) {
    core.error(`Putting label ${label} back on ${old} failed: ${(error as Error).message}`);
  }
}
