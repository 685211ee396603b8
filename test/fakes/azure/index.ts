import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { selfSignedCertificate } from '../http/server.js';
import { CLIENT_ID, createGitHubOidc, handleEntra, readBody, REQUEST_TOKEN, send, type EntraState } from './entra.js';

/**
 * A local Azure on 127.0.0.1, over HTTPS with a self-signed certificate:
 *  - the Entra token endpoint: GET /{tenant}/v2.0/.well-known/openid-configuration, POST /{tenant}/oauth2/v2.0/token
 *    (client_credentials with client_secret or client_assertion; errors as Entra sends them, with AADSTS codes);
 *  - ARM for Microsoft.Web/sites: site and slots GET/PUT/DELETE, config/web GET/PATCH/PUT, config/appsettings PUT,
 *    config/appsettings/list POST, restart, slotsswap (202 + Location, polled until 200); ARM error bodies;
 *  - a GitHub OIDC token endpoint (plain HTTP, as ACTIONS_ID_TOKEN_REQUEST_URL names it) that counts requests;
 *  - for each site and slot, its own HTTPS port (its defaultHostName) answering /health with the version of the
 *    image it runs, once a restart has let the new image start.
 */

export const SUBSCRIPTION = '00000000-0000-0000-0000-00000000c0de';
export { CLIENT_ID, CLIENT_SECRET, REQUEST_TOKEN, TENANT } from './entra.js';

/** What the app serves when it runs an image: healthy with its version, unhealthy (503), or crashing (no answer). */
export type Behaviour = 'healthy' | 'unhealthy' | 'crash';

export interface FakeSlot {
  name: string;
  /** linuxFxVersion as set through config/web. */
  linuxFxVersion: string;
  appCommandLine: string;
  acrUseManagedIdentityCreds: boolean;
  appSettings: Record<string, string>;
  /** The image the running app was started from ('' before the first start). */
  running: string;
  /** When the running app answers (a start takes startMs). */
  readyAt: number;
  port: number;
  server: Server;
}

export interface FakeAzure {
  arm: string;
  authority: string;
  oidcUrl: string;
  /** PEM of the certificate to trust (NODE_EXTRA_CA_CERTS in a child, trustInProcess here). */
  caFile: string;
  ca: string;
  /** `METHOD /path` of every ARM request (query left out). */
  armCalls: string[];
  tokenRequests: { grant: string; clientId: string; how: 'secret' | 'assertion' }[];
  oidcRequests: number;
  /** The ID tokens the OIDC endpoint gave out (to check none is ever printed). */
  oidcTokens: Set<string>;
  site(app: string): Map<string, FakeSlot>;
  slot(app: string, slot?: string): FakeSlot;
  addSite(
    app: string,
    options?: { image?: string; settings?: Record<string, string>; slots?: string[] },
  ): Promise<void>;
  behaviour: (image: string) => Behaviour;
  startMs: number;
  /** Polls of a swap operation that answer 202 before it completes. */
  swapPolls: number;
  /** The next N ARM requests answer this status with Retry-After (429 throttling, 503). */
  throttle(count: number, status?: number): void;
  /** False: the app registration has no federated credential matching the workflow's token. */
  federated: boolean;
  /** Roles: contributor may write; reader only read. */
  role: 'contributor' | 'reader';
  /** The environment that trusts the certificate in a child process and points OIDC at the fake. */
  env(oidc?: boolean): Record<string, string>;
  close(): Promise<void>;
}

const versionOf = (image: string) =>
  /:([\w][\w.-]*)$/.exec(image.replace(/^DOCKER\|/, '').split('@')[0] ?? '')?.[1] ?? 'unknown';

/** Makes this process trust the fake's certificate, as NODE_EXTRA_CA_CERTS does for a child started with it. */
export function trustInProcess(ca: string): void {
  const original = tls.createSecureContext;
  if ((original as { trusting?: boolean }).trusting) return;
  const patched = ((options?: tls.SecureContextOptions) => {
    const context = original(options);
    if (!options?.ca) context.context.addCACert(ca);
    return context;
  }) as typeof tls.createSecureContext & { trusting?: boolean };
  patched.trusting = true;
  tls.createSecureContext = patched;
}

