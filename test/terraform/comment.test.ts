import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runInProcess } from '../helpers/in-process.js';
import { terraform } from '../helpers/prereq.js';
import { startGitHub, type GitHubServer } from '../fakes/github/server.js';
import { pullRequestEvent, terraformEnv, workspaceWith } from './helpers.js';

const tf = terraform();
let github: GitHubServer;

beforeAll(async () => {
  github = await startGitHub({ tokens: { ghs_write_token_0123456789: 'write', ghs_read_token: 'read' } });
});
afterAll(() => github?.close());

/**
 * A step of a pull_request workflow: the event names PR `number`, and the API is the local stand-in. Each
 * step loads the stage afresh, as each runs in a process of its own on a runner: what one step masked,
 * the next masks again.
 */
async function onPullRequest(
  number: number,
  workspace: string,
  inputs: Record<string, string>,
  token = 'ghs_write_token_0123456789',
) {
  github.openPullRequest('octo-org/hello-service', number);
  vi.resetModules();
  const { run } = await import('../../src/terraform/main.js');
  return runInProcess(
    run,
    { 'working-directory': 'infra', 'github-token': token, ...inputs },
    terraformEnv(workspace, { ...pullRequestEvent(number), GITHUB_API_URL: github.url }),
  );
}

describe.skipIf(!tf.available)('the plan comment on a pull request', () => {
  it('is created once, edited on the next push, and tells apply which plan was reviewed', async () => {
    const { workspace } = workspaceWith('service');
    const issue = 'octo-org/hello-service#7';

    const first = await onPullRequest(7, workspace, { command: 'plan', variables: 'image_tag=v2' });
    expect(first.exitCode, first.log).toBe(0);
    expect(github.comments(issue)).toHaveLength(1);
    const comment = github.comments(issue)[0]!;
    expect(first.outputs['comment-url']).toBe(comment.html_url);
    expect(comment.body).toContain('<!-- deploy-actions/terraform root=infra -->');
    expect(comment.body).toContain('2 to add, 0 to change, 0 to destroy');
    expect(comment.body).toContain(`<!-- plan-hash: ${first.outputs['plan-hash']} -->`);
    expect(comment.body).toContain('web:v2');

    const pushed = await onPullRequest(7, workspace, { command: 'plan', variables: 'image_tag=v3' });
    expect(pushed.exitCode, pushed.log).toBe(0);
    expect(github.comments(issue)).toHaveLength(1);
    expect(github.comments(issue)[0]!.id).toBe(comment.id);
    expect(github.comments(issue)[0]!.body).toContain('web:v3');
    expect(github.comments(issue)[0]!.body).not.toContain('web:v2');
    expect(github.calls.filter((call) => call.startsWith('POST'))).toHaveLength(1);

    // Someone changes a variable after the review: the apply on the PR re-plans and refuses.
    const drifted = await onPullRequest(7, workspace, { command: 'apply', variables: 'image_tag=v4' });
    expect(drifted.exitCode).toBe(1);
    expect(drifted.outputs['failure-reason']).toBe('plan-changed');

    const applied = await onPullRequest(7, workspace, { command: 'apply', variables: 'image_tag=v3' });
    expect(applied.exitCode, applied.log).toBe(0);
    expect(applied.outputs.service_url).toBe('https://web-v3.example.com');
    expect(github.comments(issue)).toHaveLength(1);
    expect(github.comments(issue)[0]!.body).toContain('Applied the reviewed plan');
  });

  it('trusts no hash from a comment a person wrote, and replaces the comment when a plan fails', async () => {
    const { workspace, dir } = workspaceWith('service');
    const issue = 'octo-org/hello-service#9';
    const planned = await onPullRequest(9, workspace, { command: 'plan', variables: 'image_tag=v2' });
    const hash = planned.outputs['plan-hash']!;
    // Someone pastes the marker and the hash of a plan nobody reviewed into their own comment.
    github.comments(issue).splice(0, 1); // (the bot's comment was deleted)
    github.addComment(issue, `<!-- deploy-actions/terraform root=infra -->\n<!-- plan-hash: ${hash} -->`, 'mallory');
    const forged = await onPullRequest(9, workspace, { command: 'apply', variables: 'image_tag=v2' });
    expect(forged.exitCode).toBe(1);
    expect(forged.outputs['failure-reason']).toBe('invalid-input');
    expect(forged.log).toContain('Nothing says which plan was reviewed');

    await onPullRequest(9, workspace, { command: 'plan', variables: 'image_tag=v2' });
    writeFileSync(join(dir, 'broken.tf'), 'output "oops" {\n  value = var.missing\n}\n');
    const failed = await onPullRequest(9, workspace, { command: 'plan', variables: 'image_tag=v2' });
    expect(failed.exitCode).toBe(1);
    const bot = github.comments(issue).filter((c) => c.user.type === 'Bot');
    expect(bot).toHaveLength(1);
    expect(bot[0]!.body).toContain('❌ Failed');
    expect(bot[0]!.body).toContain('Reference to undeclared input variable');
    expect(bot[0]!.body).not.toContain('plan-hash');
  });

  it('fails a plan whose comment cannot be written, but only warns once an apply has happened', async () => {
    const { workspace } = workspaceWith('service');
    const planned = await onPullRequest(10, workspace, { command: 'plan' }, 'ghs_read_token');
    expect(planned.exitCode).toBe(1);
    expect(planned.outputs['failure-reason']).toBe('cloud-error');
    expect(planned.log).toContain('Resource not accessible by integration');
    expect(planned.log).toContain('pull-requests: write');

    const applied = await onPullRequest(10, workspace, { command: 'apply', 'auto-approve': 'true' }, 'ghs_read_token');
    expect(applied.exitCode, applied.log).toBe(0);
    expect(applied.log).toContain('::warning::Applied, but could not update the plan comment');
    expect(applied.outputs.service_url).toBe('https://web-v1.example.com');
  });

  it('never shows secret inputs or sensitive values in the comment, the summary or the outputs log', async () => {
    const { workspace } = workspaceWith('service');
    const secrets = {
      apiToken: 'tok-SECRET-1234-api', // a secret input for a variable Terraform does not know is sensitive
      password: 'pw-SECRET-5678-db', // a variable declared sensitive
      tag: 'tag-SECRET-999', // a plain variable the user asked to redact
      token: 'ghs_write_token_0123456789',
    };
    const result = await onPullRequest(8, workspace, {
      command: 'plan',
      variables: `image_tag=${secrets.tag}`,
      'secret-variables': `api_token=${secrets.apiToken}\ndb_password=${secrets.password}`,
      redact: secrets.tag,
    });
    expect(result.exitCode, result.log).toBe(0);
    const applied = await onPullRequest(8, workspace, {
      command: 'apply',
      'auto-approve': 'true',
      'secret-variables': `api_token=${secrets.apiToken}\ndb_password=${secrets.password}`,
      variables: `image_tag=${secrets.tag}`,
      redact: secrets.tag,
    });
    expect(applied.exitCode, applied.log).toBe(0);
    expect(JSON.parse(applied.outputs.outputs!).db_password).toBe(secrets.password);

    const comment = github.comments('octo-org/hello-service#8')[0]!.body;
    expect(comment).toContain('***');
    for (const value of Object.values(secrets)) {
      expect(comment).not.toContain(value);
      expect(result.summary).not.toContain(value);
      expect(applied.summary).not.toContain(value);
    }
    // The runner hides every value the step registered with ::add-mask::; all four are registered.
    for (const run of [result, applied]) {
      for (const value of Object.values(secrets)) expect(run.log).toContain(`::add-mask::${value}`);
      const log = run.log.replace(/^::add-mask::.*$/gm, '');
      // Secret variables travel in the environment, so they are not even on a command line in the log.
      expect(log).not.toContain(secrets.password);
      expect(log).not.toContain(`api_token=${secrets.apiToken}`);
      expect(log).not.toContain(secrets.token);
    }
  });
});
