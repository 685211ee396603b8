import { afterEach, describe, expect, it } from 'vitest';
import { SUBSCRIPTION } from '../fakes/azure/arm.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT } from '../fakes/azure/entra.js';
import { startFakeAzure, type FakeAzure } from '../fakes/azure/index.js';

/**
 * The local Azure's rules, checked on the wire (no SDK): each answer is the one the named document describes, so a
 * lenient stand-in cannot pass these.
 */

let azure: FakeAzure;
afterEach(() => azure?.close());

async function start() {
  azure = await startFakeAzure();
  await azure.addSite('hello', { image: 'ghcr.io/octo-org/hello-service:1.0.0', slots: ['staging'] });
}

async function token(scope: string): Promise<{ access_token: string; expires_in: number }> {
  const form = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope };
  const answer = await fetch(`${azure.authority}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  });
  return (await answer.json()) as { access_token: string; expires_in: number };
}

const site = (path = '', version = '2025-05-01') =>
  `${azure.arm}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/hello${path}?api-version=${version}`;

async function arm(url: string, bearer?: string, init: RequestInit = {}) {
  const headers = { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
  const answer = await fetch(url, { ...init, headers });
  return { status: answer.status, body: (await answer.json().catch(() => undefined)) as Record<string, unknown> };
}

describe('ARM token rules', () => {
  it('refuses a missing token, a token for another resource, and an expired token, with ARM codes', async () => {
    await start();
    expect(await arm(site())).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
    const other = await token('https://management.azure.com/.default');
    expect(await arm(site(), other.access_token)).toMatchObject({
      status: 401,
      body: { error: { code: 'InvalidAuthenticationTokenAudience' } },
    });
    azure.tokenLifetimeS = 1;
    const short = await token(`${azure.arm}/.default`);
    expect(short.expires_in).toBe(1);
    expect((await arm(site(), short.access_token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await arm(site(), short.access_token)).toMatchObject({
      status: 401,
      body: { error: { code: 'ExpiredAuthenticationToken' } },
    });
  });

  it('refuses an api-version Microsoft.Web lacks with NoRegisteredProviderFound', async () => {
    await start();
    const { access_token } = await token(`${azure.arm}/.default`);
    const answer = await arm(site('', '2099-01-01'), access_token);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
    expect(JSON.stringify(answer.body)).toContain("API version '2099-01-01' for type 'sites'");
  });
});

describe('App Service rules', () => {
  it("answers 409 in App Service's own shape while a swap holds the site, and the swap keeps sticky settings", async () => {
    await start();
    azure.swapPolls = 3;
    azure.slotConfigNames('hello').appSettingNames = ['SLOT_NAME'];
    azure.slotConfigNames('hello').connectionStringNames = ['Db'];
    azure.slot('hello').connectionStrings = {
      Db: { value: 'prod-db', type: 'SQLAzure' },
      Cache: { value: 'c1', type: 'Custom' },
    };
    azure.slot('hello', 'staging').connectionStrings = {
      Db: { value: 'stage-db', type: 'SQLAzure' },
      Cache: { value: 'c2', type: 'Custom' },
    };
    azure.slot('hello').appSettings = { SLOT_NAME: 'production', SHARED: 'a' };
    azure.slot('hello', 'staging').appSettings = { SLOT_NAME: 'staging', SHARED: 'b' };
    const { access_token } = await token(`${azure.arm}/.default`);
    const swap = await fetch(site('/slots/staging/slotsswap'), {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targetSlot: 'production' }),
    });
    expect(swap.status).toBe(202);
    const location = swap.headers.get('location') ?? '';
    const busy = await arm(site('/restart'), access_token, { method: 'POST' });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({
      Code: 'Conflict',
      Message: expect.stringMatching(/^Cannot modify this site because another operation is in progress/),
      Details: expect.arrayContaining([{ ErrorEntity: expect.objectContaining({ ExtendedCode: '59203' }) }]),
    });
    let status = 202;
    for (let polls = 0; status === 202 && polls < 100; polls++) {
      status = (await fetch(location, { headers: { authorization: `Bearer ${access_token}` } })).status;
      if (status === 202) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
    expect(azure.slot('hello').appSettings).toEqual({ SLOT_NAME: 'production', SHARED: 'b' });
    expect(azure.slot('hello', 'staging').appSettings).toEqual({ SLOT_NAME: 'staging', SHARED: 'a' });
    expect(azure.slot('hello').connectionStrings).toEqual({
      Db: { value: 'prod-db', type: 'SQLAzure' },
      Cache: { value: 'c2', type: 'Custom' },
    });
  });

  it('keeps the old container serving until the new one has started, and never lets a crashing one take over', async () => {
    await start();
    azure.startMs = 300;
    azure.behaviour = (image) => (image.endsWith(':3.0.0') ? 'crash' : 'healthy');
    const { access_token } = await token(`${azure.arm}/.default`);
    const health = async () => {
      const answer = await fetch(`https://127.0.0.1:${azure.slot('hello').port}/health`);
      return ((await answer.json()) as { version: string }).version;
    };
    // [image set, what serves right after the restart, what serves once the start is over]
    const steps = [
      ['2.0.0', '1.0.0', '2.0.0'],
      ['3.0.0', '2.0.0', '2.0.0'],
    ] as const;
    for (const [image, during, after] of steps) {
      const config = { properties: { linuxFxVersion: `DOCKER|ghcr.io/octo-org/hello-service:${image}` } };
      await arm(site('/config/web'), access_token, { method: 'PATCH', body: JSON.stringify(config) });
      await arm(site('/restart'), access_token, { method: 'POST' });
      expect(await health()).toBe(during);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await health()).toBe(after);
    }
    expect(azure.slot('hello').dockerLog.join('\n')).toMatch(/has exited, failing site start/);
  });
});

