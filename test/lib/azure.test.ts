import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedFetch, timeLeft, type RequestBounds } from '../../src/lib/azure-bounds.js';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/deploy-azure/main.js';
import { resolveAzureTarget } from '../../src/lib/azure.js';
import { CLIENT_ID, SUBSCRIPTION, TENANT, type FakeAzure } from '../fakes/azure/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { cloudInputs, fast, startAzure, V2 } from '../deploy-azure/fixture.js';

/** The Azure login and cloud settings: which credential, which endpoints, and login errors a user can act on. */

let azure: FakeAzure;
afterEach(() => azure?.close());

describe('resolveAzureTarget', () => {
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };

  it('picks OIDC for client-id and tenant-id, a secret when one is given, AZURE_* otherwise', () => {
    const base = { clientId: CLIENT_ID, tenantId: TENANT, subscriptionId: SUBSCRIPTION };
    expect(resolveAzureTarget(base, env).login.kind).toBe('oidc');
    expect(resolveAzureTarget({ ...base, clientSecret: 's3cr3t' }, {}).login.kind).toBe('secret');
    expect(
      resolveAzureTarget(
        {},
        { AZURE_CLIENT_ID: CLIENT_ID, AZURE_TENANT_ID: TENANT, AZURE_SUBSCRIPTION_ID: SUBSCRIPTION },
      ).login.kind,
    ).toBe('environment');
  });

  it('uses the endpoints of the named cloud, or explicit ones with instance discovery off', () => {
    const base = { clientId: CLIENT_ID, tenantId: TENANT, subscriptionId: SUBSCRIPTION };
    expect(resolveAzureTarget({ ...base, environment: 'AzureUSGovernment' }, env).cloud).toEqual({
      resourceManager: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
      instanceDiscovery: true,
      byDefault: false,
    });
    expect(
      resolveAzureTarget(
        {
          ...base,
          environment: 'AzureStack',
          resourceManagerEndpoint: 'https://management.local/',
          authorityHost: 'https://adfs.local',
        },
        env,
      ).cloud,
    ).toEqual({
      resourceManager: 'https://management.local',
      authorityHost: 'https://adfs.local',
      instanceDiscovery: false,
      byDefault: false,
    });
    expect(() => resolveAzureTarget({ ...base, environment: 'AzureStack' }, env)).toThrow(/AzureStack needs/);
  });

  it('refuses a half-given login, OIDC without id-token permission, and a malformed subscription', () => {
    expect(() => resolveAzureTarget({ clientId: CLIENT_ID, subscriptionId: SUBSCRIPTION }, env)).toThrow(
      /half given: tenant-id is missing/,
    );
    expect(() => resolveAzureTarget({ clientSecret: 'x', subscriptionId: SUBSCRIPTION }, env)).toThrow(
      /client-id and tenant-id are missing/,
    );
    expect(() =>
      resolveAzureTarget({ clientId: CLIENT_ID, tenantId: TENANT, subscriptionId: SUBSCRIPTION }, {}),
    ).toThrow(/cannot request one/);
    expect(() => resolveAzureTarget({ clientId: CLIENT_ID, tenantId: TENANT, subscriptionId: 'prod' }, env)).toThrow(
      /Input 'subscription-id' must be a GUID/,
    );
    // Nothing given: the az CLI session a previous azure/login step left, as azure/webapps-deploy uses it.
    expect(resolveAzureTarget({}, {}).login.kind).toBe('cli');
    expect(resolveAzureTarget({}, {}).subscriptionId).toBe('');
  });
});

function deploy(inputs: Record<string, string>, login: 'secret' | 'oidc', env: Record<string, string> = {}) {
  return runInProcess(
    run,
    {
      ...cloudInputs(azure, login),
      ...fast,
      'app-name': 'hello',
      'resource-group-name': 'rg-web',
      'slot-name': 'staging',
      images: V2,
      ...inputs,
    },
    { ...(login === 'oidc' ? azure.env(true) : {}), ...env },
  );
}

