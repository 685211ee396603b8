import * as core from '@actions/core';
import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import { describe, TimeoutError } from '../lib/errors.js';
import {
  findServiceDeployment,
  watchServiceDeployment,
  type DeploymentView,
  type StageMark,
} from '../lib/ecs-service-deployment.js';
import type { ServiceReport } from './report.js';

/**
 * The service deployment an update started (ListServiceDeployments), named in every run's log, summary and
 * `service-deployment-arn` output; and for a traffic-shifting strategy (BLUE_GREEN, CANARY, LINEAR) followed
 * through DescribeServiceDeployments stage by stage, because DescribeServices does not show the lifecycle
 * stage, the traffic split or why ECS rolled back.
 */

/** What an IAM policy needs for the service deployment to be named and followed. */
export const SERVICE_DEPLOYMENT_PERMISSIONS =
  'ecs:ListServiceDeployments, ecs:DescribeServiceDeployments, ecs:DescribeServiceRevisions';

const TRAFFIC_SHIFTING = ['BLUE_GREEN', 'CANARY', 'LINEAR'];

/** The strategy of a service that shifts traffic between two revisions, else undefined (a rolling update). */
export function trafficStrategy(service: Service | undefined): string | undefined {
  const strategy = service?.deploymentConfiguration?.strategy;
  return strategy && TRAFFIC_SHIFTING.includes(strategy) ? strategy : undefined;
}

/**
 * Looks up and records the service deployment an update started at `since`. ECS without the API, a deployment
 * not found, or a policy without the permissions: the deploy goes on with a warning, the output stays empty.
 */
export async function nameServiceDeployment(
  client: ECSClient,
  where: { cluster: string; entry: ServiceReport; taskDefinitionArn: string; since: Date },
  log: (line: string) => void,
): Promise<void> {
  const { entry } = where;
  let arn: string | undefined;
  try {
    arn = await findServiceDeployment(client, {
      cluster: where.cluster,
      service: entry.service,
      taskDefinitionArn: where.taskDefinitionArn,
      since: where.since,
    });
  } catch (error) {
    core.warning(
      `${entry.service}: its service deployment is not known (${describe(error).split('\n')[0]}); the deploy goes on without it. ` +
        `To see it, allow ${SERVICE_DEPLOYMENT_PERMISSIONS} to the deploying role.`,
    );
    return;
  }
  if (!arn) {
    log(`${entry.service}: ECS lists no service deployment for this update (service-deployment-arn stays empty)`);
    return;
  }
  entry.serviceDeploymentArn = arn;
  log(`service deployment ${arn}`);
}

/** How a followed service deployment ended, in the terms of the rollout watch. */
export type FollowEnd =
  | { outcome: 'completed' }
  /** It could not be followed: the DescribeServices watch decides. */
  | { outcome: 'unknown' }
  | { outcome: 'failed'; reason: string; rolledBack: boolean }
  | { outcome: 'timeout'; reason: string }
  /** Waiting at the PAUSE hook of the stage asked for (the gate). */
  | { outcome: 'paused'; hookId: string; view: DeploymentView };

/** Watches a traffic-shifting service deployment to its end, logging each lifecycle stage as it starts. */
export async function followServiceDeployment(
  client: ECSClient,
  {
    entry,
    arn,
    intervalMs,
    timeoutMs,
    pauseAt,
  }: { entry: ServiceReport; arn: string; intervalMs: number; timeoutMs: number; pauseAt?: string },
  log: (line: string) => void,
): Promise<FollowEnd> {
  // A deployment followed again (after the gate) keeps the stages seen so far.
  const stages: StageMark[] = (entry.stages ??= []);
  let end: Awaited<ReturnType<typeof watchServiceDeployment>>;
  let seen: DeploymentView | undefined;
  try {
    end = await watchServiceDeployment(client, arn, {
      intervalMs,
      timeoutMs,
      ...(pauseAt ? { pauseAt } : {}),
      onChange(view, previous) {
        seen = view;
        if (view.stage && view.stage !== previous?.stage && view.stage !== stages.at(-1)?.stage) {
          stages.push({ stage: view.stage, at: Date.now() });
          log(`stage ${view.stage}${traffic(view)}`);
        } else if (previous && traffic(view) !== traffic(previous)) {
          // A canary or linear step within the stage: the split moved.
          log(`traffic${traffic(view)}`);
        }
      },
    });
  } catch (error) {
    // The deadline (wait-for-minutes) cut a request: the deployment did not finish in time.
    if (error instanceof TimeoutError) return timedOut(seen, error.message);
    // Following is a view, not the verdict: a policy without ecs:DescribeServiceDeployments (or an API that
    // keeps failing) leaves the DescribeServices watch to decide, as for a rolling update.
    core.warning(
      `${entry.service}: its service deployment cannot be followed (${describe(error).split('\n')[0]}); the rollout is watched through DescribeServices only. ` +
        `To follow it stage by stage, allow ${SERVICE_DEPLOYMENT_PERMISSIONS} to the deploying role.`,
    );
    return { outcome: 'unknown' };
  } finally {
    entry.stagesEndedAt = Date.now();
  }
  if (end.kind === 'paused') return { outcome: 'paused', hookId: end.hookId, view: end.view };
  return end.kind === 'finished' ? ending(end.view) : timedOut(end.view ?? seen);
}

function timedOut(view: DeploymentView | undefined, cut?: string): FollowEnd {
  const last = view ? `: last seen ${view.status} at ${view.stage ?? 'no stage'}${traffic(view)}` : '';
  return {
    outcome: 'timeout',
    reason: `The service deployment did not finish within wait-for-minutes${last}.${cut ? ` ${cut}` : ''}`,
  };
}

export function traffic(view: DeploymentView): string {
  if (view.production === undefined && view.test === undefined) return '';
  return ` (production ${view.production ?? 0}%, test ${view.test ?? 0}% on the new revision)`;
}

/** SUCCESSFUL completes; any other final status fails the step with what ECS said of it. */
export function ending(view: DeploymentView): FollowEnd {
  if (view.status === 'SUCCESSFUL') return { outcome: 'completed' };
  const trim = (text: string | undefined) => text?.trim().replace(/\.$/, '');
  const status = trim(view.statusReason);
  const rollback = trim(view.rollbackReason);
  // ECS often gives the one reason twice (statusReason and rollback.reason): said once.
  const why = [status, rollback && rollback !== status ? `rollback: ${rollback}` : undefined]
    .filter(Boolean)
    .join('; ');
  const alarms = view.triggeredAlarms.length ? ` Alarms: ${view.triggeredAlarms.join(', ')}.` : '';
  return {
    outcome: 'failed',
    reason: `The service deployment ended ${view.status}${why ? `: ${why}` : ''}.${alarms}`,
    rolledBack: view.status === 'ROLLBACK_SUCCESSFUL',
  };
}
