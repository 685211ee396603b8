import { CloudError, RolloutFailed, TimeoutError } from './errors.js';
import { poll } from './poll.js';
import { mask, redactUrl, scrub } from './secrets.js';

/**
 * The Argo CD REST API (the API server's grpc-gateway, https://argo-cd.readthedocs.io/en/stable/developer-guide/api-docs/):
 *   GET  /api/v1/applications/{name}?refresh=normal   an Application (v1alpha1.Application), refreshed from Git first
 *   POST /api/v1/applications/{name}/sync             ApplicationSyncRequest {revision, prune}
 * with `Authorization: Bearer <token>` (a project or account token). Errors come as grpc-gateway's
 * `{"error","code","message"}`; Argo CD answers "permission denied" (403) both for an Application the token may
 * not see and for one that does not exist.
 */

/** v1alpha1.ResourceStatus, an entry of status.resources (the Application's top-level resources). */
export interface ResourceStatus {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status: string; message?: string };
  hook?: boolean;
}

/** v1alpha1.ResourceResult, an entry of operationState.syncResult.resources. */
export interface SyncResourceResult {
  kind: string;
  name: string;
  namespace?: string;
  status?: string;
  message?: string;
  hookType?: string;
  hookPhase?: string;
  syncPhase?: string;
}

export interface Application {
  metadata: { name: string; namespace?: string };
  spec: {
    source?: { repoURL: string; path?: string; targetRevision?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } | null };
  };
  status?: {
    sync?: { status: 'Synced' | 'OutOfSync' | 'Unknown'; revision?: string };
    health?: { status: string; message?: string };
    operationState?: {
      phase: 'Running' | 'Terminating' | 'Failed' | 'Error' | 'Succeeded';
      message?: string;
      operation?: { sync?: { revision?: string } };
      syncResult?: { revision: string; resources?: SyncResourceResult[] };
      startedAt?: string;
      finishedAt?: string;
    };
    resources?: ResourceStatus[];
  };
}

/** One request had no answer in request-timeout (the wait's own time was not up): it may be asked again. */
export class RequestTimeout extends TimeoutError {}

/** How long Argo CD may take: each request is cut after `requestTimeoutMs`; none outlives `deadline` (epoch ms). */
export interface ArgoLimits {
  requestTimeoutMs?: number;
  deadline?: number;
}

export class ArgoCd {
  /** Requests sent, for the summary and the bench. */
  requests = 0;
  /** The end of the current wait (set by waitForRevision), when no request may still be running. */
  deadline?: number;
  private readonly requestTimeoutMs: number;

  constructor(
    readonly server: string,
    private readonly token: string,
    limits: ArgoLimits = {},
  ) {
    mask(token);
    this.requestTimeoutMs = limits.requestTimeoutMs ?? 30_000;
    this.deadline = limits.deadline;
  }

  async application(name: string, refresh = false): Promise<Application> {
    const query = refresh ? '?refresh=normal' : '';
    return this.call<Application>(
      'GET',
      `/api/v1/applications/${encodeURIComponent(name)}${query}`,
      undefined,
      `get ${name}`,
    );
  }

  async sync(name: string, revision: string): Promise<Application> {
    return this.call<Application>(
      'POST',
      `/api/v1/applications/${encodeURIComponent(name)}/sync`,
      { revision, prune: false },
      `sync ${name}`,
    );
  }

  private async call<T>(method: string, path: string, body: unknown, what: string): Promise<T> {
    const left = (this.deadline ?? Number.POSITIVE_INFINITY) - Date.now();
    if (left <= 0) throw new TimeoutError(`Argo CD ${what} was not sent: the wait's time ran out.`, waitHint);
    const cut = Math.min(this.requestTimeoutMs, left);
    this.requests++;
    try {
      // The body is read under the same signal: a server that sends headers and then stalls is cut too.
      const response = await fetch(`${this.server.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(cut),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      throw argoError(what, response.status, text);
    } catch (error) {
      if (error instanceof CloudError) throw error;
      const server = redactUrl(this.server);
      if ((error as Error).name === 'TimeoutError') {
        throw cut < this.requestTimeoutMs
          ? new TimeoutError(`Argo CD ${what}: ${server} had not answered when the wait's time ran out.`, waitHint)
          : new RequestTimeout(
              `Argo CD ${what}: ${server} had no answer in ${cut / 1000} s (request-timeout).`,
              'Check that the Argo CD API server is up and reachable from the runner, or raise request-timeout.',
            );
      }
      throw new CloudError(
        scrub(`Argo CD ${what}: ${server} did not answer: ${(error as Error).message}`),
        'NetworkError',
        'Check argocd-server: the runner must reach the Argo CD API server.',
        { cause: error },
      );
    }
  }
}

const waitHint = "Raise 'timeout', or check that the Argo CD API server answers from the runner.";

const hints: Record<number, string> = {
  401: "The Argo CD token was refused: pass a current token in 'argocd-token' (an account or project token; `argocd account generate-token`).",
  403: "Argo CD says permission denied: either no Application has this name, or the token's role may not get/sync it (RBAC: applications, get and sync, on <project>/<application>).",
};

export function argoError(what: string, status: number, text: string): CloudError {
  let message = text.trim().slice(0, 500);
  let code = `HTTP_${status}`;
  try {
    const parsed = JSON.parse(text) as { message?: string; error?: string; code?: number };
    message = parsed.message ?? parsed.error ?? message;
    if (typeof parsed.code === 'number') code = `GRPC_${parsed.code}`;
  } catch {
    // Not grpc-gateway JSON (a proxy's page): its text is the message.
  }
  // A proxy's error page or a gateway's message can echo the request (its headers, its body): scrubbed.
  return new CloudError(scrub(`Argo CD ${what} failed (HTTP ${status}): ${message}`), code, hints[status]);
}

