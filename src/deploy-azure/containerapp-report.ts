import type { Served } from '../lib/app-service-wait.js';
import type { ExecutionEnd } from '../lib/container-app-wait.js';

/** What a Container Apps deployment did, filled as it goes: its outputs and job summary are made from it. */
export interface ContainerAppReport {
  app: string;
  image: string;
  /** The revision that served before (most of the traffic); what rollback puts back. */
  previousRevision?: string;
  /** The new revision (`<app>--<suffix>`), known once planned. */
  revision?: string;
  /** The app's own URL, the new revision's and its label's. */
  appUrl?: string;
  revisionUrl?: string;
  labelUrl?: string;
  label?: string;
  /** The revision the label named before this run (traffic: 0 deactivates it once the new one is proven). */
  labelBefore?: string;
  /** True when only the label was put on an existing revision (a preview of a template the app already has). */
  labelMoved?: boolean;
  /** That revision, once the label moved on: deactivated, or kept and why. */
  replaced?: { revision: string; deactivated: boolean; kept?: string };
  /** True once a new revision was made (false: the app already ran this template). */
  changed?: boolean;
  /** True from the first write on: a failure before it left the app as it was. */
  changing: boolean;
  /** When the revision was ready (epoch ms), and how long it took. */
  readyAt?: number;
  readyMs?: number;
  revisionProbe?: Served;
  job?: ExecutionEnd;
  /** The traffic steps taken, each verified. */
  steps: { weight: number; ms: number; probes?: number }[];
  /** From the revision ready to 100% of the traffic on it. */
  trafficMovedMs?: number;
  /** After a failure: traffic put back on the previous revision, and the new one deactivated. */
  restored?: boolean;
  deactivated?: boolean;
}

export function emptyContainerAppReport(): ContainerAppReport {
  return { app: '', image: '', changing: false, steps: [] };
}
