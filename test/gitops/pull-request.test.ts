import { describe, expect, it } from 'vitest';
import { run } from '../../src/gitops/main.js';
import { startGitHub } from '../fakes/github/server.js';
import { runInProcess } from '../helpers/in-process.js';
import { git as gitTool } from '../helpers/prereq.js';
import { GIT_TOKEN, closeAfterEach, deployment, releaseInputs, startConfig, type Config } from './fixture.js';

/** Pull-request delivery: the local GitHub opens and merges pull requests over the real config repository. */

const available = gitTool().available;
const closing = closeAfterEach();
let config: Config | undefined;

const v2 = 'registry.example/hello:v2';

async function start(settings: { allowAutoMerge?: boolean; requiredChecksMs?: number }) {
  config = closing(await startConfig());
  const git = config.git;
  const github = closing(await startGitHub({ tokens: { [GIT_TOKEN]: 'write' } }));
  github.attachRepository('org/config', { ref: git.ref, ahead: git.ahead, merge: git.merge, ...settings });
  return { git, github, env: { GITHUB_API_URL: github.url } };
}

describe.skipIf(!available)('gitops with delivery: pull-request', () => {
  it('opens a pull request from a branch of its own and leaves the tracked branch alone without auto-merge', async () => {
    const { git, github, env } = await start({});
    const initial = git.head();
    const step = await runInProcess(run, releaseInputs(config!, v2, { delivery: 'pull-request' }), env);
    expect(step.log).not.toContain('::error::');
    expect(git.head()).toBe(initial);
    const [pull] = github.pulls('org/config');
    expect(pull).toMatchObject({
      state: 'open',
      base: { ref: 'main' },
      title: 'Release hello: web registry.example/hello:v1 → registry.example/hello:v2',
    });
    expect(pull?.head.ref).toMatch(/^gitops\/hello-[0-9a-f]{7}$/);
    expect(git.read('apps/hello/hello.deployment.yaml', pull?.head.sha)).toBe(deployment(v2));
    expect(pull?.body).toContain('Run: https://github.com/octo-org/hello-service/actions/runs/4242');
    expect(step.outputs['pull-request-url']).toBe('https://github.com/org/config/pull/1');
    expect(step.log).toContain('waits for someone to merge it');
  });

  it('with auto-merge and required checks, waits for GitHub to merge, then for Argo CD at the merge commit', async () => {
    const { git, github, env } = await start({ allowAutoMerge: true, requiredChecksMs: 300 });
    const step = await runInProcess(
      run,
      releaseInputs(config!, v2, { delivery: 'pull-request', 'auto-merge': 'true' }),
      env,
    );
    expect(step.log).not.toContain('::error::');
    const [pull] = github.pulls('org/config');
    expect(pull).toMatchObject({ merged: true, auto_merge: { merge_method: 'squash' } });
    expect(pull?.merge_commit_sha).toBe(git.head());
    expect(git.read('apps/hello/hello.deployment.yaml')).toBe(deployment(v2));
    expect(step.outputs).toMatchObject({
      commit: git.head(),
      'synced-revision': git.head(),
      health: 'Healthy',
      'pull-request-url': pull?.html_url,
    });
    expect(step.summary).toContain(`merged as ${git.head().slice(0, 7)}`);
  });

  it('merges at once when GitHub refuses auto-merge because nothing is left to wait for (clean status)', async () => {
    const { git, github, env } = await start({ allowAutoMerge: true });
    const step = await runInProcess(
      run,
      releaseInputs(config!, v2, { delivery: 'pull-request', 'auto-merge': 'true', 'merge-method': 'merge' }),
      env,
    );
    expect(step.log).not.toContain('::error::');
    expect(step.log).toContain('Merged #1 (no required checks to wait for)');
    expect(github.pulls('org/config')[0]).toMatchObject({ merged: true, auto_merge: null });
    expect(git.log('%P')[0]?.split(' ')).toHaveLength(2);
    expect(step.outputs).toMatchObject({ 'synced-revision': git.head(), health: 'Healthy' });
  });

  it('fails naming the setting when the repository does not allow auto-merge', async () => {
    const { env } = await start({ allowAutoMerge: false, requiredChecksMs: 100 });
    const step = await runInProcess(
      run,
      releaseInputs(config!, v2, { delivery: 'pull-request', 'auto-merge': 'true' }),
      env,
    );
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(step.log).toContain('Auto merge is not allowed for this repository');
    expect(step.outputs['pull-request-url']).toBe('https://github.com/org/config/pull/1');
  });
});
