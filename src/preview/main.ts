import * as core from '@actions/core';
import { runLegacyStage } from '../lib/action.js';
import { gitHubClient, upsertStickyComment } from '../lib/github.js';
import { code, writeSummary } from '../lib/summary.js';
import { commentMarker, renderComment } from './comment.js';
import { createDeployment, deactivateAll, findDeployment, setStatus, type Deployment } from './deployment.js';
import { readPullRequest } from './event.js';
import { readInputs } from './inputs.js';

/**
 * preview: the GitHub side of a pull request preview. A deployment to pr-<number> with a status that
 * carries the preview's URL, and one sticky comment on the pull request edited on every push; on close,
 * every deployment of the environment inactive and the comment saying so. Fork pull requests get nothing.
 */
export async function run(): Promise<void> {
  await runLegacyStage(async () => {
    const inputs = readInputs();
    const pr = readPullRequest();
    const environment = inputs.environment ?? `pr-${pr.number}`;
    core.setOutput('environment', environment);
    if (pr.fork) {
      core.notice(
        `Pull request #${pr.number} comes from the fork ${pr.headRepository}: no preview is deployed, because a fork's runs get no secrets and a read-only token.`,
      );
      core.setOutput('skipped', 'true');
      writeSummary({
        stage: 'preview',
        outcome: 'unchanged',
        headline: `No preview for #${pr.number}: it comes from the fork ${pr.headRepository}, whose runs get no secrets.`,
        facts: [['Environment', code(environment)]],
      });
      return;
    }
    core.setOutput('skipped', 'false');

    const client = await gitHubClient(inputs.token);
    const repository = { owner: pr.owner, repo: pr.repo };
    const sha = inputs.ref ?? pr.sha;
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runUrl = process.env.GITHUB_RUN_ID
      ? `${server}/${pr.owner}/${pr.repo}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;

    let deployment: Deployment | undefined;
    let url = inputs.environmentUrl;
    if (inputs.state === 'inactive') {
      const result = await core.group(`Marking the deployments to ${environment} inactive`, () =>
        deactivateAll(client, repository, environment, runUrl),
      );
      core.info(`${result.marked} deployment(s) marked inactive.`);
      url ??= result.lastUrl;
    } else {
      deployment = await core.group(`Deployment of ${sha.slice(0, 7)} to ${environment}`, async () => {
        const existing =
          inputs.state === 'in_progress' ? undefined : await findDeployment(client, repository, environment, sha);
        const found =
          existing ?? (await createDeployment(client, repository, environment, sha, `Preview of #${pr.number}`));
        await setStatus(client, repository, found, inputs.state, {
          environmentUrl: url,
          logUrl: runUrl,
          description: inputs.description,
        });
        core.info(`Deployment ${found.id}: ${inputs.state}${url ? ` at ${url}` : ''}`);
        return found;
      });
      core.setOutput('deployment-id', String(deployment.id));
    }

    const body = renderComment({
      environment,
      state: inputs.state,
      url,
      sha,
      runUrl,
      at: new Date(),
      merged: pr.merged,
    });
    const comment = await core.group('Pull request comment', () =>
      upsertStickyComment(client, pr, commentMarker(environment), body, (c) => c.author.type === 'Bot'),
    );
    core.info(`${comment.created ? 'Created' : 'Updated'} ${comment.url}`);
    core.setOutput('comment-url', comment.url);
    core.setOutput('url', url ?? '');

    writeSummary({
      stage: 'preview',
      outcome: inputs.state === 'failure' ? 'failure' : 'success',
      headline: `Preview ${code(environment)} of #${pr.number}: ${inputs.state.replace('_', ' ')}.`,
      facts: [
        ['URL', url],
        ['Commit', code(sha)],
        ['Deployment', deployment ? String(deployment.id) : undefined],
        ['Comment', comment.url],
      ],
    });
  });
}
