import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appServiceError, settle, siteBusy, startContainer, type FakeSlot } from './app-service.js';
import { CLIENT_ID, readBody, send, TENANT, type EntraState } from './entra.js';
import type { Faults } from './faults.js';
import type { FakeAzure } from './index.js';
import { keyVaultReferences } from './key-vault.js';

/**
 * The ARM half of the local Azure: ARM's own checks (tokens, api-versions, throttling), the subscription listings
 * az reads, and Microsoft.Web sites, slots, config, plans, swaps and long-running operations as App Service answers.
 */

export const SUBSCRIPTION = '00000000-0000-0000-0000-00000000c0de';

/**
 * The api-versions of Microsoft.Web/sites the ARM REST spec (azure-rest-api-specs, specification/web) publishes,
 * from the ones azure-cli 2.45 uses to the one @azure/arm-appservice sends.
 */
export const WEB_API_VERSIONS = [
  '2016-08-01', '2018-02-01', '2018-11-01', '2019-08-01', '2020-06-01', '2020-09-01', '2020-10-01', '2020-12-01',
  '2021-01-01', '2021-01-15', '2021-02-01', '2021-03-01', '2022-03-01', '2022-09-01', '2023-01-01', '2023-12-01',
  '2024-04-01', '2024-11-01', '2025-03-01', '2025-05-01',
]; // prettier-ignore

export interface Site {
  slots: Map<string, FakeSlot>;
  resourceGroup: string;
  tier: 'Basic' | 'Standard' | 'PremiumV3';
  sticky: { appSettingNames: string[]; connectionStringNames: string[] };
  /** An operation that holds the site (a swap, a slot being created), until `until` or `done`. */
  operation?: { name: string; until: number };
}

export interface Operation {
  polls: number;
  notBefore: number;
  /** Runs when the operation ends; an error fails it (App Service's status and message). */
  done: () => { status: number; code: string; message: string } | undefined;
  /** A slot swap (its final answer can be lost, see Faults.loseSwapAnswer). */
  swap?: boolean;
}

/** What the ARM routes share with the rest of the local Azure. */
export interface ArmContext {
  fake: FakeAzure;
  sites: Map<string, Site>;
  operations: Map<string, Operation>;
  entraState: EntraState;
  throttled: { count: number; status: number };
  takeSwapFailure(): { status: number; message: string } | undefined;
  hostSlot(app: string, name: string, linuxFxVersion: string, appSettings: Record<string, string>): Promise<FakeSlot>;
  faults: Faults;
}

