import { afterEach, describe, expect, it } from 'vitest';
import { runStage } from '../../src/lib/action.js';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { containerAppCancelStage } from '../../src/deploy-azure/containerapp-cancel.js';
import { containerAppTeardownStage } from '../../src/deploy-azure/containerapp-teardown.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs } from './fixture.js';

/**
 * Pull request previews on Container Apps: deploy-azure `target: containerapp` with `label: pr-<number>` and
 * `traffic: 0` gives the pull request a revision of its own behind its label, with no production traffic; the next
 * push moves the label and deactivates the revision it left; `mode: teardown` removes the label on close. Against the
 * local Container Apps (real processes behind the app's, each revision's and each label's port).
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const PR_A = 'ghcr.io/octo-org/hello-service:2.0.0';
const PR_B = 'ghcr.io/octo-org/hello-service:2.1.0';
const CRASH = 'ghcr.io/octo-org/hello-service:2.0.1';

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  azure.behaviour = (image) => (image === CRASH ? 'crash' : 'healthy');
  await apps.addApp('hello', { image: V1 });
}

const step = (stage: Parameters<typeof runStage>[0], inputs: Record<string, string>) =>
  runInProcess(() => runStage(stage), {
    ...cloudInputs(azure),
    'poll-interval': '0.05',
    timeout: '20',
    target: 'containerapp',
    'app-name': 'hello',
    'resource-group-name': 'rg-apps',
    ...inputs,
  });

/** A push to pull request `pr`: its image as a revision under label pr-<number>, no traffic. */
const push = (pr: number, image: string, more: Record<string, string> = {}) =>
  step(containerAppStage, { images: image, label: `pr-${pr}`, traffic: '0', ...more });
const close = (pr: number) => step(containerAppTeardownStage, { mode: 'teardown', label: `pr-${pr}` });

const version = async (url: string) => {
  const answer = await fetch(`${url}/health`);
  return answer.ok ? ((await answer.json()) as { version: string }).version : `HTTP ${answer.status}`;
};
const production = () => version(apps.appUrl('hello'));
const preview = (pr: number) => version(apps.labelUrl('hello', `pr-${pr}`));
const traffic = () => apps.app('hello').configuration.ingress?.traffic;
const active = (revision: string) => apps.revision('hello', revision).active;

describe('a pull request preview on a container app', () => {
  it('gets a revision of its own behind label pr-<number>, proven, with no production traffic', async () => {
    await start();
    const opened = await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    expect(opened.log).not.toContain('::error::');
    expect(opened.outputs).toMatchObject({
      revision: 'hello--pr42-a',
      'previous-revision': 'hello--v1',
      changed: 'true',
      'revision-url': apps.revisionUrl('hello', 'hello--pr42-a'),
      'app-url': apps.appUrl('hello'),
    });
    expect(traffic()).toEqual([
      { revisionName: 'hello--pr42-a', weight: 0, label: 'pr-42' },
      { revisionName: 'hello--v1', weight: 100 },
    ]);
    expect(await preview(42)).toBe('2.0.0');
    expect(await production()).toBe('1.0.0');
    expect(opened.log).toMatch(/Label pr-42 now names hello--pr42-a\.[^]*Prove hello--pr42-a on its own URL/);
    expect(opened.summary).toContain('is ready and proven, with no traffic (label <code>pr-42</code>)');
  });

  it('moves the label to the next push and deactivates the revision it left; other previews are untouched', async () => {
    await start();
    await push(41, PR_B, { 'revision-suffix': 'pr41-a' });
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    const again = await push(42, PR_B, { 'revision-suffix': 'pr42-b', 'env-vars': 'PR=42' });
    expect(again.log).not.toContain('::error::');
    expect(again.outputs).toMatchObject({ revision: 'hello--pr42-b', 'previous-revision': 'hello--v1' });
    expect(again.log).toContain('Deactivated hello--pr42-a: label pr-42 moved on from it and nothing else uses it.');
    expect(again.summary).toContain('<code>hello--pr42-a</code>: deactivated');
    expect(active('hello--pr42-a')).toBe(false);
    expect(await preview(42)).toBe('2.1.0');
    expect(await preview(41)).toBe('2.1.0');
    expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.label === 'pr-41')?.revisionName).toBe(
      'hello--pr41-a',
    );
    expect(await production()).toBe('1.0.0');
  });

  it('labels an existing revision when the template is one the app already has, and keeps a revision another label names', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    // Pull request 43 runs the very template of 42's first push: no new revision, its label on that one.
    const twin = await push(43, PR_A);
    expect(twin.outputs).toMatchObject({ revision: 'hello--pr42-a', changed: 'false' });
    expect(twin.log).toContain('Label pr-43 now names hello--pr42-a.');
    expect(await preview(43)).toBe('2.0.0');
    const moved = await push(42, PR_B, { 'revision-suffix': 'pr42-b' });
    expect(moved.log).toContain('stays as it is: label pr-43 still names it');
    expect(active('hello--pr42-a')).toBe(true);
    expect(await preview(43)).toBe('2.0.0');
    expect(await preview(42)).toBe('2.1.0');
  });

  it('keeps the label on the last good preview revision when a push fails, production untouched', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    const broken = await push(42, CRASH, { 'revision-suffix': 'pr42-b', timeout: '5' });
    expect(broken.failed).toBe(true);
    expect(broken.outputs['failure-reason']).toBe('rollout-failed');
    expect(broken.log).toContain('Deactivated hello--pr42-b.');
    expect(broken.log).not.toContain('Label pr-42 now names hello--pr42-b');
    expect(active('hello--pr42-b')).toBe(false);
    expect(active('hello--pr42-a')).toBe(true);
    expect(await preview(42)).toBe('2.0.0');
    expect(await production()).toBe('1.0.0');
    expect(traffic()?.find((e) => e.revisionName === 'hello--v1')?.weight).toBe(100);
  });
});

