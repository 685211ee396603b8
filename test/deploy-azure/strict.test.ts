import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-azure/main.js';
import { CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs, fast, startAzure, V1, V2 } from './fixture.js';

/** deploy-azure against an App Service as strict as Azure: busy sites, slow and failing swaps, containers, tokens. */

let azure: FakeAzure;
afterEach(() => azure?.close());

const DIGEST = `ghcr.io/octo-org/hello-service@sha256:${'a'.repeat(64)}`;

function deploy(inputs: Record<string, string>, login: 'secret' | 'oidc' = 'secret') {
  return runInProcess(
    run,
    { ...cloudInputs(azure, login), ...fast, 'app-name': 'hello', 'resource-group-name': 'rg-web', ...inputs },
    login === 'oidc' ? azure.env(true) : {},
  );
}

describe('App Service errors and busy sites', () => {
  it('retries writes while another operation holds the site (409), then deploys', async () => {
    azure = await startAzure();
    azure.busy('hello', 3000);
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.log).not.toContain('::error::');
    expect(step.log).toMatch(/another operation is in progress on hello; retrying in/);
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
  });

  it("says App Service's own message, not 'Unexpected status code', when the site stays busy past the timeout", async () => {
    azure = await startAzure();
    azure.busy('hello', 60_000);
    const step = await deploy({ 'slot-name': 'staging', images: V2, timeout: '1s' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::Update config\/web of hello\/staging failed: Conflict \(HTTP 409\): Cannot modify this site because another operation is in progress/,
    );
    expect(step.log).not.toContain('Unexpected status code');
    expect(step.log).toContain('Another operation (a swap, a restart, a deployment from elsewhere)');
  });

  it('names an api-version the cloud lacks (NoRegisteredProviderFound) with what to do', async () => {
    azure = await startAzure();
    azure.apiVersions = new Set(['2016-08-01']);
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/NoRegisteredProviderFound \(HTTP 400\): No registered resource provider found/);
    expect(step.log).toContain('Azure Stack Hub lags the public cloud');
  });
});

describe('swaps as App Service does them', () => {
  it("fails with App Service's message when the swap fails (417), production untouched", async () => {
    azure = await startAzure();
    azure.failNextSwap(
      417,
      "Cannot swap slots for site 'hello' because the warmup requests to application in 'staging' slot have timed out.",
    );
    const step = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true' });
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /::error::Swap hello\/staging with production failed: .*warmup requests .* have timed out/,
    );
    expect(step.outputs.swapped).toBe('false');
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });

  it('bounds the swap by timeout: a swap still running is reported as a timeout, not waited on forever', async () => {
    azure = await startAzure();
    azure.swapMs = 30_000;
    const step = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true', timeout: '1.5s' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('timeout');
    expect(step.log).toMatch(/::error::Swap hello\/staging with production did not finish within/);
  });

  it('keeps slot-specific settings with their slot in a swap, and never copies them into a new preview slot', async () => {
    azure = await startAzure({ slots: ['staging'] });
    azure.slotConfigNames('hello').appSettingNames = ['DB_HOST'];
    azure.slot('hello', 'staging').appSettings = { LOG_LEVEL: 'debug', DB_HOST: 'db.staging' };
    const swapped = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true' });
    expect(swapped.failed).toBe(false);
    expect(azure.slot('hello').appSettings).toEqual({ LOG_LEVEL: 'debug', DB_HOST: 'db.internal' });
    expect(azure.slot('hello', 'staging').appSettings).toEqual({ LOG_LEVEL: 'info', DB_HOST: 'db.staging' });
    const preview = await deploy({ 'slot-name': 'pr-9', images: V2, 'create-slot': 'true' });
    expect(preview.failed).toBe(false);
    expect(azure.slot('hello', 'pr-9').appSettings).toEqual({ LOG_LEVEL: 'debug' });
    expect(preview.log).toContain('slot-specific settings left out: DB_HOST');
  });

  it('creates a slot when PUT answers 202 with Azure-AsyncOperation', async () => {
    azure = await startAzure({ slots: [] });
    azure.slotCreatePolls = 2;
    const step = await deploy({ 'slot-name': 'pr-3', images: V2, 'create-slot': 'true' });
    expect(step.failed).toBe(false);
    expect(azure.slot('hello', 'pr-3').running).toBe(`DOCKER|${V2}`);
    expect(azure.armCalls.filter((c) => /\/operations\//.test(c)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('what actually runs', () => {
  it('fails as soon as the new container fails to start, naming the docker log, while the old one serves', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
    const step = await deploy({ 'slot-name': 'staging', images: V2, timeout: '20s' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(step.log).toMatch(/The new container of staging \(.*2\.0\.0\) failed to start; the old one still serves/);
    expect(step.log).toContain('failing site start');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V1}`);
  });

  it('never reports a digest deploy done while the old container still serves: it waits for the new one', async () => {
    azure = await startAzure();
    azure.startMs = 500;
    const step = await deploy({ 'slot-name': 'staging', images: DIGEST });
    expect(step.failed).toBe(false);
    expect(step.log).toMatch(/staging: container hello__staging_0_\w+ \(.*@sha256:a+\) is ready/);
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${DIGEST}`);
  });

  it('fails a digest deploy whose container crashes, though the old container answers 200', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === DIGEST ? 'crash' : 'healthy');
    const step = await deploy({ 'slot-name': 'staging', images: DIGEST });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('failing site start');
  });
});

