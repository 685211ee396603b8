import { afterEach, describe, expect, it } from 'vitest';
import { readContainerAppInputs, readTarget } from '../../src/deploy-azure/containerapp-inputs.js';
import { containerAppStage } from '../../src/deploy-azure/containerapp.js';
import { runStage } from '../../src/lib/action.js';
import { printedForms } from '../../src/lib/secrets.js';
import { startContainerAppsAzure, type ContainerAppsState } from '../fakes/azure/container-apps.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { quietInputs, withInputs } from '../helpers/inputs.js';
import { cloudInputs } from './fixture.js';

/**
 * target: containerapp's inputs: deploy-azure's own names, azure/container-apps-deploy-action's image-based ones with
 * their meaning, and its build inputs refused with what to use instead; then a drop-in step run against the local
 * Container Apps.
 */

const login = {
  'client-id': '22222222-2222-2222-2222-222222222222',
  'tenant-id': '11111111-1111-1111-1111-111111111111',
  'subscription-id': '00000000-0000-0000-0000-00000000c0de',
  'client-secret': 'Qm8Q~fakeClientSecretValue0123456789abcdEF',
};
const image = 'ghcr.io/octo-org/hello-service:2.0.0';
const read = (inputs: Record<string, string>) => withInputs({ ...login, ...inputs }, readContainerAppInputs);
const refused = (inputs: Record<string, string>) => {
  try {
    read(inputs);
  } catch (error) {
    return `${(error as Error).message} ${(error as { hint?: string }).hint ?? ''}`;
  }
  return 'accepted';
};

describe('reading the inputs', () => {
  quietInputs();

  it("takes azure/container-apps-deploy-action's image-based inputs with their meaning", () => {
    const inputs = read({
      imageToDeploy: image,
      containerAppName: 'hello',
      resourceGroup: 'rg-apps',
      containerAppEnvironment: 'env-apps',
      targetPort: '3000',
      environmentVariables: 'LOG_LEVEL=debug GREETING="hello world" DB_PASSWORD=secretref:db-password',
      targetLabel: 'green',
      ingress: 'internal',
    });
    expect(inputs).toMatchObject({
      app: 'hello',
      resourceGroup: 'rg-apps',
      environment: 'env-apps',
      image,
      targetPort: 3000,
      label: 'green',
      ingress: 'internal',
      steps: [100],
    });
    expect([...inputs.env]).toEqual([
      ['LOG_LEVEL', { value: 'debug' }],
      ['GREETING', { value: 'hello world' }],
      ['DB_PASSWORD', { secretRef: 'db-password' }],
    ]);
    expect(withInputs({ containerAppName: 'hello' }, readTarget)).toBe('containerapp');
    expect(withInputs({ 'app-name': 'hello' }, readTarget)).toBe('appservice');
  });

  it('refuses its build inputs, naming build-push, and an input given under both names', () => {
    const base = { 'app-name': 'hello', 'resource-group-name': 'rg-apps', images: image };
    expect(refused({ ...base, appSourcePath: '/src' })).toMatch(/Input 'appSourcePath' is not supported .* build-push/);
    expect(refused({ ...base, acrName: 'myacr' })).toMatch(/Input 'acrName' is not supported .*registry-url/);
    expect(refused({ ...base, location: 'westeurope' })).toMatch(/does not create container apps/);
    expect(refused({ ...base, containerAppName: 'other' })).toMatch(/either 'app-name' or 'containerAppName'/);
    expect(refused({ ...base, imageToDeploy: image })).toMatch(/either 'images' or 'imageToDeploy'/);
    expect(refused({ ...base, swap: 'true' })).toMatch(/Input 'swap' is for App Service/);
    expect(refused({ ...base, 'app-settings': 'A=1' })).toMatch(/Give env-vars/);
    expect(refused({ ...base, target: 'containerapps' })).toMatch(
      /Input 'target' must be one of appservice, containerapp/,
    );
    // The defaults action.yml gives App Service inputs are no choice: accepted.
    expect(refused({ ...base, 'slot-name': 'production', swap: 'false', mode: 'deploy' })).toBe('accepted');
  });

  it('refuses a malformed traffic plan, name, label, suffix, secret or Key Vault URL before any request', () => {
    const base = { 'app-name': 'hello', 'resource-group-name': 'rg-apps', images: image };
    expect(refused({ ...base, traffic: '50,10,100' })).toMatch(
      /Input 'traffic' must be rising percentages ending at 100/,
    );
    expect(refused({ ...base, traffic: '10,50' })).toMatch(/ending at 100/);
    expect(refused({ ...base, 'app-name': 'Hello_App' })).toMatch(/Input 'app-name' must be 2-32 lower-case/);
    expect(refused({ ...base, label: 'Blue' })).toMatch(/Input 'label' must be lower-case/);
    expect(refused({ ...base, 'revision-suffix': 'v--2' })).toMatch(/Input 'revision-suffix'/);
    expect(refused({ ...base, secrets: 'DB_PASSWORD=x' })).toMatch(/secret name 'DB_PASSWORD'/);
    expect(refused({ ...base, 'key-vault-secrets': 'db=https://example.com/db' })).toMatch(
      /must be a Key Vault secret URL/,
    );
    expect(refused({ ...base, ingress: 'disabled' })).toMatch(/ingress: disabled/);
    expect(refused({ ...base, 'min-replicas': '5', 'max-replicas': '2' })).toMatch(
      /'min-replicas' \(5\) is more than 'max-replicas' \(2\)/,
    );
  });
});

