import { CloudError, type TimeoutError } from '../lib/errors.js';
import { gitHubError as commentError, type GitHubClient } from '../lib/github.js';
import { scrub } from '../lib/secrets.js';
import type { PreviewState } from './inputs.js';

/**
 * The GitHub deployment of a preview environment: one per push, its statuses telling GitHub (and the pull
 * request's "View deployment" button) where the preview is and whether it works.
 */

/** As the shared GitHub errors, with the permission a deployment call needs. */
function gitHubError(error: unknown, operation: string): CloudError | TimeoutError {
  const base = commentError(error, operation);
  if (!(base instanceof CloudError) || base.code !== 'HTTP_403') return base;
  return new CloudError(
    base.message,
    base.code,
    'The token may not write deployments: give the job `permissions: deployments: write` (forks get a read-only token).',
    { cause: error },
  );
}

export interface Repository {
  owner: string;
  repo: string;
}

export interface Deployment {
  id: number;
  sha: string;
  environment: string;
}

/** Where a preview's deployments are: the repository, the environment, and the client that reaches them. */
export interface DeploymentTarget {
  client: GitHubClient;
  repository: Repository;
  environment: string;
}

export async function createDeployment(
  { client, repository, environment }: DeploymentTarget,
  ref: string,
  description: string,
): Promise<Deployment> {
  try {
    const { data } = await client.rest.repos.createDeployment({
      ...repository,
      ref,
      environment,
      description: scrub(description),
      // A preview is not production, goes away with its pull request, and must not merge the base branch in.
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
    });
    if (!('id' in data))
      throw new Error(`GitHub did not create the deployment: ${(data as { message?: string }).message ?? ''}`);
    return { id: data.id, sha: data.sha, environment: data.environment };
  } catch (error) {
    throw gitHubError(error, `creating a deployment of ${ref} to ${environment}`);
  }
}

/** The newest deployment of this commit to the environment, if any. */
export async function findDeployment(
  { client, repository, environment }: DeploymentTarget,
  sha: string,
): Promise<Deployment | undefined> {
  try {
    const { data } = await client.rest.repos.listDeployments({ ...repository, environment, sha, per_page: 1 });
    const found = data[0];
    return found ? { id: found.id, sha: found.sha, environment: found.environment } : undefined;
  } catch (error) {
    throw gitHubError(error, `listing the deployments to ${environment}`);
  }
}

export interface StatusDetails {
  state: PreviewState;
  environmentUrl?: string;
  logUrl?: string;
  description?: string;
}

/**
 * A status's fields as GitHub takes them. A status leaves the runner unmasked (the pull request page, the
 * deployments API), so every masked value is scrubbed from it.
 */
function statusFields({ state, environmentUrl, logUrl, description }: StatusDetails) {
  return {
    state,
    ...(environmentUrl ? { environment_url: scrub(environmentUrl) } : {}),
    ...(logUrl ? { log_url: scrub(logUrl) } : {}),
    ...(description ? { description: scrub(description).slice(0, 140) } : {}),
  };
}

export async function setStatus(
  { client, repository }: DeploymentTarget,
  deployment: Deployment,
  status: StatusDetails,
): Promise<void> {
  try {
    await client.rest.repos.createDeploymentStatus({
      ...repository,
      deployment_id: deployment.id,
      ...statusFields(status),
    });
  } catch (error) {
    throw gitHubError(error, `setting deployment ${deployment.id} to ${status.state}`);
  }
}

/**
 * Marks every deployment of the environment inactive that is not already, so GitHub shows the preview as
 * gone. Returns how many were marked and the last URL the preview had.
 */
export async function deactivateAll(
  { client, repository, environment }: DeploymentTarget,
  logUrl?: string,
): Promise<{ marked: number; lastUrl?: string }> {
  let marked = 0;
  let lastUrl: string | undefined;
  try {
    const deployments = await client.paginate(client.rest.repos.listDeployments, {
      ...repository,
      environment,
      per_page: 100,
    });
    for (const deployment of deployments) {
      const { data: statuses } = await client.rest.repos.listDeploymentStatuses({
        ...repository,
        deployment_id: deployment.id,
        per_page: 1,
      });
      lastUrl ??= statuses[0]?.environment_url || undefined;
      if (statuses[0]?.state === 'inactive') continue;
      await client.rest.repos.createDeploymentStatus({
        ...repository,
        deployment_id: deployment.id,
        ...statusFields({
          state: 'inactive',
          logUrl,
          description: 'The pull request was closed and its preview deleted.',
        }),
      });
      marked++;
    }
  } catch (error) {
    throw gitHubError(error, `marking the deployments to ${environment} inactive`);
  }
  return { marked, lastUrl };
}
