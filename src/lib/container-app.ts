import * as core from '@actions/core';
import type {
  ContainerApp,
  ContainerAppsAPIClient,
  JobExecution,
  JobExecutionTemplate,
  Replica,
  Revision,
  Secret,
  TrafficWeight,
} from '@azure/arm-appcontainers';
import { armTarget, azure, azureCredential, statusOf, targetBounds, type AzureTarget } from './azure.js';
import { boundsPolicy } from './azure-bounds.js';
import { formatDuration } from './duration.js';
import { checkName, names } from './names.js';

/**
 * One Azure container app through ARM (Microsoft.App), for deploy-azure's `target: containerapp` and rollback:
 * the client, the app, its revisions and replicas, traffic, and jobs. Every call names itself in errors (azure()).
 */

export interface AppRef {
  client: ContainerAppsAPIClient;
  resourceGroup: string;
  app: string;
  /** The first wait between polls (and before retrying a write the app refused as busy). */
  intervalMs: number;
  /** Until when (epoch ms) a write refused with 409 is retried; undefined: not retried. */
  deadline?: number;
}

/**
 * A write to the app. Container Apps answers 409 (ContainerAppOperationInProgress) while another operation runs on
 * the app (a deployment from elsewhere, a revision restart): the write is retried with backoff until the deadline.
 */
async function write<T>(ref: AppRef, operation: string, call: () => Promise<T>): Promise<T> {
  let wait = Math.max(50, ref.intervalMs);
  for (;;) {
    try {
      return await azure(operation, call);
    } catch (error) {
      if (statusOf(error) !== 409 || ref.deadline === undefined || Date.now() + wait > ref.deadline) throw error;
      core.info(`  ${operation}: another operation is in progress on ${ref.app}; retrying in ${formatDuration(wait)}`);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 15_000);
    }
  }
}

/** A container app or job name as Container Apps allows it, checked so a typo fails before a request. */
export const checkContainerAppName = (input: string, value: string) => checkName(input, value, names.azureContainerApp);

/** The Container Apps client of a step, with the login, cloud and request bounds of the target. */
export async function containerAppsClient(target: AzureTarget, stage: string): Promise<ContainerAppsAPIClient> {
  const { ContainerAppsAPIClient } = await import('@azure/arm-appcontainers');
  const bounds = targetBounds(target);
  const credential = await azureCredential(target, bounds);
  const { subscriptionId, resourceManager } = await armTarget(target);
  const client = new ContainerAppsAPIClient(credential, subscriptionId, {
    endpoint: resourceManager,
    credentials: { scopes: [`${resourceManager}/.default`] },
    userAgentOptions: { userAgentPrefix: `deploy-actions/${stage}` },
    retryOptions: { maxRetries: 4 },
  });
  client.pipeline.addPolicy(boundsPolicy(bounds, 'ARM'), { afterPhase: 'Sign' });
  return client;
}

export function readApp(ref: AppRef): Promise<ContainerApp> {
  return azure(`Get container app ${ref.app}`, () => ref.client.containerApps.get(ref.resourceGroup, ref.app));
}

/** The app's secrets with their values (GET answers names only; a PUT must carry the values). */
export async function readSecrets(ref: AppRef): Promise<Secret[]> {
  const listed = await azure(`List the secrets of ${ref.app}`, () =>
    ref.client.containerApps.listSecrets(ref.resourceGroup, ref.app),
  );
  return listed.value.map((s) => ({ name: s.name, value: s.value, keyVaultUrl: s.keyVaultUrl, identity: s.identity }));
}

export function readRevision(ref: AppRef, revision: string): Promise<Revision> {
  return azure(`Get revision ${revision}`, () =>
    ref.client.containerAppsRevisions.getRevision(ref.resourceGroup, ref.app, revision),
  );
}

export async function listRevisions(ref: AppRef): Promise<Revision[]> {
  return azure(`List the revisions of ${ref.app}`, async () => {
    const found: Revision[] = [];
    for await (const revision of ref.client.containerAppsRevisions.listRevisions(ref.resourceGroup, ref.app))
      found.push(revision);
    return found;
  });
}

export async function listReplicas(ref: AppRef, revision: string): Promise<Replica[]> {
  const listed = await azure(`List the replicas of ${revision}`, () =>
    ref.client.containerAppsRevisionReplicas.listReplicas(ref.resourceGroup, ref.app, revision),
  );
  return listed.value;
}

/**
 * Writes the app (PUT, a long-running operation): a changed template makes a new revision. Returns once ARM took the
 * request; `done` settles when the operation ends (it fails with ARM's reason when the revision fails to provision).
 */
export async function writeApp(
  ref: AppRef,
  envelope: ContainerApp,
  signal: AbortSignal,
): Promise<{ done: Promise<ContainerApp> }> {
  // The poller is itself a promise of the result: it is handed on wrapped, not awaited here.
  const { poller } = await write(ref, `Update container app ${ref.app}`, async () => {
    const started = ref.client.containerApps.createOrUpdate(ref.resourceGroup, ref.app, envelope, {
      updateIntervalInMs: ref.intervalMs,
      abortSignal: signal,
    });
    await started.submitted();
    return { poller: started };
  });
  const done = azure(`Provision the new revision of ${ref.app}`, () => poller.pollUntilDone());
  done.catch(() => undefined);
  return { done };
}

/** Sets the app's traffic (PATCH, JSON merge patch of ingress.traffic only) and waits until ARM applied it. */
export async function setTraffic(ref: AppRef, location: string, traffic: TrafficWeight[]): Promise<void> {
  const shown = traffic.map((t) => `${t.revisionName ?? 'latest'}=${t.weight}${t.label ? ` (${t.label})` : ''}`);
  core.info(`  traffic: ${shown.join(', ')}`);
  await write(ref, `Set the traffic of ${ref.app}`, () =>
    ref.client.containerApps.update(
      ref.resourceGroup,
      ref.app,
      { location, configuration: { ingress: { traffic } } },
      { updateIntervalInMs: ref.intervalMs },
    ),
  );
}

export async function activateRevision(ref: AppRef, revision: string): Promise<void> {
  await write(ref, `Activate revision ${revision}`, () =>
    ref.client.containerAppsRevisions.activateRevision(ref.resourceGroup, ref.app, revision),
  );
}

export async function deactivateRevision(ref: AppRef, revision: string): Promise<void> {
  await write(ref, `Deactivate revision ${revision}`, () =>
    ref.client.containerAppsRevisions.deactivateRevision(ref.resourceGroup, ref.app, revision),
  );
}

/** Starts an execution of a job (its own template, or `template` for this run) and answers its name. */
export async function startJob(ref: AppRef, job: string, template?: JobExecutionTemplate): Promise<string> {
  const started = await azure(`Start job ${job}`, () =>
    ref.client.jobs.start(ref.resourceGroup, job, { template, updateIntervalInMs: ref.intervalMs }),
  );
  return started.name ?? '';
}

export function readExecution(ref: AppRef, job: string, execution: string): Promise<JobExecution> {
  return azure(`Get execution ${execution} of job ${job}`, () =>
    ref.client.jobExecution(ref.resourceGroup, job, execution),
  );
}