describe('a drop-in step', () => {
  let azure: FakeAzure;
  let apps: ContainerAppsState;
  afterEach(() => azure?.close());

  it('sets env vars, a secret and its reference, the target port; the secret never leaves the runner', async () => {
    ({ azure, apps } = await startContainerAppsAzure());
    azure.startMs = 50;
    await apps.addApp('hello', { image: 'ghcr.io/octo-org/hello-service:1.0.0' });
    const secret = 'p@ss w0rd"&/+=';
    const step = await runInProcess(() => runStage(containerAppStage), {
      ...cloudInputs(azure),
      'poll-interval': '0.05',
      timeout: '20',
      containerAppName: 'hello',
      resourceGroup: 'rg-apps',
      containerAppEnvironment: 'env-apps',
      imageToDeploy: image,
      targetPort: '3000',
      environmentVariables: 'GREETING="hello world" DB_PASSWORD=secretref:db-password',
      secrets: `db-password=${secret}`,
    });
    expect(step.log).not.toContain('::error::');
    const revision = apps.revision('hello', step.outputs.revision ?? '');
    expect(revision.replicas[0]?.env).toMatchObject({ GREETING: 'hello world', DB_PASSWORD: secret });
    expect(apps.app('hello').configuration.ingress?.targetPort).toBe(3000);
    expect(step.log).toContain(`::add-mask::${secret}`);
    const printed = [step.log.replace(/^::add-mask::.*$/gm, ''), step.summary, JSON.stringify(step.outputs)].join('\n');
    for (const form of [...printedForms(secret), Buffer.from(secret).toString('base64')])
      expect(printed).not.toContain(form);
  });

  it('refuses an app in another environment than containerAppEnvironment, with nothing written', async () => {
    ({ azure, apps } = await startContainerAppsAzure());
    await apps.addApp('hello');
    const step = await runInProcess(() => runStage(containerAppStage), {
      ...cloudInputs(azure),
      containerAppName: 'hello',
      resourceGroup: 'rg-apps',
      containerAppEnvironment: 'env-prod',
      imageToDeploy: image,
    });
    expect(step.log).toContain("::error::Container app hello is in environment 'env-apps', not 'env-prod'");
    expect(step.outputs['failure-reason']).toBe('invalid-input');
    expect(azure.armCalls.filter((c) => !c.startsWith('GET'))).toEqual([]);
  });
});
