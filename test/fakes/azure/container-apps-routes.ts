import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { send } from './entra.js';
import {
  appId,
  appJson,
  executionJson,
  replicaJson,
  revisionJson,
  type ConfigurationJson,
  type FakeContainerApp,
  type FakeExecution,
  type FakeJob,
  type TemplateJson,
} from './container-apps-model.js';
import {
  checkAppName,
  checkMode,
  checkSecrets,
  checkSuffix,
  checkTemplate,
  checkTraffic,
  type Refusal,
} from './container-apps-rules.js';
import { startProcess } from './container-apps-runtime.js';
import type { ContainerAppsState, Operation } from './container-apps-state.js';

/** The Microsoft.App resource routes of the local Container Apps (see container-apps.ts). */

export interface Call {
  res: ServerResponse;
  url: URL;
  method: string;
  body: string;
}

const armError = (res: ServerResponse, { status, code, message }: Refusal) =>
  send(res, status, { error: { code, message } });

/** ARM's 404 for a resource that does not exist, in ARM's words. */
const notFound = (type: string, rg: string): Refusal => ({
  status: 404,
  code: 'ResourceNotFound',
  message: `The Resource '${type}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
});

const PATH =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/(managedEnvironments|containerApps|jobs)\/([^/]+)(\/.*)?$/i;

export async function appRoute(state: ContainerAppsState, call: Call): Promise<void> {
  const match = PATH.exec(call.url.pathname);
  if (!match)
    return armError(call.res, {
      status: 404,
      code: 'InvalidResourceType',
      message: "The resource type could not be found in the namespace 'Microsoft.App'.",
    });
  const [, rg = '', kind = '', name = '', rest = ''] = match;
  const known = [...state.environments.values(), ...state.apps.values(), ...state.jobs.values()];
  if (!known.some((r) => r.resourceGroup === rg))
    return armError(call.res, {
      status: 404,
      code: 'ResourceGroupNotFound',
      message: `Resource group '${rg}' could not be found.`,
    });
  if (kind.toLowerCase() === 'managedenvironments') {
    const env = state.environments.get(`${rg}/${name}`);
    if (!env || call.method !== 'GET' || rest)
      return armError(call.res, notFound(`Microsoft.App/managedEnvironments/${name}`, rg));
    return send(call.res, 200, {
      id: appId(rg, 'managedEnvironments', name),
      name,
      type: 'Microsoft.App/managedEnvironments',
      location: env.location,
      properties: { provisioningState: 'Succeeded', defaultDomain: env.defaultDomain, staticIp: '20.0.0.2' },
    });
  }
  if (kind.toLowerCase() === 'jobs') return jobRoute(state, call, rg, name, rest);
  return containerAppRoute(state, call, rg, name, rest);
}

async function containerAppRoute(state: ContainerAppsState, call: Call, rg: string, name: string, rest: string) {
  const { res, method } = call;
  const app = state.apps.get(`${rg}/${name}`);
  if (app) state.settle(app);
  if (rest === '' && (method === 'PUT' || method === 'PATCH')) return writeApp(state, call, rg, name, app);
  if (!app) return armError(res, notFound(`Microsoft.App/containerApps/${name}`, rg));
  if (rest === '' && method === 'GET') return send(res, 200, appJson(app));
  // ARM REST spec, ContainerApps_ListSecrets: the secrets with their values (Key Vault ones by reference).
  if (/^\/listSecrets$/i.test(rest) && method === 'POST')
    return send(res, 200, { value: app.configuration.secrets ?? [] });
  if (rest === '/revisions' && method === 'GET')
    return send(res, 200, { value: [...app.revisions.values()].map((r) => revisionJson(app, r)) });
  const revisionMatch = /^\/revisions\/([^/]+)(\/.*)?$/.exec(rest);
  const revision = app.revisions.get(revisionMatch?.[1] ?? '');
  if (!revisionMatch)
    return armError(res, {
      status: 405,
      code: 'MethodNotAllowed',
      message: `${method} ${rest} is not supported by this stand-in.`,
    });
  if (!revision)
    return armError(res, notFound(`Microsoft.App/containerApps/${name}/revisions/${revisionMatch[1]}`, rg));
  const sub = revisionMatch[2] ?? '';
  if (sub === '' && method === 'GET') return send(res, 200, revisionJson(app, revision));
  if (sub === '/replicas' && method === 'GET')
    return send(res, 200, { value: revision.replicas.map((r) => replicaJson(app, revision, r)) });
  const replica = revision.replicas.find((r) => sub === `/replicas/${r.name}`);
  if (replica && method === 'GET') return send(res, 200, replicaJson(app, revision, replica));
  // ARM REST spec, ContainerAppsRevisions_ActivateRevision / DeactivateRevision / RestartRevision: 200, no body.
  if (method === 'POST' && sub === '/activate') return (state.activate(app, revision), send(res, 200));
  if (method === 'POST' && sub === '/deactivate') return (await state.deactivate(revision), send(res, 200));
  if (method === 'POST' && sub === '/restart') {
    await state.deactivate(revision);
    state.activate(app, revision);
    return send(res, 200);
  }
  return armError(res, notFound(`Microsoft.App/containerApps/${name}/revisions/${revision.name}${sub}`, rg));
}

/** RFC 7396 JSON merge patch, as ContainerApps_Update applies its body ("Patches a Container App using JSON Merge Patch"). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

interface Envelope {
  location?: string;
  identity?: FakeContainerApp['identity'];
  properties?: {
    environmentId?: string;
    managedEnvironmentId?: string;
    configuration?: ConfigurationJson;
    template?: TemplateJson;
  };
}

/**
 * PUT (create or replace) and PATCH (merge) of a container app. A template that differs from the app's makes a new
 * revision (Container Apps docs, "Revisions: revision-scope changes"), named `<app>--<revisionSuffix>` (a random
 * suffix when none is given); the operation lasts until that revision left Provisioning, and fails with
 * ContainerAppOperationError when it failed. 409 while another operation holds the app.
 */
async function writeApp(state: ContainerAppsState, call: Call, rg: string, name: string, app?: FakeContainerApp) {
  const { res, method, url } = call;
  if (app?.operation && state.operations.get(app.operation)?.status().status === 'InProgress')
    return armError(res, {
      status: 409,
      code: 'ContainerAppOperationInProgress',
      message: `Cannot modify a container app '${name}' because there is a pending operation that has not been completed yet. Please try again later.`,
    });
  if (method === 'PATCH' && !app) return armError(res, notFound(`Microsoft.App/containerApps/${name}`, rg));
  let sent: Envelope;
  try {
    sent = JSON.parse(call.body || '{}') as Envelope;
  } catch {
    return armError(res, {
      status: 400,
      code: 'InvalidRequestContent',
      message: 'The request content was invalid and could not be deserialized.',
    });
  }
  const current = app && { properties: { configuration: withSecretValues(app), template: app.template } };
  const envelope = (method === 'PATCH' ? mergePatch(current, sent) : sent) as Envelope;
  const configuration = envelope.properties?.configuration ?? {};
  const template = envelope.properties?.template ?? {};
  const refusal = checkWrite(state, app, name, rg, envelope);
  if (refusal) return armError(res, refusal);
  const changed = !app || JSON.stringify(template) !== JSON.stringify(app.template);
  const suffix = template.revisionSuffix || randomSuffix();
  const created = changed ? `${name}--${suffix}` : undefined;
  if (created && app?.revisions.has(created))
    return armError(res, {
      status: 400,
      code: 'ContainerAppInvalidRevisionSuffix',
      message: `Revision '${created}' already exists with another template: a template change needs a new revisionSuffix.`,
    });
  const trafficRefusal = checkTraffic(app, configuration, created);
  if (trafficRefusal) return armError(res, trafficRefusal);
  if (!app)
    return armError(res, {
      status: 400,
      code: 'ContainerAppCreateNotSupported',
      message: 'This stand-in creates container apps from tests (addApp) only.',
    });
  app.configuration = configuration;
  app.template = template;
  const revision = created ? await state.createRevision(app, { ...template, revisionSuffix: suffix }) : undefined;
  if (configuration.activeRevisionsMode !== 'Multiple' && revision)
    for (const other of app.revisions.values()) if (other !== revision) await state.deactivate(other);
  await state.syncLabels(app);
  app.provisioningState = revision ? 'InProgress' : 'Succeeded';
  const operation: Omit<Operation, 'startTime'> = {
    polls: state.operationPolls,
    status() {
      if (!revision) return ((app.operation = undefined), { status: 'Succeeded' });
      state.settle(app);
      if (revision.provisioningState === 'Provisioning') return { status: 'InProgress' };
      app.operation = undefined;
      if (revision.provisioningState === 'Provisioned')
        return ((app.provisioningState = 'Succeeded'), { status: 'Succeeded' });
      app.provisioningState = 'Failed';
      return {
        status: 'Failed',
        error: {
          code: 'ContainerAppOperationError',
          message: `Failed to provision revision for container app '${name}'. Error details: ${revision.provisioningError ?? ''}`,
        },
      };
    },
    result: () => appJson(app),
  };
  const urls = startOperation(state, url, operation);
  app.operation = urls.id;
  if (method === 'PUT')
    return send(res, 200, appJson(app), { 'azure-asyncoperation': urls.status, 'retry-after': '0' });
  return send(res, 202, undefined, { location: urls.result, 'azure-asyncoperation': urls.status, 'retry-after': '0' });
}

/** The configuration as written, secret values included (a PATCH keeps the values it does not name). */
const withSecretValues = (app: FakeContainerApp): ConfigurationJson => structuredClone(app.configuration);

function checkWrite(
  state: ContainerAppsState,
  app: FakeContainerApp | undefined,
  name: string,
  rg: string,
  envelope: Envelope,
): Refusal | undefined {
  const configuration = envelope.properties?.configuration ?? {};
  const template = envelope.properties?.template ?? {};
  if (!app) {
    const named = checkAppName(name);
    if (named) return named;
    const environment = envelope.properties?.environmentId ?? envelope.properties?.managedEnvironmentId ?? '';
    const envName = /\/managedEnvironments\/([^/]+)$/i.exec(environment)?.[1] ?? '';
    if (![...state.environments.values()].some((e) => e.name === envName))
      return notFound(`Microsoft.App/managedEnvironments/${envName}`, rg);
  }
  return (
    checkMode(configuration) ??
    checkTemplate(template) ??
    checkSuffix(name, template.revisionSuffix) ??
    checkSecrets(configuration, template)
  );
}

/** Starts an operation; its URLs as the resource provider gives them (Azure-AsyncOperation, Location). */
function startOperation(state: ContainerAppsState, url: URL, operation: Omit<Operation, 'startTime'>) {
  const id = randomUUID();
  state.operations.set(id, { ...operation, startTime: new Date().toISOString() });
  const subscription = /^\/subscriptions\/([^/]+)/.exec(url.pathname)?.[1] ?? '';
  const base = `${url.origin}/subscriptions/${subscription}/providers/Microsoft.App/locations/westeurope`;
  const version = `?api-version=${url.searchParams.get('api-version')}`;
  return {
    id,
    status: `${base}/containerappOperationStatuses/${id}${version}&azureAsyncOperation=true`,
    result: `${base}/containerappOperationResults/${id}${version}`,
  };
}

/** A revision suffix as Container Apps makes one when none is given: seven lower-case letters and digits. */
const randomSuffix = () => [...randomBytes(7)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

/**
 * Jobs (ARM REST spec, Jobs_Start, Jobs_ExecutionsList, Job_Execution): a start makes an execution from the job's
 * template (or the template given), a real local process whose exit code decides Succeeded or Failed; one that runs
 * past replicaTimeout is stopped and Failed. The start is a Location LRO that ends once the execution exists.
 */
async function jobRoute(state: ContainerAppsState, call: Call, rg: string, name: string, rest: string) {
  const { res, method } = call;
  const job = state.jobs.get(`${rg}/${name}`);
  if (!job) return armError(res, notFound(`Microsoft.App/jobs/${name}`, rg));
  if (rest === '/start' && method === 'POST') return startExecution(state, call, job);
  if (rest === '/executions' && method === 'GET')
    return send(res, 200, { value: [...job.executions.values()].map((e) => executionJson(job, e)) });
  const execution = job.executions.get(/^\/executions\/([^/]+)$/.exec(rest)?.[1] ?? '');
  if (execution && method === 'GET') return send(res, 200, executionJson(job, execution));
  if (rest === '' && method === 'GET')
    return send(res, 200, {
      id: appId(rg, 'jobs', name),
      name,
      type: 'Microsoft.App/jobs',
      location: job.location,
      properties: {
        provisioningState: 'Succeeded',
        runningState: 'Ready',
        environmentId: appId(rg, 'managedEnvironments', job.environment.name),
        configuration: job.configuration,
        template: job.template,
      },
    });
  return armError(res, notFound(`Microsoft.App/jobs/${name}${rest}`, rg));
}

async function startExecution(state: ContainerAppsState, call: Call, job: FakeJob) {
  const given = call.body ? (JSON.parse(call.body) as TemplateJson) : undefined;
  const template: TemplateJson = given?.containers?.length ? given : job.template;
  const refusal = checkTemplate(template) ?? checkSecrets(job.configuration, template);
  if (refusal) return armError(call.res, refusal);
  const execution: FakeExecution = {
    name: `${job.name}-${randomSuffix()}`,
    startTime: new Date().toISOString(),
    status: 'Running',
    template,
  };
  job.executions.set(execution.name, execution);
  const container = template.containers?.[0] ?? {};
  const image = container.image ?? '';
  const env: Record<string, string> = {
    CONTAINER_APP_JOB_NAME: job.name,
    CONTAINER_APP_JOB_EXECUTION_NAME: execution.name,
  };
  for (const item of container.env ?? []) env[item.name] = item.value ?? '';
  const finish = () => {
    const code = execution.process?.exitCode;
    if (code === undefined || execution.endTime) return;
    Object.assign(execution, {
      exitCode: code,
      endTime: new Date().toISOString(),
      status: code === 0 ? 'Succeeded' : 'Failed',
    });
  };
  execution.process = await startProcess(
    {
      role: 'job',
      image,
      behaviour: (state.runtime.jobBehaviour ?? state.runtime.behaviour)(image),
      version: state.runtime.versionOf(image),
      env,
      args: [...(container.command ?? []), ...(container.args ?? [])],
      startMs: 0,
    },
    finish,
  );
  setTimeout(() => void execution.process?.stop(), job.configuration.replicaTimeout * 1000).unref();
  const body = {
    id: `${appId(job.resourceGroup, 'jobs', job.name)}/executions/${execution.name}`,
    name: execution.name,
  };
  const urls = startOperation(state, call.url, {
    polls: state.operationPolls,
    status: () => ({ status: 'Succeeded' }),
    result: () => body,
  });
  return send(call.res, 202, body, { location: urls.result, 'retry-after': '0' });
}
