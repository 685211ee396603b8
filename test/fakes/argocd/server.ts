import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { git, renderManifests, type Resource } from './manifests.js';
import { JobRun, Workload, type Health, type ImageResolver, type PodTemplate } from './workloads.js';

/**
 * A local Argo CD API server, for the parts of its REST API a release uses
 * (https://argo-cd.readthedocs.io/en/stable/developer-guide/api-docs/, the ApplicationService of
 * server/application/application.proto):
 *   GET  /api/v1/applications/{name}[?refresh=normal]   the Application; `refresh` compares with Git first
 *   POST /api/v1/applications/{name}/sync               ApplicationSyncRequest {revision, prune, dryRun}
 * Requests need `Authorization: Bearer <token>` (or the `argocd.token` cookie the UI sends). Errors are
 * grpc-gateway's JSON `{"error","code","message"}` with the gRPC code: 16 Unauthenticated (401) for a bad token;
 * 7 PermissionDenied (403) "permission denied" for an unknown Application, as Argo CD answers so that names do
 * not leak; 9 FailedPrecondition (400) "another operation is already in progress" for a sync during a sync.
 *
 * Like the application controller it polls the Git repository (the real one of test/fakes/git) every
 * `reconcileMs` (timeout.reconciliation, 180 s in Argo CD) and, for an Application with
 * `syncPolicy.automated`, syncs a new revision by itself; it does not retry a revision whose automated sync
 * failed ("auto-sync will not reattempt a sync against the same commit-SHA", user-guide/auto_sync.md). A sync
 * runs PreSync hooks first (a Job annotated `argocd.argoproj.io/hook: PreSync`, e.g. a migration): when one
 * fails the operation fails and nothing else is applied (user-guide/resource_hooks.md). Then every manifest of
 * the Application's path (plain YAML files; a kustomization's `resources:` and `images:`) is applied, its
 * workloads run as local processes (workloads.ts), and `status` is filled with the fields of
 * v1alpha1.ApplicationStatus: sync {status, revision}, health {status, message}, operationState {phase,
 * message, operation.sync.revision, syncResult {revision, resources[]}}, resources[] (ResourceStatus).
 * Helm charts are not rendered.
 */

export interface ArgoApplicationSpec {
  name: string;
  /** The folder in the repository with the Application's manifests. */
  path: string;
  automated?: boolean;
}

export interface ArgoCdServer {
  url: string;
  /** `METHOD /path?query` of every request. */
  requests: string[];
  /** The Application as the API returns it. */
  application(name: string): Record<string, unknown>;
  /** Where a Deployment's ready pods answer (what a Service in front of it would reach), or undefined. */
  endpoint(application: string, deployment: string): string | undefined;
  /** Moments the Application became Healthy at a revision (for the bench), by revision. */
  healthyAt: Map<string, number>;
  /**
   * Holds the next `count` requests that `matches` (`METHOD /path?query`) without an answer until the server
   * closes: an API server whose repo-server stalls. A GET with `?refresh=normal` waits for the repo server to
   * generate the manifests, up to its timeout (`server.repo.server.timeout.seconds`, 60 s by default, in
   * operator-manual/argocd-cmd-params-cm.yaml), so a slow or stuck Git answers late or not at all.
   */
  stall(matches: (request: string) => boolean, count?: number): void;
  close(): Promise<void>;
}

export interface ArgoCdOptions {
  tokens: string[];
  /** The bare Git repository and branch Applications track (targetRevision). */
  repository: { bare: string; url: string; branch: string };
  applications: ArgoApplicationSpec[];
  images: ImageResolver;
  reconcileMs?: number;
  /** How long an operation waits for the application controller to pick it up. */
  operationDelayMs?: number;
}

interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: string;
  message: string;
  hookType?: string;
  hookPhase?: string;
  syncPhase: string;
}

interface OperationState {
  operation: { sync: { revision: string; prune: boolean }; initiatedBy: { username?: string; automated?: boolean } };
  phase: 'Running' | 'Failed' | 'Error' | 'Succeeded';
  message: string;
  syncResult?: {
    revision: string;
    resources: ResourceResult[];
    source: { repoURL: string; path: string; targetRevision: string };
  };
  startedAt: string;
  finishedAt?: string;
}

const healthOrder = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

class App {
  sync: { status: 'Synced' | 'OutOfSync' | 'Unknown'; revision?: string } = { status: 'Unknown' };
  operationState?: OperationState;
  live = new Map<string, { resource: Resource; workload?: Workload; job?: JobRun }>();
  failedAutoSync?: string;
  target?: string;

  constructor(readonly spec: ArgoApplicationSpec) {}

  health(): { status: Health['status']; message?: string; resources: Record<string, unknown>[] } {
    const resources = [...this.live.values()].map(({ resource, workload, job }) => {
      const health =
        workload?.health() ??
        job?.health() ??
        (resource.kind === 'CronJob' ? { status: 'Healthy' as const } : undefined);
      return {
        group: resource.group,
        version: resource.version,
        kind: resource.kind,
        namespace: 'default',
        name: resource.name,
        status: this.sync.revision === this.target ? 'Synced' : 'OutOfSync',
        ...(health ? { health } : {}),
      };
    });
    const worst = resources.reduce(
      (acc, r) => {
        const status = (r as { health?: Health }).health?.status ?? 'Healthy';
        return healthOrder.indexOf(status) > healthOrder.indexOf(acc) ? status : acc;
      },
      this.live.size ? 'Healthy' : 'Missing',
    );
    return { status: worst as Health['status'], resources };
  }
}

