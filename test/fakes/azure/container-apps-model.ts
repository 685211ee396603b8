import { randomBytes } from 'node:crypto';
import type { Server } from 'node:https';
import type { Behaviour } from './app-service.js';
import { SUBSCRIPTION } from './arm.js';
import { startProcess, type LocalProcess } from './container-apps-runtime.js';

/**
 * The state of the local Container Apps and how it moves on: revisions whose replicas are real local processes,
 * their provisioning, running and health states as Container Apps reports them (ARM REST spec, Microsoft.App
 * ContainerAppsRevisions: Revision.provisioningState / runningState / healthState, Replica.runningState and
 * ReplicaContainer), and the JSON ARM answers for each resource.
 */

export interface Traffic {
  revisionName?: string;
  weight?: number;
  latestRevision?: boolean;
  label?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  secretRef?: string;
}

export interface ContainerJson {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  resources?: { cpu?: number; memory?: string };
  probes?: unknown[];
}

export interface TemplateJson {
  revisionSuffix?: string;
  containers?: ContainerJson[];
  initContainers?: ContainerJson[];
  scale?: { minReplicas?: number; maxReplicas?: number; rules?: unknown[] };
  volumes?: unknown[];
}

export interface SecretJson {
  name?: string;
  value?: string;
  keyVaultUrl?: string;
  identity?: string;
}

export interface ConfigurationJson {
  activeRevisionsMode?: string;
  ingress?: { external?: boolean; targetPort?: number; transport?: string; traffic?: Traffic[]; fqdn?: string };
  secrets?: SecretJson[];
  registries?: { server?: string; username?: string; passwordSecretRef?: string; identity?: string }[];
  maxInactiveRevisions?: number;
}

export interface FakeEnvironment {
  name: string;
  resourceGroup: string;
  location: string;
  defaultDomain: string;
}

export interface FakeReplica {
  name: string;
  createdTime: string;
  restartCount: number;
  process?: LocalProcess;
  /** Set while the replica waits out its crash back-off before the next start. */
  backingOff?: boolean;
  /** How its container last ended: exit code and last line printed (Kubernetes' lastState.terminated). */
  lastExit?: { code: number; line: string };
  /** The environment the replica's process got (secret references resolved), for tests to read. */
  env: Record<string, string>;
}

export interface FakeRevision {
  name: string;
  createdTime: string;
  createdAt: number;
  template: TemplateJson;
  active: boolean;
  provisioningState: 'Provisioning' | 'Provisioned' | 'Failed' | 'Deprovisioning' | 'Deprovisioned';
  runningState: 'Processing' | 'Running' | 'Stopped' | 'Degraded' | 'Failed' | 'Unknown';
  healthState: 'Healthy' | 'Unhealthy' | 'None';
  provisioningError?: string;
  replicas: FakeReplica[];
  port: number;
  server?: Server;
}

export interface FakeContainerApp {
  name: string;
  resourceGroup: string;
  location: string;
  environment: FakeEnvironment;
  configuration: ConfigurationJson;
  template: TemplateJson;
  identity?: { type: string; userAssignedIdentities?: Record<string, unknown> };
  revisions: Map<string, FakeRevision>;
  latestRevisionName: string;
  provisioningState: 'InProgress' | 'Succeeded' | 'Failed';
  port: number;
  server?: Server;
  /** One HTTPS port per label (`<app>---<label>.<domain>`). */
  labels: Map<string, { port: number; server: Server }>;
  /** The long-running operation that holds the app until it ends. */
  operation?: string;
}

export interface FakeJob {
  name: string;
  resourceGroup: string;
  location: string;
  environment: FakeEnvironment;
  configuration: { triggerType: string; replicaTimeout: number; replicaRetryLimit?: number; secrets?: SecretJson[] };
  template: TemplateJson;
  executions: Map<string, FakeExecution>;
}

export interface FakeExecution {
  name: string;
  startTime: string;
  endTime?: string;
  status: 'Running' | 'Processing' | 'Succeeded' | 'Failed' | 'Stopped';
  template: TemplateJson;
  process?: LocalProcess;
  exitCode?: number;
}

