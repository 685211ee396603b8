import { afterEach, describe, expect, it } from 'vitest';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runBundle } from '../helpers/runner.js';
import { actionSpec } from '../workflows/workflows.js';
import { cloudInputs } from './fixture.js';

/**
 * A pull request preview on Container Apps through actions/deploy-azure/dist, run as the runner runs it (Node 24,
 * INPUT_* variables with action.yml's defaults for what the step does not give, the runner's files): opened, pushed
 * again, closed, closed again, against the local Container Apps.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const PUSH_1 = 'ghcr.io/octo-org/hello-service:2.0.0';
const PUSH_2 = 'ghcr.io/octo-org/hello-service:2.1.0';

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

/** What the runner gives the step: every default of action.yml, then the step's `with:`. */
const defaults = () =>
  Object.fromEntries(
    Object.entries(actionSpec('deploy-azure')!.inputs).flatMap(([name, input]) =>
      input.default === undefined ? [] : [[name, input.default]],
    ),
  );

const step = (given: Record<string, string>) =>
  runBundle('deploy-azure', {
    inputs: {
      ...defaults(),
      ...cloudInputs(azure),
      'poll-interval': '0.05',
      timeout: '20',
      target: 'containerapp',
      'app-name': 'hello',
      'resource-group-name': 'rg-apps',
      ...given,
    },
    env: { ...azure.env(true), NODE_EXTRA_CA_CERTS: apps.caFile },
  });

const version = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as { version: string }).version;

describe('the deploy-azure bundle: a pull request preview on a container app', () => {
  it('deploys pr-42 with no production traffic, moves it on the next push, and removes it on close, twice', async () => {
    ({ azure, apps } = await startContainerAppsAzure());
    azure.startMs = 50;
    await apps.addApp('hello', { image: V1 });

    const opened = await step({ images: PUSH_1, label: 'pr-42', traffic: '0', 'revision-suffix': 'pr42-a' });
    expect(opened.log).not.toContain('::error::');
    expect(opened.exitCode).toBe(0);
    expect(opened.outputs).toMatchObject({
      revision: 'hello--pr42-a',
      'previous-revision': 'hello--v1',
      'revision-url': apps.revisionUrl('hello', 'hello--pr42-a'),
      changed: 'true',
    });
    expect(await version(apps.labelUrl('hello', 'pr-42'))).toBe('2.0.0');
    expect(await version(apps.appUrl('hello'))).toBe('1.0.0');

    const pushed = await step({ images: PUSH_2, label: 'pr-42', traffic: '0', 'revision-suffix': 'pr42-b' });
    expect(pushed.exitCode).toBe(0);
    expect(pushed.outputs.revision).toBe('hello--pr42-b');
    expect(pushed.log).toContain('Deactivated hello--pr42-a');
    expect(apps.revision('hello', 'hello--pr42-a').active).toBe(false);
    expect(await version(apps.labelUrl('hello', 'pr-42'))).toBe('2.1.0');

    const closed = await step({ mode: 'teardown', label: 'pr-42' });
    expect(closed.log).not.toContain('::error::');
    expect(closed.exitCode).toBe(0);
    expect(closed.outputs).toMatchObject({ revision: 'hello--pr42-b', changed: 'true' });
    expect(closed.summary).toMatch(/^### deploy-azure: ✅ Succeeded/);
    expect(closed.summary).toContain('<code>hello--pr42-b</code> deactivated');
    expect(apps.app('hello').configuration.ingress?.traffic).toEqual([{ revisionName: 'hello--v1', weight: 100 }]);
    expect(apps.revision('hello', 'hello--pr42-b').active).toBe(false);
    expect(await version(apps.appUrl('hello'))).toBe('1.0.0');

    const again = await step({ mode: 'teardown', label: 'pr-42' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'false' });
    expect(again.log).toContain('::notice::Label pr-42 is not on hello (already removed): nothing to remove.');
    expect(again.summary).toMatch(/^### deploy-azure: ➖ Nothing to change/);
  });
});
