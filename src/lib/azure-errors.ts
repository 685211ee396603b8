import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { RequestTimedOut } from './azure-bounds.js';
import { CloudError, DeployError, TimeoutError } from './errors.js';
import { scrub } from './secrets.js';

/**
 * Azure's errors in words a user can act on: Entra's AADSTS codes (the federated-credential ones GitHub users
 * meet most), ARM's codes, and App Service's own error shape, which the SDK would otherwise report as
 * "Unexpected status code".
 */

const FEDERATED =
  "Compare the app's federated credential with this job's token: issuer https://token.actions.githubusercontent.com, audience api://AzureADTokenExchange (or the audience input), subject e.g. repo:owner/repo:environment:production or repo:owner/repo:ref:refs/heads/main.";

const aadHints: Record<string, string> = {
  '700016': 'The application (client-id) is not in this tenant: check client-id and tenant-id.',
  '90002': 'The tenant does not exist: check tenant-id (and environment for sovereign clouds).',
  '7000215': "The client secret is wrong: give the secret's Value (not its Secret ID), or create a new one.",
  '7000222': 'The client secret expired: create a new one and update the repository secret.',
  '700024':
    "The GitHub ID token was outside its valid time (GitHub's last minutes): this step asks for a fresh one whenever it renews its Azure token, so check the runner's clock, or, after an earlier azure/login, rerun: its az session holds the old one.",
  '700211': `The token's issuer matches no federated credential of the app. ${FEDERATED}`,
  '700212': `The token's audience matches no federated credential of the app. ${FEDERATED}`,
  '700213': `The job's subject matches no federated credential of the app. ${FEDERATED}`,
  '7002138': `The job's subject matches no federated credential: subjects are matched case-sensitively (owner, repository and environment names as GitHub spells them). ${FEDERATED}`,
  '70021': `No federated credential of the app matches this workflow. ${FEDERATED}`,
  '50027':
    'The GitHub ID token was refused as malformed: check the audience input and the job permissions (id-token: write).',
  '70011': 'The scope asked for is not valid for this cloud: check environment / resource-manager-endpoint.',
};

const armHints: Record<string, string> = {
  AuthorizationFailed:
    'Give the app registration a role on the web app or its resource group that may do this (Website Contributor), then rerun.',
  ResourceNotFound: 'Check app-name, slot-name and resource-group-name, and that subscription-id is the right one.',
  ResourceGroupNotFound: 'Check resource-group-name and subscription-id.',
  SubscriptionNotFound: 'Check subscription-id, and that the login can see it.',
  InvalidAuthenticationToken: 'The Azure token was refused: check environment / resource-manager-endpoint.',
  InvalidAuthenticationTokenAudience:
    'The token was issued for another cloud or resource: check environment and resource-manager-endpoint (they must name the same cloud as the login).',
  ExpiredAuthenticationToken: 'The Azure token expired and was not renewed: rerun the job.',
  NoRegisteredProviderFound:
    'This cloud lacks the App Service API version this action uses (Azure Stack Hub lags the public cloud): update Azure Stack, or use the public cloud.',
  Conflict:
    'Another operation (a swap, a restart, a deployment from elsewhere) was running on the app for the whole timeout: wait for it (Activity log of the app), or raise timeout.',
  ExpectationFailed: "The swap's warm-up of the slot failed: look at the slot's log stream (az webapp log tail).",
};

/**
 * Turns an Azure SDK or identity error into a CloudError naming the operation, the Azure code and what to check. The
 * message is scrubbed of every masked value: ARM and App Service echo parts of a request (a setting's value, a URL)
 * in their error bodies, and the message is printed and goes into outputs and the summary.
 */
export function azureError(error: unknown, operation: string): Error {
  if (error instanceof RequestTimedOut)
    return new TimeoutError(`${operation} failed: ${error.message}`, error.hint, { cause: error });
  if (error instanceof DeployError) return error;
  const err = error as { name?: string; code?: string; statusCode?: number; message?: string };
  const message = scrub(String(err.message ?? error));
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

interface AppServiceErrorBody {
  Code?: string;
  Message?: string;
  Details?: { ErrorEntity?: { ExtendedCode?: string } }[];
}

/**
 * App Service answers errors as {Code, Message, Details: [..., {ErrorEntity: {ExtendedCode, ...}}]} rather than
 * ARM's {error: {code, message}}; the SDK reads only the latter and would say "Unexpected status code: 409". This
 * policy restates App Service's body in ARM's shape, so every error carries App Service's own code and message.
 */
export const appServiceErrorPolicy: PipelinePolicy = {
  name: 'appServiceErrorShape',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status < 400 || !response.bodyAsText) return response;
    let body: AppServiceErrorBody & { error?: unknown };
    try {
      body = JSON.parse(response.bodyAsText) as AppServiceErrorBody & { error?: unknown };
    } catch {
      return response;
    }
    if (body === null || typeof body !== 'object' || body.error || !(body.Code || body.Message)) return response;
    const extended = body.Details?.find((detail) => detail.ErrorEntity)?.ErrorEntity?.ExtendedCode;
    const error = {
      code: body.Code ?? String(response.status),
      message: body.Message ?? '',
      ...(extended ? { details: [{ code: extended, message: `App Service extended code ${extended}` }] } : {}),
    };
    return { ...response, bodyAsText: JSON.stringify({ error }) };
  },
};