/** What the model needs of the local Azure: image behaviour and timing, and what to do when something changed. */
export interface Runtime {
  behaviour: (image: string) => Behaviour;
  /** How an image runs as a job (a migration): 'crash' exits 3. The image's behaviour unless set. */
  jobBehaviour?: (image: string) => Behaviour;
  /** Images no registry has (pull fails: MANIFEST_UNKNOWN). */
  missingImages: Set<string>;
  startMs: number;
  /** The crash back-off before a crashed container is started again (CrashLoopBackOff; 10 s doubling on Kubernetes). */
  backoffMs: number;
  /** How long a revision may stay Provisioning before it fails ("Operation expired."). */
  provisionTimeoutMs: number;
  versionOf: (image: string) => string;
}

export const APP_API_VERSIONS = ['2023-05-01', '2024-03-01', '2025-01-01', '2025-07-01', '2026-07-01'];

export const appId = (rg: string, kind: string, name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.App/${kind}/${name}`;

/** Kubernetes-style name suffixes: the replica of revision `hello--v2` is `hello--v2-5d8f7c9b6-x2x7q`. */
const shortId = (n: number) => randomBytes(n).toString('hex').slice(0, n);

/** The env of a container: platform variables (Container Apps docs, "Environment variables: built-in") and secrets. */
export function containerEnv(
  app: FakeContainerApp,
  revision: string,
  replica: string,
  container: ContainerJson,
): Record<string, string> {
  const secrets = new Map((app.configuration.secrets ?? []).map((s) => [s.name, s.value ?? `kv:${s.keyVaultUrl}`]));
  const env: Record<string, string> = {
    CONTAINER_APP_NAME: app.name,
    CONTAINER_APP_REVISION: revision,
    CONTAINER_APP_REPLICA_NAME: replica,
    CONTAINER_APP_ENV_DNS_SUFFIX: app.environment.defaultDomain,
    CONTAINER_APP_PORT: String(app.configuration.ingress?.targetPort ?? ''),
  };
  for (const item of container.env ?? [])
    env[item.name] = item.secretRef ? (secrets.get(item.secretRef) ?? '') : (item.value ?? '');
  return env;
}

/** Starts a revision's replicas: scale.minReplicas of them, at least one (the first activation starts one). */
export function startReplicas(app: FakeContainerApp, revision: FakeRevision, runtime: Runtime): void {
  const count = Math.max(1, revision.template.scale?.minReplicas ?? 0);
  revision.replicas = Array.from({ length: count }, () => ({
    name: `${revision.name}-${shortId(9)}-${shortId(5)}`,
    createdTime: new Date().toISOString(),
    restartCount: 0,
    env: {},
  }));
  for (const replica of revision.replicas) runReplica(app, revision, replica, runtime);
}

function runReplica(app: FakeContainerApp, revision: FakeRevision, replica: FakeReplica, runtime: Runtime) {
  const container = revision.template.containers?.[0] ?? {};
  const image = container.image ?? '';
  if (runtime.missingImages.has(image)) return;
  replica.env = containerEnv(app, revision.name, replica.name, container);
  void startProcess(
    {
      role: 'replica',
      image,
      behaviour: runtime.behaviour(image),
      version: runtime.versionOf(image),
      env: replica.env,
      args: [...(container.command ?? []), ...(container.args ?? [])],
      startMs: runtime.startMs,
    },
    () => onReplicaChange(app, revision, replica, runtime),
  ).then((started) => {
    if (!revision.active) void started.stop();
    replica.process = started;
  });
}

/** A container that exits is started again after its back-off, counting restarts, while the revision is active. */
function onReplicaChange(app: FakeContainerApp, revision: FakeRevision, replica: FakeReplica, runtime: Runtime) {
  const exited = replica.process?.exitCode !== undefined;
  if (!exited || !revision.active || replica.backingOff) return;
  replica.lastExit = { code: replica.process?.exitCode ?? 1, line: replica.process?.output.at(-1) ?? '' };
  replica.backingOff = true;
  setTimeout(() => {
    replica.backingOff = false;
    if (!revision.active || !revision.replicas.includes(replica)) return;
    replica.restartCount++;
    runReplica(app, revision, replica, runtime);
  }, runtime.backoffMs).unref();
}

export async function stopReplicas(revision: FakeRevision): Promise<void> {
  const replicas = revision.replicas;
  revision.replicas = [];
  await Promise.all(replicas.map((replica) => replica.process?.stop()));
}

/**
 * Brings a revision's states to what its replicas show (Container Apps docs, "Revisions" and "Health probes";
 * Troubleshooting, "Revision provisioning failures"): Provisioning until every replica is ready, then Provisioned,
 * Running and Healthy; a crash loop makes it Degraded at once, and a revision that never gets ready fails when its
 * provisioning times out ("Operation expired."); an image no registry has fails it at once.
 */
export function settleRevision(revision: FakeRevision, runtime: Runtime): void {
  if (!revision.active) {
    Object.assign(revision, { runningState: 'Stopped', healthState: 'None' });
    return;
  }
  if (revision.provisioningState === 'Failed') return;
  const container = revision.template.containers?.[0] ?? {};
  if (runtime.missingImages.has(container.image ?? '')) {
    const tag = /:([\w][\w.-]*)$/.exec(container.image ?? '')?.[1] ?? 'latest';
    return fail(
      revision,
      `The following field(s) are either invalid or missing. Field 'template.containers.${container.name}.image' is invalid with details: 'Invalid value: "${container.image}": GET https:: MANIFEST_UNKNOWN: manifest tagged by "${tag}" is not found'`,
    );
  }
  const ready = revision.replicas.length > 0 && revision.replicas.every((r) => r.process?.ready);
  const crashing = revision.replicas.some((r) => r.restartCount > 0 || r.process?.exitCode !== undefined);
  if (ready) {
    Object.assign(revision, { provisioningState: 'Provisioned', runningState: 'Running', healthState: 'Healthy' });
    return;
  }
  if (revision.provisioningState === 'Provisioned') {
    Object.assign(revision, { runningState: crashing ? 'Degraded' : 'Processing', healthState: 'Unhealthy' });
    return;
  }
  if (crashing) Object.assign(revision, { runningState: 'Degraded', healthState: 'Unhealthy' });
  if (Date.now() - revision.createdAt > runtime.provisionTimeoutMs) fail(revision, 'Operation expired.');
}

function fail(revision: FakeRevision, error: string) {
  Object.assign(revision, {
    provisioningState: 'Failed',
    runningState: 'Failed',
    healthState: 'Unhealthy',
    provisioningError: error,
  });
}

/** The revision a traffic entry routes to: by name, or the latest ready one (latestRevision: true). */
export function revisionOf(app: FakeContainerApp, entry: Traffic): string | undefined {
  return entry.latestRevision ? latestReady(app) : entry.revisionName;
}

export function latestReady(app: FakeContainerApp): string | undefined {
  const ready = [...app.revisions.values()].filter((r) => r.provisioningState === 'Provisioned');
  return ready.at(-1)?.name;
}

export function appJson(app: FakeContainerApp) {
  const { configuration } = app;
  const ingress = configuration.ingress && { ...configuration.ingress, fqdn: `127.0.0.1:${app.port}` };
  return {
    id: appId(app.resourceGroup, 'containerApps', app.name),
    name: app.name,
    type: 'Microsoft.App/containerApps',
    location: app.location,
    ...(app.identity ? { identity: app.identity } : {}),
    properties: {
      provisioningState: app.provisioningState,
      runningStatus: 'Running',
      managedEnvironmentId: appId(app.environment.resourceGroup, 'managedEnvironments', app.environment.name),
      environmentId: appId(app.environment.resourceGroup, 'managedEnvironments', app.environment.name),
      latestRevisionName: app.latestRevisionName,
      latestReadyRevisionName: latestReady(app),
      latestRevisionFqdn: `127.0.0.1:${app.revisions.get(app.latestRevisionName)?.port ?? 0}`,
      outboundIpAddresses: ['20.0.0.1'],
      // ARM REST spec, ContainerApps_Get: secrets are listed by name only; their values come from listSecrets.
      configuration: {
        ...configuration,
        ingress,
        secrets: configuration.secrets?.map(({ name, keyVaultUrl, identity }) => ({ name, keyVaultUrl, identity })),
      },
      template: app.template,
    },
  };
}

export function revisionJson(app: FakeContainerApp, revision: FakeRevision) {
  const weight = (app.configuration.ingress?.traffic ?? [])
    .filter((entry) => revisionOf(app, entry) === revision.name)
    .reduce((sum, entry) => sum + (entry.weight ?? 0), 0);
  return {
    id: `${appId(app.resourceGroup, 'containerApps', app.name)}/revisions/${revision.name}`,
    name: revision.name,
    type: 'Microsoft.App/containerApps/revisions',
    properties: {
      createdTime: revision.createdTime,
      fqdn: `127.0.0.1:${revision.port}`,
      template: revision.template,
      active: revision.active,
      replicas: revision.active ? revision.replicas.filter((r) => r.process?.ready).length : 0,
      trafficWeight: weight,
      provisioningError: revision.provisioningError,
      healthState: revision.healthState,
      provisioningState: revision.provisioningState,
      runningState: revision.runningState,
    },
  };
}

/** A replica as ARM lists it: its container's state, with Kubernetes' reason while it crash-loops. */
export function replicaJson(app: FakeContainerApp, revision: FakeRevision, replica: FakeReplica) {
  const container = revision.template.containers?.[0] ?? {};
  const exit = replica.process?.exitCode;
  const running = replica.process !== undefined && exit === undefined;
  const last = replica.lastExit;
  const crashLoop = last && !replica.process?.ready;
  const details = crashLoop
    ? `CrashLoopBackOff: back-off restarting failed container; last exited with code ${last.code}; ${last.line}`.trim()
    : running
      ? replica.process?.ready
        ? 'Container is running'
        : 'Readiness probe failed: HTTP probe failed with statuscode: 503'
      : 'ContainerCreating';
  return {
    id: `${appId(app.resourceGroup, 'containerApps', app.name)}/revisions/${revision.name}/replicas/${replica.name}`,
    name: replica.name,
    type: 'Microsoft.App/containerApps/revisions/replicas',
    properties: {
      createdTime: replica.createdTime,
      runningState: running ? 'Running' : 'NotRunning',
      runningStateDetails: crashLoop ? 'CrashLoopBackOff' : running ? 'Running' : 'ContainerCreating',
      containers: [
        {
          name: container.name,
          containerId: `containerd://${shortId(32)}`,
          ready: replica.process?.ready ?? false,
          started: running,
          restartCount: replica.restartCount,
          runningState: running && !crashLoop ? 'Running' : exit !== undefined ? 'Terminated' : 'Waiting',
          runningStateDetails: details,
        },
      ],
    },
  };
}

export function executionJson(job: FakeJob, execution: FakeExecution) {
  return {
    id: `${appId(job.resourceGroup, 'jobs', job.name)}/executions/${execution.name}`,
    name: execution.name,
    type: 'Microsoft.App/jobs/executions',
    properties: {
      status: execution.status,
      startTime: execution.startTime,
      ...(execution.endTime ? { endTime: execution.endTime } : {}),
      template: execution.template,
      detailedStatus: {
        replicas: [
          {
            name: `${execution.name}-${shortId(5)}`,
            containers: (execution.template.containers ?? []).map((c) => ({
              name: c.name,
              code: execution.exitCode,
              status: execution.exitCode === undefined ? 'Running' : 'Terminated',
              additionalInformation: execution.process?.output.at(-1),
            })),
          },
        ],
      },
    },
  };
}
