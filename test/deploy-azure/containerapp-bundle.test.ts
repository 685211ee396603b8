import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import { CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { parseCommandFile, runBundle } from '../helpers/runner.js';
import { cloudInputs } from './fixture.js';

/**
 * actions/deploy-azure/dist with `target: containerapp`, run as the runner runs it (Node 24, INPUT_* variables, the
 * runner's files), against the local Container Apps: revisions are real local processes behind their own HTTPS ports.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';

let azure: FakeAzure;
let apps: ContainerAppsState;
afterEach(() => azure?.close());

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp('hello', { image: V1 });
}

/** The runner's environment for the step: the local Azure's and the ingress's certificates trusted. */
const env = (oidc = false) => ({ ...azure.env(oidc), NODE_EXTRA_CA_CERTS: apps.caFile });

const inputs = (more: Record<string, string>) => ({
  ...cloudInputs(azure),
  'poll-interval': '0.05',
  timeout: '20',
  'traffic-pause': '0.05',
  target: 'containerapp',
  'app-name': 'hello',
  'resource-group-name': 'rg-apps',
  ...more,
});

const appVersion = async (app = 'hello') =>
  ((await (await fetch(`${apps.appUrl(app)}/health`)).json()) as { version: string }).version;
const traffic = () => apps.app('hello').configuration.ingress?.traffic;

describe('the deploy-azure bundle with target: containerapp', () => {
  it('releases a new revision: proven on its label, all traffic moved; outputs and summary say so', async () => {
    await start();
    const step = await runBundle('deploy-azure', {
      inputs: inputs({ images: V2, 'revision-suffix': 'v2' }),
      env: env(true),
    });
    expect(step.log).not.toContain('::error::');
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({
      revision: 'hello--v2',
      'previous-revision': 'hello--v1',
      changed: 'true',
      image: V2,
      'app-url': apps.appUrl('hello'),
      'revision-url': apps.revisionUrl('hello', 'hello--v2'),
    });
    expect(traffic()).toEqual([
      { revisionName: 'hello--v2', weight: 100, label: 'candidate' },
      { revisionName: 'hello--v1', weight: 0 },
    ]);
    expect(await appVersion()).toBe('2.0.0');
    expect(step.log).toContain('::group::Create revision hello--v2');
    expect(step.log).toMatch(/hello--v2: Provisioned, Running, Healthy; replicas ready 1\/1/);
    expect(step.summary).toMatch(/^### deploy-azure: ✅ Succeeded/);
    expect(step.summary).toContain('<code>hello--v1</code> → <code>hello--v2</code>');
    expect(step.summary).toMatch(/Traffic \| 100%/);
  });

  it('rolls a bad canary back: all traffic on the previous revision, the new one deactivated, failure-reason set', async () => {
    await start();
    // Once the canary takes traffic, the new image starts crashing (as under real load).
    const watch = setInterval(() => {
      const revision = apps.app('hello').revisions.get('hello--v2');
      if (!revision || !traffic()?.some((e) => e.revisionName === 'hello--v2' && (e.weight ?? 0) > 0)) return;
      clearInterval(watch);
      azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
      for (const replica of revision.replicas) void replica.process?.stop();
    }, 10);
    const step = await runBundle('deploy-azure', {
      inputs: inputs({ images: V2, 'revision-suffix': 'v2', traffic: '10,50,100', timeout: '3' }),
      env: env(),
    });
    clearInterval(watch);
    expect(step.exitCode).toBe(1);
    expect(step.log).toMatch(/::error::hello--v2 at 10%25 did not serve version 2\.0\.0 .* ARM reports: replica /);
    expect(step.outputs).toMatchObject({
      'failure-reason': 'rollout-failed',
      'previous-revision': 'hello--v1',
      revision: 'hello--v2',
      changed: 'true',
    });
    expect(traffic()).toEqual([
      { revisionName: 'hello--v1', weight: 100 },
      { revisionName: 'hello--v2', weight: 0, label: 'candidate' },
    ]);
    expect(apps.revision('hello', 'hello--v2').active).toBe(false);
    expect(await appVersion()).toBe('1.0.0');
    expect(step.summary).toMatch(/^### deploy-azure: ❌ Failed/);
    expect(step.summary).toMatch(/Failure reason \| <code>rollout-failed<\/code>/);
    expect(step.summary).toContain('all traffic on <code>hello--v1</code>; <code>hello--v2</code> deactivated');
  });

  it("runs azure/container-apps-deploy-action's image-based example unchanged (azureCredentials as --sdk-auth prints it)", async () => {
    ({ azure, apps } = await startContainerAppsAzure());
    azure.startMs = 50;
    const image = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest';
    await apps.addApp('my-test-container-app', {
      image: 'mcr.microsoft.com/azuredocs/containerapps-helloworld:v1',
      environment: 'my-test-container-app-env',
    });
    // The JSON `az ad sp create-for-rbac --sdk-auth` prints (public cloud endpoints; the proxy leads them here).
    const azureCredentials = JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
      activeDirectoryEndpointUrl: 'https://login.microsoftonline.com',
      resourceManagerEndpointUrl: 'https://management.azure.com/',
      activeDirectoryGraphResourceId: 'https://graph.windows.net/',
      sqlManagementEndpointUrl: 'https://management.core.windows.net:8443/',
      galleryEndpointUrl: 'https://gallery.azure.com/',
      managementEndpointUrl: 'https://management.core.windows.net/',
    });
    // The anchor's "update with an image in an existing environment" step, its inputs as its workflows write them.
    const step = await runBundle('deploy-azure', {
      inputs: {
        azureCredentials,
        imageToDeploy: image,
        containerAppName: 'my-test-container-app',
        containerAppEnvironment: 'my-test-container-app-env',
        resourceGroup: 'rg-apps',
        disableTelemetry: 'true',
      },
      env: { ...azure.env(false, true), NODE_EXTRA_CA_CERTS: apps.caFile },
    });
    expect(step.log).not.toContain('::error::');
    expect(step.exitCode).toBe(0);
    expect(step.log).toContain("::warning::Input 'disableTelemetry' has no effect");
    const app = apps.app('my-test-container-app');
    const serving = app.configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName ?? '';
    expect(serving).toBe(step.outputs.revision);
    expect(apps.revision('my-test-container-app', serving).template.containers?.[0]?.image).toBe(image);
    expect(await appVersion('my-test-container-app')).toBe('latest');
    expect(azure.requestsByHost.filter((r) => r.startsWith('management.azure.com ')).length).toBeGreaterThan(3);
    const log = step.log.replace(/^::add-mask::.*$/gm, '');
    for (const secret of [CLIENT_SECRET, azureCredentials]) {
      expect(log).not.toContain(secret);
      expect(step.summary).not.toContain(secret);
    }
  });
});

describe("deploy-azure's post step after a containerapp main step", () => {
  it('says there is nothing to put back after a finished release, with no request to Azure', async () => {
    await start();
    const given = inputs({ images: V2, 'revision-suffix': 'v2' });
    const files = { state: '' };
    const main = await runBundle('deploy-azure', {
      inputs: given,
      env: env(),
      onFiles: (runner) => Object.assign(files, runner),
    });
    expect(main.exitCode).toBe(0);
    const state = parseCommandFile(readFileSync(files.state, 'utf8'));
    // Saved while the change was in flight, cleared once the main step said how it ended.
    expect(state).toEqual({ 'azure-containerapp-rollback': '' });
    const calls = azure.armCalls.length;
    const post = await runBundle('deploy-azure', { inputs: given, env: env(), state, post: true });
    expect(post.log).not.toContain('::error::');
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('nothing to put back');
    expect(azure.armCalls.length).toBe(calls);
    expect(await appVersion()).toBe('2.0.0');
  });

  it('puts all traffic back on the previous revision when the run was cancelled mid-canary', async () => {
    await start();
    // A long pause after the first step: the run is cancelled (SIGINT, as the runner does) while 10% is on hello--v2.
    const given = inputs({ images: V2, 'revision-suffix': 'v2', traffic: '10,100', 'traffic-pause': '10m' });
    const files = { state: '' };
    const main = await runBundle('deploy-azure', {
      inputs: given,
      env: env(),
      onFiles: (runner) => Object.assign(files, runner),
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const saved = parseCommandFile(readFileSync(files.state, 'utf8'))['azure-containerapp-rollback'];
          const canary = traffic()?.some((e) => e.revisionName === 'hello--v2' && e.weight === 10);
          if (saved && canary) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(main.exitCode).not.toBe(0);
    expect(main.outputs).toMatchObject({ revision: 'hello--v2', 'previous-revision': 'hello--v1', changed: 'true' });
    const state = parseCommandFile(readFileSync(files.state, 'utf8'));
    expect(JSON.parse(state['azure-containerapp-rollback'] ?? '{}')).toEqual({
      resourceGroup: 'rg-apps',
      app: 'hello',
      revision: 'hello--v2',
      previousRevision: 'hello--v1',
    });
    const post = await runBundle('deploy-azure', { inputs: given, env: env(), state, post: true });
    expect(post.log).not.toContain('::error::');
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain(
      '::warning::The run was cancelled while hello was being changed: hello--v2 had 10%25 of the traffic; all traffic is on hello--v1 and hello--v2 was deactivated.',
    );
    expect(traffic()?.find((e) => e.weight === 100)?.revisionName).toBe('hello--v1');
    expect(apps.revision('hello', 'hello--v2').active).toBe(false);
    expect(await appVersion()).toBe('1.0.0');
    expect(post.summary).toMatch(/^### deploy-azure \(run cancelled\): ⏹️ Cancelled/);
    expect(post.summary).toMatch(/Weight found \| 10%/);
  }, 60_000);

  it('leaves the app as it is with rollback-on-cancel: false, saying so', async () => {
    await start();
    const state = {
      'azure-containerapp-rollback': JSON.stringify({
        resourceGroup: 'rg-apps',
        app: 'hello',
        revision: 'hello--v9',
        previousRevision: 'hello--v1',
      }),
    };
    const calls = azure.armCalls.length;
    const post = await runBundle('deploy-azure', {
      inputs: inputs({ images: V2, 'rollback-on-cancel': 'false' }),
      env: env(),
      state,
      post: true,
    });
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain(
      '::warning::The run was cancelled while hello was being changed to hello--v9; rollback-on-cancel is false',
    );
    expect(azure.armCalls.length).toBe(calls);
  });

  it("logs in with azureCredentials (azure/container-apps-deploy-action's input) in the post step too", async () => {
    await start();
    const main = await runBundle('deploy-azure', {
      inputs: inputs({ images: V2, 'revision-suffix': 'v2' }),
      env: env(),
    });
    expect(main.exitCode).toBe(0);
    // As if the run had been cancelled with hello--v2 taking traffic: the post step of a step given azureCredentials.
    const state = {
      'azure-containerapp-rollback': JSON.stringify({
        resourceGroup: 'rg-apps',
        app: 'hello',
        revision: 'hello--v2',
        previousRevision: 'hello--v1',
      }),
    };
    const azureCredentials = JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
      activeDirectoryEndpointUrl: azure.authority,
      resourceManagerEndpointUrl: azure.arm,
    });
    const post = await runBundle('deploy-azure', {
      inputs: { azureCredentials, containerAppName: 'hello', resourceGroup: 'rg-apps', imageToDeploy: V2 },
      env: env(),
      state,
      post: true,
    });
    expect(post.log).not.toContain('::error::');
    expect(post.exitCode).toBe(0);
    expect(post.log).toContain('hello--v2 had 100%25 of the traffic; all traffic is on hello--v1');
    expect(await appVersion()).toBe('1.0.0');
    expect(post.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(CLIENT_SECRET);
  });
});
