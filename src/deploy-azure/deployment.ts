import type { SlotRef } from '../lib/app-service.js';
import type { RequestBounds } from '../lib/azure.js';
import type { DeployAzureInputs } from './inputs.js';
import type { AzureReport } from './report.js';

/** One deployment: its inputs, the app and the slot it changes, the bounds of its requests and its report. */
export interface Deployment {
  inputs: DeployAzureInputs;
  production: SlotRef;
  /** The slot deployed to (production itself when in place: the same object). */
  slot: SlotRef;
  bounds: RequestBounds;
  report: AzureReport;
}

export type Site = { defaultHostName: string };

/**
 * Starts a phase of the deployment (waiting for the slot, the swap, putting the previous version back): each gets
 * the step's timeout, and every request and wait in it ends by then.
 */
export function newPhase(deployment: Deployment): void {
  const deadline = Date.now() + deployment.inputs.wait.timeoutMs;
  deployment.bounds.deadline = deadline;
  deployment.production.deadline = deadline;
  deployment.slot.deadline = deadline;
}
