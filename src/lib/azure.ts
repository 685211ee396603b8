import * as core from '@actions/core';
import type { TokenCredential } from '@azure/identity';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { CloudError, InputError } from './errors.js';
import { optional } from './inputs.js';
import { mask } from './secrets.js';

/**
 * The one place Azure clients are made: the login (GitHub OIDC, a client secret, or AZURE_* variables), the
 * cloud's endpoints (a named cloud, or explicit ones for Azure Stack and local stand-ins), and Azure errors in
 * words a user can act on. SDKs are imported lazily, after the inputs are validated.
 */

export type AzureEnvironment = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud' | 'AzureStack';

const clouds: Record<Exclude<AzureEnvironment, 'AzureStack'>, { arm: string; authority: string }> = {
  AzureCloud: { arm: 'https://management.azure.com', authority: 'https://login.microsoftonline.com' },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', authority: 'https://login.microsoftonline.us' },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', authority: 'https://login.chinacloudapi.cn' },
};

export interface AzureCloud {
  resourceManager: string;
  authorityHost: string;
  /** Off when the authority is given explicitly: Azure Stack (and any private authority) has no discovery. */
  instanceDiscovery: boolean;
}

export type AzureLogin =
  | { kind: 'oidc'; tenantId: string; clientId: string }
  | { kind: 'secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'environment' };

export interface AzureTarget {
  login: AzureLogin;
  cloud: AzureCloud;
  subscriptionId: string;
}

/** The raw login and cloud inputs, as a stage's inputs.ts reads them. */
export interface AzureTargetInputs {
  clientId?: string;
  tenantId?: string;
  subscriptionId?: string;
  clientSecret?: string;
  environment?: string;
  resourceManagerEndpoint?: string;
  authorityHost?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function endpoint(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `Input '${name}' is not a URL: '${raw}'.`,
      'Give an https:// URL, e.g. https://management.local.azurestack.external.',
    );
  }
  if (url.protocol !== 'https:') throw new InputError(`Input '${name}' must be an https:// URL, got '${raw}'.`);
  return url.href.replace(/\/$/, '');
}

/** Reads the login and cloud inputs every Azure action shares, under the same names. */
export function readAzureTargetInputs(): AzureTargetInputs {
  return {
    clientId: optional('client-id'),
    tenantId: optional('tenant-id'),
    subscriptionId: optional('subscription-id'),
    clientSecret: optional('client-secret'),
    environment: optional('environment'),
    resourceManagerEndpoint: optional('resource-manager-endpoint'),
    authorityHost: optional('authority-host'),
  };
}

/** Validates the login and cloud inputs (before any request): which login, which cloud, which subscription. */
export function resolveAzureTarget(inputs: AzureTargetInputs, env: NodeJS.ProcessEnv = process.env): AzureTarget {
  if (inputs.clientSecret) mask(inputs.clientSecret);
  const cloud = resolveCloud(inputs);
  const login = resolveLogin(inputs, env);
  return { login, cloud, subscriptionId: resolveSubscription(inputs, env) };
}

/** The endpoints of the named cloud, or explicit ones (Azure Stack, a private authority, a local stand-in). */
function resolveCloud(inputs: AzureTargetInputs): AzureCloud {
  const environment = inputs.environment ?? 'AzureCloud';
  if (!['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'AzureStack'].includes(environment)) {
    throw new InputError(
      `Input 'environment' must be AzureCloud, AzureUSGovernment, AzureChinaCloud or AzureStack, got '${environment}'.`,
    );
  }
  const named = environment === 'AzureStack' ? undefined : clouds[environment as keyof typeof clouds];
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
  };
}

/** A client secret, OpenID Connect with the GitHub ID token, or the AZURE_* variables, in that order. */
function resolveLogin(inputs: AzureTargetInputs, env: NodeJS.ProcessEnv): AzureLogin {
  const { clientId, tenantId, clientSecret } = inputs;
  if (clientId || tenantId || clientSecret) {
    const missing = [!clientId && 'client-id', !tenantId && 'tenant-id'].filter(Boolean);
    if (missing.length) {
      throw new InputError(
        `The Azure login is half given: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing.`,
        'OpenID Connect needs client-id and tenant-id (and permissions: id-token: write); a client secret needs client-id, tenant-id and client-secret.',
      );
    }
    if (!GUID.test(clientId ?? '')) {
      throw new InputError(`Input 'client-id' must be an application (client) ID, a GUID; got '${clientId}'.`);
    }
    if (clientSecret) return { kind: 'secret', clientId: clientId ?? '', tenantId: tenantId ?? '', clientSecret };
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new InputError(
        'OpenID Connect login needs a GitHub ID token, and this job cannot request one.',
        'Add `permissions: id-token: write` to the job (or the workflow), or give client-secret instead.',
      );
    }
    return { kind: 'oidc', clientId: clientId ?? '', tenantId: tenantId ?? '' };
  }
  if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID) return { kind: 'environment' };
  throw new InputError(
    'No Azure login is given.',
    'Give client-id and tenant-id (OpenID Connect, with permissions: id-token: write), add client-secret for a service principal secret, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET.',
  );
}

