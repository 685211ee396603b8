import * as core from '@actions/core';
import type { TokenCredential } from '@azure/identity';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { appServiceErrorPolicy, azureError } from './azure-errors.js';
import {
  isGuid,
  loginCredential,
  parseCreds,
  resolveLogin,
  type AzureLogin,
  type AzureLoginInputs,
} from './azure-login.js';
import { boundsPolicy, unbounded, type RequestBounds } from './azure-bounds.js';
import { CloudError, InputError } from './errors.js';
import { duration, optional, text } from './inputs.js';
import { checkName, names } from './names.js';
import { mask, maskUrl, redactUrl } from './secrets.js';

/**
 * The one place Azure clients are made: the login (see azure-login.ts), the cloud's endpoints (a named cloud, or
 * explicit ones for Azure Stack and local stand-ins), and the subscription. SDKs are imported lazily, after the
 * inputs are validated.
 */

export { azureError } from './azure-errors.js';
export { type RequestBounds } from './azure-bounds.js';
export { githubIdToken, type AzureLogin } from './azure-login.js';

export type AzureEnvironment = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud' | 'AzureStack';

const clouds: Record<Exclude<AzureEnvironment, 'AzureStack'>, { arm: string; authority: string }> = {
  AzureCloud: { arm: 'https://management.azure.com', authority: 'https://login.microsoftonline.com' },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', authority: 'https://login.microsoftonline.us' },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', authority: 'https://login.chinacloudapi.cn' },
};
const ENVIRONMENTS: AzureEnvironment[] = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'AzureStack'];

export interface AzureCloud {
  resourceManager: string;
  authorityHost: string;
  /** Off when the authority is given explicitly: Azure Stack (and any private authority) has no discovery. */
  instanceDiscovery: boolean;
  /** True when no input named the cloud: with the az session, the cloud az is set to is used. */
  byDefault?: boolean;
}

export interface AzureTarget {
  login: AzureLogin;
  cloud: AzureCloud;
  /** '' with the az CLI session: its default subscription, read when the client is made. */
  subscriptionId: string;
  /** request-timeout: the longest one request to Azure may wait for its answer (default 30s). */
  requestTimeoutMs?: number;
}

/** request-timeout's default and range, as docs/inputs.md says time inputs are given. */
export const REQUEST_TIMEOUT = { fallback: '30', rule: { bare: 's' as const, minMs: 1000, maxMs: 600_000 } };

/** The raw login and cloud inputs, as a stage's inputs.ts reads them. */
export interface AzureTargetInputs extends AzureLoginInputs {
  environment?: string;
  resourceManagerEndpoint?: string;
  authorityHost?: string;
  requestTimeoutMs?: number;
}

function endpoint(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `Input '${name}' is not a URL: ${JSON.stringify(raw)}.`,
      'Give an https:// URL, e.g. https://management.local.azurestack.external.',
    );
  }
  maskUrl(url);
  if (url.username || url.password)
    throw new InputError(
      `Input '${name}' must not hold credentials (user:password@), got '${redactUrl(raw)}'.`,
      'Azure endpoints take a token, never a password in the URL: give the bare endpoint, and the login in its inputs.',
    );
  if (url.protocol !== 'https:') throw new InputError(`Input '${name}' must be an https:// URL, got '${raw}'.`);
  return url.href.replace(/\/$/, '');
}

/** Reads the login and cloud inputs every Azure action shares, under the same names (azure/login's). */
export function readAzureTargetInputs(): AzureTargetInputs {
  const creds = text('creds');
  mask(creds);
  return {
    clientId: optional('client-id'),
    tenantId: optional('tenant-id'),
    subscriptionId: optional('subscription-id'),
    clientSecret: optional('client-secret'),
    creds,
    authType: optional('auth-type'),
    audience: optional('audience'),
    environment: optional('environment'),
    resourceManagerEndpoint: optional('resource-manager-endpoint'),
    authorityHost: optional('authority-host'),
    requestTimeoutMs: duration('request-timeout', REQUEST_TIMEOUT.fallback, REQUEST_TIMEOUT.rule),
  };
}

