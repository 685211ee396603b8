import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, SUBSCRIPTION, TENANT, startFakeAzure, type FakeAzure } from '../fakes/azure/index.js';
import { exampleCall } from './examples.js';
import { play } from './play.js';

/**
 * Shape 3, examples/app-service played end to end against the local Azure (ARM, Entra with the job's OIDC
 * token, App Service's containers): the deploy job of azure-pipeline.yml with the example's inputs, for its
 * staging app on a Basic plan (no slots: in place) and its production app with a staging slot (swap). The
 * example's ids are replaced by the stand-in's tenant, app and subscription.
 */

const SHA = '0123456789abcdef0123456789abcdef01234567';
const staging = exampleCall('app-service', 'staging');
const production = exampleCall('app-service', 'production');
/** The stand-in's containers report the tag of their image as their version: the build is tagged with the SHA. */
const OLD = `contoso.azurecr.io/web:1.0.0@sha256:${'1'.repeat(64)}`;
const NEW = `contoso.azurecr.io/web:${SHA}@sha256:${'2'.repeat(64)}`;

let azure: FakeAzure;
afterEach(() => azure?.close());

async function account() {
  azure = await startFakeAzure();
  await azure.addSite('contoso-web-staging', { image: OLD, resourceGroup: 'web-staging-rg', slots: [] });
  azure.setTier('contoso-web-staging', 'Basic');
  await azure.addSite('contoso-web', { image: OLD, resourceGroup: 'web-rg', slots: ['staging'] });
  // The vaults the example's Key Vault references name, readable by the apps' managed identities.
  for (const vault of ['contoso-staging-kv', 'contoso-kv'])
    azure.keyVaults.set(vault, { secrets: new Set(['database-url']), allowed: true });
}

function deploy(
  call: typeof staging,
  cancelDuring?: string,
  keepOnCancel?: string[],
  beforeStep?: (name: string) => void,
) {
  const endpoints = { 'resource-manager-endpoint': azure.arm, 'authority-host': azure.authority };
  return play({
    workflow: call.workflow,
    job: 'deploy',
    inputs: {
      ...call.with,
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'subscription-id': SUBSCRIPTION,
      'smoke-timeout-seconds': 3,
      'deploy-timeout-seconds': 5,
      // production's health-url is its public name; here production answers on the stand-in's port.
      'health-url': '',
    },
    needs: { build: { outputs: { image: NEW, digest: NEW.split('@')[1]! } } },
    env: azure.env(true),
    extra: {
      'deploy-azure': { ...endpoints, 'poll-interval': '0.05' },
      rollback: { ...endpoints, 'poll-interval': '0.05' },
      'smoke-test': { interval: '0.1', 'consecutive-successes': '1' },
    },
    cancelDuring,
    keepOnCancel,
    beforeStep,
  });
}

const runs = (app: string, slot = 'production') => azure.slot(app, slot).linuxFxVersion;

describe('examples/app-service through azure-pipeline.yml', () => {
  it('without slots: sets the image on the app in place, with the Key Vault references, and proves it', async () => {
    await account();
    const result = await deploy(staging);
    expect(result.status, result.log).toBe('success');
    expect(result.step('deploy')!.inputs).toMatchObject({ 'slot-name': 'production', swap: 'false' });
    expect(result.step('deploy')!.log).not.toContain('::warning::');
    expect(runs('contoso-web-staging')).toBe(`DOCKER|${NEW}`);
    expect(azure.slot('contoso-web-staging', 'production').appSettings.DATABASE_URL).toBe(
      '@Microsoft.KeyVault(SecretUri=https://contoso-staging-kv.vault.azure.net/secrets/database-url/)',
    );
    expect(result.ran).not.toContain('rollback');
    expect(result.outputs['deployed-revision']).toBe(NEW);
  });

  it('without slots: the new image never serves: deploy-azure sets the previous one back itself, and only once', async () => {
    await account();
    azure.behaviour = (image) => (image === NEW ? 'unhealthy' : 'healthy');
    const result = await deploy(staging);
    expect(result.status).toBe('failure');
    expect(result.step('deploy')!.outputs).toMatchObject({ changed: 'true', 'rolled-back': 'true' });
    expect(result.ran).not.toContain('rollback');
    expect(runs('contoso-web-staging')).toBe(`DOCKER|${OLD}`);
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.summary).toContain(`| staging | contoso-web-staging/production | \`${NEW}\` | rolled-back |`);
  });

  it('without slots: a Key Vault reference the app may not read fails before the restart, settings put back', async () => {
    await account();
    azure.keyVaults.set('contoso-staging-kv', { secrets: new Set(['database-url']), allowed: false });
    const before = { ...azure.slot('contoso-web-staging').appSettings };
    const result = await deploy(staging);
    expect(result.status).toBe('failure');
    expect(result.step('deploy')!.log).toMatch(/DATABASE_URL: AccessToKeyVaultDenied/);
    expect(result.step('deploy')!.log).toContain('Key Vault Secrets User');
    // The new image was never set: the step failed before the config and the restart.
    expect(result.step('deploy')!.log).not.toContain(`→ ${NEW}`);
    expect(runs('contoso-web-staging')).toBe(`DOCKER|${OLD}`);
    expect(azure.slot('contoso-web-staging').appSettings).toEqual(before);
  });

  it('without slots: the smoke test does not prove it: the pipeline sets the previous image back', async () => {
    await account();
    const result = await deploy(staging, undefined, undefined, (step) => {
      if (step === 'smoke') azure.behaviour = (image) => (image === NEW ? 'unhealthy' : 'healthy');
    });
    expect(result.status).toBe('failure');
    expect(result.step('deploy')!.outcome).toBe('success');
    expect(result.step('rollback')!.outputs).toMatchObject({ outcome: 'rolled-back', 'rolled-back-to': OLD });
    expect(runs('contoso-web-staging')).toBe(`DOCKER|${OLD}`);
    expect(result.log).toContain(`production runs ${OLD} again.`);
    expect(result.outputs['rolled-back']).toBe('true');
  });

  it('with slots: through the staging slot and a swap, then proven in production', async () => {
    await account();
    const result = await deploy(production);
    expect(result.status, result.log).toBe('success');
    expect(result.step('deploy')!.outputs.swapped).toBe('true');
    expect(result.step('deploy')!.log).not.toContain('::warning::');
    expect(runs('contoso-web')).toBe(`DOCKER|${NEW}`);
    expect(runs('contoso-web', 'staging')).toBe(`DOCKER|${OLD}`);
  });

  it('with slots: swaps back when the run is cancelled during the smoke test after the swap', async () => {
    await account();
    const result = await deploy(production, 'smoke');
    expect(result.status).toBe('cancelled');
    expect(result.step('rollback')!.outputs.outcome).toBe('rolled-back');
    expect(runs('contoso-web')).toBe(`DOCKER|${OLD}`);
  });
});
