import { ContainerAppsAPIClient, type ContainerApp } from '@azure/arm-appcontainers';
import { ClientSecretCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTION } from '../fakes/azure/arm.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT } from '../fakes/azure/entra.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';

/**
 * The local Container Apps' rules, through the real @azure/arm-appcontainers client: each answer is the one the named
 * document describes (see test/fakes/azure/container-apps*.ts), and each revision runs as real local processes.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';
const BAD = 'ghcr.io/octo-org/hello-service:2.0.1';
const RG = 'rg-apps';

let azure: FakeAzure;
let apps: ContainerAppsState;
let client: ContainerAppsAPIClient;
afterEach(() => azure?.close());

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  azure.behaviour = (image) => (image === BAD ? 'crash' : 'healthy');
  apps.operationPolls = 1;
  await apps.addApp('hello', { image: V1 });
  const credential = new ClientSecretCredential(TENANT, CLIENT_ID, CLIENT_SECRET, {
    authorityHost: azure.authority,
    disableInstanceDiscovery: true,
  });
  client = new ContainerAppsAPIClient(credential, SUBSCRIPTION, {
    endpoint: azure.arm,
    credentials: { scopes: [`${azure.arm}/.default`] },
  });
}

const health = async (url: string) => {
  const answer = await fetch(`${url}/health`);
  return { status: answer.status, body: (await answer.text()) as string };
};

/** The app as ARM has it, with a new template (image, suffix) and traffic. */
async function withRevision(image: string, suffix: string, traffic: ContainerApp['configuration']) {
  const app = await client.containerApps.get(RG, 'hello');
  const container = { ...app.template?.containers?.[0], image };
  return {
    ...app,
    configuration: { ...app.configuration, ...traffic },
    template: { ...app.template, revisionSuffix: suffix, containers: [container] },
  };
}

const refusal = async (call: Promise<unknown>) =>
  call.then(
    () => ({ code: 'none', message: '' }),
    (error: { code?: string; message?: string; statusCode?: number }) => ({
      code: error.code,
      status: error.statusCode,
      message: error.message ?? '',
    }),
  );

describe('revisions as real processes', () => {
  it('serves the first revision on the app, revision and label ports, and reports it Provisioned, Running, Healthy', async () => {
    await start();
    const revisions = [];
    for await (const revision of client.containerAppsRevisions.listRevisions(RG, 'hello')) revisions.push(revision);
    expect(revisions).toMatchObject([
      {
        name: 'hello--v1',
        active: true,
        provisioningState: 'Provisioned',
        runningState: 'Running',
        healthState: 'Healthy',
        trafficWeight: 100,
      },
    ]);
    const replicas = await client.containerAppsRevisionReplicas.listReplicas(RG, 'hello', 'hello--v1');
    expect(replicas.value[0]).toMatchObject({
      runningState: 'Running',
      containers: [{ ready: true, restartCount: 0 }],
    });
    expect(JSON.parse((await health(apps.appUrl('hello'))).body)).toMatchObject({
      version: '1.0.0',
      revision: 'hello--v1',
    });
    expect(apps.revision('hello', 'hello--v1').replicas[0]?.process?.child.pid).toBeGreaterThan(0);
    const environment = await client.managedEnvironments.get(RG, 'env-apps');
    expect(environment).toMatchObject({
      provisioningState: 'Succeeded',
      defaultDomain: expect.stringMatching(/\.westeurope\.azurecontainerapps\.io$/),
    });
    expect((await client.containerApps.get(RG, 'hello')).environmentId).toBe(environment.id);
    const replica = await client.containerAppsRevisionReplicas.getReplica(
      RG,
      'hello',
      'hello--v1',
      replicas.value[0]?.name ?? '',
    );
    expect(replica.containers?.[0]).toMatchObject({ name: 'hello', ready: true, started: true });
  });

  it('makes a new revision for a template change (PUT, Azure-AsyncOperation), its label reaching it at weight 0', async () => {
    await start();
    const envelope = await withRevision(V2, 'v2', {
      activeRevisionsMode: 'Multiple',
      ingress: {
        ...(await client.containerApps.get(RG, 'hello')).configuration?.ingress,
        traffic: [
          { revisionName: 'hello--v1', weight: 100 },
          { revisionName: 'hello--v2', weight: 0, label: 'candidate' },
        ],
      },
    });
    const done = await client.containerApps.createOrUpdate(RG, 'hello', envelope, { updateIntervalInMs: 20 });
    expect(done).toMatchObject({ latestRevisionName: 'hello--v2', provisioningState: 'Succeeded' });
    expect(azure.armCalls.some((c) => c.includes('/containerappOperationStatuses/'))).toBe(true);
    expect(JSON.parse((await health(apps.labelUrl('hello', 'candidate'))).body)).toMatchObject({ version: '2.0.0' });
    expect(JSON.parse((await health(apps.appUrl('hello'))).body)).toMatchObject({ version: '1.0.0' });
    const revision = await client.containerAppsRevisions.getRevision(RG, 'hello', 'hello--v2');
    expect(revision).toMatchObject({ provisioningState: 'Provisioned', trafficWeight: 0, active: true });
  });

  it('keeps a template that did not change in the same revision, and moves traffic with PATCH (Location)', async () => {
    await start();
    const app = await client.containerApps.get(RG, 'hello');
    await client.containerApps.update(
      RG,
      'hello',
      {
        location: app.location ?? '',
        configuration: { ingress: { traffic: [{ revisionName: 'hello--v1', weight: 100, label: 'stable' }] } },
      },
      { updateIntervalInMs: 20 },
    );
    expect(apps.app('hello').revisions.size).toBe(1);
    expect(JSON.parse((await health(apps.labelUrl('hello', 'stable'))).body)).toMatchObject({ version: '1.0.0' });
    expect(azure.armCalls.some((c) => c.includes('/containerappOperationResults/'))).toBe(true);
  });

  it('deactivates a revision (its FQDN answers the stopped page, its processes end) and activates it again', async () => {
    await start();
    const url = apps.revisionUrl('hello', 'hello--v1');
    const child = apps.revision('hello', 'hello--v1').replicas[0]?.process?.child;
    await client.containerAppsRevisions.deactivateRevision(RG, 'hello', 'hello--v1');
    expect(await health(url)).toEqual({
      status: 404,
      body: 'Error 404 - This Container App is stopped or does not exist.',
    });
    expect(child?.exitCode ?? child?.signalCode).toBeTruthy();
    expect(await client.containerAppsRevisions.getRevision(RG, 'hello', 'hello--v1')).toMatchObject({
      active: false,
      runningState: 'Stopped',
      replicas: 0,
    });
    await client.containerAppsRevisions.activateRevision(RG, 'hello', 'hello--v1');
    expect((await apps.provisioned('hello', 'hello--v1')).active).toBe(true);
    await expect.poll(async () => (await health(url)).status, { timeout: 5000 }).toBe(200);
  });
});

