import * as core from '@actions/core';
import type { CodeDeployClient, DeploymentGroupInfo, LifecycleEvent } from '@aws-sdk/client-codedeploy';
import { aws, bounded, clientConfig, type AwsOptions } from './aws.js';
import { CloudError } from './errors.js';
import { poll } from './poll.js';

/**
 * AWS CodeDeploy for ECS blue/green deployments: the client, made as src/lib/ecs.ts makes the ECS one (bounded by
 * the request timeout and the stage's deadline; the SDK loaded at first use, in a module of its own so only the
 * bundles that deploy through CodeDeploy hold it), and a deployment watched through GetDeployment and its ECS
 * target's lifecycle events (API Reference: GetDeployment, ListDeploymentTargets, GetDeploymentTarget).
 */

export async function codeDeployClient(options: AwsOptions): Promise<CodeDeployClient> {
  const { CodeDeployClient } = await import('@aws-sdk/client-codedeploy');
  return bounded(new CodeDeployClient(clientConfig(options)), 'codedeploy', options);
}

/** The statuses a deployment ends in (API Reference, DeploymentInfo `status`). */
const FINAL = ['Succeeded', 'Failed', 'Stopped'];

export interface EventView {
  name: string;
  status: string;
  /** ms since epoch */
  startedAt?: number;
  endedAt?: number;
}

/** What a watcher reports of a CodeDeploy deployment at one moment. */
export interface CodeDeployView {
  deploymentId: string;
  status: string;
  error?: { code: string; message: string };
  rollbackMessage?: string;
  /** The ECS target's lifecycle events, in CodeDeploy's order. */
  events: EventView[];
  /** The role may not read the deployment's targets: no lifecycle events are known. */
  eventsDenied?: boolean;
  finished: boolean;
}

export async function getDeploymentGroup(
  client: CodeDeployClient,
  application: string,
  group: string,
): Promise<DeploymentGroupInfo> {
  const { GetDeploymentGroupCommand } = await import('@aws-sdk/client-codedeploy');
  const answer = await aws(`codedeploy:GetDeploymentGroup (${application}/${group})`, () =>
    client.send(new GetDeploymentGroupCommand({ applicationName: application, deploymentGroupName: group })),
  );
  return answer.deploymentGroupInfo ?? {};
}

const eventView = (event: LifecycleEvent): EventView => ({
  name: event.lifecycleEventName ?? '',
  status: event.status ?? 'Unknown',
  ...(event.startTime ? { startedAt: event.startTime.getTime() } : {}),
  ...(event.endTime ? { endedAt: event.endTime.getTime() } : {}),
});

/** The permissions the lifecycle events need beyond the anchor's minimal policy. */
export const TARGET_PERMISSIONS = ['codedeploy:ListDeploymentTargets', 'codedeploy:GetDeploymentTarget'];
const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/**
 * The ECS target's lifecycle events. A role with only the anchor's minimal policy may not read targets: then the
 * deployment is watched by its status alone, and `denied` says so (once, by the caller).
 */
async function lifecycleOf(client: CodeDeployClient, deploymentId: string): Promise<LifecycleEvent[] | 'denied'> {
  const sdk = await import('@aws-sdk/client-codedeploy');
  try {
    const targets = await aws('codedeploy:ListDeploymentTargets', () =>
      client.send(new sdk.ListDeploymentTargetsCommand({ deploymentId })),
    );
    const targetId = targets.targetIds?.[0];
    if (!targetId) return [];
    const target = await aws('codedeploy:GetDeploymentTarget', () =>
      client.send(new sdk.GetDeploymentTargetCommand({ deploymentId, targetId })),
    );
    return target.deploymentTarget?.ecsTarget?.lifecycleEvents ?? [];
  } catch (error) {
    if (error instanceof CloudError && DENIED.has(error.code)) return 'denied';
    throw error;
  }
}