export async function startFakeAzure(): Promise<FakeAzure> {
  const cert = selfSignedCertificate();
  const caFile = join(mkdtempSync(join(tmpdir(), 'fake-azure-')), 'ca.pem');
  writeFileSync(caFile, cert.cert);
  trustInProcess(cert.cert);
  const sites = new Map<string, Map<string, FakeSlot>>();
  const tokens = new Map<string, string>();
  const idTokens = new Set<string>();
  const operations = new Map<string, { polls: number; done: () => void }>();
  const armCalls: string[] = [];
  let throttled: { count: number; status: number } = { count: 0, status: 429 };
  let base = '';
  const entraState: EntraState = {
    base: () => base,
    tokens,
    idTokens,
    oidcTokens: new Set(),
    tokenRequests: [],
    federated: () => fake.federated,
    onOidcRequest: () => fake.oidcRequests++,
  };

  const fake: FakeAzure = {
    arm: '',
    authority: '',
    oidcUrl: '',
    caFile,
    ca: cert.cert,
    armCalls,
    tokenRequests: entraState.tokenRequests,
    oidcRequests: 0,
    oidcTokens: entraState.oidcTokens,
    behaviour: () => 'healthy',
    startMs: 150,
    swapPolls: 2,
    role: 'contributor',
    federated: true,
    site(app) {
      const site = sites.get(app);
      if (!site) throw new Error(`no site ${app}`);
      return site;
    },
    slot(app, slot = 'production') {
      const found = fake.site(app).get(slot);
      if (!found) throw new Error(`no slot ${slot}`);
      return found;
    },
    async addSite(app, options = {}) {
      const site = new Map<string, FakeSlot>();
      sites.set(app, site);
      for (const name of ['production', ...(options.slots ?? [])]) {
        const image = options.image ?? 'ghcr.io/octo-org/hello-service:1.0.0';
        const slot = await hostSlot(name, `DOCKER|${image}`, { ...options.settings });
        site.set(name, slot);
      }
    },
    throttle(count, status = 429) {
      throttled = { count, status };
    },
    env(oidc = false) {
      return {
        NODE_EXTRA_CA_CERTS: caFile,
        ...(oidc ? { ACTIONS_ID_TOKEN_REQUEST_URL: fake.oidcUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN } : {}),
      };
    },
    async close() {
      for (const site of sites.values()) for (const slot of site.values()) slot.server.close();
      for (const server of [arm, oidc]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };

  async function hostSlot(
    name: string,
    linuxFxVersion: string,
    appSettings: Record<string, string>,
  ): Promise<FakeSlot> {
    const slot = {
      name,
      linuxFxVersion,
      appCommandLine: '',
      acrUseManagedIdentityCreds: false,
      appSettings,
      running: linuxFxVersion,
      readyAt: 0,
      port: 0,
    } as FakeSlot;
    slot.server = createHttpsServer(cert, (req, res) => {
      const behaviour = fake.behaviour(slot.running.replace(/^DOCKER\|/, ''));
      if (behaviour === 'crash' || Date.now() < slot.readyAt) {
        res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Application Error</h1>');
        return;
      }
      const healthy = behaviour === 'healthy';
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: healthy ? 'healthy' : 'unhealthy',
          version: versionOf(slot.running),
          path: req.url,
        }),
      );
    });
    await new Promise<void>((resolve) => slot.server.listen(0, '127.0.0.1', resolve));
    slot.port = (slot.server.address() as AddressInfo).port;
    return slot;
  }

  const restart = (slot: FakeSlot) => {
    slot.running = slot.linuxFxVersion;
    slot.readyAt = Date.now() + fake.startMs;
  };

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

  const siteJson = (app: string, rg: string, slot: FakeSlot) => {
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
        serverFarmId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/plan`,
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

  async function armRoute(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    armCalls.push(`${method} ${url.pathname}`);
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!bearer || !tokens.has(bearer))
      return armError(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (!url.searchParams.get('api-version'))
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
    const op = /\/operationresults\/([\w-]+)$/.exec(url.pathname);
    if (op && method === 'GET') {
      const operation = operations.get(op[1] ?? '');
      if (!operation) return armError(res, 404, 'NotFound', 'Operation not found.');
      if (operation.polls-- > 0) return send(res, 202, undefined, { location: `${base}${url.pathname}${url.search}` });
      operation.done();
      operations.delete(op[1] ?? '');
      return send(res, 200);
    }
    const match =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/sites\/([^/]+)(?:\/slots\/([^/]+))?(\/.*)?$/i.exec(
        url.pathname,
      );
    if (!match || match[1] !== SUBSCRIPTION)
      return armError(res, 404, 'SubscriptionNotFound', `The subscription '${match?.[1] ?? '?'}' could not be found.`);
    const [, , rg = '', app = '', slotName, rest = ''] = match;
    if (rg !== 'rg-web')
      return armError(res, 404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    const site = sites.get(app);
    if (!site) return resourceNotFound(res, `Microsoft.Web/sites/${app}`, rg);
    const body = method === 'GET' ? '' : await readBody(req);
    const write = !(
      method === 'GET' ||
      (method === 'POST' && rest === '/config/appsettings/list' && fake.role !== 'reader')
    );
    if (write && fake.role === 'reader') {
      return armError(
        res,
        403,
        'AuthorizationFailed',
        `The client '${CLIENT_ID}' with object id '${CLIENT_ID}' does not have authorization to perform action 'Microsoft.Web/sites${rest.replace(/\/[^/]*$/, '') || ''}/${rest.split('/').pop() || 'write'}/action' over scope '${url.pathname}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    const name = slotName ?? 'production';
    let slot = site.get(name);
    if (method === 'PUT' && slotName && rest === '') {
      const envelope = JSON.parse(body || '{}') as { properties?: { siteConfig?: { linuxFxVersion?: string } } };
      if (!slot) {
        slot = await hostSlot(name, envelope.properties?.siteConfig?.linuxFxVersion ?? '', {});
        site.set(name, slot);
        restart(slot);
      }
      return send(res, 200, siteJson(app, rg, slot));
    }
    if (!slot) return resourceNotFound(res, `Microsoft.Web/sites/${app}/slots/${name}`, rg);
    if (rest === '' && method === 'GET') return send(res, 200, siteJson(app, rg, slot));
    if (rest === '' && method === 'DELETE' && slotName) {
      slot.server.close();
      site.delete(name);
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
    if (rest === '/restart' && method === 'POST') {
      restart(slot);
      return send(res, 200);
    }
    if (rest === '/slotsswap' && method === 'POST') {
      const target = (JSON.parse(body || '{}') as { targetSlot?: string }).targetSlot ?? '';
      const other = site.get(slotName ? target : target);
      const source = slotName ? slot : site.get(target);
      const into = slotName ? other : slot;
      if (!source || !into || source === into)
        return armError(res, 400, 'BadRequest', `Cannot swap: slot '${target}' does not exist.`);
      const id = randomUUID();
      operations.set(id, {
        polls: fake.swapPolls,
        done: () => {
          for (const key of [
            'linuxFxVersion',
            'appCommandLine',
            'acrUseManagedIdentityCreds',
            'appSettings',
            'running',
          ] as const) {
            const held = source[key];
            (source as unknown as Record<string, unknown>)[key] = into[key];
            (into as unknown as Record<string, unknown>)[key] = held;
          }
        },
      });
      const location = `${base}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Web/locations/westeurope/operationresults/${id}?api-version=${url.searchParams.get('api-version')}`;
      return send(res, 202, undefined, { location });
    }
    return armError(res, 405, 'MethodNotAllowed', `${method} ${rest} is not supported by this stand-in.`);
  }

  const arm = createHttpsServer(cert, (req, res) => {
    const url = new URL(req.url ?? '/', base);
    void handleEntra(req, res, url, entraState).then((handled) => (handled ? undefined : armRoute(req, res, url)));
  });
  await new Promise<void>((resolve) => arm.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(arm.address() as AddressInfo).port}`;

  const oidc = createGitHubOidc(entraState);
  await new Promise<void>((resolve) => oidc.listen(0, '127.0.0.1', resolve));
  fake.arm = base;
  fake.authority = base;
  fake.oidcUrl = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}/_apis/distributedtask/hubs/build/plans/1/jobs/1/idtoken?api-version=2.0`;
  return fake;
}