/** `creds` (azure/login's JSON) fills the login inputs it holds; explicit inputs win. */
function withCreds(inputs: AzureTargetInputs): AzureTargetInputs {
  if (!inputs.creds) return inputs;
  const creds = parseCreds(inputs.creds);
  return {
    ...inputs,
    clientId: inputs.clientId ?? creds.clientId,
    tenantId: inputs.tenantId ?? creds.tenantId,
    clientSecret: inputs.clientSecret ?? creds.clientSecret,
    subscriptionId: inputs.subscriptionId ?? creds.subscriptionId,
    resourceManagerEndpoint: inputs.resourceManagerEndpoint ?? creds.resourceManagerEndpointUrl,
    authorityHost: inputs.authorityHost ?? creds.activeDirectoryEndpointUrl,
  };
}

/** Validates the login and cloud inputs (before any request): which login, which cloud, which subscription. */
export function resolveAzureTarget(raw: AzureTargetInputs, env: NodeJS.ProcessEnv = process.env): AzureTarget {
  const inputs = withCreds(raw);
  if (inputs.clientSecret) mask(inputs.clientSecret);
  const cloud = resolveCloud(inputs);
  const login = resolveLogin(inputs, env);
  const subscriptionId = resolveSubscription(inputs, env, login);
  return { login, cloud, subscriptionId, requestTimeoutMs: inputs.requestTimeoutMs };
}

/** The named cloud's endpoints (its name in any case, as azure/login takes it), or explicit ones. */
function resolveCloud(inputs: AzureTargetInputs): AzureCloud {
  const given = inputs.environment ?? 'AzureCloud';
  const environment = ENVIRONMENTS.find((name) => name.toLowerCase() === given.toLowerCase());
  if (!environment) {
    throw new InputError(
      `Input 'environment' must be AzureCloud, AzureUSGovernment, AzureChinaCloud or AzureStack, got '${given}'.`,
    );
  }
  const named = environment === 'AzureStack' ? undefined : clouds[environment];
  const arm = inputs.resourceManagerEndpoint ?? named?.arm;
  const authority = inputs.authorityHost ?? named?.authority;
  if (!arm || !authority) {
    throw new InputError(
      'AzureStack needs the resource-manager-endpoint and authority-host inputs.',
      'For Azure Stack Hub, e.g. resource-manager-endpoint: https://management.local.azurestack.external and authority-host: https://login.microsoftonline.com (or your AD FS).',
    );
  }
  return {
    resourceManager: endpoint('resource-manager-endpoint', arm),
    authorityHost: endpoint('authority-host', authority),
    instanceDiscovery: inputs.authorityHost === undefined,
    byDefault: !inputs.environment && !inputs.resourceManagerEndpoint && !inputs.authorityHost,
  };
}

function resolveSubscription(inputs: AzureTargetInputs, env: NodeJS.ProcessEnv, login: AzureLogin): string {
  const subscriptionId = inputs.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    if (login.kind === 'cli') return '';
    throw new InputError(
      "Input 'subscription-id' is required (or AZURE_SUBSCRIPTION_ID): the subscription of the app.",
    );
  }
  return checkName('subscription-id', subscriptionId, names.azureGuid);
}

/** The bounds of a target's requests with no step deadline (request-timeout only). */
export const targetBounds = (target: AzureTarget): RequestBounds => unbounded(target.requestTimeoutMs ?? 30_000);

export async function azureCredential(target: AzureTarget, bounds = targetBounds(target)): Promise<TokenCredential> {
  const cloud = {
    authorityHost: target.cloud.authorityHost,
    disableInstanceDiscovery: !target.cloud.instanceDiscovery,
  };
  return loginCredential(target.login, cloud, bounds);
}

