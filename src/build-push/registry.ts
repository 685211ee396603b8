import * as core from '@actions/core';
import { aws, awsError } from '../lib/aws.js';
import { ecrClient } from '../lib/ecr.js';
import { login } from '../lib/docker.js';
import { CloudError, InputError, TimeoutError } from '../lib/errors.js';
import { mask, scrub } from '../lib/secrets.js';

/**
 * Which registry an image goes to, and how to log in to it: ECR with the job's AWS credentials, ACR with a
 * username/password or an Entra token, GHCR with the GITHUB_TOKEN, anything else with a username/password.
 */

export const REGISTRY_TYPES = ['auto', 'ecr', 'acr', 'ghcr', 'basic'] as const;
export type RegistryType = Exclude<(typeof REGISTRY_TYPES)[number], 'auto'>;

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export function detectRegistryType(host: string): RegistryType {
  if (ECR_HOST.test(host)) return 'ecr';
  if (host.endsWith('.azurecr.io') || host.endsWith('.azurecr.cn') || host.endsWith('.azurecr.us')) return 'acr';
  if (host === 'ghcr.io') return 'ghcr';
  return 'basic';
}

/** Account and region from an ECR host, when the host is one. */
export function parseEcrHost(host: string): { account: string; region: string } | undefined {
  const match = ECR_HOST.exec(host);
  return match ? { account: match[1] ?? '', region: match[2] ?? '' } : undefined;
}

export interface Credentials {
  username?: string;
  password?: string;
  githubToken?: string;
  githubActor?: string;
  azureAccessToken?: string;
  /** The most one request to a registry's own API (ACR's token exchange) may take; 30 s when unset. */
  requestTimeoutMs?: number;
}

export type LoginPlan =
  | { type: 'ecr'; host: string; registryId?: string; region?: string; createRepository: boolean }
  | { type: 'acr'; host: string; username: string; password: string }
  | { type: 'acr-token'; host: string; accessToken: string; timeoutMs?: number }
  | { type: 'basic' | 'ghcr'; host: string; username: string; password: string }
  | { type: 'none'; host: string };

/**
 * Decides how to log in before anything runs, so a registry that needs credentials none of which are
 * available fails at once with what to give.
 */
export function planLogin(
  host: string,
  type: RegistryType,
  credentials: Credentials,
  ecr: { registryId?: string; region?: string; createRepository: boolean },
  /** Whether Docker's config already holds a login for host (an earlier docker/login-action step). */
  loggedIn = false,
): LoginPlan {
  const { username, password } = credentials;
  if ((username === undefined) !== (password === undefined)) {
    throw new InputError(
      `Only one of 'username' and 'password' is given for ${host}.`,
      'Give both, or neither to use the login this registry type finds itself.',
    );
  }
  // A login an earlier step left (docker/login-action, azure/docker-login) is used as it is.
  if (loggedIn && !username && (type === 'acr' || type === 'basic')) return { type: 'none', host };
  switch (type) {
    case 'ecr': {
      const parsed = parseEcrHost(host);
      return {
        type: 'ecr',
        host,
        registryId: ecr.registryId ?? parsed?.account,
        region: ecr.region ?? parsed?.region,
        createRepository: ecr.createRepository,
      };
    }
    case 'acr':
      if (username && password) return { type: 'acr', host, username, password };
      if (credentials.azureAccessToken) {
        const { azureAccessToken: accessToken, requestTimeoutMs: timeoutMs } = credentials;
        return { type: 'acr-token', host, accessToken, ...(timeoutMs ? { timeoutMs } : {}) };
      }
      throw new InputError(
        `Azure Container Registry ${host} needs credentials and none were given.`,
        "Give 'username' and 'password' (a service principal or the admin user), or 'azure-access-token' (e.g. from azure/login: az account get-access-token --query accessToken -o tsv).",
      );
    case 'ghcr': {
      const token = password ?? credentials.githubToken;
      const user = username ?? credentials.githubActor;
      if (!token || !user) {
        throw new InputError(
          `GitHub Container Registry ${host} needs a token and none was available.`,
          "Pass 'github-token: ${{ github.token }}' (with `permissions: packages: write`) or 'username'/'password' with a personal access token.",
        );
      }
      return { type: 'ghcr', host, username: user, password: token };
    }
    case 'basic':
      return basicLogin(host, username, password);
  }
}

/** Any other registry: the username and password given, else Docker's own login (none needed for a local one). */
function basicLogin(host: string, username?: string, password?: string): LoginPlan {
  if (username && password) return { type: 'basic', host, username, password };
  if (host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io') {
    throw new InputError(
      'Pushing to Docker Hub needs credentials and none were given.',
      "Give 'username' and 'password' (a Docker Hub access token), or log in with docker/login-action before this step.",
    );
  }
  if (host === 'public.ecr.aws') {
    throw new InputError(
      'Pushing to Amazon ECR Public needs a login and none was found.',
      "Run aws-actions/amazon-ecr-login with 'registry-type: public' before this step (its login is used), or give 'username: AWS' and 'password' from `aws ecr-public get-login-password --region us-east-1`.",
    );
  }
  return { type: 'none', host };
}

