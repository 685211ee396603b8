import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { runStage } from '../../src/lib/action.js';
import { printedForms } from '../../src/lib/secrets.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { cloudInputs } from '../deploy-azure/fixture.js';
import { runInProcess } from '../helpers/in-process.js';
import { badInput, fault, leak } from './kinds.js';

/**
 * deploy-azure with target: containerapp, tried as an adversary would: inputs that must never reach ARM, secrets
 * that must never leave the runner, and ARM failing after the new revision exists.
 */

const V1 = 'ghcr.io/octo-org/hello-service:1.0.0';
const V2 = 'ghcr.io/octo-org/hello-service:2.0.0';

let azure: FakeAzure;
let apps: ContainerAppsState;

const deploy = (inputs: Record<string, string>) =>
  runInProcess(() => runStage(containerAppStage), {
    ...cloudInputs(azure),
    'poll-interval': '0.05',
    timeout: '20',
    'traffic-pause': '0.05',
    target: 'containerapp',
    'app-name': 'hello',
    'resource-group-name': 'rg-apps',
    images: V2,
    ...inputs,
  });

async function start() {
  ({ azure, apps } = await startContainerAppsAzure());
  azure.startMs = 50;
  await apps.addApp('hello', { image: V1 });
}

describe('bad input: refused before any ARM or Entra request, the input named', () => {
  beforeAll(start);
  afterAll(() => azure.close());

  const cases: [string, string, Record<string, string>][] = [
    ['an app name in capitals', 'app-name', { 'app-name': 'Hello' }],
    ['an app name with a line break', 'app-name', { 'app-name': 'hello\n::error::forged' }],
    ['an app name with "--"', 'app-name', { 'app-name': 'hel--lo' }],
    ['a resource group ending in a period', 'resource-group-name', { 'resource-group-name': 'rg-apps.' }],
    ['a label in capitals', 'label', { label: 'Candidate' }],
    ['canary steps that do not end at 100', 'traffic', { traffic: '10,50' }],
    ['canary steps that go down', 'traffic', { traffic: '50,10,100' }],
    ['a revision suffix with "--"', 'revision-suffix', { 'revision-suffix': 'v--2' }],
    ['a secret name with capitals', 'secrets', { secrets: 'DB_PASSWORD=x' }],
    [
      'a Key Vault secret that is not a vault URL',
      'key-vault-secrets',
      { 'key-vault-secrets': 'db=https://evil.example/db' },
    ],
    ['an environment variable name with a space', 'env-vars', { 'env-vars': 'LOG LEVEL=debug' }],
    ['a target port out of range', 'target-port', { 'target-port': '70000' }],
    ['more min than max replicas', 'min-replicas', { 'min-replicas': '5', 'max-replicas': '2' }],
    ['a job name in capitals', 'job-name', { 'job-name': 'Migrate' }],
    ['two images', 'images', { images: `${V1}\n${V2}` }],
    ['a build input of container-apps-deploy-action', 'appSourcePath', { appSourcePath: '/src' }],
    ['ingress disabled', 'ingress', { ingress: 'disabled' }],
    ['an App Service swap', 'swap', { swap: 'true' }],
  ];
  for (const [name, input, inputs] of cases) {
    badInput(`deploy-azure (containerapp): ${name}`, async () => {
      const [arm, tokens] = [azure.armCalls.length, azure.tokenRequests.length];
      const step = await deploy(inputs);
      expect(step.failed).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
      expect(step.log).toContain(`Input '${input}`);
      expect(azure.armCalls.length - arm).toBe(0);
      expect(azure.tokenRequests.length - tokens).toBe(0);
    });
  }
});

/** What left the runner: outputs, the job summary, and the log but for the ::add-mask:: commands themselves. */
function expectAbsent(step: { log: string; summary: string; outputs: Record<string, string> }, secret: string) {
  expect(step.log).toContain(`::add-mask::${secret}`);
  const printed = [step.log.replace(/^::add-mask::.*$/gm, ''), step.summary, JSON.stringify(step.outputs)].join('\n');
  for (const form of [...printedForms(secret), Buffer.from(secret).toString('base64')])
    expect(printed).not.toContain(form);
}