describe('what Container Apps refuses', () => {
  it('refuses traffic that does not add up to 100, names an unknown revision, or repeats a label, and changes nothing', async () => {
    await start();
    const app = await client.containerApps.get(RG, 'hello');
    const patch = (traffic: object[]) =>
      refusal(
        client.containerApps.update(RG, 'hello', {
          location: app.location ?? '',
          configuration: { ingress: { traffic } },
        }),
      );
    expect(await patch([{ revisionName: 'hello--v1', weight: 90 }])).toMatchObject({
      code: 'ContainerAppInvalidTrafficConfiguration',
      message: expect.stringContaining('must be 100, but it is 90'),
    });
    expect(await patch([{ revisionName: 'hello--v9', weight: 100 }])).toMatchObject({
      message: expect.stringContaining("Revision 'hello--v9' not found"),
    });
    expect(
      await patch([
        { revisionName: 'hello--v1', weight: 50, label: 'a' },
        { latestRevision: true, weight: 50, label: 'a' },
      ]),
    ).toMatchObject({ message: expect.stringContaining("Label 'a' is assigned to more than one") });
    expect(await patch([{ revisionName: 'hello--v1', latestRevision: true, weight: 100 }])).toMatchObject({
      message: expect.stringContaining('cannot set both'),
    });
    // A label is a host name part: lower case, starting with a letter, ending with a letter or digit, 64 at most.
    for (const label of ['pr-', 'PR-42', '42', `p${'r'.repeat(64)}`])
      expect(await patch([{ revisionName: 'hello--v1', weight: 100, label }])).toMatchObject({
        code: 'ContainerAppInvalidTrafficConfiguration',
        message: expect.stringContaining(`Invalid label '${label}'`),
      });
    expect(apps.app('hello').configuration.ingress?.traffic).toEqual([{ revisionName: 'hello--v1', weight: 100 }]);
  });

  it('refuses a secretRef to no secret, a secret without value, and a bad suffix or app name', async () => {
    await start();
    const envelope = await withRevision(V2, 'v2', {});
    const container = { ...envelope.template.containers[0], env: [{ name: 'DB', secretRef: 'db-password' }] };
    expect(
      await refusal(
        client.containerApps.createOrUpdate(RG, 'hello', {
          ...envelope,
          template: { ...envelope.template, containers: [container] },
        }),
      ),
    ).toMatchObject({
      code: 'ContainerAppSecretRefNotFound',
      message: expect.stringContaining("SecretRef 'db-password' defined for container 'hello' not found."),
    });
    // GET answers secrets by name only: writing them back unchanged loses their values, which ARM refuses.
    apps.app('hello').configuration.secrets = [{ name: 'db-password', value: 'hunter2-secret' }];
    const again = await withRevision(V2, 'v2', {});
    expect(await refusal(client.containerApps.createOrUpdate(RG, 'hello', again))).toMatchObject({
      code: 'ContainerAppSecretInvalid',
    });
    expect(
      await refusal(client.containerApps.createOrUpdate(RG, 'hello', await withRevision(V2, 'V2--x', {}))),
    ).toMatchObject({ code: 'ContainerAppInvalidRevisionSuffix' });
    expect(await refusal(client.containerApps.createOrUpdate(RG, 'Hello_App', envelope))).toMatchObject({
      code: 'ContainerAppInvalidName',
    });
    expect(apps.app('hello').revisions.size).toBe(1);
  });

  it('refuses an api-version Microsoft.App lacks, and a write while an operation holds the app (409)', async () => {
    await start();
    const answer = await refusal(
      new ContainerAppsAPIClient(
        new ClientSecretCredential(TENANT, CLIENT_ID, CLIENT_SECRET, {
          authorityHost: azure.authority,
          disableInstanceDiscovery: true,
        }),
        SUBSCRIPTION,
        { endpoint: azure.arm, apiVersion: '2099-01-01', credentials: { scopes: [`${azure.arm}/.default`] } },
      ).containerApps.get(RG, 'hello'),
    );
    expect(answer).toMatchObject({ code: 'NoRegisteredProviderFound' });
    azure.startMs = 1500;
    const poller = client.containerApps.createOrUpdate(RG, 'hello', await withRevision(V2, 'v2', {}));
    await poller.submitted();
    const app = await client.containerApps.get(RG, 'hello');
    expect(
      await refusal(client.containerApps.update(RG, 'hello', { location: app.location ?? '', tags: { a: 'b' } })),
    ).toMatchObject({ code: 'ContainerAppOperationInProgress', status: 409 });
    await poller.pollUntilDone();
  });
});