export async function describeCodeDeployment(
  client: CodeDeployClient,
  deploymentId: string,
  readEvents = true,
): Promise<CodeDeployView> {
  const sdk = await import('@aws-sdk/client-codedeploy');
  const { deploymentInfo: info = {} } = await aws('codedeploy:GetDeployment', () =>
    client.send(new sdk.GetDeploymentCommand({ deploymentId })),
  );
  const status = info.status ?? 'Created';
  const events = readEvents ? await lifecycleOf(client, deploymentId) : [];
  return {
    deploymentId,
    status,
    ...(info.errorInformation?.code || info.errorInformation?.message
      ? { error: { code: info.errorInformation.code ?? '', message: info.errorInformation.message ?? '' } }
      : {}),
    ...(info.rollbackInfo?.rollbackMessage ? { rollbackMessage: info.rollbackInfo.rollbackMessage } : {}),
    events: events === 'denied' ? [] : events.map(eventView),
    ...(events === 'denied' ? { eventsDenied: true } : {}),
    finished: FINAL.includes(status),
  };
}

export type CodeDeployWatchEnd =
  | { kind: 'finished'; view: CodeDeployView }
  /** Waiting in Ready for ContinueDeployment (the group's deploymentReadyOption is STOP_DEPLOYMENT). */
  | { kind: 'ready'; view: CodeDeployView }
  | { kind: 'timeout'; view: CodeDeployView | undefined };

export interface CodeDeployWatchOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Stop watching when the deployment waits in Ready (the gate); otherwise Ready is watched through. */
  stopAtReady: boolean;
  /** Called when what is seen changes (status, an event's status), with what was seen before. */
  onChange?: (view: CodeDeployView, previous: CodeDeployView | undefined) => void;
}

const seen = (view: CodeDeployView) => JSON.stringify([view.status, view.events.map((e) => e.status)]);

/** Watches a deployment until it ends, waits in Ready (when asked), or the time runs out. */
export async function watchCodeDeployment(
  client: CodeDeployClient,
  deploymentId: string,
  options: CodeDeployWatchOptions,
): Promise<CodeDeployWatchEnd> {
  let last: CodeDeployView | undefined;
  let readEvents = true;
  const result = await poll<CodeDeployWatchEnd>(
    async () => {
      const view = await describeCodeDeployment(client, deploymentId, readEvents);
      if (view.eventsDenied && readEvents) {
        readEvents = false;
        core.warning(
          `The lifecycle events of ${deploymentId} are not shown: the job's AWS role may not read deployment targets. Allow ${TARGET_PERMISSIONS.join(', ')} to see them (see the README's "CodeDeploy"); the deployment is watched by its status.`,
        );
      }
      if (!last || seen(last) !== seen(view)) options.onChange?.(view, last);
      last = view;
      if (view.finished) return { kind: 'finished', view };
      if (options.stopAtReady && view.status === 'Ready') return { kind: 'ready', view };
      return undefined;
    },
    { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs },
  );
  return result.outcome === 'done' ? result.value : { kind: 'timeout', view: last };
}

/** ContinueDeployment(READY_WAIT): production traffic is rerouted to the replacement task set. */
export async function continueCodeDeployment(client: CodeDeployClient, deploymentId: string): Promise<void> {
  const { ContinueDeploymentCommand } = await import('@aws-sdk/client-codedeploy');
  await aws('codedeploy:ContinueDeployment', () =>
    client.send(new ContinueDeploymentCommand({ deploymentId, deploymentWaitType: 'READY_WAIT' })),
  );
}

/** StopDeployment with automatic rollback: traffic back on the original task set, the replacement deleted. */
export async function stopCodeDeployment(client: CodeDeployClient, deploymentId: string): Promise<void> {
  const { StopDeploymentCommand } = await import('@aws-sdk/client-codedeploy');
  await aws('codedeploy:StopDeployment', () =>
    client.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true })),
  );
}

/** Logs each change of the deployment's status, and each lifecycle event as it starts and ends. */
export function logCodeDeployChange(view: CodeDeployView, previous: CodeDeployView | undefined): void {
  if (view.status !== previous?.status) core.info(`deployment ${view.deploymentId}: ${view.status}`);
  for (const event of view.events) {
    const before = previous?.events.find((e) => e.name === event.name)?.status ?? 'Pending';
    if (event.status !== before && event.status !== 'Pending') core.info(`  ${event.name}: ${event.status}`);
  }
}
