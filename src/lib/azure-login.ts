import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { boundedCredential, boundedFetch, boundsPolicy, unbounded, type RequestBounds } from './azure-bounds.js';
import { CloudError, InputError } from './errors.js';
import { checkName, names, type NameRule } from './names.js';
import { mask } from './secrets.js';

/**
 * Which Azure login a step uses, in azure/login's terms: a service principal by OpenID Connect (the GitHub ID token)
 * or by secret, the `creds` JSON of `az ad sp create-for-rbac --sdk-auth`, a managed identity (auth-type: IDENTITY,
 * self-hosted runners in Azure), the AZURE_* variables, or, with none of these, the az CLI session a previous
 * azure/login step left (what azure/webapps-deploy uses).
 */

export type AzureLogin =
  | { kind: 'oidc'; tenantId: string; clientId: string; audience: string }
  | { kind: 'secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'identity'; clientId?: string }
  | { kind: 'environment' }
  | { kind: 'cli' };

/** The raw login inputs, as a stage's inputs.ts reads them. */
export interface AzureLoginInputs {
  clientId?: string;
  tenantId?: string;
  subscriptionId?: string;
  clientSecret?: string;
  creds?: string;
  authType?: string;
  audience?: string;
}

export const isGuid = (value: string) => names.azureGuid.test(value);

/**
 * A tenant as Entra's authority takes it (Microsoft identity platform docs, "Application configuration options:
 * authority"): the tenant ID (a GUID) or one of its verified domain names; `adfs` for AD FS (Azure Stack Hub).
 */
const tenantRule: NameRule = {
  says: `${names.azureGuid.says}, a verified domain name such as contoso.onmicrosoft.com, or adfs`,
  test: (value) =>
    names.azureGuid.test(value) ||
    value === 'adfs' ||
    /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value),
};

/** The fields of azure/login's `creds` JSON this suite uses (others, e.g. the endpoint URLs, are read too). */
export interface Creds {
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  subscriptionId?: string;
  resourceManagerEndpointUrl?: string;
  activeDirectoryEndpointUrl?: string;
}

/** Parses `creds` (azure/login's JSON), masking its secret before anything else can print it. */
export function parseCreds(raw: string): Creds {
  let creds: Creds;
  try {
    creds = JSON.parse(raw) as Creds;
  } catch {
    throw new InputError(
      "Input 'creds' is not JSON.",
      'Give the JSON of `az ad sp create-for-rbac --sdk-auth` (clientId, clientSecret, subscriptionId, tenantId), as azure/login takes it.',
    );
  }
  if (typeof creds !== 'object' || creds === null) throw new InputError("Input 'creds' must be a JSON object.");
  if (creds.clientSecret) mask(creds.clientSecret);
  if (!creds.clientId || !creds.tenantId)
    throw new InputError("Input 'creds' lacks clientId or tenantId.", 'Both are needed, as azure/login needs them.');
  return creds;
}

/** Picks the login from the inputs and the environment, in the order azure/login documents. */
export function resolveLogin(inputs: AzureLoginInputs, env: NodeJS.ProcessEnv): AzureLogin {
  const authType = (inputs.authType ?? 'SERVICE_PRINCIPAL').toUpperCase();
  if (!['SERVICE_PRINCIPAL', 'IDENTITY'].includes(authType))
    throw new InputError(`Input 'auth-type' must be SERVICE_PRINCIPAL or IDENTITY, got '${inputs.authType}'.`);
  if (authType === 'IDENTITY') {
    if (inputs.clientId) checkName('client-id', inputs.clientId, names.azureGuid);
    return { kind: 'identity', clientId: inputs.clientId };
  }
  const { clientId, tenantId, clientSecret } = inputs;
  if (clientId || tenantId || clientSecret) return servicePrincipal(inputs, env);
  if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID) return { kind: 'environment' };
  return { kind: 'cli' };
}

function servicePrincipal(inputs: AzureLoginInputs, env: NodeJS.ProcessEnv): AzureLogin {
  const { clientId = '', tenantId = '', clientSecret } = inputs;
  const missing = [!clientId && 'client-id', !tenantId && 'tenant-id'].filter(Boolean);
  if (missing.length) {
    throw new InputError(
      `The Azure login is half given: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing.`,
      'OpenID Connect needs client-id and tenant-id (and permissions: id-token: write); a client secret needs client-id, tenant-id and client-secret.',
    );
  }
  checkName('client-id', clientId, names.azureGuid);
  checkName('tenant-id', tenantId, tenantRule);
  if (clientSecret) return { kind: 'secret', clientId, tenantId, clientSecret };
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new InputError(
      'OpenID Connect login needs a GitHub ID token, and this job cannot request one.',
      'Add `permissions: id-token: write` to the job (or the workflow), or give client-secret instead.',
    );
  }
  return { kind: 'oidc', clientId, tenantId, audience: inputs.audience ?? 'api://AzureADTokenExchange' };
}

/** A GitHub ID token is reused while it has this long left; Entra refuses an expired one (AADSTS700024). */
const ID_TOKEN_MARGIN_MS = 60_000;

/** When a JWT expires (its exp claim), or 0 when it cannot be read. */
export function jwtExpiry(jwt: string): number {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp?: number };
    return (claims.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
}

let idToken: { key: string; token: Promise<string> } | undefined;

