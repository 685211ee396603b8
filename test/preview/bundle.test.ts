import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/runner.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { headSha, pullRequestEvent, repository } from './fixture.js';

let github: GitHubServer;
beforeAll(async () => {
  github = await startGitHub({ tokens: { ghs_bundle_token: 'write', ghs_bundle_read: 'read' } });
  github.openPullRequest(repository, 7);
});
afterAll(() => github.close());

describe('preview bundle, run as the runner runs it', () => {
  it('deploys, reports ready and tears down through dist/index.js, never printing the token', async () => {
    const env = {
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_PATH: pullRequestEvent(7),
      GITHUB_EVENT_NAME: 'pull_request',
    };
    const inputs = { 'github-token': 'ghs_bundle_token' };
    const url = 'https://pr-7.preview.example.com';

    const started = await runBundle('preview', { inputs: { ...inputs, state: 'in_progress' }, env });
    expect(started.exitCode).toBe(0);
    const ready = await runBundle('preview', {
      inputs: { ...inputs, state: 'success', 'environment-url': url },
      env,
    });
    expect(ready.exitCode).toBe(0);
    expect(ready.outputs).toMatchObject({ environment: 'pr-7', url, skipped: 'false' });
    expect(ready.outputs['deployment-id']).toBe(started.outputs['deployment-id']);

    const closed = await runBundle('preview', {
      inputs: { ...inputs, state: 'inactive' },
      env: { ...env, GITHUB_EVENT_PATH: pullRequestEvent(7, { action: 'closed' }) },
    });
    expect(closed.exitCode).toBe(0);
    const [deployment] = github.deployments(repository);
    expect(deployment!.sha).toBe(headSha);
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive']);
    expect(github.comments(`${repository}#7`)).toHaveLength(1);
    for (const step of [started, ready, closed])
      expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_bundle_token');
  });

  it('fails on invalid input with exit code 1 and a failure-reason', async () => {
    const step = await runBundle('preview', {
      inputs: { 'github-token': 'ghs_bundle_token', state: 'success', 'environment-url': 'not a url' },
      env: { GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: pullRequestEvent(7) },
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.log).toContain("Input 'environment-url' must be an http(s) URL");
    expect(step.summary).toMatch(/^### preview: ❌ Failed/);
    expect(step.summary).toContain("Input 'environment-url' must be an http(s) URL");
    expect(step.summary).toContain('| Failure reason | <code>invalid-input</code> |');
  });

  it('fails once started, when the token may not write deployments, with the summary and a failure-reason', async () => {
    const step = await runBundle('preview', {
      inputs: { 'github-token': 'ghs_bundle_read', state: 'in_progress' },
      env: { GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: pullRequestEvent(7) },
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toEqual({ environment: 'pr-7', skipped: 'false', 'failure-reason': 'cloud-error' });
    expect(step.summary).toMatch(/^### preview: ❌ Failed/);
    expect(step.summary).toMatch(/creating a deployment .* failed \(HTTP 403\)/);
    expect(step.summary).toContain('| Environment | <code>pr-7</code> |');
    expect(step.summary).toContain('| Failure reason | <code>cloud-error</code> |');
    expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_bundle_read');
  });
});
