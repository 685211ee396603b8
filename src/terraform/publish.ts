import * as core from '@actions/core';
import { describe } from '../lib/errors.js';
import {
  findStickyComment,
  gitHubClient,
  pullRequestFromEvent,
  upsertStickyComment,
  type Comment,
  type PullRequest,
} from '../lib/github.js';
import { scrub } from '../lib/secrets.js';
import { hashFromComment, type Run } from './report.js';
import { renderComment } from './summary.js';

/** The pull request's sticky plan comment: where the report goes besides the log and the job summary. */

/**
 * Only a comment a bot wrote (github-actions[bot], a GitHub App) is the plan comment: anyone may paste the
 * marker and a plan hash into a comment of their own, and apply trusts the hash it finds there.
 */
const writtenByBot = (comment: Comment) => comment.author.type === 'Bot';

/** One comment per Terraform root, workspace and label (dflook's: plan and apply must give the same) on a pull request. */
export function commentMarker(run: Pick<Run, 'root' | 'inputs'>): string {
  const workspace = run.inputs.workspace ? ` workspace=${run.inputs.workspace}` : '';
  const label = run.inputs.label ? ` label=${encodeURIComponent(run.inputs.label)}` : '';
  return `deploy-actions/terraform root=${run.root}${workspace}${label}`;
}

/** The pull request to comment on, when this run is for one and commenting is possible. */
export function commentTarget(run: Run): PullRequest | undefined {
  if (!run.inputs.comment) return undefined;
  const pr = pullRequestFromEvent();
  if (pr && !run.inputs.githubToken) {
    core.warning("This run is for a pull request but 'github-token' is empty, so no plan comment is left.");
    return undefined;
  }
  return pr;
}

/** Writes (or edits) the plan comment; `error` when the run failed. The text leaves the runner: scrubbed. */
export async function comment(run: Run, pr: PullRequest, error?: unknown): Promise<string> {
  const client = await gitHubClient(run.inputs.githubToken!);
  const body = scrub(renderComment(run, error, Date.now() - run.startedAt));
  const posted = await upsertStickyComment(client, pr, commentMarker(run), body, writtenByBot);
  core.info(`${posted.created ? 'Created' : 'Updated'} the plan comment: ${posted.url}`);
  return posted.url;
}

/**
 * A failed plan replaces the plan comment too: a reviewer must not read an older, successful plan as the
 * current one. Failing to comment must not hide the plan's own error, so it is only a warning.
 */
export async function commentFailure(run: Run, error: unknown): Promise<void> {
  const pr = run.inputs.command === 'plan' ? commentTarget(run) : undefined;
  if (!pr) return;
  try {
    await comment(run, pr, error);
  } catch (failure) {
    core.warning(`Could not update the plan comment: ${describe(failure)}`);
  }
}

/** The plan hash recorded in this pull request's plan comment: what the reviewers saw. */
export async function reviewedHashFromComment(run: Run, pr: PullRequest | undefined): Promise<string | undefined> {
  if (!pr || !run.inputs.githubToken) return undefined;
  const client = await gitHubClient(run.inputs.githubToken);
  const found = await findStickyComment(client, pr, commentMarker(run), writtenByBot);
  const hash = found && hashFromComment(found.body);
  if (hash) core.info(`The reviewed plan is the one in ${found!.url} (hash ${hash.slice(0, 16)}).`);
  return hash;
}
