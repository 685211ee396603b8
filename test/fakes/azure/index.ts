import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { scmHandler, settle, startContainer, type Behaviour, type FakeSlot } from './app-service.js';
import { armRoutes, WEB_API_VERSIONS, type Operation, type Site } from './arm.js';
import { createGitHubOidc, handleEntra, REQUEST_TOKEN, type EntraState } from './entra.js';
import { Faults, isEntraPath } from './faults.js';
import { SlotContainers } from './app-service-processes.js';

/**
 * A local Azure on 127.0.0.1, over HTTPS with a self-signed certificate, as strict as Azure:
 *  - Entra (entra.ts): token endpoint (client secret, client assertion with GitHub's ID token), AD FS for az, AADSTS
 *    errors; tokens that expire and carry their audience;
 *  - ARM (arm.ts): Microsoft.Web sites, slots, config, app settings, connection strings, slot-specific names,
 *    plans, restart, swap and slot creation as long-running operations, the docker log; ARM's and App Service's
 *    own error shapes, 409 while an operation holds a site, api-versions the cloud lacks;
 *  - App Service's containers (app-service.ts): a restart starts a new container that takes over once started, the
 *    old one serving meanwhile, a crashing one never; each slot on its own HTTPS port (its defaultHostName)
 *    answering /health with the version it runs;
 *  - the runner's GitHub ID token service and an Azure VM's IMDS (plain HTTP).
 */

export { SUBSCRIPTION } from './arm.js';
export { CLIENT_ID, CLIENT_SECRET, REQUEST_TOKEN, TENANT } from './entra.js';

export type { Behaviour, FakeSlot } from './app-service.js';

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
    options?: { image?: string; settings?: Record<string, string>; slots?: string[]; resourceGroup?: string },
  ): Promise<void>;
  /**
   * What an image does when it serves: by image, and by the slot it serves in (an app that reads a setting only one
   * slot has, kept there by a swap as a slot-specific setting, serves in that slot only).
   */
  behaviour: (image: string, slot?: FakeSlot) => Behaviour;
  startMs: number;
  /** Polls of a swap operation that answer 202 before it completes. */
  swapPolls: number;
  /** The next N ARM requests answer this status with Retry-After (429 throttling, 503). */
  throttle(count: number, status?: number): void;
  /** False: the app registration has no federated credential matching the workflow's token. */
  federated: boolean;
  /** Roles: contributor may write; reader only read. */
  role: 'contributor' | 'reader';
  /** Client IDs of the managed identities of the runner's VM (IMDS), system-assigned first; [] none. */
  managedIdentities: string[];
  /**
   * The Key Vaults App Service reads references from: secrets by vault name, and whether the apps' managed
   * identity may read them; `appIdentity` false models an app without a managed identity.
   */
  keyVaults: Map<string, { secrets: Set<string>; allowed: boolean }>;
  appIdentity: boolean;
  /** True: each slot's container is a real local process the slot's front end forwards to (the demo); false: simulated. */
  processes: boolean;
  /** The process ids of the slot containers running now (with `processes`). */
  containerPids(): Promise<number[]>;
  /** The IMDS host, for AZURE_POD_IDENTITY_AUTHORITY_HOST (the Azure SDK's and MSAL's setting for it). */
  imdsHost: string;
  /** Seconds an Entra access token lives (expires_in): ARM refuses it after that (ExpiredAuthenticationToken). */
  tokenLifetimeS: number;
  /** How long a GitHub ID token is valid (5 minutes on GitHub): Entra refuses it after that (AADSTS700024). */
  idTokenLifetimeMs: number;
  /** The issuer and audience the app's federated credential accepts. */
  federatedIssuer: string;
  federatedAudience: string;
  /** Time a swap takes at least, besides swapPolls. */
  swapMs: number;
  /**
   * Make the next swap fail, as App Service reports a failed swap (400 or 417 with its message); with `after`, the
   * swap after that many more (e.g. 1: the first swap succeeds, the swap back fails).
   */
  failNextSwap(status: 400 | 417, message: string, after?: number): void;
  /**
   * The next `count` requests to ARM, Entra or the GitHub ID token service (those whose path matches `path`) are
   * taken and never answered: a hung connection, held until close(). Models a stalled front end or a lost answer.
   */
  hang(where: 'arm' | 'entra' | 'oidc', count?: number, path?: RegExp, method?: string): void;
  /** The next `count` ARM requests (matching `path`) are cut: the connection is reset before any answer. */
  reset(count?: number, path?: RegExp): void;
  /** The poll that completes the next swap completes it, but its answer never arrives (a lost final answer). */
  loseSwapAnswer(): void;
  /** The next `count` ARM requests of `method` matching `path` are done as asked, but their answer never arrives. */
  loseAnswer(method: string, path: RegExp, count?: number): void;
  /** Requests taken and never answered so far. */
  hung: string[];
  /** Polls of Azure-AsyncOperation before a new slot exists; 0: PUT slot answers 200 at once. */
  slotCreatePolls: number;
  /** Another operation (e.g. a swap someone started in the portal) holds the site for ms: writes get 409. */
  busy(app: string, ms: number, operation?: string): void;
  /** Slot-specific ("sticky") setting names of a site: they stay with their slot in a swap. */
  slotConfigNames(app: string): { appSettingNames: string[]; connectionStringNames: string[] };
  /** The tier of an app's plan: Free, Shared and Basic plans have no deployment slots. */
  setTier(app: string, tier: 'Basic' | 'Standard' | 'PremiumV3'): void;
  /** The api-versions of Microsoft.Web this cloud has (another one is refused with NoRegisteredProviderFound). */
  apiVersions: Set<string>;
  /** `host METHOD /path` of every request to Entra and ARM (the host as the client named it). */
  requestsByHost: string[];
  /** The publish profile of an app or slot, as the portal downloads it (Get publish profile). */
  publishProfile(app: string, slot?: string): string;
  /** An HTTPS proxy (HTTPS_PROXY) leading login.microsoftonline.com and management.azure.com here. */
  proxy: string;
  /** The environment that trusts the certificate in a child process and points OIDC at the fake. */
  env(oidc?: boolean, publicCloud?: boolean): Record<string, string>;
  close(): Promise<void>;
}