describe('tokens expire', () => {
  it('asks GitHub for a fresh ID token whenever a short-lived Entra token is renewed', async () => {
    azure = await startAzure();
    azure.tokenLifetimeS = 1;
    azure.idTokenLifetimeMs = 1500;
    azure.startMs = 2000;
    const step = await deploy({ 'slot-name': 'staging', images: V2 }, 'oidc');
    expect(step.log).not.toContain('::error::');
    expect(azure.oidcRequests).toBeGreaterThanOrEqual(2);
    expect(azure.tokenRequests.length).toBeGreaterThanOrEqual(2);
  });

  it('explains an expired GitHub ID token (AADSTS700024)', async () => {
    azure = await startAzure();
    azure.idTokenLifetimeMs = -10_000;
    const step = await deploy({ 'slot-name': 'staging', images: V2 }, 'oidc');
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/AADSTS700024: Client assertion is not within its valid time range/);
    expect(step.log).toContain('check the runner');
  });

  it('explains a token for another audience (AADSTS700212), with the audience input', async () => {
    azure = await startAzure();
    const step = await deploy({ 'slot-name': 'staging', images: V2, audience: 'api://SomethingElse' }, 'oidc');
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /AADSTS700212: No matching federated identity record found for presented assertion audience 'api:\/\/SomethingElse'/,
    );
    expect(step.log).toContain("The token's audience matches no federated credential");
    azure.federatedAudience = 'api://SomethingElse';
    const matching = await deploy({ 'slot-name': 'staging', images: V2, audience: 'api://SomethingElse' }, 'oidc');
    expect(matching.log).not.toContain('::error::');
  });

  it('explains an issuer the federated credential does not name (AADSTS700211)', async () => {
    azure = await startAzure();
    azure.federatedIssuer = 'https://token.actions.example.com';
    const step = await deploy({ 'slot-name': 'staging', images: V2 }, 'oidc');
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(
      /AADSTS700211: No matching federated identity record found for presented assertion issuer/,
    );
  });
});

describe('drop-in for azure/webapps-deploy and azure/login', () => {
  it('finds the resource group from the app name, and refuses an ambiguous name', async () => {
    azure = await startAzure();
    const found = await deploy({ 'slot-name': 'staging', images: V2, 'resource-group-name': '' });
    expect(found.log).not.toContain('::error::');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    await azure.addSite('hello', { resourceGroup: 'rg-other', image: V1 });
    const ambiguous = await deploy({ 'slot-name': 'staging', images: V2, 'resource-group-name': '' });
    expect(ambiguous.failed).toBe(true);
    expect(ambiguous.log).toMatch(
      /::error::Web apps named 'hello' are in several resource groups \(rg-web, rg-other\)/,
    );
  });

  it("logs in with azure/login's creds JSON and an environment name in any case", async () => {
    azure = await startAzure();
    const creds = JSON.stringify({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
    });
    const step = await runInProcess(run, {
      creds,
      environment: 'azurestack',
      'resource-manager-endpoint': azure.arm,
      'authority-host': azure.authority,
      ...fast,
      'app-name': 'hello',
      'slot-name': 'staging',
      images: V2,
    });
    expect(step.log).not.toContain('::error::');
    expect(step.log).toContain(`::add-mask::${CLIENT_SECRET}`);
  });

  it("means by webapp-url the slot's URL, as the anchor does, with production's as production-url", async () => {
    azure = await startAzure();
    const step = await deploy({ 'slot-name': 'staging', images: V2 });
    expect(step.outputs['webapp-url']).toBe(`https://127.0.0.1:${azure.slot('hello', 'staging').port}`);
    expect(step.outputs['production-url']).toBe(`https://127.0.0.1:${azure.slot('hello').port}`);
  });

  it('warns about anchor inputs without effect and refuses multi-container clearly', async () => {
    azure = await startAzure();
    const warned = await deploy({ 'slot-name': 'staging', images: V2, package: './dist', restart: 'true' });
    expect(warned.failed).toBe(false);
    expect(warned.log).toMatch(/::warning::Input 'package' has no effect in deploy-azure/);
    expect(warned.log).toMatch(/::warning::Input 'restart' has no effect in deploy-azure/);
    const compose = await deploy({ images: V2, 'configuration-file': 'docker-compose.yml' });
    expect(compose.log).toMatch(/::error::Input 'configuration-file' is not supported: .*no Docker Compose/);
  });
});

