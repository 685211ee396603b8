import * as core from '@actions/core';
import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DeployError, describe, InputError } from '../lib/errors.js';
import type { PullRequest } from '../lib/github.js';
import { TerraformCli, TerraformFailed } from './cli.js';
import type { TerraformInputs } from './inputs.js';
import { install } from './install.js';
import { publishRootOutputs } from './outputs.js';
import { init, plan, readOutputs, secretEnvironment, selectWorkspace, validate } from './phases.js';
import { comment, commentTarget, reviewedHashFromComment } from './publish.js';
import type { Run } from './report.js';
import { applyReviewed } from './review.js';
import { writeCliCredentials } from './setup.js';
import { parseSpec, versionFromDirectory } from './version.js';

/** Runs the phases; a failure of Terraform's is recorded in the report (the lock, what an apply did) as well. */
export async function stage(report: Run): Promise<void> {
  try {
    await phases(report);
  } catch (error) {
    recordFailure(report, error);
    throw error;
  }
}

function recordFailure(report: Run, error: unknown): void {
  if (error instanceof DeployError && error.reason === 'plan-changed') report.dflookReason = 'plan-changed';
  if (!(error instanceof TerraformFailed)) return;
  report.lock = error.details.lock;
  report.completed = error.details.completed;
  if (error.reason === 'state-locked') report.dflookReason = 'state-locked';
  else if (error.details.command === 'apply') report.dflookReason = 'apply-failed';
}

/** The phases in order: install, init, workspace, then the command; outputs and the comment last. */
async function phases(report: Run): Promise<void> {
  const { inputs } = report;
  const isDirectory = statSync(inputs.workingDirectory, { throwIfNoEntry: false })?.isDirectory() === true;
  if (!isDirectory && inputs.command !== 'setup') {
    throw new InputError(`Input 'working-directory' is ${inputs.workingDirectory}, which is not a directory.`);
  }
  const spec = inputs.version
    ? parseSpec(inputs.version, "Input 'terraform-version'")
    : isDirectory
      ? versionFromDirectory(inputs.workingDirectory)
      : undefined;
  const pr = commentTarget(report);

  const installed = await core.group('Install', async () => {
    const found = await install({ ...inputs, spec });
    core.info(`Using ${inputs.binary} ${found.version} from the ${found.source}: ${found.path}`);
    return found;
  });
  report.installed = installed;
  if (inputs.credentials) writeCliCredentials(inputs.credentials);
  // setup-terraform's job: Terraform on PATH (and its credentials) for the `run:` steps after this one.
  if (inputs.command === 'setup') return;
  const tf = new TerraformCli(installed.path, inputs.workingDirectory, secretEnvironment(inputs));

  await core.group('Init', () => init(tf, inputs));
  if (inputs.workspace && inputs.command !== 'validate') {
    report.workspaceCreated = await core.group('Workspace', () =>
      selectWorkspace(tf, inputs.workspace!, inputs.lockTimeoutMs),
    );
  }

  const planFile = planFilePath(inputs);
  if (inputs.command === 'validate') report.validated = await core.group('Validate', () => validate(tf));
  if (inputs.command === 'plan') report.plan = await core.group('Plan', () => plan(tf, inputs, planFile));
  if (inputs.command === 'apply' || inputs.command === 'destroy') {
    const reviewed = inputs.planHash ?? (inputs.planFile ? undefined : await reviewedHashFromComment(report, pr));
    const result = await core.group('Apply', () => applyReviewed(tf, inputs, planFile, reviewed));
    Object.assign(report, result);
  }
  if (['apply', 'destroy', 'output'].includes(inputs.command)) {
    report.outputs = await core.group('Outputs', () => readOutputs(tf));
    report.outputsFile = publishRootOutputs(report.outputs);
  }
  const worthComment = report.plan && (report.plan.hasChanges || !inputs.commentOnlyChanges);
  if (pr && worthComment) await core.group('Comment', () => commentOn(pr, report));
}

/** A plan's comment is what reviewers read, so failing to write it fails the plan; after an apply it is news. */
async function commentOn(pr: PullRequest, report: Run): Promise<void> {
  try {
    report.commentUrl = await comment(report, pr);
  } catch (error) {
    if (report.inputs.command === 'plan') throw error;
    core.warning(`Applied, but could not update the plan comment: ${describe(error)}`);
  }
}

/** Plan writes `tfplan` in the working directory unless told otherwise; apply re-plans into the temp folder. */
function planFilePath(inputs: TerraformInputs): string {
  if (inputs.planFile) {
    return isAbsolute(inputs.planFile) ? inputs.planFile : resolve(inputs.workingDirectory, inputs.planFile);
  }
  if (inputs.command === 'plan') return join(inputs.workingDirectory, 'tfplan');
  return join(process.env.RUNNER_TEMP ?? inputs.workingDirectory, `terraform-${process.pid}-${Date.now()}.tfplan`);
}
