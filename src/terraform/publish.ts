import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import {
  findStickyComment,
  gitHubClient,
  pullRequestFromEvent,
  upsertStickyComment,
  type PullRequest,
} from '../lib/github.js';
import { commentPlanLimit, hashFromComment, renderReport, summaryPlanLimit, type Report } from './report.js';

/** Where the report goes besides the log: the job summary, and the pull request's sticky comment. */

/** One comment per Terraform root and workspace on a pull request. */
export function commentMarker(report: Pick<Report, 'root' | 'inputs'>): string {
  const workspace = report.inputs.workspace ? ` workspace=${report.inputs.workspace}` : '';
  return `deploy-actions/terraform root=${report.root}${workspace}`;
}

/** Everything that must not be written outside the (masked) log. */
export function secretsOf(report: Report): string[] {
  const { inputs } = report;
  const outputs = Object.values(report.outputs ?? {})
    .filter((output) => output.sensitive)
    .map((output) => (typeof output.value === 'string' ? output.value : JSON.stringify(output.value)));
  return [
    ...inputs.secretVariables.values(),
    ...inputs.redact,
    ...(inputs.githubToken ? [inputs.githubToken] : []),
    ...(report.plan?.sensitive ?? []),
    ...outputs,
  ];
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
  const posted = await upsertStickyComment(client, pr, commentMarker(report), body);
  core.info(`${posted.created ? 'Created' : 'Updated'} the plan comment: ${posted.url}`);
  return posted.url;
}

/** The plan hash recorded in this pull request's plan comment: what the reviewers saw. */
export async function reviewedHashFromComment(
  report: Report,
  pr: PullRequest | undefined,
): Promise<string | undefined> {
  if (!pr || !report.inputs.githubToken) return undefined;
  const client = await gitHubClient(report.inputs.githubToken);
  const found = await findStickyComment(client, pr, commentMarker(report));
  const hash = found && hashFromComment(found.body);
  if (hash) core.info(`The reviewed plan is the one in ${found!.url} (hash ${hash.slice(0, 16)}).`);
  return hash;
}