describe('plans without deployment slots (Basic)', () => {
  it('deploys in place to production, with a warning, when the slot cannot exist', async () => {
    azure = await startAzure({ slots: [] });
    azure.setTier('hello', 'Basic');
    const step = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true', 'create-slot': 'true' });
    expect(step.log).not.toContain('::error::');
    expect(step.log).toMatch(
      /::warning::The plan of hello is Basic, which has no deployment slots: deploying in place/,
    );
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    expect(step.outputs).toMatchObject({ swapped: 'false', 'previous-image': V1 });
    expect(step.outputs['webapp-url']).toBe(`https://127.0.0.1:${azure.slot('hello').port}`);
    expect(step.summary).toContain('in place: the plan has no slots');
  });

  it('puts the previous image back on production when the new one does not start', async () => {
    azure = await startAzure({ slots: [] });
    azure.setTier('hello', 'Basic');
    azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
    const step = await deploy({ 'slot-name': 'staging', images: V2, swap: 'true' });
    expect(step.failed).toBe(true);
    expect(step.outputs['failure-reason']).toBe('rollout-failed');
    expect(azure.slot('hello').linuxFxVersion).toBe(`DOCKER|${V1}`);
    expect(step.summary).toMatch(/Put back \| <code>ghcr\.io\/octo-org\/hello-service:1\.0\.0<\/code> on production/);
  });

  it('refuses to create a slot on a Basic plan as App Service does, when asked directly through ARM', async () => {
    azure = await startAzure({ slots: [] });
    azure.setTier('hello', 'Basic');
    const token = await fetch(`${azure.authority}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        scope: `${azure.arm}/.default`,
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const answer = await fetch(
      `${azure.arm}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/hello/slots/pr-1?api-version=2025-05-01`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: '{"location":"West Europe","properties":{}}',
      },
    );
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({
      Code: 'Conflict',
      Message: expect.stringMatching(/number of slots allowed for the 'Basic' SKU/),
    });
  });
});

describe('a self-hosted runner in Azure', () => {
  it("logs in with the VM's managed identity (auth-type: IDENTITY), system- or user-assigned", async () => {
    azure = await startAzure();
    const userAssigned = '33333333-3333-3333-3333-333333333333';
    azure.managedIdentities = [CLIENT_ID, userAssigned];
    const inputs = {
      'auth-type': 'IDENTITY',
      'subscription-id': SUBSCRIPTION,
      environment: 'AzureStack',
      'resource-manager-endpoint': azure.arm,
      'authority-host': azure.authority,
      ...fast,
      'app-name': 'hello',
      'slot-name': 'staging',
    };
    const env = { AZURE_POD_IDENTITY_AUTHORITY_HOST: azure.imdsHost };
    const system = await runInProcess(run, { ...inputs, images: V2 }, env);
    expect(system.log).not.toContain('::error::');
    const user = await runInProcess(run, { ...inputs, images: V1, 'client-id': userAssigned }, env);
    expect(user.log).not.toContain('::error::');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V1}`);
    const unknown = await runInProcess(
      run,
      { ...inputs, images: V2, 'client-id': '44444444-4444-4444-4444-444444444444' },
      env,
    );
    expect(unknown.failed).toBe(true);
    expect(unknown.log).toMatch(/::error::.*Identity not found/);
  });
});

