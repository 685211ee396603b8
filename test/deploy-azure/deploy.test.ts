import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-azure/main.js';
import type { FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs, fast, startAzure, V1, V2 } from './fixture.js';

/** Scenarios of deploy-azure's run() against the local Azure, through the real SDK and credentials. */

let azure: FakeAzure;
afterEach(() => azure?.close());

function deploy(inputs: Record<string, string>, login: 'secret' | 'oidc' = 'secret') {
  return runInProcess(
    run,
    { ...cloudInputs(azure, login), ...fast, 'app-name': 'hello', 'resource-group-name': 'rg-web', ...inputs },
    login === 'oidc' ? azure.env(true) : {},
  );
}
const writes = () => azure.armCalls.filter((c) => !c.startsWith('GET') && !c.endsWith('/list'));

describe('deploying to a slot', () => {
  it('sets the image on the slot, restarts it and waits until it serves the new version', async () => {
    azure = await startAzure();
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.log).not.toContain('::error::');
    expect(step.failed).toBe(false);
    expect(azure.slot('hello', 'staging').linuxFxVersion).toBe(`DOCKER|${V2}`);
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
    expect(step.outputs).toMatchObject({ image: V2, 'previous-image': V1, swapped: 'false' });
    expect(step.outputs['slot-url']).toBe(`https://127.0.0.1:${azure.slot('hello', 'staging').port}`);
    expect(step.log).toMatch(/staging #\d+: 200 ok/);
    expect(step.summary).toContain('deploy-azure: ✅ Succeeded');
    expect(azure.armCalls).toContain(
      'POST /subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-web/providers/Microsoft.Web/sites/hello/slots/staging/restart',
    );
  });

  it('merges app settings into the existing set instead of replacing it, with the registry login', async () => {
    azure = await startAzure();
    const registryLogin = { 'registry-username': 'octo-bot', 'registry-password': 'ghp_registryPassword0123456789' };
    const settings = { 'app-settings': 'LOG_LEVEL=debug\nFEATURE_X=a=1', 'startup-command': 'node server.js' };
    const step = await deploy({ 'slot-name': 'staging', images: V2, ...settings, ...registryLogin });
    expect(step.failed).toBe(false);
    const slot = azure.slot('hello', 'staging');
    expect(slot.appSettings).toEqual({
      LOG_LEVEL: 'debug',
      DB_HOST: 'db.internal',
      FEATURE_X: 'a=1',
      DOCKER_REGISTRY_SERVER_URL: 'https://ghcr.io',
      DOCKER_REGISTRY_SERVER_USERNAME: 'octo-bot',
      DOCKER_REGISTRY_SERVER_PASSWORD: 'ghp_registryPassword0123456789',
    });
    expect(slot.appCommandLine).toBe('node server.js');
  });

  it('fails when the new version never answers, with production untouched', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'unhealthy' : 'healthy');
    const step = await deploy({ 'slot-name': 'staging', images: V2, timeout: '1.5', swap: 'true' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::staging did not serve version 2\.0\.0 at https:\/\/127\.0\.0\.1:\d+\/health/);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
    expect(azure.armCalls.some((c) => c.endsWith('/slotsswap'))).toBe(false);
    expect(step.summary).toContain('deploy-azure: ❌ Failed');
  });
});

describe('waiting until the slot serves', () => {
  it('keeps probing through the restart: the old container serves until the new one has started, and is not taken for it', async () => {
    azure = await startAzure();
    azure.startMs = 600;
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.failed).toBe(false);
    expect(step.log).toMatch(/staging #1: 200: version: expected "2\.0\.0", got "1\.0\.0"/);
    expect(step.log).toMatch(/staging #\d+: 200 ok/);
  });

  it('probes health-url when given, and checks expected-version in version-field', async () => {
    azure = await startAzure();
    const port = azure.slot('hello', 'staging').port;
    const step = await deploy({
      'slot-name': 'staging',
      images: V2,
      'health-url': `https://127.0.0.1:${port}/ready`,
      'expected-version': '3.0.0',
      timeout: '1',
    });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/staging did not serve version 3\.0\.0 at https:\/\/127\.0\.0\.1:\d+\/ready/);
    expect(step.log).toContain('version: expected "3.0.0", got "2.0.0"');
  });
});

