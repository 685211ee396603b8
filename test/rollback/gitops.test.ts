import { afterEach, describe, expect, it } from 'vitest';
import { ARGO_TOKEN, GIT_TOKEN, releaseInputs, startConfig, type Config } from '../gitops/fixture.js';
import { git as gitTool } from '../helpers/prereq.js';
import { runBundle } from '../helpers/runner.js';

/**
 * rollback `target: gitops` through actions/rollback/dist, against a real config repository (git http-backend)
 * and the local Argo CD: the release commit a gitops step made is reverted, pushed, and proved Healthy again.
 */

const available = gitTool().available;
let config: Config | undefined;
afterEach(async () => {
  await config?.close();
  config = undefined;
});

const rollbackInputs = (config: Config, revert: string, extra: Record<string, string> = {}) => ({
  target: 'gitops',
  repository: config.git.url,
  token: GIT_TOKEN,
  revert,
  service: 'hello',
  'argocd-server': config.argo.url,
  'argocd-token': ARGO_TOKEN,
  application: 'hello',
  'poll-interval': '100ms',
  timeout: '60s',
  reason: 'smoke test failed',
  ...extra,
});

describe.skipIf(!available)('rollback target gitops', () => {
  it('reverts a Degraded release, waits until Argo CD has it Healthy again, and is idempotent', async () => {
    config = await startConfig();
    const initial = config.git.head();
    const broken = await runBundle('gitops', { inputs: releaseInputs(config, 'registry.example/hello:crash') });
    expect(broken.outputs['failure-reason']).toBe('degraded');
    const release = broken.outputs.commit ?? '';

    const back = await runBundle('rollback', { inputs: rollbackInputs(config, release) });
    expect(back.exitCode).toBe(0);
    const head = config.git.head();
    expect(config.git.log('%s')[0]).toBe(
      'Roll back hello: revert "Release hello: web registry.example/hello:v1 → registry.example/hello:crash"',
    );
    expect(config.git.read('apps/hello/hello.deployment.yaml', head)).toBe(
      config.git.read('apps/hello/hello.deployment.yaml', initial),
    );
    expect(back.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': head,
      'rolled-back-from': release,
      'rollout-state': 'Healthy',
    });
    expect(back.summary).toMatch(/^### rollback: ✅ Succeeded/);
    expect(back.summary).toContain('smoke test failed');
    for (const secret of [GIT_TOKEN, ARGO_TOKEN]) {
      expect(back.log).toContain(`::add-mask::${secret}`);
      expect(back.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(secret);
      expect(back.summary + JSON.stringify(back.outputs)).not.toContain(secret);
    }

    const again = await runBundle('rollback', { inputs: rollbackInputs(config, release) });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ outcome: 'already-current', 'rolled-back-to': head });
    expect(config.git.head()).toBe(head);
  });

  it('refuses a revert that is not a commit SHA, and one not on the branch, before changing anything', async () => {
    config = await startConfig();
    const head = config.git.head();
    const bad = await runBundle('rollback', { inputs: rollbackInputs(config, 'HEAD~1') });
    expect(bad.exitCode).toBe(1);
    expect(bad.outputs['failure-reason']).toBe('invalid-input');
    expect(bad.summary).toContain("Input 'revert' must be the commit SHA of the release to revert");
    const unknown = await runBundle('rollback', { inputs: rollbackInputs(config, 'f'.repeat(40)) });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.log).toContain('is not on main of the config repository');
    expect(config.git.head()).toBe(head);
  });
});
