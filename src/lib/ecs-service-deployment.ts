import type { ECSClient, ServiceDeployment } from '@aws-sdk/client-ecs';
import { aws } from './aws.js';
import { poll } from './poll.js';

/**
 * An ECS service deployment watched through its own API (ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions, ContinueServiceDeployment, StopServiceDeployment): its status, its lifecycle stage
 * (blue/green, canary and linear), where production and test traffic go, its lifecycle hooks, and why it rolled
 * back. Rolling updates have service deployments too, so every deploy can name the one it started.
 */

/** The statuses a service deployment ends in (Developer Guide, "View service history using service deployments"). */
const FINAL = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export interface HookView {
  hookId: string;
  targetType: string;
  status: string;
  /** ms since epoch, when the hook's timeout action is taken. */
  expiresAt?: number;
  timeoutAction?: string;
}

/** What a watcher reports of a service deployment at one moment. */
export interface DeploymentView {
  arn: string;
  status: string;
  statusReason?: string;
  /** The lifecycle stage; undefined for a rolling update. */
  stage?: string;
  /** Percent of production and of test traffic on the new revision, when the strategy shifts traffic. */
  production?: number;
  test?: number;
  hooks: HookView[];
  rollbackReason?: string;
  triggeredAlarms: string[];
  failedTasks?: number;
  finished: boolean;
}

export function viewOf(deployment: ServiceDeployment): DeploymentView {
  const target = deployment.targetServiceRevision;
  const status = deployment.status ?? 'PENDING';
  return {
    arn: deployment.serviceDeploymentArn ?? '',
    status,
    ...(deployment.statusReason ? { statusReason: deployment.statusReason } : {}),
    ...(deployment.lifecycleStage ? { stage: deployment.lifecycleStage } : {}),
    ...(target?.requestedProductionTrafficWeight !== undefined
      ? { production: target.requestedProductionTrafficWeight }
      : {}),
    ...(target?.requestedTestTrafficWeight !== undefined ? { test: target.requestedTestTrafficWeight } : {}),
    hooks: (deployment.lifecycleHookDetails ?? []).map((hook) => ({
      hookId: hook.hookId ?? '',
      targetType: hook.targetType ?? 'AWS_LAMBDA',
      status: hook.status ?? 'IN_PROGRESS',
      ...(hook.expiresAt ? { expiresAt: hook.expiresAt.getTime() } : {}),
      ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
    })),
    ...(deployment.rollback?.reason ? { rollbackReason: deployment.rollback.reason } : {}),
    triggeredAlarms: deployment.alarms?.triggeredAlarmNames ?? [],
    ...(deployment.deploymentCircuitBreaker?.failureCount !== undefined
      ? { failedTasks: deployment.deploymentCircuitBreaker.failureCount }
      : {}),
    finished: FINAL.includes(status),
  };
}

/**
 * The service deployment an update started: among the service's deployments created since `since`, the newest
 * whose target revision runs `taskDefinitionArn`. Undefined when ECS has none (an API without service
 * deployments, or an update that needed no deployment).
 */
export async function findServiceDeployment(
  client: ECSClient,
  where: { cluster: string; service: string; taskDefinitionArn: string; since: Date },
): Promise<string | undefined> {
  const { ListServiceDeploymentsCommand, DescribeServiceRevisionsCommand } = await import('@aws-sdk/client-ecs');
  const listed = await aws(`ecs:ListServiceDeployments (${where.service})`, () =>
    client.send(
      new ListServiceDeploymentsCommand({
        cluster: where.cluster,
        service: where.service,
        // A second of slack: ECS stamps the deployment with its own clock.
        createdAt: { after: new Date(where.since.getTime() - 1000) },
      }),
    ),
  );
  const briefs = [...(listed.serviceDeployments ?? [])]
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))
    .slice(0, 20);
  const revisions = briefs.map((brief) => brief.targetServiceRevisionArn).filter((arn): arn is string => !!arn);
  if (revisions.length === 0) return undefined;
  const described = await aws('ecs:DescribeServiceRevisions', () =>
    client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisions })),
  );
  const ours = new Set(
    (described.serviceRevisions ?? [])
      .filter((revision) => revision.taskDefinition === where.taskDefinitionArn)
      .map((revision) => revision.serviceRevisionArn),
  );
  return briefs.find((brief) => ours.has(brief.targetServiceRevisionArn))?.serviceDeploymentArn;
}

