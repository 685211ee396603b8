import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '../helpers/runner.js';
import { git as gitTool } from '../helpers/prereq.js';
import { ARGO_TOKEN, GIT_TOKEN, deployment, releaseInputs, startConfig, type Config } from './fixture.js';

/** actions/gitops/dist run as the runner runs it: Node 24, INPUT_* variables, runner files. */

const available = gitTool().available;
let config: Config | undefined;
afterEach(async () => {
  await config?.close();
  config = undefined;
});

describe.skipIf(!available)('the gitops bundle', () => {
  it('pushes the release, waits for Argo CD and writes the outputs and the summary, printing no secret', async () => {
    config = await startConfig();
    const step = await runBundle('gitops', { inputs: releaseInputs(config, 'registry.example/hello:v2') });
    expect(step.exitCode).toBe(0);
    const head = config.git.head();
    expect(step.outputs).toEqual({
      commit: head,
      'previous-image': 'registry.example/hello:v1',
      'synced-revision': head,
      health: 'Healthy',
    });
    expect(config.git.read('apps/hello/hello.deployment.yaml')).toBe(deployment('registry.example/hello:v2'));
    expect(step.summary).toMatch(/^### gitops: ✅ Succeeded/);
    expect(step.summary).toContain(
      '| <code>apps/hello/hello.deployment.yaml</code> | Deployment/hello container web | <code>registry.example/hello:v1</code> | <code>registry.example/hello:v2</code> |',
    );
    expect(step.summary).toMatch(/\| Requests \| \d+ Git, \d+ Argo CD \|/);
    expect(step.log).toMatch(/hello: Synced at [0-9a-f]{7}, Healthy\./);
    for (const secret of [GIT_TOKEN, ARGO_TOKEN]) {
      expect(step.log).toContain(`::add-mask::${secret}`);
      expect(step.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(secret);
      expect(step.summary + JSON.stringify(step.outputs)).not.toContain(secret);
    }
  });

  it('fails on invalid input before any Git or Argo CD request, with failure-reason invalid-input', async () => {
    config = await startConfig();
    const step = await runBundle('gitops', {
      inputs: releaseInputs(config, 'registry.example/hello:v2', { timeout: 'soon' }),
    });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toEqual({ 'failure-reason': 'invalid-input' });
    expect(step.log).toContain("::error::Input 'timeout' must be a duration");
    expect(config.git.requests).toHaveLength(0);
    expect(config.argo.requests).toHaveLength(0);
    expect(step.summary).toMatch(/^### gitops: ❌ Failed/);
  });

  it('fails with failure-reason degraded and keeps commit and previous-image for the rollback', async () => {
    config = await startConfig();
    const step = await runBundle('gitops', { inputs: releaseInputs(config, 'registry.example/hello:crash') });
    expect(step.exitCode).toBe(1);
    expect(step.outputs).toMatchObject({
      'failure-reason': 'degraded',
      commit: config.git.head(),
      'previous-image': 'registry.example/hello:v1',
      health: 'Degraded',
    });
    expect(step.summary).toContain('| Failure reason | <code>degraded</code> |');
    expect(step.log).toContain('::error::Argo CD: hello is Degraded at');
  });
});