/** Logs in as planned; for ECR, also makes sure the repository exists (or creates it when asked). */
export async function logIn(plan: LoginPlan, repository: string): Promise<void> {
  switch (plan.type) {
    case 'none':
      core.info(
        `No credentials given for ${plan.host}: using the login Docker already has (an earlier step's), if any.`,
      );
      return;
    case 'basic':
    case 'ghcr':
    case 'acr':
      return login(plan.host, plan.username, plan.password, hintFor(plan.type));
    case 'acr-token': {
      mask(plan.accessToken);
      const refreshToken = await exchangeAcrToken(plan.host, plan.accessToken, plan.timeoutMs);
      return login(plan.host, '00000000-0000-0000-0000-000000000000', refreshToken, hintFor('acr'));
    }
    case 'ecr':
      return ecrLogin(plan, repository);
  }
}

function hintFor(type: string): string {
  if (type === 'ghcr') return 'The token needs `permissions: packages: write` on the job (or write:packages on a PAT).';
  if (type === 'acr') return 'Check the service principal or token: it needs the AcrPush role on this registry.';
  return 'Check the username and password for this registry.';
}

/** Loopback registries speak plain HTTP, as Docker itself allows them to; every other one HTTPS. */
export function exchangeUrl(host: string): string {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}/oauth2/exchange`;
}

/** Answers worth asking again: ACR's own throttling and server errors (Azure's retry guidance). */
const retriable = (status: number) => status === 429 || status >= 500;
const attempts = 3;

/**
 * ACR trades an Entra access token for a registry refresh token at /oauth2/exchange. Each request is bounded by
 * `timeoutMs`; throttling, a 5xx or a reset is asked again (3 tries in all, 1 s then 2 s apart); a refusal is
 * not. What ACR answers is scrubbed before it is quoted: an error body may echo the token it was sent.
 */
export async function exchangeAcrToken(host: string, accessToken: string, timeoutMs = 30_000): Promise<string> {
  const url = exchangeUrl(host);
  for (let attempt = 1; ; attempt++) {
    const answer = await exchangeOnce(url, host, accessToken, timeoutMs);
    const last = attempt === attempts;
    if ('error' in answer) {
      if (last) throw new CloudError(`The ACR token exchange at ${url} failed: ${scrub(answer.error)}`, 'NetworkError');
    } else if (answer.ok) {
      const token = (JSON.parse(answer.text) as { refresh_token?: string }).refresh_token;
      if (!token) throw new CloudError(`The ACR token exchange at ${url} returned no refresh_token.`, 'AcrExchange');
      mask(token);
      return token;
    } else if (!retriable(answer.status) || last) {
      throw new CloudError(
        `The ACR token exchange at ${url} was refused (HTTP ${answer.status}${attempt > 1 ? `, try ${attempt} of ${attempts}` : ''}): ${scrub(answer.text.slice(0, 200))}`,
        `HTTP_${answer.status}`,
        'The Entra token must be for https://management.azure.com/ or https://containerregistry.azure.net and its identity needs AcrPush on the registry.',
      );
    }
    core.info(
      `The ACR token exchange answered ${'error' in answer ? answer.error : `HTTP ${answer.status}`}; asking again.`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

type ExchangeAnswer = { ok: boolean; status: number; text: string } | { error: string };

async function exchangeOnce(
  url: string,
  host: string,
  accessToken: string,
  timeoutMs: number,
): Promise<ExchangeAnswer> {
  const body = new URLSearchParams({
    grant_type: 'access_token',
    service: host.replace(/:\d+$/, ''),
    access_token: accessToken,
  });
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { ok: response.ok, status: response.status, text: await response.text() };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new TimeoutError(
        `The ACR token exchange at ${url} did not answer within ${timeoutMs / 1000} s; nothing was pushed.`,
        "Check that the registry is reachable from the runner; raise 'request-timeout' if it is only slow.",
      );
    }
    return { error: String((error as Error).cause ?? error) };
  }
}

async function ecrLogin(plan: Extract<LoginPlan, { type: 'ecr' }>, repository: string): Promise<void> {
  const ecr = await import('@aws-sdk/client-ecr');
  const client = await ecrClient({ region: plan.region, stage: 'build-push' });
  const registryIds = plan.registryId ? [plan.registryId] : undefined;
  const auth = await aws('ecr:GetAuthorizationToken', () =>
    client.send(new ecr.GetAuthorizationTokenCommand(registryIds ? { registryIds } : {})),
  );
  const token = auth.authorizationData?.[0]?.authorizationToken;
  if (!token) throw new CloudError('ecr:GetAuthorizationToken returned no token.', 'EmptyToken');
  mask(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  const [username, password] = [decoded.slice(0, at), decoded.slice(at + 1)];
  mask(password);
  await login(
    plan.host,
    username,
    password,
    'The ECR token was refused: check that the registry host matches the account and region.',
  );

  try {
    await client.send(
      new ecr.DescribeRepositoriesCommand({
        repositoryNames: [repository],
        ...(plan.registryId ? { registryId: plan.registryId } : {}),
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'RepositoryNotFoundException') {
      throw awsError(error, 'ecr:DescribeRepositories');
    }
    if (!plan.createRepository) {
      throw new CloudError(
        `The ECR repository '${repository}' does not exist.`,
        'RepositoryNotFoundException',
        "Create it (Terraform, console), or set 'create-repository: true' to have this action create it.",
      );
    }
    await aws('ecr:CreateRepository', () =>
      client.send(
        new ecr.CreateRepositoryCommand({
          repositoryName: repository,
          imageScanningConfiguration: { scanOnPush: true },
          ...(plan.registryId ? { registryId: plan.registryId } : {}),
        }),
      ),
    );
    core.notice(`Created the ECR repository '${repository}'.`);
  }
}
