import * as core from '@actions/core';
import { gitHubClient, upsertStickyComment } from '../lib/github.js';
import { scrub } from '../lib/secrets.js';
import { commentMarker, renderComment } from './comment.js';
import {
  createDeployment,
  deactivateAll,
  findDeployment,
  setStatus,
  type Deployment,
  type DeploymentTarget,
} from './deployment.js';
import type { PreviewPullRequest } from './event.js';
import type { PreviewInputs } from './inputs.js';

/** The phases of a preview that is not a fork's: the deployment (or its teardown), then the comment. */

/** What every phase of one run needs. */
export interface PreviewRun extends DeploymentTarget {
  inputs: PreviewInputs;
  pr: PreviewPullRequest;
  /** The commit the preview runs. */
  sha: string;
  /** This workflow run, linked from the deployment status and the comment. */
  runUrl?: string;
}

export async function startRun(
  inputs: PreviewInputs,
  pr: PreviewPullRequest,
  environment: string,
): Promise<PreviewRun> {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = process.env.GITHUB_RUN_ID;
  return {
    // Every request is cut after request-timeout, and none outlives the step's timeout, counted from here.
    client: await gitHubClient(inputs.token, {
      requestTimeoutMs: inputs.requestTimeoutMs,
      deadline: Date.now() + inputs.timeoutMs,
    }),
    inputs,
    pr,
    repository: { owner: pr.owner, repo: pr.repo },
    environment,
    sha: inputs.ref ?? pr.sha,
    runUrl: runId ? `${server}/${pr.owner}/${pr.repo}/actions/runs/${runId}` : undefined,
  };
}

/** Marks every deployment of the environment inactive; returns the last address the preview had. */
export async function tearDown(preview: PreviewRun): Promise<string | undefined> {
  const result = await core.group(`Marking the deployments to ${preview.environment} inactive`, () =>
    deactivateAll(preview, preview.runUrl),
  );
  core.info(`${result.marked} deployment(s) marked inactive.`);
  return result.lastUrl;
}

/**
 * Sets the state on this commit's deployment: a new one when the deploy starts, else the newest one of the
 * commit (or a new one when there is none, e.g. the start step was skipped).
 */
export async function recordDeployment(preview: PreviewRun, url: string | undefined): Promise<Deployment> {
  const { sha, inputs } = preview;
  return core.group(`Deployment of ${sha.slice(0, 7)} to ${preview.environment}`, async () => {
    const existing = inputs.state === 'in_progress' ? undefined : await findDeployment(preview, sha);
    const deployment = existing ?? (await createDeployment(preview, sha, `Preview of #${preview.pr.number}`));
    await setStatus(preview, deployment, {
      state: inputs.state,
      environmentUrl: url,
      logUrl: preview.runUrl,
      description: inputs.description,
    });
    core.info(`Deployment ${deployment.id}: ${inputs.state}${url ? ` at ${scrub(url)}` : ''}`);
    return deployment;
  });
}

/** Writes the sticky comment (the one a bot wrote, edited on every push); returns its address. */
export async function postComment(preview: PreviewRun, url: string | undefined): Promise<string> {
  const { client, pr, environment } = preview;
  const body = renderComment({
    environment,
    state: preview.inputs.state,
    url,
    sha: preview.sha,
    runUrl: preview.runUrl,
    at: new Date(),
    merged: pr.merged,
  });
  const comment = await core.group('Pull request comment', () =>
    upsertStickyComment(client, pr, commentMarker(environment), body, (c) => c.author.type === 'Bot'),
  );
  core.info(`${comment.created ? 'Created' : 'Updated'} ${comment.url}`);
  return comment.url;
}
