import type { Completed, LockInfo } from './cli.js';
import type { Installed } from './install.js';
import type { TerraformInputs } from './inputs.js';
import type { PlanResult, RootOutput } from './phases.js';

/**
 * What one run of the stage found and did, filled in as it goes: for the outputs, the job summary and the pull
 * request comment. Empty until the inputs are read.
 */
export interface Report {
  inputs?: TerraformInputs;
  /** The working directory as the user wrote it, relative to the workspace. */
  root?: string;
  startedAt?: number;
  installed?: Installed;
  workspaceCreated?: boolean;
  plan?: PlanResult;
  applied?: boolean;
  outputs?: Record<string, RootOutput>;
  validated?: string;
  commentUrl?: string;
  /** The root outputs as one JSON file of values (dflook's json_output_path). */
  outputsFile?: string;
  /** On failure: the lock that stopped Terraform, and what an apply had done before it failed. */
  lock?: LockInfo;
  completed?: Completed[];
  /** dflook's failure_reason: apply-failed, plan-changed or state-locked; unset for any other failure. */
  dflookReason?: 'apply-failed' | 'plan-changed' | 'state-locked';
}

/** The report once the inputs are read: what every phase works on. */
export type Run = Report & { inputs: TerraformInputs; root: string; startedAt: number };

export function isRun(report: Report): report is Run {
  return report.inputs !== undefined && report.root !== undefined && report.startedAt !== undefined;
}

/** GitHub refuses comments over 65,536 characters; the summary allows 1 MiB, more than any reader wants. */
export const commentPlanLimit = 40_000;
export const summaryPlanLimit = 200_000;

export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n\n… cut here: ${(text.length - limit).toLocaleString('en-US')} more characters. The whole plan is in this step's log.`;
}

/** The plan hash a pull request comment recorded, for apply to compare against. */
export function hashFromComment(body: string): string | undefined {
  return /<!-- plan-hash: ([0-9a-f]{64}) -->/.exec(body)?.[1];
}