describe('the runner side', () => {
  it('IMDS wants the Metadata header; GitHub ID tokens carry a short exp', async () => {
    await start();
    azure.managedIdentities = [CLIENT_ID];
    const noHeader = await fetch(`${azure.imdsHost}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=x`);
    expect(noHeader.status).toBe(400);
    const id = await fetch(`${azure.oidcUrl}&audience=api://AzureADTokenExchange`, {
      headers: { authorization: `Bearer ${azure.env(true).ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    }).then((r) => r.json() as Promise<{ value: string }>);
    const claims = JSON.parse(Buffer.from(id.value.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(5 * 60 + 5);
  });
});

describe("the network's faults", () => {
  it('a hung request gets no answer at all (the client must cut it), and the next one is answered', async () => {
    await start();
    const { access_token } = await token(`${azure.arm}/.default`);
    azure.hang('arm', 1, /\/sites\/hello$/);
    const hung = await arm(site(), access_token, { signal: AbortSignal.timeout(500) }).catch((error: Error) => error);
    expect(hung).toBeInstanceOf(Error);
    expect((hung as Error).name).toBe('TimeoutError');
    expect(azure.hung).toEqual([expect.stringMatching(/^arm GET \/subscriptions\/.*\/sites\/hello$/)]);
    expect((await arm(site(), access_token)).status).toBe(200);
  });

  it('a reset cuts the connection before any answer; Entra and the GitHub ID token service can hang too', async () => {
    await start();
    const { access_token } = await token(`${azure.arm}/.default`);
    azure.reset(1);
    await expect(arm(site(), access_token)).rejects.toThrow();
    azure.hang('entra', 1, /\/token$/);
    azure.hang('oidc', 1);
    const form = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: 'x' };
    const entra = fetch(`${azure.authority}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(300),
    });
    await expect(entra).rejects.toThrow();
    await expect(fetch(azure.oidcUrl, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(azure.hung.map((h) => h.split(' ')[0])).toEqual(['entra', 'oidc']);
  });

  it("a swap whose final answer is lost is still done in Azure; a lost config answer's change is made", async () => {
    await start();
    const { access_token } = await token(`${azure.arm}/.default`);
    azure.slot('hello', 'staging').linuxFxVersion = 'DOCKER|ghcr.io/octo-org/hello-service:2.0.0';
    azure.slot('hello', 'staging').running = 'DOCKER|ghcr.io/octo-org/hello-service:2.0.0';
    azure.loseSwapAnswer();
    const started = await fetch(site('/slots/staging/slotsswap'), {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targetSlot: 'production' }),
    });
    expect(started.status).toBe(202);
    const location = started.headers.get('location') ?? '';
    const poll = () =>
      fetch(location, { headers: { authorization: `Bearer ${access_token}` }, signal: AbortSignal.timeout(500) });
    let answer: Response | Error = await poll();
    while (answer instanceof Response && answer.status === 202) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await poll().catch((error: Error) => error);
    }
    expect(answer).toBeInstanceOf(Error);
    expect(azure.slot('hello').linuxFxVersion).toBe('DOCKER|ghcr.io/octo-org/hello-service:2.0.0');
    azure.loseAnswer('PATCH', /\/config\/web$/);
    const patch = await arm(site('/config/web'), access_token, {
      method: 'PATCH',
      body: JSON.stringify({ properties: { linuxFxVersion: 'DOCKER|ghcr.io/octo-org/hello-service:3.0.0' } }),
      signal: AbortSignal.timeout(500),
    }).catch((error: Error) => error);
    expect(patch).toBeInstanceOf(Error);
    expect(azure.slot('hello').linuxFxVersion).toBe('DOCKER|ghcr.io/octo-org/hello-service:3.0.0');
  });
});