describe('registry access', () => {
  it("pulls with the app's managed identity instead of a password", async () => {
    azure = await startAzure();
    const step = await deploy({
      'slot-name': 'staging',
      images: 'hellocr.azurecr.io/web:2.0.0',
      'managed-identity-pull': 'true',
    });
    expect(step.failed).toBe(false);
    const slot = azure.slot('hello', 'staging');
    expect(slot.acrUseManagedIdentityCreds).toBe(true);
    expect(slot.linuxFxVersion).toBe('DOCKER|hellocr.azurecr.io/web:2.0.0');
    expect(Object.keys(slot.appSettings)).not.toContain('DOCKER_REGISTRY_SERVER_PASSWORD');
  });
});

describe('swap', () => {
  it('swaps the slot into production (long-running operation) and verifies production serves it', async () => {
    azure = await startAzure();
    const step = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true' });
    expect(step.failed).toBe(false);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V1}`);
    expect(step.outputs).toMatchObject({ 'previous-image': V1, swapped: 'true' });
    expect(azure.armCalls.filter((c) => c.includes('/operationresults/')).length).toBeGreaterThanOrEqual(
      azure.swapPolls + 1,
    );
    expect(step.log).toMatch(/production #\d+: 200 ok/);
    expect(step.summary).toMatch(/Swap \| into production/);
  });
});

describe('slots for pull request previews', () => {
  it('creates a missing slot with the settings of production when create-slot is true', async () => {
    azure = await startAzure({ slots: [] });
    const step = await deploy({ 'slot-name': 'pr-42', images: V2, 'create-slot': 'true' });
    expect(step.failed).toBe(false);
    const slot = azure.slot('hello', 'pr-42');
    expect(slot.appSettings).toMatchObject({ LOG_LEVEL: 'info', DB_HOST: 'db.internal' });
    expect(slot.running).toBe(`DOCKER|${V2}`);
    expect(step.summary).toContain('(created)');
  });

  it('copies the settings of a named slot with create-slot-from', async () => {
    azure = await startAzure({ slots: ['staging'] });
    azure.slot('hello', 'staging').appSettings = { LOG_LEVEL: 'debug', PREVIEW: 'true' };
    const fromStaging = { 'create-slot': 'true', 'create-slot-from': 'staging' };
    const step = await deploy({ 'slot-name': 'pr-7', images: V2, ...fromStaging });
    expect(step.failed).toBe(false);
    expect(azure.slot('hello', 'pr-7').appSettings).toEqual({ LOG_LEVEL: 'debug', PREVIEW: 'true' });
  });

  it('refuses a missing slot without create-slot, before any change', async () => {
    azure = await startAzure({ slots: [] });
    const step = await deploy({ 'slot-name': 'pr-42', images: V2 });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::Slot 'pr-42' of hello does not exist: nothing was changed/);
    expect(writes()).toEqual([]);
  });

  it('deletes the slot in delete-slot mode, and succeeds when it is already gone', async () => {
    azure = await startAzure({ slots: ['pr-42'] });
    const first = await deploy({ mode: 'delete-slot', 'slot-name': 'pr-42' });
    expect(first.failed).toBe(false);
    expect(azure.site('hello').has('pr-42')).toBe(false);
    const again = await deploy({ mode: 'delete-slot', 'slot-name': 'pr-42' });
    expect(again.failed).toBe(false);
    expect(again.summary).toContain('did not exist');
  });
});

describe('Azure errors', () => {
  it('names the app that does not exist before changing anything', async () => {
    azure = await startAzure();
    const step = await runInProcess(run, {
      ...cloudInputs(azure),
      ...fast,
      'app-name': 'nope',
      'resource-group-name': 'rg-web',
      images: V2,
    });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::Get nope failed: ResourceNotFound \(HTTP 404\): The Resource 'Microsoft.Web\/sites\/nope'/,
    );
    expect(step.log).toContain('Check app-name, slot-name and resource-group-name');
    expect(step.summary).toContain('deploy-azure: ❌ Failed');
    expect(step.summary).toMatch(/Changed \| nothing/);
    expect(writes()).toEqual([]);
  });

  it('reports AuthorizationFailed with the role to grant', async () => {
    azure = await startAzure();
    azure.role = 'reader';
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/AuthorizationFailed \(HTTP 403\)/);
    expect(step.log).toContain('Website Contributor');
  });

  it('rides out throttling (429, then 503, with Retry-After)', async () => {
    azure = await startAzure();
    azure.throttle(1);
    const throttled = await deploy({ 'slot-name': 'staging', images: V1 });
    expect(throttled.failed).toBe(false);
    azure.throttle(1, 503);
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.failed).toBe(false);
  });
});
