import * as core from '@actions/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import type { Outputs } from '../lib/action.js';
import { scrub } from '../lib/secrets.js';
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
  | 'plan_path'
  | 'to_move'
  | 'to_import'
  | 'json_plan_path'
  | 'text_plan_path'
  | 'json_output_path'
  | 'lock_info'
  | 'lock-info'
  | 'failure_reason';

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
    to_move: plan && String(plan.summary.move),
    to_import: plan && String(plan.summary.import),
    json_plan_path: plan?.jsonFile && fromWorkspace(plan.jsonFile),
    text_plan_path: plan?.textFile && fromWorkspace(plan.textFile),
    json_output_path: report.outputsFile && fromWorkspace(report.outputsFile),
    lock_info: report.lock && lockInfo(report),
    'lock-info': report.lock && lockInfo(report),
    failure_reason: report.dflookReason,
  };
}

/** A path relative to the workspace when it is inside it (as dflook gives its paths), else absolute. */
function fromWorkspace(path: string): string {
  const inside = relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

/** dflook's lock_info: the lock's fields under Terraform's own names. */
function lockInfo({ lock }: Report): string {
  return JSON.stringify({
    ID: lock?.id ?? '',
    Path: lock?.path ?? '',
    Operation: lock?.operation ?? '',
    Who: lock?.who ?? '',
    Version: lock?.version ?? '',
    Created: lock?.created ?? '',
    Info: lock?.info ?? '',
  });
}

/** This action's own outputs: a root output of the same name is only in `outputs`. */
const ownOutputs = new Set([...Object.keys(outputs({})), 'failure-reason']);

/**
 * `outputs` as one JSON object of values, one action output per root output (strings as they are, the rest as
 * JSON), and the same object in a file (dflook's json_output_path). A sensitive root output is set with its value:
 * the user reads it on purpose in a later step (a generated password), it was masked in the log when read, and
 * the runner refuses to pass a masked value on as a job output. Every other value is scrubbed of the run's
 * secrets, as every output is: a secret variable echoed by a non-sensitive output shows as ***.
 */
export function publishRootOutputs(rootOutputs: Record<string, RootOutput>): string {
  const value = (output: RootOutput) => (output.sensitive ? output.value : scrubLeaves(output.value));
  const values = Object.fromEntries(Object.entries(rootOutputs).map(([name, output]) => [name, value(output)]));
  core.setOutput('outputs', JSON.stringify(values));
  for (const [name, output] of Object.entries(rootOutputs)) {
    if (ownOutputs.has(name)) {
      core.warning(`Root output '${name}' has the name of one of this action's own outputs: read it from 'outputs'.`);
      continue;
    }
    core.setOutput(name, output.sensitive ? outputText(output) : scrub(outputText(output)));
  }
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'terraform-outputs-'));
  const file = join(dir, 'outputs.json');
  writeFileSync(file, JSON.stringify(values, null, 2), { mode: 0o600 });
  return file;
}

/** The value with every string in it scrubbed, its shape kept (so `outputs` stays valid JSON). */
function scrubLeaves(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map(scrubLeaves);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubLeaves(item)]));
  }
  return value;
}