/** The ARM request handler over the shared state. */
export function armRoutes(ctx: ArmContext): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { fake, sites, operations, entraState, throttled, hostSlot } = ctx;
  const armCalls = fake.armCalls;

  const restart = (slot: FakeSlot) => startContainer(slot, fake.startMs);

  const armError = (res: ServerResponse, status: number, code: string, message: string) =>
    send(res, status, { error: { code, message } });
  /** ARM's 404 for a site or slot, in the words ARM uses. */
  const resourceNotFound = (res: ServerResponse, resource: string, rg: string) =>
    armError(
      res,
      404,
      'ResourceNotFound',
      `The Resource '${resource}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );

  const siteJson = (app: string, site: Site, slot: FakeSlot) => {
    const rg = site.resourceGroup;
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${app}${slot.name === 'production' ? '' : `/slots/${slot.name}`}`;
    return {
      id,
      name: slot.name === 'production' ? app : `${app}/${slot.name}`,
      type: slot.name === 'production' ? 'Microsoft.Web/sites' : 'Microsoft.Web/sites/slots',
      kind: 'app,linux,container',
      location: 'West Europe',
      properties: {
        state: 'Running',
        hostNames: [`127.0.0.1:${slot.port}`],
        defaultHostName: `127.0.0.1:${slot.port}`,
        enabled: true,
        resourceGroup: rg,
        serverFarmId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/plan-${app}`,
        reserved: true,
        siteConfig: { linuxFxVersion: slot.linuxFxVersion },
      },
    };
  };
  const configJson = (slot: FakeSlot) => ({
    id: 'config/web',
    name: 'web',
    type: 'Microsoft.Web/sites/config',
    properties: {
      linuxFxVersion: slot.linuxFxVersion,
      appCommandLine: slot.appCommandLine,
      acrUseManagedIdentityCreds: slot.acrUseManagedIdentityCreds,
      alwaysOn: true,
    },
  });

  /**
   * ARM's token checks (ARM docs, "Authenticate requests to Azure Resource Manager" and its error codes): a missing
   * or unknown token, an expired one, and one for another resource are refused with 401 and ARM's error codes.
   */
  function refusedToken(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const header = String(req.headers.authorization ?? '');
    if (!header) {
      armError(res, 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      return true;
    }
    const token = entraState.tokens.get(/^Bearer (\S+)$/.exec(header)?.[1] ?? '');
    if (!token) {
      armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    } else if (Date.now() >= token.expiresAt) {
      armError(
        res,
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${new Date(token.expiresAt).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
      );
    } else if (token.audience.replace(/\/$/, '') !== url.origin) {
      armError(
        res,
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${token.audience}'. It should exactly match with one of the allowed audiences '${url.origin}/','${url.origin}'.`,
      );
    } else return false;
    return true;
  }

  /** GET and POST .../list and .../containerlogs read; everything else writes (RBAC's read/write/action split). */
  const isWrite = (method: string, rest: string) =>
    !(method === 'GET' || (method === 'POST' && /\/(list|containerlogs)$/.test(rest)));

  async function armRoute(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    armCalls.push(`${method} ${url.pathname}`);
    if (refusedToken(req, res, url)) return;
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion)
      return armError(
        res,
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    if (throttled.count > 0) {
      throttled.count--;
      return send(
        res,
        throttled.status,
        { error: { code: 'TooManyRequests', message: 'Rate limit exceeded.' } },
        { 'retry-after': '1' },
      );
    }
    if (await accountRoute(res, url, method)) return;
    if (/\/providers\/Microsoft\.App\//i.test(url.pathname))
      return (await import('./container-apps.js')).containerAppsRoute(ctx, req, res, url);
    // ARM REST docs, "Resource providers and types": an api-version the provider lacks is refused by ARM.
    if (/\/providers\/Microsoft\.Web\//i.test(url.pathname) && !fake.apiVersions.has(apiVersion)) {
      const type = /\/serverfarms/i.test(url.pathname) ? 'serverFarms' : 'sites';
      return armError(
        res,
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${[...fake.apiVersions].join(', ')}'. The supported locations are 'westeurope, northeurope, eastus'.`,
      );
    }
    if (operationRoute(req, res, url, method)) return;
    return siteRoute(req, res, url, method);
  }

  /** The subscription and tenant listings az login reads, and the sites of a subscription (az webapp list). */
  async function accountRoute(res: ServerResponse, url: URL, method: string): Promise<boolean> {
    const subscription = {
      id: `/subscriptions/${SUBSCRIPTION}`,
      subscriptionId: SUBSCRIPTION,
      tenantId: TENANT,
      displayName: 'Local',
      state: 'Enabled',
      subscriptionPolicies: {
        locationPlacementId: 'Public_2014-09-01',
        quotaId: 'PayAsYouGo_2014-09-01',
        spendingLimit: 'Off',
      },
      authorizationSource: 'RoleBased',
    };
    if (method !== 'GET') return false;
    if (url.pathname === '/subscriptions') return (send(res, 200, { value: [subscription] }), true);
    if (url.pathname === '/tenants')
      return (send(res, 200, { value: [{ id: `/tenants/${TENANT}`, tenantId: TENANT }] }), true);
    if (url.pathname === `/subscriptions/${SUBSCRIPTION}`) return (send(res, 200, subscription), true);
    if (new RegExp(`^/subscriptions/${SUBSCRIPTION}/providers/Microsoft\\.Web/sites$`, 'i').test(url.pathname)) {
      const value = [...sites.entries()]
        .filter(([key]) => key.includes('/'))
        .map(([key, site]) => siteJson(key.split('/')[1] ?? '', site, site.slots.get('production') as FakeSlot));
      return (send(res, 200, { value }), true);
    }
    return false;
  }

  /** The long-running operations: Location polls (swap) and Azure-AsyncOperation status (slot create). */
  function operationRoute(req: IncomingMessage, res: ServerResponse, url: URL, method: string): boolean {
    const op = /\/(operationresults|operations)\/([\w-]+)$/.exec(url.pathname);
    if (!op || method !== 'GET') return false;
    const [, kind = '', id = ''] = op;
    const operation = operations.get(id);
    if (!operation) return (armError(res, 404, 'NotFound', 'Operation not found.'), true);
    const async = kind === 'operations';
    if (operation.polls-- > 0 || Date.now() < operation.notBefore) {
      if (async) send(res, 200, { status: 'InProgress' });
      else send(res, 202, undefined, { location: `${url.origin}${url.pathname}${url.search}`, 'retry-after': '0' });
      return true;
    }
    operations.delete(id);
    const failure = operation.done();
    if (operation.swap && ctx.faults.loseSwapAnswer) {
      // The swap is done in Azure; its final answer is lost on the way back (the client's request hangs).
      ctx.faults.loseSwapAnswer = false;
      ctx.faults.hold('arm', req, res);
      return true;
    }
    if (!failure) return (send(res, 200, async ? { status: 'Succeeded' } : undefined), true);
    if (async) send(res, 200, { status: 'Failed', error: { code: failure.code, message: failure.message } });
    else appServiceError(res, failure.status, failure.code, failure.message);
    return true;
  }

  function startOperation(url: URL, site: Site, name: string, operation: Operation, kind: 'location' | 'async') {
    const id = randomUUID();
    site.operation = { name, until: Number.POSITIVE_INFINITY };
    operations.set(id, {
      ...operation,
      done: () => {
        site.operation = undefined;
        return operation.done();
      },
    });
    const path = kind === 'location' ? 'operationresults' : 'operations';
    return `${url.origin}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Web/locations/westeurope/${path}/${id}?api-version=${url.searchParams.get('api-version')}`;
  }

  async function siteRoute(req: IncomingMessage, res: ServerResponse, url: URL, method: string) {
    const farm =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/serverfarms\/plan-([^/]+)$/i.exec(
        url.pathname,
      );
    if (farm && method === 'GET') {
      const site = sites.get(`${farm[2]}/${farm[3]}`);
      if (!site) return resourceNotFound(res, `Microsoft.Web/serverFarms/plan-${farm[3]}`, farm[2] ?? '');
      const sku = { Basic: 'B1', Standard: 'S1', PremiumV3: 'P1v3' }[site.tier];
      return send(res, 200, {
        id: url.pathname,
        name: `plan-${farm[3]}`,
        type: 'Microsoft.Web/serverfarms',
        location: 'West Europe',
        kind: 'linux',
        sku: { name: sku, tier: site.tier, size: sku, family: sku.replace(/\d.*/, ''), capacity: 1 },
        properties: { reserved: true, numberOfSites: 1, status: 'Ready' },
      });
    }
    const match =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/sites\/([^/]+)(?:\/slots\/([^/]+))?(\/.*)?$/i.exec(
        url.pathname,
      );
    if (!match || match[1] !== SUBSCRIPTION)
      return armError(res, 404, 'SubscriptionNotFound', `The subscription '${match?.[1] ?? '?'}' could not be found.`);
    const [, , rg = '', app = '', slotName, rest = ''] = match;
    if (![...sites.values()].some((site) => site.resourceGroup === rg))
      return armError(res, 404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    const site = sites.get(`${rg}/${app}`);
    if (!site) return resourceNotFound(res, `Microsoft.Web/sites/${app}`, rg);
    const body = method === 'GET' ? '' : await readBody(req);
    if (isWrite(method, rest) && fake.role === 'reader') {
      return armError(
        res,
        403,
        'AuthorizationFailed',
        `The client '${CLIENT_ID}' with object id '${CLIENT_ID}' does not have authorization to perform action 'Microsoft.Web/sites${rest.replace(/\/[^/]*$/, '') || ''}/${rest.split('/').pop() || 'write'}/action' over scope '${url.pathname}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    if (site.operation && Date.now() >= site.operation.until) site.operation = undefined;
    if (isWrite(method, rest) && site.operation) return siteBusy(res, site.operation.name);
    for (const slot of site.slots.values()) settle(slot, fake.behaviour);
    return slotRoute(res, url, method, { app, site, slotName, rest, body });
  }

  interface Call {
    app: string;
    site: Site;
    slotName?: string;
    rest: string;
    body: string;
  }

  async function slotRoute(res: ServerResponse, url: URL, method: string, call: Call) {
    const { app, site, slotName, rest, body } = call;
    const name = slotName ?? 'production';
    const slot = site.slots.get(name);
    if (method === 'PUT' && slotName && rest === '') return putSlot(res, url, call);
    // ARM REST spec, WebApps_ListSlots: the deployment slots, production not among them.
    if (!slotName && rest === '/slots' && method === 'GET') {
      const value = [...site.slots.values()].filter((s) => s.name !== 'production').map((s) => siteJson(app, site, s));
      return send(res, 200, { value });
    }
    if (!slot) return resourceNotFound(res, `Microsoft.Web/sites/${app}/slots/${name}`, site.resourceGroup);
    if (rest === '' && method === 'GET') return send(res, 200, siteJson(app, site, slot));
    if (rest === '' && method === 'DELETE' && slotName) {
      slot.server.close();
      site.slots.delete(name);
      return send(res, 200);
    }
    if (rest === '/config/web' && method === 'GET') return send(res, 200, configJson(slot));
    if (rest === '/config/web' && (method === 'PATCH' || method === 'PUT')) {
      const props = (JSON.parse(body || '{}') as { properties?: Record<string, unknown> }).properties ?? {};
      if (typeof props.linuxFxVersion === 'string') slot.linuxFxVersion = props.linuxFxVersion;
      if (typeof props.appCommandLine === 'string') slot.appCommandLine = props.appCommandLine;
      if (typeof props.acrUseManagedIdentityCreds === 'boolean')
        slot.acrUseManagedIdentityCreds = props.acrUseManagedIdentityCreds;
      return send(res, 200, configJson(slot));
    }
    if (rest === '/config/appsettings/list' && method === 'POST')
      return send(res, 200, { id: 'appsettings', name: 'appsettings', properties: slot.appSettings });
    if (rest === '/config/appsettings' && method === 'PUT') {
      slot.appSettings = (JSON.parse(body || '{}') as { properties?: Record<string, string> }).properties ?? {};
      return send(res, 200, { id: 'appsettings', name: 'appsettings', properties: slot.appSettings });
    }
    // ARM REST spec, WebApps_GetAppSettingsKeyVaultReferences[Slot]: one ApiKVReference per reference setting.
    if (rest === '/config/configreferences/appsettings' && method === 'GET')
      return send(res, 200, { value: keyVaultReferences(fake, url.pathname, slot.appSettings) });
    // ARM REST spec, WebApps_ListConnectionStrings (POST .../list) and WebApps_UpdateConnectionStrings (PUT).
    if (rest === '/config/connectionstrings/list' && method === 'POST')
      return send(res, 200, { id: 'connectionstrings', name: 'connectionstrings', properties: slot.connectionStrings });
    if (rest === '/config/connectionstrings' && method === 'PUT') {
      const props = (JSON.parse(body || '{}') as { properties?: FakeSlot['connectionStrings'] }).properties ?? {};
      slot.connectionStrings = props;
      return send(res, 200, { id: 'connectionstrings', name: 'connectionstrings', properties: props });
    }
    // ARM REST spec, WebApps_ListSlotConfigurationNames / UpdateSlotConfigurationNames: on the site only.
    if (rest === '/config/slotConfigNames' && !slotName && method === 'GET')
      return send(res, 200, { id: 'slotConfigNames', name: 'slotConfigNames', properties: site.sticky });
    if (rest === '/config/slotConfigNames' && !slotName && method === 'PUT') {
      const props = (JSON.parse(body || '{}') as { properties?: Partial<Site['sticky']> }).properties ?? {};
      site.sticky = {
        appSettingNames: props.appSettingNames ?? [],
        connectionStringNames: props.connectionStringNames ?? [],
      };
      return send(res, 200, { id: 'slotConfigNames', name: 'slotConfigNames', properties: site.sticky });
    }
    // ARM REST spec, WebApps_GetWebSiteContainerLogs: the last lines of the docker log, as a stream.
    if (rest === '/containerlogs' && method === 'POST') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(slot.dockerLog.join('\n') + '\n');
      return;
    }
    if (rest === '/restart' && method === 'POST') {
      restart(slot);
      return send(res, 200);
    }
    if (rest === '/slotsswap' && method === 'POST') return swap(res, url, call, slot);
    return armError(res, 405, 'MethodNotAllowed', `${method} ${rest} is not supported by this stand-in.`);
  }

  /**
   * PUT of a slot: a new one is created in the app's plan; Free, Shared and Basic plans have no slots (App Service
   * docs, "Set up staging environments": slots need Standard or higher). With slotCreatePolls, the answer is 202
   * with Azure-AsyncOperation (ARM REST spec, WebApps_CreateOrUpdateSlot: 200 or 202), the slot existing when done.
   */
  async function putSlot(res: ServerResponse, url: URL, call: Call) {
    const { app, site, slotName = '', body } = call;
    const existing = site.slots.get(slotName);
    if (existing) return send(res, 200, siteJson(app, site, existing));
    if (site.tier === 'Basic')
      return appServiceError(
        res,
        409,
        'Conflict',
        `Cannot complete the operation because the site will exceed the number of slots allowed for the '${site.tier}' SKU.`,
      );
    const envelope = JSON.parse(body || '{}') as { properties?: { siteConfig?: { linuxFxVersion?: string } } };
    const slot = await hostSlot(app, slotName, envelope.properties?.siteConfig?.linuxFxVersion ?? '', {});
    const create = () => {
      site.slots.set(slotName, slot);
      restart(slot);
      return undefined;
    };
    if (fake.slotCreatePolls === 0) {
      create();
      return send(res, 200, siteJson(app, site, slot));
    }
    const status = startOperation(
      url,
      site,
      'CreateSlot',
      { polls: fake.slotCreatePolls, notBefore: 0, done: create },
      'async',
    );
    return send(res, 202, undefined, { 'azure-asyncoperation': status, location: status, 'retry-after': '0' });
  }

  /**
   * A swap as App Service does it (App Service docs, "Set up staging environments", "What happens during a swap"):
   * the site is held for the whole operation (other writes get 409), the source slot must answer its warm-up
   * request or the swap fails ("Cannot swap slots ... because the worker process for ... could not be started"),
   * the settings swap except the slot-specific ("sticky") ones, which stay with their slot. 202 + Location, polled.
   */
  function swap(res: ServerResponse, url: URL, call: Call, slot: FakeSlot) {
    const { app, site, slotName } = call;
    const target = (JSON.parse(call.body || '{}') as { targetSlot?: string }).targetSlot ?? '';
    const source = slotName ? slot : site.slots.get(target);
    const into = slotName ? site.slots.get(target) : slot;
    if (!source || !into || source === into)
      return appServiceError(
        res,
        400,
        'BadRequest',
        `Cannot swap site slots for site '${app}' because the target slot '${target}' does not exist.`,
      );
    const failure = ctx.takeSwapFailure();
    // Phase one of a swap: the source slot's instances restart (with the target's slot-specific settings) and
    // must answer their warm-up request before anything is switched; the operation lasts at least that long.
    restart(source);
    const done = () => {
      settle(source, fake.behaviour);
      const warm = !source.starting && fake.behaviour(source.linuxFxVersion.replace(/^DOCKER\|/, '')) !== 'crash';
      if (failure)
        return {
          status: failure.status,
          code: failure.status === 417 ? 'ExpectationFailed' : 'BadRequest',
          message: failure.message,
        };
      if (!warm)
        return {
          status: 400,
          code: 'BadRequest',
          message: `Cannot swap slots for site '${app}' because the worker process for '${source.name}' slot could not be started.`,
        };
      swapSlots(site, source, into);
      return undefined;
    };
    const location = startOperation(
      url,
      site,
      'SwapSiteSlots',
      { polls: fake.swapPolls, notBefore: Date.now() + Math.max(fake.swapMs, fake.startMs), done, swap: true },
      'location',
    );
    return send(res, 202, undefined, { location, 'retry-after': '0' });
  }

  function swapSlots(site: Site, source: FakeSlot, into: FakeSlot) {
    for (const key of ['linuxFxVersion', 'appCommandLine', 'acrUseManagedIdentityCreds', 'running'] as const) {
      const held = source[key];
      (source as unknown as Record<string, unknown>)[key] = into[key];
      (into as unknown as Record<string, unknown>)[key] = held;
    }
    const sticky = new Set(site.sticky.appSettingNames);
    const keep = (settings: Record<string, string>) => Object.entries(settings).filter(([key]) => sticky.has(key));
    const move = (settings: Record<string, string>) => Object.entries(settings).filter(([key]) => !sticky.has(key));
    const [fromSource, fromInto] = [source.appSettings, into.appSettings];
    source.appSettings = Object.fromEntries([...move(fromInto), ...keep(fromSource)]);
    into.appSettings = Object.fromEntries([...move(fromSource), ...keep(fromInto)]);
    // Connection strings the same way, with connectionStringNames.
    const stickyStrings = new Set(site.sticky.connectionStringNames);
    const split = (strings: FakeSlot['connectionStrings'], wanted: boolean) =>
      Object.entries(strings).filter(([name]) => stickyStrings.has(name) === wanted);
    const [stringsOfSource, stringsOfInto] = [source.connectionStrings, into.connectionStrings];
    source.connectionStrings = Object.fromEntries([...split(stringsOfInto, false), ...split(stringsOfSource, true)]);
    into.connectionStrings = Object.fromEntries([...split(stringsOfSource, false), ...split(stringsOfInto, true)]);
  }

  return armRoute;
}