export type Verdict =
  | { state: 'done'; revision: string; health: string }
  | { state: 'failed'; reason: 'sync-failed' | 'degraded'; message: string }
  | { state: 'waiting'; status: string };

const failedPhases = new Set(['Failed', 'Error']);

function describeResources(items: { kind: string; name: string; message?: string }[]): string {
  return items.map((item) => `${item.kind}/${item.name}${item.message ? `: ${item.message}` : ''}`).join('; ');
}

/**
 * Pure: where the Application stands with `revision`. Done once it is Synced to that revision, Healthy, and no
 * operation is running; failed at once when the sync of that revision failed (a hook such as a migration Job
 * included) or, synced to it, a resource is Degraded.
 */
export function assess(app: Application, revision: string): Verdict {
  const status = app.status ?? {};
  const op = status.operationState;
  const opRevision = op?.syncResult?.revision ?? op?.operation?.sync?.revision;
  if (op && failedPhases.has(op.phase) && opRevision === revision) {
    const failed = (op.syncResult?.resources ?? []).filter(
      (r) => (r.status !== undefined && r.status !== 'Synced') || failedPhases.has(r.hookPhase ?? ''),
    );
    const named = failed.length ? ` (${describeResources(failed)})` : '';
    return {
      state: 'failed',
      reason: 'sync-failed',
      message: `the sync of ${revision.slice(0, 7)} ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? ''}${named}`,
    };
  }
  const synced = status.sync?.revision === revision && status.sync.status === 'Synced';
  const health = status.health?.status ?? 'Unknown';
  const running = op?.phase === 'Running' || op?.phase === 'Terminating';
  if (synced && !running && health === 'Degraded') {
    const degraded = (status.resources ?? []).filter((r) => r.health?.status === 'Degraded');
    const list = degraded.map((r) => ({ kind: r.kind, name: r.name, message: r.health?.message }));
    return {
      state: 'failed',
      reason: 'degraded',
      message: `${app.metadata.name} is Degraded at ${revision.slice(0, 7)}: ${describeResources(list) || status.health?.message || 'no resource named'}`,
    };
  }
  if (synced && !running && health === 'Healthy') return { state: 'done', revision, health };
  const at = status.sync?.revision ? status.sync.revision.slice(0, 7) : 'no revision';
  return {
    state: 'waiting',
    status: `${status.sync?.status ?? 'Unknown'} at ${at}, ${health}${running ? `, operation ${op?.phase}` : ''}`,
  };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Sync the revision when auto-sync will not (an Application without `syncPolicy.automated`). */
  sync: boolean;
  /** Each change of sync and health state, as it happens. */
  onChange?: (line: string) => void;
  /** Each Application as read, so a caller keeps the last state seen when the wait fails. */
  onApplication?: (app: Application) => void;
}

/** Waits until the Application has synced `revision` and is Healthy; throws RolloutFailed or TimeoutError. */
export async function waitForRevision(
  argo: ArgoCd,
  name: string,
  revision: string,
  options: WaitOptions,
): Promise<{ revision: string; health: string; app: Application }> {
  let last = '';
  let synced = false;
  let app: Application | undefined;
  // No request outlives the wait: a hung API server is cut when the time is up, and reported as a timeout.
  const deadline = Date.now() + options.timeoutMs;
  argo.deadline = Math.min(argo.deadline ?? deadline, deadline);
  // A request cut by request-timeout is asked again at the next poll: reading is harmless, and a sync whose
  // answer was lost is read back (a sync that did start shows as a running operation, and is not asked twice).
  const again = (error: unknown) => {
    if (!(error instanceof RequestTimeout)) throw error;
    options.onChange?.(`${error.message} Asking again.`);
    return undefined;
  };
  const result = await poll(
    async (attempt) => {
      const read = await argo.application(name, attempt === 1).catch(again);
      if (!read) return undefined;
      app = read;
      if (
        options.sync &&
        !synced &&
        app.status?.sync?.revision !== revision &&
        app.status?.operationState?.phase !== 'Running'
      ) {
        const started = await argo.sync(name, revision).catch(again);
        if (!started) return undefined;
        app = started;
        synced = true;
        options.onChange?.(`Sync of ${revision.slice(0, 7)} requested.`);
      }
      options.onApplication?.(app);
      const verdict = assess(app, revision);
      const line =
        verdict.state === 'waiting' ? verdict.status : verdict.state === 'failed' ? verdict.message : verdict.state;
      if (line !== last) options.onChange?.(line === 'done' ? `Synced at ${revision.slice(0, 7)}, Healthy.` : line);
      last = line;
      if (verdict.state === 'failed')
        throw new RolloutFailed(`Argo CD: ${verdict.message}`, undefined, { reason: verdict.reason });
      return verdict.state === 'done' ? verdict : undefined;
    },
    { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs },
  );
  if (result.outcome === 'timeout') {
    throw new TimeoutError(
      `Argo CD: ${name} did not become Synced at ${revision.slice(0, 7)} and Healthy in time; last seen: ${last}.`,
      options.sync
        ? 'Raise timeout, or look at the Application in Argo CD.'
        : "If the Application does not sync by itself (no automated sync policy), set 'sync: true'.",
    );
  }
  return { revision: result.value.revision, health: result.value.health, app: app as Application };
}
