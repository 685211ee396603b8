import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/preview/main.js';
import { runInProcess } from '../helpers/in-process.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { headSha, nextSha, pullRequestEvent, repository } from './fixture.js';

let github: GitHubServer;
let number = 40;

beforeAll(async () => {
  github = await startGitHub({ tokens: { ghs_write: 'write', ghs_read: 'read' } });
});
afterAll(() => github.close());
beforeEach(() => {
  number++;
  github.openPullRequest(repository, number);
  github.calls.length = 0;
});

const issue = () => `${repository}#${number}`;
const previewDeployments = () => github.deployments(repository).filter((d) => d.environment === `pr-${number}`);

function preview(inputs: Record<string, string>, event = pullRequestEvent(number), token = 'ghs_write') {
  return runInProcess(
    run,
    { 'github-token': token, ...inputs },
    {
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: 'pull_request',
    },
  );
}

describe('preview: the GitHub side of a pull request preview', () => {
  it('creates a transient deployment to pr-<number> and one comment when the deploy starts', async () => {
    const step = await preview({ state: 'in_progress' });
    expect(step.failed).toBe(false);
    const [deployment] = previewDeployments();
    expect(deployment).toMatchObject({
      ref: headSha,
      sha: headSha,
      environment: `pr-${number}`,
      transient_environment: true,
      production_environment: false,
    });
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress']);
    expect(deployment!.statuses[0]!.log_url).toBe('https://github.com/octo-org/hello-service/actions/runs/4242');
    expect(step.outputs).toMatchObject({ 'deployment-id': String(deployment!.id), environment: `pr-${number}` });

    const comments = github.comments(issue());
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`### Preview \`pr-${number}\`: ⏳ Deploying`);
    expect(comments[0]!.body).toContain(`| Commit | \`${headSha}\` |`);
  });

  it('puts the URL on the deployment when it is ready and edits the same comment', async () => {
    await preview({ state: 'in_progress' });
    const url = `https://pr-${number}.preview.example.com`;
    const step = await preview({ state: 'success', 'environment-url': url });

    expect(step.failed).toBe(false);
    const deployments = previewDeployments();
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.statuses.map((s) => [s.state, s.environment_url])).toEqual([
      ['in_progress', ''],
      ['success', url],
    ]);
    const comments = github.comments(issue());
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('✅ Ready');
    expect(comments[0]!.body).toContain(`| URL | ${url} |`);
    expect(step.outputs['comment-url']).toBe(comments[0]!.html_url);
    expect(github.calls.filter((c) => c.startsWith('PATCH'))).toHaveLength(1);
    expect(step.summary).toContain(url);
  });

  it('a new push gets a new deployment for its commit, and the one comment follows it', async () => {
    await preview({ state: 'in_progress' });
    await preview({ state: 'success', 'environment-url': 'https://pr.example.com' });
    const push = pullRequestEvent(number, { action: 'synchronize', sha: nextSha });
    await preview({ state: 'in_progress' }, push);
    await preview({ state: 'failure' }, push);

    expect(previewDeployments().map((d) => [d.sha, d.statuses.map((s) => s.state)])).toEqual([
      [headSha, ['in_progress', 'success']],
      [nextSha, ['in_progress', 'failure']],
    ]);
    const comments = github.comments(issue());
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('❌ Failed');
    expect(comments[0]!.body).toContain(nextSha);
  });

  it('on close marks every deployment of the environment inactive and says the preview is gone', async () => {
    const url = 'https://pr.example.com';
    await preview({ state: 'in_progress' });
    await preview({ state: 'success', 'environment-url': url });
    const push = pullRequestEvent(number, { action: 'synchronize', sha: nextSha });
    await preview({ state: 'in_progress' }, push);
    await preview({ state: 'success', 'environment-url': url }, push);

    const closed = pullRequestEvent(number, { action: 'closed', sha: nextSha, merged: true });
    const step = await preview({ state: 'inactive' }, closed);
    expect(step.failed).toBe(false);
    expect(previewDeployments().map((d) => d.statuses.at(-1)!.state)).toEqual(['inactive', 'inactive']);
    const comments = github.comments(issue());
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('⏹️ Torn down');
    expect(comments[0]!.body).toContain('was merged');
    expect(comments[0]!.body).toContain(`~~${url}~~`);
    expect(step.outputs.url).toBe(url);

    // Closing twice (a reopen-close) adds no second inactive status.
    await preview({ state: 'inactive' }, closed);
    expect(previewDeployments().map((d) => d.statuses.filter((s) => s.state === 'inactive').length)).toEqual([1, 1]);
  });

  it('posts no masked value: the token shows as *** in the deployment status and the comment', async () => {
    // A URL or description built from an expression can carry a secret; both leave the runner unmasked.
    const url = 'https://pr.example.com/?token=ghs_write';
    const step = await preview({ state: 'success', 'environment-url': url, description: 'Ready (ghs_write)' });
    expect(step.failed).toBe(false);
    const [status] = previewDeployments()[0]!.statuses;
    expect(status).toMatchObject({
      description: 'Ready (***)',
      environment_url: 'https://pr.example.com/?token=***',
    });
    const [comment] = github.comments(issue());
    expect(comment!.body).toContain('| URL | https://pr.example.com/?token=*** |');
    expect(comment!.body).not.toContain('ghs_write');
  });

  it('does nothing for a pull request from a fork, and says why', async () => {
    const step = await preview({ state: 'in_progress' }, pullRequestEvent(number, { fork: true }), 'ghs_read');
    expect(step.failed).toBe(false);
    expect(step.outputs.skipped).toBe('true');
    expect(step.log).toContain('::notice::Pull request #');
    expect(step.log).toContain('comes from the fork outside-contributor/hello-service');
    expect(github.calls).toEqual([]);
    expect(github.deployments(repository).filter((d) => d.environment === `pr-${number}`)).toEqual([]);
    expect(step.summary).toContain('whose runs get no secrets');
  });

  it('fails with what to do when the token may not write deployments', async () => {
    const step = await preview({ state: 'in_progress' }, pullRequestEvent(number), 'ghs_read');
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toMatch(/creating a deployment .* failed \(HTTP 403\)/);
    expect(step.log).toContain('deployments: write');
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_read');
    expect(step.summary).toMatch(/^### preview: ❌ Failed/);
    expect(step.summary).toMatch(/creating a deployment .* failed \(HTTP 403\)/);
    expect(step.summary).toContain('| Failure reason | <code>cloud-error</code> |');
  });

  it('refuses a run that is not for a pull request, before any call', async () => {
    const step = await runInProcess(
      run,
      { 'github-token': 'ghs_write', state: 'success' },
      { GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: '', GITHUB_EVENT_NAME: 'push' },
    );
    expect(step.failed).toBe(true);
    expect(step.log).toContain('found no pull request in this run');
    expect(step.log).toContain('on: pull_request');
    expect(github.calls).toEqual([]);
  });

  it('refuses an unknown state', async () => {
    const step = await preview({ state: 'deployed' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(github.calls).toEqual([]);
  });
});
