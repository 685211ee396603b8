import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { DeployError, InputError } from '../lib/errors.js';
import type { TerraformCli } from './cli.js';
import type { TerraformInputs } from './inputs.js';
import { applyPlan, inspectPlan, plan, type PlanResult } from './phases.js';

/**
 * Apply only what was reviewed. Three ways to say what was reviewed: the saved plan file itself (Terraform
 * refuses it when the state moved on), the `plan-hash` of the reviewed plan, or the hash recorded in this
 * pull request's plan comment. Without any of them, only `auto-approve: true` applies a fresh plan.
 */
export async function applyReviewed(
  tf: TerraformCli,
  inputs: TerraformInputs,
  planFile: string,
  reviewedHash: string | undefined,
): Promise<{ plan: PlanResult; applied: boolean }> {
  if (inputs.command === 'apply' && inputs.planFile && existsSync(planFile)) {
    core.info(`Applying the saved plan ${planFile}.`);
    const saved = { ...(await inspectPlan(tf, planFile)), hasChanges: true, text: '' };
    saved.hasChanges =
      saved.summary.add + saved.summary.change + saved.summary.destroy + saved.summary.outputs.length > 0;
    saved.text = await applyPlan(tf, inputs, planFile);
    return { plan: saved, applied: true };
  }
  if (inputs.command === 'apply' && inputs.planFile) {
    throw new InputError(
      `Input 'plan-file' names ${planFile}, which does not exist.`,
      'Download the plan artifact the plan job uploaded before this step, or give plan-hash instead.',
    );
  }
  if (!reviewedHash && !inputs.autoApprove) {
    throw new InputError(
      `Nothing says which plan was reviewed, so ${inputs.command} will not guess.`,
      "Give 'plan-file' (the saved plan) or 'plan-hash' (the plan step's output), run on the pull request whose plan comment was reviewed, or set 'auto-approve: true'.",
    );
  }
  const fresh = await plan(tf, inputs, planFile, { destroy: inputs.command === 'destroy' });
  if (reviewedHash && fresh.hash !== reviewedHash) {
    const s = fresh.summary;
    throw new DeployError(
      `The plan changed since it was reviewed (reviewed ${reviewedHash.slice(0, 16)}, now ${fresh.hash.slice(0, 16)}: ` +
        `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy). Nothing was applied.`,
      'Someone changed the infrastructure, the code or the variables after the review. Plan again, review the new plan, then apply it.',
      { reason: 'plan-changed' },
    );
  }
  if (!fresh.hasChanges) {
    core.info('No changes to apply.');
    return { plan: fresh, applied: false };
  }
  fresh.text = `${fresh.text.trim()}\n\n${(await applyPlan(tf, inputs, planFile)).trim()}`;
  return { plan: fresh, applied: true };
}
