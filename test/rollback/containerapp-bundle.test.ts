import { afterEach, describe, expect, it } from 'vitest';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { runStage } from '../../src/lib/action.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import { cloudInputs } from '../deploy-azure/fixture.js';

/**
 * actions/rollback/dist with `target: containerapp`, run as the runner runs it, against the local Container Apps: the
 * release it undoes is made in-process by deploy-azure's containerapp stage (hello--v1 → hello--v2).
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

const common = () => ({
  ...cloudInputs(azure),
  'poll-interval': '0.05',
  timeout: '20',
  'app-name': 'hello',
  'resource-group-name': 'rg-apps',
  target: 'containerapp',
});

/** hello serving V2 (hello--v2) after a release, hello--v1 kept at weight 0. */
async function released() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp('hello', { image: V1 });
  const step = await runInProcess(() => runStage(containerAppStage), {
    ...common(),
    images: V2,
    'revision-suffix': 'v2',
  });
  expect(step.outputs).toMatchObject({ 'previous-revision': 'hello--v1', revision: 'hello--v2' });
}

const rollback = (inputs: Record<string, string>) =>
  runBundle('rollback', {
    inputs: { ...common(), ...inputs },
    env: { ...azure.env(), NODE_EXTRA_CA_CERTS: apps.caFile },
  });
const version = async () =>
  ((await (await fetch(`${apps.appUrl('hello')}/health`)).json()) as { version: string }).version;
const writes = () =>
  azure.armCalls.filter((c) => /^(PUT|PATCH|POST) .*Microsoft\.App/.test(c) && !/listSecrets$/.test(c));

describe('the rollback bundle with target: containerapp', () => {
  it('puts all traffic back on previous-revision, then does nothing when run again', async () => {
    await released();
    const back = await rollback({ 'previous-revision': 'hello--v1', reason: 'smoke test failed' });
    expect(back.log).not.toContain('::error::');
    expect(back.exitCode).toBe(0);
    expect(back.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': 'hello--v1',
      'rolled-back-from': 'hello--v2',
    });
    expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName).toBe(
      'hello--v1',
    );
    expect(await version()).toBe('1.0.0');
    expect(back.summary).toMatch(/^### rollback: ✅/);
    expect(back.summary).toContain('smoke test failed');
    const before = writes().length;
    const again = await rollback({ 'previous-revision': 'hello--v1', reason: 'smoke test failed' });
    expect(again.log).not.toContain('::error::');
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ outcome: 'already-current', 'rolled-back-to': 'hello--v1' });
    expect(writes().length).toBe(before);
    expect(await version()).toBe('1.0.0');
  });

  it('refuses a malformed revision name before any request, naming the input', async () => {
    await released();
    const [tokens, calls] = [azure.tokenRequests.length, azure.armCalls.length];
    const back = await rollback({ 'previous-revision': 'Hello--V1 ;' });
    expect(back.exitCode).toBe(1);
    expect(back.log).toMatch(/::error::Input 'previous-revision'/);
    expect(back.outputs['failure-reason']).toBe('invalid-input');
    expect(back.summary).toMatch(/^### rollback: ❌ Failed/);
    expect(azure.tokenRequests.length).toBe(tokens);
    expect(azure.armCalls.length).toBe(calls);
    expect(await version()).toBe('2.0.0');
  });
});