export async function startArgoCd(options: ArgoCdOptions): Promise<ArgoCdServer> {
  const { bare, url: repoURL, branch } = options.repository;
  const apps = new Map(options.applications.map((spec) => [spec.name, new App(spec)]));
  const requests: string[] = [];
  const healthyAt = new Map<string, number>();

  function reconcile(app: App) {
    app.target = git(bare, ['rev-parse', `refs/heads/${branch}`]).trim();
    if (app.sync.revision !== app.target) app.sync = { ...app.sync, status: 'OutOfSync' };
    const running = app.operationState?.phase === 'Running';
    if (app.spec.automated && !running && app.sync.revision !== app.target && app.failedAutoSync !== app.target) {
      void runSync(app, app.target, { automated: true });
    }
    noteHealth(app, app.health().status);
  }

  function noteHealth(app: App, status: string) {
    const revision = app.sync.revision;
    if (status === 'Healthy' && revision && app.sync.status === 'Synced' && !healthyAt.has(revision))
      healthyAt.set(revision, Date.now());
  }

  async function runSync(app: App, revision: string, initiatedBy: { automated?: boolean; username?: string }) {
    const state: OperationState = {
      operation: { sync: { revision, prune: false }, initiatedBy },
      phase: 'Running',
      message: 'waiting for completion of hook and other tasks',
      startedAt: new Date().toISOString(),
    };
    app.operationState = state;
    // The API server only records the operation; the application controller picks it up from its queue.
    await new Promise((resolve) => setTimeout(resolve, options.operationDelayMs ?? 250));
    const finish = (phase: OperationState['phase'], message: string, resources: ResourceResult[]) => {
      Object.assign(state, {
        phase,
        message,
        finishedAt: new Date().toISOString(),
        syncResult: { revision, resources, source: { repoURL, path: app.spec.path, targetRevision: branch } },
      });
      if (phase !== 'Succeeded' && initiatedBy.automated) app.failedAutoSync = revision;
    };
    let manifests: Resource[];
    try {
      manifests = renderManifests(bare, revision, app.spec.path);
    } catch (error) {
      // ComparisonError: the manifests cannot be generated (an unparsable file).
      return finish(
        'Error',
        `rpc error: code = Unknown desc = Manifest generation error: ${(error as Error).message.split('\n')[0]}`,
        [],
      );
    }
    const results: ResourceResult[] = [];
    const result = (r: Resource, extra: Partial<ResourceResult>): ResourceResult => ({
      group: r.group,
      version: r.version,
      kind: r.kind,
      namespace: 'default',
      name: r.name,
      status: 'Synced',
      message: '',
      syncPhase: 'Sync',
      ...extra,
    });
    for (const hook of manifests.filter((r) => r.hook === 'PreSync' && r.kind === 'Job')) {
      const spec = hook.body.spec as { backoffLimit?: number; template?: PodTemplate };
      const job = new JobRun(hook.name, spec, options.images);
      await job.finishedPromise;
      const failed = job.state === 'failed';
      results.push(
        result(hook, {
          hookType: 'PreSync',
          hookPhase: failed ? 'Failed' : 'Succeeded',
          syncPhase: 'PreSync',
          message: failed ? 'Job has reached the specified backoff limit' : 'Job completed',
        }),
      );
      await job.stop();
      if (failed) return finish('Failed', 'one or more synchronization tasks completed unsuccessfully', results);
    }
    for (const resource of manifests.filter((r) => !r.hook)) results.push(await apply(app, resource, result));
    const failed = results.some((r) => r.status === 'SyncFailed');
    if (!failed) app.sync = { status: 'Synced', revision };
    finish(
      failed ? 'Failed' : 'Succeeded',
      failed
        ? 'one or more objects failed to apply, reason: ' +
            results
              .filter((r) => r.status === 'SyncFailed')
              .map((r) => r.message)
              .join('; ')
        : 'successfully synced (all tasks run)',
      results,
    );
  }

  async function apply(
    app: App,
    resource: Resource,
    result: (r: Resource, extra: Partial<ResourceResult>) => ResourceResult,
  ): Promise<ResourceResult> {
    const key = `${resource.kind}/${resource.name}`;
    const lower = `${resource.kind.toLowerCase()}${resource.group ? `.${resource.group}` : ''}/${resource.name}`;
    const live = app.live.get(key);
    const spec = resource.body.spec as {
      replicas?: number;
      progressDeadlineSeconds?: number;
      template?: PodTemplate;
      backoffLimit?: number;
    };
    if (resource.kind === 'Deployment' || resource.kind === 'StatefulSet') {
      const workload = live?.workload ?? new Workload(resource.kind, resource.name, options.images);
      const changed = workload.template !== JSON.stringify(spec?.template ?? {});
      await workload.rollOut(spec ?? {});
      app.live.set(key, { resource, workload });
      return result(resource, { message: `${lower} ${live ? (changed ? 'configured' : 'unchanged') : 'created'}` });
    }
    if (resource.kind === 'Job') {
      // A Job's pod template is immutable (Kubernetes API): applying a changed one is refused, unless the sync
      // option Replace=true makes Argo CD delete and create it (user-guide/sync-options.md#replace-resource-instead-of-applying-changes).
      const metadata = resource.body.metadata as { annotations?: Record<string, string> } | undefined;
      const replace = /\bReplace=true\b/.test(metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? '');
      const changed = live?.job !== undefined && live.job.template !== JSON.stringify(spec?.template ?? {});
      if (changed && replace) {
        await live?.job?.stop();
        app.live.set(key, { resource, job: new JobRun(resource.name, spec ?? {}, options.images) });
        return result(resource, { message: `${lower} replaced` });
      }
      if (changed) {
        return result(resource, {
          status: 'SyncFailed',
          message: `Job.batch "${resource.name}" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable`,
        });
      }
      if (!live?.job) app.live.set(key, { resource, job: new JobRun(resource.name, spec ?? {}, options.images) });
      return result(resource, { message: `${lower} ${live ? 'unchanged' : 'created'}` });
    }
    app.live.set(key, { resource });
    return result(resource, { message: `${lower} ${live ? 'configured' : 'created'}` });
  }

  function view(app: App): Record<string, unknown> {
    const health = app.health();
    noteHealth(app, health.status);
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: app.spec.name, namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL, path: app.spec.path, targetRevision: branch },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
        syncPolicy: app.spec.automated ? { automated: { prune: false, selfHeal: false } } : {},
      },
      status: {
        sync: { ...app.sync, comparedTo: { source: { repoURL, path: app.spec.path, targetRevision: branch } } },
        health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
        resources: health.resources,
        ...(app.operationState ? { operationState: app.operationState } : {}),
        reconciledAt: new Date().toISOString(),
      },
    };
  }

  const grpcError = (res: ServerResponse, http: number, code: number, message: string) =>
    res.writeHead(http, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message, code, message }));

  const stalls: { matches: (request: string) => boolean; count: number }[] = [];
  const held: ServerResponse[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const line = `${req.method} ${url.pathname}${url.search}`;
    requests.push(line);
    const stall = stalls.find((s) => s.count > 0 && s.matches(line));
    if (stall) {
      stall.count--;
      held.push(res);
      return;
    }
    const bearer =
      /^Bearer (\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ??
      /argocd\.token=([^;\s]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    if (!bearer) return grpcError(res, 401, 16, 'no session information');
    if (!options.tokens.includes(bearer)) return grpcError(res, 401, 16, 'invalid session: token signature is invalid');
    const route = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(url.pathname);
    if (!route) return grpcError(res, 404, 5, 'Not Found');
    const app = apps.get(decodeURIComponent(route[1] ?? ''));
    if (!app) return grpcError(res, 403, 7, 'permission denied');
    if (!route[2] && req.method === 'GET') {
      if (url.searchParams.get('refresh')) reconcile(app);
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view(app)));
    }
    if (route[2] && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      let body: { revision?: string; dryRun?: boolean };
      try {
        body = raw ? (JSON.parse(raw) as typeof body) : {};
      } catch {
        return grpcError(res, 400, 3, 'invalid character in request body');
      }
      if (app.operationState?.phase === 'Running')
        return grpcError(res, 400, 9, 'another operation is already in progress');
      let revision = body.revision || `refs/heads/${branch}`;
      try {
        revision = git(bare, ['rev-parse', '--verify', `${revision}^{commit}`]).trim();
      } catch {
        return grpcError(
          res,
          400,
          2,
          `rpc error: code = Unknown desc = unable to resolve '${body.revision}' to a commit SHA`,
        );
      }
      app.target = git(bare, ['rev-parse', `refs/heads/${branch}`]).trim();
      void runSync(app, revision, { username: 'admin' });
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view(app)));
    }
    return grpcError(res, 405, 12, 'Method Not Allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => grpcError(res, 500, 13, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setInterval(() => {
    for (const app of apps.values()) {
      try {
        reconcile(app);
      } catch {
        // The repository went away while closing.
      }
    }
  }, options.reconcileMs ?? 200);
  for (const app of apps.values()) reconcile(app);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    healthyAt,
    endpoint: (application, deployment) =>
      apps.get(application)?.live.get(`Deployment/${deployment}`)?.workload?.endpoint(),
    application: (name) => {
      const app = apps.get(name);
      if (!app) throw new Error(`no Application ${name}`);
      return view(app);
    },
    stall: (matches, count = Number.POSITIVE_INFINITY) => stalls.push({ matches, count }),
    close: async () => {
      clearInterval(timer);
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(
        [...apps.values()].flatMap((app) => [...app.live.values()].map((l) => l.workload?.stop() ?? l.job?.stop())),
      );
    },
  };
}
