import * as core from '@actions/core';
import { CloudError, TimeoutError } from '../lib/errors.js';
import { gitHubClient, gitHubError, type GitHubClient, type GitHubLimits } from '../lib/github.js';
import { poll } from '../lib/poll.js';
import { scrub } from '../lib/secrets.js';

/**
 * Pull-request delivery, for config repositories whose branch is protected: the change goes on a branch of its
 * own, a pull request asks to merge it, and with auto-merge GitHub merges it once the required checks pass
 * (GraphQL enablePullRequestAutoMerge; when nothing is left to wait for GitHub refuses that with "clean status",
 * and the pull request is merged at once through the REST merge endpoint instead).
 */

export interface PullRequestPlan {
  repository: string;
  token: string;
  head: string;
  base: string;
  title: string;
  body: string;
  autoMerge: boolean;
  mergeMethod: 'merge' | 'squash';
  /** Each GitHub request's timeout (request-timeout); the default otherwise. */
  requestTimeoutMs?: number;
}

export interface OpenedPull {
  number: number;
  url: string;
  nodeId: string;
  /** How it will merge: queued behind checks, merged already, or left for a person. */
  merge: 'auto' | 'merged' | 'manual';
  mergeCommit?: string;
}

/** owner/name of a repository URL on GitHub (or GitHub Enterprise Server): the first two path segments. */
export function ownerAndName(url: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = new URL(url).pathname
    .replace(/^\/+/, '')
    .replace(/\.git$/, '')
    .split('/');
  return { owner, repo };
}

function limitsOf(plan: PullRequestPlan): GitHubLimits {
  return plan.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: plan.requestTimeoutMs };
}

export async function openPullRequest(plan: PullRequestPlan): Promise<OpenedPull> {
  const client = await gitHubClient(plan.token, limitsOf(plan));
  const { owner, repo } = ownerAndName(plan.repository);
  let data: { number: number; html_url: string; node_id: string };
  try {
    ({ data } = await client.rest.pulls.create({
      owner,
      repo,
      head: plan.head,
      base: plan.base,
      // Both are published on the pull request: no masked value goes into them.
      title: scrub(plan.title),
      body: scrub(plan.body),
    }));
  } catch (error) {
    throw gitHubError(error, `opening a pull request in ${owner}/${repo}`);
  }
  core.info(`Opened ${data.html_url}.`);
  return { number: data.number, url: data.html_url, nodeId: data.node_id, merge: 'manual' };
}

/** Asks GitHub to merge once the checks pass, or merges now when there is nothing to wait for. */
export async function enableAutoMerge(plan: PullRequestPlan, pull: OpenedPull): Promise<OpenedPull> {
  const client: GitHubClient = await gitHubClient(plan.token, limitsOf(plan));
  const where = ownerAndName(plan.repository);
  const mutation = `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) { pullRequest { number } }
}`;
  try {
    await client.graphql(mutation, { pullRequestId: pull.nodeId, mergeMethod: plan.mergeMethod.toUpperCase() });
    core.info(`Auto-merge enabled: GitHub merges #${pull.number} once its required checks pass.`);
    return { ...pull, merge: 'auto' };
  } catch (error) {
    const message = (error as Error).message;
    if (!/clean status|unstable status/.test(message)) {
      throw new CloudError(
        `Enabling auto-merge on ${pull.url} failed: ${message}`,
        'AutoMergeRefused',
        "Allow auto-merge in the config repository's settings (General > Pull Requests), or set 'auto-merge: false'.",
      );
    }
  }
  // Nothing to wait for: merge now, as auto-merge would have.
  try {
    const { data } = await client.rest.pulls.merge({
      ...where,
      pull_number: pull.number,
      merge_method: plan.mergeMethod,
    });
    core.info(`Merged #${pull.number} (no required checks to wait for): ${data.sha}.`);
    return { ...pull, merge: 'merged', mergeCommit: data.sha };
  } catch (error) {
    throw gitHubError(error, `merging ${pull.url}`);
  }
}

/** Waits until GitHub merged the pull request; its merge commit is what Argo CD will sync. */
export async function waitForMerge(
  plan: PullRequestPlan,
  pull: OpenedPull,
  options: { timeoutMs: number; intervalMs: number },
): Promise<string> {
  if (pull.mergeCommit) return pull.mergeCommit;
  // No read of the pull request outlives the wait.
  const client = await gitHubClient(plan.token, { ...limitsOf(plan), deadline: Date.now() + options.timeoutMs });
  const { owner, repo } = ownerAndName(plan.repository);
  const result = await poll(async () => {
    const { data } = await client.rest.pulls.get({ owner, repo, pull_number: pull.number }).catch((error: unknown) => {
      throw gitHubError(error, `reading ${pull.url}`);
    });
    if (data.state === 'closed' && !data.merged)
      throw new CloudError(`${pull.url} was closed without merging.`, 'PullRequestClosed');
    return data.merged && data.merge_commit_sha ? data.merge_commit_sha : undefined;
  }, options);
  if (result.outcome === 'timeout')
    throw new TimeoutError(
      `${pull.url} was not merged in time.`,
      'Look at its checks and reviews; raise timeout when they take longer.',
    );
  return result.value;
}