/**
 * The GitHub ID token for an Entra token exchange. GitHub's tokens live minutes, Entra's access tokens an hour or
 * less, and a deployment may outlast both: whenever an access token must be renewed, the credential asks for an
 * assertion again, and gets a fresh ID token unless the one held is still valid for a while. Keyed by the job's
 * token request URL and the audience, so a second run in one process does not reuse another job's token. The
 * request is bounded (request-timeout and the step's deadline), which the toolkit's getIDToken is not.
 */
export function githubIdToken(audience = 'api://AzureADTokenExchange', bounds = unbounded()): Promise<string> {
  const key = `${process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''} ${audience}`;
  const fresh = async () => {
    const held = idToken?.key === key ? await idToken.token.catch(() => '') : '';
    return held && jwtExpiry(held) - Date.now() > ID_TOKEN_MARGIN_MS ? held : '';
  };
  const token = fresh().then((held) => held || requestIdToken(audience, bounds));
  token.catch(() => (idToken = undefined));
  idToken = { key, token };
  return token;
}

/** GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with the job's request token, as the toolkit's getIDToken does. */
async function requestIdToken(audience: string, bounds: RequestBounds): Promise<string> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
  const requestToken = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
  mask(requestToken);
  let answer: Response;
  try {
    answer = await boundedFetch(bounds, 'GitHub ID token request', `${url}&audience=${encodeURIComponent(audience)}`, {
      headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
    });
  } catch (error) {
    if (error instanceof CloudError || error instanceof InputError || (error as Error).name === 'RequestTimedOut')
      throw error;
    throw new CloudError(`GitHub ID token request failed: ${(error as Error).message}`, 'NetworkError', undefined, {
      cause: error,
    });
  }
  const body = (await answer.json().catch(() => ({}))) as { value?: unknown; message?: unknown };
  if (answer.status !== 200 || typeof body.value !== 'string' || body.value === '') {
    throw new CloudError(
      `GitHub refused the ID token request (HTTP ${answer.status}${typeof body.message === 'string' ? `: ${body.message}` : ''}).`,
      'IdTokenRefused',
      'Check `permissions: id-token: write` on the job; rerun the job if its token expired.',
    );
  }
  mask(body.value);
  return body.value;
}

interface CloudOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

/** The credential for the login, on the cloud's authority; each of its requests bounded by `bounds`. */
export async function loginCredential(
  login: AzureLogin,
  cloud: CloudOptions,
  bounds: RequestBounds = unbounded(),
): Promise<TokenCredential> {
  return boundedCredential(await credentialFor(login, cloud, bounds), bounds);
}

async function credentialFor(login: AzureLogin, cloud: CloudOptions, bounds: RequestBounds): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const options = {
    ...cloud,
    additionalPolicies: [{ policy: boundsPolicy(bounds, 'Entra'), position: 'perRetry' as const }],
  };
  if (login.kind === 'secret')
    return new identity.ClientSecretCredential(login.tenantId, login.clientId, login.clientSecret, options);
  if (login.kind === 'oidc')
    return new identity.ClientAssertionCredential(
      login.tenantId,
      login.clientId,
      () => githubIdToken(login.audience, bounds),
      options,
    );
  if (login.kind === 'identity')
    return new identity.ManagedIdentityCredential({
      ...(login.clientId ? { clientId: login.clientId } : {}),
      additionalPolicies: options.additionalPolicies,
    });
  if (login.kind === 'cli') return cliCredential(new identity.AzureCliCredential());
  if (process.env.AZURE_CLIENT_SECRET) mask(process.env.AZURE_CLIENT_SECRET);
  return new identity.EnvironmentCredential(options);
}

/** The az CLI session's credential, masking each token it hands out and saying what to do when there is none. */
function cliCredential(cli: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        const token = await cli.getToken(scopes, options);
        if (token) mask(token.token);
        return token;
      } catch (error) {
        // The credential reports any az failure as "Please run 'az login'"; az's own words (an AADSTS code when the
        // session's GitHub ID token expired) say more, so they are asked for again.
        const said = await azError(scopes);
        if (/AADSTS\d+/.test(said)) throw Object.assign(new Error(said), { name: 'AuthenticationError' });
        const why = said || String((error as Error).message ?? error).split('\n')[0];
        throw new InputError(
          `No Azure login: no login inputs, no AZURE_* variables, and the az CLI session could not give a token (${why}).`,
          'Run azure/login before this step (as for azure/webapps-deploy), or give client-id and tenant-id (OpenID Connect, with permissions: id-token: write), creds, or auth-type: IDENTITY on a runner in Azure.',
          { cause: error },
        );
      }
    },
  };
}

/** What az says when asked for a token for the scope ('' when it gives one, or cannot be run). */
async function azError(scopes: string | string[]): Promise<string> {
  const scope = (Array.isArray(scopes) ? scopes[0] : scopes) ?? '';
  const { getExecOutput } = await import('@actions/exec');
  const args = ['account', 'get-access-token', '--output', 'json', '--resource', scope.replace(/\/\.default$/, '')];
  const answer = await getExecOutput('az', args, { silent: true, ignoreReturnCode: true }).catch(() => undefined);
  if (!answer || answer.exitCode === 0) return '';
  return (
    answer.stderr
      .replace(/^ERROR:\s*/m, '')
      .split(/\r?\n/)
      .find((line) => line.trim()) ?? ''
  );
}