export async function describeServiceDeployment(client: ECSClient, arn: string): Promise<DeploymentView> {
  const { DescribeServiceDeploymentsCommand } = await import('@aws-sdk/client-ecs');
  const answer = await aws('ecs:DescribeServiceDeployments', () =>
    client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })),
  );
  const found = answer.serviceDeployments?.[0];
  if (!found)
    throw new Error(`ECS does not know the service deployment ${arn} (${answer.failures?.[0]?.reason ?? 'MISSING'}).`);
  return viewOf(found);
}

export type WatchEnd =
  | { kind: 'finished'; view: DeploymentView }
  /** A PAUSE hook awaits ContinueServiceDeployment at the stage asked for. */
  | { kind: 'paused'; view: DeploymentView; hookId: string }
  | { kind: 'timeout'; view: DeploymentView | undefined };

export interface WatchOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop watching when the deployment waits at a PAUSE hook of this stage (e.g. POST_TEST_TRAFFIC_SHIFT). */
  pauseAt?: string;
  /** Called when what is seen changes (stage, status, traffic, a hook's status), with what was seen before. */
  onChange?: (view: DeploymentView, previous: DeploymentView | undefined) => void;
}

/** A fingerprint of what a reader cares about, to tell a change from the same answer again. */
const seen = (view: DeploymentView) =>
  JSON.stringify([view.status, view.stage, view.production, view.test, view.hooks.map((h) => h.status)]);

/** Watches a service deployment until it ends, pauses where asked, or the time runs out. */
export async function watchServiceDeployment(client: ECSClient, arn: string, options: WatchOptions): Promise<WatchEnd> {
  let last: DeploymentView | undefined;
  const result = await poll<WatchEnd>(
    async () => {
      const view = await describeServiceDeployment(client, arn);
      if (!last || seen(last) !== seen(view)) options.onChange?.(view, last);
      last = view;
      if (view.finished) return { kind: 'finished', view };
      const waiting = view.hooks.find((hook) => hook.targetType === 'PAUSE' && hook.status === 'AWAITING_ACTION');
      if (options.pauseAt && view.stage === options.pauseAt && waiting)
        return { kind: 'paused', view, hookId: waiting.hookId };
      return undefined;
    },
    {
      intervalMs: options.intervalMs,
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return result.outcome === 'done' ? result.value : { kind: 'timeout', view: last };
}

/** Answers a PAUSE hook: the deployment goes on (CONTINUE) or rolls back (ROLLBACK). */
export async function continueServiceDeployment(
  client: ECSClient,
  arn: string,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
): Promise<void> {
  const { ContinueServiceDeploymentCommand } = await import('@aws-sdk/client-ecs');
  await aws(`ecs:ContinueServiceDeployment (${action})`, () =>
    client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action })),
  );
}

/** Stops a deployment that has not finished, rolling it back to the revision it replaces. */
export async function stopServiceDeployment(client: ECSClient, arn: string): Promise<void> {
  const { StopServiceDeploymentCommand } = await import('@aws-sdk/client-ecs');
  await aws('ecs:StopServiceDeployment (ROLLBACK)', () =>
    client.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
  );
}

/** One row per lifecycle stage a watcher saw, for a job summary: the stage, when it began, how long it lasted. */
export interface StageMark {
  stage: string;
  at: number;
}

export function stageTimeline(
  marks: StageMark[],
  now = Date.now(),
): { stage: string; began: string; lastedMs: number }[] {
  return marks.map((mark, i) => ({
    stage: mark.stage,
    began: new Date(mark.at).toISOString(),
    lastedMs: (marks[i + 1]?.at ?? now) - mark.at,
  }));
}