describe('failing revisions', () => {
  it('shows a crashing revision Degraded with its replica crash-looping, then fails the operation when provisioning expires', async () => {
    await start();
    apps.runtime.provisionTimeoutMs = 1200;
    const poller = client.containerApps.createOrUpdate(RG, 'hello', await withRevision(BAD, 'bad', {}), {
      updateIntervalInMs: 50,
    });
    await poller.submitted();
    await expect
      .poll(
        async () =>
          (await client.containerAppsRevisionReplicas.listReplicas(RG, 'hello', 'hello--bad')).value[0]?.containers?.[0]
            ?.restartCount ?? 0,
        { timeout: 5000 },
      )
      .toBeGreaterThan(0);
    const replicas = await client.containerAppsRevisionReplicas.listReplicas(RG, 'hello', 'hello--bad');
    expect(replicas.value[0]?.containers?.[0]?.runningStateDetails).toMatch(
      /CrashLoopBackOff: .*last exited with code 1; panic: missing configuration/,
    );
    expect(await client.containerAppsRevisions.getRevision(RG, 'hello', 'hello--bad')).toMatchObject({
      runningState: 'Degraded',
      healthState: 'Unhealthy',
    });
    expect(await refusal(poller.pollUntilDone())).toMatchObject({
      message: expect.stringContaining(
        "Failed to provision revision for container app 'hello'. Error details: Operation expired.",
      ),
    });
  });

  it('fails a revision whose image no registry has at once, with MANIFEST_UNKNOWN', async () => {
    await start();
    apps.runtime.missingImages.add('ghcr.io/octo-org/hello-service:9.9.9');
    const failure = await refusal(
      client.containerApps.createOrUpdate(
        RG,
        'hello',
        await withRevision('ghcr.io/octo-org/hello-service:9.9.9', 'v9', {}),
        { updateIntervalInMs: 20 },
      ),
    );
    expect(failure.message).toMatch(/MANIFEST_UNKNOWN: manifest tagged by "9\.9\.9" is not found/);
    expect(await client.containerAppsRevisions.getRevision(RG, 'hello', 'hello--v9')).toMatchObject({
      provisioningState: 'Failed',
    });
  });
});

describe('jobs', () => {
  it('starts an execution as a real process and reports its exit status', async () => {
    await start();
    apps.addJob('migrate', { image: V2 });
    const started = await client.jobs.start(RG, 'migrate', { updateIntervalInMs: 20 });
    await expect
      .poll(async () => (await client.jobExecution(RG, 'migrate', started.name ?? '')).status, { timeout: 5000 })
      .toBe('Succeeded');
    const failing = await client.jobs.start(RG, 'migrate', {
      template: { containers: [{ name: 'migrate', image: BAD, args: ['migrate'] }] },
      updateIntervalInMs: 20,
    });
    await expect
      .poll(async () => (await client.jobExecution(RG, 'migrate', failing.name ?? '')).status, { timeout: 5000 })
      .toBe('Failed');
    const execution = await client.jobExecution(RG, 'migrate', failing.name ?? '');
    expect(execution.detailedStatus?.replicas?.[0]?.containers?.[0]).toMatchObject({
      code: 3,
      additionalInformation: expect.stringContaining('migration failed'),
    });
  });
});