export const versionOf = (image: string) =>
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
/** The public cloud's host names the proxy leads to the local Azure (Entra and ARM of AzureCloud). */
export const PUBLIC_HOSTS = ['login.microsoftonline.com', 'management.azure.com'];

let certificate: { key: string; cert: string } | undefined;

/** One self-signed certificate for 127.0.0.1 and the public cloud's names (trusted as its own CA). */
function azureCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'fake-azure-cert-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const names = ['IP:127.0.0.1', 'DNS:localhost', ...PUBLIC_HOSTS.map((host) => `DNS:${host}`)].join(',');
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', `subjectAltName=${names}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return certificate;
}

export async function startFakeAzure(): Promise<FakeAzure> {
  const cert = azureCertificate();
  const caFile = join(mkdtempSync(join(tmpdir(), 'fake-azure-')), 'ca.pem');
  writeFileSync(caFile, cert.cert);
  trustInProcess(cert.cert);
  const sites = new Map<string, Site>();
  const operations = new Map<string, Operation>();
  const armCalls: string[] = [];
  const throttled = { count: 0, status: 429 };
  let nextSwapFailure: { status: number; message: string; after: number } | undefined;
  const faults = new Faults();
  const containers = new SlotContainers();
  let base = '';
  const entraState: EntraState = {
    base: () => base,
    tokens: new Map(),
    idTokens: new Set(),
    oidcTokens: new Set(),
    tokenRequests: [],
    federated: () => fake.federated,
    onOidcRequest: () => fake.oidcRequests++,
    tokenLifetimeS: () => fake.tokenLifetimeS,
    managedIdentities: () => fake.managedIdentities,
    idTokenLifetimeMs: () => fake.idTokenLifetimeMs,
    federatedIssuer: () => fake.federatedIssuer,
    federatedAudience: () => fake.federatedAudience,
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
    swapMs: 0,
    slotCreatePolls: 0,
    role: 'contributor',
    federated: true,
    tokenLifetimeS: 3599,
    managedIdentities: [],
    keyVaults: new Map(),
    appIdentity: true,
    processes: false,
    imdsHost: '',
    proxy: '',
    requestsByHost: [],
    idTokenLifetimeMs: 5 * 60_000,
    federatedIssuer: 'https://token.actions.githubusercontent.com',
    federatedAudience: 'api://AzureADTokenExchange',
    apiVersions: new Set(WEB_API_VERSIONS),
    site(app) {
      const site = sites.get(app);
      if (!site) throw new Error(`no site ${app}`);
      return site.slots;
    },
    slot(app, slot = 'production') {
      const found = fake.site(app).get(slot);
      if (!found) throw new Error(`no slot ${slot}`);
      settle(found, fake.behaviour);
      return found;
    },
    async addSite(app, options = {}) {
      const site: Site = {
        slots: new Map(),
        resourceGroup: options.resourceGroup ?? 'rg-web',
        tier: 'Standard',
        sticky: { appSettingNames: [], connectionStringNames: [] },
      };
      sites.set(`${site.resourceGroup}/${app}`, site);
      if (!sites.has(app)) sites.set(app, site);
      for (const name of ['production', ...(options.slots ?? [])]) {
        const image = options.image ?? 'ghcr.io/octo-org/hello-service:1.0.0';
        const slot = await hostSlot(app, name, `DOCKER|${image}`, { ...options.settings });
        slot.running = slot.linuxFxVersion;
        site.slots.set(name, slot);
      }
    },
    publishProfile(app, name = 'production') {
      const slot = fake.slot(app, name);
      const scm = `127.0.0.1:${slot.scmPort}`;
      const site = `https://127.0.0.1:${slot.port}`;
      const common = `userName="${slot.publishingUser}" userPWD="${slot.publishingPassword}" destinationAppUrl="${site}" SQLServerDBConnectionString="" mySQLDBConnectionString="" hostingProviderForumLink="" controlPanelLink="https://portal.azure.com" webSystem="WebSites"`;
      return `<publishData><publishProfile profileName="${app} - Web Deploy" publishMethod="MSDeploy" publishUrl="${scm}" msdeploySite="${app}" ${common}><databases /></publishProfile><publishProfile profileName="${app} - FTP" publishMethod="FTP" publishUrl="ftps://waws-prod-am2-000.ftp.azurewebsites.windows.net/site/wwwroot" ftpPassiveMode="True" ${common}><databases /></publishProfile><publishProfile profileName="${app} - Zip Deploy" publishMethod="ZipDeploy" publishUrl="${scm}" ${common}><databases /></publishProfile></publishData>`;
    },
    throttle(count, status = 429) {
      Object.assign(throttled, { count, status });
    },
    failNextSwap(status, message, after = 0) {
      nextSwapFailure = { status, message, after };
    },
    hang(where, count = 1, path = /./, method?: string) {
      faults.hangs.push({ where, count, path, method });
    },
    reset(count = 1, path = /./) {
      faults.resets.push({ count, path });
    },
    loseSwapAnswer() {
      faults.loseSwapAnswer = true;
    },
    loseAnswer(method, path, count = 1) {
      faults.losses.push({ method, path, count });
    },
    hung: faults.hung,
    busy(app, ms, operation = 'SwapSiteSlots') {
      const site = sites.get(app);
      if (site) site.operation = { name: operation, until: Date.now() + ms };
    },
    slotConfigNames(app) {
      const site = sites.get(app);
      if (!site) throw new Error(`no site ${app}`);
      return site.sticky;
    },
    setTier(app, tier) {
      const site = sites.get(app);
      if (site) site.tier = tier;
    },
    env(oidc = false, publicCloud = false) {
      return {
        NODE_EXTRA_CA_CERTS: caFile,
        ...(publicCloud ? { HTTPS_PROXY: fake.proxy, NO_PROXY: '127.0.0.1,localhost' } : {}),
        ...(oidc ? { ACTIONS_ID_TOKEN_REQUEST_URL: fake.oidcUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN } : {}),
      };
    },
    containerPids: () => containers.pids(),
    async close() {
      await containers.stopAll();
      for (const site of new Set(sites.values()))
        for (const slot of site.slots.values()) {
          slot.server.close();
          slot.scmServer.closeAllConnections();
          slot.scmServer.close();
        }
      for (const tunnel of tunnels) tunnel.destroy();
      for (const server of [arm, oidc, proxy]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };

  async function hostSlot(
    app: string,
    name: string,
    linuxFxVersion: string,
    appSettings: Record<string, string>,
  ): Promise<FakeSlot> {
    const slot = {
      name,
      app,
      linuxFxVersion,
      appCommandLine: '',
      acrUseManagedIdentityCreds: false,
      appSettings,
      connectionStrings: {},
      running: '',
      dockerLog: [],
      readyAt: 0,
      port: 0,
    } as unknown as FakeSlot;
    slot.server = createHttpsServer(cert, (req, res) => {
      settle(slot, fake.behaviour);
      const behaviour = slot.running ? fake.behaviour(slot.running.replace(/^DOCKER\|/, ''), slot) : 'crash';
      if (behaviour === 'crash') {
        // App Service's own page while no container of the site answers.
        res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Application Error</h1>');
        return;
      }
      if (fake.processes) {
        const image = slot.running.replace(/^DOCKER\|/, '');
        containers.forward(slot, { image, behaviour, version: versionOf(slot.running) }, req, res);
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
    slot.publishingUser = `$${app}${name === 'production' ? '' : `__${name}`}`;
    slot.publishingPassword = randomBytes(30).toString('base64url');
    slot.scmServer = createHttpsServer(
      cert,
      scmHandler(
        slot,
        (s) => startContainer(s, fake.startMs),
        () => fake.behaviour,
      ),
    );
    await new Promise<void>((resolve) => slot.scmServer.listen(0, '127.0.0.1', resolve));
    slot.scmPort = (slot.scmServer.address() as AddressInfo).port;
    return slot;
  }

  let armRoute: ReturnType<typeof armRoutes> = async () => undefined;
  const arm = createHttpsServer(cert, (req, res) => {
    // The origin the client asked for (the public cloud's names come through the proxy).
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? base.slice('https://'.length)}`);
    fake.requestsByHost.push(`${url.host} ${req.method} ${url.pathname}`);
    if (faults.cut(isEntraPath(url.pathname) ? 'entra' : 'arm', req, res)) return;
    void handleEntra(req, res, url, entraState).then((handled) => (handled ? undefined : armRoute(req, res, url)));
  });
  await new Promise<void>((resolve) => arm.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(arm.address() as AddressInfo).port}`;
  const takeSwapFailure = () => {
    if (nextSwapFailure && nextSwapFailure.after-- > 0) return undefined;
    const failure = nextSwapFailure;
    nextSwapFailure = undefined;
    return failure;
  };
  armRoute = armRoutes({ fake, sites, operations, entraState, throttled, takeSwapFailure, hostSlot, faults });

  const oidc = createGitHubOidc(entraState, (req, res) => faults.cut('oidc', req, res));
  await new Promise<void>((resolve) => oidc.listen(0, '127.0.0.1', resolve));
  // An HTTPS proxy (CONNECT) that leads the public cloud's names to the local Azure, so a step with no endpoint
  // inputs (environment AzureCloud, instance discovery on) takes the public cloud's login path end to end.
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  const tunnels = new Set<Duplex>();
  proxy.on('connect', (req, socket: Duplex, head: Buffer) => {
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const [host, port] = (req.url ?? '').split(':');
    if (!PUBLIC_HOSTS.includes(host ?? '') || port !== '443') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect((arm.address() as AddressInfo).port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  fake.proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  fake.arm = base;
  fake.authority = base;
  fake.imdsHost = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}`;
  fake.oidcUrl = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}/_apis/distributedtask/hubs/build/plans/1/jobs/1/idtoken?api-version=2.0`;
  return fake;
}