describe('verify: proving the new image without a health endpoint, or not at all', () => {
  it('verify: container succeeds on the docker log alone, for an app that answers no /health', async () => {
    azure = await startAzure();
    azure.behaviour = () => 'unhealthy';
    const step = await deploy({ 'slot-name': 'staging', images: V2, verify: 'container', swap: 'true' });
    expect(step.log).not.toContain('::error::');
    expect(step.log).toMatch(/staging: container hello__staging_0_\w+ \(.*2\.0\.0\) is ready/);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
  });

  it('verify: container still fails a container that does not start', async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === V2 ? 'crash' : 'healthy');
    const step = await deploy({ 'slot-name': 'staging', images: V2, verify: 'container' });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('failing site start');
  });

  it('verify: none does not wait, and says that nothing proves it', async () => {
    azure = await startAzure();
    azure.startMs = 60_000;
    const step = await deploy({ 'slot-name': 'staging', images: V2, verify: 'none' });
    expect(step.failed).toBe(false);
    expect(step.log).toMatch(
      /::warning::verify: none: staging was restarted with the new image; nothing proves it serves/,
    );
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V1}`);
  });
});

describe('the public cloud login path', () => {
  it('logs in on login.microsoftonline.com (instance discovery on: MSAL knows it) and deploys through management.azure.com', async () => {
    azure = await startAzure();
    // No endpoint inputs: environment AzureCloud as a user writes it; the proxy leads its names to the local Azure.
    const inputs = {
      'client-id': CLIENT_ID,
      'tenant-id': TENANT,
      'subscription-id': SUBSCRIPTION,
      ...fast,
      'app-name': 'hello',
      'resource-group-name': 'rg-web',
      'slot-name': 'staging',
      images: V2,
    };
    const step = await runInProcess(run, inputs, azure.env(true, true));
    expect(step.log).not.toContain('::error::');
    expect(azure.slot('hello', 'staging').running).toBe(`DOCKER|${V2}`);
    expect(azure.tokenRequests.at(-1)).toMatchObject({ how: 'assertion', clientId: CLIENT_ID });
    expect(azure.requestsByHost).toContain(`login.microsoftonline.com POST /${TENANT}/oauth2/v2.0/token`);
    expect(azure.requestsByHost.filter((r) => r.startsWith('management.azure.com ')).length).toBeGreaterThan(3);
    expect(azure.requestsByHost.filter((r) => r.startsWith('127.0.0.1'))).toEqual([]);
  });
});

describe("azure/webapps-deploy's publish profile (Kudu)", () => {
  const profileRun = (inputs: Record<string, string>) =>
    runInProcess(run, { ...fast, 'app-name': 'hello', ...inputs }, {});

  it('sets the image through Kudu with the basic-auth credentials and proves it, with no ARM request', async () => {
    azure = await startAzure();
    const profile = azure.publishProfile('hello');
    const step = await profileRun({ 'publish-profile': profile, images: V2 });
    expect(step.log).not.toContain('::error::');
    expect(azure.slot('hello').running).toBe(`DOCKER|${V2}`);
    expect(azure.armCalls).toEqual([]);
    expect(step.log).toContain(`::add-mask::${azure.slot('hello').publishingPassword}`);
    expect(step.outputs['webapp-url']).toBe(`https://127.0.0.1:${azure.slot('hello').port}`);
  });

  it("fails at once from Kudu's docker log when the container does not start", async () => {
    azure = await startAzure();
    azure.behaviour = (image) => (image === DIGEST ? 'crash' : 'healthy');
    const step = await profileRun({ 'publish-profile': azure.publishProfile('hello'), images: DIGEST });
    expect(step.failed).toBe(true);
    expect(step.log).toContain('failing site start');
  });

  it('says what to do when Kudu refuses the credentials, and refuses inputs that need ARM', async () => {
    azure = await startAzure();
    const stale = azure.publishProfile('hello').replace(/userPWD="[^"]+"/g, 'userPWD="reset-since"');
    const refused = await profileRun({ 'publish-profile': stale, images: V2 });
    expect(refused.log).toMatch(
      /::error::Kudu \(https:\/\/127\.0\.0\.1:\d+\) refused the publish profile's credentials \(HTTP 401\)/,
    );
    const swap = await profileRun({ 'publish-profile': azure.publishProfile('hello'), images: V2, swap: 'true' });
    expect(swap.log).toMatch(/::error::With publish-profile, swap cannot be used/);
    expect(azure.slot('hello').running).toBe(`DOCKER|${V1}`);
  });
});