/** Runs az and returns its trimmed output; an InputError saying how to log in when it fails. */
async function azOutput(args: string[], what: string): Promise<string> {
  const { getExecOutput } = await import('@actions/exec');
  const shown = await getExecOutput('az', args, { silent: true, ignoreReturnCode: true }).catch((error: Error) => ({
    exitCode: 127,
    stdout: '',
    stderr: error.message,
  }));
  const out = shown.stdout.trim();
  if (shown.exitCode !== 0 || !out) {
    throw new InputError(
      `No Azure login: no login inputs, no AZURE_* variables, and no az CLI session (${shown.stderr.trim().split('\n')[0] || `az gave no ${what}`}).`,
      'Run azure/login before this step (as for azure/webapps-deploy), or give client-id and tenant-id (OpenID Connect, with permissions: id-token: write), creds, or auth-type: IDENTITY on a runner in Azure.',
    );
  }
  return out;
}

/**
 * With the az CLI session, the subscription and the cloud azure/login left selected (`az account show`, `az cloud
 * show`), unless inputs name them: azure/webapps-deploy follows the session the same way.
 */
async function cliTarget(target: AzureTarget): Promise<{ subscriptionId: string; resourceManager: string }> {
  const subscriptionId =
    target.subscriptionId || (await azOutput(['account', 'show', '--query', 'id', '--output', 'tsv'], 'subscription'));
  const resourceManager = target.cloud.byDefault
    ? (await azOutput(['cloud', 'show', '--query', 'endpoints.resourceManager', '--output', 'tsv'], 'cloud')).replace(
        /\/$/,
        '',
      )
    : target.cloud.resourceManager;
  if (!isGuid(subscriptionId))
    throw new InputError(`The az session's subscription is not a GUID: '${subscriptionId}'.`);
  return { subscriptionId, resourceManager };
}

/** The subscription and ARM endpoint of a step: from the inputs, or from the az session azure/login left. */
export async function armTarget(target: AzureTarget): Promise<{ subscriptionId: string; resourceManager: string }> {
  return target.login.kind === 'cli'
    ? cliTarget(target)
    : { subscriptionId: target.subscriptionId, resourceManager: target.cloud.resourceManager };
}

/**
 * The App Service client of a step. Every request it sends, and every token request of its login, is bounded by
 * `bounds` (request-timeout and the step's deadline, which the step moves on as it goes).
 */
export async function appServiceClient(
  target: AzureTarget,
  stage: string,
  bounds = targetBounds(target),
): Promise<WebSiteManagementClient> {
  const { WebSiteManagementClient } = await import('@azure/arm-appservice');
  const credential = await azureCredential(target, bounds);
  const { subscriptionId, resourceManager } = await armTarget(target);
  const client = new WebSiteManagementClient(credential, subscriptionId, {
    endpoint: resourceManager,
    credentials: { scopes: [`${resourceManager}/.default`] },
    userAgentOptions: { userAgentPrefix: `deploy-actions/${stage}` },
    retryOptions: { maxRetries: 4 },
  });
  client.pipeline.addPolicy(appServiceErrorPolicy, { phase: 'Deserialize' });
  client.pipeline.addPolicy(boundsPolicy(bounds, 'ARM'), { afterPhase: 'Sign' });
  core.debug(`Azure login: ${target.login.kind}, subscription ${subscriptionId}`);
  return client;
}

/** Runs one Azure call and reports its failure as a CloudError naming the operation. */
export async function azure<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw azureError(error, operation);
  }
}

/** The HTTP status of an Azure error (wrapped in a CloudError or not). */
export function statusOf(error: unknown): number | undefined {
  const cause = error instanceof CloudError ? error.cause : error;
  return (cause as { statusCode?: number } | undefined)?.statusCode;
}

/** True for an ARM 404: the resource does not exist. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}