describe('a preview push whose revision is ready but not proven', () => {
  it('gives the label back to the revision it named before and deactivates the new one', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    const wrong = await push(42, PR_B, { 'revision-suffix': 'pr42-b', 'expected-version': '9.9.9', timeout: '2' });
    expect(wrong.failed).toBe(true);
    expect(wrong.log).toMatch(/::error::.*did not serve version 9\.9\.9/);
    expect(wrong.log).toContain('Label pr-42 is back on hello--pr42-a.');
    expect(active('hello--pr42-b')).toBe(false);
    expect(await preview(42)).toBe('2.0.0');
    expect(await production()).toBe('1.0.0');
  });
});

describe('a preview push cancelled once its label had moved', () => {
  it('the post step deactivates the new revision and gives the label back to the one it named before', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    await push(42, PR_B, { 'revision-suffix': 'pr42-b' });
    // The moment of the cancel: pr-42 already on the new revision, the one it left not yet deactivated.
    const app = apps.app('hello');
    apps.activate(app, apps.revision('hello', 'hello--pr42-a'));
    const ready = () => apps.revision('hello', 'hello--pr42-a').replicas.every((r) => r.process?.ready);
    for (let i = 0; i < 200 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    const saved = {
      resourceGroup: 'rg-apps',
      app: 'hello',
      revision: 'hello--pr42-b',
      previousRevision: 'hello--v1',
      label: 'pr-42',
      labelBefore: 'hello--pr42-a',
    };
    const post = await runInProcess(
      () => runStage(containerAppCancelStage),
      { ...cloudInputs(azure), 'poll-interval': '0.05', timeout: '20', target: 'containerapp' },
      {},
      { 'azure-containerapp-rollback': JSON.stringify(saved) },
    );
    expect(post.failed).toBe(false);
    expect(post.log).toContain('Deactivated hello--pr42-b.');
    expect(post.log).toContain('Label pr-42 is back on hello--pr42-a.');
    expect(active('hello--pr42-b')).toBe(false);
    expect(await preview(42)).toBe('2.0.0');
    expect(await production()).toBe('1.0.0');
  });
});

describe('removing a preview (mode: teardown)', () => {
  it('removes the label and deactivates its revision; a second run finds it gone and succeeds saying so', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    const closed = await close(42);
    expect(closed.log).not.toContain('::error::');
    expect(closed.outputs).toMatchObject({
      revision: 'hello--pr42-a',
      changed: 'true',
      'app-url': apps.appUrl('hello'),
    });
    expect(closed.summary).toContain(
      'Label <code>pr-42</code> removed from <code>hello</code>; <code>hello--pr42-a</code> deactivated.',
    );
    expect(traffic()).toEqual([{ revisionName: 'hello--v1', weight: 100 }]);
    expect(active('hello--pr42-a')).toBe(false);
    expect(() => apps.labelUrl('hello', 'pr-42')).toThrow(/no label pr-42/);
    expect(await production()).toBe('1.0.0');
    const writes = azure.armCalls.length;
    const again = await close(42);
    expect(again.failed).toBe(false);
    expect(again.outputs).toMatchObject({ changed: 'false' });
    expect(again.outputs.revision).toBeUndefined();
    expect(again.log).toContain('::notice::Label pr-42 is not on hello (already removed): nothing to remove.');
    expect(again.summary).toContain('Nothing to change');
    expect(azure.armCalls.slice(writes).filter((c) => !c.startsWith('GET'))).toEqual([]);
  });

  it('never deactivates a revision that takes production traffic: only the label goes', async () => {
    await start();
    // The pull request runs what production runs: its label is put on the serving revision.
    const same = await push(42, V1);
    expect(same.outputs).toMatchObject({ revision: 'hello--v1', changed: 'false' });
    expect(same.summary).toContain(
      '<code>hello</code> already serves <code>hello--v1</code>: label <code>pr-42</code> now names it.',
    );
    expect(await preview(42)).toBe('1.0.0');
    const closed = await close(42);
    expect(closed.failed).toBe(false);
    expect(closed.summary).toContain('<code>hello--v1</code> left active: it takes 100% of the traffic');
    expect(traffic()).toEqual([{ revisionName: 'hello--v1', weight: 100 }]);
    expect(active('hello--v1')).toBe(true);
    expect(await production()).toBe('1.0.0');
  });

  it('keeps a revision another preview still labels', async () => {
    await start();
    await push(42, PR_A, { 'revision-suffix': 'pr42-a' });
    await push(43, PR_A);
    const closed = await close(42);
    expect(closed.summary).toContain('left active: label pr-43 still names it');
    expect(active('hello--pr42-a')).toBe(true);
    expect(await preview(43)).toBe('2.0.0');
  });
});
