import { afterEach, describe, expect, it } from 'vitest';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import { CLIENT_ID, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { exampleCall } from './examples.js';
import { play } from './play.js';

/**
 * Shape 4, examples/container-apps played end to end against the local Azure (ARM with Microsoft.App, Entra with the
 * job's OIDC token, each replica of a revision a local process behind its own HTTPS port): the deploy job of
 * azure-pipeline.yml with the example's production inputs (platform containerapp, canary 10,50,100, /healthz), in
 * the order the pipeline runs its steps. The build job is not played: its image is given as its output, tagged with
 * the commit SHA as build-push tags it (the local replicas report their image's tag as their version).
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const production = exampleCall('container-apps', 'production');
const staging = exampleCall('container-apps', 'staging');
const OLD = `contoso.azurecr.io/api:1.0.0@sha256:${'1'.repeat(64)}`;
const NEW = `contoso.azurecr.io/api:${SHA}@sha256:${'2'.repeat(64)}`;
const APP = String(production.with['app-name']);
const GROUP = String(production.with['resource-group']);

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

/** contoso-api in api-rg, serving OLD from its first revision contoso-api--v1. */
async function account() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp(APP, { image: OLD, resourceGroup: GROUP });
}

function deploy(beforeStep?: (name: string) => void, deployTimeoutSeconds = 20, cancelDuring?: string) {
  const endpoints = { 'resource-manager-endpoint': azure.arm, 'authority-host': azure.authority };
  return play({
    workflow: production.workflow,
    job: 'deploy',
    inputs: {
      ...production.with,
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'subscription-id': SUBSCRIPTION,
      // The example's canary, its pauses shortened (timing only).
      'traffic-pause': '0.1',
      'deploy-timeout-seconds': deployTimeoutSeconds,
      'smoke-timeout-seconds': 3,
    },
    needs: { build: { outputs: { image: NEW, digest: NEW.split('@')[1]! } } },
    env: { ...azure.env(true), NODE_EXTRA_CA_CERTS: apps.caFile },
    extra: {
      'deploy-azure': { ...endpoints, 'poll-interval': '0.05' },
      rollback: { ...endpoints, 'poll-interval': '0.05' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
    beforeStep,
    cancelDuring,
    // What deploy-azure wrote before the cancel came: it writes these before the first traffic change.
    keepOnCancel: ['changed', 'revision', 'previous-revision'],
  });
}

const traffic = () =>
  (apps.app(APP, GROUP).configuration.ingress?.traffic ?? []).map((e) => [e.revisionName, e.weight ?? 0]);
/** The weights by revision, whatever the order of ARM's traffic entries. */
const weights = () => Object.fromEntries(traffic());
const imageOf = (revision: string) => apps.revision(APP, revision).template.containers?.[0]?.image;
const answers = async () => (await (await fetch(`${apps.appUrl(APP)}/healthz`)).json()) as { version: string };

/** Records every distinct split of the traffic while the job runs (the canary's steps as ARM held them). */
function recordSplits(): { splits: string[]; stop(): void } {
  const splits: string[] = [];
  const timer = setInterval(() => {
    const now = traffic()
      .map(([r, w]) => `${String(r)}=${String(w)}`)
      .join(',');
    if (splits.at(-1) !== now) splits.push(now);
  }, 5);
  return { splits, stop: () => clearInterval(timer) };
}

describe('examples/container-apps through azure-pipeline.yml', () => {
  it('gives the deploy step the example as a container app canary, and staging all at once', async () => {
    await account();
    const result = await deploy();
    expect(result.status, result.log).toBe('success');
    expect(result.step('deploy')!.inputs).toMatchObject({
      target: 'containerapp',
      'app-name': APP,
      'resource-group-name': GROUP,
      images: NEW,
      traffic: '10,50,100',
      'health-path': '/healthz',
      'expected-version': SHA,
      'slot-name': '',
      swap: 'false',
    });
    expect(staging.with).toMatchObject({ platform: 'containerapp', traffic: '100' });
  });

  it('releases a new revision proven on its own URL, then 10%, 50% and 100%, each verified; the app URL proven', async () => {
    await account();
    const recorder = recordSplits();
    const result = await deploy();
    recorder.stop();
    expect(result.status, result.log).toBe('success');
    const revision = result.step('deploy')!.outputs.revision!;
    expect(imageOf(revision)).toBe(NEW);
    expect(result.step('deploy')!.outputs['previous-revision']).toBe(`${APP}--v1`);
    // The new revision took no traffic before it was proven, then each canary weight in turn, and all at the end.
    const steps = recorder.splits.map((s) => new RegExp(`${revision}=(\\d+)`).exec(s)?.[1]).filter(Boolean);
    expect([...new Set(steps)]).toEqual(['0', '10', '50', '100']);
    for (const weight of [10, 50, 100])
      expect(result.step('deploy')!.log).toContain(`${weight}% on ${revision}: verified`);
    expect(weights()).toEqual({ [revision]: 100, [`${APP}--v1`]: 0 });
    expect((await answers()).version).toBe(SHA);
    expect(result.ran).not.toContain('rollback');
    expect(result.step('smoke')!.inputs.url).toBe(`${apps.appUrl(APP)}/healthz`);
    expect(result.outputs).toMatchObject({ revision, 'rolled-back': 'false', url: `${apps.appUrl(APP)}/healthz` });
  });

  it('a canary step that does not hold: all traffic back on the previous revision, the new one deactivated', async () => {
    await account();
    // Once the new revision takes its first 10%, its replicas start crashing (as under real load).
    const watch = setInterval(() => {
      const entry = traffic().find(([r, w]) => r !== `${APP}--v1` && Number(w) > 0);
      if (!entry) return;
      clearInterval(watch);
      azure.behaviour = (image) => (image === NEW ? 'crash' : 'healthy');
      for (const replica of apps.revision(APP, String(entry[0])).replicas) void replica.process?.stop();
    }, 5);
    // The step's own verification gives up on the crashing revision when the deploy timeout ends.
    const result = await deploy(undefined, 5);
    clearInterval(watch);
    expect(result.status).toBe('failure');
    const deployed = result.step('deploy')!;
    const revision = deployed.outputs.revision!;
    expect(deployed).toMatchObject({ outcome: 'failure' });
    expect(deployed.outputs).toMatchObject({ changed: 'true', 'failure-reason': 'rollout-failed' });
    expect(deployed.log).toMatch(new RegExp(`::error::${revision} at 10%25 did not serve version ${SHA}`));
    expect(weights()).toEqual({ [`${APP}--v1`]: 100, [revision]: 0 });
    expect(apps.revision(APP, revision).active).toBe(false);
    // The pipeline's rollback step still runs (deploy failed after it changed the app) and finds nothing to move.
    expect(result.step('rollback')!.outputs).toMatchObject({
      outcome: 'already-current',
      'rolled-back-to': `${APP}--v1`,
    });
    expect(result.ran).not.toContain('smoke');
    expect((await answers()).version).toBe('1.0.0');
    expect(result.outputs).toMatchObject({ revision: `${APP}--v1`, 'rolled-back': 'true' });
    expect(result.summary).toContain(`| production | ${APP} | \`${NEW}\` | rolled-back |`);
  });

  it('the smoke test does not prove it: the rollback step puts all traffic back on the previous revision', async () => {
    await account();
    const result = await deploy((step) => {
      if (step !== 'smoke') return;
      // After the canary reached 100%, the new revision starts answering 503 (a dependency it needs went away).
      azure.behaviour = (image) => (image === NEW ? 'unhealthy' : 'healthy');
      const serving = String(traffic().find(([, w]) => w === 100)![0]);
      for (const replica of apps.revision(APP, serving).replicas) void replica.process?.stop();
    });
    expect(result.status).toBe('failure');
    const revision = result.step('deploy')!.outputs.revision!;
    expect(result.step('deploy')!.outcome).toBe('success');
    expect(result.step('smoke')!.outputs.passed).toBe('false');
    expect(result.step('rollback')!.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': `${APP}--v1` });
    expect(result.step('rollback')!.inputs).toMatchObject({
      target: 'containerapp',
      'previous-revision': `${APP}--v1`,
    });
    expect(weights()).toEqual({ [`${APP}--v1`]: 100, [revision]: 0 });
    expect((await answers()).version).toBe('1.0.0');
    expect(result.log).toContain(`production runs ${APP}--v1 again.`);
    expect(result.outputs).toMatchObject({ revision: `${APP}--v1`, 'rolled-back': 'true' });
    expect(result.summary).toContain(`| production | ${APP} | \`${NEW}\` | rolled-back |`);
  });

  it('cancelled while the deploy step moves the traffic: the rollback step (always) puts it all back on the previous revision', async () => {
    await account();
    const result = await deploy(undefined, 20, 'deploy');
    expect(result.status).toBe('cancelled');
    expect(result.step('deploy')!.outcome).toBe('cancelled');
    const revision = result.step('deploy')!.outputs.revision!;
    expect(result.step('rollback')!.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': `${APP}--v1` });
    expect(weights()).toEqual({ [`${APP}--v1`]: 100, [revision]: 0 });
    expect((await answers()).version).toBe('1.0.0');
  });
});
