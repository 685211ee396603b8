import { afterEach, describe, expect, it } from 'vitest';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { runStage, type Stage } from '../../src/lib/action.js';
import { readContainerAppRollbackInputs, rollbackContainerApp } from '../../src/rollback/containerapp.js';
import { outputs, type RollbackOutput } from '../../src/rollback/outputs.js';
import type { RollbackReport } from '../../src/rollback/result.js';
import { summarise } from '../../src/rollback/summary.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs } from '../deploy-azure/fixture.js';

/**
 * rollback for Container Apps against the local Container Apps: all traffic back on a known-good revision (named,
 * previous-revision, or labelled known-good), idempotent; mark-good as a revision label. The stage below is rollback's
 * own (its outputs and summary) with the Container Apps reader, as main.ts runs it for target: containerapp.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';

const rollbackStage: Stage<RollbackReport, RollbackOutput> = {
  name: 'rollback',
  start: () => ({}),
  async run(report) {
    const inputs = readContainerAppRollbackInputs();
    report.reason = inputs.reason;
    report.result = await rollbackContainerApp(inputs);
  },
  outputs,
  summary: summarise,
};

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

const common = () => ({
  ...cloudInputs(azure),
  'poll-interval': '0.05',
  timeout: '20',
  'app-name': 'hello',
  'resource-group-name': 'rg-apps',
});

/** hello serving V2 (hello--v2) after a deploy, hello--v1 kept at weight 0. */
async function released() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp('hello', { image: V1 });
  const step = await runInProcess(() => runStage(containerAppStage), {
    ...common(),
    target: 'containerapp',
    images: V2,
    'revision-suffix': 'v2',
  });
  expect(step.outputs['previous-revision']).toBe('hello--v1');
}

const rollback = (inputs: Record<string, string>) =>
  runInProcess(() => runStage(rollbackStage), { ...common(), target: 'containerapp', ...inputs });
const version = async () =>
  ((await (await fetch(`${apps.appUrl('hello')}/health`)).json()) as { version: string }).version;
const patches = () => azure.armCalls.filter((c) => c.startsWith('PATCH'));

describe('rolling back', () => {
  it('puts all traffic back on previous-revision, then does nothing when run again', async () => {
    await released();
    const back = await rollback({ 'previous-revision': 'hello--v1', reason: 'smoke test failed' });
    expect(back.log).not.toContain('::error::');
    expect(back.outputs).toMatchObject({
      outcome: 'rolled-back',
      'rolled-back-to': 'hello--v1',
      'rolled-back-from': 'hello--v2',
    });
    expect(await version()).toBe('1.0.0');
    expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName).toBe(
      'hello--v1',
    );
    expect(back.summary).toContain('smoke test failed');
    const before = patches().length;
    const again = await rollback({ 'previous-revision': 'hello--v1' });
    expect(again.outputs.outcome).toBe('already-current');
    expect(patches().length).toBe(before);
  });

  it('activates a deactivated known-good revision before it gets the traffic', async () => {
    await released();
    await apps.deactivate(apps.revision('hello', 'hello--v1'));
    const back = await rollback({ revision: 'hello--v1' });
    expect(back.outputs.outcome).toBe('rolled-back');
    expect(back.log).toContain('hello--v1 is inactive: activating it');
    expect(apps.revision('hello', 'hello--v1').active).toBe(true);
    expect(await version()).toBe('1.0.0');
  });

  it('marks a revision good with a label, and rolls back to it when nothing else is named', async () => {
    await released();
    const marked = await rollback({ mode: 'mark-good', revision: 'hello--v1' });
    expect(marked.outputs).toMatchObject({ outcome: 'marked-good', 'rolled-back-to': 'hello--v1' });
    expect(apps.app('hello').configuration.ingress?.traffic).toContainEqual({
      revisionName: 'hello--v1',
      weight: 0,
      label: 'known-good',
    });
    expect(await version()).toBe('2.0.0');
    const back = await rollback({});
    expect(back.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': 'hello--v1' });
    expect(back.summary).toContain('label known-good');
  });

  it('refuses when nothing names the revision to return to, with nothing written', async () => {
    await released();
    const before = patches().length;
    const back = await rollback({});
    expect(back.log).toContain('::error::Nothing says which revision of hello to return to');
    expect(back.outputs['failure-reason']).toBe('invalid-input');
    expect(patches().length).toBe(before);
  });
});
