import * as core from '@actions/core';
import { relative } from 'node:path';
import type { Outputs } from '../lib/action.js';
import { outputText, type RootOutput } from './phases.js';
import type { Report } from './report.js';

export type TerraformOutput =
  | 'has-changes'
  | 'to-add'
  | 'to-change'
  | 'to-destroy'
  | 'plan-file'
  | 'plan-hash'
  | 'outputs'
  | 'terraform-version'
  | 'workspace-created'
  | 'comment-url'
  | 'changes'
  | 'to_add'
  | 'to_change'
  | 'to_destroy'
  | 'plan_path';

/** The step outputs the report gives, those known so far on failure. Pure but for reading GITHUB_WORKSPACE. */
export function outputs(report: Report): Outputs<TerraformOutput> {
  const { plan } = report;
  return {
    'has-changes': plan && String(plan.hasChanges),
    'to-add': plan && String(plan.summary.add),
    'to-change': plan && String(plan.summary.change),
    'to-destroy': plan && String(plan.summary.destroy),
    'plan-file': plan?.planFile,
    'plan-hash': plan?.hash,
    // Set by the Outputs phase itself (publishRootOutputs), as read: runStage scrubs what it sets, and a
    // sensitive root output (a generated password) is one the user reads on purpose in a later step.
    outputs: undefined,
    'terraform-version': report.installed?.version,
    'workspace-created': report.workspaceCreated === undefined ? undefined : String(report.workspaceCreated),
    'comment-url': report.commentUrl,
    // dflook/terraform-plan's names, so `steps.plan.outputs.changes` keeps working after a migration.
    changes: plan && String(plan.hasChanges),
    to_add: plan && String(plan.summary.add),
    to_change: plan && String(plan.summary.change),
    to_destroy: plan && String(plan.summary.destroy),
    plan_path: plan && relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), plan.planFile),
  };
}

/** This action's own outputs: a root output of the same name is only in `outputs`. */
const ownOutputs = new Set([...Object.keys(outputs({})), 'failure-reason']);

/**
 * `outputs` as one JSON object of values, and one action output per root output: strings as they are, the
 * rest as JSON. Sensitive ones included, unscrubbed (they were masked in the log when read): step outputs
 * stay in the job, and the runner refuses to pass a masked value on as a job output.
 */
export function publishRootOutputs(rootOutputs: Record<string, RootOutput>): void {
  const values = Object.fromEntries(Object.entries(rootOutputs).map(([name, output]) => [name, output.value]));
  core.setOutput('outputs', JSON.stringify(values));
  for (const [name, output] of Object.entries(rootOutputs)) {
    if (ownOutputs.has(name)) {
      core.warning(`Root output '${name}' has the name of one of this action's own outputs: read it from 'outputs'.`);
      continue;
    }
    core.setOutput(name, outputText(output));
  }
}