describe('logging in against the local Entra endpoint', () => {
  it('exchanges the GitHub ID token (OIDC) with one request to GitHub for the whole run', async () => {
    azure = await startAzure();
    const step = await deploy({ swap: 'true' }, 'oidc');
    expect(step.failed).toBe(false);
    expect(azure.oidcRequests).toBe(1);
    expect(azure.tokenRequests.length).toBeGreaterThanOrEqual(1);
    expect(azure.tokenRequests.every((r) => r.how === 'assertion' && r.grant === 'client_credentials')).toBe(true);
  });

  it('logs in with a client secret', async () => {
    azure = await startAzure();
    const step = await deploy({}, 'secret');
    expect(step.failed).toBe(false);
    expect(azure.tokenRequests).toEqual([{ grant: 'client_credentials', clientId: CLIENT_ID, how: 'secret' }]);
    expect(azure.oidcRequests).toBe(0);
  });

  it('logs in from AZURE_* variables when no login input is given', async () => {
    azure = await startAzure();
    const inputs = cloudInputs(azure);
    const step = await runInProcess(
      run,
      {
        ...fast,
        'app-name': 'hello',
        'resource-group-name': 'rg-web',
        'slot-name': 'staging',
        images: V2,
        'resource-manager-endpoint': inputs['resource-manager-endpoint'] ?? '',
        'authority-host': inputs['authority-host'] ?? '',
      },
      {
        AZURE_CLIENT_ID: CLIENT_ID,
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_SECRET: inputs['client-secret'],
        AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
      },
    );
    expect(step.failed).toBe(false);
    expect(azure.tokenRequests[0]?.how).toBe('secret');
  });

  it('says which AADSTS error a wrong secret got, and what to check, before any ARM call', async () => {
    azure = await startAzure();
    const step = await deploy({ 'client-secret': 'wrong-secret-value-0123' }, 'secret');
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::Azure login failed .*AADSTS7000215: Invalid client secret provided/);
    expect(step.log).toContain("give the secret's Value (not its Secret ID)");
    expect(step.outputs['failure-reason']).toBe('cloud-error');
    expect(azure.armCalls).toEqual([]);
  });

  it('says when no federated credential matches the OIDC token (AADSTS700213)', async () => {
    azure = await startAzure();
    azure.federated = false;
    const step = await deploy({}, 'oidc');
    expect(step.failed).toBe(true);
    expect(step.log).toMatch(/::error::Azure login failed .*AADSTS700213: No matching federated identity record/);
    expect(step.log).toContain("The job's subject matches no federated credential of the app");
    expect(azure.armCalls).toEqual([]);
  });

  it('fails on invalid inputs before any request', async () => {
    azure = await startAzure();
    for (const inputs of <Record<string, string>[]>[
      { images: 'GHCR.io/Octo/Bad Image:1' },
      { images: V2, swap: 'true', 'slot-name': 'production' },
      { images: V2, 'registry-username': 'octo-bot' },
      { images: V2, timeout: 'soon' },
      { images: `${V2}\n${V2}` },
    ]) {
      const step = await deploy(inputs, 'secret');
      expect(step.failed, JSON.stringify(inputs)).toBe(true);
      expect(step.outputs['failure-reason']).toBe('invalid-input');
    }
    const half = await runInProcess(run, {
      ...fast,
      'app-name': 'hello',
      'resource-group-name': 'rg-web',
      images: V2,
      'client-id': CLIENT_ID,
      'subscription-id': SUBSCRIPTION,
    });
    expect(half.log).toMatch(/::error::The Azure login is half given: tenant-id is missing/);
    expect(azure.tokenRequests).toEqual([]);
    expect(azure.armCalls).toEqual([]);
    expect(azure.oidcRequests).toBe(0);
  });
});

describe('request bounds (src/lib/azure-bounds.ts)', () => {
  it('sends nothing once the deadline has passed, and names the request', () => {
    const bounds = { requestTimeoutMs: 30_000, deadline: Date.now() - 1 };
    expect(() => timeLeft(bounds, 'ARM GET /x')).toThrow(/^ARM GET \/x: not sent, the step's timeout has passed\.$/);
  });

  it('cuts a request that gets no answer, by the nearer of request-timeout and the deadline, and says which', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const byRequest: RequestBounds = { requestTimeoutMs: 200, deadline: Date.now() + 60_000 };
      await expect(boundedFetch(byRequest, 'GitHub ID token request', url, {})).rejects.toThrow(
        /^GitHub ID token request: no answer within [\d.]+ ms \(request-timeout\)\.$/,
      );
      expect(byRequest.cuts).toBe(1);
      const byDeadline = { requestTimeoutMs: 60_000, deadline: Date.now() + 200 };
      await expect(boundedFetch(byDeadline, 'GitHub ID token request', url, {})).rejects.toThrow(
        /no answer within [\d.]+ ms \(the step's timeout\)\.$/,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
