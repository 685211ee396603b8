import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import {
  findStickyComment,
  gitHubClient,
  pullRequestFromEvent,
  upsertStickyComment,
  type Comment,
  type PullRequest,
} from '../lib/github.js';
import type { Secrets } from './plan.js';
import { commentPlanLimit, hashFromComment, renderReport, summaryPlanLimit, type Report } from './report.js';

/** Where the report goes besides the log: the job summary, and the pull request's sticky comment. */

/**
 * Only a comment a bot wrote (github-actions[bot], a GitHub App) is the plan comment: anyone may paste the
 * marker and a plan hash into a comment of their own, and apply trusts the hash it finds there.
 */
const writtenByBot = (comment: Comment) => comment.author.type === 'Bot';

/** One comment per Terraform root and workspace on a pull request. */
export function commentMarker(report: Pick<Report, 'root' | 'inputs'>): string {
  const workspace = report.inputs.workspace ? ` workspace=${report.inputs.workspace}` : '';
  return `deploy-actions/terraform root=${report.root}${workspace}`;
}

/** Everything that must not be written outside the (masked) log. */
export function secretsOf(report: Report): Secrets {
  const { inputs } = report;
  const outputs = Object.values(report.outputs ?? {})
    .filter((output) => output.sensitive)
    .map((output) => (typeof output.value === 'string' ? output.value : JSON.stringify(output.value)));
  return {
    given: [...inputs.secretVariables.values(), ...inputs.redact, ...(inputs.githubToken ? [inputs.githubToken] : [])],
    found: [...(report.plan?.sensitive ?? []), ...outputs],
  };
}

/**
 * Appends to the job summary file. Not through `core.summary`, which remembers the first file it wrote
 * to: runs of the stage in one process (tests, the demo) each have their own.
 */
export async function writeJobSummary(report: Report): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, `${renderReport(report, summaryPlanLimit, secretsOf(report))}\n`);
}

/** The pull request to comment on, when this run is for one and commenting is possible. */
export function commentTarget(report: Report): PullRequest | undefined {
  if (!report.inputs.comment) return undefined;
  const pr = pullRequestFromEvent();
  if (pr && !report.inputs.githubToken) {
    core.warning("This run is for a pull request but 'github-token' is empty, so no plan comment is left.");
    return undefined;
  }
  return pr;
}

export async function comment(report: Report, pr: PullRequest): Promise<string> {
  const client = await gitHubClient(report.inputs.githubToken!);
  const body = renderReport(report, commentPlanLimit, secretsOf(report));
  const posted = await upsertStickyComment(client, pr, commentMarker(report), body, writtenByBot);
  core.info(`${posted.created ? 'Created' : 'Updated'} the plan comment: ${posted.url}`);
  return posted.url;
}

/**
 * A failed plan replaces the plan comment too: a reviewer must not read an older, successful plan as the
 * current one. Failing to comment must not hide the plan's own error, so it is only a warning.
 */
export async function commentFailure(report: Report): Promise<void> {
  const pr = report.inputs.command === 'plan' ? commentTarget(report) : undefined;
  if (!pr) return;
  try {
    await comment(report, pr);
  } catch (error) {
    core.warning(`Could not update the plan comment: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The plan hash recorded in this pull request's plan comment: what the reviewers saw. */
export async function reviewedHashFromComment(
  report: Report,
  pr: PullRequest | undefined,
): Promise<string | undefined> {
  if (!pr || !report.inputs.githubToken) return undefined;
  const client = await gitHubClient(report.inputs.githubToken);
  const found = await findStickyComment(client, pr, commentMarker(report), writtenByBot);
  const hash = found && hashFromComment(found.body);
  if (hash) core.info(`The reviewed plan is the one in ${found!.url} (hash ${hash.slice(0, 16)}).`);
  return hash;
}