describe('leak: a secret given to the step never leaves the runner', () => {
  afterEach(() => azure?.close());

  leak('a secrets value referenced by an env var, on a successful release', async () => {
    await start();
    const secret = 'aca-leak1-"quoted"\\path/ü';
    const step = await deploy({ secrets: `db-password=${secret}`, 'env-vars': 'DB=secretref:db-password' });
    expect(step.failed).toBe(false);
    expect(apps.revision('hello', step.outputs.revision ?? '').replicas[0]?.env.DB).toBe(secret);
    expectAbsent(step, secret);
  });

  leak('an env var named like a credential', async () => {
    await start();
    const secret = 'aca-leak2-s3cr3t&value=1';
    const step = await deploy({ 'env-vars': `API_TOKEN=${secret}` });
    expect(step.failed).toBe(false);
    expectAbsent(step, secret);
  });

  leak('a registry password, on a release that fails (the image crashes)', async () => {
    await start();
    azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
    const secret = 'aca-leak3-registry+pass/word=';
    const step = await deploy({
      'registry-url': 'hellocr.azurecr.io',
      'registry-username': 'bot',
      'registry-password': secret,
    });
    expect(step.failed).toBe(true);
    expect(apps.app('hello').configuration.secrets).toContainEqual({
      name: 'hellocrazurecrio-password',
      value: secret,
    });
    expectAbsent(step, secret);
  });

  leak("azureCredentials' client secret (container-apps-deploy-action's login input)", async () => {
    await start();
    const {
      'client-secret': secret,
      'client-id': clientId,
      'tenant-id': tenantId,
      'subscription-id': subscriptionId,
      ...rest
    } = cloudInputs(azure);
    const creds = JSON.stringify({ clientId, clientSecret: secret, tenantId, subscriptionId });
    const step = await runInProcess(() => runStage(containerAppStage), {
      ...rest,
      azureCredentials: creds,
      'poll-interval': '0.05',
      timeout: '20',
      containerAppName: 'hello',
      resourceGroup: 'rg-apps',
      imageToDeploy: V2,
    });
    expect(step.log).not.toContain('::error::');
    expectAbsent(step, secret ?? '');
  });
});

describe('fault: ARM failing once the new revision exists ends in an exact, reported state', () => {
  afterEach(() => azure?.close());

  fault('ARM throttles (429, Retry-After) in the middle of the release: retried, released', async () => {
    await start();
    const watch = setInterval(() => {
      if (apps.app('hello').revisions.has('hello--v2')) {
        clearInterval(watch);
        azure.throttle(2);
      }
    }, 5);
    const step = await deploy({ 'revision-suffix': 'v2' });
    clearInterval(watch);
    expect(step.log).not.toContain('::error::');
    expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName).toBe(
      'hello--v2',
    );
  });

  fault(
    'another operation holds the app when the release writes (409): retried until it ends, then released',
    async () => {
      await start();
      apps.busy('hello', 600);
      const step = await deploy({ 'revision-suffix': 'v2' });
      expect(step.log).not.toContain('::error::');
      expect(step.log).toMatch(/Update container app hello: another operation is in progress on hello; retrying in/);
      expect(azure.armCalls.filter((c) => c.startsWith('PUT')).length).toBeGreaterThan(1);
      expect(apps.app('hello').configuration.ingress?.traffic?.find((e) => e.weight === 100)?.revisionName).toBe(
        'hello--v2',
      );
    },
  );

  fault(
    'the login loses its write role once the revision is ready: traffic stays on the previous revision, and the summary says the new one is still active',
    async () => {
      await start();
      const watch = setInterval(() => {
        if (apps.app('hello').revisions.get('hello--v2')?.provisioningState === 'Provisioned') {
          clearInterval(watch);
          azure.role = 'reader';
        }
      }, 5);
      const step = await deploy({ 'revision-suffix': 'v2', 'traffic-pause': '0.05' });
      clearInterval(watch);
      expect(step.failed).toBe(true);
      expect(step.outputs).toMatchObject({ 'failure-reason': 'cloud-error', 'previous-revision': 'hello--v1' });
      expect(step.log).toMatch(/::error::Set the traffic of hello failed: AuthorizationFailed/);
      expect(apps.app('hello').configuration.ingress?.traffic).toEqual([
        { revisionName: 'hello--v2', weight: 0, label: 'candidate' },
        { revisionName: 'hello--v1', weight: 100 },
      ]);
      expect(apps.revision('hello', 'hello--v2').active).toBe(true);
      expect(step.log).toMatch(
        /::error::Putting hello--v1 back failed: Deactivate revision hello--v2 failed: AuthorizationFailed/,
      );
      expect(step.summary).toContain('all traffic on <code>hello--v1</code>');
      expect(step.summary).not.toContain('deactivated');
    },
  );
});
