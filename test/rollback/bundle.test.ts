import { afterEach, describe, expect, it } from 'vitest';
import type { Behaviour, FakeAzure } from '../fakes/azure/index.js';
import { runBundle } from '../helpers/runner.js';
import { cloudInputs, fast, HELLO, startAzure, V1, V2 } from '../deploy-azure/fixture.js';

/** actions/rollback/dist run as the runner runs it, failing: the job summary and failure-reason say why. */

const started: FakeAzure[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((azure) => azure.close()));
});

/** Rolls "hello" back (production runs V1) through the bundle, with the images' health as given. */
async function rollBack(inputs: Record<string, string>, behaviour: (image: string) => Behaviour = () => 'healthy') {
  const azure = await startAzure();
  started.push(azure);
  azure.behaviour = behaviour;
  const env = azure.env();
  const step = await runBundle('rollback', { inputs: { ...cloudInputs(azure), ...fast, ...HELLO, ...inputs }, env });
  return { azure, step };
}

describe('the rollback bundle, failing', () => {
  it('on invalid input, before any request: Failed in the summary, with the reason, and failure-reason', async () => {
    const { azure, step } = await rollBack({ 'previous-image': V1, timeout: 'soon', reason: 'smoke test' });
    expect(step.exitCode).toBe(1);
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(step.outputs.outcome).toBeUndefined();
    expect(step.summary).toMatch(/^### rollback: ❌ Failed/);
    expect(step.summary).toContain("Input 'timeout' must be a duration such as 500ms, 30s, 5m or 1m30s");
    expect(step.summary).toMatch(/Failure reason \| <code>invalid-input<\/code>/);
    expect(azure.tokenRequests).toEqual([]);
  });

  it('when production does not serve the previous image either', async () => {
    const { azure, step } = await rollBack(
      { 'previous-image': V2, timeout: '1s', reason: 'smoke test failed' },
      (image) => (image === V2 ? 'unhealthy' : 'healthy'),
    );
    expect(step.exitCode).toBe(1);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.summary).toMatch(/^### rollback: ❌ Failed/);
    expect(step.summary).toMatch(/production did not serve version 2\.0\.0 at https:\/\/127\.0\.0\.1:\d+\/health/);
    expect(step.summary).toMatch(/Why \| smoke test failed/);
    expect(step.summary).toMatch(/Failure reason \| <code>rollout-failed<\/code>/);
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V2}`);
  });
});