function resolveSubscription(inputs: AzureTargetInputs, env: NodeJS.ProcessEnv): string {
  const subscriptionId = inputs.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscriptionId) {
    throw new InputError(
      "Input 'subscription-id' is required (or AZURE_SUBSCRIPTION_ID): the subscription of the app.",
    );
  }
  if (!GUID.test(subscriptionId)) {
    throw new InputError(`Input 'subscription-id' must be a subscription ID, a GUID; got '${subscriptionId}'.`);
  }
  return subscriptionId;
}

/**
 * The GitHub ID token, requested once per run however many Azure tokens are exchanged for it. Keyed by the
 * job's token request URL, so a second run in one process (a test) does not reuse another job's token.
 */
let idToken: { url: string; token: Promise<string> } | undefined;

export function githubIdToken(): Promise<string> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
  if (idToken?.url !== url) {
    const token = core.getIDToken('api://AzureADTokenExchange').then((value) => {
      mask(value);
      return value;
    });
    token.catch(() => (idToken = undefined));
    idToken = { url, token };
  }
  return idToken.token;
}

export async function azureCredential(target: AzureTarget): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const options = {
    authorityHost: target.cloud.authorityHost,
    disableInstanceDiscovery: !target.cloud.instanceDiscovery,
  };
  const { login } = target;
  if (login.kind === 'secret')
    return new identity.ClientSecretCredential(login.tenantId, login.clientId, login.clientSecret, options);
  if (login.kind === 'oidc')
    return new identity.ClientAssertionCredential(login.tenantId, login.clientId, githubIdToken, options);
  if (process.env.AZURE_CLIENT_SECRET) mask(process.env.AZURE_CLIENT_SECRET);
  return new identity.EnvironmentCredential(options);
}

export async function appServiceClient(target: AzureTarget, stage: string): Promise<WebSiteManagementClient> {
  const { WebSiteManagementClient } = await import('@azure/arm-appservice');
  const credential = await azureCredential(target);
  return new WebSiteManagementClient(credential, target.subscriptionId, {
    endpoint: target.cloud.resourceManager,
    credentials: { scopes: [`${target.cloud.resourceManager}/.default`] },
    userAgentOptions: { userAgentPrefix: `deploy-actions/${stage}` },
    retryOptions: { maxRetries: 4 },
  });
}

const aadHints: Record<string, string> = {
  '700016': 'The application (client-id) is not in this tenant: check client-id and tenant-id.',
  '90002': 'The tenant does not exist: check tenant-id (and environment for sovereign clouds).',
  '7000215': "The client secret is wrong: give the secret's Value (not its Secret ID), or create a new one.",
  '7000222': 'The client secret expired: create a new one and update the repository secret.',
  '700213':
    "No federated credential of the app matches this workflow: add one whose subject is this job's (e.g. repo:owner/repo:environment:production or repo:owner/repo:ref:refs/heads/main), issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange.",
  '70021':
    "No federated credential of the app matches this workflow: check the credential's subject, issuer and audience.",
  '700024': 'The GitHub ID token has expired or is not yet valid: rerun the job.',
};

const armHints: Record<string, string> = {
  AuthorizationFailed:
    'Give the app registration a role on the web app or its resource group that may do this (Website Contributor), then rerun.',
  ResourceNotFound: 'Check app-name, slot-name and resource-group-name, and that subscription-id is the right one.',
  ResourceGroupNotFound: 'Check resource-group-name and subscription-id.',
  SubscriptionNotFound: 'Check subscription-id, and that the login can see it.',
  InvalidAuthenticationToken: 'The Azure token was refused: check environment / resource-manager-endpoint.',
  ExpiredAuthenticationToken: 'The Azure token expired: rerun the job.',
};

/** Turns an Azure SDK or identity error into a CloudError naming the operation, the Azure code and what to check. */
export function azureError(error: unknown, operation: string): CloudError {
  if (error instanceof CloudError) return error;
  const err = error as { name?: string; code?: string; statusCode?: number; message?: string };
  const message = String(err.message ?? error);
  const aad = /AADSTS(\d+)/.exec(message);
  if (
    aad ||
    err.name === 'AuthenticationError' ||
    err.name === 'AggregateAuthenticationError' ||
    err.name === 'CredentialUnavailableError'
  ) {
    const code = aad ? `AADSTS${aad[1]}` : (err.name ?? 'AuthenticationError');
    const firstLine = message.split(/\r?\n|Trace ID:/)[0]?.trim() ?? message;
    const description = aad ? (/AADSTS\d+:[^]*?(?=Trace ID:|$)/.exec(message)?.[0].trim() ?? firstLine) : firstLine;
    return new CloudError(
      `Azure login failed (${operation}): ${description}`,
      code,
      (aad && aadHints[aad[1] ?? '']) ??
        'Check client-id, tenant-id and the secret or federated credential, and environment / authority-host.',
      { cause: error },
    );
  }
  const code = err.code ?? err.name ?? 'Error';
  const status = err.statusCode ? ` (HTTP ${err.statusCode})` : '';
  return new CloudError(`${operation} failed: ${code}${status}: ${message}`, code, armHints[code], { cause: error });
}

/** Runs one Azure call and reports its failure as a CloudError naming the operation. */
export async function azure<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw azureError(error, operation);
  }
}

/** True for an ARM 404: the resource does not exist. */
export function isNotFound(error: unknown): boolean {
  const cause =
    error instanceof CloudError
      ? (error.cause as { statusCode?: number } | undefined)
      : (error as { statusCode?: number });
  return cause?.statusCode === 404;
}
