import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { versionOf, type FakeAzure } from './index.js';
import {
  latestReady,
  revisionOf,
  settleRevision,
  startReplicas,
  stopReplicas,
  type ConfigurationJson,
  type FakeContainerApp,
  type FakeEnvironment,
  type FakeJob,
  type FakeRevision,
  type Runtime,
  type TemplateJson,
  type Traffic,
} from './container-apps-model.js';
import { closeServer, startIngress } from './container-apps-runtime.js';

/**
 * The state of the local Container Apps: environments, apps and their revisions, jobs, the long-running operations,
 * and the HTTPS ingress ports (app, revision, label). Tests seed it (addEnvironment, addApp, addJob) and read it.
 */

export interface OperationStatus {
  status: 'InProgress' | 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
}

export interface Operation {
  /** Polls that answer InProgress before the status is asked of `status()`. */
  polls: number;
  startTime: string;
  status(): OperationStatus;
  result(): unknown;
}

export interface AppOptions {
  image?: string;
  resourceGroup?: string;
  environment?: string;
  mode?: 'Single' | 'Multiple';
  suffix?: string;
  targetPort?: number;
  env?: { name: string; value?: string; secretRef?: string }[];
  secrets?: { name: string; value?: string; keyVaultUrl?: string; identity?: string }[];
  /** Labels on the first revision's traffic entry. */
  label?: string;
}

export interface ContainerAppsState {
  azure: FakeAzure;
  environments: Map<string, FakeEnvironment>;
  apps: Map<string, FakeContainerApp>;
  jobs: Map<string, FakeJob>;
  operations: Map<string, Operation>;
  runtime: Runtime;
  /** Polls of an operation that answer InProgress even when its work is done (ARM does not answer at once). */
  operationPolls: number;
  cert: { key: string; cert: string };
  /** PEM of the ingress certificate and of the local Azure's, for NODE_EXTRA_CA_CERTS in a child. */
  caFile: string;
  ready(): Promise<void>;
  addEnvironment(name: string, resourceGroup?: string): FakeEnvironment;
  addApp(name: string, options?: AppOptions): Promise<FakeContainerApp>;
  addJob(name: string, options?: { image?: string; args?: string[]; resourceGroup?: string }): FakeJob;
  app(name: string, resourceGroup?: string): FakeContainerApp;
  revision(app: string, revision: string): FakeRevision;
  /** Brings every revision's states to now and answers the app's. */
  settle(app: FakeContainerApp): void;
  /** Waits until the revision left Provisioning (the tests' own wait; ARM clients poll). */
  provisioned(app: string, revision: string, timeoutMs?: number): Promise<FakeRevision>;
  createRevision(app: FakeContainerApp, template: TemplateJson): Promise<FakeRevision>;
  activate(app: FakeContainerApp, revision: FakeRevision): void;
  deactivate(revision: FakeRevision): Promise<void>;
  /** Another operation (a deployment from elsewhere) holds the app for ms: writes get 409 meanwhile. */
  busy(app: string, ms: number): void;
  /** Opens or closes the label ports after a traffic change. */
  syncLabels(app: FakeContainerApp): Promise<void>;
  appUrl(app: string): string;
  revisionUrl(app: string, revision: string): string;
  labelUrl(app: string, label: string): string;
  close(): Promise<void>;
}

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1, the ingress's (the environment's wildcard certificate, locally). */
function ingressCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'fake-aca-cert-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];

  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=azurecontainerapps.local',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  // This process trusts it as it trusts the local Azure's (NODE_EXTRA_CA_CERTS does so for a child).
  const original = tls.createSecureContext;
  const ca = certificate.cert;
  tls.createSecureContext = ((options?: tls.SecureContextOptions) => {
    const context = original(options);
    if (!options?.ca) context.context.addCACert(ca);
    return context;
  }) as typeof tls.createSecureContext;
  return certificate;
}

