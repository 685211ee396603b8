import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_ID, readBody, send } from './entra.js';
import { startFakeAzure, type FakeAzure } from './index.js';
import type { ArmContext } from './arm.js';
import { APP_API_VERSIONS } from './container-apps-model.js';
import { containerAppsState, type ContainerAppsState } from './container-apps-state.js';
import { appRoute } from './container-apps-routes.js';

/**
 * The local Container Apps (Microsoft.App), mounted into the local Azure's ARM endpoint: managed environments,
 * container apps (PUT with Azure-AsyncOperation, PATCH with Location, as the ARM REST spec's x-ms-long-running-
 * operation options say), revisions (list, get, activate, deactivate, restart), replicas, listSecrets, and jobs
 * (start an execution, read it). Revisions run as real local processes (container-apps-runtime.ts) behind their own
 * HTTPS ports. Use `startContainerAppsAzure()`, or `containerApps(azure)` on a local Azure already started.
 */

export type { FakeContainerApp, FakeJob, FakeRevision } from './container-apps-model.js';
export type { ContainerAppsState } from './container-apps-state.js';

const states = new WeakMap<FakeAzure, ContainerAppsState>();

/** The Container Apps of a local Azure (made on first use; closed with it when started by startContainerAppsAzure). */
export function containerApps(azure: FakeAzure): ContainerAppsState {
  let state = states.get(azure);
  if (!state) {
    state = containerAppsState(azure);
    states.set(azure, state);
  }
  return state;
}

/** A local Azure with Container Apps: closing the Azure stops every replica, job and ingress port too. */
export async function startContainerAppsAzure(): Promise<{ azure: FakeAzure; apps: ContainerAppsState }> {
  const azure = await startFakeAzure();
  const apps = containerApps(azure);
  await apps.ready();
  const close = azure.close.bind(azure);
  azure.close = async () => {
    await apps.close();
    await close();
  };
  return { azure, apps };
}

const armError = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message } });

/**
 * The Microsoft.App routes, mounted in arm.ts after ARM's own checks (token, api-version present, throttling).
 * Refuses api-versions Microsoft.App lacks, writes by a reader, and unknown resource groups.
 */
export async function containerAppsRoute(
  ctx: ArmContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const state = containerApps(ctx.fake);
  const method = req.method ?? 'GET';
  const apiVersion = url.searchParams.get('api-version') ?? '';
  // ARM REST docs, "Resource providers and types": an api-version the provider lacks is refused by ARM.
  if (!APP_API_VERSIONS.includes(apiVersion)) {
    const type = /\/jobs/i.test(url.pathname) ? 'jobs' : 'containerApps';
    return armError(
      res,
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${APP_API_VERSIONS.join(', ')}'. The supported locations are 'westeurope, northeurope, eastus'.`,
    );
  }
  if (operationRoute(state, res, url, method)) return;
  const body = method === 'GET' ? '' : await readBody(req);
  const read = method === 'GET' || (method === 'POST' && /\/listSecrets$/i.test(url.pathname));
  if (!read && ctx.fake.role === 'reader') {
    const action = url.pathname.replace(/^.*\/providers\//, '').replace(/\/[^/]+(?=\/|$)/g, '');
    return armError(
      res,
      403,
      'AuthorizationFailed',
      `The client '${CLIENT_ID}' with object id '${CLIENT_ID}' does not have authorization to perform action '${action}/${method === 'POST' ? 'action' : 'write'}' over scope '${url.pathname}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  return appRoute(state, { res, url, method, body });
}

/**
 * The long-running operations (ARM async operations guide): Azure-AsyncOperation status URLs answer InProgress, then
 * Succeeded or Failed with the error; Location URLs answer 202 until done, then 200 with the result.
 */
function operationRoute(state: ContainerAppsState, res: ServerResponse, url: URL, method: string): boolean {
  const match = /\/locations\/[^/]+\/(containerappOperationStatuses|containerappOperationResults)\/([\w-]+)$/i.exec(
    url.pathname,
  );
  if (!match || method !== 'GET') return false;
  const operation = state.operations.get(match[2] ?? '');
  if (!operation) {
    armError(res, 404, 'NotFound', 'Operation not found.');
    return true;
  }
  const status = operation.polls-- > 0 ? { status: 'InProgress' as const } : operation.status();
  const byStatus = /Statuses$/i.test(match[1] ?? '');
  if (byStatus) {
    send(res, 200, {
      id: url.pathname,
      name: match[2],
      status: status.status,
      startTime: operation.startTime,
      ...(status.error ? { error: status.error } : {}),
    });
    return true;
  }
  if (status.status === 'InProgress') send(res, 202, undefined, { location: url.href, 'retry-after': '0' });
  else if (status.error) send(res, 400, { error: status.error });
  else send(res, 200, operation.result());
  return true;
}
