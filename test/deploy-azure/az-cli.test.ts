import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-azure/main.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { runBundle } from '../helpers/runner.js';
import { azCli } from '../helpers/prereq.js';
import { fast, startAzure, V1, V2 } from './fixture.js';

/**
 * The real az CLI (azure-cli) against the local Azure: a second client that must agree with it, and the session a
 * previous azure/login step leaves, which deploy-azure then uses (AzureCliCredential) as azure/webapps-deploy does.
 * The cloud is registered as Azure Stack Hub with AD FS registers it (its authority ends in /adfs: no instance
 * discovery, which would need login.microsoftonline.com).
 */

const az = azCli();
let azure: FakeAzure;
afterEach(() => azure?.close());

async function azureCliSession(fake: FakeAzure, federatedToken?: string) {
  const env = {
    ...process.env,
    AZURE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'az-config-')),
    REQUESTS_CA_BUNDLE: fake.caFile,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
  };
  const cli = async (...args: string[]) =>
    (await promisify(execFile)('az', args, { env, encoding: 'utf8', timeout: 120_000 })).stdout;
  const [arm, authority] = [fake.arm, `${fake.authority}/adfs`];
  await cli('cloud', 'register', '-n', 'LocalAzure', '--endpoint-resource-manager', arm, '--endpoint-active-directory', authority, '--endpoint-active-directory-resource-id', arm, '--endpoint-management', arm, '--endpoint-active-directory-graph-resource-id', arm); // prettier-ignore
  await cli('cloud', 'set', '-n', 'LocalAzure');
  // azure/login runs `az login --service-principal` with the secret of creds, or with --federated-token (OIDC).
  const secret = federatedToken ? ['--federated-token', federatedToken] : ['-p', CLIENT_SECRET];
  await cli('login', '--service-principal', '-u', CLIENT_ID, ...secret, '--tenant', TENANT);
  return { env, cli };
}

describe.skipIf(!az.available)('the real az CLI against the local Azure', () => {
  it('leaves a session deploy-azure uses with no login inputs and no resource group, as after azure/login', async () => {
    azure = await startAzure();
    const { env, cli } = await azureCliSession(azure);
    const step = await runInProcess(
      run,
      { ...fast, 'app-name': 'hello', 'slot-name': 'staging', images: V2, 'resource-manager-endpoint': azure.arm },
      { AZURE_CONFIG_DIR: env.AZURE_CONFIG_DIR, REQUESTS_CA_BUNDLE: azure.caFile },
    );
    expect(step.log).not.toContain('::error::');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    // az reads back what deploy-azure set, through its own client and api-version.
    const config = JSON.parse(await cli('webapp', 'config', 'show', '-g', 'rg-web', '-n', 'hello', '--slot', 'staging', '-o', 'json')) as { linuxFxVersion: string }; // prettier-ignore
    expect(config.linuxFxVersion).toBe(`DOCKER|${V2}`);
  }, 180_000);

  it('swaps with az as azure-cli users do, slot-specific settings staying and marked so', async () => {
    azure = await startAzure();
    azure.slotConfigNames('hello').appSettingNames = ['DB_HOST'];
    // az waits its own interval between polls: a swap done at the first poll keeps the test short.
    azure.swapPolls = 0;
    azure.startMs = 0;
    azure.slot('hello', 'staging').appSettings = { LOG_LEVEL: 'debug', DB_HOST: 'db.staging' };
    azure.slot('hello', 'staging').linuxFxVersion = `DOCKER|${V2}`;
    azure.slot('hello', 'staging').running = `DOCKER|${V2}`;
    const { cli } = await azureCliSession(azure);
    await cli('webapp', 'deployment', 'slot', 'swap', '-g', 'rg-web', '-n', 'hello', '--slot', 'staging', '--target-slot', 'production'); // prettier-ignore
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    expect(azure.slot('hello').appSettings).toEqual({ LOG_LEVEL: 'debug', DB_HOST: 'db.internal' });
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V1}`);
    const settings = JSON.parse(await cli('webapp', 'config', 'appsettings', 'list', '-g', 'rg-web', '-n', 'hello', '-o', 'json')) as { name: string; slotSetting: boolean }[]; // prettier-ignore
    expect(settings.find((s) => s.name === 'DB_HOST')?.slotSetting).toBe(true);
    // The slot commands azure-cli users run: list the slots, and mark a setting slot-specific.
    const slots = JSON.parse(await cli('webapp', 'deployment', 'slot', 'list', '-g', 'rg-web', '-n', 'hello', '-o', 'json')) as { name: string }[]; // prettier-ignore
    expect(slots.map((s) => s.name)).toEqual(['staging']);
    await cli('webapp', 'config', 'appsettings', 'set', '-g', 'rg-web', '-n', 'hello', '--slot-settings', 'REGION=west'); // prettier-ignore
    expect(azure.slotConfigNames('hello').appSettingNames).toEqual(['DB_HOST', 'REGION']);
    expect(azure.slot('hello').appSettings).toMatchObject({ REGION: 'west', DB_HOST: 'db.internal' });
  }, 180_000);

  it("runs azure/webapps-deploy's README example (azure/login, then app-name and images) through the bundle unchanged", async () => {
    azure = await startAzure();
    const image = 'contoso.azurecr.io/nodejssampleapp:3f2c1d0e9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
    await azure.addSite('node-rnc', { image: 'contoso.azurecr.io/nodejssampleapp:1a2b3c4d', slots: [] });
    const { env } = await azureCliSession(azure);
    // The example's step, as its README writes it: only app-name and images; login, cloud, subscription and
    // resource group come from the az session azure/login left.
    const step = await runBundle('deploy-azure', {
      inputs: { 'app-name': 'node-rnc', images: image },
      env: { ...azure.env(), AZURE_CONFIG_DIR: env.AZURE_CONFIG_DIR, REQUESTS_CA_BUNDLE: azure.caFile },
    });
    expect(step.log).not.toContain('::error::');
    expect(step.exitCode).toBe(0);
    expect(azure.slot('node-rnc').running).toBe(`DOCKER|${image}`);
    expect(step.outputs['webapp-url']).toBe(`https://127.0.0.1:${azure.slot('node-rnc').port}`);
  }, 180_000);

  it("uses an OIDC azure/login session, and explains AADSTS700024 once the session's GitHub ID token has expired", async () => {
    azure = await startAzure();
    azure.tokenLifetimeS = 2;
    azure.idTokenLifetimeMs = 15_000;
    const issued = Date.now();
    const idToken = await fetch(`${azure.oidcUrl}&audience=api://AzureADTokenExchange`, {
      headers: { authorization: `Bearer ${azure.env(true).ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    }).then((r) => r.json() as Promise<{ value: string }>);
    const { env } = await azureCliSession(azure, idToken.value);
    const step = () =>
      runInProcess(
        run,
        { ...fast, 'app-name': 'hello', 'slot-name': 'staging', images: V2, 'resource-manager-endpoint': azure.arm },
        { AZURE_CONFIG_DIR: env.AZURE_CONFIG_DIR, REQUESTS_CA_BUNDLE: azure.caFile },
      );
    const early = await step();
    expect(early.log).not.toContain('::error::');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issued + 16_000 - Date.now())));
    const late = await step();
    expect(late.failed).toBe(true);
    expect(late.log).toMatch(/AADSTS700024: Client assertion is not within its valid time range/);
    expect(late.log).toContain('its az session holds the old one');
  }, 180_000);
});