export function containerAppsState(azure: FakeAzure): ContainerAppsState {
  const cert = ingressCertificate();
  const caFile = join(mkdtempSync(join(tmpdir(), 'fake-aca-')), 'ca.pem');
  writeFileSync(caFile, `${azure.ca}\n${cert.cert}`);
  const runtime: Runtime = {
    behaviour: (image) => azure.behaviour(image),
    missingImages: new Set(),
    get startMs() {
      return azure.startMs;
    },
    backoffMs: 100,
    provisionTimeoutMs: 30_000,
    versionOf,
  };
  const state: ContainerAppsState = {
    azure,
    environments: new Map(),
    apps: new Map(),
    jobs: new Map(),
    operations: new Map(),
    runtime,
    operationPolls: 1,
    cert,
    caFile,
    ready: async () => undefined,
    addEnvironment(name, resourceGroup = 'rg-apps') {
      const environment = {
        name,
        resourceGroup,
        location: 'West Europe',
        defaultDomain: `${randomBytes(6).toString('hex')}.westeurope.azurecontainerapps.io`,
      };
      state.environments.set(`${resourceGroup}/${name}`, environment);
      return environment;
    },
    async addApp(name, options = {}) {
      const rg = options.resourceGroup ?? 'rg-apps';
      const envName = options.environment ?? 'env-apps';
      const environment = state.environments.get(`${rg}/${envName}`) ?? state.addEnvironment(envName, rg);
      const configuration: ConfigurationJson = {
        activeRevisionsMode: options.mode ?? 'Multiple',
        ingress: { external: true, targetPort: options.targetPort ?? 8080, transport: 'auto', traffic: [] },
        secrets: options.secrets ?? [],
        registries: [],
        maxInactiveRevisions: 100,
      };
      const template: TemplateJson = {
        revisionSuffix: options.suffix ?? 'v1',
        containers: [
          {
            name,
            image: options.image ?? 'ghcr.io/octo-org/hello-service:1.0.0',
            env: options.env ?? [],
            resources: { cpu: 0.5, memory: '1Gi' },
          },
        ],
        scale: { minReplicas: 1, maxReplicas: 10 },
      };
      const app: FakeContainerApp = {
        name,
        resourceGroup: rg,
        location: environment.location,
        environment,
        configuration,
        template,
        revisions: new Map(),
        latestRevisionName: '',
        provisioningState: 'Succeeded',
        port: 0,
        labels: new Map(),
      };
      state.apps.set(`${rg}/${name}`, app);
      const first = await state.createRevision(app, template);
      const entry: Traffic = {
        revisionName: first.name,
        weight: 100,
        ...(options.label ? { label: options.label } : {}),
      };
      configuration.ingress = { ...configuration.ingress, traffic: [entry] };
      const ingress = await startIngress(cert, () => pickForApp(app));
      Object.assign(app, { port: ingress.port, server: ingress.server });
      await state.syncLabels(app);
      await state.provisioned(name, first.name);
      return app;
    },
    addJob(name, options = {}) {
      const rg = options.resourceGroup ?? 'rg-apps';
      const environment = state.environments.get(`${rg}/env-apps`) ?? state.addEnvironment('env-apps', rg);
      const job: FakeJob = {
        name,
        resourceGroup: rg,
        location: environment.location,
        environment,
        configuration: { triggerType: 'Manual', replicaTimeout: 1800, replicaRetryLimit: 0, secrets: [] },
        template: {
          containers: [
            { name, image: options.image ?? 'ghcr.io/octo-org/hello-service:1.0.0', args: options.args ?? ['migrate'] },
          ],
        },
        executions: new Map(),
      };
      state.jobs.set(`${rg}/${name}`, job);
      return job;
    },
    app(name, resourceGroup) {
      // Without a resource group, the one app of that name in any group (tests name apps uniquely).
      const app = resourceGroup
        ? state.apps.get(`${resourceGroup}/${name}`)
        : [...state.apps.values()].find((candidate) => candidate.name === name);
      if (!app) throw new Error(`no container app ${name}`);
      state.settle(app);
      return app;
    },
    revision(app, revision) {
      const found = state.app(app).revisions.get(revision);
      if (!found) throw new Error(`no revision ${revision}`);
      return found;
    },
    settle(app) {
      for (const revision of app.revisions.values()) settleRevision(revision, runtime);
    },
    async provisioned(app, revision, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = state.revision(app, revision);
        if (found.provisioningState !== 'Provisioning' || Date.now() > deadline) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async createRevision(app, template) {
      const name = `${app.name}--${template.revisionSuffix}`;
      const revision: FakeRevision = {
        name,
        createdTime: new Date().toISOString(),
        createdAt: Date.now(),
        template: structuredClone(template),
        active: true,
        provisioningState: 'Provisioning',
        runningState: 'Processing',
        healthState: 'None',
        replicas: [],
        port: 0,
      };
      const ingress = await startIngress(cert, () => pickReplica(revision));
      Object.assign(revision, { port: ingress.port, server: ingress.server });
      app.revisions.set(name, revision);
      app.latestRevisionName = name;
      startReplicas(app, revision, runtime);
      return revision;
    },
    activate(app, revision) {
      if (revision.active) return;
      Object.assign(revision, { active: true, runningState: 'Processing', healthState: 'None' });
      startReplicas(app, revision, runtime);
    },
    async deactivate(revision) {
      revision.active = false;
      await stopReplicas(revision);
    },
    async syncLabels(app) {
      const wanted = new Set((app.configuration.ingress?.traffic ?? []).flatMap((e) => (e.label ? [e.label] : [])));
      for (const [label, ingress] of app.labels)
        if (!wanted.has(label)) {
          app.labels.delete(label);
          await closeServer(ingress.server);
        }
      for (const label of wanted)
        if (!app.labels.has(label)) app.labels.set(label, await startIngress(cert, () => pickForLabel(app, label)));
    },
    busy(name, ms) {
      const app = state.app(name);
      const id = randomBytes(8).toString('hex');
      const until = Date.now() + ms;
      state.operations.set(id, {
        polls: 0,
        startTime: new Date().toISOString(),
        status: () => (Date.now() < until ? { status: 'InProgress' } : { status: 'Succeeded' }),
        result: () => undefined,
      });
      app.operation = id;
    },
    appUrl: (app) => `https://127.0.0.1:${state.app(app).port}`,
    revisionUrl: (app, revision) => `https://127.0.0.1:${state.revision(app, revision).port}`,
    labelUrl(app, label) {
      const found = state.app(app).labels.get(label);
      if (!found) throw new Error(`no label ${label} on ${app}`);
      return `https://127.0.0.1:${found.port}`;
    },
    async close() {
      for (const app of state.apps.values()) {
        for (const revision of app.revisions.values()) {
          revision.active = false;
          await stopReplicas(revision);
          if (revision.server) await closeServer(revision.server);
        }
        for (const ingress of app.labels.values()) await closeServer(ingress.server);
        if (app.server) await closeServer(app.server);
      }
      for (const job of state.jobs.values())
        for (const execution of job.executions.values()) await execution.process?.stop();
    },
  };

  /** A ready replica of the revision, round robin; an inactive revision's FQDN answers Container Apps' stopped page. */
  function pickReplica(revision: FakeRevision) {
    if (!revision.active) return { status: 404, body: 'Error 404 - This Container App is stopped or does not exist.' };
    const ready = revision.replicas.filter((r) => r.process?.ready);
    return ready[Math.floor(Math.random() * ready.length)]?.process?.port;
  }

  /** The app's FQDN: a revision chosen by the traffic weights (Container Apps docs, "Traffic splitting"). */
  function pickForApp(app: FakeContainerApp) {
    state.settle(app);
    const entries = (app.configuration.ingress?.traffic ?? []).filter((e) => (e.weight ?? 0) > 0);
    let roll = Math.random() * entries.reduce((sum, e) => sum + (e.weight ?? 0), 0);
    for (const entry of entries) {
      roll -= entry.weight ?? 0;
      const revision = app.revisions.get(revisionOf(app, entry) ?? '');
      if (roll < 0 && revision) return pickReplica(revision);
    }
    return undefined;
  }

  /** A label's FQDN reaches its revision whatever its weight (Container Apps docs, "Revision labels"). */
  function pickForLabel(app: FakeContainerApp, label: string) {
    state.settle(app);
    const entry = app.configuration.ingress?.traffic?.find((e) => e.label === label);
    const revision = app.revisions.get((entry && revisionOf(app, entry)) ?? '');
    return revision ? pickReplica(revision) : undefined;
  }

  return state;
}

export { latestReady };
